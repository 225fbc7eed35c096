"""Remark42 backups and Isso's generic JSON, on the real files from those projects' tests."""

import io

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.jsonformats import read_remark42
from rostra.porting.load import load_records
from rostra.porting.records import SourceError
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures are not beside this checkout")


def test_remark42_backup_keeps_pages_parents_and_html(site, capsys):
    call_command("import", str(FIXTURES / "remark42/remark42-backup-v1.jsonl"), site=site.slug)
    assert "(remark42)" in capsys.readouterr().out
    assert set(Article.objects.values_list("url", flat=True)) == {"https://radio-t.com/",
                                                                   "https://radio-t.com/2"}
    first = Comment.objects.get(source_id="efbc17f177ee1a1c0ee6e1e025749966ec071adc")
    assert first.author_name == "user name"
    assert first.body_html == 'some text, <a href="http://radio-t.com" rel="nofollow ugc noopener">link</a>'
    orphan = Comment.objects.get(source_id="f863bd79-fec6-4a75-b308-61fe5dd02aa1")
    assert orphan.parent.is_placeholder  # its parent "1234" is not in the backup
    call_command("import", str(FIXTURES / "remark42/remark42-backup-v1.jsonl"), site=site.slug)
    assert "comments: 0 imported, 2 already here" in capsys.readouterr().out


def test_isso_generic_json_becomes_threads_on_the_sites_address(make_site, capsys):
    site = make_site(slug="blog", domains=["blog.example.org"])
    call_command("import", str(FIXTURES / "isso/generic.json"), site=site.slug)
    assert "(isso-json)" in capsys.readouterr().out
    urls = sorted(Article.objects.values_list("url", flat=True))
    assert urls == ["https://blog.example.org/posts/0001/", "https://blog.example.org/posts/0007/"]
    comment = Comment.objects.get(author_name="Richard Crinshaw")
    assert comment.body_html == "<p>Ja-make-a me crazzy mon :)</p>" and comment.created.year == 2005


BACKUP = ('{"version":1,"users":[],"posts":[]}\n'
          '{"id": "a", "locator": {"url": "https://news.example.org/p"}, "text": "kept"}\n'
          '{oops\n'
          '{"id": "b", "locator": {"url": "https://news.example.org/p"}, "text": "kept too"}\n')


def test_a_bad_line_is_skipped_with_its_number(site):
    report = load_records(site, read_remark42(io.StringIO(BACKUP)))
    assert report.skipped == ["line 3: this line is not JSON (Expecting property name enclosed in "
                              "double quotes)"]
    assert sorted(Comment.objects.values_list("source_id", flat=True)) == ["a", "b"]


def test_a_bad_line_stops_everything_when_told_to(site):
    with pytest.raises(SourceError, match="line 3: this line is not JSON"):
        load_records(site, read_remark42(io.StringIO(BACKUP)), on_error="stop")
    assert not Comment.objects.exists() and not Article.objects.exists()


def test_unknown_json_is_refused_by_name(site, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"something": "else"}')
    with pytest.raises(CommandError, match="cannot import yet"):
        call_command("import", str(path), site=site.slug)


@pytest.mark.parametrize(("name", "count"), [("remark42/commento.json", 3),
                                             ("remark42/commento-api-import.json", 7)])
def test_commento_exports_keep_every_comment_author_and_parent(site, name, count, capsys):
    import json

    export = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert len(export["comments"]) == count
    call_command("import", str(FIXTURES / name), site=site.slug)
    assert "(commento)" in capsys.readouterr().out
    assert Comment.objects.filter(is_placeholder=False).count() == count
    names = {p["commenterHex"]: p["name"] for p in export["commenters"]}
    for source in export["comments"]:
        stored = Comment.objects.get(source_id=source["commentHex"])
        assert stored.author_name == names.get(source["commenterHex"], "Anonymous")
        if source["parentHex"] != "root":
            assert stored.parent.source_id == source["parentHex"] or stored.parent.is_placeholder
    call_command("import", str(FIXTURES / name), site=site.slug)
    assert f"comments: 0 imported, {count} already here" in capsys.readouterr().out


@pytest.mark.parametrize(("fmt", "content", "message"), [
    ("commento", b'{"comments": [{"commentHex": "a", "markdown": "hi"', "not JSON within its first"),
    ("commento", b"[1, 2]", "expected an object at the top of the file"),
    ("isso-json", b'{"id": "/a/"}', "expected a list at the top of the file"),
    ("isso-json", b'[{"id": "/a/", "comments": [', "not JSON within its first"),
])
def test_json_read_incrementally_still_says_what_is_wrong(site, tmp_path, fmt, content, message):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import", str(path), format=fmt, site=site.slug, on_error="stop")
