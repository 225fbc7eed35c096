"""HTTP helpers shared by the API and the embed: conditional GETs."""

from collections.abc import Callable

from django.http import HttpResponse


def not_modified(request, etag: str) -> bool:
    """Whether the client's If-None-Match (a list, weak validators, or *) matches `etag`."""
    tags = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    return etag in tags or f"W/{etag}" in tags or "*" in tags


def conditional_response(request, etag: str, body: Callable[[], str | bytes], *, content_type: str,
                         cache_control: str) -> HttpResponse:
    """304 when the client already holds `etag`; else the body, computed only then."""
    if not_modified(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body(), content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response
