"""The public JSON API, v1: threads, comments, votes, counts and preview. Every write calls the verbs."""

import base64
import binascii
import hashlib
import json
import logging
from datetime import timedelta
from typing import Literal

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status

from rostra.api.problems import problem
from rostra.api.v1 import schemas
from rostra.api.v1.serialize import comment_json, node_json, thread_json
from rostra.articles.external import find_thread, get_or_create_thread, normalise_url
from rostra.articles.models import Article
from rostra.core.app_settings import app_settings
from rostra.core.errorpages import unavailable
from rostra.core.errors import Refused, database_unavailable
from rostra.core.fragments import cached_text
from rostra.core.http import conditional_response
from rostra.core.markup import render_markdown
from rostra.core.ratelimits import RateLimited, check_rate
from rostra.core.replay import replayable
from rostra.discussion.edit import delete_comment, edit_comment
from rostra.discussion.forms import CommentForm, EditForm
from rostra.discussion.queries import access_comment, get_subthread, get_thread_slice
from rostra.discussion.vote import cast_vote
from rostra.identity.guests import (
    address_key,
    author_key,
    can_edit_comment,
    make_edit_token,
    reader_key,
    why_cannot_edit,
)
from rostra.sites.models import Site
from rostra.sites.origins import origin_may_write
from rostra.sites.queries import find_site

logger = logging.getLogger(__name__)

class RostraAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The generated document, with errors documented as problem+json and OpenAPI links from a
        created comment to what can follow it (clients and schemathesis's stateful runs use them)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        links = {
            name: {"operationId": op, "parameters": {"comment_id": "$response.body#/id"}}
            for name, op in (("GetComment", "getComment"), ("EditComment", "patchComment"),
                             ("DeleteComment", "deleteComment"), ("VoteComment", "voteComment"),
                             ("GetCommentThread", "getCommentThread"))
        }
        links["ListThreadComments"] = {"operationId": "listComments",
                                       "parameters": {"thread_id": "$response.body#/thread_id"}}
        created = schema["paths"]["/api/v1/comments"]["post"]["responses"][201]
        created["links"] = links
        for path in schema["paths"].values():
            for operation in path.values():
                for status, response in operation["responses"].items():
                    if int(status) >= 400 and "application/json" in response.get("content", {}):
                        content = response["content"]
                        content["application/problem+json"] = content.pop("application/json")
        return schema


api = RostraAPI(
    title="Rostra API",
    version="1",
    description=(
        "Threads, comments, votes and counts for sites that embed Rostra's discussions. "
        "Errors are RFC 9457 problem details (`application/problem+json`). See docs/api.md."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

PROBLEMS = {code: schemas.Problem for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)}
SortName = Literal["oldest", "newest", "best"]


# ---- errors: one shape for all of them ------------------------------------------------------------

@api.exception_handler(ValidationError)
def on_invalid_input(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        errors.append({"field": ".".join(location) or "body", "message": error.get("msg", "invalid")})
    return problem(422, "Some of the input is not valid.", errors=errors)


@api.exception_handler(Refused)
def on_refused(request, exc):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    if isinstance(exc, RateLimited):
        response = problem(429, exc.message, retry_after=exc.retry_after)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return problem(exc.status, exc.message, errors=errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem(404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    detail = str(exc)
    if exc.status_code == 400 and "parse" in detail.lower():
        detail = "The request body is not valid JSON."
    return problem(exc.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return problem(413, "The request body is too large.")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    outage = database_unavailable(exc)
    if outage is not None:  # the server's condition, not the request's fault: try again later
        logger.error("API write refused on %s %s: %s", request.method, request.path, exc)
        return unavailable(request, outage)
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(500, "Rostra could not answer this request. Nothing was changed.")


def form_problem(form) -> HttpResponse:
    errors = [
        {"field": "parent" if field == "parent" else field, "message": str(message)}
        for field, messages in form.errors.items() for message in messages
    ]
    return problem(422, "Some of the input is not valid.", errors=errors)


# ---- helpers -------------------------------------------------------------------------------------

def access_site(slug: str) -> Site:
    site = find_site(slug)
    if site is None:
        raise Refused(f"There is no site {slug!r}.", field="site", status=404)
    return site


def check_origin(request, site: Site) -> None:
    if not origin_may_write(request, site):
        raise Refused(
            f"Comments for {site.name} cannot be sent from {request.headers.get('Origin')}.",
            status=403,
        )


def encode_cursor(sort: str, key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps([sort, *key]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list:
    """The keyset position a cursor names; Refused (400) for one this API did not make."""
    unknown = Refused("That cursor is not one this API made for this sort.", field="cursor", status=400)
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise unknown from None
    shape = {"oldest": [int], "newest": [int], "best": [(int, float), int, int]}[sort]
    if not isinstance(value, list) or len(value) != len(shape) + 1 or value[0] != sort:
        raise unknown
    key = value[1:]
    if not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, shape, strict=True)):
        raise unknown
    return key


def cached_json(request, etag: str, cache_key: str, build) -> HttpResponse:
    """A read answered from the thread-versioned cache, with ETag and 304 for a matching validator."""

    def body() -> bytes:  # orjson: compact UTF-8, a tenth of the json module's time
        return cached_text(cache_key, lambda: orjson.dumps(build(), option=orjson.OPT_NON_STR_KEYS))

    return conditional_response(request, etag, body, content_type="application/json",
                                cache_control="public, no-cache")


def editor_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_author(request, comment) -> None:
    token = editor_token(request)
    user = getattr(request, "user", None)
    if token is None and not (user and user.is_authenticated):
        raise Refused("Send the comment's edit token as `Authorization: Bearer …`.", status=401)
    if not can_edit_comment(comment, user=user, token=token):
        raise Refused(why_cannot_edit(comment), status=403)


# ---- threads --------------------------------------------------------------------------------------

@api.get("/threads", response={200: schemas.ThreadOut, 304: None, **PROBLEMS}, tags=["threads"],
         operation_id="getThread")
def get_thread(request, site: str, url: str):
    """The discussion of the page at `url` on `site` (404 until its first comment)."""
    thread = find_thread(access_site(site), url)
    if thread is None:
        raise Http404("Nobody has commented on that page yet.")
    return cached_json(request, f'"t{thread.pk}-v{thread.version}"',
                       f"rostra:api:thread:{thread.pk}:{thread.version}", lambda: thread_json(thread))


@api.get(
    "/threads/{thread_id}/comments", response={200: schemas.CommentPage, 304: None, **PROBLEMS},
    tags=["threads"], operation_id="listComments",
)
def list_comments(request, thread_id: schemas.Id, sort: SortName = "oldest", cursor: str | None = None):
    """One page of a thread: top-level comments in `sort` order, each with its replies (cut by depth
    and count as on Rostra's own pages). Follow `next_cursor` for the next page."""
    thread = get_object_or_404(Article.objects.select_related("site"), pk=thread_id)
    after = decode_cursor(cursor, sort) if cursor else None
    replayable(request, thread)
    tag = hashlib.sha1(f"{sort}|{cursor}".encode()).hexdigest()[:12]
    etag = f'"t{thread.pk}-v{thread.version}-{tag}"'

    def build():
        page = get_thread_slice(thread, sort=sort, after=after)
        return {
            "thread": thread_json(thread),
            "sort": page.sort,
            "items": [node_json(node) for node in page.nodes],
            "next_cursor": encode_cursor(sort, page.next_key) if page.next_key else None,
        }

    return cached_json(request, etag, f"rostra:api:list:{thread.pk}:{thread.version}:{tag}", build)


# ---- comments -------------------------------------------------------------------------------------

@api.get("/comments/{comment_id}", response={200: schemas.CommentOut, 304: None, **PROBLEMS},
         tags=["comments"], operation_id="getComment")
def get_comment(request, comment_id: schemas.Id):
    """One comment (visible, or deleted and kept as "[deleted]")."""
    comment = access_comment(comment_id)
    etag = f'"c{comment.pk}-v{comment.thread.version}"'
    return cached_json(request, etag, f"rostra:api:comment:{comment.pk}:{comment.thread.version}",
                       lambda: comment_json(comment))


@api.get("/comments/{comment_id}/thread", response={200: schemas.SubThread, 304: None, **PROBLEMS},
         tags=["comments"], url_name="comment_thread", operation_id="getCommentThread")
def get_comment_thread(request, comment_id: schemas.Id, after: str = ""):
    """A comment with the replies below it (for "Continue this thread" and "N more replies")."""
    comment = access_comment(comment_id)
    after = after[:2000]
    tag = hashlib.sha1(after.encode()).hexdigest()[:12]

    def build():
        root, next_after = get_subthread(comment, after=after)
        return {"comment": node_json(root), "next_after": next_after or None}

    version = comment.thread.version
    return cached_json(request, f'"s{comment.pk}-v{version}-{tag}"',
                       f"rostra:api:sub:{comment.pk}:{version}:{tag}", build)


@api.post("/comments", response={201: schemas.CommentCreated, **PROBLEMS}, tags=["comments"],
         operation_id="postComment")
def post_comment(request, payload: schemas.CommentIn):
    """Post a comment (or a reply, with `parent`). The page's thread is created on its first comment
    when the URL is one of the site's pages. The answer holds an `edit_token` for the edit window."""
    site = access_site(payload.site)
    check_origin(request, site)
    form = CommentForm({
        "author_name": payload.author_name, "author_email": payload.author_email,
        "author_website": payload.author_website, "body": payload.body,
        "parent": payload.parent or "",
        "submission": request.headers.get("Idempotency-Key", "")[:64],
    })
    if not form.is_valid():
        return form_problem(form)
    thread = get_or_create_thread(site, payload.url, payload.title)
    check_rate(request, "comment.create", thread=thread.pk, author=lambda: author_key(
        request, name=form.cleaned_data["author_name"],
        reader_id=request.headers.get("X-Rostra-Reader", "")[:100]))
    result = form.save(thread, request)
    if not result.is_callers:
        raise Refused("This comment has already been posted (same name, same words, moments ago).",
                      field="body", status=409)
    comment = result.comment
    expires = comment.created + timedelta(seconds=app_settings.EDIT_WINDOW_SECONDS)
    # The schema's fields from our own dict, written by Django Ninja's renderer as it writes any
    # answer (times as it writes them), without pydantic checking what this function just made.
    created = {**comment_json(comment), "created": comment.created, "edited": comment.edited,
               "edit_token": make_edit_token(comment), "edit_expires": expires}
    return api.create_response(request, created, status=201)


@api.patch("/comments/{comment_id}", response={200: schemas.CommentOut, **PROBLEMS},
           tags=["comments"], operation_id="patchComment")
def patch_comment(request, comment_id: schemas.Id, payload: schemas.CommentEdit):
    """Change a comment's text: its author, within the edit window."""
    comment = access_comment(comment_id)
    check_origin(request, comment.thread.site)
    check_author(request, comment)
    check_rate(request, "comment.edit", author=author_key(request) or f"comment:{comment.pk}")
    form = EditForm({"body": payload.body})
    if not form.is_valid():
        return form_problem(form)
    edit_comment(comment, body=form.cleaned_data["body"])
    comment.refresh_from_db()
    return comment_json(comment)


@api.delete("/comments/{comment_id}", response={204: None, **PROBLEMS}, tags=["comments"],
         operation_id="deleteComment")
def remove_comment(request, comment_id: schemas.Id):
    """Delete a comment: its author, within the edit window. Replies stay under "[deleted]"."""
    comment = access_comment(comment_id)
    check_origin(request, comment.thread.site)
    check_author(request, comment)
    check_rate(request, "comment.edit", author=author_key(request) or f"comment:{comment.pk}")
    delete_comment(comment)
    return Status(204, None)


@api.post("/comments/{comment_id}/vote", response={200: schemas.VoteOut, **PROBLEMS},
          tags=["comments"], operation_id="voteComment")
def vote(request, comment_id: schemas.Id, payload: schemas.VoteIn):
    """Vote a comment up (1) or down (-1), or take the vote back (0). One vote per reader:
    an account, or a guest's `X-Rostra-Reader` id (a random string the client keeps) with its address."""
    comment = access_comment(comment_id)
    check_origin(request, comment.thread.site)
    reader_id = request.headers.get("X-Rostra-Reader", "")[:100]
    key, _ = reader_key(request, reader_id=reader_id)
    check_rate(request, "comment.vote", author=author_key(request, reader_id=reader_id))
    tally = cast_vote(comment, voter_key=key, value=payload.value, address_key=address_key(request))
    return {"upvotes": tally.upvotes, "downvotes": tally.downvotes, "score": tally.score,
            "mine": tally.mine}


# ---- counts and preview -------------------------------------------------------------------------

@api.post("/counts", response={200: schemas.CountsOut, **PROBLEMS}, tags=["threads"],
         operation_id="countComments")
def counts(request, payload: schemas.CountsIn):
    """Visible comments (replies included) for each URL, in one request: for "N comments" links."""
    check_rate(request, "thread.count")
    keys = {}
    for url in payload.urls:
        try:
            keys[url] = normalise_url(url)
        except ValueError:
            keys[url] = None
    threads = Article.objects.filter(url__in=[k for k in keys.values() if k])
    if payload.site:
        threads = threads.filter(site__slug=payload.site)
    found: dict[str, int] = {}
    for url, count in threads.values_list("url", "comment_count"):
        found[url] = found.get(url, 0) + count
    return {"counts": {url: found.get(key, 0) for url, key in keys.items()}}


@api.post("/preview", response={200: schemas.PreviewOut, **PROBLEMS}, tags=["comments"],
         operation_id="previewComment")
def preview(request, payload: schemas.PreviewIn):
    """The HTML a comment body would be stored as."""
    form = EditForm({"body": payload.body})
    if not form.is_valid():
        return form_problem(form)
    return {"body_html": render_markdown(form.cleaned_data["body"])}

