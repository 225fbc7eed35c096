"""After a refused form (expired CSRF cookie, a database that cannot take writes), show it again with
the reader's text and a fresh token."""

from django.http import Http404
from django.shortcuts import render

from rostra.articles.queries import access_article
from rostra.discussion.forms import CommentForm, EditForm
from rostra.discussion.queries import access_comment
from rostra.discussion.views.post import form_again
from rostra.sites.queries import get_request_site


def form_again_with_message(request, match, message: str, *, status: int):
    try:
        if match.view_name == "articles:post-comment":
            article = access_article(get_request_site(request), match.kwargs["slug"])
            form = CommentForm(request.POST, parent_id=request.POST.get("parent", "")[:20])
            form.is_valid()
            form.add_error(None, message)
            response = form_again(request, article, form)
        else:
            comment = access_comment(match.kwargs["comment_id"])
            form = EditForm(request.POST)
            form.is_valid()
            form.add_error(None, message)
            context = {"comment": comment, "form": form, "article": comment.thread,
                       "allowed": True, "site": comment.thread.site}
            response = render(request, "discussion/edit.html", context)
    except Http404:
        return None
    response.status_code = status
    return response
