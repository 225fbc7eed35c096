"""Isso 0.14's endpoints, answered by Rostra's verbs and queries.

Every write goes through the verbs the rest of Rostra uses (create_comment through CommentForm,
edit_comment, delete_comment, cast_vote); this module only translates Isso's parameters, cookies,
status codes and JSON.
"""

import hashlib
import json
import math
import mimetypes
import re
import time
from dataclasses import replace
from functools import wraps
from http.cookies import SimpleCookie
from importlib import resources
from urllib.parse import urlsplit

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rostra.api.isso.present import encode_json, isso_comment
from rostra.api.isso.queries import FetchQuery, fetch_thread, listed_replies, live_comments
from rostra.articles.external import find_thread, get_or_create_thread, normalise_url
from rostra.articles.models import Article
from rostra.core.app_settings import app_settings
from rostra.core.converters import MAX_ID
from rostra.core.errors import Refused
from rostra.core.fragments import cached_text
from rostra.core.markup import render_markdown
from rostra.core.ratelimits import RateLimited, check_rate
from rostra.core.replay import replayable
from rostra.core.rows import Rows
from rostra.discussion.edit import delete_comment, edit_comment
from rostra.discussion.forms import CommentForm
from rostra.discussion.models import Comment
from rostra.discussion.vote import cast_vote
from rostra.identity.guests import (
    address_key,
    author_key,
    can_edit_comment,
    make_edit_token,
    why_cannot_edit,
)
from rostra.sites.models import Site
from rostra.sites.origins import origin_may_write
from rostra.sites.queries import find_site, get_request_site

ISSO_VERSION = "0.14.0"  # the Isso release whose API this answers
CLIENT_FILES = {
    "js": {"embed.min.js", "embed.dev.js", "count.min.js", "count.dev.js",
           "embed.dev.js.map", "count.dev.js.map"},
    "css": {"isso.css"},
}
LATEST_LIMIT = 100
MAX_PAGE = 1000  # most comments one GET / lists at each level, whatever `limit` asks for
MAX_OFFSET = 10**6
FEED_LIMIT = 100
MAX_TEXT = 65535  # Isso's own limit; Rostra's (ROSTRA_MAX_BODY_LENGTH) is checked by the form


class IssoError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def isso_endpoint(*methods):
    """An Isso view: for the site in the URL (or the request's site), with Isso's error classes,
    a Date header (Isso's client corrects its clock by it) and no CSRF token (Isso's own guard, JSON
    bodies from allowed origins only, is applied by `read_json` and `check_write`)."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        @wraps(view)
        def wrapper(request, site_slug=None, **kwargs):
            try:
                site = _site(request, site_slug)
                response = view(request, site, **kwargs)
            except IssoError as exc:
                response = _message(exc.status, exc.message)
            except RateLimited as exc:  # Isso has no rate limits of its own; its client shows the text
                response = _message(429, exc.message)
                response["Retry-After"] = str(exc.retry_after)
            except Refused as exc:
                response = _message(_status(exc.status), exc.message)
            except Http404 as exc:
                response = _message(404, str(exc) or "Not found.")
            response["Date"] = http_date()
            return response

        return wrapper

    return decorate


def _site(request, slug: str | None) -> Site:
    if slug is None:
        return get_request_site(request)
    site = find_site(slug)
    if site is None:
        raise Http404(f"There is no site {slug!r}.")
    return site


def _status(status: int) -> int:
    """Isso answers what Rostra refuses as 400 (bad input), 403 (not allowed) or 404."""
    if status in (403, 404, 413, 429):
        return status
    return 403 if status == 401 else 400


def _message(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False)


# ---- requests ------------------------------------------------------------------------------------

def read_json(request):
    """The JSON body of a write. Like Isso, refuse (403) a body a cross-site form could have sent."""
    content_type = request.content_type or ""
    if content_type and not content_type.startswith("application/json"):
        raise IssoError(403, "CSRF: send the request body as application/json.")
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise IssoError(400, "The request body is not valid JSON.") from None


def check_write(request, site: Site) -> None:
    if not origin_may_write(request, site):
        raise IssoError(403, f"Comments for {site.name} cannot be sent from "
                             f"{request.headers.get('Origin')}.")


def thread_url(site: Site, uri: str) -> str | None:
    if uri.startswith(("http://", "https://")):
        return uri
    if not site.base_url:
        return None
    return site.base_url + (uri if uri.startswith("/") else "/" + uri)


def thread_for(site: Site, uri: str) -> Article | None:
    url = thread_url(site, uri)
    return find_thread(site, url) if url else None


def thread_uri(site: Site, thread: Article) -> str:
    """The Isso `uri` of a thread: its path when it is on the site's base, else its URL."""
    base = site.base_url
    if base and thread.url.startswith(base.lower() + "/"):
        return thread.url[len(base):]
    return thread.url


def required(request, name: str) -> str:
    if name not in request.GET:
        raise IssoError(400, f"missing {name} query")
    return request.GET[name]


def integer(request, name: str, default=None, *, minimum: int = -MAX_ID,
            maximum: int = MAX_ID) -> int | None:
    """An integer query parameter within [minimum, maximum] (by default what 64 bits hold: every
    number an answer echoes must fit its JSON encoder and the database), or Isso's 400."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise IssoError(400, f"{name} should be integer") from None
    if value < minimum:
        raise IssoError(400, f"{name} should not be below {minimum}")
    if value > maximum:
        raise IssoError(400, f"{name} should not be above {maximum}")
    return value


def page_size(request, name: str, *, minimum: int = -(2**200)) -> int | None:
    """A `limit` or `nested_limit`: any size may be asked for; more than MAX_PAGE is taken as MAX_PAGE
    (Isso's client then offers "N more" for the rest, as it does for any limit)."""
    value = integer(request, name, minimum=minimum, maximum=2**200)
    return min(value, MAX_PAGE) if value is not None else None


def verify_comment(data, *, new: bool) -> dict:
    """Isso's own checks on a submitted comment, before Rostra's form checks its own."""
    if not isinstance(data, dict):
        raise IssoError(400, "The request body must be a JSON object.")
    if data.get("text") is None:
        raise IssoError(400, "text is missing")
    if new and not isinstance(data.get("parent"), (int, type(None))) or isinstance(data.get("parent"), bool):
        raise IssoError(400, "parent must be an integer or null")
    for key in ("text", "author", "website", "email", "title"):
        if not isinstance(data.get(key), (str, type(None))):
            raise IssoError(400, f"{key} must be a string or null")
    if len(data["text"].rstrip()) < 3:
        raise IssoError(400, "text is too short (minimum length: 3)")
    if len(data["text"]) > MAX_TEXT:
        raise IssoError(400, f"text is too long (maximum length: {MAX_TEXT})")
    if len(data.get("email") or "") > 254:
        raise IssoError(400, "email is too long (maximum length: 254)")
    if len(data.get("website") or "") > 254:
        raise IssoError(400, "website is too long (maximum length: 254)")
    return data


def form_errors(form) -> IssoError:
    messages = [str(m) for messages in form.errors.values() for m in messages]
    return IssoError(400, " ".join(messages))


# ---- edit cookies --------------------------------------------------------------------------------

def _cookie_string(name: str, value: str, *, max_age: int, path: str, secure: bool) -> str:
    jar = SimpleCookie()
    jar[name] = value
    morsel = jar[name]
    morsel["max-age"] = max_age
    morsel["expires"] = http_date(time.time() + max_age) if max_age else http_date(0)
    morsel["path"] = path
    morsel["samesite"] = "None" if secure else "Lax"
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


def give_edit_cookies(request, response, comment: Comment | None, comment_id: int) -> None:
    """Isso's cookie pair: `<id>` for Rostra (sent back on edits and deletes) and, through the
    X-Set-Cookie header, `isso-<id>` for the page, which Isso's client reads to show its edit and
    delete buttons. Without a comment, both are expired."""
    secure = request.is_secure()
    value = make_edit_token(comment, bound_to_text=True) if comment else ""
    max_age = 0
    if comment is not None:  # the window runs from posting: an edit does not open it again
        age = (timezone.now() - comment.created).total_seconds()
        max_age = max(0, math.ceil(app_settings.EDIT_WINDOW_SECONDS - age))
    response.set_cookie(str(comment_id), value, max_age=max_age, path="/isso/", secure=secure,
                        httponly=True, samesite="None" if secure else "Lax")
    response["X-Set-Cookie"] = _cookie_string(f"isso-{comment_id}", value, max_age=max_age, path="/",
                                              secure=secure)


def authors_comment(request, site: Site, comment_id: int, *, cookie_first: bool) -> Comment:
    """The comment the request's edit cookie is for. 404 if there is no such comment, 403 without
    the cookie (or with one for other words: the text changed since it was given) or after the edit
    window. Isso looks at the cookie before the comment on writes, and after it on reads."""
    token = request.COOKIES.get(str(comment_id))
    if cookie_first and not token:
        raise IssoError(403, "Only the browser that posted this comment can change it.")
    comment = Comment.objects.select_related("thread__site").filter(
        pk=comment_id, thread__site=site).first()
    if comment is None:
        raise IssoError(404, "No such comment.")
    if not token:
        raise IssoError(403, "Only the browser that posted this comment can change it.")
    if not can_edit_comment(comment, token=token):
        raise IssoError(403, why_cannot_edit(comment) if comment.state == Comment.State.VISIBLE
                        else "This comment can no longer be changed.")
    return comment


# ---- reading -------------------------------------------------------------------------------------

@isso_endpoint("GET", "HEAD")
def fetch(request, site):
    uri = required(request, "uri")
    sort = request.GET.get("sort") or "oldest"
    if sort not in ("newest", "oldest", "upvotes"):
        raise IssoError(400, "Invalid sort option. Must be one of: 'newest', 'oldest', 'upvotes'")
    try:
        after = float(request.GET.get("after") or 0)
    except ValueError:
        raise IssoError(400, "after should be a number (seconds since 1970)") from None
    query = FetchQuery(
        parent=integer(request, "parent"),
        limit=page_size(request, "limit", minimum=0),
        nested_limit=page_size(request, "nested_limit"),
        offset=integer(request, "offset", 0, minimum=0, maximum=MAX_OFFSET),
        after=after if after == after else 0.0,  # NaN counts as none
        sort=sort,
        plain=request.GET.get("plain", "0") != "0",
    )
    if query.nested_limit is not None and query.nested_limit < 0:
        query = replace(query, nested_limit=0)
    thread = thread_for(site, uri)
    if thread is None:
        body = encode_json({**fetch_thread(None, query), "config": public_config(site)})
    else:
        replayable(request, thread)
        tag = hashlib.sha1(repr(query).encode()).hexdigest()[:16]
        key = f"rostra:isso:{thread.pk}:{thread.version}:{tag}"
        body = cached_text(key, lambda: encode_json({**fetch_thread(thread, query),
                                                    "config": public_config(site)}))
    return HttpResponse(body, content_type="application/json")


@isso_endpoint("POST")
def counts(request, site):
    data = read_json(request)
    if not isinstance(data, list) or not all(isinstance(uri, str) for uri in data):
        raise IssoError(400, "JSON must be a list of URLs")
    if len(data) > 1000:
        raise IssoError(400, "Ask for at most 1,000 counts at once.")
    check_rate(request, "thread.count")
    keys = []
    for uri in data:
        try:
            url = thread_url(site, uri)
            keys.append(normalise_url(url) if url else None)
        except ValueError:
            keys.append(None)
    found = dict(Article.objects.filter(site=site, url__in=[k for k in keys if k])
                 .values_list("url", "comment_count"))
    return _json([found.get(key, 0) if key else 0 for key in keys])


# Characters XML 1.0 cannot carry: a feed is refused by Django's writer (and by readers) if a
# page address, title, name or comment holds one, so they are left out of it.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(text: str) -> str:
    return NOT_XML.sub("", text)


@isso_endpoint("GET", "HEAD")
def feed(request, site):
    uri = required(request, "uri")
    limit = integer(request, "limit", FEED_LIMIT, minimum=1, maximum=2**200)
    thread = thread_for(site, uri)
    base = site.base_url or request.build_absolute_uri("/").rstrip("/")
    page = thread.url if thread else thread_url(site, uri) or uri
    atom = Atom1Feed(
        title=_xml(f"Comments on {thread.title if thread else uri}"),
        link=_xml(page),
        description="",
        feed_url=_xml(request.build_absolute_uri()),
        id=_xml(f"tag:{urlsplit(base).hostname or 'rostra'},2018:/isso/thread{uri}"),
    )
    newest = live_comments().filter(thread=thread).order_by("-id") if thread else Comment.objects.none()
    for item in newest[: min(limit, FEED_LIMIT)]:
        atom.add_item(
            title=f"Comment #{item.pk}",
            link=_xml(f"{page}#isso-{item.pk}"),
            description=_xml(item.body_html),
            author_name=_xml(item.author_name),
            pubdate=item.created,
            updateddate=item.edited or item.created,
            unique_id=request.build_absolute_uri(item.get_absolute_url()),
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response


@isso_endpoint("GET", "HEAD")
def latest(request, site):
    try:
        limit = int(request.GET["limit"])
    except (KeyError, ValueError):
        limit = 0
    if limit <= 0:
        raise IssoError(400, "Query parameter 'limit' is mandatory (integer, >0)")
    newest = list(
        live_comments().select_related("thread").filter(thread__site=site)
        .order_by("-created", "-id")[: min(limit, LATEST_LIMIT)]
    )
    result = []
    for comment in reversed(newest):
        item = isso_comment(comment, with_hash=False)
        del item["notification"]
        item["uri"] = thread_uri(site, comment.thread)
        result.append(item)
    return _json(result)


@isso_endpoint("GET", "HEAD")
def config(request, site):
    return _json({"config": public_config(site)})


def public_config(site: Site) -> dict:
    return {
        "reply-to-self": True,
        "require-email": False,
        "require-author": True,  # Rostra asks every commenter for a name (any name)
        "reply-notifications": False,
        "gravatar": False,
        "feed": True,
    }


@isso_endpoint("GET", "HEAD")
def info(request, site):
    return _json({
        "version": f"{ISSO_VERSION}+rostra",
        "host": request.build_absolute_uri(request.path.rsplit("/info", 1)[0] + "/").rstrip("/"),
        "origin": site.base_url,
        "moderation": False,
    })


@isso_endpoint("POST")
def preview(request, site):
    data = read_json(request)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise IssoError(400, "no text given")
    return _json({"text": render_markdown(data["text"][:MAX_TEXT])})


# ---- writing -------------------------------------------------------------------------------------

@isso_endpoint("POST")
def new(request, site):
    uri = required(request, "uri")
    data = verify_comment(read_json(request), new=True)
    check_write(request, site)
    url = thread_url(site, uri)
    if url is None:
        raise IssoError(400, f"{site.name} has no address yet: give it an origin or a domain "
                             "(rostra createsite --origin …) so that page paths can be found.")
    thread = get_or_create_thread(site, url, data.get("title") or "")
    form = CommentForm({
        "author_name": data.get("author") or "",
        "author_email": data.get("email") or "",
        "author_website": data.get("website") or "",
        "body": data["text"],
        "parent": _reply_target(thread, data.get("parent")) or "",
    })
    if not form.is_valid():
        raise form_errors(form)
    check_rate(request, "comment.create", thread=thread.pk,
               author=lambda: author_key(request, name=form.cleaned_data["author_name"]))
    result = form.save(thread, request)
    if not result.is_callers:
        raise IssoError(400, "This comment has already been posted (same name, same words, moments ago).")
    comment = result.comment
    status = 202 if comment.state == Comment.State.PENDING else 201
    response = _json(isso_comment(comment), status)
    give_edit_cookies(request, response, comment, comment.pk)
    return response


def _reply_target(thread: Article, parent) -> int | None:
    """Isso's rule for `parent`: one that is not in this thread makes a top-level comment."""
    if parent in (None, 0):
        return None
    if not 0 < parent < 2**63:
        return None
    exists = PARENTS.values('"id" = %s AND "thread_id" = %s', (parent, thread.pk))
    return parent if exists else None


PARENTS = Rows(Comment, ("id",))  # plain SQL on the write path (see rostra.core.rows)


@isso_endpoint("GET", "HEAD", "PUT", "DELETE")
def comment(request, site, comment_id):
    """A comment read back for editing, edited or deleted: only with its edit cookie."""
    if request.method == "PUT":
        return edit(request, site, comment_id)
    if request.method == "DELETE":
        return remove(request, site, comment_id)
    target = authors_comment(request, site, comment_id, cookie_first=False)
    return _json(isso_comment(target, plain=request.GET.get("plain", "0") != "0", with_hash=False))


def edit(request, site, comment_id):
    data = read_json(request)
    target = authors_comment(request, site, comment_id, cookie_first=True)
    check_write(request, site)
    check_rate(request, "comment.edit", author=f"comment:{comment_id}")
    data = verify_comment(data, new=False)
    form = CommentForm({
        "author_name": data["author"] if data.get("author") is not None else target.author_name,
        "author_website": (data["website"] if data.get("website") is not None
                           else target.author_website),
        "body": data["text"],
    })
    if not form.is_valid():
        raise form_errors(form)
    edit_comment(target, body=form.cleaned_data["body"], author_name=form.cleaned_data["author_name"],
                 author_website=form.cleaned_data["author_website"])
    target.refresh_from_db()
    response = _json(isso_comment(target, with_hash=False))
    give_edit_cookies(request, response, target, target.pk)
    return response


def remove(request, site, comment_id):
    read_json(request)
    target = authors_comment(request, site, comment_id, cookie_first=True)
    check_write(request, site)
    check_rate(request, "comment.edit", author=f"comment:{comment_id}")
    delete_comment(target)
    target.refresh_from_db()
    kept = target.depth == 0 and listed_replies(target.thread).filter(root_id=target.pk).exists()
    response = _json(isso_comment(target, with_hash=False) if kept else None)
    give_edit_cookies(request, response, None, comment_id)
    return response


@isso_endpoint("POST")
def like(request, site, comment_id):
    return _vote(request, site, comment_id, 1)


@isso_endpoint("POST")
def dislike(request, site, comment_id):
    return _vote(request, site, comment_id, -1)


def _vote(request, site, comment_id, value):
    """One vote per network address and comment, as in Isso; stored as Rostra votes, so they count
    on Rostra's pages too. A second like is answered with the counts and a message, as Isso does."""
    read_json(request)
    check_write(request, site)
    target = live_comments().filter(pk=comment_id, thread__site=site).first()
    if target is None:
        return _json(None, 404)
    address = address_key(request)
    check_rate(request, "comment.vote", author=author_key(request))
    try:
        tally = cast_vote(target, voter_key=f"a:{address}", value=value, address_key=address)
    except Refused as exc:
        target.refresh_from_db()
        return _json({"likes": target.upvotes, "dislikes": target.downvotes, "message": exc.message})
    return _json({"likes": tally.upvotes, "dislikes": tally.downvotes})


# ---- the client's own files ----------------------------------------------------------------------

@isso_endpoint("GET", "HEAD")
def client_file(request, site, folder, name):
    """Isso's client, from the installed `isso` package, for pages that load it from here."""
    if name not in CLIENT_FILES.get(folder, ()):
        raise Http404("Not one of Isso's client files.")
    path = resources.files("isso") / folder / name
    if not path.is_file():
        raise Http404("The installed isso package does not have this file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=f"{content_type}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response

