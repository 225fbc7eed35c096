"""rostra export --format rostra: one JSON object per line, parents before replies, nothing left out."""

import json

import pytest
from django.core.management import CommandError, call_command

from rostra.discussion.models import Comment
from tests.conftest import FOUNDING_PAGE


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
