"""Error pages in Rostra's own look: short, plain words, never a traceback."""

from django.shortcuts import render


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
