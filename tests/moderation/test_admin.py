"""Moderators in the Django admin: find comments, approve, hide, mark spam, delete — all audited."""

import pytest
from django.contrib.auth import get_user_model

from rostra.discussion.models import Comment
from rostra.moderation.models import ModerationAction


@pytest.fixture
def moderator(db):
    return get_user_model().objects.create_superuser("mod", "mod@example.org", "pw")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def act(client, action, *comments):
    return client.post(
        "/admin/discussion/comment/",
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_moderator_finds_comments_by_text(mod_client, make_comment):
    make_comment(body="needle in a haystack")
    make_comment(body="something else")
    page = mod_client.get("/admin/discussion/comment/?q=needle").content.decode()
    assert "needle in a haystack" in page and "something else" not in page


def test_hide_then_approve_leaves_an_audit_trail(mod_client, make_comment, article):
    comment = make_comment()
    act(mod_client, "hide_comment", comment)
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.state == "rejected" and article.comment_count == 0
    response = act(mod_client, "approve_comment", comment)
    assert "1 comment approved" in response.content.decode()
    comment.refresh_from_db()
    assert comment.state == "visible"
    trail = list(ModerationAction.objects.order_by("id").values_list(
        "actor_name", "action", "from_state", "to_state"))
    assert trail == [("mod", "hide", "visible", "rejected"), ("mod", "approve", "rejected", "visible")]


def test_hiding_twice_changes_nothing_the_second_time(mod_client, make_comment):
    comment = make_comment()
    act(mod_client, "hide_comment", comment)
    response = act(mod_client, "hide_comment", comment)
    assert "0 comments hidden" in response.content.decode()
    assert ModerationAction.objects.count() == 1


def test_delete_keeps_the_row_and_its_replies(mod_client, make_comment, client):
    parent = make_comment(body="removed")
    make_comment(parent=parent, body="reply stays")
    act(mod_client, "remove_comment", parent)
    assert Comment.objects.count() == 2
    assert "delete_selected" not in mod_client.get("/admin/discussion/comment/").content.decode()
    page = client.get(parent.thread.get_absolute_url()).content.decode()
    assert "[deleted]" in page and "reply stays" in page and "removed" not in page


def test_moderator_edit_renders_again_and_is_audited(mod_client, make_comment):
    comment = make_comment(body="bad *word*")
    page = mod_client.get(f"/admin/discussion/comment/{comment.pk}/change/")
    assert page.status_code == 200
    response = mod_client.post(f"/admin/discussion/comment/{comment.pk}/change/", {
        "state": "visible", "author_name": comment.author_name, "author_email": "",
        "author_website": "", "body_source": "clean *word*",
    })
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>clean <em>word</em></p>"
    assert ModerationAction.objects.get().action == "edit"


def test_editor_changes_an_article_and_its_body_is_rendered_again(mod_client, article, site):
    response = mod_client.post(f"/admin/articles/article/{article.pk}/change/", {
        "site": site.pk, "title": "New title", "slug": article.slug, "url": "",
        "published_0": "", "published_1": "", "comments_open": "on",
        "submitted_by": "Leith Fadel", "via": "Al-Masdar News", "image_url": "",
        "image_caption": "A caption.", "image_credit": "Reuters", "image_position": "1",
        "body_format": "plain", "body_source": "One.\n\nTwo.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.body_html.index("<p>One.</p>") < article.body_html.index("<figure")
    assert article.body_html.index("<figure") < article.body_html.index("<p>Two.</p>")


def test_readers_cannot_reach_the_admin(client):
    assert client.get("/admin/discussion/comment/").status_code == 302


def test_moderator_renaming_an_author_moves_the_thread_version(mod_client, make_comment, article):
    comment = make_comment(author_name="bob")
    before = type(article).objects.get(pk=article.pk).version
    mod_client.post(f"/admin/discussion/comment/{comment.pk}/change/", {
        "state": "visible", "author_name": "renamed", "author_email": "", "author_website": "",
        "body_source": comment.body_source,
    })
    comment.refresh_from_db()
    assert comment.author_name == "renamed"
    assert type(article).objects.get(pk=article.pk).version == before + 1
