"""Up and down votes: without JavaScript a form POST back to the comment; with htmx, a swap."""

import pytest
from playwright.sync_api import expect

from tests.browser.reader import (
    ARTICLE,
    anchored_id,
    assert_not_reloaded,
    comment_main,
    mark_page,
    post_over_http,
    unique,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_comment(new_reader) -> int:
    """A comment nobody has voted on yet, posted by a reader of its own."""
    return post_over_http(new_reader(), name="Votable", body=unique("Vote on me."))


def test_reader_with_javascript_votes_up_and_votes_again_to_take_it_back(page, fresh_comment):
    page.goto(ARTICLE)
    mark_page(page)
    votes = page.locator(f"#votes-c{fresh_comment}")
    expect(votes.locator(".score")).to_have_text("0")

    votes.get_by_role("button", name="Vote up").click()
    expect(votes.locator(".score")).to_have_text("1")
    expect(votes.locator(".score")).to_have_attribute("title", "1 up, 0 down")

    votes.get_by_role("button", name="Vote up").click()
    expect(votes.locator(".score")).to_have_text("0")
    assert page.url.endswith(ARTICLE)
    assert_not_reloaded(page)


def test_reader_with_javascript_sees_the_vote_button_pressed_after_voting(page, fresh_comment):
    page.goto(ARTICLE)
    votes = page.locator(f"#votes-c{fresh_comment}")
    up = votes.get_by_role("button", name="Vote up")
    expect(up).to_have_attribute("aria-pressed", "false")

    up.click()
    expect(votes.locator(".score")).to_have_text("1")
    expect(up).to_have_attribute("aria-pressed", "true")

    up.click()
    expect(votes.locator(".score")).to_have_text("0")
    expect(up).to_have_attribute("aria-pressed", "false")


def test_reader_with_javascript_finds_their_vote_pressed_after_a_reload(page, fresh_comment):
    page.goto(ARTICLE)
    votes = page.locator(f"#votes-c{fresh_comment}")
    votes.get_by_role("button", name="Vote down").click()
    expect(votes.locator(".score")).to_have_text("-1")

    page.reload()

    expect(votes.locator(".score")).to_have_text("-1")
    expect(votes.get_by_role("button", name="Vote down")).to_have_attribute("aria-pressed", "true")
    expect(votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "false")


def test_reader_without_javascript_votes_through_a_form_and_returns_to_the_comment(
    nojs_page, fresh_comment
):
    page = nojs_page
    page.goto(ARTICLE)
    votes = page.locator(f"#votes-c{fresh_comment}")
    expect(votes.locator(".score")).to_have_text("0")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        votes.get_by_role("button", name="Vote up").click()
    page.wait_for_url(f"**{ARTICLE}#c{fresh_comment}")

    assert posted.value.status == 302
    assert anchored_id(page.url) == fresh_comment
    expect(votes.locator(".score")).to_have_text("1")
    expect(votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    expect(comment_main(page, fresh_comment)).to_be_in_viewport()

    votes.get_by_role("button", name="Vote up").click()
    expect(votes.locator(".score")).to_have_text("0")
    expect(votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "false")
