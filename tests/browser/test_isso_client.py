"""Isso's own client (the `isso` package's embed.min.js and count.min.js, unmodified) on a host page,
talking to Rostra's Isso-compatible API at /isso/demo/.

Every test writes its own host page (its own path, so its own thread) on the allowed origin, so counts
are exact although the server is shared. Isso's DOM: the postbox `#isso-thread > .isso-postbox`, each
comment `#isso-<id>` with its own part in `> .isso-text-wrapper` and its replies in `> .isso-follow-up`.
"""

import json
import re
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.reader import comment as rostra_comment
from tests.browser.reader import post_inline, unique

pytestmark = pytest.mark.browser

# A page as an Isso site has it: the script tag Isso's documentation gives, the thread section and a
# count link; nothing of Rostra's own.
ISSO_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script data-isso="{rostra}/isso/demo/" src="{rostra}/isso/demo/js/embed.min.js"></script>
</head>
<body>
  <h1>{title}</h1>
  <p>A blog post whose comments Isso's client shows.</p>
  <a id="count" href="/{name}#isso-thread">Comments</a>
  <section id="isso-thread" data-title="{title}"></section>
</body></html>
"""

# A front page that only counts: count.min.js and a link per post.
COUNT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Front page</title></head>
<body>
  <ul>{links}</ul>
  <script data-isso="{rostra}/isso/demo/" src="{rostra}/isso/demo/js/count.min.js"></script>
</body></html>
"""
COUNT_LINK = '<li><a id="{id}" href="/{name}#isso-thread">Comments</a></li>'

POSTBOX = "#isso-thread > .isso-postbox"


@dataclass
class IssoPage:
    name: str  # the file name, which is also the Isso `uri` (as /<name>)
    url: str
    title: str


@pytest.fixture
def isso_page(host_pages, base_url) -> IssoPage:
    """A fresh Isso host page on the allowed origin: a thread no other test writes to."""
    marker = uuid.uuid4().hex[:10]
    name = f"isso-post-{marker}.html"
    page = IssoPage(name=name, url=f"{host_pages.allowed}/{name}", title=f"An Isso blog post {marker}")
    (host_pages.root / page.name).write_text(
        ISSO_PAGE.format(title=page.title, name=page.name, rostra=base_url))
    return page


def open_isso(new_reader, isso_page: IssoPage) -> Page:
    page = new_reader(javascript=True).new_page()
    page.goto(isso_page.url)
    expect(page.locator(f"{POSTBOX} textarea")).to_be_visible()
    return page


def isso_comment(page: Page, comment_id: int) -> Locator:
    return page.locator(f"#isso-{comment_id}")


def own_part(page: Page, comment_id: int) -> Locator:
    """The comment's own text, header and footer, without its replies."""
    return page.locator(f"#isso-{comment_id} > .isso-text-wrapper")


def footer_link(page: Page, comment_id: int, kind: str) -> Locator:
    return page.locator(f"#isso-{comment_id} > .isso-text-wrapper > .isso-comment-footer a.isso-{kind}")


def submit(page: Page, box: Locator, text: str, *, name: str | None) -> int:
    """Type into an Isso postbox and press Submit; the id of the comment it shows."""
    box.locator("textarea").fill(text)
    if name is not None:
        box.locator("input[name=author]").fill(name)
    box.locator("input[type=submit]").click()
    shown = page.locator(".isso-comment[id^=isso-]", has=page.locator(
        ":scope > .isso-text-wrapper > .isso-text", has_text=text))
    expect(shown).to_have_count(1)
    return int(shown.get_attribute("id").removeprefix("isso-"))


def isso_post(page: Page, text: str, *, name: str | None = "Guest") -> int:
    return submit(page, page.locator(POSTBOX), text, name=name)


def api(base_url: str, path: str):
    """Rostra's own JSON API, read directly (no browser, no cookies)."""
    with urllib.request.urlopen(base_url + path, timeout=10) as response:
        return json.load(response)


def rostra_thread(base_url: str, isso_page: IssoPage) -> dict:
    query = urllib.parse.urlencode({"site": "demo", "url": isso_page.url})
    return api(base_url, f"/api/v1/threads?{query}")


def test_the_thread_loads_with_isso_s_postbox(new_reader, isso_page, base_url):
    page = open_isso(new_reader, isso_page)
    box = page.locator(POSTBOX)
    expect(box.locator("input[name=author]")).to_be_visible()
    expect(box.locator("input[type=submit]")).to_have_value("Submit")
    # The server's config says require-author: Isso drops "(optional)" from the name's label.
    expect(box.locator("label[for=isso-postbox-author]")).to_have_text("Name")
    expect(page.locator("#isso-thread .isso-thread-heading")).to_have_text("No Comments Yet")
    expect(page.locator("#count")).to_have_text("0 Comments")
    # Isso's own stylesheet, from Rostra, applied (.isso-postbox { max-width: 68em }), and the feed
    # link the server's config turns on.
    expect(page.locator("link#isso-style")).to_have_attribute("href", f"{base_url}/isso/demo/css/isso.css")
    expect(box).to_have_css("max-width", re.compile(r"^[\d.]+px$"))
    expect(page.locator("#isso-thread .isso-feedlink a")).to_have_attribute(
        "href", f"{base_url}/isso/demo/feed?uri={urllib.parse.quote('/' + isso_page.name, safe='')}")


def test_a_guest_posts_and_replies_and_the_reply_is_nested(new_reader, isso_page, base_url,
                                                          artifacts_dir):
    page = open_isso(new_reader, isso_page)
    first_text = unique("First words through Isso's client")
    first = isso_post(page, first_text, name="Isso Guest")
    expect(own_part(page, first).locator(".isso-author")).to_have_text("Isso Guest")

    footer_link(page, first, "reply").click()
    reply_box = page.locator(f"#isso-{first} > .isso-text-wrapper > .isso-postbox")
    # Isso remembers the name in localStorage and fills it in for the reply.
    expect(reply_box.locator("input[name=author]")).to_have_value("Isso Guest")
    reply_text = unique("A reply through Isso's client")
    reply = submit(page, reply_box, reply_text, name=None)
    expect(page.locator(f"#isso-{first} > .isso-follow-up > #isso-{reply}")).to_contain_text(reply_text)
    expect(reply_box).to_have_count(0)  # Isso closes the reply box once the reply is in

    # Rostra stored a reply to that comment in the thread the page's title named.
    assert api(base_url, f"/api/v1/comments/{reply}")["parent"] == first
    thread = rostra_thread(base_url, isso_page)
    assert thread["title"] == isso_page.title and thread["comment_count"] == 2

    page.reload()
    expect(page.locator(f"#isso-{first} > .isso-follow-up > #isso-{reply}")).to_contain_text(reply_text)
    expect(page.locator("#isso-thread .isso-thread-heading")).to_have_text("2 Comments")
    expect(page.locator("#count")).to_have_text("2 Comments")
    page.screenshot(path=str(artifacts_dir / "isso-client.png"), full_page=True)


def test_the_author_edits_and_deletes_within_the_window_and_nobody_else_can(new_reader, isso_page,
                                                                           base_url):
    page = open_isso(new_reader, isso_page)
    first = isso_post(page, unique("Words to be edited"))
    kept = isso_post(page, unique("Words that stay"))
    # The edit cookie came back as X-Set-Cookie and Isso's client copied it into the host page's
    # cookies: that is what shows it the edit and delete links.
    assert page.evaluate("id => document.cookie.includes('isso-' + id + '=')", first)
    expect(footer_link(page, first, "edit")).to_be_visible()
    expect(footer_link(page, first, "delete")).to_be_visible()

    other = open_isso(new_reader, isso_page)
    expect(isso_comment(other, first)).to_be_visible()
    expect(footer_link(other, first, "edit")).to_have_count(0)
    expect(footer_link(other, first, "delete")).to_have_count(0)
    expect(footer_link(other, first, "reply")).to_be_visible()

    edited = unique("Edited through *Isso*")
    footer_link(page, first, "edit").click()
    editor = own_part(page, first).locator(".isso-textarea-wrapper textarea")
    expect(editor).to_have_value(re.compile(r"^Words to be edited \["))  # the text as written
    editor.fill(edited)
    footer_link(page, first, "edit").click()  # the link now says "Save"
    expect(own_part(page, first).locator(".isso-text em")).to_have_text("Isso")
    expect(footer_link(page, first, "edit")).to_have_text("Edit")
    stored = api(base_url, f"/api/v1/comments/{first}")
    assert stored["body"] == edited and stored["edited"] is not None

    # After a reload the links are still there, and the cookie the edit renewed still works (the
    # one given when posting was bound to the old words).
    page.reload()
    expect(footer_link(page, first, "delete")).to_be_visible()
    footer_link(page, first, "delete").click()
    expect(footer_link(page, first, "delete")).to_have_text("Confirm")
    footer_link(page, first, "delete").click()
    expect(isso_comment(page, first)).to_have_count(0)
    expect(isso_comment(page, kept)).to_be_visible()
    assert api(base_url, f"/api/v1/comments/{first}")["state"] == "deleted"
    assert not page.evaluate("id => document.cookie.includes('isso-' + id + '=')", first)
    page.reload()
    expect(isso_comment(page, kept)).to_be_visible()
    expect(isso_comment(page, first)).to_have_count(0)
    expect(page.locator("#count")).to_have_text("One Comment")


def test_another_reader_likes_a_comment(new_reader, isso_page, base_url):
    # Both readers come from 127.0.0.1. Isso itself would refuse this like (it counts the author's
    # address as a vote already cast); Rostra's adapter lets the author's address vote once.
    author = open_isso(new_reader, isso_page)
    liked = isso_post(author, unique("Words worth a like"))
    votes = author.locator(f"#isso-{liked} > .isso-text-wrapper .isso-votes")
    expect(votes).to_have_text("0")

    reader = open_isso(new_reader, isso_page)
    reader_votes = reader.locator(f"#isso-{liked} > .isso-text-wrapper .isso-votes")
    expect(reader_votes).to_have_text("0")
    footer_link(reader, liked, "upvote").click()
    expect(reader_votes).to_have_text("1")
    expect(isso_comment(reader, liked)).not_to_have_class(re.compile(r"\bisso-no-votes\b"))
    stored = api(base_url, f"/api/v1/comments/{liked}")
    assert stored["upvotes"] == 1 and stored["score"] == 1

    author.reload()
    expect(votes).to_have_text("1")


def test_count_links_show_the_number_on_the_post_and_on_a_front_page(new_reader, isso_page,
                                                                     host_pages, base_url):
    page = open_isso(new_reader, isso_page)
    first = isso_post(page, unique("Counted first"))
    isso_post(page, unique("Counted second"))
    footer_link(page, first, "reply").click()
    submit(page, page.locator(f"#isso-{first} > .isso-text-wrapper > .isso-postbox"),
           unique("Counted reply"), name=None)
    page.reload()
    expect(page.locator("#count")).to_have_text("3 Comments")

    front = f"isso-front-{uuid.uuid4().hex[:10]}.html"
    nothing = f"isso-nothing-{uuid.uuid4().hex[:10]}.html"
    links = (COUNT_LINK.format(id="this-post", name=isso_page.name)
             + COUNT_LINK.format(id="no-post", name=nothing))
    (host_pages.root / front).write_text(COUNT_PAGE.format(links=links, rostra=base_url))
    reader = new_reader(javascript=True).new_page()
    reader.goto(f"{host_pages.allowed}/{front}")
    expect(reader.locator("#this-post")).to_have_text("3 Comments")
    expect(reader.locator("#no-post")).to_have_text("0 Comments")


def test_comments_cross_between_the_isso_client_and_rostra_s_page(new_reader, isso_page, base_url):
    isso = open_isso(new_reader, isso_page)
    from_isso = unique("Written in Isso's client")
    isso_id = isso_post(isso, from_isso, name="Isso Writer")

    thread = rostra_thread(base_url, isso_page)
    rostra = new_reader(javascript=True).new_page()
    rostra.goto(thread["page_url"])
    expect(rostra.locator("h1.headline")).to_have_text(isso_page.title)
    expect(rostra_comment(rostra, isso_id)).to_contain_text(from_isso)
    expect(rostra_comment(rostra, isso_id)).to_contain_text("Isso Writer")

    from_rostra = unique("Written on Rostra's own page")
    rostra_id = post_inline(rostra, name="Rostra Writer", body=from_rostra)

    isso.reload()
    expect(own_part(isso, rostra_id).locator(".isso-text")).to_have_text(from_rostra)
    expect(own_part(isso, rostra_id).locator(".isso-author")).to_have_text("Rostra Writer")
    # Not the Isso reader's comment: no edit or delete for it.
    expect(footer_link(isso, rostra_id, "edit")).to_have_count(0)
    expect(isso.locator("#isso-thread .isso-thread-heading")).to_have_text("2 Comments")
