"""RFC 9457 problem details: every API error is `application/problem+json` naming what went wrong."""

import json

from django.http import HttpResponse

TITLES = {
    400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 413: "Request too large",
    415: "Unsupported media type", 422: "Invalid input", 429: "Too many requests",
    500: "Server error", 503: "Service unavailable",
}


def problem(status: int, detail: str, *, errors: list[dict] | None = None, **extra) -> HttpResponse:
    """A problem response. `errors` lists `{"field": …, "message": …}` for input at fault."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    if errors:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/problem+json"
    )
