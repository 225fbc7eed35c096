"""read_disqus: a Disqus XML export, streamed (iterparse, each element cleared once read).

A Disqus export lists categories, then threads (`<thread dsq:id>` with link, title, createdAt), then
posts (`<post dsq:id>` with message HTML, createdAt, isDeleted, isSpam, author, a `<thread dsq:id>`
reference and, for replies, a `<parent dsq:id>`). Records come out in file order; the loader copes
with posts whose parent comes later or never.
"""

import io
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.text import slugify

from rostra.porting.records import ArticleRecord, CommentRecord, SourceError

SOURCE = "disqus"
NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def _text(element, name: str) -> str:
    child = element.find(NS + name)
    return (child.text or "").strip() if child is not None else ""


def _time(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _flag(element, name: str) -> bool:
    return _text(element, name).lower() == "true"


class _FirstTagReader(io.RawIOBase):
    """A stream that starts at its first "<": exports with stray bytes before the XML declaration
    (a byte-order mark, a copy-paste slip) are read instead of refused."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        head = stream.read(4096)
        self.pending = head[head.find(b"<"):] if b"<" in head else head

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.pending or self.stream.read(len(buffer))
        self.pending = b""
        data = data[: len(buffer)] if len(data) <= len(buffer) else self._keep(data, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _keep(self, data: bytes, size: int) -> bytes:
        self.pending = data[size:]
        return data[:size]


def FromFirstTag(stream: BinaryIO) -> io.BufferedReader:  # noqa: N802 (reads like a class)
    return io.BufferedReader(_FirstTagReader(stream))


def read_disqus(stream: BinaryIO) -> Iterator[ArticleRecord | CommentRecord]:
    """Yield an ArticleRecord per `<thread>` and a CommentRecord per `<post>`, in file order.

    Raises SourceError naming the line when the XML is not well-formed (what was yielded before
    stays valid).
    """
    depth = 0
    root = None
    try:
        for event, element in iterparse(FromFirstTag(stream), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                    if element.tag != NS + "disqus":
                        raise SourceError("this is not a Disqus export (its root is not <disqus>)",
                                          line=1)
                continue
            depth -= 1
            if depth != 1:  # only the export's direct children are records
                continue
            if element.tag == NS + "thread":
                yield _thread(element)
            elif element.tag == NS + "post":
                yield _post(element)
            root.clear()  # the record is read: let go of it (a cleared child would still be kept)
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise SourceError(f"the XML is not well-formed ({exc.msg if hasattr(exc, 'msg') else exc})",
                          line=line) from None


def _thread(element) -> ArticleRecord:
    thread_id = element.get(DSQ_ID, "")
    link = _text(element, "link")
    title = _text(element, "title") or link or f"Disqus thread {thread_id}"
    return ArticleRecord(
        source=SOURCE,
        source_id=thread_id,
        slug=slugify(title)[:180] or f"disqus-{thread_id}",
        title=title,
        url=link,
        published=_time(_text(element, "createdAt")),
    )


def _post(element) -> CommentRecord:
    author = element.find(NS + "author")
    name = (_text(author, "name") or _text(author, "username")) if author is not None else ""
    thread = element.find(NS + "thread")
    parent = element.find(NS + "parent")
    state = "spam" if _flag(element, "isSpam") else "deleted" if _flag(element, "isDeleted") else "visible"
    return CommentRecord(
        source_id=element.get(DSQ_ID, ""),
        parent_source_id=parent.get(DSQ_ID) if parent is not None else None,
        article_source_id=thread.get(DSQ_ID) if thread is not None else None,
        author_name=name or "Anonymous",
        author_email=_text(author, "email") if author is not None else "",
        body=_text(element, "message"),
        body_format="html",
        created=_time(_text(element, "createdAt")),
        state=state,
    )
