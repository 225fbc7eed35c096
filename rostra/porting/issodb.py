"""Reader for an Isso database (the SQLite file named by Isso's `dbpath`), read-only and streamed.

Isso keeps threads (`uri` is the page path, `title`) and comments with a `mode`: 1 published,
2 awaiting moderation, 4 deleted but kept for its replies. Isso stores the author's name and website
HTML-escaped; Rostra stores what was typed, so they are unescaped here. Text is Isso's markdown source.
Likes and dislikes come over as vote counts (Isso keeps no voters, only a Bloom filter of addresses).
"""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

from rostra.porting.formats import is_sqlite
from rostra.porting.jsonformats import page_article
from rostra.porting.records import ArticleRecord, CommentRecord, SkippedRecord, SourceError

SOURCE = "isso"
NEEDED = {
    "threads": {"id", "uri", "title"},
    "comments": {"tid", "id", "parent", "created", "modified", "mode", "text", "author", "email",
                 "website", "likes", "dislikes"},
}
STATES = {1: "visible", 2: "pending", 4: "deleted"}


def open_isso_db(path: Path) -> sqlite3.Connection:
    """Open `path` read-only after checking it is a sound SQLite file with Isso's tables; SourceError
    (naming what is wrong) otherwise, before anything is read from it."""
    if not is_sqlite(path):
        raise SourceError("this is not an SQLite database (an Isso database is the file its "
                          "`dbpath` setting names)")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            problems = [line for line in verdict.splitlines() if not line.startswith("***")]
            more = f", and {len(problems) - 1} more problems" if len(problems) > 1 else ""
            raise SourceError(f"the database is damaged (SQLite's check finds {problems[0]}{more})")
        for table, columns in NEEDED.items():
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if not present:
                raise SourceError(f"this SQLite database has no {table!r} table: it is not Isso's")
            if missing := columns - present:
                raise SourceError(f"the {table!r} table lacks {', '.join(sorted(missing))}: "
                                  "it is not an Isso database this version can read")
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"the database cannot be read ({exc})") from None
    return db


def read_isso_db(path: Path, *, base: str) -> Iterator[ArticleRecord | CommentRecord | SkippedRecord]:
    """Every thread of the database and its comments, thread by thread, oldest comment first.

    Page paths become full URLs against `base` (the site's first origin or domain). The file is
    checked now, before anything is read (SourceError for a damaged or foreign one)."""
    return _records(open_isso_db(path), base)


def _records(db: sqlite3.Connection, base: str):
    try:
        rows = db.execute(
            "SELECT t.id, t.uri, t.title, c.id, c.parent, c.created, c.modified, c.mode, c.text,"
            " c.author, c.email, c.website, c.likes, c.dislikes"
            " FROM threads t LEFT JOIN comments c ON c.tid = t.id ORDER BY t.id, c.id"
        )
        current = None
        for (tid, uri, title, cid, parent, created, modified, mode, text, author, email, website,
             likes, dislikes) in rows:
            if tid != current:
                current = tid
                url = urljoin(base, uri) if base and uri else str(uri or "")
                yield _article(url, title, tid)
            if cid is None:
                continue
            if mode not in STATES:
                yield SkippedRecord(f"comment {cid} (thread {uri}): mode {mode!r} is not one Isso uses")
                continue
            yield CommentRecord(
                source_id=str(cid),
                parent_source_id=str(parent) if parent else None,
                article_source_id=url,
                author_name=unescape(author or "") or ("[deleted]" if mode == 4 else "Anonymous"),
                author_email=(email or "").strip()[:254] if mode != 4 else "",
                author_website=unescape(website or "") if mode != 4 else "",
                body=text or "",
                body_format="markdown",
                created=_time(created),
                edited=_time(modified),
                state=STATES[mode],
                upvotes=_count(likes),
                downvotes=_count(dislikes),
            )
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"the database could not be read to its end ({exc})") from None
    finally:
        db.close()


def _article(url: str, title, tid) -> ArticleRecord:
    record = page_article(SOURCE, url, str(title or ""))
    if not url:
        record.source_id = f"thread:{tid}"
    return record


def _time(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=UTC) if value is not None else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _count(value) -> int:
    return value if isinstance(value, int) and value > 0 else 0
