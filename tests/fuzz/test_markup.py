"""Hypothesis on render+sanitise: whatever markdown a reader types, what Rostra stores is already what
nh3 would keep (the sanitiser has nothing left to take out), and rendering never fails."""

from html import unescape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.core.markup import render_markdown, render_plain_text, sanitize_html

# Pieces markdown and HTML are made of, so that examples reach links, quotes, lists, code and
# raw HTML far more often than uniform text would.
PIECES = [
    "*", "**", "_", "`", "```", "\n", "\n\n", "> ", "- ", "1. ", "    ", "[", "]", "(", ")", "<", ">",
    "&", "&amp;", "&#0;", "&#x110000;", "&lt;", "\\", "!", "#", "|", '"', "'", "=", "/",
    "http://", "https://example.org/a?b=c&d=e", "javascript:alert(1)", "mailto:a@example.org",
    "data:text/html,<script>", "<script>alert(1)</script>", "<a href=x>", "</a>", "<img src=x onerror=y>",
    "<!--", "-->", "<![CDATA[", "]]>", "<svg/onload=z>", "<p>", "</p>", "\x00", "\u2028", "\ufeff",
    "\U0001f600", "\r\n", "\t", "title", " ",
]
BODIES = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map("".join)
FUZZ = settings(max_examples=1500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(BODIES)
def test_rendered_markdown_is_a_fixed_point_of_the_sanitiser(body):
    html = render_markdown(body)
    assert sanitize_html(html) == html


@settings(max_examples=300, deadline=None, derandomize=True)
@given(BODIES)
def test_plain_text_loses_nothing_to_the_sanitiser(body):
    # Plain text (imports) is escaped, not passed through nh3, which writes U+00A0 as &nbsp;: the
    # same text, so compare what a browser reads.
    rendered = render_plain_text(body)
    assert unescape(sanitize_html(rendered)) == unescape(rendered)
