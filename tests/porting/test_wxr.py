"""The WordPress (WXR) importer, on real exports from WordPress's and other projects' test suites."""

import re

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.wxr import _root_name
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures are not beside this checkout")
EXPORTS = [
    "isso/wordpress.xml", "wordpress-importer/theme-unit-test-data.xml",
    "wordpress-importer/valid-wxr-1.0.xml", "wordpress-importer/valid-wxr-1.1.xml",
    "wordpress-importer/slashes.xml", "wordpress-importer/small-export.xml",
    "wordpress-importer/test-serialized-comment-meta.xml", "wordpress-importer/wxr-with-sub-data.xml",
    "wordpress-importer/e2e-wxr-comprehensive.xml", "remark42/wordpress-wxr-xmlTestWP.xml",
    "hexo-migrator-wordpress/wordpress.xml",
    # WordPress's parser edge cases: posts only, no comments (so nothing to import, and no error)
    "wordpress-importer/cdata-edge.xml", "wordpress-importer/crazy-cdata-escaped.xml",
    "wordpress-importer/invalid-version-tag.xml", "wordpress-importer/missing-tags.xml",
    "wordpress-importer/missing-version-tag.xml", "wordpress-importer/wxr-utf-8-challenges.xml",
]
BROKEN = {  # not well-formed XML: refused with the line where it breaks
    "wordpress-importer/malformed.xml": 90,
    "wordpress-importer/crazy-cdata.xml": 18,
    "jekyll/wordpress-com-export.xml": 49,  # an undeclared namespace prefix
    "wordpress-importer/malformed-simple.xml": 14,  # ends in the middle
}


def counted_in_the_file(name: str) -> tuple[int, int]:
    """Comments and pingbacks/trackbacks, counted from the file's text (not by the importer)."""
    text = re.sub(r"<!--.*?-->", "", (FIXTURES / name).read_text(encoding="utf-8"), flags=re.S)
    blocks = re.findall(r"<wp:comment>(.*?)</wp:comment>", text, flags=re.S)
    pings = sum(bool(re.search(r"<wp:comment_type>\s*(<!\[CDATA\[)?\s*(pingback|trackback)", b))
                for b in blocks)
    return len(blocks) - pings, pings


@pytest.mark.parametrize("name", EXPORTS)
def test_every_comment_is_imported_once_and_pingbacks_are_counted_apart(site, name, capsys):
    call_command("import", str(FIXTURES / name), site=site.slug)
    out = capsys.readouterr().out
    comments, pings = counted_in_the_file(name)
    stored = Comment.objects.filter(is_placeholder=False).count()
    assert stored == comments
    if pings:
        assert f"not comments (pingbacks, trackbacks): {pings}" in out
    call_command("import", str(FIXTURES / name), site=site.slug)
    assert "comments: 0 imported" in capsys.readouterr().out
    assert Comment.objects.filter(is_placeholder=False).count() == comments


def test_isso_fixture_keeps_threads_parents_authors_and_times(site):
    call_command("import", str(FIXTURES / "isso/wordpress.xml"), site=site.slug)
    thread = Article.objects.get(url="http://example.tld/2014/test/")
    reply = Comment.objects.get(thread=thread, source_id="8")
    assert reply.parent.source_id == "7" and reply.parent.parent.source_id == "6"
    first = Comment.objects.get(thread=thread, source_id="2")
    assert (first.author_name, first.author_email, first.author_website) == (
        "Ohai", "test@example.org", "http://example.tld/")
    assert first.created.isoformat() == "2014-01-14T17:32:12+00:00"
    assert first.body_html == "<p>Erster!1</p>"


def test_deep_reply_chains_keep_their_depth(site):
    call_command("import", str(FIXTURES / "wordpress-importer/theme-unit-test-data.xml"), site=site.slug)
    assert max(Comment.objects.values_list("depth", flat=True)) >= 9


@pytest.mark.parametrize(("name", "line"), BROKEN.items())
def test_broken_exports_name_their_line_and_import_nothing(site, name, line):
    with pytest.raises(CommandError, match=rf"line {line}: the XML is not well-formed.*Nothing was imported"):
        call_command("import", str(FIXTURES / name), format="wxr", site=site.slug, on_error="stop")
    assert not Comment.objects.exists() and not Article.objects.exists()


def test_a_wxr_fragment_without_rss_or_namespace_is_recognised_and_refused_clearly(site):
    with pytest.raises(CommandError, match=r"this is not a WordPress export \(its root is not <rss>\)"):
        call_command("import", str(FIXTURES / "remark42/wordpress-wxr-xmlTestWPmd.xml"),
                     site=site.slug, on_error="stop")


@pytest.mark.parametrize(("head", "root"), [
    (b'<?xml version="1.0"?>\n<rss version="2.0">', "rss"),
    (b'<?xml version="1.0"?><!-- generator="WordPress/6.4" -->\n<!-- a > inside -->\r\n<rss>', "rss"),
    (b'<!DOCTYPE rss [<!ENTITY a "b">]>\n<rss\nversion="2.0">', "rss"),
    (b'<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com">', "disqus"),
    (b'<?xml version="1.0"?>\n<wp:comment>', "comment"),
    (b'<?xml version="1.0"?>\n<!-- a comment longer than the first bytes', None),
])
def test_the_root_is_read_from_the_first_bytes_whatever_comes_before_it(head, root):
    assert _root_name(head) == root


def test_dry_run_reports_and_writes_nothing(site, capsys):
    call_command("import", str(FIXTURES / "isso/wordpress.xml"), site=site.slug, dry_run=True)
    out = capsys.readouterr().out
    assert out.startswith("dry run, nothing written:") and "comments: 8 imported" in out
    assert not Comment.objects.exists() and not Article.objects.exists()
