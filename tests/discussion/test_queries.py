"""Thread reads: a fixed number of queries whatever the size, cut by page, depth and replies limit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.discussion.edit import delete_comment
from rostra.discussion.queries import (
    get_comment_place,
    get_subthread,
    get_thread_page,
)
from rostra.discussion.views.common import walk
from rostra.discussion.vote import cast_vote
from rostra.moderation.actions import hide_comment


def grow_thread(make_comment, size: int, *, fanout: int = 3):
    """`size` comments: every fourth one top-level, the rest replies spread over the tree."""
    made = []
    for i in range(size):
        if i % 4 == 0 or not made:
            made.append(make_comment(author_name=f"r{i}"))
        else:
            made.append(make_comment(parent=made[(i - 1) // fanout], author_name=f"r{i}"))
    return made


def count_page_queries(client, article):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [10, 2000])
def test_article_page_costs_six_queries_whatever_the_thread_size(client, article, make_comment,
                                                                  size):
    grow_thread(make_comment, size)
    # site, article, top-level count, top-level page, replies per top-level comment, replies shown
    assert count_page_queries(client, article) == 6


def test_thread_page_reads_only_its_page(article, make_comment, settings):
    settings.ROSTRA_COMMENTS_PER_PAGE = 5
    grow_thread(make_comment, 60)
    page = get_thread_page(article, number=2)
    assert len(page.nodes) == 5 and page.page_count == 3 and page.top_level_count == 15
    assert all(node.comment.depth == 0 for node in page.nodes)
    assert [n.comment.author_name for n in page.nodes] == ["r20", "r24", "r28", "r32", "r36"]


def test_sorts_reorder_only_top_level_comments(article, make_comment):
    first = make_comment(author_name="first")
    second = make_comment(author_name="second")
    reply = make_comment(parent=first, author_name="reply")
    cast_vote(second, voter_key="k1", value=1)
    names = lambda sort: [n.comment.author_name for n in get_thread_page(article, sort=sort).nodes]  # noqa: E731
    assert names("oldest") == ["first", "second"]
    assert names("newest") == ["second", "first"]
    assert names("best") == ["second", "first"]
    assert names("nonsense") == ["first", "second"]
    first_node = get_thread_page(article, sort="newest").nodes[1]
    assert [c.comment.pk for c in first_node.children] == [reply.pk]


def test_replies_deeper_than_the_display_depth_continue_elsewhere(article, make_comment, settings):
    settings.ROSTRA_MAX_DISPLAY_DEPTH = 2
    chain = [make_comment(author_name="d0")]
    for depth in range(1, 6):
        chain.append(make_comment(parent=chain[-1], author_name=f"d{depth}"))
    page = get_thread_page(article)
    shown = {node.comment.author_name: node for node in walk(page.nodes)}
    assert set(shown) == {"d0", "d1", "d2"}
    assert shown["d2"].continues and not shown["d1"].continues
    place = get_comment_place(chain[3])
    assert place.anchor.pk == chain[2].pk
    deeper = get_comment_place(chain[5])
    assert deeper.anchor.pk == chain[4].pk
    sub, after = get_subthread(chain[2])
    assert [n.comment.author_name for n in walk([sub])] == ["d2", "d3", "d4"]
    assert after == "" and [n for n in walk([sub]) if n.continues][0].comment.author_name == "d4"


def test_huge_subtree_is_cut_with_a_count_of_what_is_left(article, make_comment, settings):
    settings.ROSTRA_REPLIES_PER_COMMENT = 3
    top = make_comment()
    replies = [make_comment(parent=top, author_name=f"re{i}") for i in range(7)]
    node = get_thread_page(article).nodes[0]
    assert [c.comment.author_name for c in node.children] == ["re0", "re1", "re2"]
    assert node.more_replies == 4 and node.more_after == replies[2].path
    sub, after = get_subthread(top, after=node.more_after)
    assert [c.comment.author_name for c in sub.children] == ["re3", "re4", "re5"]
    assert after == replies[5].path
    place = get_comment_place(replies[6])
    assert place.anchor.pk == top.pk and place.after == replies[5].path


def test_a_page_shares_its_replies_evenly_when_sub_threads_have_grown_large(article, make_comment,
                                                                           settings):
    settings.ROSTRA_REPLIES_PER_PAGE = 10
    quiet = make_comment(author_name="quiet")
    quiet_reply = make_comment(parent=quiet, author_name="quiet-re")
    busy = [make_comment(author_name=f"busy{i}") for i in range(2)]
    for top in busy:
        first = make_comment(parent=top, author_name=f"{top.author_name}-re0")
        for i in range(1, 8):  # a chain and some siblings: the share counts replies at every depth
            make_comment(parent=first if i % 2 else top, author_name=f"{top.author_name}-re{i}")
    page = get_thread_page(article)
    shown = {node.comment.author_name: node for node in walk(page.nodes)}
    assert len(shown) == 3 + 1 + 4 + 4  # 1 for the quiet comment leaves 9: 4 each, evenly
    assert shown["quiet"].more_replies == 0 and quiet_reply.author_name in shown
    for top in busy:
        node = shown[top.author_name]
        assert node.more_replies == 4
        sub, _after = get_subthread(top, after=node.more_after)
        rest = [n.comment.author_name for n in walk([sub])][1:]
        assert len(rest) == 4 and not set(rest) & set(shown)


def test_a_permalink_past_its_page_share_opens_the_sub_thread_view(article, make_comment,
                                                                   settings):
    settings.ROSTRA_REPLIES_PER_PAGE = 4
    tops = [make_comment(author_name=f"t{i}") for i in range(2)]
    replies = [make_comment(parent=tops[0], author_name=f"re{i}") for i in range(5)]
    make_comment(parent=tops[1], author_name="other")
    assert get_comment_place(replies[2]).anchor is None  # within the share of 3
    place = get_comment_place(replies[3])
    assert place.anchor.pk == tops[0].pk
    sub, _after = get_subthread(tops[0], after=place.after)
    assert replies[3].pk in [n.comment.pk for n in walk([sub])]


def test_a_page_shows_every_reply_of_ordinary_threads(article, make_comment):
    grow_thread(make_comment, 120)
    shown = list(walk(get_thread_page(article).nodes))
    assert len(shown) == 120 and not any(node.more_replies for node in shown)


def test_deleted_comment_with_replies_keeps_its_place(article, make_comment):
    parent = make_comment(author_name="parent")
    make_comment(parent=parent, author_name="child")
    lonely = make_comment(author_name="lonely")
    delete_comment(parent)
    delete_comment(lonely)
    nodes = get_thread_page(article).nodes
    assert [n.comment.author_name for n in nodes] == ["parent"]
    assert nodes[0].comment.is_deleted and nodes[0].children[0].comment.author_name == "child"


def test_hidden_comments_without_visible_replies_are_not_shown(article, make_comment):
    hidden = make_comment(author_name="hidden")
    hidden_reply = make_comment(parent=hidden, author_name="hidden reply")
    make_comment(author_name="kept")
    hide_comment(hidden_reply, actor=None)
    hide_comment(hidden, actor=None)
    assert [n.comment.author_name for n in walk(get_thread_page(article).nodes)] == ["kept"]


def test_page_of_a_comment_follows_the_default_order(article, make_comment, settings, client):
    settings.ROSTRA_COMMENTS_PER_PAGE = 2
    made = [make_comment(author_name=f"t{i}") for i in range(5)]
    reply = make_comment(parent=made[4])
    response = client.get(f"/c/{reply.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?page=3#c{reply.pk}"
    first = client.get(f"/c/{made[0].pk}")
    assert first["Location"] == f"{article.get_absolute_url()}#c{made[0].pk}"


def test_replies_under_a_removed_comment_stay_visible_under_a_stub(client, article, make_comment):
    parent = make_comment(author_name="parent", body="soon hidden")
    make_comment(parent=parent, author_name="child", body="still worth reading")
    hide_comment(parent, actor=None)
    nodes = get_thread_page(article).nodes
    assert [n.comment.author_name for n in walk(nodes)] == ["parent", "child"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "[removed]" in page and "still worth reading" in page and "soon hidden" not in page
    api = client.get(f"/api/v1/threads/{article.pk}/comments").json()
    stub = api["items"][0]
    assert stub["state"] == "removed" and stub["author_name"] == "[removed]" and stub["body"] == ""
    assert stub["replies"][0]["body"] == "still worth reading"
