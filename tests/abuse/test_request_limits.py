"""Request limits against the running server, on the JSON API, the Isso API and the HTML form:
bodies over 256 KiB refused (413) before they are read, too many parameters (400), pagination
capped, and text that cannot be stored answered with a message or cleaned, never a 500."""

import socket
import time

import pytest

from tests.abuse.conftest import SITE_PAGES, WAIT_TO_FILL

BIG = 10 * 1024 * 1024


def headers_only(port: int, path: str, content_type: str) -> str:
    """Send a request that announces a 10 MiB body and send none of it: an answer that comes back
    at once proves the server refused before reading."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                      f"Content-Length: {BIG}\r\nConnection: close\r\n\r\n").encode())
        started = time.monotonic()
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert time.monotonic() - started < 5
        return answer.decode(errors="replace")


@pytest.mark.parametrize("path, content_type", [
    ("/api/v1/comments", "application/json"),
    ("/isso/news/new?uri=/big/", "application/json"),
    ("/a/any-article/comments", "application/x-www-form-urlencoded"),
])
def test_bodies_over_the_limit_are_refused_before_they_are_read(server, path, content_type):
    answer = headers_only(server, path, content_type)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "256 KiB" in answer


def test_a_body_just_over_the_limit_is_refused_on_every_surface(reader):
    body = "x" * (257 * 1024)
    assert reader.post_api(story="big", body=body).status == 413
    assert reader.post_isso(story="big", text=body).status == 413
    page = reader.form_page("big")
    refused = page.post(body=body)
    assert refused.status == 413 and "256 KiB" in refused.text


def test_too_many_parameters_are_refused_with_a_message(reader):
    many = "&".join(f"p{n}=1" for n in range(1001))
    for path in (f"/api/v1/threads?site=news&{many}", f"/isso/news/?uri=/x/&{many}",
                 f"/a/whatever/?{many}"):
        answer = reader.request("GET", path)
        assert answer.status == 400 and "at most 1,000 parameters" in answer.text, (path, answer)
    page = reader.form_page("fields")
    refused = page.post(body="Fine words.", **{f"f{n}": "1" for n in range(1001)})
    assert refused.status == 400 and "at most 1,000 fields" in refused.text


def test_isso_pagination_parameters_are_checked_or_capped(reader):
    for n in range(3):
        assert reader.post_isso(story="pages", text=f"Page test {n}.", author=f"P{n}").status == 201
    base = "/isso/news/?uri=/pages/"
    assert reader.request("GET", base + "&limit=-1").status == 400
    assert reader.request("GET", base + "&offset=-5").status == 400
    assert reader.request("GET", base + "&limit=abc").status == 400
    huge = reader.request("GET", base + "&limit=99999999999999999999999&offset=2")
    assert huge.status == 200 and len(huge.json()["replies"]) == 1
    far = reader.request("GET", base + "&limit=1&offset=99999999999999999999")
    assert far.status == 400 and "offset should not be above" in far.text
    assert reader.request("GET", base + "&parent=99999999999999999999").status == 400
    capped = reader.request("GET", base + "&limit=1&nested_limit=99999999999")
    assert capped.status == 200 and len(capped.json()["replies"]) == 1
    assert capped.json()["hidden_replies"] == 2
    assert reader.request("GET", "/isso/news/latest?limit=99999999999999999999").status == 200
    assert reader.request("GET", "/isso/news/feed?uri=/pages/&limit=99999999999999999999").status == 200


def test_api_cursors_and_page_numbers_out_of_range_are_not_errors_of_the_server(reader):
    created = reader.post_api(story="cursor", body="Cursor test.", name="Cursor").json()
    thread = created["thread_id"]
    import base64
    import json
    for key in ([10**30], [-(10**30)], ["x"], [1.5]):
        cursor = base64.urlsafe_b64encode(json.dumps(["oldest", *key]).encode()).decode().rstrip("=")
        answer = reader.request("GET", f"/api/v1/threads/{thread}/comments?cursor={cursor}")
        assert answer.status in (200, 400), (key, answer)
    page_url = reader.request("GET", f"/api/v1/threads?site=news&url={SITE_PAGES}/cursor/").json()
    for number in ("99999999999999999999999", "-3", "x"):
        assert reader.request("GET", page_url["page_url"] + f"?page={number}").status == 200
    assert reader.request("GET", f"/api/v1/comments/{10**30}").status in (404, 422)


def test_nul_and_control_characters_are_removed_from_comment_text(reader):
    created = reader.post_api(story="controls", body="Be\x00fore\x07 and\x1b after\r\nline two",
                              name="Con\x00trol")
    assert created.status in (201, 422), created
    if created.status == 201:
        assert created.json()["body"] == "Before and after\nline two"
    isso = reader.post_isso(story="controls", text="Isso\x00 text\x08 here", author="Isso Control")
    assert isso.status == 201 and isso.json()["text"] == "<p>Isso text here</p>"
    page = reader.form_page("controls")
    time.sleep(WAIT_TO_FILL)
    posted = page.post(body="Form\x00 text\x0c here", name="Form Control")
    assert posted.status == 302
    comment_id = posted.headers["Location"].rsplit("#c", 1)[1]
    stored = reader.request("GET", f"/api/v1/comments/{comment_id}").json()
    assert stored["body"] == "Form text here"


def test_a_nul_in_a_name_is_refused_with_a_message(reader):
    answer = reader.post_api(story="nul-name", body="Fine words.", name="Nul\x00Name")
    assert answer.status == 422 and "Null characters" in answer.text


def test_unpaired_surrogates_are_refused_with_a_message(reader):
    for path, body in (
        ("/api/v1/comments", ('{"site": "news", "url": "%s/s/", "body": "lone \\ud800 half", '
                              '"author_name": "Surrogate"}' % SITE_PAGES)),
        ("/api/v1/comments", ('{"site": "news", "url": "%s/\\udfff/", "body": "in the URL", '
                              '"author_name": "Surrogate"}' % SITE_PAGES)),
        ("/isso/news/new?uri=/s/", '{"text": "lone \\udc00 low", "author": "Surrogate"}'),
        ("/api/v1/counts", '{"urls": ["\\ud83d"]}'),
    ):
        answer = reader.json("POST", path, body.encode())
        assert answer.status == 400 and "unpaired surrogates" in answer.text, (path, answer)
    paired = reader.json("POST", "/api/v1/comments", (
        '{"site": "news", "url": "%s/emoji/", "body": "an emoji \\ud83d\\ude00 is fine", '
        '"author_name": "Emoji"}' % SITE_PAGES).encode())
    assert paired.status == 201 and paired.json()["body"] == "an emoji \U0001f600 is fine"


def test_invalid_utf8_is_refused_by_the_apis_and_replaced_in_forms(reader):
    bad = b'{"site": "news", "url": "' + SITE_PAGES.encode() + b'/utf/", "body": "caf\xe9 \xff", ' \
          b'"author_name": "Latin"}'
    api = reader.json("POST", "/api/v1/comments", bad)
    assert api.status == 400 and api.headers["Content-Type"] == "application/problem+json", api
    isso = reader.json("POST", "/isso/news/new?uri=/utf/", b'{"text": "caf\xe9 latin-1", "author": "L"}')
    assert isso.status == 400, isso
    page = reader.form_page("utf")
    time.sleep(WAIT_TO_FILL)
    posted = reader.request("POST", page.action, "&".join([
        f"csrfmiddlewaretoken={page.fields['csrfmiddlewaretoken']}",
        f"rendered={page.fields['rendered']}", "author_name=Latin", "body=caf%E9%20%ED%A0%80%20ok",
    ]), {"Content-Type": "application/x-www-form-urlencoded"})
    assert posted.status == 302, posted
    comment_id = posted.headers["Location"].rsplit("#c", 1)[1]
    assert reader.request("GET", f"/api/v1/comments/{comment_id}").json()["body"].startswith("caf\ufffd")
