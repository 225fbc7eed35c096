"""`rostra serve` started by a test on a free local port, with its own SQLite file, and the granian
processes behind it (for the tests that kill one)."""

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.commands import ROSTRA, environment, rostra

SITE_PAGES = "https://news.example.org"
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(var_dir: Path, *, database: Path | None = None) -> dict[str, str]:
    """A migrated database with the site `news` (pages on SITE_PAGES); rate limits off."""
    env = environment(var_dir)
    if database is not None:
        env["ROSTRA_DATABASE_URL"] = f"sqlite:///{database}"
    env["ROSTRA_RATE_LIMITS"] = "off"
    rostra("migrate", "-v0", env=env)
    rostra("createsite", "--slug", "news", "--name", "News", "--domain", "news.example.org",
           "--origin", SITE_PAGES, env=env)
    return env


def with_test_settings(env: dict[str, str], **switches: str) -> dict[str, str]:
    """The environment for a server on tests/concurrency/storage_settings.py with `switches` set."""
    return {**env, "DJANGO_SETTINGS_MODULE": "tests.concurrency.storage_settings", "PYTHONPATH": str(REPO),
            **switches}


@contextmanager
def serving(env: dict[str, str], log: Path, *, workers: int = 1, threads: int | None = None):
    """Yield (base URL, pid of granian's main process) once /healthz answers; stop it afterwards."""
    port = free_port()
    command = [str(ROSTRA), "serve", "--port", str(port), "--workers", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not answers(port):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (granian's workers, for its main process)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def integrity(database: Path) -> str:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def stored_bodies(database: Path, like: str) -> list[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
        return [body for (body,) in db.execute(
            "SELECT body_source FROM discussion_comment WHERE body_source LIKE ?", (like,))]


def consistent(env: dict[str, str]) -> bool:
    return "The stored discussions are consistent." in rostra("check", "--data", env=env).stdout
