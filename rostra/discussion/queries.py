"""Reads of the thread tree. Every function here costs a fixed number of queries, whatever the thread's size.

A thread page is: the top-level comments of one page (sorted), the number of replies under each (one
index-only count), then in one more query their replies in display order, cut by depth
(ROSTRA_MAX_DISPLAY_DEPTH) and by a share of the page's replies (`reply_share`): the page shows at most
ROSTRA_REPLIES_PER_PAGE replies however large the sub-threads under its top-level comments have grown,
and the rest sit behind "N more replies". The tree is assembled in Python.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import Length, RowNumber
from django.http import Http404

from rostra.articles.models import Article
from rostra.core.app_settings import app_settings
from rostra.discussion.models import (
    SEGMENT_WIDTH,
    SHOWN_STATES,
    Comment,
    ancestor_ids,
    subtree_end,
)

SORTS = {
    "oldest": ("id",),
    "newest": ("-id",),
    "best": ("-best_score", "-score", "id"),
}
DEFAULT_SORT = "oldest"


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    continues: bool = False  # has replies deeper than the display depth: "Continue this thread"
    more_replies: int = 0  # replies under this (top-level) comment cut from this page
    more_after: str = ""  # path of the last reply shown: where "N more replies" goes on from

    @property
    def pk(self) -> int:
        return self.comment.pk


@dataclass
class ThreadPage:
    nodes: list[Node]
    sort: str
    number: int
    page_count: int
    top_level_count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count


def shown_comments():
    """Comments with a page of their own (a permalink): visible, or deleted and kept as "[deleted]"."""
    return Comment.objects.filter(state__in=SHOWN_STATES)


def tree_comments():
    """Every comment of the tree. Those that are not visible keep their place only while visible
    replies hang under them (as "[deleted]" or "[removed]"); the rest are pruned after loading."""
    return Comment.objects.all()


def _with_reply_flag(queryset):
    return queryset.annotate(
        has_replies=Exists(shown_comments().filter(parent=OuterRef("pk")))
    )


def access_comment(comment_id: int) -> Comment:
    """A comment readers may see (visible, or deleted and kept as "[deleted]"), or one boring 404."""
    comment = shown_comments().select_related("thread__site").filter(pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment.")
    return comment


def access_live_comment(comment_id: int) -> Comment:
    """A visible comment someone wrote (not deleted, not an import's placeholder), or one boring 404:
    what can be replied to, edited or deleted. Its text never shows through a refusal."""
    comment = (
        Comment.objects.select_related("thread__site")
        .filter(pk=comment_id, state=Comment.State.VISIBLE, is_placeholder=False)
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return comment


def get_thread_page(thread: Article, *, sort: str = DEFAULT_SORT, number: int = 1) -> ThreadPage:
    """One page of `thread`: top-level comments in `sort` order with their replies. Four queries."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    per_page = app_settings.COMMENTS_PER_PAGE
    top_level = tree_comments().filter(thread=thread, depth=0)
    total = top_level.count()
    page_count = max(1, -(-total // per_page))
    number = min(max(1, number), page_count)
    offset = (number - 1) * per_page
    tops = list(_with_reply_flag(top_level).order_by(*SORTS[sort])[offset : offset + per_page])
    replies = _replies_of(reply_counts([c.pk for c in tops]))
    nodes = _assemble(tops, replies, base_depth=0)
    return ThreadPage(nodes, sort, number, page_count, total)


@dataclass
class ThreadSlice:
    """Top-level comments after a keyset position, with their replies: what a cursor pages through."""

    nodes: list[Node]
    sort: str
    next_key: list | None  # where the next slice starts; None at the end


def sort_key(comment: Comment, sort: str) -> list:
    """The keyset position of a top-level comment in `sort` order (a cursor's content)."""
    if sort == "best":
        return [comment.best_score, comment.score, comment.pk]
    return [comment.pk]


def _after_key(sort: str, key: list) -> Q:
    if sort == "oldest":
        return Q(id__gt=key[0])
    if sort == "newest":
        return Q(id__lt=key[0])
    best, score, pk = key
    return (
        Q(best_score__lt=best)
        | Q(best_score=best, score__lt=score)
        | Q(best_score=best, score=score, id__gt=pk)
    )


def get_thread_slice(thread: Article, *, sort: str = DEFAULT_SORT, after: list | None = None,
                     limit: int | None = None) -> ThreadSlice:
    """Up to `limit` top-level comments after keyset position `after`, with their replies.

    Two queries, whatever the thread's size or how far along the cursor is. `after` must come from
    `sort_key` for the same `sort` (callers validate cursors).
    """
    sort = sort if sort in SORTS else DEFAULT_SORT
    limit = limit or app_settings.COMMENTS_PER_PAGE
    top_level = tree_comments().filter(thread=thread, depth=0)
    if after is not None:
        top_level = top_level.filter(_after_key(sort, after))
    tops = list(_with_reply_flag(top_level).order_by(*SORTS[sort])[: limit + 1])
    next_key = sort_key(tops[limit - 1], sort) if len(tops) > limit else None
    tops = tops[:limit]
    replies = _replies_of(reply_counts([c.pk for c in tops]))
    return ThreadSlice(_assemble(tops, replies, base_depth=0), sort, next_key)


def reply_counts(root_ids: list[int]) -> dict[int, int]:
    """How many replies within the display depth hang under each of `root_ids` (absent: none).

    One count over the (root, path) index alone: a reply's depth is the length of its path.
    """
    if not root_ids:
        return {}
    deepest = SEGMENT_WIDTH * (app_settings.MAX_DISPLAY_DEPTH + 1)
    rows = (
        tree_comments()
        .filter(root_id__in=root_ids)
        .annotate(path_length=Length("path"))
        .filter(path_length__gt=SEGMENT_WIDTH, path_length__lte=deepest)
        .order_by()
        .values_list("root_id")
        .annotate(replies=Count("*"))
    )
    return dict(rows)


def reply_share(counts: list[int]) -> int:
    """How many replies each top-level comment of a page shows: the same number for all (at most
    ROSTRA_REPLIES_PER_COMMENT), as high as the page's ROSTRA_REPLIES_PER_PAGE allows, and at least one.

    Comments with fewer replies than the share show them all and leave the rest of the page to the
    others, so a page of ordinary threads shows every reply, and a page of huge sub-threads shows a
    few replies under each top-level comment instead of all of them under the first.
    """
    share = app_settings.REPLIES_PER_COMMENT
    budget = app_settings.REPLIES_PER_PAGE
    if sum(min(count, share) for count in counts) <= budget:
        return share
    remaining = sorted(counts)
    while remaining and remaining[0] * len(remaining) <= budget:
        budget -= remaining.pop(0)
    return max(1, min(share, budget // len(remaining)))


def _replies_of(totals: dict[int, int]) -> list[Comment]:
    """The replies shown under the top-level comments counted in `totals`, in display order."""
    limit = reply_share(list(totals.values()))
    ranked = (
        _with_reply_flag(tree_comments())
        .filter(root_id__in=list(totals), depth__gt=0, depth__lte=app_settings.MAX_DISPLAY_DEPTH)
        .annotate(rank=Window(RowNumber(), partition_by=[F("root_id")], order_by=F("path").asc()))
        .filter(rank__lte=limit)
        .order_by("path")
    )
    replies = list(ranked)
    for comment in replies:
        comment.root_total = totals[comment.root_id]
        comment.shown_of_root = min(comment.root_total, limit)
    return replies


def get_subthread(comment: Comment, *, after: str = "") -> tuple[Node, str]:
    """`comment` with its replies down to the display depth below it, continuing after path `after`.

    Returns the tree and the path to continue from ("" when nothing is left). Two queries.
    """
    limit = app_settings.REPLIES_PER_COMMENT
    max_depth = comment.depth + app_settings.MAX_DISPLAY_DEPTH
    start = after if after.startswith(comment.path) and after > comment.path else comment.path
    descendants = list(
        _with_reply_flag(tree_comments())
        .select_related("parent")
        .filter(thread_id=comment.thread_id, path__gt=start, path__lt=subtree_end(comment.path))
        .filter(depth__lte=max_depth)
        .order_by("path")[: limit + 1]
    )
    next_after = descendants[limit - 1].path if len(descendants) > limit else ""
    descendants = descendants[:limit]
    root = _with_reply_flag(Comment.objects.select_related("parent").filter(pk=comment.pk)).get()
    nodes = _assemble([root], descendants, base_depth=comment.depth, continued=start != comment.path)
    return nodes[0], next_after


def _assemble(tops, replies, *, base_depth: int, continued: bool = False) -> list[Node]:
    """Hang `replies` (in path order) under `tops`. On a continued sub-thread page, replies whose
    parent was on the previous page hang directly under the first top."""
    max_depth = base_depth + app_settings.MAX_DISPLAY_DEPTH
    by_id: dict[int, Node] = {}
    roots = [by_id.setdefault(c.pk, Node(c)) for c in tops]
    for comment in replies:
        node = by_id[comment.pk] = Node(comment)
        parent = by_id.get(comment.parent_id)
        if parent is not None:
            comment.parent = parent.comment  # fills the cache: "In reply to by" costs no query
            parent.children.append(node)
        elif continued:
            roots[0].children.append(node)
        else:
            continue
        root_total = getattr(comment, "root_total", None)
        if root_total is not None and comment.rank == comment.shown_of_root:
            root = by_id[comment.root_id]
            root.more_replies, root.more_after = root_total - comment.rank, comment.path
    for node in by_id.values():
        node.continues = node.comment.depth >= max_depth and node.comment.has_replies
    for root in roots:
        _prune_deleted(root)
    return [root for root in roots if _keeps_place(root)]


def _keeps_place(node: Node) -> bool:
    return (
        node.comment.state == Comment.State.VISIBLE
        or bool(node.children)
        or node.continues
        or node.more_replies > 0
    )


def _prune_deleted(node: Node) -> None:
    """Comments that are not visible stay as stubs only where replies still hang under them."""
    for child in node.children:
        _prune_deleted(child)
    node.children = [child for child in node.children if _keeps_place(child)]


def get_comment_page_number(comment: Comment) -> int:
    """The page of the thread, in the default order, that shows `comment`'s top-level ancestor."""
    earlier = tree_comments().filter(thread_id=comment.thread_id, depth=0, id__lt=comment.root_id)
    return earlier.count() // app_settings.COMMENTS_PER_PAGE + 1


@dataclass(frozen=True)
class Place:
    """Where a permalink shows a comment: on a thread page, or in the sub-thread view of `anchor`."""

    anchor: Comment | None
    after: str = ""
    page: int = 1  # without an anchor: the thread's page, in the default order, that shows it


def _page_share(comment: Comment, number: int) -> int:
    """The share of replies under each top-level comment on page `number` (default order), which
    shows `comment`'s top-level ancestor: what that page cuts its replies at."""
    per_page = app_settings.COMMENTS_PER_PAGE
    offset = (number - 1) * per_page
    tops = (
        tree_comments()
        .filter(thread_id=comment.thread_id, depth=0)
        .order_by("id")
        .values_list("id", flat=True)[offset : offset + per_page]
    )
    return reply_share(list(reply_counts(list(tops)).values()))


def get_comment_place(comment: Comment) -> Place:
    """Find the view that shows `comment`: cut by depth, or beyond its page's share of replies under
    its top-level comment, it is in a sub-thread view."""
    max_depth = app_settings.MAX_DISPLAY_DEPTH
    limit = app_settings.REPLIES_PER_COMMENT
    if comment.depth == 0:
        return Place(None, page=get_comment_page_number(comment))
    if comment.depth > max_depth:
        anchor_depth = (comment.depth - 1) // max_depth * max_depth
        anchor = Comment.objects.get(pk=ancestor_ids(comment.path)[anchor_depth])
    else:
        anchor = None
        before = tree_comments().filter(
            root_id=comment.root_id, depth__gt=0, depth__lte=max_depth, path__lt=comment.path
        )
        shown_before = before.count()
        number = get_comment_page_number(comment)
        if shown_before < limit and shown_before < _page_share(comment, number):
            return Place(None, page=number)
        anchor = Comment.objects.get(pk=comment.root_id)
    in_view = tree_comments().filter(
        thread_id=comment.thread_id,
        path__gt=anchor.path,
        path__lt=comment.path,
        depth__lte=anchor.depth + max_depth,
    )
    if in_view.count() < limit:
        return Place(anchor)
    previous = in_view.order_by("-path").values_list("path", flat=True).first()
    return Place(anchor, after=previous)
