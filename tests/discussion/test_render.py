"""A comment's markup, built in Python: every text from a comment or a request is escaped, and each
part a reader or an author uses is there (permalink, "In reply to by", votes, reply, edit, delete,
"Continue this thread", "N more replies")."""

from datetime import UTC, datetime
from html.parser import HTMLParser

from rostra.discussion.models import Comment
from rostra.discussion.queries import Node
from rostra.discussion.render import CommentMarkup

HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;"


class Elements(HTMLParser):
    """Every element a browser would build, with its attributes."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def tags(self):
        return {tag for tag, _ in self.found}


def comment(pk=7, *, parent=None, **fields):
    values = {"author_name": "Reader", "body_html": "<p>Words.</p>", "state": "visible", "depth": 0,
              "created": datetime(2018, 1, 6, 3, 15, tzinfo=UTC), **fields}
    made = Comment(pk=pk, **values)
    if parent is not None:
        made.parent_id, made.parent, made.depth = parent.pk, parent, parent.depth + 1
    return made


def test_every_text_from_a_comment_and_the_page_is_escaped():
    parent = comment(1, author_name=HOSTILE)
    reply = comment(2, parent=parent, author_name=HOSTILE,
                    author_website='https://example.org/"onmouseover="alert(3)')
    node = Node(parent, children=[Node(reply)], more_replies=3, more_after=HOSTILE)
    for markup in (CommentMarkup(csrf_token="t" * 64, comments_open=True),
                   CommentMarkup(embed=True, host_url="https://host.example/?a=1&b=" + HOSTILE,
                                 base_url="https://r.example/" + HOSTILE, comments_open=True)):
        html = markup.tree(node)
        assert "<script" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
        assert html.count(ESCAPED) >= 3  # both names and "In reply to by"
        elements = Elements(html)
        assert elements.tags() <= {"article", "div", "p", "span", "a", "time", "form", "input", "button"}
        for tag, attributes in elements.found:
            assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        link = next(a for tag, a in elements.found if tag == "a" and "nofollow" in a.get("rel", ""))
        assert link["href"] == 'https://example.org/"onmouseover="alert(3)'


def test_a_link_to_an_authors_website_is_http_only():
    html = CommentMarkup().main(comment(author_website="javascript:alert(1)"))
    assert "javascript:" not in html and '<span class="author">Reader</span>' in html


def test_the_readers_controls_on_a_comment_page():
    markup = CommentMarkup(csrf_token="t" * 64, my_votes={7: -1}, editable_ids={7}, comments_open=True)
    html = markup.tree(Node(comment(), continues=True, more_replies=1, more_after="0000007"))
    assert '<a class="permalink" href="/c/7">Permalink</a>' in html
    assert '<form class="votes" id="votes-c7" method="post" action="/c/7/vote"' in html
    assert 'name="csrfmiddlewaretoken" value="' + "t" * 64 + '"' in html
    assert 'aria-label="Vote down" aria-pressed="true"' in html
    assert 'aria-label="Vote up" aria-pressed="false"' in html
    assert '<a class="reply-link" href="/c/7/reply" hx-get="/c/7/reply"' in html
    assert '<a class="edit-link" href="/c/7/edit"' in html and 'href="/c/7/delete">Delete</a>' in html
    assert '<p class="continue"><a href="/c/7/thread/">Continue this thread →</a></p>' in html
    assert '<a href="/c/7/thread/?after=0000007">1 more reply →</a>' in html
    assert '<time datetime="2018-01-06T03:15:00+00:00">' in html


def test_nothing_to_act_on_for_others_or_when_comments_are_closed():
    html = CommentMarkup(csrf_token="t" * 64).main(comment())
    assert "reply-link" not in html and "edit-link" not in html and "delete-link" not in html
    assert 'class="votes"' in html


def test_gone_comments_keep_their_place_without_their_words():
    deleted = comment(1, state=Comment.State.DELETED, author_name="Gone", body_html="<p>secret</p>")
    removed = comment(3, state=Comment.State.SPAM, body_html="<p>spam</p>")
    reply = comment(2, parent=deleted)
    reply_to_removed = comment(4, parent=removed)
    markup = CommentMarkup(comments_open=True)
    html = markup.tree(Node(deleted, children=[Node(reply)]))
    assert '<article class="comment is-deleted" id="c1" data-depth="0">' in html
    assert "secret" not in html and "Gone" not in html and '<p>[deleted]</p>' in html
    assert 'In reply to by <a href="/c/1">[deleted]</a>' in html
    assert "In reply to by [removed]" in markup.tree(Node(removed, children=[Node(reply_to_removed)]))
    assert "spam" not in markup.main(removed)


def test_a_placeholder_of_an_import_shows_no_words_and_no_actions():
    html = CommentMarkup(comments_open=True).main(comment(is_placeholder=True, author_website="https://x.org/"))
    assert "This comment is not available." in html and "Words." not in html
    assert "reply-link" not in html and "https://x.org/" not in html


def test_inside_an_embed_links_go_to_the_host_page_and_controls_are_buttons():
    markup = CommentMarkup(embed=True, host_url="https://news.example/story", base_url="https://r.example",
                           comments_open=True)
    html = markup.tree(Node(comment(), more_replies=2, more_after="0000007"))
    assert '<a class="permalink" href="https://news.example/story#c7">Permalink</a>' in html
    assert '<div class="votes" data-rostra-votes="7">' in html and "<form" not in html
    assert '<button type="button" class="reply-link" data-rostra-reply="7">Reply</button>' in html
    assert ('<a href="https://r.example/c/7/thread/?after=0000007" data-rostra-subthread="7" '
            'data-rostra-after="0000007">2 more replies →</a>') in html
