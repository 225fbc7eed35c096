"""The Isso-compatible API through HTTP: Isso's shapes, modes, cookies and status codes over Rostra."""

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rostra.articles.models import Article
from rostra.discussion.models import Comment, Vote
from rostra.moderation.actions import moderator_edit, remove_comment

BLOG = "https://blog.example.org"
URI = "/2026/11/story/"
ISSO = "/isso/news"
COMMENT_KEYS = {"id", "parent", "text", "author", "website", "mode", "created", "modified", "likes",
                "dislikes", "notification", "hash"}


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["news.example.org"], origins=[BLOG])


def post(client, path, data=None, **headers):
    body = json.dumps(data) if data is not None else ""
    return client.post(path, body, content_type="application/json", **headers)


def new(client, text="Hello *Isso* readers", author="Ana", uri=URI, headers=(), **fields):
    return post(client, f"{ISSO}/new?uri={uri}", {"text": text, "author": author, **fields},
                **dict(headers))


def fetch(client, uri=URI, **params):
    response = client.get(f"{ISSO}/", {"uri": uri, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_an_unknown_thread_is_empty_with_the_config_block(client, site):
    body = fetch(client)
    assert body == {"id": None, "total_replies": 0, "hidden_replies": 0, "replies": [],
                    "config": body["config"]}
    assert body["config"]["require-author"] is True and body["config"]["feed"] is True
    assert client.get(f"{ISSO}/config").json() == {"config": body["config"]}


def test_new_comment_is_201_with_isso_fields_and_the_cookie_pair(client, site):
    response = new(client, title="A story", website="example.com/me", email="ana@example.org")
    assert response.status_code == 201
    item = response.json()
    assert set(item) == COMMENT_KEYS
    assert item["text"] == "<p>Hello <em>Isso</em> readers</p>"
    assert item["mode"] == 1 and item["parent"] is None and item["modified"] is None
    assert isinstance(item["created"], float) and len(item["hash"]) == 12
    assert item["website"] == "https://example.com/me"
    assert "email" not in item and "remote_addr" not in item
    cookie = response.cookies[str(item["id"])]
    assert cookie["path"] == "/isso/" and int(cookie["max-age"]) == 900 and cookie["samesite"] == "Lax"
    assert response["X-Set-Cookie"].startswith(f"isso-{item['id']}=")
    assert "Path=/;" in response["X-Set-Cookie"] and "Max-Age=900" in response["X-Set-Cookie"]
    assert response.has_header("Date")
    # The thread is the page at the site's first origin plus the path, as the JSON API sees it.
    thread = Article.objects.get()
    assert thread.url == BLOG + URI and thread.title == "A story"
    api = client.get("/api/v1/threads", {"site": "news", "url": BLOG + URI}).json()
    assert api["id"] == thread.pk and api["comment_count"] == 1


def test_author_and_website_are_escaped_for_isso_s_client(client, site):
    item = new(client, author="<img src=x onerror=alert(1)>", website="https://x.org/?a='b").json()
    assert item["author"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "'" not in item["website"]
    assert Comment.objects.get().author_name == "<img src=x onerror=alert(1)>"  # stored as typed


def test_bad_input_gets_isso_s_classes_of_answer(client, site):
    assert client.post(f"{ISSO}/new", "{}", content_type="application/json").status_code == 400
    assert new(client, text="hi").status_code == 400  # Isso's minimum is three characters
    assert new(client, text=None).status_code == 400
    assert new(client, parent="1").status_code == 400
    assert new(client, author=7).status_code == 400
    assert new(client, website="x" * 300).status_code == 400
    too_long = new(client, text="word " * 3000)
    assert too_long.status_code == 400 and "10,000" in too_long.content.decode()
    no_name = new(client, author=None)
    assert no_name.status_code == 400 and "name" in no_name.content.decode()
    not_json = client.post(f"{ISSO}/new?uri={URI}", "text=hello", content_type="text/plain")
    assert not_json.status_code == 403  # what a cross-site form could send
    broken = client.post(f"{ISSO}/new?uri={URI}", "{", content_type="application/json")
    assert broken.status_code == 400
    assert client.get(f"{ISSO}/").status_code == 400  # no uri
    assert client.get(f"{ISSO}/", {"uri": URI, "sort": "loudest"}).status_code == 400
    assert client.get(f"{ISSO}/", {"uri": URI, "limit": "x"}).status_code == 400
    assert client.get(f"{ISSO}/", {"uri": URI, "offset": "-1"}).status_code == 400
    for huge in ("-" + "9" * 30, "9" * 30):  # echoed back as the answer's id: must fit 64 bits
        assert client.get(f"{ISSO}/", {"uri": URI, "parent": huge}).status_code == 400
    assert client.get("/isso/nowhere/", {"uri": URI}).status_code == 404
    assert Comment.objects.count() == 0


def test_writes_from_other_origins_are_refused(client, site):
    response = new(client, headers={"HTTP_ORIGIN": "https://evil.example.com"})
    assert response.status_code == 403
    assert new(client, headers={"HTTP_ORIGIN": BLOG}).status_code == 201


def test_cors_for_the_site_s_origin_exposes_x_set_cookie(client, site):
    preflight = client.options(f"{ISSO}/new?uri={URI}", HTTP_ORIGIN=BLOG,
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert preflight.status_code == 204
    assert "PUT" in preflight["Access-Control-Allow-Methods"]
    response = new(client, headers={"HTTP_ORIGIN": BLOG})
    assert response["Access-Control-Allow-Origin"] == BLOG
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert response["Access-Control-Expose-Headers"] == "X-Set-Cookie, Date"


def test_a_reply_to_a_comment_elsewhere_becomes_top_level_as_in_isso(client, site):
    other = new(client, uri="/other/").json()
    item = new(client, parent=other["id"]).json()
    assert item["parent"] is None


def test_deep_replies_are_listed_under_their_top_level_comment(client, site, make_comment):
    top = new(client, text="Top comment").json()
    reply = new(client, text="First reply", parent=top["id"]).json()
    deeper = new(client, text="Reply to the reply", parent=reply["id"]).json()
    assert reply["parent"] == top["id"] and deeper["parent"] == top["id"]
    assert Comment.objects.get(pk=deeper["id"]).depth == 2  # Rostra keeps the real tree
    body = fetch(client)
    assert body["total_replies"] == 3 and body["hidden_replies"] == 0
    [listed] = body["replies"]
    assert listed["total_replies"] == 2 and listed["hidden_replies"] == 0
    assert [r["id"] for r in listed["replies"]] == [reply["id"], deeper["id"]]
    assert "replies" not in listed["replies"][0]


def test_reply_arithmetic_with_limits_offsets_and_parent(client, site):
    tops = [new(client, text=f"Top number {n}").json()["id"] for n in range(5)]
    replies = [new(client, text=f"Reply number {n}", parent=tops[0]).json()["id"] for n in range(4)]
    body = fetch(client, limit=2, nested_limit=1)
    assert body["total_replies"] == 9 and body["hidden_replies"] == 3
    first = body["replies"][0]
    assert first["id"] == tops[0] and first["total_replies"] == 4 and first["hidden_replies"] == 3
    assert [r["id"] for r in first["replies"]] == replies[:1]
    page2 = fetch(client, limit=2, offset=2)
    assert [r["id"] for r in page2["replies"]] == tops[2:4] and page2["hidden_replies"] == 1
    assert fetch(client, limit=0)["replies"] == []
    only = fetch(client, parent=tops[0], limit=2, offset=1)
    assert only["id"] == tops[0] and only["total_replies"] == 4 and only["hidden_replies"] == 1
    assert [r["id"] for r in only["replies"]] == replies[1:3]
    assert [r["id"] for r in fetch(client, sort="newest")["replies"]] == tops[::-1]
    assert fetch(client, nested_limit=0)["replies"][0]["replies"] == []
    cutoff = Comment.objects.get(pk=tops[3]).created.timestamp()
    assert [r["id"] for r in fetch(client, after=cutoff)["replies"]] == tops[4:]
    plain = fetch(client, plain=1)["replies"][0]
    assert plain["text"] == "Top number 0"


def test_without_a_limit_each_top_level_comment_lists_only_its_own_replies(client, site):
    tops = [new(client, text=f"Top number {n}").json()["id"] for n in range(3)]
    replies = {top: [new(client, text=f"Reply {n} to {top}", parent=top).json()["id"] for n in range(2)]
               for top in tops}
    cutoff = Comment.objects.get(pk=tops[0]).created.timestamp()
    for query in ({}, {"nested_limit": 1}, {"offset": 1}, {"after": cutoff}, {"sort": "newest"}):
        body = fetch(client, **query)
        listed = {item["id"]: [r["id"] for r in item["replies"]] for item in body["replies"]}
        cut = query.get("nested_limit", 2)
        assert listed == {top: replies[top][:cut] for top in listed}, query
    assert list(listed) == tops[::-1]


def test_a_thread_read_costs_a_fixed_number_of_queries(client, site):
    tops = [new(client, text=f"Top number {n}").json()["id"] for n in range(3)]
    for top in tops:
        new(client, text="A reply to it", parent=top)
    with CaptureQueriesContext(connection) as small:
        fetch(client, nested_limit=5)
    for n in range(20):
        top = new(client, text=f"More top {n}").json()["id"]
        new(client, text="And a reply", parent=top)
    with CaptureQueriesContext(connection) as large:
        fetch(client, nested_limit=5)
    assert len(large) == len(small) <= 6


def test_the_edit_cookie_lets_its_holder_edit_and_nobody_else(client, site):
    created = new(client)
    item = created.json()
    path = f"{ISSO}/id/{item['id']}"
    cookie = created.cookies[str(item["id"])].value
    client.cookies.clear()
    assert client.get(path).status_code == 403
    edit = {"text": "Changed words", "author": "Ana B."}
    assert client.put(path, json.dumps(edit), content_type="application/json").status_code == 403
    client.cookies[str(item["id"])] = cookie + "x"
    assert client.put(path, json.dumps(edit), content_type="application/json").status_code == 403
    client.cookies[str(item["id"])] = cookie
    assert client.get(path, {"plain": 1}).json()["text"] == "Hello *Isso* readers"
    response = client.put(path, json.dumps(edit), content_type="application/json")
    assert response.status_code == 200
    edited = response.json()
    assert edited["text"] == "<p>Changed words</p>" and edited["author"] == "Ana B."
    assert isinstance(edited["modified"], float) and "hash" not in edited
    assert response.has_header("X-Set-Cookie")
    other = new(client, text="Somebody else's words", author="Bo").json()
    client.cookies[str(other["id"])] = cookie  # a token for one comment opens no other
    assert client.put(f"{ISSO}/id/{other['id']}", json.dumps(edit),
                      content_type="application/json").status_code == 403
    assert client.get(f"{ISSO}/id/999999").status_code == 404


def test_the_cookie_is_bound_to_the_text(client, site, django_user_model):
    created = new(client)
    item = created.json()
    moderator = django_user_model.objects.create_user("mod", is_staff=True)
    moderator_edit(Comment.objects.get(pk=item["id"]), body="Cleaned up by a moderator",
                   actor=moderator)
    response = client.put(f"{ISSO}/id/{item['id']}", json.dumps({"text": "My words again"}),
                          content_type="application/json")
    assert response.status_code == 403
    assert Comment.objects.get(pk=item["id"]).body_source == "Cleaned up by a moderator"


def test_cookies_given_after_an_edit_end_with_the_window(client, site, monkeypatch):
    item = new(client).json()
    later = timezone.now() + timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)  # ten minutes after posting
    response = client.put(f"{ISSO}/id/{item['id']}", json.dumps({"text": "Changed words"}),
                          content_type="application/json")
    assert response.status_code == 200
    assert 299 <= int(response.cookies[str(item["id"])]["max-age"]) <= 300
    assert "Max-Age=300" in response["X-Set-Cookie"] or "Max-Age=299" in response["X-Set-Cookie"]


def test_the_edit_window_closes(client, site):
    item = new(client).json()
    Comment.objects.filter(pk=item["id"]).update(created=timezone.now() - timedelta(minutes=16))
    response = client.delete(f"{ISSO}/id/{item['id']}")
    assert response.status_code == 403 and "15 minutes" in response.content.decode()


def test_delete_is_null_alone_and_mode_4_with_replies(client, site):
    lone = new(client, text="Alone here").json()
    response = client.delete(f"{ISSO}/id/{lone['id']}")
    assert response.status_code == 200 and response.json() is None
    assert "Max-Age=0" in response["X-Set-Cookie"]
    top = new(client, text="With a reply").json()
    new(client, text="The reply", parent=top["id"])
    stub = client.delete(f"{ISSO}/id/{top['id']}").json()
    assert stub["mode"] == 4 and stub["text"] == "" and stub["author"] is None
    body = fetch(client)
    assert [r["id"] for r in body["replies"]] == [top["id"]]
    assert body["replies"][0]["mode"] == 4 and body["total_replies"] == 2
    assert Comment.objects.get(pk=lone["id"]).state == Comment.State.DELETED  # kept, not erased


def test_a_removed_top_comment_with_replies_is_mode_4(client, site):
    top = new(client, text="To be removed").json()
    new(client, text="The reply", parent=top["id"])
    remove_comment(Comment.objects.get(pk=top["id"]), actor=None)
    assert fetch(client)["replies"][0]["mode"] == 4


def test_likes_are_rostra_votes_one_per_address(client, site):
    item = new(client).json()
    path = f"{ISSO}/id/{item['id']}"
    assert post(client, f"{path}/like").json() == {"likes": 1, "dislikes": 0}
    again = post(client, f"{path}/like").json()
    assert again["likes"] == 1 and "already" in again["message"]
    assert post(client, f"{path}/dislike").json() == {"likes": 0, "dislikes": 1}
    assert Vote.objects.get().value == -1
    api = client.get(f"/api/v1/comments/{item['id']}").json()
    assert api["downvotes"] == 1  # the same votes Rostra's own pages count
    assert post(client, f"{ISSO}/id/999999/like").status_code == 404


def test_counts_are_per_uri_in_order(client, site):
    new(client)
    new(client, text="Second comment")
    new(client, uri="/other/")
    response = post(client, f"{ISSO}/count", [URI, "/nothing/", "/other/"])
    assert response.json() == [2, 0, 1]
    assert post(client, f"{ISSO}/count", {"uri": URI}).status_code == 400


def test_feed_is_atom_newest_first(client, site):
    first = new(client, text="First words").json()
    second = new(client, text="Second words").json()
    response = client.get(f"{ISSO}/feed", {"uri": URI})
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ElementTree.fromstring(response.content).findall("a:entry", ns)
    links = [e.find("a:link", ns).get("href") for e in entries]
    assert links == [f"{BLOG}{URI}#isso-{second['id']}", f"{BLOG}{URI}#isso-{first['id']}"]
    assert client.get(f"{ISSO}/feed", {"uri": "/none/"}).status_code == 200


def test_latest_preview_info_and_the_default_site(client, site):
    new(client, text="Oldest one")
    new(client, text="Newest one", uri="/other/")
    latest = client.get(f"{ISSO}/latest", {"limit": 1}).json()
    assert [c["uri"] for c in latest] == ["/other/"] and latest[0]["text"] == "<p>Newest one</p>"
    assert client.get(f"{ISSO}/latest").status_code == 400
    assert post(client, f"{ISSO}/preview", {"text": "*hi*"}).json() == {"text": "<p><em>hi</em></p>"}
    assert post(client, f"{ISSO}/preview", {}).status_code == 400
    info = client.get(f"{ISSO}/info").json()
    assert info["origin"] == BLOG and info["version"].startswith("0.14")
    # /isso/ answers for the request's own site (here the only one).
    assert client.get("/isso/", {"uri": URI}).json()["total_replies"] == 1


def test_the_client_files_come_from_the_installed_isso_package(client, site):
    for path in ("js/embed.min.js", "js/count.min.js", "css/isso.css"):
        response = client.get(f"{ISSO}/{path}")
        assert response.status_code == 200
        assert len(b"".join(response.streaming_content)) > 1000
    assert client.get("/isso/js/embed.min.js").status_code == 200
    assert client.get(f"{ISSO}/js/admin.js").status_code == 404
    assert client.get(f"{ISSO}/js/..%2Fconfig.py").status_code == 404
