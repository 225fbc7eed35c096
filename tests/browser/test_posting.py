"""Posting comments and replies: plain forms and redirects without JavaScript, inline with htmx."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.reader import (
    ARTICLE,
    anchored_id,
    assert_not_reloaded,
    comment_count,
    comment_id_by_author,
    comment_main,
    fill_comment_form,
    mark_page,
    post_inline,
    post_without_js,
    top_level_ids,
    unique,
)

pytestmark = pytest.mark.browser


def test_reader_without_javascript_posts_a_comment_and_lands_on_its_anchor(nojs_page):
    page = nojs_page
    body = unique("Posted with a plain form.")

    comment_id = post_without_js(page, name="Plain Reader", body=body)

    assert page.url.endswith(f"{ARTICLE}#c{comment_id}")
    expect(page.locator(f"#comment-list > #c{comment_id}")).to_have_count(1)
    expect(comment_main(page, comment_id).locator(".comment-body")).to_have_text(body)
    expect(comment_main(page, comment_id).locator(".author")).to_have_text("Plain Reader")
    expect(comment_main(page, comment_id)).to_be_in_viewport()


def test_reader_without_javascript_replies_through_the_reply_page_and_lands_on_the_reply(nojs_page):
    page = nojs_page
    page.goto(ARTICLE)
    parent_id = comment_id_by_author(page, "Ace006")
    body = unique("A reply without JavaScript.")

    comment_main(page, parent_id).get_by_role("link", name="Reply").click()
    expect(page).to_have_url(re.compile(rf"/c/{parent_id}/reply$"))
    expect(page.locator("h1")).to_have_text("Reply to Ace006")
    form = page.locator(f"#reply-form-c{parent_id}")
    fill_comment_form(form, name="Plain Replier", body=body)
    form.get_by_role("button", name="Post reply").click()

    page.wait_for_url(re.compile(r"#c\d+$"))
    reply_id = anchored_id(page.url)
    assert page.url.endswith(f"{ARTICLE}#c{reply_id}")
    expect(page.locator(f"#replies-c{parent_id} > #c{reply_id}")).to_have_count(1)
    expect(comment_main(page, reply_id).locator(".comment-body")).to_have_text(body)
    expect(comment_main(page, reply_id).locator(".in-reply-to")).to_have_text(
        "In reply to by Ace006"
    )


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "only-spaces"])
def test_reader_without_javascript_who_leaves_out_their_name_gets_the_form_back_with_their_text(
    nojs_page, name
):
    page = nojs_page
    page.goto(ARTICLE)
    body = unique("Text that must survive a mistake.")
    form = page.locator("#comment-form")
    fill_comment_form(form, name=name, body=body)
    # An empty name never leaves a browser that checks `required`: send it as one that does not.
    form.evaluate("f => { f.noValidate = true }")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Post comment").click()

    assert posted.value.status == 400
    form = page.locator("#comment-form")
    expect(form.locator(".form-errors-summary")).to_contain_text("your text is still here")
    expect(form.locator(".field.has-error .error")).to_have_text(
        "Tell us your name (any name you like)."
    )
    expect(form.locator("[name=body]")).to_have_value(body)
    expect(page.locator(".comment-body", has_text=body)).to_have_count(0)


def test_comment_form_has_the_browser_require_a_name_and_a_comment(nojs_page):
    page = nojs_page
    page.goto(ARTICLE)
    form = page.locator("#comment-form")
    fill_comment_form(form, name="", body=unique("No name given."))

    assert form.evaluate("f => f.checkValidity()") is False
    assert form.locator("[name=author_name]").evaluate("i => i.validity.valueMissing") is True
    expect(form.locator("[name=body]")).to_have_attribute("required", "")


def test_reader_with_javascript_posts_a_comment_without_reloading_the_page(page):
    page.goto(ARTICLE)
    mark_page(page)
    count = comment_count(page)
    body = unique("Posted inline with htmx.")
    comment_id = post_inline(page, name="Inline Reader", body=body)

    new = page.locator(f"#comment-list > #c{comment_id}")
    expect(new.locator(".comment-meta .author")).to_have_text("Inline Reader")
    expect(page.locator("#comment-count")).to_have_text(f"{count + 1} comments")
    expect(page.locator("#comment-form [name=body]")).to_have_value("")
    assert page.url.endswith(ARTICLE)
    assert_not_reloaded(page)

    # The new comment is a real one: it survives a reload, at its permalink.
    page.goto(f"/c/{comment_id}")
    expect(comment_main(page, comment_id).locator(".comment-body")).to_have_text(body)


def test_reader_with_javascript_replies_inline_under_the_comment(page):
    page.goto(ARTICLE)
    parent_id = comment_id_by_author(page, "GUS100CORRINA")
    mark_page(page)
    count = comment_count(page)
    body = unique("A reply posted inline.")

    comment_main(page, parent_id).get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-slot-c{parent_id} form")
    expect(form).to_be_visible()
    fill_comment_form(form, name="Inline Replier", body=body)
    form.get_by_role("button", name="Post reply").click()

    reply = page.locator(f"#replies-c{parent_id} > article.comment", has_text=body)
    expect(reply).to_have_count(1)
    expect(reply.locator(".in-reply-to")).to_have_text("In reply to by GUS100CORRINA")
    expect(page.locator(f"#reply-slot-c{parent_id} form")).to_have_count(0)
    expect(page.locator("#comment-count")).to_have_text(f"{count + 1} comments")
    assert page.url.endswith(ARTICLE)
    assert_not_reloaded(page)


def test_reader_with_javascript_cancels_a_reply_form(page):
    page.goto(ARTICLE)
    parent_id = comment_id_by_author(page, "Conscious Reviver")
    mark_page(page)

    comment_main(page, parent_id).get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-slot-c{parent_id} form")
    expect(form).to_be_visible()
    form.get_by_role("link", name="Cancel").click()

    expect(form).to_have_count(0)
    assert_not_reloaded(page)


def test_reader_with_javascript_who_leaves_out_their_name_sees_the_error_in_place(page):
    page.goto(ARTICLE)
    mark_page(page)
    body = unique("Kept in place after an error.")
    form = page.locator("#comment-form")

    fill_comment_form(form, name="   ", body=body)  # passes the browser's check, not the server's
    form.get_by_role("button", name="Post comment").click()

    expect(form.locator(".field.has-error .error")).to_have_text(
        "Tell us your name (any name you like)."
    )
    expect(form.locator("[name=body]")).to_have_value(body)
    expect(page.locator("#comment-list .comment-body", has_text=body)).to_have_count(0)
    assert_not_reloaded(page)


def test_comment_with_html_in_it_shows_that_html_as_text_and_runs_nothing(page):
    page.goto(ARTICLE)
    marker = unique("**Bold** claim")
    body = f'{marker} <script>alert("script")</script> <img src=x onerror="alert(\'img\')">'
    form = page.locator("#comment-form")
    fill_comment_form(form, name="<b>Not Bold</b>", body=body)
    form.get_by_role("button", name="Post comment").click()

    new = page.locator("#comment-list > article.comment", has_text="alert(")
    expect(new).to_have_count(1)
    comment_id = int(new.get_attribute("id").removeprefix("c"))
    page.goto(f"/c/{comment_id}")  # and once more, rendered into a whole page

    main = comment_main(page, comment_id)
    expect(main.locator(".comment-body strong")).to_have_text("Bold")
    expect(main.locator(".comment-body")).to_contain_text('<script>alert("script")</script>')
    expect(main.locator(".comment-body script, .comment-body img")).to_have_count(0)
    expect(main.locator(".author")).to_have_text("<b>Not Bold</b>")
    # Any alert would fail the test at teardown (see `new_reader`).


def test_reader_with_javascript_finds_their_name_kept_in_the_fresh_form_after_posting(page):
    page.goto(ARTICLE)
    form = page.locator("#comment-form")
    body = unique("First of two.")
    fill_comment_form(form, name="Regular Reader", body=body)
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-list > article.comment", has_text=body)).to_have_count(1)

    expect(page.locator("#comment-form [name=body]")).to_have_value("")
    expect(page.locator("#comment-form [name=author_name]")).to_have_value(
        "Regular Reader", timeout=2_000  # the form was swapped with the comment: no waiting needed
    )


def test_comment_posted_inline_while_newest_first_appears_at_the_top(page):
    page.goto(ARTICLE)
    page.locator("nav.sort").get_by_role("link", name="Newest").click()
    expect(page.locator("nav.sort [aria-current=true]")).to_have_text("Newest")
    body = unique("Newest of all.")
    comment_id = post_inline(page, name="Latecomer", body=body)
    assert top_level_ids(page)[0] == comment_id
