"""A database that cannot take writes (read-only, full, locked) makes writes answer 503 with
Retry-After in each surface's own shape, while reads go on; nothing is half-stored.

SQLite refuses the writes for real here: `PRAGMA query_only` makes it answer every write with
SQLITE_READONLY ("attempt to write a readonly database"), as it does for a file it could open only
for reading, and `PRAGMA max_page_count` caps the file so that a write needing a new page fails with
SQLITE_FULL ("database or disk is full"), SQLite's disk-full path. The suites in tests/concurrency do
the same against `rostra serve` with a read-only database file and a full filesystem.
"""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client

from rostra.core.errors import database_unavailable
from rostra.discussion.models import Comment

URL = "https://news.example.org/story/"


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["news.example.org", "testserver"])


@pytest.fixture
def web():
    """A client that answers as a server would when a view raises (Django's own re-raises)."""
    return Client(raise_request_exception=False)


@pytest.fixture
def read_only(db):
    def switch(on: bool):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA query_only = {int(on)}")

    yield switch
    switch(False)


def api_post(web, body="Words that wait for the disk.", **fields):
    data = {"site": "news", "url": URL, "title": "Story", "body": body, "author_name": "Ana", **fields}
    return web.post("/api/v1/comments", json.dumps(data), content_type="application/json")


def test_json_api_write_is_a_503_problem_with_retry_after_and_reads_go_on(web, site, read_only):
    first = api_post(web, body="Stored before.").json()
    read_only(True)
    response = api_post(web)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "300"
    problem = response.json()
    assert problem["status"] == 503 and "read-only" in problem["detail"]
    assert web.get(f"/api/v1/comments/{first['id']}").status_code == 200
    assert web.get(f"/api/v1/threads/{first['thread_id']}/comments").status_code == 200
    read_only(False)
    assert list(Comment.objects.values_list("body_source", flat=True)) == ["Stored before."]


def test_isso_write_is_a_plain_503_and_its_reads_go_on(web, site, read_only):
    web.post("/isso/news/new?uri=/story/", json.dumps({"text": "Stored before.", "author": "Bo"}),
             content_type="application/json")
    read_only(True)
    response = web.post("/isso/news/new?uri=/story/", json.dumps({"text": "Lost?", "author": "Bo"}),
                        content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "300"
    assert response["Content-Type"].startswith("text/plain") and b"read-only" in response.content
    fetched = web.get("/isso/news/", {"uri": "/story/"})
    assert fetched.status_code == 200 and fetched.json()["total_replies"] == 1


def test_the_comment_form_comes_back_with_what_was_typed(web, article, read_only, limits_off):
    read_only(True)
    response = web.post(f"/a/{article.slug}/comments", {
        "author_name": "Dana", "author_email": "", "author_website": "",
        "body": "A long careful paragraph I would hate to type again."})
    assert response.status_code == 503 and response["Retry-After"] == "300"
    page = response.content.decode()
    assert "A long careful paragraph I would hate to type again." in page and "Dana" in page
    assert "read-only right now" in page
    assert web.get(article.get_absolute_url()).status_code == 200


def test_other_pages_that_write_get_the_plain_503_page(web, make_comment, read_only):
    comment = make_comment()
    read_only(True)
    response = web.post(f"/c/{comment.pk}/vote", {"value": "up"})
    assert response.status_code == 503 and b"read-only right now" in response.content


def test_a_full_database_refuses_the_write_that_needs_room_and_keeps_every_earlier_one(web, site):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        answers = []
        while len(answers) < 500 and (not answers or answers[-1].status_code == 201):
            answers.append(api_post(web, body=f"Comment {len(answers)}: " + "words " * 200))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 4294967294")
    refused = answers[-1]
    assert refused.status_code == 503 and "disk is full" in refused.json()["detail"]
    assert refused["Retry-After"] == "300"
    stored = sorted(Comment.objects.values_list("body_source", flat=True))
    assert stored == sorted(a.json()["body"] for a in answers[:-1])



@pytest.mark.parametrize("words, retry", [
    ("database or disk is full", 300), ("attempt to write a readonly database", 300),
    ("disk I/O error", 300), ("database is locked", 5)])
def test_each_sqlite_outage_is_named_and_other_errors_are_not(words, retry):
    assert database_unavailable(OperationalError(words)).retry_after == retry
    assert database_unavailable(OperationalError("no such table: x")) is None
    assert database_unavailable(ValueError(words)) is None
