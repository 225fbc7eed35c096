"""What a reader does on the demo article page, in words the browser tests share.

Tests share one server per pytest process, so every comment a test writes carries a unique marker,
and no test assumes it sees only the comments it wrote.
"""

import re
import uuid

from playwright.sync_api import BrowserContext, Locator, Page, expect

ARTICLE = "/a/new-video-emerges-of-isis-convoys-leaving-raqqa-under-us-coalition-watch/"
ANCHOR = re.compile(r"#c(\d+)$")


def unique(text: str) -> str:
    """`text` with a marker no other test will write."""
    return f"{text} [{uuid.uuid4().hex[:10]}]"


def anchored_id(url: str) -> int:
    """The comment id in a URL that ends with `#c<id>`."""
    match = ANCHOR.search(url)
    assert match, f"expected the URL to end with a comment anchor #c<id>, got {url}"
    return int(match.group(1))


def comment(page: Page, comment_id: int) -> Locator:
    return page.locator(f"#c{comment_id}")


def comment_main(page: Page, comment_id: int) -> Locator:
    """The comment's own part (author, body, actions) without its replies."""
    return page.locator(f"#c{comment_id}-main")


def comment_id_by_author(page: Page, author: str) -> int:
    main = page.locator(".comment-main").filter(
        has=page.locator(".comment-meta .author", has_text=re.compile(rf"^{re.escape(author)}$"))
    )
    expect(main).to_have_count(1)
    return int(main.get_attribute("id").removeprefix("c").removesuffix("-main"))


def top_level_ids(page: Page) -> list[int]:
    ids = page.locator("#comment-list > article.comment").evaluate_all(
        "nodes => nodes.map(n => n.id)"
    )
    return [int(i.removeprefix("c")) for i in ids]


def comment_count(page: Page) -> int:
    text = page.locator("#comment-count").inner_text()
    match = re.fullmatch(r"(\d+) comments?", text.strip())
    assert match, f"unexpected comment count heading: {text!r}"
    return int(match.group(1))


def fill_comment_form(form: Locator, *, name: str, body: str) -> None:
    form.locator("[name=body]").fill(body)
    form.locator("[name=author_name]").fill(name)


def post_without_js(page: Page, *, name: str, body: str) -> int:
    """Post a top-level comment through the plain form; returns its id (from the landing anchor).

    `page` must have JavaScript off, or htmx would take the form over.
    """
    page.goto(ARTICLE)
    form = page.locator("#comment-form")
    fill_comment_form(form, name=name, body=body)
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url(ANCHOR)
    return anchored_id(page.url)


def post_inline(page: Page, *, name: str, body: str) -> int:
    """Post a top-level comment with htmx on the article page the reader is on; its id."""
    form = page.locator("#comment-form")
    fill_comment_form(form, name=name, body=body)
    form.get_by_role("button", name="Post comment").click()
    posted = page.locator("#comment-list > article.comment", has_text=body)
    expect(posted).to_have_count(1)
    return int(posted.get_attribute("id").removeprefix("c"))


def reply_without_js(page: Page, parent_id: int, *, name: str, body: str) -> int:
    """Reply through the reply page the "Reply" link leads to without JavaScript; returns its id."""
    page.goto(ARTICLE)
    comment_main(page, parent_id).get_by_role("link", name="Reply").click()
    page.wait_for_url(f"**/c/{parent_id}/reply")
    form = page.locator(f"#reply-form-c{parent_id}")
    fill_comment_form(form, name=name, body=body)
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_url(ANCHOR)
    return anchored_id(page.url)


def post_over_http(context: BrowserContext, *, name: str, body: str) -> int:
    """Post a top-level comment as this browser context would (its cookies, its CSRF token), but
    without rendering pages: for tests about something else that only need a comment to exist."""
    page_html = context.request.get(ARTICLE).text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html).group(1)
    response = context.request.post(
        f"{ARTICLE}comments",
        form={"csrfmiddlewaretoken": token, "author_name": name, "body": body},
        max_redirects=0,
    )
    assert response.status == 302, f"posting failed: {response.status} {response.text()[:500]}"
    return anchored_id(response.headers["location"])


def mark_page(page: Page) -> None:
    """Leave a marker in the page's JavaScript state; a reload would wipe it."""
    page.evaluate("window.__rostraMarker = 1")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__rostraMarker") == 1, "the page was reloaded"
