"""A guest's own comment: edit or delete it within the edit window, holding its signed token."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from rostra.core.errors import Refused
from rostra.core.ratelimits import RateLimited, check_rate
from rostra.discussion.edit import delete_comment, edit_comment
from rostra.discussion.forms import EditForm
from rostra.discussion.queries import access_live_comment
from rostra.discussion.views.common import comment_location, reader_votes
from rostra.identity.guests import author_key, forget_edit_token, request_can_edit, why_cannot_edit


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def edit(request, comment_id):
    comment = access_live_comment(comment_id)
    allowed = request_can_edit(request, comment)
    status = 200
    retry_after = None
    if request.method == "GET":
        form = EditForm(initial={"body": comment.body_source})
    else:
        form = EditForm(request.POST)
        if allowed and form.is_valid():
            try:
                check_rate(request, "comment.edit", author=editor_key(request, comment))
                edit_comment(comment, body=form.cleaned_data["body"])
            except RateLimited as refusal:
                form.add_error(None, refusal.message + " Your text is kept below.")
                status = 429
                retry_after = refusal.retry_after
            except Refused as refusal:
                form.add_error("body", refusal.message)
            else:
                return _done(request, comment)
        status = 400 if status == 200 else status
    refusal = None
    if not allowed:
        kept = " Your text is kept below." if request.method == "POST" else ""
        refusal = why_cannot_edit(comment) + kept
        status = 403
    context = {"comment": comment, "form": form, "article": comment.thread, "allowed": allowed,
               "site": comment.thread.site, "refusal": refusal}
    if request.htmx:
        # htmx swaps only 2xx answers: the form comes back in place, its message inside it.
        response = render(request, "discussion/edit.html#edit-form", context)
    else:
        response = render(request, "discussion/edit.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def editor_key(request, comment) -> str:
    """Who edits, for the per-author limit: the account, else whoever holds this comment's token."""
    return author_key(request) or f"comment:{comment.pk}"


def _done(request, comment):
    comment.refresh_from_db()
    if request.htmx:
        context = {"node": None, "comment": comment, "editable_ids": {comment.pk},
                   "article": comment.thread, "site": comment.thread.site,
                   "my_votes": reader_votes(request, [comment.pk])}
        return render(request, "discussion/comment.html#comment-main", context)
    return HttpResponseRedirect(comment_location(comment))


@require_http_methods(["GET", "POST"])
def delete(request, comment_id):
    comment = access_live_comment(comment_id)
    allowed = request_can_edit(request, comment)
    if request.method == "POST" and allowed:
        try:
            check_rate(request, "comment.edit", author=editor_key(request, comment))
        except RateLimited as refusal:
            context = {"comment": comment, "article": comment.thread, "allowed": True,
                       "refusal": refusal.message}
            response = render(request, "discussion/delete.html", context, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        delete_comment(comment)
        response = HttpResponseRedirect(comment.thread.get_absolute_url() + "#comments")
        forget_edit_token(response, comment)
        return response
    context = {"comment": comment, "article": comment.thread, "allowed": allowed,
               "refusal": None if allowed else why_cannot_edit(comment)}
    return render(request, "discussion/delete.html", context, status=200 if allowed else 403)
