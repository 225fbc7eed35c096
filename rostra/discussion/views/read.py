"""Permalinks and sub-thread pages."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rostra.discussion.queries import access_comment, get_subthread
from rostra.discussion.views.common import comment_location, reader_votes, walk
from rostra.identity.guests import editable_comment_ids


@require_GET
def permalink(request, comment_id):
    return HttpResponseRedirect(comment_location(access_comment(comment_id)))


@require_GET
def subthread(request, comment_id):
    comment = access_comment(comment_id)
    root, next_after = get_subthread(comment, after=request.GET.get("after", ""))
    context = {
        "article": comment.thread,
        "site": comment.thread.site,
        "focus": comment,
        "root": root,
        "next_after": next_after,
        "continued": bool(request.GET.get("after")),
        "editable_ids": editable_comment_ids(request),
        "my_votes": reader_votes(request, [node.pk for node in walk([root])]),
    }
    return render(request, "discussion/subthread.html", context)


@require_GET
def nothing(request):
    """An empty answer, for htmx controls that only remove something (a reply form's Cancel)."""
    return HttpResponse("")
