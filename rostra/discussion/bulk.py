"""CommentBatch: comments stored many at a time (imports), with the same tree and counters as
create_comment gives one at a time.

Comments are added as NewComment records, each with its parent: a comment added earlier to the
batch, or the path of a stored one. A flush runs in one transaction: it takes a block of ids,
computes every path, root and depth in one pass (a parent always comes before its replies), inserts
them in bulk and moves each thread's count and version on. A process killed between flushes leaves
only whole flushes behind.
"""

from collections import Counter
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from operator import attrgetter

from django.db import connection, transaction

from rostra.articles.models import Article
from rostra.articles.publish import store_articles
from rostra.core.rows import next_sqlite_id
from rostra.discussion.create import bump_threads, counts_as_comment
from rostra.discussion.models import SEGMENT_WIDTH, Comment, decode_segment, encode_segment
from rostra.discussion.vote import wilson_lower_bound


@dataclass(slots=True)
class NewComment:
    """A comment on its way in: a few hundred bytes where a model instance takes kilobytes and ten
    times the time to build. The tree fields are filled in by the flush."""

    thread_id: int
    author_name: str
    body_source: str
    body_html: str
    body_format: str = Comment.BodyFormat.MARKDOWN
    state: str = Comment.State.VISIBLE
    author_email: str = ""
    author_website: str = ""
    created: datetime | None = None
    edited: datetime | None = None
    upvotes: int = 0
    downvotes: int = 0
    source: str = ""
    source_id: str = ""
    is_placeholder: bool = False
    user_id: int | None = None
    # set by CommentBatch (a restore sets `pk` itself, to keep the ids of an export)
    pk: int = 0
    parent_id: int | None = None
    root_id: int = 0
    depth: int = 0
    path: str = ""
    score: int = 0
    best_score: float = 0.0

    @property
    def id(self) -> int:
        return self.pk


# A comment of this batch, the path or the id of a stored comment, or none.
Parent = NewComment | str | int | None


class CommentBatch:
    def __init__(self, size: int = 2000):
        self.size = size
        self.pending: list[tuple[NewComment, Parent]] = []
        # New articles (their ids reserved: articles.publish.reserve_article_ids), stored by the
        # next flush before its comments: in its transaction, instead of one each.
        self.articles: list[Article] = []
        self.stored = 0
        self.on_flush: list = []  # called with the comments of each flush, once they are stored

    def add_article(self, article: Article) -> None:
        self.articles.append(article)

    def add(self, comment: NewComment, parent: Parent = None) -> NewComment:
        """Queue `comment` (body_html already rendered) under `parent`. Flushes when full."""
        if comment.upvotes or comment.downvotes:  # else the defaults (most imports carry no votes)
            comment.best_score = wilson_lower_bound(comment.upvotes, comment.downvotes)
            comment.score = comment.upvotes - comment.downvotes
        self.pending.append((comment, parent))
        if len(self.pending) >= self.size:
            self.flush()
        return comment

    def flush(self) -> None:
        if not self.pending and not self.articles:
            return
        with transaction.atomic():
            store_articles(self.articles)
            self.articles = []
            kept = [comment.pk for comment, _ in self.pending if comment.pk]
            if kept:
                _catch_up_sequence(max(kept))
            ids = iter(_allocate_ids(len(self.pending) - len(kept), above=max(kept, default=0)))
            stored_parents = {parent for _, parent in self.pending if type(parent) is int}
            paths = dict(Comment.objects.filter(pk__in=stored_parents).values_list("id", "path")
                         ) if stored_parents else {}
            counts: Counter[int] = Counter()
            comments = []
            for comment, parent in self.pending:
                if not comment.pk:  # else a restore keeps the id of the export
                    comment.pk = next(ids)
                _place(comment, paths[parent] if type(parent) is int else parent)
                counts[comment.thread_id] += counts_as_comment(comment)
                comments.append(comment)
            _insert(comments)
            bump_threads(counts)
        self.stored += len(self.pending)
        self.pending = []
        for listener in self.on_flush:
            listener(comments)


def _insert(comments: list[NewComment]) -> None:
    """One prepared INSERT run over every row (executemany): what bulk_create does, without its
    per-value machinery (which costs more than the insert itself). Each row is one C-level attribute
    fetch; columns NewComment does not carry get their model defaults."""
    ops = connection.ops
    carried = {f.name for f in fields(NewComment)}
    names, columns, defaults, default_columns = [], [], [], []
    for field in Comment._meta.concrete_fields:
        name = "pk" if field.attname == "id" else field.attname
        if name in carried:
            names.append(name)
            columns.append(ops.quote_name(field.column))
        else:
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
            default_columns.append(ops.quote_name(field.column))
    adapt = _time_adapter()
    for comment in comments:
        comment.created = adapt(comment.created)
        if comment.edited is not None:
            comment.edited = adapt(comment.edited)
    row = attrgetter(*names)
    defaults = tuple(defaults)
    table = ops.quote_name(Comment._meta.db_table)
    all_columns = columns + default_columns
    sql = (f"INSERT INTO {table} ({', '.join(all_columns)}) "
           f"VALUES ({', '.join(['%s'] * len(all_columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row(comment) + defaults for comment in comments])



def _catch_up_sequence(kept_max: int) -> None:
    """Ids a restore keeps must never be handed out again (SQLite's AUTOINCREMENT follows inserted
    ids by itself; a PostgreSQL sequence has to be moved past them)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:  # moves forward only
        cursor.execute(
            "SELECT setval(s, %s) FROM pg_get_serial_sequence(%s, 'id') AS s"
            " WHERE %s > COALESCE(pg_sequence_last_value(s::regclass), 0)",
            [kept_max, Comment._meta.db_table, kept_max],
        )


def _time_adapter():
    """A function giving a time as the database stores it (looked up once: every `connection.`
    attribute goes through Django's per-thread connection lookup)."""
    if connection.vendor != "sqlite":
        adapt = connection.ops.adapt_datetimefield_value
        return lambda value: None if value is None else adapt(value)

    def adapt_for_sqlite(value: datetime | None):  # what Django stores: naive UTC, ISO with a space
        if value is None:
            return None
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(" ")[:-6]  # less its "+00:00" (one call fewer than replacing tzinfo)

    return adapt_for_sqlite


def _place(comment: NewComment, parent: Parent) -> None:
    segment = encode_segment(comment.pk)
    if parent is None:
        comment.path, comment.root_id = segment, comment.pk
    elif type(parent) is NewComment:
        comment.parent_id, comment.depth = parent.pk, parent.depth + 1
        comment.path, comment.root_id = parent.path + segment, parent.root_id
    else:
        comment.parent_id = decode_segment(parent[-SEGMENT_WIDTH:])
        comment.depth = len(parent) // SEGMENT_WIDTH
        comment.path = parent + segment
        comment.root_id = decode_segment(parent[:SEGMENT_WIDTH])


def _allocate_ids(count: int, *, above: int = 0) -> list[int]:
    """`count` comment ids nobody else will use, all past `above`. On SQLite the flush's transaction
    holds the write lock (Rostra opens transactions IMMEDIATE), so the largest id cannot move under
    it; on PostgreSQL the ids come from the table's own sequence."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        if count == 0:
            return []
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("ids are allocated inside the flush's transaction")
    first = max(next_sqlite_id(Comment), above + 1)
    return list(range(first, first + count))
