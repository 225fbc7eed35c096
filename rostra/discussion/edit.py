"""edit_comment and delete_comment: changes an author makes to their own comment."""

from django.db import transaction
from django.utils import timezone

from rostra.core.errors import Refused
from rostra.core.markup import render
from rostra.discussion.create import bump_thread, counts_as_comment
from rostra.discussion.models import Comment


def edit_comment(comment: Comment, *, body: str, by_moderator: bool = False,
                 author_name: str | None = None, author_website: str | None = None) -> bool:
    """Replace the comment's body (rendered again, once, here) and, when given, its author's name and
    website. Returns False when nothing changed.

    Authors edit visible comments only; moderators (`by_moderator`) may edit any.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.state != Comment.State.VISIBLE and not by_moderator:
            raise Refused("This comment can no longer be edited.", status=409)
        changed = []
        if body != comment.body_source:
            comment.body_source = body
            comment.body_html = render(body, comment.body_format)
            changed += ["body_source", "body_html"]
        for name, value in (("author_name", author_name), ("author_website", author_website)):
            if value is not None and value != getattr(comment, name):
                setattr(comment, name, value)
                changed.append(name)
        if not changed:
            return False
        comment.edited = timezone.now()
        comment.save(update_fields=[*changed, "edited"])
        bump_thread(comment.thread_id)
    return True


def change_state(comment: Comment, to_state: str) -> str | None:
    """Move a comment to `to_state` inside the caller's transaction, keeping the thread's counters.

    Returns the state it left, or None when it was already there.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    from_state = comment.state
    if from_state == to_state:
        return None
    was_counted = counts_as_comment(comment)
    comment.state = to_state
    comment.save(update_fields=["state"])
    bump_thread(comment.thread_id, count_delta=counts_as_comment(comment) - was_counted)
    return from_state


def delete_comment(comment: Comment) -> bool:
    """Withdraw a comment at its author's request. Its row stays (replies keep their place under
    "[deleted]"). Returns False when it was already deleted.
    """
    with transaction.atomic():
        return change_state(comment, Comment.State.DELETED) is not None
