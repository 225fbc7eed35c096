"""cast_vote: one vote per reader and comment, counted on the comment."""

import pytest

from rostra.core.errors import Refused
from rostra.discussion.vote import cast_vote, wilson_lower_bound
from rostra.moderation.actions import hide_comment


def test_votes_from_different_readers_add_up(make_comment):
    comment = make_comment()
    cast_vote(comment, voter_key="a", value=1)
    cast_vote(comment, voter_key="b", value=1)
    tally = cast_vote(comment, voter_key="c", value=-1)
    assert (tally.upvotes, tally.downvotes, tally.score, tally.mine) == (2, 1, 1, -1)
    comment.refresh_from_db()
    assert comment.score == 1 and comment.best_score == pytest.approx(wilson_lower_bound(2, 1))


def test_the_same_vote_twice_is_refused_unless_toggling(make_comment):
    comment = make_comment()
    cast_vote(comment, voter_key="a", value=1)
    with pytest.raises(Refused) as refused:
        cast_vote(comment, voter_key="a", value=1)
    assert refused.value.status == 409
    tally = cast_vote(comment, voter_key="a", value=1, toggle=True)
    assert (tally.score, tally.mine) == (0, 0)


def test_changing_a_vote_moves_it(make_comment):
    comment = make_comment()
    cast_vote(comment, voter_key="a", value=1)
    tally = cast_vote(comment, voter_key="a", value=-1)
    assert (tally.upvotes, tally.downvotes, tally.score) == (0, 1, -1)
    assert cast_vote(comment, voter_key="a", value=0).score == 0


def test_hidden_comments_take_no_votes(make_comment):
    comment = make_comment()
    hide_comment(comment, actor=None)
    with pytest.raises(Refused):
        cast_vote(comment, voter_key="a", value=1)


def test_best_prefers_many_good_votes_over_one():
    assert wilson_lower_bound(50, 5) > wilson_lower_bound(1, 0) > wilson_lower_bound(0, 0)


def test_one_address_cannot_vote_past_its_allowance(make_comment, settings):
    settings.ROSTRA_RATE_LIMITS = "on"  # the allowance is a flood guard
    settings.ROSTRA_GUEST_VOTES_PER_ADDRESS = 3
    comment = make_comment()
    for reader in range(3):
        cast_vote(comment, voter_key=f"g:{reader}", value=-1, address_key="office")
    with pytest.raises(Refused) as refused:
        cast_vote(comment, voter_key="g:fresh-browser", value=-1, address_key="office")
    assert refused.value.status == 429
    cast_vote(comment, voter_key="g:elsewhere", value=-1, address_key="home")
    cast_vote(comment, voter_key="u:7", value=-1, address_key="office")  # accounts count as themselves
    comment.refresh_from_db()
    assert comment.downvotes == 5
