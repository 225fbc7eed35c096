"""The loader's new articles: stored with the batch of comments that follows them, in its transaction,
with ids reserved ahead (articles.publish.reserve_article_ids)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.articles.models import Article
from rostra.articles.publish import reserve_article_ids, save_article
from rostra.discussion.models import Comment
from rostra.porting.load import load_records
from rostra.porting.records import ArticleRecord, CommentRecord

pytestmark = pytest.mark.django_db


def story(n: int, *, slug: str = "", comments: int = 2) -> list:
    source_id = f"story-{n}"
    records = [ArticleRecord(source="test", source_id=source_id, slug=slug or source_id,
                             title=f"Story {n}", url=f"https://news.example.org/{n}/")]
    records += [CommentRecord(source_id=f"{n}.{c}", parent_source_id=f"{n}.{c - 1}" if c else None,
                              author_name="Ann", body=f"Comment {c} on {n}.", created=None,
                              article_source_id=source_id) for c in range(comments)]
    return records


def test_the_new_articles_of_a_batch_go_in_with_one_insert(site):
    with CaptureQueriesContext(connection) as queries:
        report = load_records(site, [r for n in range(5) for r in story(n)])
    inserts = [q["sql"] for q in queries if 'INSERT INTO "articles_article"' in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("5 times: ")  # one executemany
    assert report.articles_created == 5
    for article in Article.objects.filter(site=site):
        assert article.comment_count == 2 == Comment.objects.filter(thread=article).count()
        assert article.body_html == "" and article.created is not None


def test_articles_not_stored_yet_do_not_share_a_slug(site, make_site):
    save_article(Article(site=make_site(slug="other", domains=["other.example"]), slug="news",
                         title="Elsewhere"))
    load_records(site, [*story(1, slug="news"), *story(2, slug="news"), *story(3, slug="news")])
    assert sorted(Article.objects.filter(site=site).values_list("slug", flat=True)) == [
        "news-2", "news-3", "news-4"]


def test_an_article_with_no_comments_at_the_end_of_the_file_is_stored(site):
    load_records(site, [*story(1), *story(2, comments=0)])
    assert Article.objects.filter(site=site, source_id="story-2", comment_count=0).exists()


def test_an_article_made_elsewhere_meanwhile_takes_no_reserved_id(site):
    reserved = reserve_article_ids(3)
    assert len(reserved) == 3
    meanwhile = save_article(Article(site=site, slug="meanwhile", title="Meanwhile"))
    assert meanwhile.pk > reserved[-1]
    assert reserve_article_ids(2)[0] > meanwhile.pk


def test_a_dry_run_stores_no_article(site):
    report = load_records(site, story(1), dry_run=True)
    assert report.articles_created == 1 and not Article.objects.exists()
