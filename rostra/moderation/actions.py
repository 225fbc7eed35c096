"""Moderator verbs: approve, hide, mark as spam, delete. Each is idempotent and leaves an audit row."""

from django.db import transaction

from rostra.discussion.edit import change_state, edit_comment
from rostra.discussion.models import Comment
from rostra.moderation.models import ModerationAction


def moderate_comment(comment: Comment, *, to_state: str, action: str, actor, reason: str = "") -> bool:
    """Set a comment's state on a moderator's behalf. Returns False when it was already in that state."""
    with transaction.atomic():
        from_state = change_state(comment, to_state)
        if from_state is None:
            return False
        _audit(comment, actor, action, from_state, to_state, reason)
    return True


def moderator_edit(comment: Comment, *, body: str, actor, reason: str = "") -> bool:
    """Change a comment's text on a moderator's behalf (any state), with an audit row."""
    with transaction.atomic():
        if not edit_comment(comment, body=body, by_moderator=True):
            return False
        _audit(comment, actor, "edit", comment.state, comment.state, reason)
    return True


def _audit(comment, actor, action, from_state, to_state, reason):
    ModerationAction.objects.create(
        comment=comment,
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def approve_comment(comment: Comment, *, actor, reason: str = "") -> bool:
    return moderate_comment(
        comment, to_state=Comment.State.VISIBLE, action="approve", actor=actor, reason=reason
    )


def hide_comment(comment: Comment, *, actor, reason: str = "") -> bool:
    return moderate_comment(
        comment, to_state=Comment.State.REJECTED, action="hide", actor=actor, reason=reason
    )


def mark_spam(comment: Comment, *, actor, reason: str = "") -> bool:
    return moderate_comment(
        comment, to_state=Comment.State.SPAM, action="spam", actor=actor, reason=reason
    )


def remove_comment(comment: Comment, *, actor, reason: str = "") -> bool:
    return moderate_comment(
        comment, to_state=Comment.State.DELETED, action="delete", actor=actor, reason=reason
    )
