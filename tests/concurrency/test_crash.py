"""kill -9 of a server worker in the middle of writes: every comment answered 2xx is stored exactly
once, none is half-stored, the killed worker is replaced, and the server keeps serving throughout.

Writers post through the JSON API and the Isso API against `rostra serve --workers 2` on SQLite, a
new connection for each request (so a failed request is one the killed worker was working on, never a
stale keep-alive connection). Twice, once a quarter and once 60% of the comments are in, one of the
original granian workers is sent SIGKILL; the second kill leaves only workers granian started
after the first. A request the killed worker was holding fails with a connection error: its comment
was never acknowledged, so it may or may not be stored, but never twice or in part.
"""

import http.client
import json
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.concurrency.serving import (
    SITE_PAGES,
    children,
    consistent,
    integrity,
    serving,
    site_environment,
    stored_bodies,
)

WRITERS = 16
EACH = 60
STORIES = 4
KILL_AT = (0.25, 0.6)  # of all writes done
pytestmark = pytest.mark.slow


@dataclass
class Attempt:
    body: str
    started: float
    ended: float = 0.0
    status: int | None = None  # None: the connection failed before an answer
    error: str = ""


def send(base: str, method: str, path: str, payload) -> tuple[int, dict | None]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path, None if payload is None else json.dumps(payload),
                           {"Content-Type": "application/json", "Connection": "close"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, None


def write(base: str, writer: int, attempts: list[Attempt]) -> None:
    replies_to: dict[int, int] = {}
    for n in range(EACH):
        story = (writer + n) % STORIES
        body = f"Writer {writer} comment {n}: acknowledged or not, never twice."
        attempt = Attempt(body, time.monotonic())
        attempts.append(attempt)
        parent = replies_to.get(story) if n % 3 == 2 else None
        try:
            if n % 2:
                status, answer = send(base, "POST", f"/isso/news/new?uri=/story/{story}/",
                                      {"text": body, "author": f"Writer {writer}", "parent": parent})
            else:
                status, answer = send(base, "POST", "/api/v1/comments", {
                    "site": "news", "url": f"{SITE_PAGES}/story/{story}/", "title": f"Story {story}",
                    "body": body, "author_name": f"Writer {writer}", "parent": parent})
        except (OSError, http.client.HTTPException) as exc:
            attempt.error = f"{type(exc).__name__}: {exc}"
        else:
            attempt.status = status
            if status == 201 and answer:
                replies_to[story] = answer["id"]
        attempt.ended = time.monotonic()


def kill_workers(main: int, attempts: list[Attempt], total: int, kills: list, log: list) -> None:
    """SIGKILL one original worker at each mark of KILL_AT; wait for granian to replace it."""
    original = children(main)
    log.append(f"workers at start: {sorted(original)}")
    for mark, victim in zip(KILL_AT, sorted(original), strict=True):
        while len(attempts) < mark * total:
            time.sleep(0.01)
        before = children(main)
        sent = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        while alive(victim):  # until it is gone, it may still take a connection (and drop it)
            time.sleep(0.001)
        died = time.monotonic()
        deadline = time.monotonic() + 20
        while not (len(now := children(main)) == len(original) and now - before):
            if time.monotonic() > deadline:
                log.append(f"worker {victim} was not replaced: {sorted(children(main))}")
                return
            time.sleep(0.05)
        # until its replacement is up, a connection the kernel had queued for the dead worker is reset
        kills.append((sent, time.monotonic()))
        log.append(f"killed {victim} at {len(attempts)} writes; replaced by {sorted(now - before)} "
                   f"in {kills[-1][1] - died:.1f} s")


def alive(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_killing_workers_mid_write_loses_no_acknowledged_comment(tmp_path):
    env = site_environment(tmp_path)
    database = tmp_path / "rostra.sqlite3"
    with serving(env, tmp_path / "server.log", workers=2) as (base, main):
        for story in range(STORIES):  # each story's thread exists before the writers start
            assert send(base, "POST", "/api/v1/comments", {
                "site": "news", "url": f"{SITE_PAGES}/story/{story}/", "title": f"Story {story}",
                "body": f"First words on story {story}", "author_name": "Desk"})[0] == 201
        attempts: list[Attempt] = []
        kills: list[tuple[float, float]] = []  # (SIGKILL sent, process gone)
        log: list[str] = []
        killer = threading.Thread(target=kill_workers,
                                  args=(main, attempts, WRITERS * EACH, kills, log))
        killer.start()
        threads = [threading.Thread(target=write, args=(base, w, attempts)) for w in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        killer.join()
        workers_after = children(main)
        # After the kills, the server (all of it started by granian after the first kill) serves.
        after = [send(base, "GET", "/isso/news/?uri=/story/0/", None)[0] for _ in range(20)]

    print("\n".join(log))
    assert len(kills) == 2 and all("replaced by" in line for line in log[1:]), log
    assert len(workers_after) == 2 and after == [200] * 20
    statuses = Counter(a.status for a in attempts)
    failed = [a for a in attempts if a.status is None]
    print(f"{len(attempts)} writes: {dict(statuses)}; {len(failed)} lost with their worker")
    assert not [s for s in statuses if s is not None and s != 201], statuses
    # Only a request in flight between a kill and the worker's replacement may fail; every other one
    # is answered.
    in_flight = [a for a in failed if any(a.started <= replaced and a.ended >= sent
                                          for sent, replaced in kills)]
    assert in_flight == failed, [(a.error, a.started, a.ended, kills) for a in failed]

    stored = Counter(stored_bodies(database, "Writer %"))
    acknowledged = {a.body for a in attempts if a.status == 201}
    unacknowledged = {a.body for a in failed}
    assert acknowledged <= set(stored)  # every acknowledged comment is there
    assert max(stored.values()) == 1  # only once
    assert set(stored) <= acknowledged | unacknowledged  # nothing that was never sent
    print(f"stored {len(stored)}: {len(acknowledged)} acknowledged, "
          f"{len(set(stored) & unacknowledged)} of {len(unacknowledged)} unacknowledged")
    assert integrity(database) == "ok"
    assert consistent(env)  # parents, paths, roots and counters agree: nothing half-stored
