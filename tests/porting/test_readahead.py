"""Reading ahead in a second process (large files) imports exactly what reading in one process does."""

import pytest
from django.core.management import CommandError, call_command

from rostra.discussion.models import Comment
from rostra.porting import readahead
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures are not beside this checkout")

FILES = [
    "isso/disqus.xml",
    "schnack/disqus.xml",
    "wordpress-importer/theme-unit-test-data.xml",
    "isso/wordpress.xml",
    "remark42/remark42-backup-v1.jsonl",
    "remark42/commento.json",
    "isso/generic.json",
    "praw-reddit/reddit-comments-3hahrw-full-thread.json",
]
BROKEN = ["remark42/disqus.xml", "wordpress-importer/malformed.xml"]


def imported(site) -> list[tuple]:
    return list(Comment.objects.filter(thread__site=site).order_by("thread__source_id", "path").values_list(
        "thread__title", "source_id", "parent__source_id", "depth", "author_name",
        "author_email", "author_website", "body_source", "body_html", "state", "created", "edited",
        "upvotes", "is_placeholder"))


def run_import(site, path, capsys, *, ahead: bool, monkeypatch, **options) -> tuple[str, list]:
    monkeypatch.setattr(readahead, "WORTH_IT", 0 if ahead else 1 << 60)
    monkeypatch.setattr(readahead, "CHUNK", 3)  # many messages, even for a small file
    try:
        call_command("import", str(path), site=site.slug, **options)
        failure = ""
    except CommandError as exc:
        failure = str(exc)
    out = capsys.readouterr().out
    return out.replace(f"site '{site.slug}'", "site"), failure


def two_sites(make_site):
    return make_site(slug="inline", domains=["a.example"]), make_site(slug="ahead", domains=["b.example"])


@pytest.mark.parametrize("name", FILES + BROKEN)
def test_reading_ahead_imports_what_reading_inline_imports(make_site, name, capsys, monkeypatch):
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name} is not among the fixtures")
    inline, ahead = two_sites(make_site)
    said_inline = run_import(inline, path, capsys, ahead=False, monkeypatch=monkeypatch)
    said_ahead = run_import(ahead, path, capsys, ahead=True, monkeypatch=monkeypatch)
    assert said_ahead == said_inline
    assert imported(ahead) == imported(inline)
    assert imported(inline) or name in BROKEN


@pytest.mark.parametrize("name", BROKEN)
def test_a_file_that_breaks_off_imports_nothing_when_told_to_stop(make_site, name, capsys, monkeypatch):
    site, _ = two_sites(make_site)
    out, failure = run_import(site, FIXTURES / name, capsys, ahead=True, monkeypatch=monkeypatch,
                              on_error="stop")
    assert "Nothing was imported" in failure and "line" in failure
    assert not Comment.objects.exists()


def test_a_byte_that_is_not_utf8_is_reported_as_in_one_process(make_site, tmp_path, capsys, monkeypatch):
    lines = (FIXTURES / "remark42/remark42-backup-v1.jsonl").read_bytes().splitlines(keepends=True)
    broken = tmp_path / "backup.jsonl"
    broken.write_bytes(b"".join(lines[:3]) + b'{"id": "\xff\xfe"}\n' + b"".join(lines[3:]))
    inline, ahead = two_sites(make_site)
    said_inline = run_import(inline, broken, capsys, ahead=False, monkeypatch=monkeypatch)
    said_ahead = run_import(ahead, broken, capsys, ahead=True, monkeypatch=monkeypatch)
    assert said_ahead == said_inline and "cannot be read" in said_inline[1]


def test_records_cross_in_chunks_with_the_bytes_read_so_far(tmp_path):
    from rostra.porting.disqus import read_disqus

    records = readahead.ReadAhead(FIXTURES / "isso/disqus.xml", read_disqus)
    seen = list(records)
    assert seen and records.position() == (FIXTURES / "isso/disqus.xml").stat().st_size
    assert all(r.body_html is not None for r in seen if hasattr(r, "body_html"))
