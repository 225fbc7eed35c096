"""Which browser origins may call Rostra cross-origin: the union of every site's allowed origins."""

from django.core.cache import cache

CACHE_KEY = "rostra:allowed-origins"
CACHE_SECONDS = 30


def allowed_origins() -> frozenset[str]:
    """Every origin some site allows (cached briefly; `forget_allowed_origins` after a change)."""
    origins = cache.get(CACHE_KEY)
    if origins is None:
        from rostra.sites.models import Site

        origins = frozenset(o for site_origins in Site.objects.values_list("origins", flat=True)
                            for o in site_origins or ())
        cache.set(CACHE_KEY, origins, CACHE_SECONDS)
    return origins


def forget_allowed_origins() -> None:
    cache.delete(CACHE_KEY)


def request_origin(request) -> str:
    """Rostra's own origin as the request reached it."""
    return f"{request.scheme}://{request.get_host()}".lower()


def origin_may_write(request, site) -> bool:
    """A browser write must come from Rostra itself or one of the site's origins.

    Requests without an Origin header (command-line clients, servers) carry no browser's cookies to
    abuse and are let through; browsers always send Origin on cross-origin writes.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    origin = origin.lower()
    return origin == request_origin(request) or origin in site.origins
