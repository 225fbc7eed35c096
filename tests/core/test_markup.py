"""Markdown and plain text become safe HTML: the offered subset works, hostile input stays inert."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rostra.core.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, render_plain_text
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"


class Inspector(HTMLParser):
    """Collects every tag, attribute and URL a fragment would give a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, ()) and not (tag == "a" and name == "rel"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and urlsplit(value or "").scheme.lower() not in ("http", "https",
                                                                              "mailto"):
                self.problems.append(f"href {value!r}")

    handle_startendtag = handle_starttag


def problems_in(fragment: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(fragment)
    inspector.close()
    return inspector.problems


def payloads():
    found = []
    for path in sorted((FIXTURES / "payloadsallthethings").glob("*.txt")) + [
        FIXTURES / "payloadbox" / "xss-payload-list.txt"
    ]:
        found += [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    expect = FIXTURES / "dompurify" / "expect.json"
    if expect.exists():
        found += [case["payload"] for case in json.loads(expect.read_text())]
    return found


def test_offered_markdown_subset_renders():
    html = render_markdown(
        "*em* **strong** [link](https://example.org)\n\n> quoted\n\n- one\n- two\n\n"
        "1. first\n\n`code`\n\n```\nblock\n```"
    )
    for piece in ("<em>em</em>", "<strong>strong</strong>", "<blockquote>", "<ul>", "<ol>",
                  "<code>code</code>", "<pre><code>block"):
        assert piece in html
    assert 'href="https://example.org" rel="nofollow ugc noopener"' in html


def test_constructs_outside_the_subset_stay_text():
    html = render_markdown("# Heading\n\n![image](https://example.org/x.png)\n\n<b>raw</b>")
    assert "<h1" not in html and "<img" not in html and "<b>" not in html
    assert "# Heading" in html and "&lt;b&gt;raw&lt;/b&gt;" in html


def test_plain_text_keeps_paragraphs_and_line_breaks():
    assert render_plain_text("one\ntwo\n\n\nthree <i>") == "<p>one<br>\ntwo</p>\n<p>three &lt;i&gt;</p>"


@pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures are not beside this checkout")
def test_every_known_xss_payload_is_inert_in_markdown_and_plain_text():
    cases = payloads()
    assert len(cases) > 5000
    failures = []
    for payload in cases:
        for render in (render_markdown, render_plain_text):
            found = problems_in(render(payload))
            if found:
                failures.append((render.__name__, payload, found))
    assert failures == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;&#*_[]()`!-\n abcjsvrit0123")), max_size=80))
def test_no_input_can_produce_markup_outside_the_allow_list(text):
    assert problems_in(render_markdown(text)) == []
    assert problems_in(render_plain_text(text)) == []
