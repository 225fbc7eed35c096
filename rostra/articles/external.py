"""Threads for pages Rostra does not serve: found by URL, created on the first comment."""

from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from rostra.articles.models import Article
from rostra.articles.publish import free_slug, save_article
from rostra.core.errors import Refused
from rostra.core.rows import Rows
from rostra.sites.models import Site


def normalise_url(url: str) -> str:
    """The form a page URL is stored and looked up in: no fragment, lowercase scheme and host.

    Raises ValueError for text that cannot be a URL (control characters, a malformed host)."""
    if any(ord(c) < 32 for c in url):
        raise ValueError("a URL has no control characters")
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_page_url(site: Site, url: str) -> str:
    """Raise Refused unless `url` is an http(s) page on one of the site's domains or origins."""
    try:
        normalise_url(url)
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise Refused("Give the page's full address, starting with https://.", field="url", status=422)
    if len(url) > 2000:
        raise Refused("Page addresses can be at most 2,000 characters long.", field="url", status=422)
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    if host not in (d.lower() for d in site.domains) and origin not in site.origins:
        raise Refused(f"{host} is not one of the pages of {site.name}.", field="url", status=422)
    return normalise_url(url)


# Every posted comment looks its thread up: by plain SQL (see rostra.core.rows), and with the unique
# index's condition stated literally, or SQLite walks all the site's articles (decision 0002).
THREADS = Rows(Article)


def find_thread(site: Site, url: str) -> Article | None:
    try:
        key = normalise_url(url)
    except ValueError:
        return None
    thread = THREADS.first("""NOT ("url" = '') AND "site_id" = %s AND "url" = %s""", (site.pk, key))
    if thread is not None:
        thread.site = site  # the caller's, rather than a join for a copy of it
    return thread


def get_or_create_thread(site: Site, url: str, title: str) -> Article:
    """The thread for the page at `url`, started now if the site lets comments start threads."""
    thread = find_thread(site, url)
    if thread is not None:
        return thread
    key = check_page_url(site, url)
    if not site.create_threads:
        raise Refused("Discussions on this site are started by its editors.", field="url", status=404)
    title = " ".join(title.replace("\x00", "").split())[:300] or key
    wanted = slugify(title) or slugify(urlsplit(key).path)
    for _ in range(5):
        try:
            with transaction.atomic():
                slug = free_slug(wanted)
                return save_article(Article(site=site, url=key, title=title, slug=slug,
                                            body_format="plain"))
        except IntegrityError:
            # Someone started this page's thread a moment ago, or took the slug: look again.
            thread = find_thread(site, key)
            if thread is not None:
                return thread
    raise Refused("Too many discussions are starting at once; try again.", status=409)
