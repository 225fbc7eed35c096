"""Rendered thread answers kept in the cache under keys that carry the thread's version, so a write
(which moves the version on) makes them stale without deleting anything."""

from collections.abc import Callable

from django.core.cache import cache

from rostra.core.app_settings import app_settings

SECONDS = 300


def cached_text(key: str, build: Callable[[], str | bytes]) -> str | bytes:
    """The text cached under `key`, built (and cached) when missing; always built when
    ROSTRA_CACHE_THREADS is off."""
    if not app_settings.CACHE_THREADS:
        return build()
    return cache.get_or_set(key, build, SECONDS)
