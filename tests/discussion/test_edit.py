"""Authors' own changes: edit and delete."""

import pytest

from rostra.core.errors import Refused
from rostra.discussion.edit import delete_comment, edit_comment
from rostra.moderation.actions import hide_comment


def test_edit_renders_the_new_body_and_marks_the_time(make_comment):
    comment = make_comment(body="old")
    assert edit_comment(comment, body="new **text**") is True
    comment.refresh_from_db()
    assert comment.body_html == "<p>new <strong>text</strong></p>" and comment.edited


def test_edit_with_the_same_text_changes_nothing(make_comment):
    comment = make_comment(body="same")
    assert edit_comment(comment, body="same") is False
    comment.refresh_from_db()
    assert comment.edited is None


def test_author_cannot_edit_a_hidden_comment(make_comment):
    comment = make_comment()
    hide_comment(comment, actor=None)
    with pytest.raises(Refused):
        edit_comment(comment, body="sneaky")


def test_delete_keeps_the_row_and_uncounts_it(make_comment, article):
    comment = make_comment()
    reply = make_comment(parent=comment)
    assert delete_comment(comment) is True
    assert delete_comment(comment) is False
    comment.refresh_from_db()
    reply.refresh_from_db()
    article.refresh_from_db()
    assert comment.state == "deleted" and reply.parent_id == comment.pk
    assert article.comment_count == 1
