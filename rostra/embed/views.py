"""The embedded discussion: the loader script, its stylesheet, thread fragments, and the no-JS way in.

A host page's loader (`/embed.js`) fetches a thread as an HTML fragment rendered by the same templates
as Rostra's own pages and shows it in a shadow root; writes go through the JSON API. Fragments are
cached by the thread's version and revalidated with ETags.
"""

import hashlib
from functools import cache
from importlib.resources import files

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from rostra.articles.external import find_thread, get_or_create_thread
from rostra.core.errors import Refused
from rostra.core.http import conditional_response
from rostra.discussion.models import Comment
from rostra.discussion.queries import (
    access_comment,
    get_comment_page_number,
    get_subthread,
    get_thread_page,
)
from rostra.discussion.views.common import SORT_CHOICES, new_comment_form
from rostra.sites.models import Site
from rostra.sites.queries import find_site


@cache
def _asset(name: str) -> tuple[bytes, str]:
    body = files("rostra.embed").joinpath("static", "embed", name).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@cache
def _stylesheet() -> tuple[bytes, str]:
    """embed.css (the shadow root's own rules) followed by the discussion rules Rostra's pages use."""
    host = files("rostra.embed").joinpath("static", "embed", "embed.css").read_bytes()
    discussion = files("rostra.core").joinpath("static", "rostra", "discussion.css").read_bytes()
    body = host + b"\n" + discussion
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _static_response(request, body: bytes, etag: str, content_type: str) -> HttpResponse:
    response = conditional_response(request, etag, lambda: body, content_type=content_type,
                                    cache_control="public, max-age=300")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def loader(request):
    body, etag = _asset("embed.js")
    return _static_response(request, body, etag, "text/javascript; charset=utf-8")


@require_GET
def stylesheet(request):
    body, etag = _stylesheet()
    return _static_response(request, body, etag, "text/css; charset=utf-8")


def stylesheet_version() -> str:
    return _stylesheet()[1].strip('"')


def _whole_number(value: str | None) -> int | None:
    """A positive id or page number from a query string, or None (digits only, within an id's range)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value) or None
    return None


def _site(request) -> Site:
    site = find_site(request.GET.get("site", ""))
    if site is None:
        raise Http404("No such site.")
    return site


def _fragment(request, template, context, *, etag_parts) -> HttpResponse:
    tag = hashlib.sha1("|".join(map(str, etag_parts)).encode()).hexdigest()[:16]
    return conditional_response(
        request, f'"e{tag}"', lambda: render_to_string(template, context, request=request),
        content_type="text/html; charset=utf-8", cache_control="no-cache",
    )


def _embed_context(request, site, url, thread) -> dict:
    return {
        "embed": True,
        "site": site,
        "host_url": url.split("#")[0],
        "base_url": request.build_absolute_uri("/").rstrip("/"),
        "css_version": stylesheet_version(),
        "article": thread,
        "sort_choices": SORT_CHOICES,
        "editable_ids": set(),
        "my_votes": {},
        "form": new_comment_form(request),
    }


@require_GET
def thread_fragment(request):
    """GET /embed/thread?site=S&url=U[&sort=][&page=][&focus=ID]: the discussion of a host page."""
    site = _site(request)
    url = request.GET.get("url", "")
    thread = find_thread(site, url)
    context = _embed_context(request, site, url, thread)
    sort = request.GET.get("sort", "oldest")
    number = _whole_number(request.GET.get("page")) or 1
    focus = _whole_number(request.GET.get("focus"))
    if thread is not None and focus:
        comment = Comment.objects.filter(pk=focus, thread=thread).first()
        if comment is not None:
            sort, number = "oldest", get_comment_page_number(comment)
    page = get_thread_page(thread, sort=sort, number=number) if thread else None
    context["page"] = page
    version = thread.version if thread else 0
    return _fragment(request, "embed/thread.html", context,
                     etag_parts=(site.pk, site.timezone, url, version, sort, number,
                                 context["css_version"]))


@require_GET
def subthread_fragment(request, comment_id):
    """GET /embed/comments/ID/thread?url=U[&after=]: a sub-thread ("Continue this thread")."""
    comment = access_comment(comment_id)
    site = comment.thread.site
    url = request.GET.get("url", "") or comment.thread.url
    root, next_after = get_subthread(comment, after=request.GET.get("after", "")[:2000])
    context = _embed_context(request, site, url, comment.thread)
    context.update(root=root, next_after=next_after, focus=comment)
    return _fragment(request, "embed/subthread.html", context,
                     etag_parts=(comment.pk, url, comment.thread.version, request.GET.get("after", ""),
                                 context["css_version"]))


@require_GET
def discuss(request):
    """The no-JavaScript way in: Rostra's own page for a host page's discussion (started on the way)."""
    try:
        site = _site(request)
        thread = get_or_create_thread(site, request.GET.get("url", ""), request.GET.get("title", ""))
    except (Http404, Refused) as problem:
        message = getattr(problem, "message", "There is no such site.")
        return render(request, "rostra/error.html",
                      {"title": "No discussion here", "message": message}, status=404)
    return HttpResponseRedirect(thread.get_absolute_url())
