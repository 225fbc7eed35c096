"""The JSON API v1, through HTTP: shapes, verbs, problems, caching and origins."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.discussion.models import Comment
from tests.discussion.test_queries import grow_thread

HOST_PAGE = "https://news.example.org/2026/11/story/"


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["news.example.org"], origins=["https://blog.example.org"])


def post_json(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def new_comment(client, **fields):
    data = {"site": "news", "url": HOST_PAGE, "title": "A story", "body": "Hello *API*",
            "author_name": "Ana"}
    data.update(fields)
    return post_json(client, "/api/v1/comments", data)


def test_openapi_document_is_3_1_and_docs_are_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/comments", "/api/v1/counts", "/api/v1/threads"} <= set(spec["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_first_comment_creates_the_thread_and_returns_an_edit_token(client, site):
    response = new_comment(client)
    assert response.status_code == 201
    body = response.json()
    assert body["body_html"] == "<p>Hello <em>API</em></p>" and body["edit_token"]
    for key in ("id", "thread_id", "parent", "author_name", "author_website", "body_html", "created",
                "edited", "state", "score", "permalink"):
        assert key in body
    thread = client.get("/api/v1/threads", {"site": "news", "url": HOST_PAGE + "#comments"}).json()
    assert thread["id"] == body["thread_id"] and thread["title"] == "A story"
    assert thread["comment_count"] == 1


def test_url_outside_the_site_is_refused(client, site):
    response = new_comment(client, url="https://elsewhere.example.com/page")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "url"


def test_unknown_site_is_a_404_problem(client, site):
    response = new_comment(client, site="nope")
    assert response.status_code == 404 and response.json()["errors"][0]["field"] == "site"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"body": "  "}, "body"), ({"author_name": ""}, "author_name"), ({"body": "x" * 10_001}, "body"),
     ({"author_email": "nope"}, "author_email"), ({"parent": 99999}, "parent")],
)
def test_invalid_comments_name_the_field_at_fault(client, site, fields, field):
    response = new_comment(client, **fields)
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422 and problem["errors"][0]["field"] == field
    assert Comment.objects.count() == 0


def test_wrong_types_and_malformed_json_are_problems(client, site):
    wrong = new_comment(client, parent="first")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "parent"
    malformed = client.post("/api/v1/comments", "{not json", content_type="application/json")
    assert malformed.status_code in (400, 422)
    assert malformed["Content-Type"] == "application/problem+json"


def test_form_encoded_writes_are_refused(client, site):
    response = client.post("/api/v1/comments", {"site": "news"})
    assert response.status_code == 415


def test_huge_body_is_refused_before_reading(client, site):
    response = client.generic("POST", "/api/v1/comments", b"x" * 300_000,
                              content_type="application/json")
    assert response.status_code == 413


def test_reply_and_page_shape_match_the_html_tree(client, site):
    top = new_comment(client).json()
    reply = new_comment(client, parent=top["id"], body="Reply").json()
    page = client.get(f"/api/v1/threads/{top['thread_id']}/comments").json()
    assert [item["id"] for item in page["items"]] == [top["id"]]
    assert page["items"][0]["replies"][0]["id"] == reply["id"]
    assert page["items"][0]["replies"][0]["parent"] == top["id"]
    assert page["next_cursor"] is None


def test_cursor_pages_through_top_level_comments(client, site, settings):
    settings.ROSTRA_COMMENTS_PER_PAGE = 2
    ids = [new_comment(client, body=f"c{i}").json()["id"] for i in range(5)]
    thread_id = Comment.objects.get(pk=ids[0]).thread_id
    seen, cursor = [], None
    for _ in range(4):
        params = {"sort": "newest", **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/v1/threads/{thread_id}/comments", params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]


def test_unknown_cursor_is_a_400_problem(client, site):
    thread_id = new_comment(client).json()["thread_id"]
    for cursor in ("garbage", "WyJvbGRlc3QiLCAxXQ"):  # the second is an "oldest" cursor
        response = client.get(f"/api/v1/threads/{thread_id}/comments",
                              {"sort": "best", "cursor": cursor})
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor"


def test_list_sends_etag_and_answers_304_until_the_thread_changes(client, site):
    thread_id = new_comment(client).json()["thread_id"]
    url = f"/api/v1/threads/{thread_id}/comments"
    first = client.get(url)
    assert first["Cache-Control"] == "public, no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    new_comment(client, body="changes it")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and len(changed.json()["items"]) == 2


@pytest.mark.parametrize("size", [10, 800])
def test_list_costs_the_same_queries_for_small_and_large_threads(client, site, make_comment, size,
                                                                  article):
    grow_thread(make_comment, size)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/threads/{article.pk}/comments")
    assert response.status_code == 200
    # thread, top-level comments, replies per top-level comment, the replies shown
    assert len(queries) == 4


def test_author_edits_and_deletes_with_the_token_and_nobody_else_can(client, site):
    created = new_comment(client).json()
    path = f"/api/v1/comments/{created['id']}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {created['edit_token']}"}
    anonymous = client.patch(path, json.dumps({"body": "x"}), content_type="application/json")
    assert anonymous.status_code == 401
    other = new_comment(client, body="other").json()
    stolen = client.patch(path, json.dumps({"body": "x"}), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {other['edit_token']}")
    assert stolen.status_code == 403
    edited = client.patch(path, json.dumps({"body": "edited **text**"}),
                          content_type="application/json", **auth)
    assert edited.status_code == 200 and edited.json()["edited"]
    assert edited.json()["body_html"] == "<p>edited <strong>text</strong></p>"
    assert client.delete(path, **auth).status_code == 204
    assert client.get(path).json()["state"] == "deleted"


def test_vote_twice_is_a_conflict_and_zero_takes_it_back(client, site):
    created = new_comment(client).json()
    path = f"/api/v1/comments/{created['id']}/vote"
    reader = {"HTTP_X_ROSTRA_READER": "reader-1"}
    assert post_json(client, path, {"value": 1}, **reader).json() == {
        "upvotes": 1, "downvotes": 0, "score": 1, "mine": 1}
    twice = post_json(client, path, {"value": 1}, **reader)
    assert twice.status_code == 409
    assert post_json(client, path, {"value": 1}, HTTP_X_ROSTRA_READER="reader-2").json()["score"] == 2
    assert post_json(client, path, {"value": 0}, **reader).json()["score"] == 1
    assert post_json(client, path, {"value": 5}, **reader).status_code == 422


def test_fresh_guests_from_one_address_hit_a_ceiling(client, site, settings):
    settings.ROSTRA_RATE_LIMITS = "on"  # the ceiling is a flood guard
    settings.ROSTRA_GUEST_VOTES_PER_ADDRESS = 2
    created = new_comment(client).json()
    path = f"/api/v1/comments/{created['id']}/vote"
    codes = [post_json(client, path, {"value": -1}, HTTP_X_ROSTRA_READER=f"r{i}").status_code
             for i in range(3)]
    assert codes == [200, 200, 429]


def test_counts_for_many_urls_in_one_request(client, site):
    new_comment(client)
    new_comment(client, body="two")
    response = post_json(client, "/api/v1/counts", {"urls": [HOST_PAGE, "https://news.example.org/x",
                                                              "not a url"]})
    assert response.json() == {"counts": {HOST_PAGE: 2, "https://news.example.org/x": 0,
                                          "not a url": 0}}


def test_preview_renders_without_storing(client, site):
    response = post_json(client, "/api/v1/preview", {"body": "*hi* <script>x</script>"})
    assert response.json() == {"body_html": "<p><em>hi</em> &lt;script&gt;x&lt;/script&gt;</p>"}
    assert Comment.objects.count() == 0


def test_cors_answers_only_allowed_origins(client, site):
    allowed = client.options("/api/v1/comments", HTTP_ORIGIN="https://blog.example.org",
                             HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert allowed["Access-Control-Allow-Credentials"] == "true"
    refused = client.options("/api/v1/comments", HTTP_ORIGIN="https://evil.example",
                             HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


def test_server_refuses_writes_from_origins_the_site_does_not_allow(client, site):
    response = post_json(client, "/api/v1/comments", {
        "site": "news", "url": HOST_PAGE, "body": "x", "author_name": "Eve"},
        HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert Comment.objects.count() == 0
    ok = post_json(client, "/api/v1/comments", {
        "site": "news", "url": HOST_PAGE, "body": "x", "author_name": "Bo"},
        HTTP_ORIGIN="https://blog.example.org")
    assert ok.status_code == 201


def test_hidden_comment_is_a_plain_404(client, site, make_comment):
    from rostra.moderation.actions import hide_comment

    comment = make_comment()
    hide_comment(comment, actor=None)
    response = client.get(f"/api/v1/comments/{comment.pk}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_resending_someone_elses_words_earns_no_edit_token(client, site):
    from django.test import Client

    original = new_comment(client, body="Victim words", author_name="victim")
    assert original.status_code == 201
    replay = new_comment(Client(), body="Victim words", author_name="victim")
    assert replay.status_code == 409 and "edit_token" not in replay.json()
    again = post_json(client, "/api/v1/comments", {
        "site": "news", "url": HOST_PAGE, "body": "Keyed", "author_name": "Ana"},
        HTTP_IDEMPOTENCY_KEY="k-1")
    same_key = post_json(client, "/api/v1/comments", {
        "site": "news", "url": HOST_PAGE, "body": "Keyed", "author_name": "Ana"},
        HTTP_IDEMPOTENCY_KEY="k-1")
    assert same_key.status_code == 201 and same_key.json()["id"] == again.json()["id"]


def test_out_of_range_ids_are_problems_not_crashes(client, site):
    huge = 10**23
    assert new_comment(client, parent=huge).status_code == 422
    assert client.get(f"/api/v1/comments/{huge}").status_code == 422
    assert client.get(f"/c/{huge}").status_code == 404


def test_unknown_api_paths_and_methods_answer_problems(client, db):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    wrong = client.get("/api/v1/counts")
    assert wrong.status_code == 405 and wrong["Content-Type"] == "application/problem+json"


def test_control_characters_in_a_page_url_are_refused(client, site):
    response = new_comment(client, url=HOST_PAGE + "\x00")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "url"
    assert client.get("/api/v1/threads", {"site": "news\x00", "url": HOST_PAGE}).status_code == 404


def test_thread_lookup_and_subthread_revalidate(client, site):
    created = new_comment(client).json()
    thread = client.get("/api/v1/threads", {"site": "news", "url": HOST_PAGE})
    assert client.get("/api/v1/threads", {"site": "news", "url": HOST_PAGE},
                      HTTP_IF_NONE_MATCH=thread["ETag"]).status_code == 304
    sub = client.get(f"/api/v1/comments/{created['id']}/thread")
    assert sub.json()["comment"]["id"] == created["id"]
    assert client.get(f"/api/v1/comments/{created['id']}/thread",
                      HTTP_IF_NONE_MATCH=sub["ETag"]).status_code == 304


def test_overlong_page_address_is_refused(client, site):
    response = new_comment(client, url=HOST_PAGE + "x" * 2100)
    assert response.status_code == 422 and "2,000" in response.json()["errors"][0]["message"]
