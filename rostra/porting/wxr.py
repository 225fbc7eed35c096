"""read_wxr: a WordPress eXtended RSS export (WXR 1.0–1.2, wordpress.com too), streamed.

Each `<item>` (post, page …) that has comments becomes an article (its link as URL, title, post id
as source id) followed by its `<wp:comment>`s. Pingbacks and trackbacks are not comments: they are
counted as skipped by design. Comment text is WordPress's (HTML with paragraphs as blank lines); it is
turned into paragraphs here and sanitised when stored.
"""

import functools
import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.text import slugify

from rostra.porting.disqus import FromFirstTag
from rostra.porting.records import ArticleRecord, CommentRecord, SkippedRecord, SourceError

SOURCE = "wxr"
WP = ("http://wordpress.org/export/", "https://wordpress.org/export/")  # both appear in the wild
STATES = {"1": "visible", "approve": "visible", "0": "pending", "hold": "pending",
          "spam": "spam", "trash": "deleted", "post-trashed": "deleted"}
_BLOCK = re.compile(r"<(p|div|blockquote|ul|ol|pre|h[1-6])[\s>]", re.I)


# Whatever comes before the first element: the XML declaration and other processing instructions,
# comments, a document type (with its internal subset), white space.
_PROLOGUE = re.compile(rb"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([^\s/>!?]+)",
                       re.S | re.I)


@functools.lru_cache(maxsize=512)  # an export uses a few dozen distinct tags, millions of times
def _name(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


_WP_LOCAL: dict[str, str | None] = {}  # tag -> its local name in WordPress's namespaces or none, else None


def _wp_local(tag: str) -> str | None:
    namespace, local = _name(tag)
    found = _WP_LOCAL[tag] = local if namespace.startswith(WP) or namespace == "" else None
    return found


def _children(element) -> dict[str, str]:
    """Child elements by local name (WordPress's own namespace, whatever its version), text stripped."""
    found = {}
    for child in element:
        tag = child.tag
        local = _WP_LOCAL[tag] if tag in _WP_LOCAL else _wp_local(tag)
        if local is not None and local not in found:
            found[local] = (child.text or "").strip()
    return found


def _root_name(head: bytes) -> str | None:
    """The first element's name, read from the file's first bytes (None when they do not reach it)."""
    match = _PROLOGUE.match(head)
    return match.group(1).decode("utf-8", "replace").rpartition(":")[2] if match else None


def wordpress_paragraphs(text: str) -> str:
    """WordPress shows comment text with blank lines as paragraphs and newlines as breaks."""
    if _BLOCK.search(text):
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)


def _time(gmt: str, local: str, zone: Callable[[], tzinfo]) -> datetime | None:
    """The GMT time, else the local time in the site's zone (asked for only then)."""
    for value, is_gmt in ((gmt, True), (local, False)):
        if value and not value.startswith("0000"):
            try:
                moment = datetime.fromisoformat(value)  # "YYYY-MM-DD HH:MM:SS"; strptime is 10x slower
            except ValueError:
                continue
            if moment.tzinfo is not None:
                return moment
            return moment.replace(tzinfo=UTC if is_gmt else zone())
    return None


def read_wxr(stream: BinaryIO, *, zone: Callable[[], tzinfo]
             ) -> Iterator[ArticleRecord | CommentRecord | SkippedRecord]:
    """Yield, per item with comments, its ArticleRecord then its CommentRecords (file order).
    `zone()` is the site's time zone, for times the file gives in local time alone.

    Raises SourceError naming the line when the XML is not well-formed.
    """
    comments: list = []
    blog = ""  # the channel's own link: post ids are only unique within one blog
    source = FromFirstTag(stream)
    root = _root_name(source.raw.pending)  # from the first bytes: the parse reports only ends
    if root is not None and root != "rss":
        raise SourceError("this is not a WordPress export (its root is not <rss>)", line=1)
    try:
        for _event, element in iterparse(source, events=("end",)):
            namespace, local = _name(element.tag)
            if local == "comment" and namespace.startswith(WP):
                comments.append(_comment(element, zone))
            elif local == "link" and namespace == "" and not blog:
                blog = (element.text or "").strip()  # the channel's link comes before any item
            elif local == "item" and namespace == "":
                yield from _item(element, comments, zone, blog)
                comments = []
                element.clear()
    except ParseError as exc:
        raise SourceError(f"the XML is not well-formed ({exc})", line=exc.position[0]) from None


def _comment(element, zone) -> CommentRecord | SkippedRecord:
    fields = _children(element)
    comment_id = fields.get("comment_id", "")
    kind = fields.get("comment_type", "")
    if kind in ("pingback", "trackback"):
        return SkippedRecord(f"{kind} {comment_id}", by_design=True)
    parent = fields.get("comment_parent", "0")
    return CommentRecord(
        source_id=comment_id,
        parent_source_id=parent if parent not in ("", "0") else None,
        author_name=html.unescape(fields.get("comment_author", "")) or "Anonymous",
        author_email=fields.get("comment_author_email", ""),
        author_website=fields.get("comment_author_url", ""),
        body=wordpress_paragraphs(fields.get("comment_content", "")),
        body_format="html",
        created=_time(fields.get("comment_date_gmt", ""), fields.get("comment_date", ""), zone),
        state=STATES.get(fields.get("comment_approved", "1"), "pending"),
    )


def _item(element, comments, zone, blog):
    if not comments:
        return
    fields = _children(element)
    post_id = fields.get("post_id") or fields.get("guid") or fields.get("link", "")
    post_id = f"{blog}#{post_id}" if blog else post_id
    title = html.unescape(fields.get("title", "")) or fields.get("link", "") or f"Post {post_id}"
    yield ArticleRecord(
        source=SOURCE,
        source_id=post_id,
        slug=slugify(title)[:180] or f"post-{post_id}",
        title=title,
        url=fields.get("link", ""),
        published=_time(fields.get("post_date_gmt", ""), fields.get("post_date", ""), zone),
    )
    for comment in comments:
        if isinstance(comment, CommentRecord):
            comment.article_source_id = post_id
        yield comment
