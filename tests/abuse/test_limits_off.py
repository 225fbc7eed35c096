"""ROSTRA_RATE_LIMITS=off (for load tests and benchmarks), against a live server: every rate limit
and flood guard is off, and the sanitiser, CSRF and origin checks are not."""

import http.client
import json
import re
from urllib.parse import urlencode, urlsplit

import pytest


@pytest.fixture
def live(live_server, transactional_db, settings, make_article):
    settings.ROSTRA_RATE_LIMITS = "off"
    article = make_article(title="Load test", slug="load-test")
    return urlsplit(live_server.url), article


def call(base, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.headers, response.read().decode()


def test_off_lets_one_author_post_fast_and_repeat_itself(live):
    base, article = live
    status, headers, page = call(base, "GET", article.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = headers["Set-Cookie"].split(";")[0]
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    for n in range(8):  # no render stamp, no wait, a filled honeypot, one author
        fields = {"csrfmiddlewaretoken": token, "author_name": "Load", "body": f"Load {n}",
                  "subject": "filled"}
        assert call(base, "POST", f"/a/{article.slug}/comments", urlencode(fields), form)[0] == 302
    for name in ("One", "Two"):  # the same words under two names: no duplicate check
        fields = {"csrfmiddlewaretoken": token, "author_name": name, "body": "Same words"}
        assert call(base, "POST", f"/a/{article.slug}/comments", urlencode(fields), form)[0] == 302
    counts = [call(base, "POST", "/api/v1/counts", json.dumps({"urls": ["https://x.example/"]}),
                   {"Content-Type": "application/json"})[0] for _ in range(30)]
    assert set(counts) == {200}


def test_off_keeps_csrf_origin_checks_and_the_sanitiser(live):
    base, article = live
    fields = urlencode({"author_name": "Mallory", "body": "Forged"})
    assert call(base, "POST", f"/a/{article.slug}/comments", fields,
                {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    payload = {"site": article.site.slug, "url": "https://testserver/a/", "body": "x",
               "author_name": "Mallory"}
    assert call(base, "POST", "/api/v1/comments", json.dumps(payload), {
        "Content-Type": "application/json", "Origin": "https://evil.example.com"})[0] == 403
    status, headers, page = call(base, "GET", article.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    fields = urlencode({"csrfmiddlewaretoken": token, "author_name": "Script",
                        "body": "<script>alert(1)</script><img src=x onerror=alert(2)> words"})
    posted = call(base, "POST", f"/a/{article.slug}/comments", fields, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": headers["Set-Cookie"].split(";")[0]})
    assert posted[0] == 302
    comment_id = posted[1]["Location"].rsplit("#c", 1)[1]
    stored = json.loads(call(base, "GET", f"/api/v1/comments/{comment_id}")[2])
    assert "<script" not in stored["body_html"] and "<img" not in stored["body_html"]
