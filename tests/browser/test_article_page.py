"""The hosted article page as a reader sees it: the story, its credits, the imported discussion."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.reader import ARTICLE, comment, comment_id_by_author, comment_main, top_level_ids

pytestmark = pytest.mark.browser

IMPORTED = [  # author, the placeholder parent named in "In reply to by", time shown, ISO time
    ("GUS100CORRINA", "doctor10", "Fri, 01/05/2018 - 22:15", "2018-01-05T22:15:00-05:00"),
    ("Ace006", "knukles", "Sat, 01/06/2018 - 14:30", "2018-01-06T14:30:00-05:00"),
    ("Conscious Reviver", "IH8OBAMA", "Fri, 01/05/2018 - 23:33", "2018-01-05T23:33:00-05:00"),
    ("OverTheHedge", "Rjh", "Sat, 01/06/2018 - 01:24", "2018-01-06T01:24:00-05:00"),
]


def test_article_page_shows_the_headline_the_byline_and_the_image_credit_without_a_broken_image(
    page, artifacts_dir
):
    response = page.goto(ARTICLE)
    assert response.status == 200

    expect(page.locator("h1.headline")).to_have_text(
        "New Video Emerges Of ISIS Convoys Leaving Raqqa Under US Coalition Watch"
    )
    expect(page.locator("p.byline")).to_have_text("Submitted by Leith Fadel via Al-Masdar News")
    figure = page.locator("article.story figure")
    expect(figure).to_have_count(1)
    expect(figure.locator("figcaption")).to_contain_text("Image source: Reuters via Al-Masdar News")
    expect(figure.locator("img")).to_have_count(0)
    broken = page.locator("img").evaluate_all(
        "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []

    page.screenshot(path=str(artifacts_dir / "article.png"), full_page=True)


def test_article_page_lists_the_four_imported_comments_in_page_order(page):
    page.goto(ARTICLE)

    authors = page.locator(
        "#comment-list article.comment:not(.is-placeholder) > .comment-main .comment-meta .author"
    ).all_inner_texts()
    imported = [name for name, *_ in IMPORTED]
    assert [a for a in authors if a in imported] == imported


@pytest.mark.parametrize(("author", "parent_name", "shown", "iso"), IMPORTED,
                         ids=[row[0] for row in IMPORTED])
def test_imported_reply_says_whom_it_answers_with_a_link_to_that_comments_permalink(
    page, author, parent_name, shown, iso
):
    page.goto(ARTICLE)
    comment_id = comment_id_by_author(page, author)
    main = comment_main(page, comment_id)

    in_reply_to = main.locator(".in-reply-to")
    expect(in_reply_to).to_have_text(f"In reply to by {parent_name}")
    parent_href = in_reply_to.get_by_role("link").get_attribute("href")
    parent_id = int(re.fullmatch(r"/c/(\d+)", parent_href).group(1))
    expect(page.locator(f"#replies-c{parent_id} > #c{comment_id}")).to_have_count(1)
    expect(comment_main(page, parent_id).locator(".author")).to_have_text(parent_name)
    expect(comment_main(page, parent_id)).to_contain_text("This comment is not available.")

    time = main.locator(".comment-meta time")
    expect(time).to_have_text(shown)
    expect(time).to_have_attribute("datetime", iso)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_permalink_lands_on_the_article_at_the_comments_anchor(new_reader, javascript):
    page = new_reader(javascript=javascript).new_page()
    page.goto(ARTICLE)
    comment_id = comment_id_by_author(page, "OverTheHedge")  # far down: the page must scroll

    page.goto("about:blank")
    page.goto(f"/c/{comment_id}")

    assert page.url.endswith(f"{ARTICLE}#c{comment_id}")
    expect(comment(page, comment_id)).to_have_count(1)
    expect(comment_main(page, comment_id)).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_newest_link_puts_the_latest_top_level_comment_first(new_reader, javascript):
    page = new_reader(javascript=javascript).new_page()
    page.goto(ARTICLE)
    oldest_first = top_level_ids(page)
    assert len(oldest_first) >= 4
    assert oldest_first == sorted(oldest_first)

    page.locator("nav.sort").get_by_role("link", name="Newest").click()

    expect(page.locator("nav.sort [aria-current=true]")).to_have_text("Newest")
    expect(page).to_have_url(re.compile(r"\?sort=newest"))
    assert top_level_ids(page) == list(reversed(oldest_first))


def test_form_fields_point_only_at_descriptions_that_exist(page):
    """Screen readers announce a field's help and errors through aria-describedby."""
    page.goto(ARTICLE)

    dangling = page.locator("[aria-describedby]").evaluate_all(
        """fields => fields.flatMap(f => f.getAttribute('aria-describedby').split(/\\s+/)
                  .filter(id => !document.getElementById(id)).map(id => `${f.name} -> #${id}`))"""
    )
    assert dangling == []
