"""Browser-test fixtures: a real Rostra server (migrated, demo imported) and Debian's chromium.

Each pytest process (each xdist worker) starts its own server in its own temporary directory on its
own free port; every test gets fresh browser contexts, so readers never share cookies by accident.
The tests talk to the server over loopback HTTP only and never touch the test database.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VENV_BIN = Path(sys.executable).parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
STARTUP_TIMEOUT = 30.0
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests drive Debian's chromium, and {CHROMIUM} is not installed "
                    "(`make browser-deps` installs it)")


@dataclass
class RostraServer:
    url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_environment(var_dir: Path) -> dict[str, str]:
    # Nothing of the caller's Rostra or Django configuration leaks in: pytest-django has set
    # DJANGO_SETTINGS_MODULE to the test settings, and the server must run the real ones.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        ROSTRA_VAR_DIR=str(var_dir),
        ROSTRA_DATABASE_URL=f"sqlite:///{var_dir}/rostra.sqlite3",
        ROSTRA_SECRET_KEY="rostra-browser-tests-not-a-secret-0123456789abcdefghijklmnop",
        PYTHONUNBUFFERED="1",
        # The browser posts seconds after a page loads, test after test: faster than the flood
        # guards let a person (tests/abuse/ tests those).
        ROSTRA_RATE_LIMITS="off",
    )
    return env


def _rostra(*args: str, env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run([str(VENV_BIN / "rostra"), *args], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"`rostra {' '.join(args)}` failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_until_healthy(server: RostraServer) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def host_origins() -> dict[str, str]:
    """Two other origins for host pages that embed Rostra: the demo site allows the first only."""
    return {name: f"http://127.0.0.1:{_free_port()}" for name in ("allowed", "refused")}


@pytest.fixture(scope="session")
def rostra_server(tmp_path_factory, host_origins) -> RostraServer:
    """A migrated Rostra with the demo site, served by `rostra serve` on a free loopback port."""
    require_chromium()
    var_dir = tmp_path_factory.mktemp("rostra-var")
    env = _server_environment(var_dir)
    _rostra("migrate", "--no-input", "-v0", env=env, cwd=var_dir)
    _rostra("demo", env=env, cwd=var_dir)
    _rostra("createsite", "--slug", "demo", "--origin", host_origins["allowed"], env=env, cwd=var_dir)
    server = serve(var_dir, env)
    try:
        yield server
    finally:
        _stop(server.process)


def serve(var_dir: Path, env: dict[str, str], *, workers: int = 1) -> RostraServer:
    """`rostra serve` on a free loopback port, once it answers /healthz (the caller stops it)."""
    failures = []
    for attempt in range(3):  # another process may take the free port before the server binds it
        port = _free_port()
        log_path = var_dir / f"server-{attempt}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(VENV_BIN / "rostra"), "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(workers)],
                env=env, cwd=var_dir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        server = RostraServer(url=f"http://127.0.0.1:{port}", log_path=log_path, process=process)
        if _wait_until_healthy(server):
            break
        _stop(process)
        failures.append(f"attempt {attempt + 1} on port {port}:\n{server.log_tail()}")
    else:
        pytest.fail("Rostra did not answer /healthz within "
                    f"{STARTUP_TIMEOUT:.0f} s:\n" + "\n".join(failures), pytrace=False)
    return server


@pytest.fixture(scope="session")
def base_url(rostra_server) -> str:
    return rostra_server.url


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_reader(request, browser, rostra_server):
    """Open a fresh browser context (a reader with no cookies): `new_reader(javascript=False)`.

    At the end of the test, fails if any page asked for something off the loopback interface, a
    page's script failed or broke the Content-Security-Policy, a page opened a dialog (an alert is
    what injected script does first), or the server answered any request with a 5xx (unless the
    test is marked xfail: an application bug it documents may well be a 500, and the test itself
    already fails on it).
    """
    contexts = []
    server_errors: list[str] = []
    outside_requests: list[str] = []
    script_errors: list[str] = []

    def watch_request(outgoing):
        host = urlsplit(outgoing.url).hostname or ""
        if outgoing.url.startswith(("http://", "https://", "ws://", "wss://")) and (
            host not in LOOPBACK_HOSTS
        ):
            outside_requests.append(outgoing.url)

    def watch_response(response):
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    tolerated: list[str] = []  # a test that expects a console error says so: reader.tolerate("…")

    def watch_console(message):
        # "Failed to load resource" is how Chromium reports any 4xx, expected ones included.
        if message.type == "error" and not message.text.startswith("Failed to load resource") and (
            not any(words in message.text for words in tolerated)
        ):
            script_errors.append(f"console: {message.text}")

    def watch_page(page):
        page.on("console", watch_console)
        page.on("pageerror", lambda error: script_errors.append(f"uncaught: {error}"))
        page.on("dialog", lambda dialog: (script_errors.append(f"dialog: {dialog.message}"),
                                          dialog.dismiss()))

    def open_context(*, javascript: bool = True):
        context = browser.new_context(
            base_url=rostra_server.url,
            java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900},
            timezone_id="Europe/Berlin",  # times must come from the site's zone, not the reader's
            locale="en-US",
        )
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        context.on("request", watch_request)
        context.on("response", watch_response)
        context.on("page", watch_page)
        contexts.append(context)
        return context

    open_context.tolerate = tolerated.append
    yield open_context

    for context in contexts:
        context.close()
    problems = []
    if outside_requests:
        problems.append("requests left the loopback interface: " + ", ".join(outside_requests))
    if script_errors:
        problems.append("pages misbehaved: " + "; ".join(script_errors))
    if server_errors and request.node.get_closest_marker("xfail") is None:
        problems.append("the server failed: " + ", ".join(server_errors)
                        + "\n--- server log ---\n" + rostra_server.log_tail())
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_reader):
    """A page in a fresh context with JavaScript (htmx) on."""
    return new_reader(javascript=True).new_page()


@pytest.fixture
def nojs_page(new_reader):
    """A page in a fresh context with JavaScript off: plain forms, links and redirects."""
    return new_reader(javascript=False).new_page()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class HostPages:
    """Static pages of other origins (`python -m http.server`) that embed Rostra's discussion."""

    allowed: str
    refused: str
    page_url: str  # the URL the embedded discussion belongs to (on the allowed origin)
    root: Path  # the folder both origins serve: a test may write its own pages into it


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host blog post</title>
<style>
  /* A host stylesheet at its most careless: none of it may reach the embedded thread. */
  body {{ font-family: "Comic Sans MS", cursive; color: rgb(0, 128, 0); }}
  p {{ color: rgb(128, 0, 128); font-size: 30px; }}
  button {{ background: rgb(255, 255, 0); }}
  .comment {{ border: 5px solid rgb(0, 0, 255); }}
</style></head>
<body>
  <h1>A host blog post</h1>
  <p id="host-paragraph">A paragraph of the host page.</p>
  <div class="comment" id="host-comment">The host's own element called "comment".</div>
  <a id="count" href="{page_url}#comments" data-rostra-count data-rostra-url="{page_url}">Comments</a>
  <div class="rostra-thread" data-rostra-site="demo" data-rostra-url="{page_url}"
       data-rostra-title="A host blog post">
    <a id="fallback"
       href="{rostra}/discuss?site=demo&amp;url={page_url}&amp;title=A%20host%20blog%20post"
       >Read and join the discussion</a>
  </div>
  <script src="{rostra}/embed.js" async></script>
</body></html>
"""


@pytest.fixture(scope="session")
def host_pages(tmp_path_factory, host_origins, rostra_server) -> HostPages:
    """Serve post.html from both host origins (the page names the allowed origin's URL)."""
    root = tmp_path_factory.mktemp("host-pages")
    page_url = host_origins["allowed"] + "/post.html"
    (root / "post.html").write_text(HOST_PAGE.format(page_url=page_url, rostra=rostra_server.url))
    processes = []
    for origin in host_origins.values():
        port = urlsplit(origin).port
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        ))
    try:
        for origin in host_origins.values():
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                try:
                    urllib.request.urlopen(origin + "/post.html", timeout=2).close()
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        pytest.fail(f"the host page server on {origin} did not start", pytrace=False)
                    time.sleep(0.1)
        yield HostPages(allowed=host_origins["allowed"], refused=host_origins["refused"],
                        page_url=page_url, root=root)
    finally:
        for process in processes:
            _stop(process)
