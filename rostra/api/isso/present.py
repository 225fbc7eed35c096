"""Rostra comments as Isso 0.14 returns them: the same keys, types and modes."""

import hashlib
import hmac
from html import escape

from django.conf import settings

from rostra.core.markup import render_markdown, web_address
from rostra.discussion.models import Comment

# Isso's modes. A comment that is not visible but still holds visible replies is shown as "deleted,
# still referenced"; a comment awaiting moderation is "in the queue".
MODE_PUBLISHED = 1
MODE_QUEUED = 2
MODE_DELETED = 4


def mode_of(comment: Comment) -> int:
    if comment.is_placeholder or comment.state in (Comment.State.DELETED, Comment.State.SPAM,
                                                   Comment.State.REJECTED):
        return MODE_DELETED
    if comment.state == Comment.State.PENDING:
        return MODE_QUEUED
    return MODE_PUBLISHED


def author_hash(comment: Comment) -> str:
    """Twelve hex digits that tell authors apart (Isso's clients draw an avatar from them) and are
    stable for one author: a keyed hash of the email, else the address, else the name."""
    who = comment.author_email.lower() or comment.address_hash or comment.author_name
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"isso-author|{who}".encode(), hashlib.sha256).hexdigest()[:12]


def timestamp(moment) -> float | None:
    return moment.timestamp() if moment is not None else None


def isso_comment(comment: Comment, *, plain: bool = False, with_hash: bool = True) -> dict:
    """The comment's Isso fields. `plain` gives the text as written instead of as HTML. Isso adds the
    author hash to lists and new comments, not to a single comment read back, nor does this."""
    mode = mode_of(comment)
    gone = mode == MODE_DELETED
    if gone:
        text = ""
    elif plain:
        text = comment.body_source
    else:
        text = comment.body_html
    item = {
        "id": comment.pk,
        "parent": comment.root_id if comment.depth > 0 else None,
        "text": text,
        # Isso's client puts these into its HTML as they come; Isso stores them escaped, Rostra escapes
        # them on the way out.
        "author": None if gone or not comment.author_name else escape(comment.author_name),
        "website": None if gone or not web_address(comment.author_website)
        else escape(web_address(comment.author_website)),
        "mode": mode,
        "created": timestamp(comment.created),
        "modified": timestamp(comment.edited),
        "likes": comment.upvotes,
        "dislikes": comment.downvotes,
        "notification": 0,
    }
    if with_hash:
        item["hash"] = author_hash(comment)
    return item


def preview_html(text: str) -> str:
    return render_markdown(text)
