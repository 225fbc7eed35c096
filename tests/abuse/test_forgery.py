"""Forged requests against the running server: every state-changing HTML form needs its CSRF token
(a foreign page cannot post one), and the API refuses cookie-carrying writes from foreign origins."""

import re
import time

import pytest

from tests.abuse.conftest import WAIT_TO_FILL

EVIL = "https://evil.example.com"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def own_comment(reader):
    """A comment `reader` posted through the form: its edit cookie and CSRF cookie are in the jar."""
    page = reader.form_page("forgery")
    time.sleep(WAIT_TO_FILL)
    posted = page.post(body="Mine to change.", name="Owner")
    assert posted.status == 302
    return int(posted.headers["Location"].rsplit("#c", 1)[1]), page


def test_state_changing_forms_refuse_a_cross_site_post(reader, own_comment):
    comment_id, page = own_comment
    cross_site = {**FORM, "Origin": EVIL, "Referer": f"{EVIL}/attack.html"}
    for path, fields in (
        (page.action, f"body=Forged&author_name=Mallory&rendered={page.fields['rendered']}"),
        (f"/c/{comment_id}/edit", "body=Forged+edit"),
        (f"/c/{comment_id}/delete", ""),
        (f"/c/{comment_id}/vote", "value=down"),
        ("/admin/login/", "username=moderator&password=guess"),
    ):
        for token in ("", f"&csrfmiddlewaretoken={'A' * 64}"):
            answer = reader.request("POST", path, fields + token, cross_site)
            assert answer.status == 403, (path, token, answer)
    # The same browser with its own page's token (no foreign Origin) may do it: the token is the key.
    edit = reader.request("POST", f"/c/{comment_id}/edit",
                          f"body=My+own+edit&csrfmiddlewaretoken={page.fields['csrfmiddlewaretoken']}",
                          FORM)
    assert edit.status == 302
    stored = reader.request("GET", f"/api/v1/comments/{comment_id}").json()
    assert stored["body"] == "My own edit" and stored["state"] == "visible"


def test_a_valid_token_sent_from_a_foreign_origin_is_still_refused(reader, own_comment):
    comment_id, page = own_comment
    answer = reader.request(
        "POST", f"/c/{comment_id}/edit",
        f"body=Forged&csrfmiddlewaretoken={page.fields['csrfmiddlewaretoken']}",
        {**FORM, "Origin": EVIL})
    assert answer.status == 403


@pytest.fixture
def signed_in(reader):
    """`reader` signed in as the moderator (a session cookie, as a browser would hold it)."""
    reader.request("GET", "/admin/login/")
    answer = reader.request("POST", "/admin/login/?next=/admin/", (
        f"csrfmiddlewaretoken={reader.cookies['csrftoken']}&username=moderator"
        "&password=a+long+moderator+password+42&next=/admin/"), FORM)
    assert answer.status == 302 and "sessionid" in reader.cookies, answer
    return reader


def test_cookie_authenticated_api_writes_from_a_foreign_origin_are_refused(signed_in):
    reader = signed_in
    created = reader.post_api(story="session", body="Posted while signed in.", name="Moderator").json()
    path = f"/api/v1/comments/{created['id']}"
    foreign = {"Origin": EVIL}
    assert reader.json("PATCH", path, {"body": "Forged"}, foreign).status == 403
    assert reader.json("DELETE", path, None, foreign).status == 403
    assert reader.json("POST", path + "/vote", {"value": -1}, foreign).status == 403
    assert reader.json("POST", "/api/v1/comments", {
        "site": "news", "url": "https://news.example.org/session/", "body": "Forged post",
        "author_name": "Mallory"}, foreign).status == 403
    # What a foreign page can send without a preflight (a form post) is not JSON, and is refused.
    simple = reader.request("PATCH", path, "body=Forged", {**FORM, "Origin": EVIL})
    assert simple.status == 415
    preflight = reader.request("OPTIONS", path, None, {
        "Origin": EVIL, "Access-Control-Request-Method": "PATCH"})
    assert preflight.status == 403 and "Access-Control-Allow-Origin" not in preflight.headers
    # The session itself may change its comment from Rostra's own origin.
    own = reader.json("PATCH", path, {"body": "Changed by me."}, {"Origin": "http://127.0.0.1"})
    assert own.status == 200 and own.json()["body"] == "Changed by me."


def test_isso_writes_refuse_foreign_origins_and_form_bodies(reader):
    created = reader.post_isso(story="isso-forgery", text="Isso words.", author="Owner")
    assert created.status == 201
    comment_id = created.json()["id"]
    assert reader.post_isso(story="isso-forgery", text="Other words.", author="M").status == 201
    foreign = reader.json("POST", "/isso/news/new?uri=/isso-forgery/",
                          {"text": "From evil.", "author": "Mallory"}, {"Origin": EVIL})
    assert foreign.status == 403
    as_form = reader.request("PUT", f"/isso/news/id/{comment_id}", "text=Forged",
                             {**FORM, "Origin": EVIL})
    assert as_form.status == 403
    assert re.search(r"isso|CSRF|cannot", as_form.text, re.I)
