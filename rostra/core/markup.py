"""Turn what people type into safe HTML, once, at write time: markdown (a small subset) or plain text.

Markdown is parsed by markdown-it-py with raw HTML off and only the constructs readers are offered
(paragraphs, emphasis, links, quotes, code, lists); its output then passes nh3's allow-list anyway, so a
parser bug cannot reach a page.
"""

import html
import re
from functools import cache
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https"}
ENABLED_RULES = [
    "blockquote", "code", "fence", "list", "paragraph", "newline", "escape", "backticks",
    "emphasis", "link", "autolink", "entity", "text", "linkify",
]


def _is_absolute_link(url: str) -> bool:
    """Links in comments must say where they go: http(s) only, never relative, mail or script."""
    scheme, _, rest = url.strip().partition(":")
    return bool(rest) and scheme.lower() in URL_SCHEMES


def web_address(url: str) -> str:
    """`url` if it is an absolute http(s) address with a host, else "": the only links to an author's
    website that Rostra renders, whatever an import or an old row holds."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc or any(ord(c) < 33 for c in url):
        return ""
    return url


@cache
def _markdown():
    # imported on first use: a process that renders no markdown (an import of HTML comments, most
    # commands) does not pay for loading the parser and its rules (a twentieth of a second)
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable([r for r in ENABLED_RULES if r != "linkify"], ignoreInvalid=True)
    md.validateLink = _is_absolute_link
    return md


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 lets relative links through whatever the schemes: a comment's link must be absolute."""
    if attribute == "href" and not _is_absolute_link(value):
        return None
    return value


@cache
def _sanitiser() -> nh3.Cleaner:
    """Built once: nh3.clean builds its allow-list anew on every call, five times the cost of the
    cleaning itself for a comment's paragraph."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_attribute,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def sanitize_html(fragment: str) -> str:
    """Keep only the allow-listed tags; links (absolute http(s) only) get rel="nofollow ugc noopener"."""
    return _sanitiser().clean(fragment).strip()


def render_markdown(source: str) -> str:
    return sanitize_html(_markdown().render(source))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def split_paragraphs(source: str) -> list[str]:
    text = source.replace("\r\n", "\n").replace("\r", "\n").strip()
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def render_plain_text(source: str) -> str:
    """Text as it was displayed: blank lines separate paragraphs, single newlines stay line breaks.
    A NUL becomes U+FFFD, as markdown-it and browsers make it (it is never stored in the HTML)."""
    source = source.replace("\0", "\ufffd")
    paragraphs = (
        "<br>\n".join(html.escape(line, quote=False) for line in p.split("\n"))
        for p in split_paragraphs(source)
    )
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


RENDERERS = {"markdown": render_markdown, "plain": render_plain_text, "html": sanitize_html}


def render(source: str, fmt: str) -> str:
    return RENDERERS[fmt](source)
