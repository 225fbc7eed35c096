"""create_comment: the one way a comment is stored."""

import re

import pytest
from django.db import connection

from rostra.core.errors import Refused
from rostra.discussion.create import create_comment
from rostra.discussion.models import Comment, ancestor_ids, encode_segment, subtree_end
from rostra.moderation.actions import hide_comment


def test_top_level_comment_is_its_own_root_with_a_one_segment_path(make_comment, article):
    comment = make_comment(body="Hello *world*")
    comment.refresh_from_db()
    assert comment.depth == 0 and comment.root_id == comment.pk
    assert comment.path == encode_segment(comment.pk)
    assert comment.body_html == "<p>Hello <em>world</em></p>"
    article.refresh_from_db()
    assert article.comment_count == 1 and article.version == 1


def test_reply_extends_its_parents_path_and_shares_its_root(make_comment):
    top = make_comment()
    child = make_comment(parent=top)
    grandchild = make_comment(parent=child)
    grandchild.refresh_from_db()
    assert grandchild.depth == 2 and grandchild.root_id == top.pk
    assert grandchild.path.startswith(child.path) and child.path.startswith(top.path)
    assert ancestor_ids(grandchild.path) == [top.pk, child.pk]


def test_paths_sort_in_display_order(make_comment):
    a = make_comment(author_name="a")
    b = make_comment(author_name="b")
    a1 = make_comment(parent=a, author_name="a1")
    a1x = make_comment(parent=a1, author_name="a1x")
    a2 = make_comment(parent=a, author_name="a2")
    order = [c.author_name for c in Comment.objects.order_by("path")]
    assert order == ["a", "a1", "a1x", "a2", "b"]
    assert {a.pk, b.pk, a1.pk, a1x.pk, a2.pk}


def test_segments_are_fixed_width_and_keep_numeric_order():
    ids = [1, 35, 36, 1295, 1296, 10**9]
    segments = [encode_segment(i) for i in ids]
    assert len({len(s) for s in segments}) == 1
    assert sorted(segments) == segments


def test_reply_to_a_missing_comment_is_refused(article):
    with pytest.raises(Refused, match="does not exist"):
        create_comment(thread=article, parent_id=999_999, author_name="R", body="x")
    assert Comment.objects.count() == 0


def test_reply_to_a_comment_of_another_thread_is_refused(make_article, make_comment, article):
    other = make_article()
    foreign = make_comment(thread=other)
    with pytest.raises(Refused, match="another discussion"):
        create_comment(thread=article, parent_id=foreign.pk, author_name="R", body="x")


def test_reply_to_a_hidden_comment_is_refused(make_comment, article):
    hidden = make_comment()
    hide_comment(hidden, actor=None)
    with pytest.raises(Refused, match="can no longer be replied to"):
        create_comment(thread=article, parent_id=hidden.pk, author_name="R", body="x")


def test_reply_to_deleted_comment_is_refused(make_comment, article):
    from rostra.discussion.edit import delete_comment

    gone = make_comment()
    delete_comment(gone)
    with pytest.raises(Refused):
        create_comment(thread=article, parent_id=gone.pk, author_name="R", body="x")


def test_closed_thread_takes_no_comments(article):
    article.comments_open = False
    article.save()
    with pytest.raises(Refused, match="closed"):
        create_comment(thread=article, parent_id=None, author_name="R", body="x")


def test_same_submission_twice_is_stored_once(article):
    first = create_comment(thread=article, parent_id=None, author_name="R", body="x",
                           submission_key="abc")
    again = create_comment(thread=article, parent_id=None, author_name="R", body="x",
                           submission_key="abc")
    assert first.created and not again.created
    assert again.comment.pk == first.comment.pk
    article.refresh_from_db()
    assert article.comment_count == 1


def test_pending_comment_is_not_counted(article):
    create_comment(thread=article, parent_id=None, author_name="R", body="x", state="pending")
    article.refresh_from_db()
    assert article.comment_count == 0 and article.version == 1


def test_subtree_end_bounds_exactly_the_subtree(make_comment):
    top = make_comment()
    child = make_comment(parent=top)
    make_comment(parent=child)
    after = make_comment()
    inside = Comment.objects.filter(path__gte=top.path, path__lt=subtree_end(top.path))
    assert sorted(inside.values_list("pk", flat=True)) == sorted(
        [top.pk, child.pk, child.pk + 1]
    )
    assert after.pk not in inside.values_list("pk", flat=True)
    assert subtree_end("000000z") == "0000010" and subtree_end("00a") == "00b"


def test_the_same_words_resent_from_the_same_address_are_stored_once(article):
    first = create_comment(thread=article, parent_id=None, author_name="R", body="x",
                           submission_key="one", address="192.0.2.1")
    again = create_comment(thread=article, parent_id=None, author_name="R", body="x",
                           submission_key="two", address="192.0.2.1")
    elsewhere = create_comment(thread=article, parent_id=None, author_name="R", body="x",
                               submission_key="three", address="192.0.2.2")
    assert not again.created and again.comment.pk == first.comment.pk
    assert elsewhere.created


def test_the_same_words_from_one_account_at_two_addresses_are_refused(article, django_user_model,
                                                                      settings):
    settings.ROSTRA_RATE_LIMITS = "on"  # repeated words are a flood guard
    reader = django_user_model.objects.create_user("reader")
    create_comment(thread=article, parent_id=None, author_name="R", body="x", user=reader,
                   address="192.0.2.1")
    with pytest.raises(Refused, match="same words"):
        create_comment(thread=article, parent_id=None, author_name="Other", body="x", user=reader,
                       address="192.0.2.2")


def test_the_checks_before_a_new_comment_seek_through_indexes(article, django_user_model, settings):
    """Every lookup create_comment makes among the thread's comments (the submission key, the same
    words resent, the same words repeated) seeks straight to the author's or the key's rows, never
    walks the thread: a write costs the same in a 100,000-comment thread as in an empty one. Planned
    with the parameters bound, as the server runs them."""
    settings.ROSTRA_RATE_LIMITS = "on"
    reader = django_user_model.objects.create_user("reader")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        create_comment(thread=article, parent_id=None, author_name="R", body="x", user=reader,
                       address="192.0.2.1", submission_key="one")
    lookups = [(sql, params) for sql, params in statements
               if sql.startswith("SELECT") and 'FROM "discussion_comment"' in sql]
    assert len(lookups) == 3  # the submission key; the same words by address, and by account
    with connection.cursor() as cursor:
        for sql, params in lookups:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(row[-1] for row in cursor.fetchall())
            # an index that starts with the key or the author, not one that starts with the thread
            # (comment_thread_path would walk the whole thread)
            assert re.search(r"USING INDEX comment_(submission_unique|address_words|user_words) ",
                             plan), (sql, plan)
