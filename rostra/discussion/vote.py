"""cast_vote: one up or down vote per reader and comment."""

import math
from dataclasses import dataclass

from django.db import transaction

from rostra.core.app_settings import app_settings
from rostra.core.errors import Refused
from rostra.core.ratelimits import guards_on
from rostra.discussion.create import bump_thread
from rostra.discussion.models import Comment, Vote


@dataclass(frozen=True)
class Tally:
    upvotes: int
    downvotes: int
    score: int
    mine: int  # the reader's vote after this call: 1, -1 or 0


def wilson_lower_bound(up: int, down: int, z: float = 1.96) -> float:
    """Lower bound of the 95% interval of the share of upvotes: 'best' without favouring the new."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)
    return (centre - spread) / (1 + z * z / n)


def cast_vote(comment: Comment, *, voter_key: str, value: int, toggle: bool = False,
              address_key: str = "") -> Tally:
    """Make `value` this reader's vote: 1 (up), -1 (down) or 0 (none).

    Casting the vote the reader already has is refused (409), unless `toggle` is set: then it is
    taken back, as a second press of a pressed vote button does. A guest's new vote is refused (429)
    once ROSTRA_GUEST_VOTES_PER_ADDRESS guests of the same `address_key` have voted on the comment
    (a flood guard: off with ROSTRA_RATE_LIMITS=off).
    """
    if value not in (1, -1, 0):
        raise Refused("A vote is up (1), down (-1) or none (0).", field="value", status=422)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.state != Comment.State.VISIBLE or comment.is_placeholder:
            raise Refused("This comment cannot be voted on.")
        existing = Vote.objects.filter(comment=comment, voter_key=voter_key).first()
        current = existing.value if existing else 0
        if value == current and value != 0:
            if not toggle:
                raise Refused("You have already voted on this comment that way.", status=409)
            value = 0
        if value == 0:
            if existing is not None:
                existing.delete()
        elif existing is None:
            if address_key and voter_key.startswith("g:") and guards_on():
                same_address = Vote.objects.filter(comment=comment, address_key=address_key).count()
                if same_address >= app_settings.GUEST_VOTES_PER_ADDRESS:
                    raise Refused("Too many votes on this comment have come from your network.",
                                  status=429)
            Vote.objects.create(comment=comment, voter_key=voter_key, value=value,
                                address_key=address_key)
        else:
            existing.value = value
            existing.save(update_fields=["value"])
        mine = value
        # Counted from the change, not recounted from the Vote rows: imported comments carry the
        # votes of the system they came from, which have no rows here.
        up = max(0, comment.upvotes + (value == 1) - (current == 1))
        down = max(0, comment.downvotes + (value == -1) - (current == -1))
        comment.upvotes, comment.downvotes, comment.score = up, down, up - down
        comment.best_score = wilson_lower_bound(up, down)
        comment.save(update_fields=["upvotes", "downvotes", "score", "best_score"])
        bump_thread(comment.thread_id)
    return Tally(up, down, up - down, mine)
