"""Guest edit tokens against the running server (edit window: 4 seconds here): each names one comment,
is signed, and expires; a token replayed after the window, moved onto another comment, or with one
byte changed grants nothing, through the JSON API, the Isso API or the HTML pages."""

import time

import pytest

from tests.abuse.conftest import EDIT_WINDOW, WAIT_TO_FILL

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def flip(token: str, at: int) -> str:
    """The token with the character at `at` changed (one byte of it tampered with)."""
    char = token[at]
    return token[:at] + ("B" if char != "B" else "C") + token[at + 1:]


def api_edit(reader, comment_id, token, words="Changed."):
    return reader.json("PATCH", f"/api/v1/comments/{comment_id}", {"body": words},
                       {"Authorization": f"Bearer {token}"})


def isso_edit(reader, comment_id, token, words="Changed in Isso."):
    return reader.json("PUT", f"/isso/news/id/{comment_id}", {"text": words},
                       {"Cookie": f"{comment_id}={token}"})


@pytest.fixture
def two_api_comments(reader):
    first = reader.post_api(story="tokens", body="First of mine.", name="Token Holder").json()
    second = reader.post_api(story="tokens", body="Second of mine.", name="Token Holder").json()
    return first, second


def test_a_token_edits_its_own_comment_and_no_other(reader, two_api_comments):
    first, second = two_api_comments
    assert api_edit(reader, second["id"], first["edit_token"]).status == 403
    assert reader.json("DELETE", f"/api/v1/comments/{second['id']}", None,
                       {"Authorization": f"Bearer {first['edit_token']}"}).status == 403
    assert api_edit(reader, first["id"], first["edit_token"]).status == 200


def test_a_token_with_any_byte_changed_grants_nothing(reader, two_api_comments):
    first, _ = two_api_comments
    token = first["edit_token"]
    for at in range(0, len(token), max(1, len(token) // 12)):
        assert api_edit(reader, first["id"], flip(token, at)).status in (401, 403), at
    assert api_edit(reader, first["id"], token + "A").status == 403
    assert api_edit(reader, first["id"], "").status == 401


def test_isso_cookies_are_scoped_to_their_comment_and_signed(reader):
    one = reader.post_isso(story="isso-tokens", text="Isso one.", author="Holder")
    two = reader.post_isso(story="isso-tokens", text="Isso two.", author="Holder")
    token_one = one.headers["X-Set-Cookie"].split(";")[0].split("=", 1)[1]
    id_one, id_two = one.json()["id"], two.json()["id"]
    assert isso_edit(reader, id_two, token_one).status == 403  # one's token under two's name
    assert isso_edit(reader, id_one, flip(token_one, len(token_one) // 2)).status == 403
    assert isso_edit(reader, id_one, token_one).status == 200


def test_html_edit_cookies_are_scoped_to_their_comment_and_signed(reader):
    page = reader.form_page("html-tokens")
    time.sleep(WAIT_TO_FILL)
    ids = []
    for words in ("Form one.", "Form two."):
        posted = page.post(body=words, name="Form Holder", submission=None)
        ids.append(int(posted.headers["Location"].rsplit("#c", 1)[1]))
    one, two = ids
    token_one = reader.cookies[f"rostra_edit_{one}"]
    csrf = f"csrfmiddlewaretoken={page.fields['csrfmiddlewaretoken']}"
    base_cookies = f"csrftoken={reader.cookies['csrftoken']}"

    def edit(comment_id, token):
        return reader.request("POST", f"/c/{comment_id}/edit", f"body=Hijacked&{csrf}", {
            **FORM, "Cookie": f"{base_cookies}; rostra_edit_{comment_id}={token}"})

    assert edit(two, token_one).status == 403
    assert edit(one, flip(token_one, len(token_one) - 3)).status == 403
    assert edit(one, token_one).status == 302


def test_tokens_replayed_after_the_edit_window_grant_nothing(reader):
    api = reader.post_api(story="expiry", body="Soon fixed for good.", name="Late").json()
    isso = reader.post_isso(story="expiry", text="Isso, soon fixed.", author="Late")
    isso_token = isso.headers["X-Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert api_edit(reader, api["id"], api["edit_token"], "In time.").status == 200
    time.sleep(EDIT_WINDOW + 1.5)
    late = api_edit(reader, api["id"], api["edit_token"], "Too late.")
    assert late.status == 403 and "has passed" in late.json()["detail"]
    assert reader.json("DELETE", f"/api/v1/comments/{api['id']}", None,
                       {"Authorization": f"Bearer {api['edit_token']}"}).status == 403
    assert isso_edit(reader, isso.json()["id"], isso_token).status == 403
    assert reader.request("GET", f"/api/v1/comments/{api['id']}").json()["body"] == "In time."
