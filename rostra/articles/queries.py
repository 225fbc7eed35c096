"""Reads of articles."""

from django.http import Http404

from rostra.articles.models import Article
from rostra.sites.models import Site


def list_articles(site: Site, *, limit: int = 100) -> list[Article]:
    return list(Article.objects.filter(site=site).order_by("-published", "-id")[:limit])


def access_article(site: Site, slug: str) -> Article:
    """The site's article with that slug, or one boring 404."""
    article = Article.objects.select_related("site").filter(site=site, slug=slug).first()
    if article is None:
        raise Http404("No such article.")
    return article
