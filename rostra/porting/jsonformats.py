"""Readers for JSON exports: Remark42 backups (JSON Lines, line by line), Isso's generic JSON and
Commento exports (incrementally, with ijson): memory stays flat whatever the file's size.

Both group comments by page URL rather than by thread record, so the readers announce each page's
article the first time they meet its URL.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO, TextIO
from urllib.parse import urljoin

import ijson
from django.utils.text import slugify

from rostra.porting.records import ArticleRecord, CommentRecord, SkippedRecord, SourceError


def page_article(source: str, url: str, title: str = "") -> ArticleRecord:
    title = title or url
    return ArticleRecord(source=source, source_id=url, slug=slugify(title)[:180] or "page",
                         title=title[:300], url=url)


def read_remark42(stream: TextIO) -> Iterator[ArticleRecord | CommentRecord | SkippedRecord]:
    """A Remark42 backup: a metadata line, then one comment object per line (streamed)."""
    seen: set[str] = set()
    for number, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedRecord(f"line {number}: this line is not JSON ({exc.msg})")
            continue
        if not isinstance(item, dict):
            yield SkippedRecord(f"line {number}: expected a JSON object")
            continue
        if number == 1 and "version" in item and "id" not in item:
            continue  # the backup's metadata: users and posts
        locator = item.get("locator") or {}
        url = str(locator.get("url") or "") if isinstance(locator, dict) else ""
        if not url or not item.get("id"):
            yield SkippedRecord(f"line {number}: a comment needs an id and a locator.url")
            continue
        if url not in seen:
            seen.add(url)
            yield page_article("remark42", url)
        user = item.get("user") or {}
        yield CommentRecord(
            source_id=str(item["id"]),
            parent_source_id=str(item["pid"]) if item.get("pid") else None,
            article_source_id=url,
            author_name=str(user.get("name") or "Anonymous"),
            body=str(item.get("text") or ""),
            body_format="html",
            created=_time(item.get("time")),
            state="deleted" if item.get("delete") else "visible",
            line=number,
        )


def read_isso_json(stream: BinaryIO, *, base: str) -> Iterator[ArticleRecord | CommentRecord]:
    """Isso's generic JSON: a list of threads (`id` is the page path) with flat comment lists.

    Read incrementally, a thread at a time. Page paths are made full URLs against `base` (the site's
    first origin or domain).
    """
    try:
        for position, thread in enumerate(_items(stream, "item", expect="start_array"), start=1):
            if not isinstance(thread, dict) or "id" not in thread:
                yield SkippedRecord(f"thread {position}: it has no id")
                continue
            url = urljoin(base, str(thread["id"])) if base else str(thread["id"])
            yield page_article("isso-json", url, str(thread.get("title") or ""))
            for comment in thread.get("comments") or []:
                yield CommentRecord(
                    source_id=str(comment.get("id", "")),
                    parent_source_id=None,
                    article_source_id=url,
                    author_name=str(comment.get("author") or "Anonymous"),
                    author_email=str(comment.get("email") or ""),
                    author_website=str(comment.get("website") or ""),
                    body=str(comment.get("text") or ""),
                    body_format="markdown",
                    created=_time(comment.get("created")),
                )
    except ijson.JSONError as exc:
        raise _not_json(exc, stream) from None


def _not_json(exc: Exception, stream: BinaryIO) -> SourceError:
    """yajl's message, first line only, and about where in the file it stopped."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "it breaks off"
    try:
        where = f" within its first {stream.tell():,} bytes"
    except (OSError, ValueError):
        where = ""
    return SourceError(f"the file is not JSON{where} ({reason})")


def _items(stream: BinaryIO, prefix: str, *, expect: str):
    """The values at `prefix`, one at a time, after checking the document starts with `expect`
    (a list of threads is not a map of them: say so rather than import nothing)."""
    events = ijson.parse(stream, use_float=True)
    first = next(events, None)
    if first is None or first[1] != expect:
        shape = "a list" if expect == "start_array" else "an object"
        raise SourceError(f"expected {shape} at the top of the file", line=1)
    stream.seek(0)
    yield from ijson.items(stream, prefix, use_float=True)


def _time(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


COMMENTO_STATES = {"approved": "visible", "unapproved": "pending", "flagged": "pending"}


def read_commento(stream: BinaryIO) -> Iterator[ArticleRecord | CommentRecord]:
    """A Commento / Commento++ export: `comments` (with `domain` and page `url`) and `commenters`.

    Read incrementally, in two passes over the file: the commenters, who name the authors and come
    after the comments, first (they are few); then the comments, one at a time.
    """
    try:
        people = {
            person.get("commenterHex"): person
            for person in _items(stream, "commenters.item", expect="start_map")
            if isinstance(person, dict)
        }
        stream.seek(0)
        found = False
        seen: set[str] = set()
        for position, comment in enumerate(ijson.items(stream, "comments.item", use_float=True),
                                           start=1):
            found = True
            if not isinstance(comment, dict) or not comment.get("commentHex"):
                yield SkippedRecord(f"comment {position}: it has no commentHex")
                continue
            url = f"https://{comment.get('domain', '')}{comment.get('url', '')}"
            if url not in seen:
                seen.add(url)
                yield page_article("commento", url)
            person = people.get(comment.get("commenterHex")) or {}
            parent = comment.get("parentHex")
            state = COMMENTO_STATES.get(comment.get("state"), "pending")
            yield CommentRecord(
                source_id=str(comment["commentHex"]),
                parent_source_id=str(parent) if parent and parent != "root" else None,
                article_source_id=url,
                author_name=str(person.get("name") or "Anonymous"),
                author_email=str(person.get("email") or ""),
                author_website=str(person.get("link") or ""),
                body=str(comment.get("markdown") or ""),
                body_format="markdown",
                created=_time(comment.get("creationDate")),
                state="deleted" if comment.get("deleted") else state,
            )
    except ijson.JSONError as exc:
        raise _not_json(exc, stream) from None
    if not found:
        raise SourceError("expected a Commento export (an object with a list of comments)", line=1)
