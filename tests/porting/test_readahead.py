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
    records = readahead.ReadAhead(FIXTURES / "isso/disqus.xml", "disqus")
    seen = list(records)
    assert seen and records.position() == (FIXTURES / "isso/disqus.xml").stat().st_size
    assert all(r.body_html is not None for r in seen if hasattr(r, "body_html"))


LOCAL_TIMES = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<link>https://blog.example</link>
<item><title>Local times</title><link>https://blog.example/local/</link><wp:post_id>7</wp:post_id>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Ann</wp:comment_author>
<wp:comment_date>2019-07-01 09:30:00</wp:comment_date><wp:comment_content>Local only.</wp:comment_content>
</wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Bo</wp:comment_author>
<wp:comment_date>2019-07-01 09:45:00</wp:comment_date>
<wp:comment_date_gmt>2019-07-01 13:45:00</wp:comment_date_gmt>
<wp:comment_content>Both.</wp:comment_content></wp:comment>
</item></channel></rss>
"""


@pytest.fixture
def early(monkeypatch):
    """Reading ahead for any file, as `rostra import` starts it before Django (rostra.cli)."""
    monkeypatch.setattr(readahead, "WORTH_IT", 0)
    yield readahead
    if readahead._early is not None:  # a test that left one behind
        readahead._early.stop()
        readahead._early = None


def test_a_reader_started_before_the_site_was_known_gets_its_time_zone(make_site, tmp_path, early):
    export = tmp_path / "local.xml"
    export.write_text(LOCAL_TIMES)
    early.start_early([str(export), "--site", "news", "--progress", "never"])
    started = early._early
    assert started is not None and started.site is None and started.child.is_alive()
    site = make_site(slug="news", timezone="America/New_York")
    records = early.reading_ahead(export, "wxr", site)
    assert records is started
    created = {r.source_id: r.created for r in records if hasattr(r, "created")}
    assert created["1"].utcoffset().total_seconds() == -4 * 3600  # New York's summer time
    assert created["1"].hour == 9 and created["2"].utcoffset().total_seconds() == 0
    assert not started.child.is_alive()


def test_a_reader_that_needs_the_sites_address_at_once_waits_for_it(make_site, early):
    path = FIXTURES / "isso/generic.json"
    early.start_early(["--format", "isso-json", str(path)])  # options before the file, too
    site = make_site(slug="news", domains=["blog.example"])
    articles = [r for r in early.reading_ahead(path, "isso-json", site) if hasattr(r, "url")]
    assert articles and all(a.url.startswith(site.base_url + "/") for a in articles)


def test_an_early_start_that_guessed_wrong_is_stopped_and_the_command_reads_itself(site, early):
    path = FIXTURES / "isso/disqus.xml"
    early.start_early([str(path)])
    guessed = early._early
    assert guessed is not None and guessed.format == "disqus"
    records = early.reading_ahead(FIXTURES / "schnack/disqus.xml", "disqus", site)
    assert records is not guessed and not guessed.child.is_alive()
    assert list(records)


@pytest.mark.parametrize("argv", [[], ["--format", "nonsense", "x.xml"], ["no-such-file.xml"],
                                  ["--site"], [str(FIXTURES / "pages/raqqa-convoys.txt")]])
def test_arguments_the_command_will_refuse_start_nothing_early(argv, early):
    early.start_early(argv)
    assert early._early is None


def test_a_site_zone_this_system_does_not_know_fails_only_where_a_reader_needs_it(make_site, tmp_path,
                                                                                   early):
    export = tmp_path / "local.xml"
    export.write_text(LOCAL_TIMES)
    site = make_site(slug="news")
    site.timezone = "Nowhere/Atlantis"  # an edited row, or older tzdata than the one that saved it
    early.start_early([str(export)])
    with pytest.raises(Exception, match="Nowhere/Atlantis"):
        list(early.reading_ahead(export, "wxr", site))  # comment 1 gives local time alone
    early.start_early([str(FIXTURES / "isso/disqus.xml")])
    path = FIXTURES / "isso/disqus.xml"
    assert list(early.reading_ahead(path, "disqus", site))  # a Disqus reader never asks
