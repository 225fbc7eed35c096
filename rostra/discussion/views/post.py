"""Posting a comment or a reply: a form POST that redirects to the new comment, or htmx inline."""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from rostra.articles.queries import access_article
from rostra.core.errors import Refused
from rostra.core.ratelimits import RateLimited, check_rate
from rostra.discussion.create import check_can_reply
from rostra.discussion.forms import CommentForm
from rostra.discussion.queries import access_live_comment, shown_comments
from rostra.discussion.views.common import (
    comment_location,
    new_comment_form,
    remember_author,
    thread_context,
)
from rostra.identity.guests import author_key, remember_edit_token
from rostra.sites.queries import get_request_site


@require_POST
@vary_on_headers("HX-Request")
def post_comment(request, slug):
    article = access_article(get_request_site(request), slug)
    form = CommentForm(request.POST, parent_id=request.POST.get("parent", "")[:20])
    if form.is_valid() and form.check_sent_by_a_person():
        try:
            check_rate(request, "comment.create", thread=article.pk,
                       author=author_key(request, name=form.cleaned_data["author_name"]))
            result = form.save(article, request)
        except RateLimited as refusal:
            form.add_error(None, refusal.message + " Your text is kept below.")
            return over_the_limit(request, form_again(request, article, form), refusal)
        except Refused as refusal:
            form.add_error("body" if refusal.field == "parent" else refusal.field, refusal.message)
        else:
            return _posted(request, article, form, result)
    return form_again(request, article, form)


def over_the_limit(request, response, refusal: RateLimited):
    """A form refused for a rate limit: 429 with Retry-After (htmx, which swaps only 2xx answers,
    gets the form in place as for any other refusal, with the same header)."""
    if not request.htmx:
        response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _posted(request, article, form, result):
    comment = result.comment
    if not result.created:
        # Stored before (a form sent twice, or again after Back): show where it is, with a word why.
        # Inline, the fragment would add a second copy to a page that may already show it.
        messages.info(request, "That comment was already posted; here it is.")
        location = comment_location(comment)
        response = HttpResponseClientRedirect(location) if request.htmx else HttpResponseRedirect(location)
    elif request.htmx:
        author = {k: form.cleaned_data[k] for k in ("author_name", "author_email", "author_website")}
        context = {
            "article": article,
            "site": article.site,
            "comment": comment,
            "editable_ids": {comment.pk} if result.is_callers else set(),
            "parent": comment.parent,
            "form": CommentForm(initial=author),
            "newest_first": _sorted_newest_first(request),
            "fresh_count": type(article).objects.get(pk=article.pk).comment_count,
        }
        response = render(request, "discussion/posted.html", context)
        if context["newest_first"]:
            reswap(response, "afterbegin")
    else:
        response = HttpResponseRedirect(comment_location(comment))
    if result.is_callers:
        remember_edit_token(response, comment)
    remember_author(response, form.cleaned_data)
    return response


def _sorted_newest_first(request) -> bool:
    """Whether the page the reader posts from lists newest first (new comments then go on top)."""
    query = urlsplit(request.htmx.current_url or "").query
    return parse_qs(query).get("sort", [""])[0] == "newest"


def form_again(request, article, form):
    """The form with its errors and everything the reader typed, where they typed it."""
    parent = _replied_to(form, article)
    context = {"form": form, "article": article, "site": article.site, "parent": parent}
    if request.htmx:
        context["newest_first"] = _sorted_newest_first(request)
        partial = "discussion/reply.html#reply-form" if parent else "articles/article.html#comment-form"
        response = render(request, partial, context)
        return reswap(retarget(response, f"#{_form_id(parent)}"), "outerHTML")
    if parent is not None:
        return render(request, "discussion/reply.html", context, status=400)
    context = thread_context(request, article, form=form)
    return render(request, "articles/article.html", context, status=400)


def _replied_to(form, article):
    """The comment the reader was answering, if it is still on this article's page to show."""
    try:
        parent_id = int(form.data.get("parent") or 0)
    except (TypeError, ValueError):
        return None
    if parent_id <= 0:
        return None
    return shown_comments().filter(pk=parent_id, thread=article).first()


def _form_id(parent) -> str:
    return f"reply-form-c{parent.pk}" if parent else "comment-form"


@require_GET
@vary_on_headers("HX-Request")
def reply_form(request, comment_id):
    parent = access_live_comment(comment_id)
    article = parent.thread
    context = {"form": new_comment_form(request, parent=parent), "article": article,
               "parent": parent}
    try:
        check_can_reply(parent, article)
    except Refused as refusal:
        context["refusal"] = refusal.message
    if request.htmx:
        return render(request, "discussion/reply.html#reply-form", context)
    return render(request, "discussion/reply.html", context)
