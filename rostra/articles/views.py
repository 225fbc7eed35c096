"""The site's front page and hosted article pages (with their discussion)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from rostra.articles.queries import access_article, list_articles
from rostra.core.replay import replayable
from rostra.discussion.views.common import thread_context
from rostra.sites.queries import get_request_site


@require_GET
def front(request):
    site = get_request_site(request)
    return render(request, "articles/front.html", {"site": site, "articles": list_articles(site)})


@require_GET
@vary_on_headers("HX-Request")
def article(request, slug):
    article = access_article(get_request_site(request), slug)
    replayable(request, article)
    context = thread_context(request, article)
    if request.htmx and request.htmx.target == "thread":
        return render(request, "articles/article.html#thread", context)
    return render(request, "articles/article.html", context)
