"""The servers the bench loads, each on a free loopback port and stopped afterwards: Isso 0.14 under
gunicorn (2 workers), Rostra under `rostra serve --workers 2`, and nginx serving captured answers from
disk (the ceiling)."""

import getpass
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import ISSO, ROOT, RUN_ROSTRA, isso_config

NGINX = "/usr/sbin/nginx"
WORKERS = 2  # the machine's cores; every system gets the same number of processes
STARTUP_SECONDS = 60


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT, without a trailing slash
    pid: int  # the process whose tree holds every process of the server (for tree_rss)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(command: list[str], *, port: int, probe: str, log: Path, env: dict | None = None,
            cwd: Path | None = None) -> Iterator[Server]:
    """Run `command` (listening on `port`) in its own process group until the block ends; ready once
    `probe` answers below 500."""
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url + probe):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield Server(url, process.pid)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (its workers too), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


@contextmanager
def isso(directory: Path, *, host: str) -> Iterator[Server]:
    """Isso with its database in `directory` (kept between runs: data is posted to it once)."""
    port = free_port()
    config = isso_config(directory, host=host, listen=f"http://127.0.0.1:{port}/")
    gunicorn = ISSO.parent / "gunicorn"
    env = {**os.environ, "ISSO_SETTINGS": str(config)}
    command = [str(gunicorn), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "isso.run"]
    with serving(command, port=port, probe="/info", log=directory / "isso.log", env=env) as server:
        yield server


@contextmanager
def rostra(env: dict, *, log: Path, cache_threads: bool = True) -> Iterator[Server]:
    """Rostra on the database `env` names (see bench.common.rostra_env: rate limits off)."""
    port = free_port()
    env = {**env, "ROSTRA_CACHE_THREADS": "on" if cache_threads else "off"}
    command = [*RUN_ROSTRA, "serve", "--workers", str(WORKERS), "--host", "127.0.0.1",
               "--port", str(port)]
    with serving(command, port=port, probe="/api/v1/openapi.json", log=log, env=env,
                 cwd=ROOT) as server:
        yield server


@contextmanager
def nginx(directory: Path, files: dict[str, bytes]) -> Iterator[Server]:
    """nginx serving `files` (name -> bytes) from `directory`, as /name, with the content type their
    name ends with."""
    root = directory / "root"
    root.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (root / name).write_bytes(body)
    port = free_port()
    paths = {name: directory / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in paths.values():
        path.mkdir(exist_ok=True)
    config = directory / "nginx.conf"
    config.write_text(
        f"user {getpass.getuser()};\nworker_processes {WORKERS};\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 100000;\n"
        "  types { application/json json; text/html html; }\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {paths['client']};\n  proxy_temp_path {paths['proxy']};\n"
        f"  fastcgi_temp_path {paths['fastcgi']};\n  uwsgi_temp_path {paths['uwsgi']};\n"
        f"  scgi_temp_path {paths['scgi']};\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n  }}\n}}\n"
    )
    command = [NGINX, "-p", str(directory), "-e", str(directory / "error.log"), "-c", str(config),
               "-g", "daemon off;"]
    with serving(command, port=port, probe="/", log=directory / "nginx.log") as server:
        yield server
