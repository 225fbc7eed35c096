"""Rate limits as data: per action, a list of rules "COUNT/PERIOD/SCOPE" (ROSTRA_RATE_LIMITS).

A rule such as "5/m/author" allows five requests a minute by one author; "60/m/ip" sixty from one
network address; "120/m/thread" a hundred and twenty new comments a minute in one thread. Authors are
counted first and strictly (an account, a guest's reader id, or a guest's name at their address);
addresses generously, because a newsroom office or a mobile carrier puts many readers behind one.
The counts live in the "limits" cache, which every process of one Rostra shares (the database by
default: see `rostra.core.counters`). `ROSTRA_RATE_LIMITS=off` switches every rate limit and flood
guard off (for load tests and benchmarks); never the sanitiser, CSRF or origin checks.
"""

import ipaddress
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError
from django_ratelimit.core import get_usage

from rostra.core.errors import Refused

logger = logging.getLogger(__name__)

ACTIONS = {
    "comment.create": "posting a comment or a reply (HTML form, JSON API, Isso API)",
    "comment.edit": "editing or deleting one's own comment",
    "comment.vote": "voting on a comment",
    "thread.count": "asking for the comment counts of pages",
    "account.login": "signing in (the author is the user name tried)",
}
SCOPES = ("author", "ip", "thread")
DEFAULT_RATE_LIMITS: dict[str, list[str]] = {
    "comment.create": ["5/m/author", "30/h/author", "60/m/ip", "600/h/ip", "120/m/thread"],
    "comment.edit": ["20/m/author", "200/h/author", "120/m/ip"],
    "comment.vote": ["60/m/author", "600/m/ip"],
    "thread.count": ["3000/m/ip"],
    "account.login": ["5/m/author", "30/h/author", "60/m/ip"],
}
OFF = "off"
RULE = re.compile(r"^(?P<count>[1-9]\d{0,8})/(?P<multiple>[1-9]\d{0,5})?(?P<unit>[smhd])/(?P<scope>\w+)$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rule:
    count: int
    seconds: int
    scope: str
    text: str  # as written: "5/m/author"

    @property
    def rate(self) -> str:
        """The rule as django-ratelimit writes a rate: "5/60s"."""
        return f"{self.count}/{self.seconds}s"


def parse_rule(text: str) -> Rule:
    match = RULE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not COUNT/PERIOD/SCOPE (for example 5/m/author or 100/10m/ip)")
    if match["scope"] not in SCOPES:
        raise ValueError(f"{text!r}: the scope is one of {', '.join(SCOPES)}")
    seconds = int(match["multiple"] or 1) * UNITS[match["unit"]]
    return Rule(int(match["count"]), seconds, match["scope"], text.strip())


def parse_rate_limits(value) -> dict[str, list[Rule]] | None:
    """ROSTRA_RATE_LIMITS as Rostra reads it: None when off, else the rules of every action.

    `value` is "off", a dict {action: [rule, …] or "rule, rule"}, its JSON, or the environment's short
    form "comment.create=5/m/author,60/m/ip; comment.vote=30/m/author". Actions it does not name keep
    their defaults; an action given no rules has none. Raises ValueError naming what is wrong.
    """
    if value is None or value is True or (isinstance(value, str) and value.strip().lower() in ("", "on")):
        value = {}
    if value is False or (isinstance(value, str) and value.strip().lower() in (OFF, "false", "0")):
        return None
    if isinstance(value, str):
        value = _parse_text(value)
    if not isinstance(value, dict):
        raise ValueError(f"expected 'off' or a dict of action -> rules, not {type(value).__name__}")
    merged = {**DEFAULT_RATE_LIMITS, **value}
    rules = {}
    for action, texts in merged.items():
        if action not in ACTIONS:
            raise ValueError(f"{action!r} is not an action (the actions are {', '.join(ACTIONS)})")
        if isinstance(texts, str):
            texts = [t for t in texts.split(",") if t.strip()]
        if not isinstance(texts, (list, tuple)) or not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{action}: expected a list of rules like '5/m/author'")
        rules[action] = [parse_rule(t) for t in texts]
    return rules


def _parse_text(text: str) -> dict:
    text = text.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
    value = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        action, sep, rules = part.partition("=")
        if not sep:
            raise ValueError(f"{part.strip()!r} is not ACTION=RULE,RULE")
        value[action.strip()] = rules
    return value


def rate_limits() -> dict[str, list[Rule]] | None:
    """The rules in force now (None: rate limits and flood guards are off)."""
    from rostra.core.app_settings import app_settings

    return app_settings.RATE_LIMITS


def guards_on() -> bool:
    """Whether flood guards (limits, minimum fill time, duplicate detection, per-address caps) apply."""
    return rate_limits() is not None


class RateLimited(Refused):
    """Over a rate limit: answered 429 with Retry-After."""

    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, status=429)
        self.retry_after = retry_after


def network_of(request) -> str:
    """The request's address as limits count it: an IPv6 address by its /64 (one subscriber's)."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def check_rate(request, action: str, *, author: str | Callable[[], str] = "",
               thread: int | None = None) -> None:
    """Count this request against `action`'s rules; raise RateLimited once any is exceeded.

    Rules whose scope this call cannot name (no `author`, no `thread`) are skipped. `author` may be
    a function giving the key, called only while limits are on (making the key signs and hashes). If
    the counter store fails, the request is let through (and the failure logged): limits never take
    the site down.
    """
    rules = rate_limits()
    if not rules:
        return
    if callable(author):
        author = author()
    keys = {"author": author, "ip": network_of(request), "thread": str(thread or "")}
    wait = 0
    for rule in rules.get(action, ()):
        key = keys[rule.scope]
        if not key:
            continue
        try:
            usage = get_usage(request, group=f"{action}/{rule.scope}", key=lambda _group, _r, k=key: k,
                              rate=rule.rate, increment=True)
        except DatabaseError:
            logger.warning("Rate limit counters unavailable; %s let through", action, exc_info=True)
            return
        if usage and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    if wait:
        raise RateLimited(too_fast(action, wait), retry_after=wait)


def too_fast(action: str, seconds: int) -> str:
    what = {"comment.create": "posting", "comment.edit": "changing comments",
            "comment.vote": "voting", "thread.count": "asking for counts",
            "account.login": "trying to sign in"}[action]
    return f"You are {what} faster than this site allows. Please wait {wait_words(seconds)} and try again."


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
