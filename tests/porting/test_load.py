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
from tests.conftest import SHARED

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


def test_a_slug_taken_by_another_writer_before_the_flush_is_chosen_again(site):
    def records():
        yield from story(1, slug="news", comments=0)
        # a reader's first comment on another page makes its article meanwhile, with the same slug
        save_article(Article(site=site, slug="news", title="Made by a reader",
                             url="https://news.example.org/other/"))
        yield from story(1, slug="news")[1:]

    load_records(site, records())
    imported = Article.objects.get(site=site, source_id="story-1")
    assert imported.slug == "news-2" and imported.comment_count == 2


def test_a_page_stored_by_another_writer_during_an_import_is_reported_and_the_rerun_finishes(
        site, monkeypatch, capsys):
    from django.core.management import CommandError, call_command

    from rostra.porting import formats, readahead

    def reader(stream, site_):
        yield from story(1)
        save_article(Article(site=site, slug="by-a-reader", title="Made by a reader",
                             url="https://news.example.org/2/"))  # the page story 2 is about
        yield from story(2)

    monkeypatch.setattr(readahead, "WORTH_IT", 1 << 60)  # read in this process, where it can write
    monkeypatch.setitem(formats.STREAMED, "disqus", (True, reader))
    export = SHARED / "fixtures/isso/disqus.xml"
    with pytest.raises(CommandError, match="another writer stored a page of this file") as raised:
        call_command("import", str(export), site=site.slug, format="disqus", progress="never")
    assert "Traceback" not in str(raised.value)
    monkeypatch.setitem(formats.STREAMED, "disqus", (True, lambda stream, site_: iter(
        [*story(1), *story(2)])))
    call_command("import", str(export), site=site.slug, format="disqus", progress="never")
    # the failed run's batch was rolled back whole; the rerun finds the reader's page by its address
    said = capsys.readouterr().out
    assert "articles: 1 imported, 1 already here; comments: 4 imported" in said
    assert Comment.objects.filter(thread__title="Made by a reader").count() == 2
