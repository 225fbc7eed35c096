"""Error pages in Rostra's own look: short, plain words, never a traceback."""

import sys

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from rostra.api.problems import problem
from rostra.core.errors import Unavailable, database_unavailable


def _page(request, status, title, message):
    return render(
        request, "rostra/error.html", {"title": title, "message": message}, status=status
    )


def not_found(request, exception=None):
    return _page(request, 404, "Not found", "There is nothing at this address.")


def bad_request(request, exception=None):
    return _page(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request, exception=None):
    return _page(request, 403, "Not allowed", "You are not allowed to do that here.")


def server_error(request):
    """Django's handler for an uncaught exception (still being handled, so sys.exc_info names it)."""
    outage = database_unavailable(sys.exc_info()[1])
    if outage is not None:
        return unavailable(request, outage)
    return _page(request, 500, "Something went wrong",
                 "Rostra could not answer this request. Nothing you posted was lost.")


def unavailable(request, outage: Unavailable) -> HttpResponse:
    """503 when the database cannot take a write (disk full, read-only, locked), in the shape of the
    surface asked: problem JSON for the JSON API, Isso's plain text for its API, and for Rostra's
    own forms the form again with everything the reader typed."""
    if request.path.startswith("/api/"):
        response = problem(503, outage.message)
    elif request.path.startswith("/isso/"):
        response = HttpResponse(outage.message, status=503, content_type="text/plain; charset=utf-8")
    else:
        response = _form_again(request, outage.message, 503) or _page(
            request, 503, "Try again later", outage.message)
    response["Retry-After"] = str(outage.retry_after)
    return response


def _form_again(request, message: str, status: int):
    """A posted comment or edit form, shown again with the reader's text and `message` (or None)."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name not in ("articles:post-comment", "discussion:edit"):
        return None
    from rostra.discussion.views.resubmit import form_again_with_message

    return form_again_with_message(request, match, message, status=status)


EXPIRED = (
    "This page had been open too long (or your browser blocked its cookie), so the form could not "
    "be accepted. Your text is below: press the button again to send it."
)


def csrf_failure(request, reason=""):
    """A refused form comes back with everything the reader typed, ready to send again."""
    response = _form_again(request, EXPIRED, 403)
    if response is not None:
        return response
    return _page(request, 403, "Form expired", EXPIRED.replace(" Your text is below: press the "
                 "button again to send it.", " Go back, reload the page and try again."))
