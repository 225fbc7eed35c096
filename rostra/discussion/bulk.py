"""CommentBatch: comments stored many at a time (imports), with the same tree and counters as
create_comment gives one at a time.

Comments are added unsaved, each with its parent: a comment added earlier to the batch, or the path
of a stored one. A flush runs in one transaction: it takes a block of ids, computes every path, root
and depth in one pass (a parent always comes before its replies), inserts them in bulk and moves each
thread's count and version on. A process killed between flushes leaves only whole flushes behind.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import F, Max

from rostra.articles.models import Article
from rostra.discussion.create import counts_as_comment
from rostra.discussion.models import SEGMENT_WIDTH, Comment, decode_segment, encode_segment
from rostra.discussion.vote import wilson_lower_bound

Parent = Comment | str | None  # a comment of this batch, the path of a stored comment, or none


class CommentBatch:
    def __init__(self, size: int = 2000):
        self.size = size
        self.pending: list[tuple[Comment, Parent]] = []
        self.stored = 0

    def add(self, comment: Comment, parent: Parent = None) -> Comment:
        """Queue `comment` (unsaved; body_html already rendered) under `parent`. Flushes when full."""
        comment.best_score = wilson_lower_bound(comment.upvotes, comment.downvotes)
        comment.score = comment.upvotes - comment.downvotes
        self.pending.append((comment, parent))
        if len(self.pending) >= self.size:
            self.flush()
        return comment

    def flush(self) -> None:
        if not self.pending:
            return
        with transaction.atomic():
            ids = _allocate_ids(len(self.pending))
            counts: Counter[int] = Counter()
            comments = []
            for new_id, (comment, parent) in zip(ids, self.pending, strict=True):
                comment.pk = new_id
                _place(comment, parent)
                counts[comment.thread_id] += counts_as_comment(comment)
                comments.append(comment)
            Comment.objects.bulk_create(comments)
            for thread_id, count in counts.items():
                Article.objects.filter(pk=thread_id).update(
                    comment_count=F("comment_count") + count, version=F("version") + 1
                )
        self.stored += len(self.pending)
        self.pending = []


def _place(comment: Comment, parent: Parent) -> None:
    if parent is None:
        comment.parent_id, comment.depth, comment.path = None, 0, ""
    elif isinstance(parent, Comment):
        comment.parent_id, comment.depth, comment.path = parent.pk, parent.depth + 1, parent.path
    else:
        comment.parent_id = decode_segment(parent[-SEGMENT_WIDTH:])
        comment.depth = len(parent) // SEGMENT_WIDTH
        comment.path = parent
    comment.path += encode_segment(comment.pk)
    comment.root_id = decode_segment(comment.path[:SEGMENT_WIDTH])


def _allocate_ids(count: int) -> list[int]:
    """`count` comment ids nobody else will use. On SQLite the flush's transaction holds the write
    lock (Rostra opens transactions IMMEDIATE), so the largest id cannot move under it; on PostgreSQL
    the ids come from the table's own sequence."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("ids are allocated inside the flush's transaction")
        largest = Comment.objects.aggregate(largest=Max("id"))["largest"] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(largest, row[0] if row else 0) + 1
    return list(range(first, first + count))
