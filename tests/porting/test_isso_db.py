"""Importing an Isso database made by a real Isso 0.14 server: every comment, parent, mode and count."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from tests.isso_server import Peer, free_port, running_isso

ORIGIN = f"http://127.0.0.1:{free_port()}"  # Isso's `host`: where its pages live (nothing serves it)


@pytest.fixture(scope="module")
def isso_db(tmp_path_factory):
    """An Isso database filled through Isso's own API: two threads, replies, a reply to a reply,
    an author's escaped name, likes and dislikes from other addresses, and deletions."""
    directory = tmp_path_factory.mktemp("isso")
    with running_isso(directory, origin=ORIGIN) as (url, db):
        author, voter, other_voter = Peer(url), Peer(url, "127.0.1.1"), Peer(url, "127.0.2.1")

        def new(uri, text, parent=None, name="Ann", **fields):
            answer = author.request("POST", f"/new?uri={uri}", {
                "text": text, "author": name, "title": f"Title of {uri}", "parent": parent, **fields})
            assert answer.status == 201, answer.body
            return answer.json()["id"]

        first = new("/one/", "First *comment*", email="ann@example.org", website="example.org")
        reply = new("/one/", "A reply", parent=first, name="Bob & <Co>")
        new("/one/", "A reply to the reply", parent=reply, name="Cy")
        lone = new("/one/", "Soon deleted, no replies")
        doomed = new("/one/", "Soon deleted, with a reply")
        new("/one/", "Reply under the deleted one", parent=doomed)
        new("/two/", "On another page", name="Dee")
        for peer in (voter, other_voter):
            assert peer.request("POST", f"/id/{first}/like").status == 200
        voter.request("POST", f"/id/{reply}/dislike")
        assert author.request("DELETE", f"/id/{lone}").json() is None
        assert author.request("DELETE", f"/id/{doomed}").json()["mode"] == 4
        listing = {uri: author.request("GET", f"/?uri={uri}&plain=1").json() for uri in ("/one/", "/two/")}
    yield db, listing


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["127.0.0.1"], origins=[ORIGIN])


def isso_rows(db):
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT c.id, c.parent, c.mode, c.text, c.likes, c.dislikes, t.uri FROM comments c "
            "JOIN threads t ON t.id = c.tid ORDER BY c.id").fetchall()


def run_import(path, *extra):
    out = StringIO()
    call_command("import", str(path), "--site", "news", *extra, stdout=out)
    return out.getvalue()


def test_every_comment_parent_mode_and_count_comes_over(site, isso_db):
    db, _ = isso_db
    rows = isso_rows(db)
    out = run_import(db)  # the format is recognised from the file
    assert "(isso-db)" in out and f"comments: {len(rows)} imported" in out
    assert Article.objects.count() == 2
    by_source = {c.source_id: c for c in Comment.objects.all()}
    assert set(by_source) == {str(row[0]) for row in rows}
    for cid, parent, mode, text, likes, dislikes, uri in rows:
        comment = by_source[str(cid)]
        assert comment.thread.url == ORIGIN + uri
        assert (comment.parent.source_id if comment.parent else None) == (str(parent) if parent else None)
        assert comment.state == {1: "visible", 2: "pending", 4: "deleted"}[mode]
        assert (comment.upvotes, comment.downvotes) == (likes, dislikes)
        assert comment.body_source == text and comment.source == "isso"
    names = {c.author_name for c in by_source.values()}
    assert "Bob & <Co>" in names  # Isso stored it escaped; Rostra keeps what was typed
    first = Comment.objects.get(body_source="First *comment*")
    assert first.author_email == "ann@example.org" and first.author_website == "http://example.org"
    assert first.body_html == "<p>First <em>comment</em></p>"
    assert Article.objects.get(url=ORIGIN + "/one/").title == "Title of /one/"


def test_rostra_s_isso_api_then_answers_as_isso_did(site, isso_db, client):
    db, listing = isso_db
    run_import(db)
    for uri, isso_body in listing.items():
        rostra_body = client.get("/isso/news/", {"uri": uri, "plain": 1}).json()
        assert shape(rostra_body) == shape(isso_body)


def shape(body):
    """What a reader sees of a listing: texts, modes, votes and the reply arithmetic, without ids."""
    return {
        "total": body["total_replies"], "hidden": body["hidden_replies"],
        "replies": [
            (c["text"], c["mode"], c["likes"], c["dislikes"], c.get("total_replies"),
             c.get("hidden_replies"), [(r["text"], r["mode"]) for r in c.get("replies", [])])
            for c in body["replies"]
        ],
    }


def test_importing_twice_adds_nothing(site, isso_db):
    db, _ = isso_db
    run_import(db, "--format", "isso-db")
    count = Comment.objects.count()
    out = run_import(db, "--format", "isso-db")
    assert Comment.objects.count() == count
    assert f"comments: 0 imported, {count} already here" in out


def test_a_sqlite_file_that_is_not_isso_s_is_refused(site, tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(CommandError, match="no 'threads' table: it is not Isso's"):
        run_import(other, "--format", "isso-db")
    text_file = tmp_path / "comments.db"
    text_file.write_text("just text")
    with pytest.raises(CommandError, match="not an SQLite database"):
        run_import(text_file, "--format", "isso-db")
    assert Comment.objects.count() == 0 and Article.objects.count() == 0


def test_a_damaged_database_is_refused_and_nothing_imported(site, isso_db, tmp_path):
    db, _ = isso_db
    damaged = tmp_path / "damaged.db"
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page + 100, len(data), 7):  # scribble over every page after the first
        data[offset] = 0xA5
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"the database is damaged .*Nothing was imported"):
        run_import(damaged, "--format", "isso-db")
    assert Comment.objects.count() == 0 and Article.objects.count() == 0
