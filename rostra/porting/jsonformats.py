"""Readers for JSON exports: Remark42 backups (JSON Lines, streamed) and Isso's generic JSON.

Both group comments by page URL rather than by thread record, so the readers announce each page's
article the first time they meet its URL.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import urljoin

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


def read_isso_json(stream: TextIO, *, base: str) -> Iterator[ArticleRecord | CommentRecord]:
    """Isso's generic JSON: a list of threads (`id` is the page path) with flat comment lists.

    Page paths are made full URLs against `base` (the site's first origin or domain).
    """
    try:
        threads = json.load(stream)
    except json.JSONDecodeError as exc:
        raise SourceError(f"the file is not JSON ({exc.msg})", line=exc.lineno) from None
    if not isinstance(threads, list):
        raise SourceError("expected a list of threads", line=1)
    for position, thread in enumerate(threads, start=1):
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


def _time(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


COMMENTO_STATES = {"approved": "visible", "unapproved": "pending", "flagged": "pending"}


def read_commento(stream: TextIO) -> Iterator[ArticleRecord | CommentRecord]:
    """A Commento / Commento++ export: `comments` (with `domain` and page `url`) and `commenters`.

    Read whole (the commenters, which name the authors, come after the comments in the file).
    """
    try:
        export = json.load(stream)
    except json.JSONDecodeError as exc:
        raise SourceError(f"the file is not JSON ({exc.msg})", line=exc.lineno) from None
    if not isinstance(export, dict) or not isinstance(export.get("comments"), list):
        raise SourceError("expected a Commento export (an object with a list of comments)", line=1)
    people = {
        person.get("commenterHex"): person
        for person in export.get("commenters") or [] if isinstance(person, dict)
    }
    seen: set[str] = set()
    for position, comment in enumerate(export["comments"], start=1):
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
