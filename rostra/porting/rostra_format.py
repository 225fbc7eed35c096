"""write_rostra: Rostra's own export, JSON Lines (one object per line, each with a `type`).

Version 1. The first line describes the export and the site; then, article by article, the article
followed by its comments in tree order (a parent always before its replies). Documented in
docs/export-format.md. Streams from the database in batches: memory stays flat whatever the size.
"""

import json
from collections.abc import Iterator

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.sites.models import Site

VERSION = 1
BATCH = 2000


def _time(value) -> str | None:
    return value.isoformat() if value else None


def site_line(site: Site) -> dict:
    return {
        "type": "rostra-export", "version": VERSION,
        "site": {"slug": site.slug, "name": site.name, "timezone": site.timezone,
                 "domains": site.domains, "origins": site.origins,
                 "create_threads": site.create_threads},
    }


def article_line(article: Article) -> dict:
    return {
        "type": "article", "id": article.pk, "slug": article.slug, "url": article.url,
        "title": article.title, "submitted_by": article.submitted_by, "via": article.via,
        "published": _time(article.published), "body_source": article.body_source,
        "body_format": article.body_format, "image_url": article.image_url,
        "image_caption": article.image_caption, "image_credit": article.image_credit,
        "image_position": article.image_position, "comments_open": article.comments_open,
        "source": article.source, "source_id": article.source_id,
    }


def comment_line(comment: Comment) -> dict:
    return {
        "type": "comment", "id": comment.pk, "parent": comment.parent_id,
        "article": comment.thread_id, "source": comment.source, "source_id": comment.source_id,
        "state": comment.state, "placeholder": comment.is_placeholder,
        "author_name": comment.author_name, "author_email": comment.author_email,
        "author_website": comment.author_website, "body_source": comment.body_source,
        "body_format": comment.body_format, "body_html": comment.body_html,
        "created": _time(comment.created), "edited": _time(comment.edited),
        "upvotes": comment.upvotes, "downvotes": comment.downvotes,
    }


def batched(queryset, key: str):
    """Rows in `key` order, BATCH at a time (keyset pagination: no growing OFFSET)."""
    last = None
    while True:
        page = queryset.order_by(key)
        if last is not None:
            page = page.filter(**{f"{key}__gt": last})
        rows = list(page[:BATCH])
        yield from rows
        if len(rows) < BATCH:
            return
        last = getattr(rows[-1], key)


def export_lines(site: Site, *, article_url: str | None = None) -> Iterator[str]:
    """The export of `site` (or of its one article at `article_url`), line by line."""
    yield json.dumps(site_line(site), ensure_ascii=False)
    articles = Article.objects.filter(site=site)
    if article_url is not None:
        articles = articles.filter(url=article_url)
    for article in batched(articles, "id"):
        yield json.dumps(article_line(article), ensure_ascii=False)
        for comment in batched(Comment.objects.filter(thread=article), "path"):
            yield json.dumps(comment_line(comment), ensure_ascii=False)
