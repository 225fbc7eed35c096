"""read_reddit: a Reddit thread as Reddit's JSON gives it, or an /api/morechildren answer for one.

Two shapes are read:

- a thread: `[post listing, comment listing]`, what a thread's address with `.json` appended returns.
  The post (`kind: t3`) becomes the article, each comment (`kind: t1`) a comment; replies nest in
  `data.replies` (a listing, or "" when there are none) and name their parent in `parent_id`
  (`t1_…` a comment, `t3_…` the post: a top-level comment).
- a /api/morechildren answer: `{"json": {"data": {"things": [...]}}}`, flat comments that name their
  thread in `link_id`. Such a file holds no post, so the reader announces the thread by its id alone
  (a fallback title and the thread's reddit.com address); the loader finds the thread an earlier
  import of the thread file stored (same source, same id), and the comments join it.

Decisions:

- The article's URL is the page the post links to: a newsroom imports a Reddit discussion because it
  is about one of its pages, and Rostra finds a page's discussion by its URL (an existing thread of
  that page takes the comments in). A self post (text only, no link) has no other page: its
  reddit.com permalink is the URL. The poster becomes the contributor (u/name), the subreddit the
  outlet (r/name), a self post's text the article's body (markdown).
- Ids are Reddit's fullnames (t3_…, t1_…), as `parent_id` and `link_id` name them.
- Reddit gives one net score per comment (`ups` is the score; `downs` has been 0 since 2014): a
  positive score is counted as upvotes, a negative one as downvotes. A hidden score counts as none.
- `[deleted]` (by its author) and `[removed]` (by moderators) bodies are stored as deleted comments
  with an empty body, so replies keep their place; a `[deleted]` author stays "[deleted]".
- Bodies are Reddit's markdown source. Without `raw_json=1` Reddit writes <, > and & as entities in
  every string (the HTML fields then start with "&lt;"); such files are decoded back.
- `kind: more` stubs ("load more comments", "continue this thread") are not comments but pointers to
  comments the file does not hold: each is reported as skipped with what to fetch (see `_more`).

A thread file is read whole with json (Reddit serves a few hundred comments per request, so the
files are small); the comment tree is then walked without recursion.
"""

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO

from django.utils.text import slugify

from rostra.porting.records import ArticleRecord, CommentRecord, SkippedRecord, SourceError

SOURCE = "reddit"
REDDIT = "https://www.reddit.com"
GONE = ("[deleted]", "[removed]")
_ENTITY_ENCODED = re.compile(r'_html"\s*:\s*"&lt;')  # `"body_html": "&lt;div…`: no raw_json=1

Record = ArticleRecord | CommentRecord | SkippedRecord


def read_reddit(stream: TextIO) -> Iterator[Record]:
    """A Reddit thread (`[post listing, comment listing]`) or an /api/morechildren answer."""
    text = stream.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"the file is not JSON ({exc.msg})", line=exc.lineno) from None
    except RecursionError:
        raise SourceError("the JSON nests deeper than any Reddit thread") from None
    decode = _decode if _ENTITY_ENCODED.search(text) else _same
    if isinstance(data, list):
        yield from _thread(data, decode)
    elif isinstance(data, dict) and isinstance(data.get("json"), dict):
        yield from _morechildren(data["json"], decode)
    else:
        raise SourceError("this is not a Reddit thread: expected the JSON of a thread page "
                          "([post listing, comment listing]) or of /api/morechildren", line=1)


def _thread(data: list, decode) -> Iterator[Record]:
    if len(data) != 2 or _listing(data[0]) is None or _listing(data[1]) is None:
        raise SourceError("this is not a Reddit thread: expected two listings, the post's and the "
                          "comments'", line=1)
    post = next((thing["data"] for thing in _listing(data[0])
                 if isinstance(thing, dict) and thing.get("kind") == "t3"
                 and isinstance(thing.get("data"), dict)), None)
    if post is None or not _fullname(post, "t3"):
        raise SourceError("the first listing holds no post (kind t3, with an id)", line=1)
    article = _article(post, decode)
    yield article
    yield from _things(_listing(data[1]), "the thread's comments", article.source_id, decode)


def _morechildren(answer: dict, decode) -> Iterator[Record]:
    if answer.get("errors"):
        raise SourceError(f"Reddit answered with errors, not comments: {answer['errors']}", line=1)
    things = answer.get("data", {}).get("things") if isinstance(answer.get("data"), dict) else None
    if not isinstance(things, list):
        raise SourceError("this is not an /api/morechildren answer: json.data.things is missing", line=1)
    threads = list(dict.fromkeys(
        thing["data"]["link_id"] for thing in things
        if isinstance(thing, dict) and isinstance(thing.get("data"), dict)
        and _is_id(thing["data"].get("link_id"), "t3")
    ))
    for thread in threads:
        # no post in the file: the thread by its id (the loader finds it if it is stored already)
        number = thread.removeprefix("t3_")
        yield ArticleRecord(source=SOURCE, source_id=thread, slug=f"reddit-{number}",
                            title=f"Reddit thread {number}", url=f"{REDDIT}/comments/{number}/")
    # one answer is for one thread; a thing that names none belongs to it
    yield from _things(things, "the morechildren answer", threads[0] if len(threads) == 1 else "", decode)


def _article(post: dict, decode) -> ArticleRecord:
    name = _fullname(post, "t3")
    permalink = str(post.get("permalink") or "")
    number = name.removeprefix("t3_")
    permalink = REDDIT + permalink if permalink.startswith("/") else f"{REDDIT}/comments/{number}/"
    link = str(post.get("url") or "")
    linked = not post.get("is_self") and link.startswith(("https://", "http://")) and len(link) <= 2000
    title = decode(str(post.get("title") or "")).strip() or f"Reddit thread {number}"
    author = str(post.get("author") or "")
    subreddit = str(post.get("subreddit") or "")
    selftext = decode(str(post.get("selftext") or ""))
    return ArticleRecord(
        source=SOURCE,
        source_id=name,
        slug=slugify(title)[:180] or f"reddit-{number}",
        title=title[:300],
        url=link if linked else permalink,
        submitted_by=f"u/{author}" if author and author not in GONE else "",
        via=f"r/{subreddit}" if subreddit else "",
        published=_time(post.get("created_utc")),
        body=selftext if selftext not in GONE else "",
        body_format="markdown",
    )


def _things(things: list, label: str, thread: str, decode) -> Iterator[Record]:
    """Comments in file order (each before its replies), depth first without recursion."""
    todo = [(thing, f"item {n} of {label}") for n, thing in reversed(list(enumerate(things, start=1)))]
    while todo:
        thing, where = todo.pop()
        kind = thing.get("kind") if isinstance(thing, dict) else None
        data = thing.get("data") if isinstance(thing, dict) else None
        if not isinstance(data, dict):
            yield SkippedRecord(f"{where}: not a Reddit thing (an object with kind and data)")
            continue
        if kind == "more":
            yield _more(data, where, thread)
            continue
        if kind != "t1":
            yield SkippedRecord(f"{where}: a {kind!r} thing, not a comment")
            continue
        record = _comment(data, where, thread, decode)
        yield record
        replies = data.get("replies")
        if replies in ("", None):
            continue
        children = _listing(replies)
        name = _fullname(data, "t1") or where
        if children is None:
            yield SkippedRecord(f"the replies to {name}: not a listing, so they are not imported")
            continue
        label = f"the replies to {name}"
        # the replies of a comment left out still come in (under a placeholder for it)
        todo.extend((child, f"item {n} of {label}")
                    for n, child in reversed(list(enumerate(children, start=1))))


def _comment(data: dict, where: str, thread: str, decode) -> CommentRecord | SkippedRecord:
    name = _fullname(data, "t1")
    if not name:
        return SkippedRecord(f"{where}: a comment without an id")
    body = data.get("body")
    if not isinstance(body, str):
        return SkippedRecord(f"comment {name} ({where}): it has no body")
    parent = data.get("parent_id")
    if not (_is_id(parent, "t1") or _is_id(parent, "t3")):
        return SkippedRecord(f"comment {name} ({where}): its parent_id {parent!r} names no comment or post")
    link = data.get("link_id")
    thread = link if _is_id(link, "t3") else thread
    if not thread:
        return SkippedRecord(f"comment {name} ({where}): it names no thread (link_id)")
    gone = body.strip() in GONE
    score = 0 if data.get("score_hidden") else _number(data.get("score", data.get("ups")))
    return CommentRecord(
        source_id=name,
        parent_source_id=parent if parent.startswith("t1_") else None,
        article_source_id=thread,
        author_name=str(data.get("author") or ""),
        body="" if gone else decode(body),
        body_format="markdown",
        created=_time(data.get("created_utc")),
        edited=_time(data.get("edited")),  # false, or when it was last edited
        state="deleted" if gone else "visible",
        upvotes=max(0, int(score or 0)),
        downvotes=max(0, -int(score or 0)),
    )


def _more(data: dict, where: str, thread: str) -> SkippedRecord:
    """A pointer to comments the file does not hold; it cannot be followed here (no network).

    Not `by_design`: unlike a pingback, which is no comment at all, it stands for comments of the
    thread that this import leaves out, and the report must say so and how to get them (by-design
    skips are only counted, their reason dropped). The price: `--on-error stop` refuses a thread
    file that does not hold the whole thread, which is what stop asks for.
    """
    parent = str(data.get("parent_id") or "?")
    count = _number(data.get("count")) or 0
    children = data.get("children") if isinstance(data.get("children"), list) else []
    number = thread.removeprefix("t3_") or "THREAD"
    if not children:  # "continue this thread": replies deeper than the listing goes
        return SkippedRecord(
            f"{where}: replies to {parent} deeper than this file goes (Reddit's 'continue this "
            f"thread'): fetch {REDDIT}/comments/{number}/_/{parent.removeprefix('t1_')}.json?raw_json=1 "
            "and import that file too"
        )
    comments = "1 comment" if count == 1 else f"{int(count)} comments"
    return SkippedRecord(
        f"{where}: {comments} not in this file (Reddit's 'load more' under {parent}): fetch them with "
        f"/api/morechildren (link_id={thread or '?'} and the {len(children)} ids the stub lists) "
        "and import that file too"
    )


def _listing(value) -> list | None:
    """The children of a Listing, or None when `value` is not one."""
    if not isinstance(value, dict) or value.get("kind") != "Listing":
        return None
    data = value.get("data")
    children = data.get("children") if isinstance(data, dict) else None
    return children if isinstance(children, list) else None


def _is_id(value, kind: str) -> bool:
    return isinstance(value, str) and value.startswith(f"{kind}_") and len(value) > len(kind) + 1


def _fullname(data: dict, kind: str) -> str:
    """A thing's fullname (t1_abc): its `name`, else its kind and `id`; "" when it has neither."""
    name = data.get("name")
    if _is_id(name, kind) and name != f"{kind}__":
        return name
    thing_id = data.get("id")
    return f"{kind}_{thing_id}" if isinstance(thing_id, str) and thing_id and thing_id != "_" else ""


def _number(value) -> float | None:
    """A JSON number (Reddit writes times and scores as numbers; `false` is no number)."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _time(value) -> datetime | None:
    seconds = _number(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _decode(text: str) -> str:
    """Undo Reddit's legacy encoding (no raw_json=1): only <, > and & are written as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _same(text: str) -> str:
    return text
