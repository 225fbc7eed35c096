"""rostra.core.rows: plain-SQL reads and writes give and store what the ORM would."""

from datetime import UTC, datetime

from django.db import connection

from rostra.articles.external import find_thread
from rostra.core.rows import Rows, insert
from rostra.discussion.models import Comment
from rostra.sites.models import Site
from rostra.sites.queries import find_site


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_row_read_is_the_instance_the_orm_gives(make_site, make_comment):
    site = make_site(slug="other", domains=("a.example", "b.example"), origins=("https://c.example",))
    comment = make_comment(body="Words *here*", author_email="r@example.org")
    assert fields_of(Rows(Site).first('"slug" = %s', ("other",))) == fields_of(Site.objects.get(pk=site.pk))
    read = Rows(Comment).first('"id" = %s', (comment.pk,))
    assert fields_of(read) == fields_of(Comment.objects.get(pk=comment.pk))
    assert read.created.tzinfo is not None and read.is_placeholder is False
    assert not read._state.adding and read._state.db == "default"


def test_chosen_columns_are_read_converted_and_nothing_matching_is_none(make_comment):
    comment = make_comment()
    rows = Rows(Comment, ("id", "parent", "created")).values('"thread_id" = %s', (comment.thread_id,))
    assert rows == [[comment.pk, None, Comment.objects.get(pk=comment.pk).created]]
    assert Rows(Comment).first('"id" = %s', (comment.pk + 1,)) is None


def test_an_inserted_instance_gets_its_id_and_stores_every_field(article):
    when = datetime(2026, 12, 5, 12, 30, 15, 123456, tzinfo=UTC)
    comment = Comment(thread=article, author_name="R", body_source="x", body_html="<p>x</p>",
                      created=when, submitted_digest=-5, address_hash="abc")
    insert(comment)
    assert comment.pk and not comment._state.adding
    assert fields_of(Comment.objects.get(pk=comment.pk)) == fields_of(comment)


def test_sites_and_threads_are_found_by_one_index_seek(site, make_article):
    """The look-ups every posted comment makes: the site by slug, the thread by the unique
    (site, url) index, whose condition the query states (else SQLite walks the site's articles)."""
    thread = make_article(url="https://testserver/page/")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert find_site(site.slug) == site
        assert find_thread(site, "https://TESTSERVER/page/#c1") == thread
    assert len(statements) == 2
    with connection.cursor() as cursor:
        plans = []
        for sql, params in statements:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append(" ".join(row[-1] for row in cursor.fetchall()))
    assert "sqlite_autoindex_sites_site" in plans[0] or "(slug=?)" in plans[0], plans[0]
    assert "USING INDEX article_site_url_unique (site_id=? AND url=?)" in plans[1], plans[1]
