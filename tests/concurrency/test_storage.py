"""`rostra serve` on a database that cannot take writes: a read-only file, a full disk, a lock held
past the busy timeout. Writes answer 503 with Retry-After (the form comes back with what was typed),
reads go on, and the database is whole afterwards.

Read-only: the server opens its SQLite file with `mode=ro`, which is how SQLite opens a file it may
only read (the tests run as root, for whom chmod would stop nothing). Disk full: the database lives
on a small tmpfs that the test fills to the last byte, so SQLite meets ENOSPC and answers SQLITE_FULL;
that needs the right to mount (root), and tests/core/test_unavailable.py covers SQLITE_FULL without it
through `PRAGMA max_page_count`. Locked: the test holds SQLite's write lock past a one-second busy
timeout.
"""

import errno
import http.client
import json
import os
import re
import sqlite3
import subprocess
from urllib.parse import urlencode, urlsplit

import pytest

from tests.concurrency.serving import (
    SITE_PAGES,
    consistent,
    integrity,
    serving,
    site_environment,
    stored_bodies,
    with_test_settings,
)

pytestmark = pytest.mark.slow
STORY = f"{SITE_PAGES}/story/1/"


def call(base, method, path, body=None, headers=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def api_post(base, body):
    return call(base, "POST", "/api/v1/comments", json.dumps({
        "site": "news", "url": STORY, "title": "Story", "body": body, "author_name": "Ana"}),
        {"Content-Type": "application/json"})


def isso_post(base, body):
    return call(base, "POST", "/isso/news/new?uri=/story/1/", json.dumps({"text": body, "author": "Bo"}),
                {"Content-Type": "application/json"})


def form_post(base, body):
    """Rostra's own page: the form and its CSRF token from the article page, then the POST."""
    _, _, thread = call(base, "GET", f"/api/v1/threads?site=news&url={STORY}")
    status, headers, page = call(base, "GET", json.loads(thread)["page_url"])
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    action = re.search(r'<form id="comment-form"[^>]*action="([^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    fields = {"csrfmiddlewaretoken": token, "body": body, "author_name": "Cy", "parent": ""}
    return call(base, "POST", action, urlencode(fields),
                {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})


def reads_work(base) -> None:
    assert call(base, "GET", f"/api/v1/threads?site=news&url={STORY}")[0] == 200
    assert call(base, "GET", "/isso/news/?uri=/story/1/")[0] == 200
    _, _, thread = call(base, "GET", f"/api/v1/threads?site=news&url={STORY}")
    assert call(base, "GET", json.loads(thread)["page_url"])[0] == 200


def check_refused(answers, ways=None) -> None:
    """Each way in answered 503 in its own shape, with Retry-After."""
    answers, words = answers
    for post, (status, headers, text) in zip(ways or (api_post, isso_post, form_post), answers, strict=True):
        assert status == 503 and int(headers["Retry-After"]) > 0
        if post is api_post:
            assert headers["Content-Type"] == "application/problem+json"
            assert json.loads(text)["status"] == 503
        elif post is isso_post:
            assert headers["Content-Type"].startswith("text/plain")
        else:
            assert words in text  # the reader's text, ready to send again


def seed(base) -> None:
    assert api_post(base, "Seeded through the API.")[0] == 201
    assert isso_post(base, "Seeded through Isso.")[0] == 201


def test_a_read_only_database_refuses_writes_and_serves_reads(tmp_path):
    env = site_environment(tmp_path)
    database = tmp_path / "rostra.sqlite3"
    with serving(env, tmp_path / "server.log") as (base, _):
        seed(base)
    read_only = with_test_settings(env, ROSTRA_TEST_READ_ONLY="1")
    with serving(read_only, tmp_path / "server.log") as (base, _):
        reads_work(base)
        words = "Typed while the database was read-only."
        answers = (api_post(base, words), isso_post(base, words), form_post(base, words))
        check_refused((answers, words))
        assert "read-only" in answers[1][2]
        reads_work(base)
    assert sorted(stored_bodies(database, "%")) == ["Seeded through Isso.", "Seeded through the API."]
    assert integrity(database) == "ok" and consistent(env)


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); "
                    "tests/core/test_unavailable.py covers SQLITE_FULL with PRAGMA max_page_count")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_full_disk_refuses_writes_keeps_every_accepted_one_and_recovers(tmp_path, small_disk):
    database = small_disk / "rostra.sqlite3"
    env = site_environment(tmp_path, database=database)
    with serving(env, tmp_path / "server.log") as (base, _):
        seed(base)
        # A busy server always has the database open somewhere, which keeps SQLite's shared-memory
        # file (rostra.sqlite3-shm) in place; without it, a full disk leaves SQLite unable to open
        # the database at all, and reads answer 503 as well (see docs/operations.md).
        busy = sqlite3.connect(database)
        busy.execute("SELECT count(*) FROM discussion_comment").fetchone()
        fill(small_disk)
        answers = [api_post(base, f"Comment {n} for a full disk. " + "words " * 300) for n in range(5)]
        while answers[-1][0] == 201 and len(answers) < 2000:
            answers.append(api_post(base, f"Comment {len(answers)} for a full disk. " + "words " * 300))
        assert {status for status, *_ in answers} <= {201, 503} and answers[-1][0] == 503
        assert "disk is full" in json.loads(answers[-1][2])["detail"]
        # SQLite may still fit a small write into room its write-ahead log already holds: each way
        # in either stores the comment or answers 503 in its own shape, never anything else.
        for n, post in enumerate((api_post, isso_post, form_post)):
            words = f"Comment typed while the disk was full ({n})."
            status, headers, text = answer = post(base, words)
            if status == 503:
                check_refused(((answer,), words), ways=(post,))
            else:
                assert status in (201, 302), answer
                answers.append((201, headers, json.dumps({"body": words})))
        reads_work(base)
        (small_disk / "filler").unlink()
        assert api_post(base, "Room again.")[0] == 201
        busy.close()
    accepted = {json.loads(text)["body"] for status, _, text in answers if status == 201}
    stored = stored_bodies(database, "Comment %")
    assert sorted(stored) == sorted(accepted)
    assert integrity(database) == "ok" and consistent(env)


def test_a_lock_held_past_the_busy_timeout_is_a_503_to_retry_soon(tmp_path):
    env = site_environment(tmp_path)
    database = tmp_path / "rostra.sqlite3"
    with serving(with_test_settings(env, ROSTRA_TEST_BUSY_TIMEOUT="0.5"), tmp_path / "server.log") as (
            base, _):
        seed(base)
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
        try:
            words = "Typed while another writer held the lock."
            answers = (api_post(base, words), isso_post(base, words), form_post(base, words))
            check_refused((answers, words))
            assert answers[0][1]["Retry-After"] == "5" and "too busy" in answers[1][2]
            reads_work(base)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert api_post(base, "After the lock.")[0] == 201
    assert integrity(database) == "ok" and consistent(env)
