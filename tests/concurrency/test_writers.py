"""Many writers at once against `rostra serve --workers 2` on SQLite, through every way in (the HTML
form, the JSON API, the Isso API), alone and while an import runs into the same site: every comment
that was answered 2xx is stored exactly once, the tree is consistent, and nothing answers 5xx."""

import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bench.generate import write_disqus
from tests.commands import ROSTRA, rostra
from tests.concurrency.serving import SITE_PAGES, serving, site_environment

WRITERS = 50
EACH = 200
STORIES = 5
pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    env = site_environment(tmp_path)  # rate limits off: a load test, 10,000 posts in seconds
    with serving(env, tmp_path / "server.log", workers=2) as (base, _):
        # Each story's thread is started once, so that every writer's page has a Rostra page (and form).
        for story in range(STORIES):
            answer = Client(base).json("POST", "/api/v1/comments", {
                "site": "news", "url": f"{SITE_PAGES}/story/{story}/", "title": f"Story {story}",
                "body": f"First words on story {story}", "author_name": "Desk"})
            assert answer[0] == 201, answer
        yield base, env, tmp_path


class Client:
    """One writer's keep-alive connection with its own cookies."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # a closed keep-alive connection: open a new one
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def json(self, method, path, payload):
        status, _, data = self.request(method, path, json.dumps(payload),
                                       {"Content-Type": "application/json"})
        return status, json.loads(data) if data else None


def write(base: str, writer: int, results: list, failures: list) -> None:
    """One writer: EACH comments over the three ways in, a third of them replies to its own."""
    client = Client(base)
    rng = random.Random(writer)
    mine: dict[int, list[int]] = {}  # story → ids of this writer's comments there
    form_pages: dict[int, str] = {}
    for n in range(EACH):
        story = rng.randrange(STORIES)
        parent = rng.choice(mine[story]) if mine.get(story) and rng.random() < 0.35 else None
        body = f"Writer {writer} comment {n}: words that are nobody else's."
        way = ("form", "api", "isso")[(writer + n) % 3]
        try:
            if way == "api":
                status, answer = client.json("POST", "/api/v1/comments", {
                    "site": "news", "url": f"{SITE_PAGES}/story/{story}/", "title": f"Story {story}",
                    "body": body, "author_name": f"Writer {writer}", "parent": parent})
                new_id = answer.get("id") if status == 201 else None
            elif way == "isso":
                status, answer = client.json("POST", f"/isso/news/new?uri=/story/{story}/", {
                    "text": body, "author": f"Writer {writer}", "parent": parent})
                new_id = answer.get("id") if status == 201 else None
            else:
                status, new_id = post_form(client, story, body, writer, parent, form_pages)
        except Exception as exc:  # the test reports every failure at the end
            failures.append(f"writer {writer} #{n} ({way}): {type(exc).__name__}: {exc}")
            continue
        results.append((writer, n, way, status, body))
        if new_id:
            mine.setdefault(story, []).append(new_id)


def post_form(client: Client, story: int, body: str, writer: int, parent, pages: dict):
    """The no-JS way: fetch the article page for the form and its CSRF token, post, follow nothing."""
    if story not in pages:
        _, thread = client.json("GET", f"/api/v1/threads?site=news&url={SITE_PAGES}/story/{story}/", None)
        status, _, data = client.request("GET", thread["page_url"])
        assert status == 200, status
        pages[story] = data.decode()
    page = pages[story]
    form = re.search(r'<form id="comment-form"[^>]*action="([^"]+)"', page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    fields = {"csrfmiddlewaretoken": token.group(1), "body": body, "author_name": f"Writer {writer}",
              "parent": parent or "", "submission": os.urandom(8).hex()}
    status, headers, _ = client.request("POST", form.group(1), urlencode(fields),
                                        {"Content-Type": "application/x-www-form-urlencoded"})
    found = re.search(r"(?:#c|/c/)(\d+)", headers.get("Location", "") or "")
    return status, int(found.group(1)) if found else None


def run_writers(base: str) -> tuple[list, list]:
    results, failures = [], []
    threads = [threading.Thread(target=write, args=(base, w, results, failures)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures


def stored_bodies(var_dir: Path) -> Counter:
    with sqlite3.connect(f"file:{var_dir}/rostra.sqlite3?mode=ro", uri=True, timeout=30) as db:
        return Counter(body for (body,) in db.execute(
            "SELECT body_source FROM discussion_comment WHERE body_source LIKE 'Writer %'"))


def check(results, failures, var_dir, env) -> None:
    assert not failures, failures[:10]
    statuses = Counter(status for *_, status, _ in results)
    assert not [s for s in statuses if s >= 500], statuses
    accepted = {body for *_, status, body in results if 200 <= status < 400}
    assert len(results) == WRITERS * EACH and len(accepted) == WRITERS * EACH, statuses
    stored = stored_bodies(var_dir)
    assert set(stored) == accepted  # every accepted comment is there, nothing else
    assert max(stored.values()) == 1  # and only once
    assert "The stored discussions are consistent." in rostra("check", "--data", env=env).stdout


def test_fifty_writers_through_every_way_in(server):
    base, env, var_dir = server
    results, failures = run_writers(base)
    check(results, failures, var_dir, env)
    assert {way for _, _, way, _, _ in results} == {"form", "api", "isso"}


def test_fifty_writers_while_an_import_runs_into_the_same_site(server):
    base, env, var_dir = server
    export = var_dir / "export.xml"
    write_disqus(export, 50_000, per_thread=500)
    importer = subprocess.Popen([str(ROSTRA), "import", str(export), "--site", "news",
                                 "--progress", "never"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    results, failures = run_writers(base)
    output, _ = importer.communicate(timeout=600)
    assert importer.returncode == 0, output
    assert "comments: 50000 imported" in output
    check(results, failures, var_dir, env)
