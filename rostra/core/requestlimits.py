"""Limits every request meets before a view reads it: body size, number of parameters, and text that
cannot be stored (NUL characters, unpaired surrogates), each answered with a status and a message.

- A body over MAX_REQUEST_BYTES is refused with 413 before it is read (the admin keeps Django's own,
  larger limit, DATA_UPLOAD_MAX_MEMORY_SIZE; the APIs are refused by CrossOriginMiddleware first).
- More than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters in the query string or a form body: 400.
- An unpaired surrogate (`\\ud800`) anywhere in a JSON body of the APIs: 400 (no database can store
  it). NUL and other control characters are the forms' business: removed from comment text, refused
  (with a message) in names, addresses and URLs; invalid UTF-8 in a form or query string becomes
  U+FFFD, as Django decodes it.
"""

import json
import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from rostra.api.middleware import MAX_REQUEST_BYTES
from rostra.api.problems import problem

JSON_PREFIXES = ("/api/", "/isso/")
EXEMPT_PREFIXES = ("/admin/",)
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
UNSTORABLE = "Text may not contain unpaired surrogates (\\ud800 …): send it as valid UTF-8."


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        refusal = self._refusal(request)
        if refusal is not None:
            return answer(request, *refusal)
        return self.get_response(request)

    @staticmethod
    def _refusal(request) -> tuple[int, str] | None:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        query = request.META.get("QUERY_STRING", "")
        if limit is not None and query.count("&") + 1 > limit:
            return 400, f"A request may carry at most {limit:,} parameters."
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, "The Content-Length header is not a number."
        if length > MAX_REQUEST_BYTES:
            return 413, f"Requests are limited to {MAX_REQUEST_BYTES // 1024} KiB."
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded" and length:
            if limit is not None and request.body.count(b"&") + 1 > limit:
                return 400, f"A form may carry at most {limit:,} fields."
        elif request.path.startswith(JSON_PREFIXES) and length and SURROGATE_ESCAPE.search(request.body):
            if holds_unstorable_text(request.body):
                return 400, UNSTORABLE
        return None


def holds_unstorable_text(body: bytes) -> bool:
    """Whether a JSON body decodes to a string (or key) with an unpaired surrogate."""
    try:
        value = json.loads(body)
    except ValueError:
        return False  # not JSON: the view says so
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def answer(request, status: int, message: str) -> HttpResponse:
    """The refusal in the shape of the surface asked: problem JSON, Isso's plain text, or a page."""
    if request.path.startswith("/api/"):
        return problem(status, message)
    if request.path.startswith("/isso/"):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    title = "Request too large" if status == 413 else "Bad request"
    return render(request, "rostra/error.html", {"title": title, "message": message}, status=status)
