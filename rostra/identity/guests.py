"""Guest identity: signed, scoped, expiring edit tokens kept in cookies, and the key a reader votes by.

An edit token names one comment and the moment it was posted, is signed with a salt used for nothing
else, and expires with the edit window (ROSTRA_EDIT_WINDOW_SECONDS). The cookie that carries it lives
no longer than the window either.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.utils import timezone

from rostra.core.app_settings import app_settings
from rostra.discussion.models import Comment

EDIT_SALT = "rostra.comment.edit"
EDIT_COOKIE_PREFIX = "rostra_edit_"
READER_COOKIE = "rostra_reader"
READER_SALT = "rostra.reader"


def edit_cookie_name(comment_id: int) -> str:
    return f"{EDIT_COOKIE_PREFIX}{comment_id}"


def text_digest(comment: Comment) -> str:
    return hashlib.sha1(comment.body_source.encode(), usedforsecurity=False).hexdigest()[:16]


def make_edit_token(comment: Comment, *, bound_to_text: bool = False) -> str:
    """A token for editing `comment`. One `bound_to_text` stops working once the text changes (Isso's
    rule: a token that outlives a moderator's edit must not undo it); the holder gets a new one with
    each edit they make."""
    claims = {"c": comment.pk, "t": comment.created.timestamp()}
    if bound_to_text:
        claims["h"] = text_digest(comment)
    return signing.dumps(claims, salt=EDIT_SALT, compress=False)


def read_edit_token(token: str) -> dict | None:
    """The token's claims, or None when it is forged, damaged or older than the edit window."""
    try:
        claims = signing.loads(token, salt=EDIT_SALT, max_age=app_settings.EDIT_WINDOW_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("c"), int):
        return None
    return claims


def token_grants(token: str | None, comment: Comment) -> bool:
    claims = read_edit_token(token) if token else None
    return (
        claims is not None
        and claims["c"] == comment.pk
        and comment.created is not None
        and claims.get("t") == comment.created.timestamp()
        and claims.get("h", None) in (None, text_digest(comment))
    )


def within_edit_window(comment: Comment) -> bool:
    if comment.created is None:
        return False
    age = (timezone.now() - comment.created).total_seconds()
    return age <= app_settings.EDIT_WINDOW_SECONDS


def can_edit_comment(comment: Comment, *, user=None, token: str | None = None) -> bool:
    """Its author may edit or delete a visible comment within the edit window, and nobody else may.

    The author is the signed-in account that posted it (`user`), or whoever holds its edit `token`.
    """
    if comment.state != Comment.State.VISIBLE or comment.is_placeholder:
        return False
    if not within_edit_window(comment):
        return False
    if user is not None and user.is_authenticated and comment.user_id == user.pk:
        return True
    return token_grants(token, comment)


def request_can_edit(request, comment: Comment) -> bool:
    """can_edit_comment for a browser request: its account, or the edit token in its cookie."""
    return can_edit_comment(
        comment, user=getattr(request, "user", None),
        token=request.COOKIES.get(edit_cookie_name(comment.pk)),
    )


def why_cannot_edit(comment: Comment) -> str:
    """What to tell someone who may not change `comment` (never whether anyone else may)."""
    if comment.state != Comment.State.VISIBLE or comment.is_placeholder:
        return "This comment can no longer be changed."
    if not within_edit_window(comment):
        minutes = app_settings.EDIT_WINDOW_SECONDS // 60
        return f"Comments can be changed for {minutes} minutes after posting, and that time has passed."
    return "Only the person who posted this comment can change it, from the browser it was posted with."


def editable_comment_ids(request) -> set[int]:
    """Comments this reader holds a live edit token for (signature and age checked; no query)."""
    ids = set()
    for name, token in request.COOKIES.items():
        if name.startswith(EDIT_COOKIE_PREFIX):
            claims = read_edit_token(token)
            if claims and name == edit_cookie_name(claims["c"]):
                ids.add(claims["c"])
    return ids


def remember_edit_token(response, comment: Comment) -> None:
    response.set_cookie(
        edit_cookie_name(comment.pk),
        make_edit_token(comment),
        max_age=app_settings.EDIT_WINDOW_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def forget_edit_token(response, comment: Comment) -> None:
    response.delete_cookie(edit_cookie_name(comment.pk), samesite="Lax")


def reader_key(request, *, reader_id: str = "") -> tuple[str, str | None]:
    """The key a reader's votes are stored under, and a new reader cookie value to set (or None).

    Accounts vote as themselves. A guest votes as a keyed hash of their reader cookie (a random id set
    on first vote) and IP address: readers behind one shared address still count separately, and the
    raw address is not stored with the vote. API clients that keep no cookies send their own random
    `reader_id` instead.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}", None
    new_cookie = None
    cookie = reader_id or request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_SALT)
    if not cookie:
        cookie = new_cookie = secrets.token_urlsafe(16)
    ip = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{cookie}|{ip}".encode(), hashlib.sha256
    ).hexdigest()
    return f"g:{digest[:40]}", new_cookie


def remember_reader(response, cookie_value: str) -> None:
    response.set_signed_cookie(
        READER_COOKIE, cookie_value, salt=READER_SALT, max_age=365 * 24 * 3600,
        httponly=True, samesite="Lax",
    )


def address_key(request) -> str:
    """A keyed hash of the request's network address: enough to count votes per address, useless to
    recover the address."""
    ip = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), f"address|{ip}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def author_key(request, *, name: str = "", reader_id: str = "") -> str:
    """Who a request counts as for per-author rate limits: its account; else the guest's reader id
    (the signed reader cookie, or an API client's `reader_id`); else the name they give, at their
    address. Keyed hashes: nothing here can be read back into a name or an address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    reader = reader_id or request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_SALT)
    if reader:
        token = f"reader|{reader}"
    elif name:
        token = f"name|{' '.join(name.lower().split())}|{request.META.get('REMOTE_ADDR', '')}"
    else:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256)
    return f"g:{digest.hexdigest()[:32]}"
