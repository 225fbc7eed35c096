"""rostra export --format rostra: one JSON object per line, parents before replies, nothing left out."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rostra.discussion.models import Comment
from tests.conftest import FOUNDING_PAGE, SHARED


def export(site, tmp_path, **options) -> list[dict]:
    path = tmp_path / "export.jsonl"
    call_command("export", site=site.slug, output=str(path), **options)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_holds_the_site_every_article_and_every_comment(site, tmp_path, settings):
    call_command("import", str(FOUNDING_PAGE), site=site.slug)
    lines = export(site, tmp_path)
    assert lines[0]["type"] == "rostra-export" and lines[0]["version"] == 1
    assert lines[0]["site"]["slug"] == site.slug
    articles = [line for line in lines if line["type"] == "article"]
    comments = [line for line in lines if line["type"] == "comment"]
    assert len(articles) == 1 and len(comments) == Comment.objects.count() == 8
    seen = set()
    for comment in comments:  # tree order: a parent always comes first
        assert comment["parent"] is None or comment["parent"] in seen
        seen.add(comment["id"])
    gus = next(c for c in comments if c["author_name"] == "GUS100CORRINA")
    for key in ("id", "parent", "article", "source", "source_id", "state", "author_name",
                "author_email", "author_website", "body_source", "body_html", "created", "edited",
                "upvotes", "downvotes"):
        assert key in gus
    assert gus["created"] == "2018-01-06T03:15:00+00:00" and gus["source"] == "page"


def test_export_streams_past_one_batch(site, tmp_path, make_comment, monkeypatch):
    from rostra.porting import rostra_format

    monkeypatch.setattr(rostra_format, "BATCH", 3)
    top = make_comment()
    for _ in range(7):
        make_comment(parent=top)
    comments = [line for line in export(site, tmp_path) if line["type"] == "comment"]
    assert len(comments) == 8 and len({c["id"] for c in comments}) == 8


def test_export_of_an_unknown_site_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no site"):
        call_command("export", site="nope")


def round_trip_bytes(site, tmp_path, name: str) -> tuple[bytes, str]:
    first = tmp_path / f"{name}-1.jsonl"
    call_command("export", site=site.slug, output=str(first))
    return first.read_bytes(), str(first)


def empty_discussions() -> None:
    from rostra.articles.models import Article
    from rostra.discussion.models import Vote

    Vote.objects.all().delete()
    Comment.objects.update(parent=None, root=None)
    Comment.objects.all().delete()
    Article.objects.all().delete()


def wipe(site) -> None:
    """An empty database, the site included: the restore makes the site from the header."""
    empty_discussions()
    site.delete()


@pytest.mark.parametrize("source", ["page", "disqus", "wxr", "isso-json", "remark42", "commento"])
def test_export_import_export_gives_the_same_bytes(site, tmp_path, source, make_comment, article,
                                                   django_user_model):
    """Import a real file of each format (or write comments in Rostra), export, restore into an
    empty database, export again: byte for byte the same."""
    files = {
        "page": FOUNDING_PAGE,
        "disqus": SHARED / "fixtures" / "isso" / "disqus.xml",
        "wxr": SHARED / "fixtures" / "isso" / "wordpress.xml",
        "isso-json": SHARED / "fixtures" / "isso" / "generic.json",
        "remark42": SHARED / "fixtures" / "remark42" / "remark42-backup-v1.jsonl",
        "commento": next((SHARED / "fixtures" / "remark42").glob("commento*.json")),
    }
    call_command("import", str(files[source]), site=site.slug, format=source, stdout=StringIO())
    top = make_comment(body="Written *in Rostra*, üñíçødé and <b>tags</b>")
    make_comment(parent=top, body="A reply")
    Comment.objects.filter(pk=top.pk).update(upvotes=3, downvotes=1, score=2)
    before, path = round_trip_bytes(site, tmp_path, "before")
    slug = site.slug
    wipe(site)
    call_command("import", path, site=slug, stdout=StringIO())  # recognised as Rostra's format
    from rostra.sites.models import Site

    after, _ = round_trip_bytes(Site.objects.get(slug=slug), tmp_path, "after")
    assert after == before
    out = StringIO()
    call_command("import", path, site=slug, stdout=out)  # a second restore adds nothing
    assert "comments: 0 imported" in out.getvalue() and "articles: 0 imported" in out.getvalue()


def test_a_bad_export_line_is_reported_and_stop_keeps_nothing(site, tmp_path, make_comment):
    make_comment()
    data, path = round_trip_bytes(site, tmp_path, "x")
    lines = data.decode().splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([lines[0], lines[1], "{not json", *lines[2:]]) + "\n")
    empty_discussions()
    from rostra.articles.models import Article

    with pytest.raises(CommandError, match="line 3: not JSON"):
        call_command("import", str(broken), site=site.slug, on_error="stop", stdout=StringIO())
    assert Comment.objects.count() == 0 and Article.objects.count() == 0
    out = StringIO()
    call_command("import", str(broken), site=site.slug, stdout=out)
    assert "skipped line 3: not JSON" in out.getvalue() and Comment.objects.count() == 1
    newer = tmp_path / "v2.jsonl"
    newer.write_text(lines[0].replace('"version": 1', '"version": 2') + "\n")
    with pytest.raises(CommandError, match="version 2 of Rostra's export format"):
        call_command("import", str(newer), site=site.slug, stdout=StringIO())


def test_restoring_into_a_database_whose_ids_are_taken_twice_adds_nothing(site, tmp_path, make_comment,
                                                                          article):
    """Another installation's export (or a copy of a site into another): every id is taken, so
    articles and comments get new ids, and a second run must still find them."""
    call_command("import", str(FOUNDING_PAGE), site=site.slug, stdout=StringIO())
    top = make_comment(body="Written in Rostra")
    make_comment(parent=top, body="A reply")
    _, path = round_trip_bytes(site, tmp_path, "original")
    before = Comment.objects.count()
    for run in ("first", "second"):
        out = StringIO()
        call_command("import", path, site="copy", stdout=out)
        if run == "first":
            assert f"comments: {before} imported" in out.getvalue()
        else:
            assert "comments: 0 imported" in out.getvalue() and "articles: 0 imported" in out.getvalue()
    copied = Comment.objects.filter(thread__site__slug="copy")
    assert copied.count() == before
    reply = copied.get(body_source="A reply")
    assert reply.parent.body_source == "Written in Rostra" and reply.parent.thread_id == reply.thread_id


def test_two_lines_with_one_source_id_keep_the_first_and_say_so(site, tmp_path):
    call_command("import", str(SHARED / "fixtures" / "isso" / "disqus.xml"), site=site.slug,
                 stdout=StringIO())
    data, path = round_trip_bytes(site, tmp_path, "x")
    lines = data.decode().splitlines()
    at = next(n for n, line in enumerate(lines) if '"type": "comment"' in line)
    first = json.loads(lines[at])
    copy = {**first, "id": 99_999, "parent": None, "body_source": "a second line for one comment"}
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join([*lines[:at + 1], json.dumps(copy), *lines[at + 1:]]) + "\n")
    empty_discussions()
    out = StringIO()
    call_command("import", str(edited), site=site.slug, stdout=out)
    assert f"has the source id of comment {first['id']}" in out.getvalue()
    assert not Comment.objects.filter(body_source="a second line for one comment").exists()
