"""A real Isso 0.14 server (from the `isso` package Rostra depends on) on a loopback port, and a small
HTTP client that speaks to it and to Rostra alike: cookies kept, source address chosen."""

import http.client
import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

ISSO = Path(sys.executable).parent / "isso"
STARTUP_TIMEOUT = 30.0

CONFIG = """\
[general]
dbpath = {db}
host = {origin}
max-age = 15m
latest-enabled = true

[server]
listen = http://127.0.0.1:{port}/

[moderation]
enabled = false

[guard]
enabled = false

[rss]
base = {origin}
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body) if self.body else None


@dataclass
class Peer:
    """One reader's HTTP client: its own cookies, its own loopback source address (Isso and Rostra
    both tell voters apart by address; Isso blanks the last byte, so peers differ in the third)."""

    base: str  # e.g. http://127.0.0.1:8080/isso/news
    source: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, data=None, *, content_type="application/json",
                raw: bytes | None = None) -> Answer:
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20,
                                                source_address=(self.source, 0))
        body = raw if raw is not None else (json.dumps(data).encode() if data is not None else None)
        headers = {"Content-Type": content_type} if content_type else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, parts.path.rstrip("/") + path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                            response.read())
            for value in response.headers.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] in ("0", 0) or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        finally:
            connection.close()
        return answer


@contextmanager
def running_isso(directory: Path, *, origin: str):
    """Start Isso with a fresh database in `directory`; yield (its URL, the database path)."""
    db = directory / "comments.db"
    port = free_port()
    config = directory / "isso.cfg"
    config.write_text(CONFIG.format(db=db, origin=origin, port=port))
    log = open(directory / "isso.log", "wb")
    process = subprocess.Popen([str(ISSO), "-c", str(config), "run"], stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError("Isso stopped:\n" + (directory / "isso.log").read_text())
            try:
                if Peer(url).request("GET", "/info").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Isso did not start:\n" + (directory / "isso.log").read_text())
            time.sleep(0.1)
        yield url, db
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
