"""Anonymous reads of a thread answered again from memory, ahead of Django, while nothing they show changed.

A cached thread answer still went through all of Django (middleware, sessions, CSRF, the site and thread
look-ups) at a few hundred requests a second; nginx serves the same bytes at ten thousand and more. So
the WSGI application is wrapped (`ReplayReads`): a GET that carries nothing that can change its answer
(no cookies, no credentials, no Origin, no conditional or htmx headers: see HARMLESS_HEADERS) is looked
up by scheme, host, path and query. An answer found there is replayed only after two indexed queries
show that its thread's row (version, slug, address, site, last save) and every site's row are what they
were when the answer was made: a committed write moves the thread's version on, so every process
stops replaying the old answer at once, and nothing is ever deleted by hand.

Answers are kept by `ReplayMiddleware`, the outermost middleware, so they carry every header the
full stack gives them (CSP, nosniff, Referrer-Policy, X-Frame-Options, Vary, CORS). A view offers its
answer with `replayable(request, thread)`; only a 200 that sets no cookie but the CSRF one is kept.
What must differ per response is replaced in every replay: the CSP nonce (body and header), the CSRF
token (a fresh secret, its cookie and its masked tokens), a fresh Date, and the values views declare
with `fresh_per_response` (a form's submission key and render stamp).
"""

import base64
import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.utils.http import http_date

from rostra.core.app_settings import app_settings

ENVIRON_KEY = "rostra.replay"
MAX_BYTES = 48 * 2**20  # answers one process keeps; the oldest go first
WAIT_SECONDS = 10  # longest a request waits for another to make the answer it asks for
MAX_KNOWN_STATES = 4096  # thread states one connection remembers between commits
# Request headers that change no answer Rostra gives (HOST and X-Forwarded-Proto are in the key).
HARMLESS_HEADERS = frozenset({
    "HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING",
    "HTTP_CONNECTION", "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_REFERER", "HTTP_DNT",
    "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_PRIORITY", "HTTP_TE", "HTTP_KEEP_ALIVE",
    "HTTP_SEC_FETCH_DEST", "HTTP_SEC_FETCH_MODE", "HTTP_SEC_FETCH_SITE", "HTTP_SEC_FETCH_USER",
    "HTTP_SEC_CH_UA", "HTTP_SEC_CH_UA_MOBILE", "HTTP_SEC_CH_UA_PLATFORM", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP",
    # Embeds fetch cross-origin: Origin is in the key, and an answer is kept only if its CORS
    # headers agree with the sites' origins it was checked against (see _cors_agrees).
    "HTTP_ORIGIN",
})
# Where the views that offer answers live (article pages, the Isso API, the API's threads): other
# requests skip the sites query the middleware makes before a view that may offer one.
REPLAYED_PATHS = ("/a/", "/isso/", "/api/v1/threads/")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([a-zA-Z0-9]{64})"')
NONCE_SLOT, CSRF_SLOT = "nonce", "csrf"


def replay_key(environ) -> tuple | None:
    """What identifies an answer to this request, or None when the request may see its own answer."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return None
    if not environ.get("PATH_INFO", "").startswith(REPLAYED_PATHS):
        return None
    for name in environ:
        if name.startswith("HTTP_") and name not in HARMLESS_HEADERS:
            return None
    return (environ.get("wsgi.url_scheme"), environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), environ.get("HTTP_ORIGIN"))


# ---- what an answer depends on ---------------------------------------------------------------------

def _columns(model, names=None) -> str:
    """The model's columns (or those of fields `names`, in that order), quoted."""
    quote = connections["default"].ops.quote_name
    if names is None:
        return ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    return ", ".join(quote(model._meta.get_field(name).column) for name in names)


_sql: dict[str, str] = {}


def _queries() -> dict[str, str]:
    """The two checks, written once per process: every site's row, and one thread's row."""
    if not _sql:
        from rostra.articles.models import Article
        from rostra.sites.models import Site

        quote = connections["default"].ops.quote_name
        _sql["sites"] = (f"SELECT {_columns(Site)} FROM {quote(Site._meta.db_table)} "
                         f"ORDER BY {quote('id')}")
        # version first: _capture compares it with the version the view read
        thread_columns = _columns(Article, ("version", "id", "updated", "site", "slug", "url"))
        _sql["thread"] = (f"SELECT {thread_columns} FROM {quote(Article._meta.db_table)} "
                          f"WHERE {quote('id')} = %s")
    return _sql


def _read(name: str, params=()) -> tuple:
    with connections["default"].cursor() as cursor:
        cursor.execute(_queries()[name], params)
        return tuple(tuple(row) for row in cursor.fetchall())


def current_state(thread_id: int) -> tuple:
    """What decides whether an answer about thread `thread_id` still holds: two indexed queries, or
    none on SQLite while nothing was committed to the database since this connection last read them."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return _read("sites"), _read("thread", (thread_id,))
    mark = _commit_mark(connection)
    known = getattr(connection, "_rostra_replay_states", None)
    if known is None or known[0] != mark or len(known[1]) > MAX_KNOWN_STATES:
        known = connection._rostra_replay_states = (mark, {})
    state = known[1].get(thread_id)
    if state is None:
        state = known[1][thread_id] = (_read("sites"), _read("thread", (thread_id,)))
    return state


def _commit_mark(connection) -> tuple:
    """Changes whenever a commit may have changed the database: SQLite's data_version moves on with
    every commit of any other connection (in this process or another), and the connection's own
    count of changed rows with every write of its own. Far cheaper than reading the rows."""
    connection.ensure_connection()
    raw = connection.connection
    (data_version,) = raw.execute("PRAGMA data_version").fetchone()
    return raw, data_version, raw.total_changes


# ---- answers ---------------------------------------------------------------------------------------

@dataclass
class Answer:
    thread_id: int
    state: tuple  # current_state(thread_id) when the answer was made
    status: str
    headers: list[tuple[str, str]]  # without Content-Length, Date and the CSRF cookie
    parts: list[bytes]  # the body, with a placeholder where each per-response value goes
    slots: list[tuple[int, str]]  # (index in parts, slot name) of each placeholder
    fresh: dict[str, Callable[[], str]] = field(default_factory=dict)  # slot -> maker of a new value
    nonce: str = ""  # the nonce the headers were captured with
    dated: bool = False
    csrf_cookie: bool = False
    size: int = 0

    def replay(self) -> tuple[str, list, bytes] | None:
        """Status, headers and body again, with fresh per-response values; None when stale."""
        if current_state(self.thread_id) != self.state:
            return None
        values = {slot: make().encode() for slot, make in self.fresh.items()}
        headers = list(self.headers)
        if NONCE_SLOT in values:
            new = values[NONCE_SLOT].decode()
            headers = [(name, value.replace(self.nonce, new)) for name, value in headers]
        if self.csrf_cookie:
            secret, token = _new_csrf()
            values[CSRF_SLOT] = token.encode()
            headers.append(("Set-Cookie", _csrf_cookie(secret)))
        if self.dated:
            headers.append(("Date", http_date()))
        pieces = self.parts.copy()
        for index, slot in self.slots:
            pieces[index] = values[slot]
        body = b"".join(pieces)
        headers.append(("Content-Length", str(len(body))))
        return self.status, headers, body


class Answers:
    """One process's answers, newest last, within MAX_BYTES."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key) -> Answer | None:
        return self._answers.get(key)

    def put(self, key, answer: Answer) -> None:
        with self._lock:
            self._drop(key)
            self._answers[key] = answer
            self._bytes += answer.size
            while self._bytes > self.max_bytes and self._answers:
                self._drop(next(iter(self._answers)))

    def discard(self, key, answer: Answer) -> None:
        with self._lock:
            if self._answers.get(key) is answer:
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._bytes = 0

    def _drop(self, key) -> None:
        old = self._answers.pop(key, None)
        if old is not None:
            self._bytes -= old.size

    def __len__(self) -> int:
        return len(self._answers)


ANSWERS = Answers()


def _new_csrf() -> tuple[str, str]:
    """A new CSRF secret and a token of it under a new mask, in Django's format (the secret and the
    mask are random letters and digits; each token character is the secret's shifted by the mask's),
    made from os.urandom: get_random_string's one secrets.choice per character took a fifth of a
    replay. tests/core/test_replay.py checks Django accepts them."""
    secret, mask = _random_chars(CSRF_SECRET_LENGTH), _random_chars(CSRF_SECRET_LENGTH)
    cipher = "".join(CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % len(CSRF_ALLOWED_CHARS)]
                     for s, m in zip(secret, mask, strict=True))
    return secret, mask + cipher


_CHAR_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes to token characters in one C call: a byte below the largest multiple of the alphabet's
# length maps onto a character evenly; the bytes above it are dropped (so none is likelier than others).
_UNBIASED = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_TO_CHARS = bytes(ord(CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)]) if b < _UNBIASED else 0
                  for b in range(256))
_BIASED = bytes(range(_UNBIASED, 256))


def _random_chars(length: int) -> str:
    found = b""
    while len(found) < length:
        found += os.urandom(2 * length).translate(_TO_CHARS, _BIASED)
    return found[:length].decode("ascii")


_cookie_made: list = [None, ""]  # [second, Set-Cookie value with a placeholder secret]
_SECRET_PLACEHOLDER = "S" * CSRF_SECRET_LENGTH


def _csrf_cookie(secret: str) -> str:
    """The Set-Cookie header CsrfViewMiddleware gives a new secret (made by Django once a second,
    for its expiry date; each replay puts its own secret in)."""
    second = int(time.time())
    if _cookie_made[0] != second:
        response = HttpResponse()
        response.set_cookie(
            settings.CSRF_COOKIE_NAME, _SECRET_PLACEHOLDER, max_age=settings.CSRF_COOKIE_AGE,
            domain=settings.CSRF_COOKIE_DOMAIN, path=settings.CSRF_COOKIE_PATH,
            secure=settings.CSRF_COOKIE_SECURE, httponly=settings.CSRF_COOKIE_HTTPONLY,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
        _cookie_made[:] = second, response.cookies[settings.CSRF_COOKIE_NAME].output(header="")
    return _cookie_made[1].replace(_SECRET_PLACEHOLDER, secret, 1)


# ---- the two ends --------------------------------------------------------------------------------

class ReplayReads:
    """WSGI: replay a current answer to a request that may share it; else let Django answer (and
    the middleware keep what it answered). While one request of this process makes an answer,
    others for the same key wait for it (up to WAIT_SECONDS) instead of each rendering it again: a
    burst of readers of a large page that is not kept yet would otherwise render it once per
    server thread, at once, and multiply the memory it takes."""

    def __init__(self, application):
        self.application = application
        self._making: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = replay_key(environ)
        if key is None or not app_settings.CACHE_THREADS:
            return self.application(environ, start_response)
        replayed = _replay(key)
        if replayed is None and (making := self._making.get(key)) is not None:
            making.wait(WAIT_SECONDS)
            replayed = _replay(key)
        if replayed is not None:
            status, headers, body = replayed
            start_response(status, headers)
            return [body]
        environ[ENVIRON_KEY] = key
        with self._lock:
            making = self._making.get(key)
            leading = making is None
            if leading:
                making = self._making[key] = threading.Event()
        try:
            return self.application(environ, start_response)
        finally:
            if leading:
                with self._lock:
                    del self._making[key]
                making.set()


def _replay(key) -> tuple[str, list, bytes] | None:
    answer = ANSWERS.get(key)
    if answer is None:
        return None
    try:
        replayed = answer.replay()
    except Exception:  # the database is in trouble: Django answers (and reports it)
        return None
    if replayed is None:
        ANSWERS.discard(key, answer)
    return replayed


def replayable(request, thread) -> None:
    """Offer this answer, about `thread` as it was read for it, for replays to anonymous readers."""
    if ENVIRON_KEY in request.META:
        request._replay_thread = (thread.pk, thread.version)


def fresh_per_response(request, value: str, make: Callable[[], str]) -> str:
    """Declare that `value`, which this answer's body holds, is made anew (by `make`) for every
    response: a replay puts a new one in its place. Returns `value`."""
    if ENVIRON_KEY in request.META:
        request.__dict__.setdefault("_replay_fresh", []).append((value, make))
    return value


class ReplayMiddleware:
    """Outermost middleware: keep the answers views offered, with every header the stack added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(ENVIRON_KEY)
        before = _read("sites") if key is not None else None
        response = self.get_response(request)
        offered = getattr(request, "_replay_thread", None)
        if offered is not None and response.status_code == 200 and not response.streaming:
            try:
                answer = _capture(request, response, *offered, sites_before=before)
            except Exception:  # never let keeping an answer spoil giving it
                answer = None
            if answer is not None:
                ANSWERS.put(key, answer)
        return response


def _capture(request, response, thread_id: int, version: int, *, sites_before) -> Answer | None:
    state = current_state(thread_id)
    sites, rows = state
    if len(rows) != 1 or sites != sites_before or rows[0][0] != version:
        return None  # a site or the thread was written to while this answer was made: keep none
    if not _cors_agrees(request, response, sites):
        return None
    cookies = set(response.cookies)
    secret = request.META.get("CSRF_COOKIE", "")
    csrf_cookie = settings.CSRF_COOKIE_NAME in cookies
    if cookies - {settings.CSRF_COOKIE_NAME}:
        return None
    if csrf_cookie and response.cookies[settings.CSRF_COOKIE_NAME].value != secret:
        return None
    body = response.content
    slots: dict[bytes, str] = {}
    fresh: dict[str, Callable[[], str]] = {}
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        slots[nonce.encode()] = NONCE_SLOT
        fresh[NONCE_SLOT] = _new_nonce
    if csrf_cookie:
        for token in set(CSRF_INPUT.findall(body)):
            if _unmask_cipher_token(token.decode()) != secret:
                return None
            slots[token] = CSRF_SLOT
    elif CSRF_INPUT.search(body):
        return None  # a form that would need the reader's own token
    for n, (value, make) in enumerate(getattr(request, "_replay_fresh", [])):
        slot = f"fresh{n}"
        slots[value.encode()] = slot
        fresh[slot] = make
    parts: list[bytes] = []
    placed: list[tuple[int, str]] = []
    start = 0
    if slots:
        pattern = re.compile(b"|".join(re.escape(v) for v in sorted(slots, key=len, reverse=True)))
        for found in pattern.finditer(body):
            parts.append(body[start:found.start()])
            placed.append((len(parts), slots[found.group()]))
            parts.append(b"")
            start = found.end()
    parts.append(body[start:])
    skipped = {"content-length", "date"}
    headers = [(name, value) for name, value in response.items() if name.lower() not in skipped]
    return Answer(
        thread_id=thread_id, state=state, status=f"{response.status_code} {response.reason_phrase}",
        headers=headers, parts=parts, slots=placed, fresh=fresh,
        nonce=nonce if isinstance(nonce, str) else "",
        dated=response.has_header("Date"), csrf_cookie=csrf_cookie, size=len(body),
    )


def _cors_agrees(request, response, sites: tuple) -> bool:
    """Whether the answer's CORS permission is the one the sites' rows checked for replays give
    (the middleware may have judged by a list of origins it cached a few seconds ago)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return not response.has_header("Access-Control-Allow-Origin")
    from rostra.sites.models import Site
    from rostra.sites.origins import request_origin

    column = [f.name for f in Site._meta.concrete_fields].index("origins")
    allowed = set()
    for row in sites:
        value = row[column]
        allowed.update(json.loads(value) if isinstance(value, str) else value or ())
    origin = origin.lower()
    permitted = origin == request_origin(request) or origin in allowed
    return response.get("Access-Control-Allow-Origin") == (request.headers["Origin"] if permitted else None)


def _new_nonce() -> str:
    """A nonce as django-csp makes one."""
    return base64.b64encode(os.urandom(16)).decode("ascii")
