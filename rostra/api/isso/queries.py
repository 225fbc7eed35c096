"""Reads of a thread in Isso's two-level shape. A fixed number of queries whatever the thread's size.

Shown here: visible comments (mode 1), and top-level comments that are gone (deleted, removed,
placeholders of an import) but still have visible replies under them (mode 4). A reply at any depth
is listed under its top-level ancestor; replies that are gone are left out (in two levels nothing
hangs under them). Comments awaiting moderation are not listed, as in Isso.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from rostra.api.isso.present import LISTED_FIELDS, isso_comments
from rostra.articles.models import Article
from rostra.discussion.models import Comment

TOP_ORDER = {
    "oldest": ("created", "id"),
    "newest": ("-created", "-id"),
    "upvotes": ("-score", "created", "id"),
}
REPLY_ORDER = ("created", "id")


def live_comments():
    return Comment.objects.filter(state=Comment.State.VISIBLE, is_placeholder=False)


def listed_top_level(thread: Article):
    """Top-level comments that are listed: visible, or gone with visible replies (mode 4).

    The roots holding visible replies are one uncorrelated subquery over the thread's replies: a
    correlated EXISTS per top-level comment let SQLite pick the `state` index for it and scan every
    visible comment of every thread once per top-level comment (over 8 s for 1,000 comments)."""
    roots_with_live_replies = listed_replies(thread).values("root_id")
    return Comment.objects.filter(thread=thread, depth=0).filter(
        Q(state=Comment.State.VISIBLE, is_placeholder=False) | Q(pk__in=roots_with_live_replies)
    )


def listed_replies(thread: Article):
    return live_comments().filter(thread=thread, depth__gt=0)


@dataclass(frozen=True)
class FetchQuery:
    """Isso's GET / parameters, checked."""

    parent: int | None = None
    limit: int | None = None
    nested_limit: int | None = None
    offset: int = 0
    after: float = 0.0
    sort: str = "oldest"
    plain: bool = False


def _after(queryset, after: float):
    if not after:
        return queryset
    from datetime import UTC, datetime

    return queryset.filter(created__gt=datetime.fromtimestamp(after, tz=UTC))


def _rows(queryset, query: FetchQuery):
    """The comments as rows of the fields isso_comment reads (no model instances)."""
    return queryset.values_list(*LISTED_FIELDS, "body_source" if query.plain else "body_html",
                                named=True)


def _window(queryset, offset: int, limit: int | None):
    """Isso's LIMIT: an offset counts only together with a limit."""
    if limit is None:
        return queryset
    return queryset[offset : offset + limit] if offset else queryset[:limit]


def fetch_thread(thread: Article | None, query: FetchQuery) -> dict:
    """The body of Isso's GET /: `replies` with their own `replies`, and the reply arithmetic."""
    if query.parent is not None:
        root_list = _replies_of_one(thread, query) if thread is not None else []
    elif thread is None or query.limit == 0:
        root_list = []
    else:
        tops = _after(listed_top_level(thread), query.after).order_by(*TOP_ORDER[query.sort])
        root_list = list(_window(_rows(tops, query), query.offset, query.limit))
    if thread is None:
        counts = {}
    else:
        counts = dict(
            listed_replies(thread).values_list("root_id").annotate(n=Count("id")).values_list("root_id", "n")
        )
        every_top = query.parent is None and query.limit is None and not query.after
        # Isso's client asks for every top-level comment: they are counted as they came.
        counts[None] = len(root_list) if every_top else listed_top_level(thread).count()
    root_id = query.parent
    total = sum(counts.values()) if root_id is None else counts.get(root_id, 0)
    body = {
        "id": root_id,
        "total_replies": total,
        "hidden_replies": counts.get(root_id, 0) - len(root_list) - query.offset,
        "replies": isso_comments(root_list, plain=query.plain),
    }
    if root_id is None and root_list:
        nested = _replies_of_many(thread, [c.id for c in root_list], query)
        for item in body["replies"]:
            total_replies = counts.get(item["id"], 0)
            replies = nested.get(item["id"], [])
            item["total_replies"] = total_replies
            item["hidden_replies"] = total_replies - len(replies)
            item["replies"] = isso_comments(replies, plain=query.plain)
    return body


def _replies_of_one(thread: Article, query: FetchQuery) -> list:
    replies = _after(listed_replies(thread).filter(root_id=query.parent), query.after)
    return list(_window(_rows(replies.order_by(*REPLY_ORDER), query), query.offset, query.limit))


def _replies_of_many(thread: Article, root_ids: list[int], query: FetchQuery) -> dict[int, list]:
    """Replies of each top-level comment in one query, cut at `nested_limit` per comment."""
    # Without a nested_limit, Isso cuts replies at the top-level `limit` (but does not skip `offset`).
    cut = query.nested_limit if query.nested_limit is not None else query.limit
    if cut == 0:
        return {}
    replies = listed_replies(thread)
    if query.limit is not None:
        # Without a limit every listed top-level comment is in `root_ids`, and so is the root of
        # every listed reply: the thread's replies are those asked for, without a list of
        # hundreds of ids to send and match.
        replies = replies.filter(root_id__in=root_ids)
    replies = _after(replies, query.after)
    if cut is not None:
        replies = replies.annotate(
            rank=Window(RowNumber(), partition_by=[F("root_id")], order_by=[F("created"), F("id")])
        ).filter(rank__lte=cut)
    grouped: dict[int, list] = {}
    for reply in _rows(replies.order_by(*REPLY_ORDER), query):
        grouped.setdefault(reply.root_id, []).append(reply)
    return grouped

