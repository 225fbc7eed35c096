"""publish_article: create or update a hosted article, rendering its body (and figure) once, here."""

from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string

from rostra.articles.models import Article
from rostra.core.markup import render, split_paragraphs
from rostra.core.rows import insert, insert_all, next_sqlite_id


def render_article_body(article: Article) -> str:
    """The body as HTML, with the figure (caption and credit) after `image_position` paragraphs."""
    blocks = split_paragraphs(article.body_source)
    has_figure = article.image_caption or article.image_credit or article.image_url
    if not has_figure:
        return render(article.body_source, article.body_format)
    cut = min(article.image_position, len(blocks))
    figure = render_to_string("articles/figure.html", {"article": article}).strip()
    before = render("\n\n".join(blocks[:cut]), article.body_format) if cut else ""
    after = render("\n\n".join(blocks[cut:]), article.body_format)
    return "\n".join(part for part in (before, figure, after) if part)


def save_article(article: Article) -> Article:
    """Store an article (new or changed), its body rendered again."""
    article.body_html = render_article_body(article)
    if article.pk is None:
        # One INSERT, which commits by itself: `save()` took half a millisecond, a fifth of the
        # storing of a 10,000-comment import (a hundred articles).
        insert(article)
        return article
    with transaction.atomic():
        # what readers see changed: caches keyed by the version must go stale
        article.version = F("version") + 1
        article.save()
        article.refresh_from_db(fields=["version"])
    return article


def free_slug(wanted: str, taken_here: Collection[str] = ()) -> str:
    """`wanted`, or `wanted-2`, `wanted-3` … whichever no site has used yet (one installation's
    article addresses, /a/<slug>/, are unique whichever site they belong to), nor `taken_here`
    (slugs given to articles not stored yet)."""
    base = wanted[:180] or "page"
    table = connection.ops.quote_name(Article._meta.db_table)
    # Plain SQL: building each query took 0.3 ms, thirty times its run, for every imported article.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE slug = %s LIMIT 1", [base])
        if cursor.fetchone() is None and base not in taken_here:  # the usual case: one index lookup
            return base
        # A range on the slug index: every slug that starts with `base` (slugs are ASCII, below "~").
        cursor.execute(f"SELECT slug FROM {table} WHERE slug >= %s AND slug < %s", [base, base + "~"])
        taken = {slug for (slug,) in cursor.fetchall()}
    taken.update(slug for slug in taken_here if slug.startswith(base))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def store_articles(articles: list[Article]) -> None:
    """Store new articles whose ids were reserved (reserve_article_ids), in the caller's transaction,
    which holds SQLite's write lock. A slug another writer took since it was chosen (a page created
    by a reader's comment while an import ran) is chosen again first: nobody can take it now."""
    if not articles:
        return
    table = connection.ops.quote_name(Article._meta.db_table)
    slugs = [article.slug for article in articles]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT slug FROM {table} WHERE slug IN ({', '.join(['%s'] * len(slugs))})",
                       slugs)
        taken = {slug for (slug,) in cursor.fetchall()}
    for article in articles:
        if article.slug in taken:
            article.slug = free_slug(article.slug, {a.slug for a in articles if a is not article})
    insert_all(articles)


def reserve_article_ids(count: int) -> range | None:
    """`count` article ids no other writer will be given, for articles stored later (an import
    stores each new article with the batch of comments that follows it: rostra.discussion.bulk).
    SQLite gives an AUTOINCREMENT table's new rows ids past its entry in sqlite_sequence, which is
    moved past the block here. None on other databases: store articles there as they come."""
    if connection.vendor != "sqlite":
        return None
    table = Article._meta.db_table
    with transaction.atomic():
        first = next_sqlite_id(Article)
        last = first + count - 1
        with connection.cursor() as cursor:  # the table's entry, there or not yet
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])
    return range(first, last + 1)
