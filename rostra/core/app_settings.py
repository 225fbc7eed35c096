"""Rostra's own tunables: each read lazily from Django settings, then the environment, then its default.

Read them as attributes (`app_settings.EDIT_WINDOW_SECONDS`) at the moment they are needed, never at
import time, so tests and operators can change them without restarting anything that imported this.
"""

import os
from dataclasses import dataclass
from typing import Any, Callable

from django.conf import settings

from rostra.core.ratelimits import DEFAULT_RATE_LIMITS, parse_rate_limits


@dataclass(frozen=True)
class Setting:
    default: Any
    parse: Callable[[str], Any]
    doc: str
    normalise: Callable[[Any], Any] | None = None  # applied to a Django setting's value and the default


SETTINGS: dict[str, Setting] = {
    "EDIT_WINDOW_SECONDS": Setting(
        15 * 60, int, "How long a guest may edit or delete their own comment after posting it."
    ),
    "COMMENTS_PER_PAGE": Setting(
        50, int, "Top-level comments (with their replies) on one page of a thread."
    ),
    "REPLIES_PER_COMMENT": Setting(
        200, int, "Replies shown under one top-level comment before 'N more replies' cuts them."
    ),
    "REPLIES_PER_PAGE": Setting(
        150, int,
        "Replies shown on one page of a thread, shared evenly among its top-level comments: where "
        "sub-threads have grown large, each shows its first few and 'N more replies' for the rest.",
    ),
    "MAX_DISPLAY_DEPTH": Setting(
        6, int, "Deepest indentation shown; deeper replies sit behind 'Continue this thread'."
    ),
    "GUEST_VOTES_PER_ADDRESS": Setting(
        20, int,
        "Guest votes one network address may cast on one comment (offices and mobile carriers put "
        "many readers behind one address; this only stops one browser voting again and again).",
    ),
    "MAX_BODY_LENGTH": Setting(10_000, int, "Longest comment body accepted, in characters."),
    "ADDRESS_RETENTION_DAYS": Setting(
        90, int,
        "Days a comment keeps the keyed hash of its author's network address (and its month's key "
        "is kept); never the address itself.",
    ),
    "MAX_NAME_LENGTH": Setting(100, int, "Longest author name accepted, in characters."),
    "DEFAULT_SITE": Setting(
        "", str, "Slug of the site served on hosts that no site claims (empty: the oldest site)."
    ),
    "RATE_LIMITS": Setting(
        DEFAULT_RATE_LIMITS, parse_rate_limits,
        "Rate limits per action ('5/m/author', '60/m/ip', '120/m/thread'); actions not named keep "
        "their defaults. 'off' switches off every rate limit and flood guard (for load tests).",
        normalise=parse_rate_limits,
    ),
    "MIN_FILL_SECONDS": Setting(
        3, int, "Seconds a reader's HTML comment form must have been open before it is sent "
        "(quicker is a robot)."
    ),
    "DUPLICATE_WINDOW_SECONDS": Setting(
        3600, int, "How long the same words by the same author or address in the same thread are "
        "refused as a duplicate."
    ),
    "DATE_FORMAT": Setting(
        "D, m/d/Y - H:i", str, "How comment and article times read (Django date format)."
    ),
    "CACHE_THREADS": Setting(
        True, lambda value: value.strip().lower() not in ("off", "0", "false", "no"),
        "Keep rendered thread answers of the JSON and Isso APIs in the cache, keyed by the thread's "
        "version, and replay anonymous reads of article pages and thread answers while their thread "
        "is unchanged (rostra.core.replay). 'off' renders them from the database every time (the "
        "bench's cold scenario).",
    ),
}


class AppSettings:
    def __getattr__(self, name: str) -> Any:
        try:
            setting = SETTINGS[name]
        except KeyError:
            raise AttributeError(name) from None
        full_name = f"ROSTRA_{name}"
        if hasattr(settings, full_name):
            value = getattr(settings, full_name)
        elif full_name in os.environ:
            return setting.parse(os.environ[full_name])
        else:
            value = setting.default
        return setting.normalise(value) if setting.normalise else value


app_settings = AppSettings()
