"""Reddit threads (`.json` of a thread page) and /api/morechildren answers, on the real files PRAW
recorded; every count a test expects is taken from the file itself, by walking its JSON here."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from rostra.articles.models import Article
from rostra.discussion.models import Comment
from rostra.porting.load import load_records
from rostra.porting.reddit import read_reddit
from tests.conftest import SHARED

REDDIT = SHARED / "fixtures" / "praw-reddit"
THREADS = ["reddit-comments-3hahrw-full-thread.json", "reddit-comments-57dw9a-context.json",
           "reddit-comments-6wmniq-removed-comment.json"]
MORE = "reddit-morechildren-3hahrw.json"
pytestmark = pytest.mark.skipif(not REDDIT.exists(), reason="shared fixtures are not beside this checkout")


def things(node, kind: str) -> list[dict]:
    """The `data` of every thing of `kind` anywhere in the JSON."""
    found, todo = [], [node]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if node.get("kind") == kind:
                found.append(node["data"])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def load(name: str):
    return json.loads((REDDIT / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", THREADS)
def test_a_thread_keeps_every_comment_its_parent_and_says_what_it_lacks(site, name, capsys):
    data = load(name)
    post, comments, stubs = things(data[0], "t3")[0], things(data, "t1"), things(data, "more")
    call_command("import", str(REDDIT / name), site=site.slug)
    out = capsys.readouterr().out
    assert "(reddit)" in out  # recognised without --format
    assert f"comments: {len(comments)} imported" in out and f"skipped: {len(stubs)}" in out
    article = Article.objects.get()
    assert (article.source, article.source_id, article.title) == ("reddit", post["name"], post["title"])
    assert article.published == datetime.fromtimestamp(post["created_utc"], UTC)
    assert article.url == (f"https://www.reddit.com{post['permalink']}" if post["is_self"] else post["url"])
    stored = {c.source_id: c for c in Comment.objects.select_related("parent")}
    assert len(stored) == len(comments) and not any(c.is_placeholder for c in stored.values())
    for source in comments:
        comment = stored[source["name"]]
        assert comment.author_name == source["author"]
        assert comment.created == datetime.fromtimestamp(source["created_utc"], UTC)
        if source["parent_id"].startswith("t1_"):
            assert comment.parent.source_id == source["parent_id"]
        else:
            assert comment.parent is None
        if source["body"] in ("[deleted]", "[removed]"):
            assert (comment.state, comment.body_source) == ("deleted", "")
        else:
            assert (comment.state, comment.body_source) == ("visible", source["body"])
        assert comment.upvotes - comment.downvotes == source["score"]
    hidden = sum(stub["count"] for stub in stubs if stub["children"])
    assert out.count("not in this file (Reddit's 'load more'") == sum(1 for s in stubs if s["children"])
    assert sum(int(line.split(": ")[1].split()[0]) for line in out.splitlines()
               if "Reddit's 'load more'" in line) == hidden
    assert out.count("Reddit's 'continue this thread'") == sum(1 for s in stubs if not s["children"])

    call_command("import", str(REDDIT / name), site=site.slug)
    again = capsys.readouterr().out
    assert f"comments: 0 imported, {len(comments)} already here" in again
    assert "articles: 0 imported, 1 already here" in again
    assert Comment.objects.count() == len(comments) and Article.objects.count() == 1


def test_deleted_and_removed_comments_keep_their_place_without_their_text(site):
    call_command("import", str(REDDIT / THREADS[0]), site=site.slug)
    gone = [c for c in things(load(THREADS[0]), "t1") if c["body"] == "[deleted]"]
    assert gone  # the thread has them
    for source in gone:
        comment = Comment.objects.get(source_id=source["name"])
        assert (comment.state, comment.body_source, comment.author_name) == ("deleted", "", "[deleted]")
    replied = [c for c in gone if c["replies"] and things(c["replies"], "t1")]
    assert replied and all(Comment.objects.filter(parent__source_id=c["name"]).exists() for c in replied)


def test_the_removed_comment_file_imports_whole_without_the_removed_comment(site, capsys):
    # PRAW recorded this thread to show that a removed comment (dma3mi5) is missing from its thread
    data = load(THREADS[2])
    assert "dma3mi5" not in json.dumps(data)
    call_command("import", str(REDDIT / THREADS[2]), site=site.slug)
    assert not Comment.objects.filter(source_id__contains="dma3mi5").exists()
    assert not Comment.objects.filter(is_placeholder=True).exists()
    assert Comment.objects.count() == len(things(data, "t1"))


def test_a_removed_body_is_stored_as_deleted():
    thread = _thread([_comment("a", body="[removed]", author="someone"), _comment("b", parent="t1_a")])
    removed, reply = [r for r in read_reddit(io.StringIO(json.dumps(thread))) if hasattr(r, "body")][1:]
    assert (removed.state, removed.body, removed.author_name) == ("deleted", "", "someone")
    assert reply.parent_source_id == "t1_a"


def test_edits_and_negative_scores_come_in(site):
    call_command("import", str(REDDIT / THREADS[0]), site=site.slug)
    comments = things(load(THREADS[0]), "t1")
    edited = next(c for c in comments if not isinstance(c["edited"], bool))
    stored = Comment.objects.get(source_id=edited["name"])
    assert stored.edited == datetime.fromtimestamp(edited["edited"], UTC)
    negative = next(c for c in comments if c["score"] < 0)
    stored = Comment.objects.get(source_id=negative["name"])
    assert (stored.upvotes, stored.downvotes) == (0, -negative["score"])


def test_morechildren_after_the_thread_joins_the_same_article(site, capsys):
    thread, more = load(THREADS[0]), load(MORE)
    fetched = [t["data"] for t in more["json"]["data"]["things"] if t["kind"] == "t1"]
    assert {c["link_id"] for c in fetched} == {things(thread[0], "t3")[0]["name"]}
    call_command("import", str(REDDIT / THREADS[0]), site=site.slug)
    article = Article.objects.get()
    capsys.readouterr()
    call_command("import", str(REDDIT / MORE), site=site.slug)
    out = capsys.readouterr().out
    assert "(reddit)" in out and "articles: 0 imported, 1 already here" in out
    assert f"comments: {len(fetched)} imported" in out
    assert Article.objects.get() == article  # its title and URL are the thread file's
    assert Comment.objects.filter(thread=article).count() == len(things(thread, "t1")) + len(fetched)
    for source in fetched:
        comment = Comment.objects.get(source_id=source["name"])
        expected = source["parent_id"] if source["parent_id"].startswith("t1_") else None
        assert (comment.parent.source_id if comment.parent else None) == expected
    call_command("import", str(REDDIT / MORE), site=site.slug)
    assert f"comments: 0 imported, {len(fetched)} already here" in capsys.readouterr().out


def test_morechildren_alone_makes_a_thread_the_full_thread_file_finds_later(site, capsys):
    call_command("import", str(REDDIT / MORE), site=site.slug)
    article = Article.objects.get()
    assert (article.source_id, article.url) == ("t3_3hahrw", "https://www.reddit.com/comments/3hahrw/")
    call_command("import", str(REDDIT / THREADS[0]), site=site.slug)
    assert "articles: 0 imported, 1 already here" in capsys.readouterr().out
    assert Article.objects.count() == 1


def test_stop_refuses_a_thread_the_file_does_not_hold_whole(site):
    with pytest.raises(CommandError, match="continue this thread"):
        call_command("import", str(REDDIT / THREADS[1]), site=site.slug, on_error="stop")
    assert not Comment.objects.exists() and not Article.objects.exists()


@pytest.mark.parametrize(("text", "message"), [
    ("[{oops", "the file is not JSON"),
    ('[{"kind": "Listing", "data": {"children": []}}]', "not a Reddit thread: expected two listings"),
    ('[{"kind": "Listing", "data": {"children": []}}, {"kind": "Listing", "data": {"children": []}}]',
     "the first listing holds no post"),
    ('{"json": {"errors": [["RATELIMIT", "you are doing that too much", "ratelimit"]]}}',
     "Reddit answered with errors"),
    ('{"json": {"data": {}}}', "json.data.things is missing"),
    ('"a string"', "not a Reddit thread"),
])
def test_bad_input_is_refused_with_what_was_expected(site, tmp_path, text, message):
    path = tmp_path / "thread.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("import", str(path), site=site.slug, format="reddit")
    assert not Comment.objects.exists()


def test_a_malformed_comment_is_skipped_with_where_and_why(site):
    thread = _thread([
        _comment("a"),
        {"kind": "t1", "data": {"parent_id": "t3_p", "body": "no id"}},
        _comment("c", body=None),
        _comment("d", parent="nowhere"),
        "not a thing",
        _comment("e", replies=[_comment("f", parent="t1_e")]),
    ])
    thread[1]["data"]["children"][-1]["data"]["body"] = 42  # e is broken; its reply f still comes in
    report = load_records(site, read_reddit(io.StringIO(json.dumps(thread))))
    assert report.skipped == [
        "item 2 of the thread's comments: a comment without an id",
        "comment t1_c (item 3 of the thread's comments): it has no body",
        "comment t1_d (item 4 of the thread's comments): its parent_id 'nowhere' names no comment or post",
        "item 5 of the thread's comments: not a Reddit thing (an object with kind and data)",
        "comment t1_e (item 6 of the thread's comments): it has no body",
    ]
    assert Comment.objects.get(source_id="t1_f").parent.is_placeholder
    assert sorted(Comment.objects.filter(is_placeholder=False).values_list("source_id", flat=True)) == [
        "t1_a", "t1_f"]


def test_a_file_saved_without_raw_json_is_decoded():
    # without raw_json=1 Reddit writes <, > and & as entities, and its HTML fields start with "&lt;"
    comment = _comment("a", body="&gt; quoted &amp; &lt;b&gt;")
    comment["data"]["body_html"] = "&lt;div class=&quot;md&quot;&gt;…"
    thread = _thread([comment], title="Q&amp;A")
    article, record = list(read_reddit(io.StringIO(json.dumps(thread))))
    assert (article.title, record.body) == ("Q&A", "> quoted & <b>")


def _thread(comments: list, title: str = "A post") -> list:
    post = {"kind": "t3", "data": {"name": "t3_p", "id": "p", "title": title, "is_self": False,
                                    "url": "https://news.example.org/story", "created_utc": 1.0e9,
                                    "permalink": "/r/news/comments/p/a_post/", "subreddit": "news",
                                    "author": "poster"}}
    return [_listing([post]), _listing(comments)]


def _comment(name: str, *, parent: str = "t3_p", body: str | None = "text", author: str = "reader",
             replies: list | None = None) -> dict:
    return {"kind": "t1", "data": {
        "name": f"t1_{name}", "id": name, "parent_id": parent, "link_id": "t3_p", "body": body,
        "author": author, "created_utc": 1.0e9, "edited": False, "score": 1,
        "replies": _listing(replies) if replies else "",
    }}


def _listing(children: list) -> dict:
    return {"kind": "Listing", "data": {"children": children}}
