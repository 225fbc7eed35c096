"""Error pages in Rostra's own look: short, plain words, never a traceback."""

from django.shortcuts import render
from django.urls import Resolver404, resolve


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
    return _page(request, 500, "Something went wrong",
                 "Rostra could not answer this request. Nothing you posted was lost.")


EXPIRED = (
    "This page had been open too long (or your browser blocked its cookie), so the form could not "
    "be accepted. Your text is below: press the button again to send it."
)


def csrf_failure(request, reason=""):
    """A refused form comes back with everything the reader typed, ready to send again."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name in ("articles:post-comment", "discussion:edit"):
        from rostra.discussion.views.resubmit import form_again_after_csrf_failure

        response = form_again_after_csrf_failure(request, match, EXPIRED)
        if response is not None:
            return response
    return _page(request, 403, "Form expired", EXPIRED.replace(" Your text is below: press the "
                 "button again to send it.", " Go back, reload the page and try again."))
