"""Finding the site a request is for."""

from django.http import Http404

from rostra.core.app_settings import app_settings
from rostra.core.rows import Rows
from rostra.sites.models import Site


def get_request_site(request) -> Site:
    """The site whose domains include the request's host; else ROSTRA_DEFAULT_SITE; else the oldest."""
    host = request.get_host().rsplit(":", 1)[0].lower() if request.get_host() else ""
    sites = list(Site.objects.all())  # a handful per installation
    for site in sites:
        if host in (d.lower() for d in site.domains):
            return site
    default = app_settings.DEFAULT_SITE
    for site in sites:
        if site.slug == default or not default:
            return site
    raise Http404("No site is set up yet. Run `rostra createsite` or `make demo`.")


SITES = Rows(Site)  # every posted comment finds its site: by plain SQL (see rostra.core.rows)


def find_site(slug: str) -> Site | None:
    """The site with that slug, or None (for any text, NUL bytes included)."""
    if not slug or "\x00" in slug:
        return None
    return SITES.first('"slug" = %s', (slug,))
