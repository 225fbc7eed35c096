"""The Disqus importer, on real Disqus exports from other projects' test suites."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.disqus import read_disqus
from rostra.porting.records import ArticleRecord, CommentRecord, SourceError
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
EXPORTS = ["isso/disqus.xml", "schnack/disqus.xml", "disqus2duoshuo/disqus.xml"]
# Remark42's test exports end with an unquoted attribute (`<thread dsq:id=247937687/>`): not XML.
BROKEN = ["remark42/disqus.xml", "remark42/disqus-deleted-post.xml", "remark42/disqus-deleted-thread.xml"]
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures are not beside this checkout")


def counted_in_the_file(path: Path) -> tuple[int, int]:
    """Threads and posts, counted from the text itself (not by the importer)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    threads = re.findall(r'<thread dsq:id="[^"]*"\s*>', text)  # not the <thread dsq:id="…"/> references
    return len(threads), len(re.findall(r"<post dsq:id=", text))


@pytest.mark.parametrize("name", EXPORTS)
def test_reader_yields_every_thread_and_post_of_the_file(name):
    path = FIXTURES / name
    with path.open("rb") as stream:
        records = list(read_disqus(stream))
    threads = sum(isinstance(r, ArticleRecord) for r in records)
    posts = sum(isinstance(r, CommentRecord) for r in records)
    assert (threads, posts) == counted_in_the_file(path)


@pytest.mark.parametrize("name", EXPORTS)
def test_import_stores_each_post_once_and_twice_adds_nothing(site, name, capsys):
    path = FIXTURES / name
    call_command("import", str(path), site=site.slug)
    first = capsys.readouterr().out
    stored = Comment.objects.filter(is_placeholder=False).count()
    threads, posts = counted_in_the_file(path)
    skipped = int(m.group(1)) if (m := re.search(r"skipped: (\d+)", first)) else 0
    assert stored + skipped == posts
    call_command("import", str(path), site=site.slug)
    again = capsys.readouterr().out
    assert "comments: 0 imported" in again and Comment.objects.filter(is_placeholder=False).count() == stored


def test_isso_fixture_keeps_parents_states_and_orphans_out(site, capsys):
    call_command("import", str(FIXTURES / "isso/disqus.xml"), site=site.slug)
    out = capsys.readouterr().out
    assert "(disqus)" in out and "skipped: 1" in out and "1337" in out  # the orphan post
    reply = Comment.objects.get(source_id="5")
    assert reply.parent.source_id == "4" and reply.body_html == "<p>Hello, World.</p>"
    deleted = Comment.objects.get(source_id="9")
    assert deleted.state == "deleted"
    under_deleted = Comment.objects.get(source_id="11")
    assert under_deleted.parent_id == deleted.pk
    thread = Article.objects.get(source_id="2")
    assert thread.url == "http://example.org/" and thread.title == "Hello, World!"
    assert thread.comment_count == 3  # 4, 5, 11 visible; 9 deleted


def test_reply_before_its_parent_waits_for_it(site):
    from rostra.porting.load import load_records

    xml = b"""<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <thread dsq:id="t"><link>https://news.example.org/a</link><title>A</title></thread>
      <post dsq:id="child"><message>child</message><author><name>c</name></author>
        <thread dsq:id="t"/><parent dsq:id="parent"/></post>
      <post dsq:id="parent"><message>parent</message><author><name>p</name></author>
        <thread dsq:id="t"/></post>
    </disqus>"""
    report = load_records(site, read_disqus(io.BytesIO(xml)))
    assert report.placeholders_created == 0
    assert Comment.objects.get(source_id="child").parent.source_id == "parent"


@pytest.mark.parametrize(("link", "stored"), [
    ("javascript:alert(1)", ""), ("data:text/html,<script>alert(1)</script>", ""), ("not a url", ""),
    ("HTTPS://News.Example.org/a#comments", "https://news.example.org/a"),
])
def test_only_http_page_addresses_are_kept(site, link, stored):
    from xml.sax.saxutils import escape

    from rostra.porting.load import load_records

    xml = f"""<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <thread dsq:id="t"><link>{escape(link)}</link><title>A</title></thread></disqus>""".encode()
    load_records(site, read_disqus(io.BytesIO(xml)))
    assert Article.objects.get(source_id="t").url == stored


def test_broken_xml_names_its_line_and_imports_nothing(site, tmp_path):
    path = tmp_path / "cut.xml"
    path.write_bytes((FIXTURES / "isso/disqus.xml").read_bytes()[:1500])
    with pytest.raises(CommandError, match=r"line \d+: the XML is not well-formed.*Nothing was imported"):
        call_command("import", str(path), format="disqus", site=site.slug, on_error="stop")
    assert not Comment.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("name", BROKEN)
def test_export_that_breaks_off_imports_nothing_when_told_to_stop(site, name):
    with pytest.raises(CommandError, match=r"line 147: the XML is not well-formed.*Nothing was imported"):
        call_command("import", str(FIXTURES / name), site=site.slug, on_error="stop")
    assert not Comment.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize("name", BROKEN)
def test_export_that_breaks_off_keeps_what_came_before_and_fails(site, name, capsys):
    with pytest.raises(CommandError, match=r"could not be read to its end \(line 147"):
        call_command("import", str(FIXTURES / name), site=site.slug)
    out = capsys.readouterr().out
    assert "what came before was imported" in out
    skipped = int(m.group(1)) if (m := re.search(r"skipped: (\d+)", out)) else 0
    before_the_break = "\n".join((FIXTURES / name).read_text(encoding="utf-8").splitlines()[:146])
    complete_posts = before_the_break.count("</post>")
    assert complete_posts == 5 and skipped == 1  # one post of the file has no dsq:id
    assert Comment.objects.filter(is_placeholder=False).count() == complete_posts - skipped


def test_reader_refuses_xml_that_is_not_a_disqus_export():
    with pytest.raises(SourceError, match="not a Disqus export"):
        list(read_disqus(io.BytesIO(b"<rss><channel/></rss>")))


def test_stray_characters_before_the_xml_declaration_are_passed_over(site):
    records = list(read_disqus(io.BytesIO(b"`\n" + (FIXTURES / "isso/disqus.xml").read_bytes())))
    assert sum(isinstance(r, CommentRecord) for r in records) == 6


def test_posts_without_an_id_are_skipped_with_the_reason(site):
    from rostra.porting.load import load_records

    xml = b"""<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <thread dsq:id="t"><link>https://news.example.org/a</link><title>A</title></thread>
      <post><message>one</message><author><name>a</name></author><thread dsq:id="t"/></post>
      <post><message>two</message><author><name>b</name></author><thread dsq:id="t"/></post>
    </disqus>"""
    report = load_records(site, read_disqus(io.BytesIO(xml)))
    assert len(report.skipped) == 2 and "without an id" in report.skipped[0]
    assert not Comment.objects.exists()


def test_a_newer_export_applies_edits_and_deletions_and_adds_only_what_is_new(site, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from rostra.articles.models import Article
    from rostra.discussion.models import Comment

    def export(posts):
        body = "".join(
            f'<post dsq:id="{pid}"><message><![CDATA[<p>{words}</p>]]></message>'
            f"<createdAt>2024-01-0{n + 1}T10:00:00Z</createdAt><isDeleted>{deleted}</isDeleted>"
            f"<isSpam>false</isSpam><author><name>A{pid}</name></author>"
            f'<thread dsq:id="t1"/>{parent}</post>'
            for n, (pid, words, deleted, parent) in enumerate(posts))
        path = tmp_path / "export.xml"
        path.write_text('<?xml version="1.0"?><disqus xmlns="http://disqus.com" '
                        'xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="t1">'
                        "<link>https://news.example.org/a/</link><title>A</title></thread>"
                        f"{body}</disqus>")
        out = StringIO()
        call_command("import", str(path), site=site.slug, stdout=out)
        return out.getvalue()

    export([("p1", "First words", "false", ""), ("p2", "Second words", "false", "")])
    from rostra.moderation.actions import mark_spam

    mark_spam(Comment.objects.get(source_id="p2"), actor=None)  # a Rostra moderator took it down
    out = export([
        ("p1", "First words, corrected", "false", ""),
        ("p2", "Second words", "false", ""),
        ("p3", "A new reply", "false", '<parent dsq:id="p1"/>'),
    ])
    assert "comments: 1 imported, 2 already here (1 of those already here changed" in out
    first = Comment.objects.get(source_id="p1")
    assert first.body_html == "<p>First words, corrected</p>" and first.edited is not None
    assert Comment.objects.get(source_id="p2").state == Comment.State.SPAM  # not put back up
    out = export([("p1", "First words, corrected", "true", ""), ("p3", "A new reply", "false", "")])
    assert Comment.objects.get(source_id="p1").state == Comment.State.DELETED
    assert Comment.objects.count() == 3
    assert Article.objects.get().comment_count == 1  # only the reply is still visible


def test_comments_by_an_account_s_email_are_linked_to_the_account(site, django_user_model):
    from django.core.management import call_command

    from rostra.discussion.models import Comment

    peter = django_user_model.objects.create_user("peter", email="FOO@bar.com")
    call_command("import", str(FIXTURES / "isso/disqus.xml"), site=site.slug)
    linked = Comment.objects.filter(user=peter)
    assert linked.exists()
    assert set(linked.values_list("author_email", flat=True)) == {"foo@bar.com"}
    assert not Comment.objects.filter(user__isnull=False).exclude(author_email__iexact="foo@bar.com")
