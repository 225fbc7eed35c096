"""Anonymous reads replayed ahead of Django: only while their thread and sites are unchanged, with fresh
per-response values, the same headers, and never to a reader whose request could change the answer."""

import json
import re
import sqlite3

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from rostra.core import replay
from rostra.discussion.vote import cast_vote
from tests.core.test_security_headers import check_headers

ISSO = "/isso/news/?uri=%2Fstory%2F&sort=oldest&offset=0&nested_limit=5"


@pytest.fixture(autouse=True)
def no_answers():
    replay.ANSWERS.clear()
    yield
    replay.ANSWERS.clear()


@pytest.fixture
def app():
    return replay.ReplayReads(WSGIHandler())


class Answered:
    def __init__(self, status, headers, body, queries):
        self.status, self.headers, self.body, self.queries = status, headers, body, queries
        self.text = body.decode()

    def __getitem__(self, name):
        return next(v for k, v in self.headers if k.lower() == name.lower())

    def get(self, name, default=None):
        return next((v for k, v in self.headers if k.lower() == name.lower()), default)

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def status_code(self):
        return int(self.status.split()[0])


def get(app, path, **headers) -> Answered:
    """A GET through the WSGI application as a server makes it: only the headers given."""
    environ = RequestFactory().get(path, **headers).environ
    environ.pop("HTTP_COOKIE", None) if "HTTP_COOKIE" not in headers else None
    environ["HTTP_HOST"] = headers.get("HTTP_HOST", "testserver")
    started = {}

    def start_response(status, response_headers):
        started.update(status=status, headers=response_headers)

    with CaptureQueriesContext(connection) as queries:
        body = b"".join(app(environ, start_response))
    headers = list(started["headers"])
    return Answered(started["status"], headers, body, len(queries))


def values(answer: Answered) -> dict:
    text = answer.text
    return {
        "nonce": re.search(r'nonce="([^"]+)"', text).group(1),
        "csrf": set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)),
        "submission": re.search(r'name="submission" value="([^"]+)"', text).group(1),
        "rendered": re.search(r'name="rendered" value="([^"]+)"', text).group(1),
        "cookie": re.search(r"csrftoken=(\w+)", answer["Set-Cookie"]).group(1),
    }


def without_per_response_values(answer: Answered) -> str:
    v = values(answer)
    text = answer.text
    for value in [v["nonce"], *v["csrf"], v["submission"], v["rendered"]]:
        text = text.replace(value, "…")
    return text


@pytest.fixture
def two_threads(article, make_article, make_comment):
    make_comment(body="On the first article.")
    other = make_article(title="Another", slug="another")
    make_comment(thread=other, body="On the other article.")
    return article, other


def test_a_second_anonymous_read_of_an_article_page_is_replayed_with_its_own_values(app, two_threads):
    article, _ = two_threads
    first = get(app, article.get_absolute_url())
    second = get(app, article.get_absolute_url())
    assert first.status_code == second.status_code == 200
    assert second.queries == 0  # nothing committed since it was kept: no row is read again
    assert without_per_response_values(first) == without_per_response_values(second)
    a, b = values(first), values(second)
    for name in ("nonce", "submission", "rendered", "cookie"):
        assert a[name] != b[name], name
    assert len(b["csrf"]) == 1 and a["csrf"] != b["csrf"]
    assert _unmask_cipher_token(b["csrf"].pop()) == b["cookie"]
    assert f"'nonce-{b['nonce']}'" in second["Content-Security-Policy"]
    assert b["nonce"] not in first.text and a["nonce"] not in second.text
    assert int(second["Content-Length"]) == len(second.body)


def test_a_replayed_page_keeps_every_header_of_the_full_answer(app, two_threads):
    article, _ = two_threads
    first = get(app, article.get_absolute_url())
    second = get(app, article.get_absolute_url())
    assert second.queries == 0
    check_headers(second, "replayed article page")
    unvaried = {"content-security-policy", "set-cookie", "content-length"}
    assert sorted((k.lower(), v) for k, v in first.headers if k.lower() not in unvaried) == \
        sorted((k.lower(), v) for k, v in second.headers if k.lower() not in unvaried)
    assert [k.lower() for k, _ in first.headers].count("set-cookie") == 1
    assert [k.lower() for k, _ in second.headers].count("set-cookie") == 1
    cookie = lambda a: re.sub(r"csrftoken=\w+", "", a["Set-Cookie"])  # noqa: E731
    assert cookie(first) == cookie(second)


def test_the_replayed_csrf_token_and_cookie_are_accepted(app, two_threads):
    article, _ = two_threads
    get(app, article.get_absolute_url())
    replayed = get(app, article.get_absolute_url())
    assert replayed.queries == 0
    v = values(replayed)
    vote = re.search(r'id="votes-c(\d+)" method="post" action="([^"]+)"', replayed.text).group(2)
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = v["cookie"]
    accepted = client.post(vote, {"value": "up", "csrfmiddlewaretoken": v["csrf"].pop()})
    refused = Client(enforce_csrf_checks=True)
    refused.cookies["csrftoken"] = v["cookie"]
    assert accepted.status_code != 403
    assert refused.post(vote, {"value": "up", "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_write_ends_the_replays_of_its_thread_and_no_other(app, two_threads, make_comment):
    article, other = two_threads
    for thread in (article, other):
        get(app, thread.get_absolute_url())
        assert get(app, thread.get_absolute_url()).queries == 0
    make_comment(body="A new reply arrives.")
    changed = get(app, article.get_absolute_url())
    assert changed.queries > 2 and "A new reply arrives." in changed.text
    assert get(app, article.get_absolute_url()).queries == 0  # kept again, at the new version
    unchanged = get(app, other.get_absolute_url())
    # after a commit the thread's row and the sites' are read again (they did not change): replayed
    assert unchanged.queries == 2 and "A new reply arrives." not in unchanged.text
    assert get(app, other.get_absolute_url()).queries == 0


def test_an_edit_of_the_article_or_its_site_ends_its_replays(app, two_threads):
    from rostra.articles.publish import save_article

    article, _ = two_threads
    get(app, article.get_absolute_url())
    assert get(app, article.get_absolute_url()).queries == 0
    article.title = "A new headline"
    save_article(article)
    assert "A new headline" in get(app, article.get_absolute_url()).text
    assert get(app, article.get_absolute_url()).queries == 0
    article.site.name = "Renamed News"
    article.site.save()
    renamed = get(app, article.get_absolute_url())
    assert renamed.queries > 2 and "Renamed News" in renamed.text


@pytest.mark.parametrize("headers", [
    {"HTTP_COOKIE": "sessionid=abc"},
    {"HTTP_COOKIE": "rostra_author=x"},
    {"HTTP_HX_REQUEST": "true"},
    {"HTTP_AUTHORIZATION": "Bearer x"},
    {"HTTP_IF_NONE_MATCH": '"x"'},
    {"HTTP_X_ROSTRA_READER": "r1"},
])
def test_a_request_that_may_change_its_answer_is_never_replayed_nor_kept(app, two_threads, headers):
    article, _ = two_threads
    get(app, article.get_absolute_url())
    assert get(app, article.get_absolute_url()).queries == 0
    own = get(app, article.get_absolute_url(), **headers)
    assert own.queries > 2
    replay.ANSWERS.clear()
    get(app, article.get_absolute_url(), **headers)
    assert len(replay.ANSWERS) == 0


def test_with_thread_caching_off_nothing_is_replayed(app, two_threads, settings):
    settings.ROSTRA_CACHE_THREADS = False
    article, _ = two_threads
    get(app, article.get_absolute_url())
    assert get(app, article.get_absolute_url()).queries > 2
    assert len(replay.ANSWERS) == 0


def test_answers_that_are_not_a_plain_200_are_not_kept(app, two_threads):
    get(app, "/a/no-such-story/")
    get(app, "/a/the-article/?page=x")
    assert get(app, "/a/no-such-story/").status_code == 404
    assert len(replay.ANSWERS) == 1  # the article page only


@pytest.fixture
def api_thread(client, make_site, limits_off):
    make_site(slug="news", domains=["news.example.org"], origins=["https://news.example.org"])
    data = {"site": "news", "url": "https://news.example.org/story/", "title": "A story",
            "body": "First words", "author_name": "Ana"}
    response = client.post("/api/v1/comments", json.dumps(data), content_type="application/json")
    return response.json()["thread_id"]


@pytest.mark.parametrize("path", ["/api/v1/threads/{id}/comments", ISSO])
def test_api_reads_are_replayed_until_a_vote_changes_their_thread(app, api_thread, path):
    from rostra.discussion.models import Comment

    path = path.format(id=api_thread)
    first = get(app, path)
    second = get(app, path)
    assert first.status_code == 200 and second.queries == 0
    assert first.body == second.body
    assert {k.lower() for k, _ in first.headers} == {k.lower() for k, _ in second.headers}
    cast_vote(Comment.objects.get(thread_id=api_thread), voter_key="k", value=1)
    voted = get(app, path)
    assert voted.queries > 2 and voted.body != first.body
    assert get(app, path).body == voted.body


def test_cross_origin_reads_are_replayed_with_their_own_cors_answer(app, api_thread):
    from rostra.sites.models import Site
    from rostra.sites.origins import forget_allowed_origins

    allowed, other = "https://news.example.org", "https://elsewhere.example"
    for origin in (allowed, other):
        get(app, ISSO, HTTP_ORIGIN=origin)
    mine, theirs = get(app, ISSO, HTTP_ORIGIN=allowed), get(app, ISSO, HTTP_ORIGIN=other)
    assert mine.queries == theirs.queries == 0
    assert mine["Access-Control-Allow-Origin"] == allowed
    assert theirs.get("Access-Control-Allow-Origin") is None
    site = Site.objects.get(slug="news")
    site.origins = [allowed, other]
    site.save()
    forget_allowed_origins()  # as the admin does
    now_allowed = get(app, ISSO, HTTP_ORIGIN=other)
    assert now_allowed.queries > 2 and now_allowed["Access-Control-Allow-Origin"] == other


def test_the_isso_answer_gets_a_date_of_its_own(app, api_thread):
    get(app, ISSO)
    replayed = get(app, ISSO)
    assert replayed.queries == 0 and len(replayed.all("Date")) == 1


def test_a_process_keeps_answers_within_its_budget():
    answers = replay.Answers(max_bytes=100)
    make = lambda size: replay.Answer(thread_id=1, state=(), status="200 OK", headers=[],  # noqa: E731
                                      parts=[b"x" * size], slots=[], size=size)
    for n in range(5):
        answers.put(n, make(40))
    assert len(answers) == 2 and answers.get(4) is not None and answers.get(2) is None


def test_the_commit_mark_moves_with_every_commit_of_this_or_any_other_connection(tmp_path):
    class Wrapper:  # what current_state passes: Django's connection around a sqlite3 one
        def __init__(self, raw):
            self.connection = raw

        def ensure_connection(self):
            pass

    path = tmp_path / "marks.sqlite3"
    mine = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    theirs = sqlite3.connect(path, isolation_level=None)
    mine.execute("PRAGMA journal_mode=WAL")
    mine.execute("CREATE TABLE t (x)")
    wrapper = Wrapper(mine)
    first = replay._commit_mark(wrapper)
    assert replay._commit_mark(wrapper) == first  # reading changes nothing
    theirs.execute("INSERT INTO t VALUES (1)")
    second = replay._commit_mark(wrapper)
    assert second != first
    mine.execute("INSERT INTO t VALUES (2)")
    assert replay._commit_mark(wrapper) != second
    mine.close()
    theirs.close()


def test_a_write_through_one_process_ends_the_replays_of_every_process(tmp_path):
    """Two `rostra serve` workers, each keeping its own answers: after a comment is posted (through
    whichever worker takes it), every read through either shows it; the other thread's pages stay."""
    import http.client
    from urllib.parse import urlsplit

    from tests.concurrency.serving import SITE_PAGES, serving, site_environment

    env = site_environment(tmp_path / "var")
    with serving(env, tmp_path / "server.log", workers=2) as (base, _):
        port = urlsplit(base).port

        def call(method, path, body=None):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # one each:
            connection.request(method, path, body=body, headers={  # spread over both workers
                "Content-Type": "application/json"} if body else {})
            response = connection.getresponse()
            return response.status, response.read().decode()

        def post(url, words):
            payload = {"site": "news", "url": url, "title": "A story", "body": words,
                       "author_name": "Ana"}
            status, body = call("POST", "/api/v1/comments", json.dumps(payload))
            assert status == 201, body
            return json.loads(body)["thread_id"]

        threads = {name: post(f"{SITE_PAGES}/{name}/", f"The first words on {name}.")
                   for name in ("one", "two")}
        reads = {name: [f"/api/v1/threads/{tid}/comments", f"/isso/news/?uri=%2F{name}%2F"]
                 for name, tid in threads.items()}
        for name in threads:
            status, body = call("GET", f"/api/v1/threads/{threads[name]}/comments")
            reads[name].append(json.loads(body)["thread"]["page_url"])
        for paths in reads.values():
            for path in paths * 8:  # every worker has kept every answer by now
                assert call("GET", path)[0] == 200
        post(f"{SITE_PAGES}/one/", "Words that every worker must show at once.")
        for path in reads["one"] * 8:
            status, body = call("GET", path)
            assert status == 200 and "Words that every worker must show at once." in body, path
        for path in reads["two"] * 8:
            status, body = call("GET", path)
            assert status == 200 and "Words that every worker must show" not in body, path
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]


def test_requests_for_an_answer_being_made_wait_for_it_instead_of_making_it_again(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(replay, "current_state", lambda thread_id: ("unchanged",))
    made = []

    def django(environ, start_response):
        made.append(environ[replay.ENVIRON_KEY])
        time.sleep(0.3)
        replay.ANSWERS.put(environ[replay.ENVIRON_KEY], replay.Answer(
            thread_id=1, state=("unchanged",), status="200 OK", headers=[], parts=[b"made once"],
            slots=[], size=9))
        start_response("200 OK", [])
        return [b"made once"]

    app = replay.ReplayReads(django)
    bodies = []

    def read():
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/a/big-page/", "HTTP_HOST": "testserver",
                   "wsgi.url_scheme": "http"}
        bodies.append(b"".join(app(environ, lambda status, headers: None)))

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(made) == 1 and bodies == [b"made once"] * 6
