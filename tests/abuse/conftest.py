"""A real Rostra (`rostra serve --workers 2`, its own SQLite file) for the abuse suites, and a client
that speaks to it from an address of its own on the loopback network (127.0.0.0/8), so that one
test's per-address counts never reach another's.

The server runs the default rate limits, but for three changes the tests rely on: counts are limited
to 20 a minute per address (the default, 3,000, is too many to send in a test), the edit window is
4 seconds (so that expiry can be watched) and the minimum fill time 1 second (not 3: tests wait it).
"""

import http.client
import itertools
import json
import re
from urllib.parse import urlencode, urlsplit

import pytest

from tests.commands import environment, rostra
from tests.concurrency.serving import SITE_PAGES, serving

EDIT_WINDOW = 4
FILL_TIME = 1
WAIT_TO_FILL = FILL_TIME + 0.1
_addresses = itertools.count(2)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("abuse")
    env = environment(var_dir)
    env.update(ROSTRA_RATE_LIMITS="thread.count=20/m/ip", ROSTRA_EDIT_WINDOW_SECONDS=str(EDIT_WINDOW),
               ROSTRA_MIN_FILL_SECONDS=str(FILL_TIME))
    rostra("migrate", "-v0", env=env)
    rostra("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org",
           "--origin", SITE_PAGES, env=env)
    superuser = {**env, "DJANGO_SUPERUSER_PASSWORD": "a long moderator password 42"}
    rostra("createsuperuser", "--noinput", "--username", "moderator", "--email", "m@example.org",
           env=superuser)
    with serving(env, var_dir / "server.log", workers=2, threads=4) as (base, _):
        yield urlsplit(base).port
    server_log = (var_dir / "server.log").read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-4000:]


class Reader:
    """One browser or script: its own loopback address, its own cookies, a new connection for every
    request (so requests spread over both worker processes)."""

    def __init__(self, port: int):
        self.port = port
        n = next(_addresses)
        self.address = f"127.0.{n // 250}.{n % 250 + 2}"
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.address, 0))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, response.headers, data)

    def json(self, method, path, payload=None, headers=None):
        body = payload if isinstance(payload, (bytes, str)) or payload is None else json.dumps(payload)
        return self.request(method, path, body, {"Content-Type": "application/json", **(headers or {})})

    def post_api(self, *, story="s", body, name="Reader", **extra):
        return self.json("POST", "/api/v1/comments", {
            "site": "news", "url": f"{SITE_PAGES}/{story}/", "title": f"Story {story}", "body": body,
            "author_name": name, **extra})

    def post_isso(self, *, story="s", text, author="Reader", **extra):
        return self.json("POST", f"/isso/news/new?uri=/{story}/", {"text": text, "author": author,
                                                                     **extra})

    def form_page(self, story: str) -> "FormPage":
        """The Rostra page of a story's discussion (started through the API when it has none)."""
        answer = self.request("GET", f"/api/v1/threads?site=news&url={SITE_PAGES}/{story}/")
        if answer.status == 404:
            starter = Reader(self.port)
            assert starter.post_api(story=story, body=f"The first words on {story}.",
                                    name="Desk").status == 201
            answer = self.request("GET", f"/api/v1/threads?site=news&url={SITE_PAGES}/{story}/")
        page = self.request("GET", answer.json()["page_url"])
        assert page.status == 200
        return FormPage(self, page.text)


class Answer:
    def __init__(self, status, headers, data: bytes):
        self.status, self.headers, self.data = status, headers, data

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.data)

    def __repr__(self):
        return f"<{self.status} {self.headers.get('Content-Type')} {self.text[:300]!r}>"


class FormPage:
    """The comment form on a page, as a browser without JavaScript would send it."""

    def __init__(self, reader: Reader, html: str):
        self.reader, self.html = reader, html
        self.action = re.search(r'<form id="comment-form"[^>]*action="([^"]+)"', html).group(1)
        self.fields = dict(re.findall(
            r'<input type="hidden" name="(csrfmiddlewaretoken|submission|rendered)" value="([^"]*)"',
            html))
        self.fields.setdefault("parent", "")

    def post(self, *, body, name="Reader", headers=None, **fields):
        data = {**self.fields, "body": body, "author_name": name, "author_email": "",
                "author_website": "", "subject": "", **fields}
        data = {k: v for k, v in data.items() if v is not None}
        return self.reader.request("POST", self.action, urlencode(data), {
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


@pytest.fixture
def reader(server):
    return Reader(server)


@pytest.fixture
def make_reader(server):
    return lambda: Reader(server)
