"""Reads of articles."""

from django.db.models import Q
from django.http import Http404

from rostra.articles.models import Article
from rostra.sites.models import Site


def list_articles(site: Site, *, limit: int = 100) -> list[Article]:
    """The site's front page: its hosted articles, and discussions of its other pages once someone
    has commented (a thread started by merely following a link stays off the front page)."""
    listed = Article.objects.filter(site=site).filter(Q(url="") | Q(comment_count__gt=0))
    return list(listed.order_by("-published", "-id")[:limit])


def access_article(site: Site, slug: str) -> Article:
    """The article with that slug — on the request's site first, else on any site (slugs are made
    unique across sites, so the discussion of an embedding site's page has an address here too) —
    or one boring 404."""
    articles = Article.objects.select_related("site").filter(slug=slug)
    article = articles.filter(site=site).first() or articles.order_by("id").first()
    if article is None:
        raise Http404("No such article.")
    return article
