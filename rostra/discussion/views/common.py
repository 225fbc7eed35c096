"""Pieces every discussion view shares: where a comment is shown, the thread context, remembered authors."""

import uuid
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from rostra.articles.models import Article
from rostra.core.replay import fresh_per_response
from rostra.discussion.forms import CommentForm, form_stamp
from rostra.discussion.models import Comment, Vote
from rostra.discussion.queries import (
    DEFAULT_SORT,
    get_comment_place,
    get_thread_page,
)
from rostra.identity.guests import READER_COOKIE, editable_comment_ids, reader_key

SORT_CHOICES = [("oldest", "Oldest"), ("newest", "Newest"), ("best", "Best")]
AUTHOR_COOKIE = "rostra_author"
AUTHOR_SALT = "rostra.author"


def comment_location(comment: Comment) -> str:
    """The URL of the page that shows `comment`, with its anchor: what a permalink redirects to."""
    place = get_comment_place(comment)
    if place.anchor is not None:
        url = reverse("discussion:subthread", kwargs={"comment_id": place.anchor.pk})
        if place.after:
            url += "?" + urlencode({"after": place.after})
        return f"{url}#c{comment.pk}"
    url = comment.thread.get_absolute_url()
    if place.page > 1:
        url += "?" + urlencode({"page": place.page})
    return f"{url}#c{comment.pk}"


def remembered_author(request) -> dict:
    """Name, email and website a guest gave last time (kept in a signed cookie), for the form."""
    try:
        author = signing.loads(request.COOKIES.get(AUTHOR_COOKIE, ""), salt=AUTHOR_SALT)
    except signing.BadSignature:
        return {}
    if not isinstance(author, dict):
        return {}
    return {k: v for k, v in author.items() if k in CommentForm.base_fields and isinstance(v, str)}


def remember_author(response, cleaned: dict) -> None:
    fields = ("author_name", "author_email", "author_website")
    value = signing.dumps({k: cleaned.get(k, "") for k in fields}, salt=AUTHOR_SALT)
    response.set_cookie(
        AUTHOR_COOKIE, value, max_age=365 * 24 * 3600, httponly=True, samesite="Lax"
    )


def new_comment_form(request, *, parent: Comment | None = None) -> CommentForm:
    initial = remembered_author(request)
    if parent is not None:
        initial["parent"] = parent.pk
    form = CommentForm(initial=initial, parent_id=parent.pk if parent else None)
    # A page replayed to other readers gives each its own submission key and render stamp.
    fresh_per_response(request, form.initial["submission"], lambda: uuid.uuid4().hex)
    fresh_per_response(request, form.initial["rendered"], form_stamp)
    return form


def reader_votes(request, comment_ids) -> dict[int, int]:
    """This reader's votes on these comments; no query for a reader who never voted."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated) and READER_COOKIE not in request.COOKIES:
        return {}
    key, _ = reader_key(request)
    votes = Vote.objects.filter(voter_key=key, comment_id__in=comment_ids)
    return dict(votes.values_list("comment_id", "value"))


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node.children)


def thread_context(request, article: Article, *, form: CommentForm | None = None) -> dict:
    sort = request.GET.get("sort", DEFAULT_SORT)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = get_thread_page(article, sort=sort, number=number)
    return {
        "article": article,
        "site": article.site,
        "page": page,
        "sort_choices": SORT_CHOICES,
        "newest_first": page.sort == "newest",
        "form": form or new_comment_form(request),
        "editable_ids": editable_comment_ids(request),
        "my_votes": reader_votes(request, [node.pk for node in walk(page.nodes)]),
    }
