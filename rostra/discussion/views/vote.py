"""Up and down votes: a form POST that returns to the comment, or the vote box swapped by htmx."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from rostra.core.errors import Refused
from rostra.core.ratelimits import RateLimited, check_rate
from rostra.discussion.queries import access_comment
from rostra.discussion.views.common import comment_location
from rostra.discussion.vote import cast_vote
from rostra.identity.guests import address_key, author_key, reader_key, remember_reader

VALUES = {"up": 1, "down": -1}


@require_POST
@vary_on_headers("HX-Request")
def vote(request, comment_id):
    comment = access_comment(comment_id)
    value = VALUES.get(request.POST.get("value", ""))
    if value is None:
        return HttpResponse("A vote is 'up' or 'down'.", status=400, content_type="text/plain")
    key, new_reader_cookie = reader_key(request)
    try:
        check_rate(request, "comment.vote", author=author_key(request))
        tally = cast_vote(comment, voter_key=key, value=value, toggle=True,
                          address_key=address_key(request))
    except Refused as refusal:
        response = HttpResponse(refusal.message, status=refusal.status, content_type="text/plain")
        if isinstance(refusal, RateLimited):
            response["Retry-After"] = str(refusal.retry_after)
        return response
    if request.htmx:
        comment.refresh_from_db(fields=["upvotes", "downvotes", "score"])
        response = render(
            request, "discussion/comment.html#votes",
            {"comment": comment, "my_votes": {comment.pk: tally.mine}},
        )
    else:
        response = HttpResponseRedirect(comment_location(comment))
    if new_reader_cookie:
        remember_reader(response, new_reader_cookie)
    return response
