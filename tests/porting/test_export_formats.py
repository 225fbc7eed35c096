"""rostra export --format disqus|wxr: well-formed files that hold every comment, that Rostra's own
importer brings back as the same trees, and that a real third-party importer (Isso's) accepts."""

import os
import re
import sqlite3
import subprocess
from datetime import UTC
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from rostra.articles.external import normalise_url
from rostra.articles.models import Article
from rostra.core.markup import sanitize_html
from rostra.discussion.edit import change_state
from rostra.discussion.models import Comment
from rostra.porting.disqus_export import article_link, article_time
from tests.conftest import at
from tests.isso_server import ISSO

DSQ = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
WP = "{http://wordpress.org/export/1.2/}"
# What each Rostra state comes back as after a trip through each format (placeholders: deleted).
BACK = {
    "disqus": {"visible": "visible", "deleted": "deleted", "spam": "spam", "pending": "deleted",
               "rejected": "deleted"},
    "wxr": {"visible": "visible", "deleted": "deleted", "spam": "spam", "pending": "pending",
            "rejected": "deleted"},
}


@pytest.fixture
def discussion(site, article, make_article, make_comment):
    """Three articles (`article`: hosted, unpublished, no comments) and a threaded discussion with
    every state."""
    elections = make_article(title="Выборы 2024: что известно & что нет", slug="vybory",
                             url="https://news.example.org/2024/elections?id=5",
                             published=at("2024-01-14 08:00"))
    letters = make_article(title="رسائل القراء", slug="letters", url="https://news.example.org/letters/",
                           published=at("2024-01-31 12:00"))
    c = {}

    def add(key, *, thread=elections, parent=None, when=None, **fields):
        c[key] = make_comment(thread=thread, parent=c.get(parent), created=when and at(when), **fields)

    add("top", author_name="Ирина", body="Первый комментарий.", when="2024-01-15 09:30",
        author_email="irina@example.org", author_website="https://irina.example.org/",
        address="198.51.100.4")
    add("script", parent="top", author_name="Mallory", when="2024-01-15 10:00",
        body="Look: <script>alert('x')</script> and ]]> too")
    add("chinese", parent="script", author_name="李雷", body="你好，世界 🎉", when="2024-01-15 11:00")
    add("deleted", parent="top", author_name="Gone", body="I take it back.", when="2024-01-15 12:00")
    add("under_deleted", parent="deleted", author_name="Stays", body="Still here.", when="2024-01-15 13:00")
    change_state(c["deleted"], "deleted")
    add("spam", author_name="Cheap pills", body="Buy now", when="2024-01-16 09:00", state="spam")
    add("pending", author_name="Newcomer", body="Awaiting a moderator", when="2024-01-17 09:00",
        state="pending")
    add("rejected", author_name="Troll", body="Rude words", when="2024-01-18 09:00", state="rejected")
    add("placeholder", author_name="Unknown", body="", body_format="plain", imported=True,
        is_placeholder=True, source="disqus", source_id="missing:77")
    add("imported", parent="placeholder", author_name="Old reader", body="<p>Réponse importée</p>",
        body_format="html", imported=True, source="disqus", source_id="78", when="2024-07-04 18:05")
    add("cdata", author_name="Tom & ]]> Jerry <3", body="x", when="2024-07-05 09:00",
        author_email="tom@example.org", address="2001:db8::1")
    # bodies Rostra renders never hold a raw "]]>", but an export must not trust that
    Comment.objects.filter(pk=c["cdata"].pk).update(body_html="<p>raw ]]> and ]]&gt; and ]]]]>!</p>")
    add("arabic", thread=letters, author_name="مريم", body="شكراً", when="2024-02-01 08:15")
    add("emoji", thread=letters, parent="arabic", author_name="Zoë", body="🙂 merci",
        author_website="https://zoe.example.org/", when="2024-02-02 20:45")
    add("timeless", thread=letters, parent="arabic", author_name="Undated", body="<p>When?</p>",
        body_format="html", imported=True, source="page", source_id="u1")
    return {key: Comment.objects.get(pk=comment.pk) for key, comment in c.items()}


def export(site, tmp_path, fmt, **options):
    path = tmp_path / f"export.{fmt}.xml"
    call_command("export", "--format", fmt, site=site.slug, output=str(path), **options)
    return path


def by_id(elements):
    return {e.get(DSQ_ID) or e.findtext(WP + "comment_id"): e for e in elements}


def test_disqus_export_is_well_formed_and_holds_every_thread_and_post(site, discussion, tmp_path):
    path = export(site, tmp_path, "disqus")
    root = ElementTree.parse(path).getroot()
    assert root.tag == DSQ + "disqus"
    threads, posts = by_id(root.findall(DSQ + "thread")), root.findall(DSQ + "post")
    assert len(root.findall(DSQ + "thread")) == Article.objects.filter(site=site).count() == 3
    assert len(posts) == Comment.objects.count() == 14
    posts = by_id(posts)
    elections = discussion["top"].thread
    thread = threads[str(elections.pk)]
    assert thread.findtext(DSQ + "link") == elections.url
    assert thread.findtext(DSQ + "title") == "Выборы 2024: что известно & что нет"
    assert thread.findtext(DSQ + "createdAt") == "2024-01-14T13:00:00Z"
    for key, comment in discussion.items():
        post = posts[str(comment.pk)]
        assert post.find(DSQ + "thread").get(DSQ_ID) == str(comment.thread_id)
        parent = post.find(DSQ + "parent")
        assert (parent.get(DSQ_ID) if parent is not None else None) == (
            str(comment.parent_id) if comment.parent_id else None), key
        flags = post.findtext(DSQ + "isDeleted"), post.findtext(DSQ + "isSpam")
        hidden = key in ("deleted", "spam", "pending", "rejected", "placeholder")
        assert flags == (str(hidden).lower(), str(key == "spam").lower()), key
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", post.findtext(DSQ + "createdAt"))
        assert post.findtext(f"{DSQ}author/{DSQ}name") == comment.author_name
        assert post.findtext(f"{DSQ}author/{DSQ}isAnonymous") == "true"
        assert (post.findtext(DSQ + "message") or "") == comment.body_html
    assert posts[str(discussion["top"].pk)].findtext(DSQ + "createdAt") == "2024-01-15T14:30:00Z"
    assert posts[str(discussion["imported"].pk)].findtext(DSQ + "createdAt") == "2024-07-04T22:05:00Z"
    # a comment without a time takes its parent's, at the top its first reply's: importers sorting
    # by time see it after its parent and before its replies
    assert posts[str(discussion["placeholder"].pk)].findtext(DSQ + "createdAt") == "2024-07-04T22:05:00Z"
    assert posts[str(discussion["timeless"].pk)].findtext(DSQ + "createdAt") == "2024-02-01T13:15:00Z"
    assert posts[str(discussion["top"].pk)].find(DSQ + "ipAddress") is None  # never exported
    assert posts[str(discussion["chinese"].pk)].find(DSQ + "ipAddress") is None
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "]]]]><![CDATA[>" in raw


def test_wxr_export_is_well_formed_with_local_and_utc_dates(site, discussion, tmp_path):
    path = export(site, tmp_path, "wxr")
    root = ElementTree.parse(path).getroot()
    channel = root.find("channel")
    assert root.tag == "rss" and channel.findtext(WP + "wxr_version") == "1.2"
    assert channel.findtext("link") == "https://testserver"
    items = {item.findtext(WP + "post_id"): item for item in channel.findall("item")}
    assert len(items) == 3
    elections = items[str(discussion["top"].thread_id)]
    assert elections.findtext(WP + "post_date") == "2024-01-14 08:00:00"  # New York, winter
    assert elections.findtext(WP + "post_date_gmt") == "2024-01-14 13:00:00"
    assert elections.findtext(WP + "post_type") == "post" and elections.findtext(WP + "status") == "publish"
    assert elections.findtext("pubDate") == "Sun, 14 Jan 2024 13:00:00 +0000"
    quiet = items[str(Article.objects.get(slug="the-article").pk)]
    assert quiet.findtext("link") == "https://testserver/a/the-article/"
    assert not quiet.findall(WP + "comment")
    comments = by_id(root.iter(WP + "comment"))
    assert len(comments) == 14
    approved = {"visible": "1", "pending": "0", "spam": "spam", "deleted": "trash", "rejected": "trash"}
    for key, comment in discussion.items():
        element = comments[str(comment.pk)]
        assert element.findtext(WP + "comment_parent") == str(comment.parent_id or 0), key
        assert element.findtext(WP + "comment_approved") == (
            "trash" if comment.is_placeholder else approved[comment.state]), key
        assert element.findtext(WP + "comment_author_url") == comment.author_website
        assert element.findtext(WP + "comment_type") == "comment"
    top, imported = comments[str(discussion["top"].pk)], comments[str(discussion["imported"].pk)]
    assert (top.findtext(WP + "comment_date"), top.findtext(WP + "comment_date_gmt")) == (
        "2024-01-15 09:30:00", "2024-01-15 14:30:00")
    assert (imported.findtext(WP + "comment_date"), imported.findtext(WP + "comment_date_gmt")) == (
        "2024-07-04 18:05:00", "2024-07-04 22:05:00")  # summer: four hours behind
    assert top.findtext(WP + "comment_author_IP") == ""  # never exported
    cdata = comments[str(discussion["cdata"].pk)]
    assert cdata.findtext(WP + "comment_author") == "Tom &amp; ]]&gt; Jerry &lt;3"  # as WordPress keeps it
    assert cdata.findtext(WP + "comment_content") == "<p>raw ]]> and ]]&gt; and ]]]]>!</p>"


@pytest.mark.parametrize("fmt", ["disqus", "wxr"])
def test_one_article_and_past_one_batch(site, discussion, tmp_path, fmt, monkeypatch):
    from rostra.porting import rostra_format

    monkeypatch.setattr(rostra_format, "BATCH", 2)
    letters = discussion["arabic"].thread
    root = ElementTree.parse(export(site, tmp_path, fmt, article=letters.url)).getroot()
    ids = {e.get(DSQ_ID) for e in root.iter(DSQ + "post")} | {
        e.findtext(WP + "comment_id") for e in root.iter(WP + "comment")}
    assert ids == {str(discussion[key].pk) for key in ("arabic", "emoji", "timeless")}
    root = ElementTree.parse(export(site, tmp_path, fmt)).getroot()
    assert len(list(root.iter(DSQ + "post"))) + len(list(root.iter(WP + "comment"))) == 14


def test_characters_xml_cannot_hold_are_left_out(site, make_comment, tmp_path):
    comment = make_comment(body="x")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>a\x00b\x0bc\ufffe</p>",
                                                 author_name="Bell\x07")
    for fmt in ("disqus", "wxr"):
        root = ElementTree.parse(export(site, tmp_path, fmt)).getroot()
        assert "<p>abc</p>" in {e.text for e in root.iter(DSQ + "message")} | {
            e.text for e in root.iter(WP + "comment_content")}


def expected_time(comment, discussion):
    if comment.created is not None:
        return comment.created.replace(microsecond=0)
    if comment.is_placeholder:
        return discussion["imported"].created  # at the top: its reply's time
    return comment.parent.created


@pytest.mark.parametrize("fmt", ["disqus", "wxr"])
def test_round_trip_through_rostras_importer_gives_the_same_trees(site, discussion, make_site,
                                                                  tmp_path, fmt, capsys):
    path = export(site, tmp_path, fmt)
    copy = make_site(slug="copy", name="Copy")
    call_command("import", str(path), "--format", fmt, "--site", copy.slug)
    assert "comments: 14 imported" in capsys.readouterr().out
    originals = Article.objects.filter(site=site)
    copies = {a.title: a for a in Article.objects.filter(site=copy)}
    with_comments = [a for a in originals if a.comments.exists()]
    assert len(copies) == (3 if fmt == "disqus" else 2)  # WXR readers take posts with comments
    for article in originals if fmt == "disqus" else with_comments:
        again = copies[article.title]
        assert again.url == normalise_url(article_link(site, article))
        assert again.published == article_time(article).replace(microsecond=0)
        # the same tree: the same comments in the same depth-first order, each at its depth
        before = list(article.comments.order_by("path"))
        after = list(again.comments.order_by("path").select_related("parent"))
        assert [c.source_id for c in after] == [str(c.pk) for c in before]
        for old, new in zip(before, after, strict=True):
            assert new.depth == old.depth
            assert (new.parent.source_id if new.parent else None) == (
                str(old.parent_id) if old.parent_id else None)
            assert new.state == ("deleted" if old.is_placeholder else BACK[fmt][old.state]), old.author_name
            assert new.created == expected_time(old, discussion)
            assert new.author_name == old.author_name and new.author_email == old.author_email
            assert new.author_website == (old.author_website if fmt == "wxr" else "")
            assert new.body_html == sanitize_html(old.body_html)
            assert new.body_format == "html" and not new.is_placeholder
            assert new.source == fmt
    shown = Comment.objects.filter(thread__site=copy, state="visible").count()
    assert shown == 9 and Article.objects.get(site=copy, url=discussion["top"].thread.url).comment_count == 6


ISSO_CONFIG = "[general]\ndbpath = {db}\nhost = https://news.example.org/\n"


def isso_import(tmp_path, path):
    """Import with Isso's own importer (format recognised from the file) into a fresh database."""
    db = tmp_path / f"isso-{path.name}.db"
    config = tmp_path / "isso.cfg"
    config.write_text(ISSO_CONFIG.format(db=db), encoding="utf-8")
    env = {**os.environ, "TZ": "UTC"}  # Isso reads export times with mktime: local time
    result = subprocess.run([str(ISSO), "-c", str(config), "import", "--empty-id", str(path)],
                            capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as connection:
        threads = dict(connection.execute("SELECT uri, title FROM threads").fetchall())
        rows = connection.execute(
            "SELECT c.mode, c.author, c.created, c.parent IS NOT NULL FROM comments c").fetchall()
    return result.stdout, threads, rows


def test_isso_imports_the_disqus_export(site, discussion, tmp_path):
    out, threads, rows = isso_import(tmp_path, export(site, tmp_path, "disqus"))
    assert "orphans" not in out and "couldn't" not in out
    assert threads == {"/2024/elections": "Выборы 2024: что известно & что нет", "/letters/": "رسائل القراء"}
    # Isso takes all 14 posts, then drops deleted ones nothing hangs from: the spam, pending and rejected
    # posts, and the deleted reply (Isso hangs replies under the top-level comment, so its reply moved
    # up). The placeholder stays, as a deleted comment (mode 4) with its reply under it.
    assert len(rows) == 10
    assert sorted(mode for mode, *_ in rows) == [1] * 9 + [4]
    names = {author for _, author, *_ in rows}
    assert {"Ирина", "李雷", "Stays", "Tom & ]]> Jerry <3", "مريم"} <= names
    assert not names & {"Cheap pills", "Newcomer", "Troll", "Gone"}
    created = {author: when for _, author, when, _ in rows}
    assert created["Ирина"] == discussion["top"].created.astimezone(UTC).timestamp()
    # script, chinese, under_deleted, imported, emoji, timeless
    assert sum(has_parent for *_, has_parent in rows) == 6


def test_isso_imports_the_wxr_export(site, discussion, tmp_path):
    out, threads, rows = isso_import(tmp_path, export(site, tmp_path, "wxr"))
    # Isso takes items with comments, keyed by their link's path and query
    assert set(threads) == {"/2024/elections?id=5", "/letters/"}
    assert len(rows) == 14
    # approved comments are published (mode 1), every other one waits for moderation (mode 2)
    assert sorted(mode for mode, *_ in rows) == [1] * 9 + [2] * 5
    created = {author: when for _, author, when, _ in rows}
    assert created["Old reader"] == discussion["imported"].created.astimezone(UTC).timestamp()
    assert sum(has_parent for *_, has_parent in rows) == 7
