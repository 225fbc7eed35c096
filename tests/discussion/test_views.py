"""Posting, replying, editing and deleting through the reader's pages, with and without htmx."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from rostra.discussion.models import Comment
from rostra.identity.guests import edit_cookie_name, make_edit_token
from rostra.moderation.actions import hide_comment

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_url(article):
    return f"/a/{article.slug}/comments"


def form(**fields):
    data = {"author_name": "Dana", "author_email": "", "author_website": "", "body": "Hello."}
    data.update(fields)
    return data


def test_post_without_javascript_redirects_to_the_new_comments_anchor(client, article):
    response = client.post(post_url(article), form(body="First *post*"))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/a/{article.slug}/#c{comment.pk}"
    assert comment.body_html == "<p>First <em>post</em></p>"
    assert edit_cookie_name(comment.pk) in response.cookies
    page = client.get(response["Location"]).content.decode()
    assert f'id="c{comment.pk}"' in page and "First <em>post</em>" in page
    assert "Edit</a>" in page  # the author holds the token


def test_reply_without_javascript_lands_under_its_parent(client, article, make_comment):
    parent = make_comment(author_name="Parent")
    reply_page = client.get(f"/c/{parent.pk}/reply")
    assert reply_page.status_code == 200 and b"Reply to Parent" in reply_page.content
    response = client.post(post_url(article), form(parent=parent.pk, body="I agree"))
    reply = Comment.objects.get(parent=parent)
    assert response["Location"] == f"/a/{article.slug}/#c{reply.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "In reply to by" in page and f'href="/c/{parent.pk}">Parent</a>' in page


def test_htmx_post_answers_with_the_comment_fragment(client, article):
    response = client.post(post_url(article), form(body="Inline"), **HTMX)
    body = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="c{comment.pk}"' in body and 'hx-swap-oob="true"' in body
    assert "1 comment<" in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


LONG = "x" * 10_001


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "Write something before posting."),
        ({"body": "   \n\t  "}, "Write something before posting."),
        ({"body": LONG}, "at most 10,000 characters"),
        ({"author_name": ""}, "Tell us your name"),
        ({"author_name": "n" * 101}, "100 characters or fewer"),
        ({"author_email": "not-an-email"}, "Enter a valid email address."),
        ({"author_website": "javascript:alert(1)"}, "does not look like a web address"),
        ({"author_website": "http://"}, "does not look like a web address"),
        ({"parent": "999999"}, "does not exist"),
        ({"parent": "abc"}, "The comment you replied to could not be found."),
    ],
)
def test_bad_input_comes_back_with_a_message_and_the_text_kept(client, article, fields, message):
    data = form(body="Keep this text, please.", **{"author_name": "Kept Name"})
    data.update(fields)
    response = client.post(post_url(article), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    kept = data["body"] if data["body"].strip() else ""
    if kept and len(kept) < 200:
        assert kept in page
    if data["author_name"] and len(data["author_name"]) < 100:
        assert data["author_name"] in page
    assert Comment.objects.count() == 0


def test_bad_input_with_htmx_swaps_the_form_back_in_place(client, article):
    response = client.post(post_url(article), form(author_name="", body="Kept"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form" and response["HX-Reswap"] == "outerHTML"
    assert "Tell us your name" in response.content.decode() and "Kept</textarea>" in (
        response.content.decode()
    )


def test_reply_to_a_comment_of_another_article_is_refused_with_text_kept(client, article,
                                                                         make_article,
                                                                         make_comment):
    foreign = make_comment(thread=make_article())
    response = client.post(post_url(article), form(parent=foreign.pk, body="Wrong place"))
    assert response.status_code == 400
    assert "another discussion" in response.content.decode()
    assert "Wrong place" in response.content.decode()


def test_reply_to_a_hidden_comment_is_refused_with_text_kept(client, article, make_comment):
    parent = make_comment()
    hide_comment(parent, actor=None)
    response = client.post(post_url(article), form(parent=parent.pk, body="Too late"))
    assert response.status_code == 400
    assert "can no longer be replied to" in response.content.decode()
    assert "Too late" in response.content.decode()
    assert Comment.objects.count() == 1


def test_double_submit_stores_one_comment(client, article):
    data = form(submission="0123456789abcdef", body="Once")
    first = client.post(post_url(article), data)
    second = client.post(post_url(article), data)
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]
    follow = client.get(second["Location"])
    assert "already posted" in follow.content.decode()


def test_double_submit_with_htmx_goes_to_the_comment_instead_of_adding_a_copy(client, article):
    """The page may already show the comment (another tab posted it): a second fragment appended
    there would show it twice, so htmx is sent to the comment's place, as the plain form is."""
    data = form(submission="0123456789abcdef", body="Once")
    client.post(post_url(article), data, **HTMX)
    again = client.post(post_url(article), data, **HTMX)
    comment = Comment.objects.get()
    assert again["HX-Redirect"] == f"/a/{article.slug}/#c{comment.pk}"
    assert f'id="c{comment.pk}"' not in again.content.decode()
    assert "already posted" in client.get(again["HX-Redirect"]).content.decode()


def test_comment_over_the_limit_keeps_every_character(client, article):
    response = client.post(post_url(article), form(body=LONG))
    assert LONG in response.content.decode()


def test_author_edits_within_the_window(client, article):
    client.post(post_url(article), form(body="before"))
    comment = Comment.objects.get()
    assert client.get(f"/c/{comment.pk}/edit").status_code == 200
    response = client.post(f"/c/{comment.pk}/edit", {"body": "after"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_source == "after" and comment.edited


def test_someone_else_cannot_edit_or_delete(client, article, make_comment):
    comment = make_comment(body="mine")
    response = client.post(f"/c/{comment.pk}/edit", {"body": "theirs"})
    assert response.status_code == 403
    assert "Only the person who posted" in response.content.decode()
    assert "theirs" in response.content.decode()
    assert client.post(f"/c/{comment.pk}/delete").status_code == 403
    comment.refresh_from_db()
    assert comment.body_source == "mine" and comment.state == "visible"


def test_edit_after_the_window_is_refused_with_text_kept(client, article, settings):
    client.post(post_url(article), form(body="before"))
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=16))
    response = client.post(f"/c/{comment.pk}/edit", {"body": "my careful rewrite"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "15 minutes" in page and "my careful rewrite" in page
    comment.refresh_from_db()
    assert comment.body_source == "before"


def test_forged_token_is_refused(client, article, make_comment):
    comment = make_comment()
    client.cookies[edit_cookie_name(comment.pk)] = make_edit_token(comment)[:-3] + "abc"
    assert client.post(f"/c/{comment.pk}/edit", {"body": "forged"}).status_code == 403


def test_token_for_one_comment_does_not_open_another(client, article, make_comment):
    mine, theirs = make_comment(), make_comment()
    client.cookies[edit_cookie_name(theirs.pk)] = make_edit_token(mine)
    assert client.post(f"/c/{theirs.pk}/edit", {"body": "x"}).status_code == 403


def test_expired_token_is_refused(client, article, make_comment, settings):
    comment = make_comment()
    settings.ROSTRA_EDIT_WINDOW_SECONDS = 60
    # the same claims, signed two minutes ago: a real token that has outlived the window
    with mock.patch("time.time", return_value=time.time() - 120):
        client.cookies[edit_cookie_name(comment.pk)] = make_edit_token(comment)
    response = client.post(f"/c/{comment.pk}/edit", {"body": "late"})
    assert response.status_code == 403


def test_delete_leaves_replies_under_deleted(client, article, make_comment):
    client.post(post_url(article), form(body="soon gone"))
    mine = Comment.objects.get()
    make_comment(parent=mine, author_name="Replier", body="still here")
    assert client.get(f"/c/{mine.pk}/delete").status_code == 200
    response = client.post(f"/c/{mine.pk}/delete")
    assert response.status_code == 302
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[deleted]" in page and "still here" in page and "soon gone" not in page


def test_vote_without_javascript_returns_to_the_comment(client, article, make_comment):
    comment = make_comment()
    response = client.post(f"/c/{comment.pk}/vote", {"value": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#c{comment.pk}")
    comment.refresh_from_db()
    assert comment.score == 1
    client.post(f"/c/{comment.pk}/vote", {"value": "up"})
    comment.refresh_from_db()
    assert comment.score == 0


def test_one_vote_per_reader_and_others_count_separately(client, article, make_comment):
    from django.test import Client

    comment = make_comment()
    client.post(f"/c/{comment.pk}/vote", {"value": "down"}, **HTMX)
    response = client.post(f"/c/{comment.pk}/vote", {"value": "up"}, **HTMX)
    assert 'aria-pressed="true"' in response.content.decode()
    Client().post(f"/c/{comment.pk}/vote", {"value": "up"})
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, comment.score) == (2, 0, 2)


def test_vote_with_a_bad_value_is_a_clear_400(client, make_comment):
    comment = make_comment()
    response = client.post(f"/c/{comment.pk}/vote", {"value": "sideways"})
    assert response.status_code == 400 and b"'up' or 'down'" in response.content


def test_permalink_of_a_hidden_comment_is_a_plain_404(client, make_comment):
    comment = make_comment()
    hide_comment(comment, actor=None)
    assert client.get(f"/c/{comment.pk}").status_code == 404
    assert client.get("/c/424242").status_code == 404


def test_subthread_page_shows_the_comment_and_its_replies(client, make_comment):
    top = make_comment(author_name="Top")
    make_comment(parent=top, author_name="Under")
    page = client.get(f"/c/{top.pk}/thread/").content.decode()
    assert "Top" in page and "Under" in page


def test_garbage_query_parameters_do_not_break_the_page(client, article, make_comment):
    make_comment()
    for query in ("?page=abc", "?page=-4", "?page=99999", "?sort=%00", "?page=1e9"):
        assert client.get(article.get_absolute_url() + query).status_code == 200
    assert client.get("/c/1/thread/?after=%ff%fe").status_code in (200, 404)


def test_expired_form_token_gives_the_text_back_with_a_fresh_form(article):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(post_url(article), form(body="Long thoughtful comment"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Long thoughtful comment" in page and "press the button again" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert Comment.objects.count() == 0


def test_a_deleted_comments_text_never_shows_through_its_pages(client, article, make_comment):
    from rostra.discussion.edit import delete_comment

    gone = make_comment(body="regretted words")
    make_comment(parent=gone, body="a reply keeps it in the tree")
    delete_comment(gone)
    for path in (f"/c/{gone.pk}/edit", f"/c/{gone.pk}/delete", f"/c/{gone.pk}/reply"):
        response = client.get(path)
        assert response.status_code == 404 and b"regretted" not in response.content
    assert b"regretted" not in client.get(article.get_absolute_url()).content
