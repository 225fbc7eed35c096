"""A guest's own comment: edited or deleted in the edit window, by the browser that wrote it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.reader import (
    ARTICLE,
    anchored_id,
    assert_not_reloaded,
    comment,
    comment_count,
    comment_main,
    mark_page,
    post_inline,
    post_over_http,
    post_without_js,
    reply_without_js,
    unique,
)

pytestmark = pytest.mark.browser

NOT_YOURS = (
    "Only the person who posted this comment can change it, from the browser it was posted with."
)


def test_author_without_javascript_edits_their_comment_within_the_window(nojs_page):
    page = nojs_page
    comment_id = post_without_js(page, name="Plain Editor", body=unique("Frist post."))
    fixed = unique("First post, spelled right.")
    main = comment_main(page, comment_id)
    expect(main.locator(".edited")).to_have_count(0)

    main.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/c/{comment_id}/edit$"))
    page.locator("form.edit-form [name=body]").fill(fixed)
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"#c\d+$"))
    assert anchored_id(page.url) == comment_id
    expect(main.locator(".comment-body")).to_have_text(fixed)
    expect(main.locator(".edited")).to_have_text("(edited)")
    expect(main.get_by_role("link", name="Edit")).to_be_visible()


def test_author_with_javascript_edits_their_comment_in_place(page):
    page.goto(ARTICLE)
    body = unique("Posted, then edited in place.")
    comment_id = post_inline(page, name="Inline Editor", body=body)
    mark_page(page)
    fixed = unique("Better words, edited in place.")

    comment_main(page, comment_id).get_by_role("link", name="Edit").click()
    edit_form = page.locator(f"form#c{comment_id}-main")
    expect(edit_form.locator("[name=body]")).to_have_value(body)
    edit_form.locator("[name=body]").fill(fixed)
    edit_form.get_by_role("button", name="Save").click()

    main = page.locator(f"div#c{comment_id}-main")
    expect(main.locator(".comment-body")).to_have_text(fixed)
    expect(main.locator(".edited")).to_have_text("(edited)")
    expect(page.locator(f"form#c{comment_id}-main")).to_have_count(0)
    assert_not_reloaded(page)

    page.reload()
    expect(comment_main(page, comment_id).locator(".comment-body")).to_have_text(fixed)
    expect(comment_main(page, comment_id).locator(".edited")).to_have_text("(edited)")


@pytest.fixture
def someone_elses_comment(new_reader) -> tuple[int, str]:
    """A comment posted (and editable) in another reader's browser: its id and text."""
    author = new_reader(javascript=False)
    body = unique("Mine, and only mine, to change.")
    comment_id = post_over_http(author, name="Owner", body=body)
    page = author.new_page()
    page.goto(ARTICLE)
    expect(comment_main(page, comment_id).get_by_role("link", name="Edit")).to_be_visible()
    return comment_id, body


def send_form_by_hand(page, action: str, fields: dict[str, str]):
    """POST `fields` (and the page's CSRF token) to `action` as a form would; the response."""

    def is_the_post(response):
        return response.request.method == "POST" and response.url.endswith(action)

    with page.expect_response(is_the_post) as sent:
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
                const all = {csrfmiddlewaretoken: token, ...fields};
                for (const [name, value] of Object.entries(all)) {
                    const input = document.createElement('textarea');
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [action, fields],
        )
    page.wait_for_load_state()
    return sent.value


def assert_comment_unchanged(page, comment_id: int, body: str) -> None:
    page.goto(ARTICLE)
    expect(comment_main(page, comment_id).locator(".comment-body")).to_have_text(body)
    expect(comment_main(page, comment_id).locator(".edited")).to_have_count(0)


def test_another_reader_sees_no_edit_or_delete_link_on_someone_elses_comment(
    page, someone_elses_comment
):
    comment_id, body = someone_elses_comment

    page.goto(ARTICLE)

    main = comment_main(page, comment_id)
    expect(main.locator(".comment-body")).to_have_text(body)
    expect(main.get_by_role("link", name="Reply")).to_be_visible()
    expect(main.locator(".edit-link")).to_have_count(0)
    expect(main.locator(".delete-link")).to_have_count(0)


def test_another_reader_who_opens_the_edit_page_is_refused_with_403(page, someone_elses_comment):
    comment_id, body = someone_elses_comment

    response = page.goto(f"/c/{comment_id}/edit")

    assert response.status == 403
    expect(page.locator("[role=alert]")).to_contain_text(NOT_YOURS)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.locator("form.edit-form [name=body]")).to_have_value(body)


def test_another_readers_edit_post_is_refused_with_403_and_keeps_their_text(
    page, someone_elses_comment
):
    comment_id, body = someone_elses_comment
    page.goto(ARTICLE)
    attempt = unique("Someone else's words.")

    response = send_form_by_hand(page, f"/c/{comment_id}/edit", {"body": attempt})

    assert response.status == 403
    expect(page.locator("[role=alert]")).to_contain_text(NOT_YOURS)
    expect(page.locator("[role=alert]")).to_contain_text("Your text is kept below.")
    expect(page.locator("form.edit-form [name=body]")).to_have_value(attempt)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    assert_comment_unchanged(page, comment_id, body)


def test_another_reader_is_refused_the_delete_page_and_the_delete_post_with_403(
    page, someone_elses_comment
):
    comment_id, body = someone_elses_comment

    response = page.goto(f"/c/{comment_id}/delete")

    assert response.status == 403
    expect(page.locator("[role=alert]")).to_contain_text(NOT_YOURS)
    expect(page.get_by_role("button", name="Delete comment")).to_have_count(0)

    page.goto(ARTICLE)
    response = send_form_by_hand(page, f"/c/{comment_id}/delete", {})
    assert response.status == 403
    expect(page.locator("[role=alert]")).to_contain_text(NOT_YOURS)
    assert_comment_unchanged(page, comment_id, body)


def test_author_deletes_their_comment_and_its_reply_stays_under_deleted(new_reader):
    author = new_reader(javascript=True).new_page()
    author.goto(ARTICLE)
    body = unique("I will take this back.")
    comment_id = post_inline(author, name="Regretful", body=body)

    replier = new_reader(javascript=False).new_page()
    reply_body = unique("A reply that outlives its parent.")
    reply_id = reply_without_js(replier, comment_id, name="Replier", body=reply_body)

    author.goto(ARTICLE)
    count = comment_count(author)
    comment_main(author, comment_id).get_by_role("link", name="Delete").click()
    expect(author).to_have_url(re.compile(rf"/c/{comment_id}/delete$"))
    expect(author.locator("h1")).to_have_text("Delete your comment?")
    author.get_by_role("button", name="Delete comment").click()

    author.wait_for_url(f"**{ARTICLE}#comments")
    main = comment_main(author, comment_id)
    expect(main.locator(".comment-body")).to_have_text("[deleted]")
    expect(main.locator(".author")).to_have_text("[deleted]")
    expect(comment(author, comment_id)).not_to_contain_text(body)
    expect(main.locator(".edit-link, .delete-link, .reply-link, .votes")).to_have_count(0)
    expect(author.locator(f"#replies-c{comment_id} > #c{reply_id}")).to_contain_text(reply_body)
    expect(comment_main(author, reply_id).locator(".in-reply-to")).to_have_text(
        "In reply to by [deleted]"
    )
    expect(author.locator("#comment-count")).to_have_text(f"{count - 1} comments")

    replier.goto(ARTICLE)
    expect(comment(replier, comment_id)).not_to_contain_text(body)
    expect(comment_main(replier, reply_id).locator(".comment-body")).to_have_text(reply_body)


def test_author_who_voted_on_their_comment_still_sees_the_vote_pressed_after_editing_inline(page):
    page.goto(ARTICLE)
    body = unique("Worth a vote, then an edit.")
    comment_id = post_inline(page, name="Self Voter", body=body)
    up = page.locator(f"#votes-c{comment_id}").get_by_role("button", name="Vote up")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")

    comment_main(page, comment_id).get_by_role("link", name="Edit").click()
    edit_form = page.locator(f"form#c{comment_id}-main")
    edit_form.locator("[name=body]").fill(unique("Edited after voting."))
    edit_form.get_by_role("button", name="Save").click()
    expect(page.locator(f"div#c{comment_id}-main .edited")).to_be_visible()

    expect(up).to_have_attribute("aria-pressed", "true", timeout=2_000)  # the swap has happened
