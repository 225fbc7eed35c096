"""create_comment: the one way a comment comes into being, whoever asks (form, htmx, API, importer)."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from rostra.articles.models import Article
from rostra.core.app_settings import app_settings
from rostra.core.errors import Refused
from rostra.core.markup import render
from rostra.core.ratelimits import guards_on
from rostra.core.rows import Rows, insert
from rostra.discussion.models import Comment, encode_segment
from rostra.identity.addresses import address_hash


@dataclass(frozen=True)
class Created:
    comment: Comment
    created: bool  # False when the same submission had already been stored (double submit)
    same_key: bool = False  # the earlier one was found by this caller's own submission key

    @property
    def is_callers(self) -> bool:
        """Whether the caller may be given the comment's edit token: it made it now, or made it
        before under the same submission key. A match on words alone proves nothing about who."""
        return self.created or self.same_key


def check_can_reply(parent: Comment | None, thread: Article) -> None:
    """Raise Refused unless a new comment may hang under `parent` in `thread`."""
    if not thread.comments_open:
        raise Refused("Comments are closed on this article.", status=403)
    if parent is None:
        return
    if parent.thread_id != thread.pk:
        raise Refused("That comment belongs to another discussion.", field="parent", status=422)
    if parent.state != Comment.State.VISIBLE or parent.is_placeholder:
        raise Refused(
            "That comment can no longer be replied to (it was removed or is awaiting moderation).",
            field="parent",
        )


def create_comment(
    *,
    thread: Article,
    parent_id: int | None,
    author_name: str,
    body: str,
    body_format: str = Comment.BodyFormat.MARKDOWN,
    author_email: str = "",
    author_website: str = "",
    user=None,
    address: str | None = None,
    state: str = Comment.State.VISIBLE,
    created: datetime | None = None,
    submission_key: str = "",
    source: str = "",
    source_id: str = "",
    is_placeholder: bool = False,
    imported: bool = False,
) -> Created:
    """Store a comment (top-level when `parent_id` is None) and keep the thread's counters in step.

    Runs in one transaction with the thread row locked. A repeated `submission_key` returns the
    comment stored the first time instead of a second copy. Raises Refused for a parent that does not
    exist, belongs to another thread or cannot take replies. `imported` comments keep the times and
    states of the system they came from and may hang under placeholders and in closed threads.
    """
    # What depends on the words and the address alone is worked out before the transaction: every
    # other writer waits for the database while one holds it.
    hashed_address = address_hash(address)
    digest = None if imported else words_digest(body)
    body_html = render(body, body_format)
    with transaction.atomic():
        # Lock the thread's row (where the database locks rows) and read, under the lock, the one
        # thing that may have changed since the caller found it.
        thread.comments_open = _lock_thread(thread.pk)
        if not imported:
            if submission_key:
                earlier = COMMENTS.first(f"{_KEY_FILLED} AND {_THREAD} = %s AND {_KEY} = %s",
                                         (thread.pk, submission_key))
                if earlier is not None:
                    return Created(earlier, created=False, same_key=True)
            earlier = _same_words_before(thread, digest, hashed_address, user)
            resent = _resent(earlier, parent_id, author_name)
            if resent is not None:
                return Created(COMMENTS.first(f"{_ID} = %s", (resent,)), created=False)
            if guards_on() and _repeated(earlier):
                raise Refused("You posted these same words in this discussion a little while ago. "
                              "Write something new, or find your comment above.", field="body")
        parent = None
        if parent_id is not None:
            parent = COMMENTS.first(f"{_ID} = %s", (parent_id,))
            if parent is None:
                raise Refused("The comment you replied to does not exist.", field="parent",
                              status=422)
        if imported:
            if parent is not None and parent.thread_id != thread.pk:
                raise Refused("That comment belongs to another discussion.", field="parent")
        else:
            check_can_reply(parent, thread)
        comment = Comment(
            thread=thread,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            user=user,
            author_name=author_name,
            author_email=author_email,
            author_website=author_website,
            address_hash=hashed_address,
            body_source=body,
            body_format=body_format,
            body_html=body_html,
            state=state,
            created=created if (created or imported) else timezone.now(),
            submission_key=submission_key,
            submitted_digest=digest,
            source=source,
            source_id=source_id,
            is_placeholder=is_placeholder,
        )
        insert(comment)
        place_in_tree(comment, parent)
        bump_thread(thread.pk, count_delta=1 if counts_as_comment(comment) else 0)
    return Created(comment, created=True)


RESUBMIT_WINDOW = timedelta(minutes=10)


def words_digest(body: str) -> int:
    """A 64-bit digest of a comment's words, as a signed integer (the form databases store)."""
    return int.from_bytes(hashlib.blake2b(body.encode(), digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class Earlier:
    """An earlier comment of the same author in the thread, submitted with the same words."""
    pk: int
    parent_id: int | None
    author_name: str
    created: datetime
    by_address: bool  # found by the address hash (else by the account only)


def _same_words_before(thread, digest: int, hashed_address: str, user) -> list[Earlier]:
    """The author's comments in `thread` submitted with the same words, found by address hash and by
    account, each through the index that starts with it (comment_address_words, comment_user_words).
    One author repeats one text in one thread a handful of times at most, so the list is short."""
    found = {}
    authors = []
    if user is not None:
        authors.append((f"{_USER} = %s", user.pk, False))
    if hashed_address:
        authors.append((f"{_ADDRESS_FILLED} AND {_ADDRESS} = %s", hashed_address, True))
    for author, value, by_address in authors:
        rows = SAME_WORDS.values(f"{author} AND {_THREAD} = %s AND {_DIGEST} = %s",
                                 (value, thread.pk, digest))
        for pk, parent_id, author_name, created in rows:
            found[pk] = Earlier(pk, parent_id, author_name, created, by_address)
    return list(found.values())


def _resent(earlier: list[Earlier], parent_id: int | None, author_name: str) -> int | None:
    """The comment these words re-send: the same words, name and reply target from the same address
    moments ago (a form re-sent after Back, or a double click that got two submission keys)."""
    since = timezone.now() - RESUBMIT_WINDOW
    return next((e.pk for e in earlier if e.by_address and e.parent_id == parent_id
                 and e.author_name == author_name and e.created >= since), None)


def _repeated(earlier: list[Earlier]) -> bool:
    """Whether the author (account or address) posted these words in the thread within
    ROSTRA_DUPLICATE_WINDOW_SECONDS, under any name or parent (a flood guard: see ratelimits)."""
    since = timezone.now() - timedelta(seconds=app_settings.DUPLICATE_WINDOW_SECONDS)
    return any(e.created >= since for e in earlier)


def place_in_tree(comment: Comment, parent: Comment | None) -> None:
    """Give a freshly inserted comment its materialised path and root (both need its id)."""
    comment.path = (parent.path if parent else "") + encode_segment(comment.pk)
    comment.root_id = parent.root_id if parent else comment.pk
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_quoted(Comment)} SET path = %s, root_id = %s WHERE id = %s",
                       (comment.path, comment.root_id, comment.pk))


def counts_as_comment(comment: Comment) -> bool:
    """Whether a comment is in its thread's public comment count."""
    return comment.state == Comment.State.VISIBLE and not comment.is_placeholder


def bump_thread(thread_id: int, *, count_delta: int = 0) -> None:
    """Move the thread's version on (so caches keyed by it go stale) and adjust its comment count."""
    bump_threads({thread_id: count_delta})


def bump_threads(count_deltas: Mapping[int, int]) -> None:
    """bump_thread for each thread id in `count_deltas`, in one statement (an import's batch)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {_quoted(Article)} SET version = version + 1, comment_count = comment_count + %s "
            "WHERE id = %s", [(delta, thread_id) for thread_id, delta in count_deltas.items()])


# Every write reads and writes these rows: written out, each statement costs a tenth or less of what
# the ORM spends building it (0.02 ms against 0.1-0.5 ms each; see rostra.core.rows). The conditions
# name the partial indexes' terms literally (see rostra.core.expressions.Filled and decision 0002).
COMMENTS = Rows(Comment)
SAME_WORDS = Rows(Comment, ("id", "parent", "author_name", "created"))
_ID, _THREAD, _USER, _ADDRESS, _KEY, _DIGEST = (
    f'"{name}"' for name in ("id", "thread_id", "user_id", "address_hash", "submission_key",
                             "submitted_digest"))
_ADDRESS_FILLED, _KEY_FILLED = f"NOT ({_ADDRESS} = '')", f"NOT ({_KEY} = '')"


def _lock_thread(thread_id: int) -> bool:
    """Lock the thread's row (where the database locks rows; SQLite's writers queue for the whole
    database as their transaction begins) and read whether it takes comments."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "comments_open" FROM {_quoted(Article)} WHERE "id" = %s{lock}',
                       (thread_id,))
        row = cursor.fetchone()
    if row is None:
        raise Article.DoesNotExist("The thread is gone.")
    return bool(row[0])


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)
