"""The discussion embedded in another origin's page: Rostra's loader, the host's own CSS, CORS."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

THREAD = ".rostra-thread"


def open_host(new_reader, host_pages, *, origin=None, javascript=True):
    page = new_reader(javascript=javascript).new_page()
    page.goto((origin or host_pages.allowed) + "/post.html")
    return page


def post(page, body, *, name="Guest", form=f"{THREAD} form[data-rostra-form]:not([data-rostra-parent])"):
    form = page.locator(form)
    form.locator("textarea[name=body]").fill(body)
    form.locator("input[name=author_name]").fill(name)
    form.locator("button[type=submit]").click()
    comment = page.locator(f"{THREAD} .comment", has_text=body).last
    expect(comment).to_be_visible()
    return comment


def test_host_page_shows_the_thread_form_and_count(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    expect(page.locator(f"{THREAD} .form-heading")).to_have_text("Join the discussion")
    expect(page.locator("#count")).to_have_text(re.compile(r"^\d+ comments?$"))
    expect(page.locator("#fallback")).to_be_hidden()  # the loader replaced the no-JS link


def test_guest_posts_replies_edits_votes_and_deletes_on_the_host_page(new_reader, host_pages,
                                                                      artifacts_dir):
    page = open_host(new_reader, host_pages)
    first = post(page, "Embedded first words")
    first_id = first.get_attribute("id")
    expect(page.locator("#count")).to_have_text(re.compile(r"^\d+ comments?$"))

    first.locator(".reply-link").first.click()
    reply_form = page.locator(f"{THREAD} #reply-slot-{first_id} form")
    reply = post(page, "Embedded reply", name="Replier", form=f"{THREAD} #reply-slot-{first_id} form")
    expect(page.locator(f"{THREAD} #replies-{first_id} .comment", has_text="Embedded reply")).to_be_visible()
    expect(reply_form).to_have_count(0)
    expect(reply.locator(".in-reply-to")).to_contain_text("In reply to by Guest")

    main = page.locator(f"{THREAD} #{first_id}-main")
    main.locator("[data-rostra-edit]").click()
    main.locator("form[data-rostra-edit-form] textarea").fill("Embedded words, *edited*")
    main.locator("form[data-rostra-edit-form] button[type=submit]").click()
    expect(page.locator(f"{THREAD} #{first_id}-main .comment-body")).to_contain_text("Embedded words, edited")
    expect(page.locator(f"{THREAD} #{first_id}-main .edited")).to_be_visible()

    up = page.locator(f"{THREAD} #{first_id}-main .vote-up")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"{THREAD} #{first_id}-main .score")).to_have_text("1")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"{THREAD} #{first_id}-main .score")).to_have_text("0")

    page.locator(f"{THREAD} #{first_id}-main [data-rostra-delete]").click()
    page.locator(f"{THREAD} #{first_id}-main [data-rostra-delete-confirmed]").click()
    expect(page.locator(f"{THREAD} #{first_id}-main .author")).to_have_text("[deleted]")
    expect(page.locator(f"{THREAD} #replies-{first_id} .comment", has_text="Embedded reply")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "embed.png"), full_page=True)


def test_another_reader_gets_no_edit_controls_and_the_api_refuses_them(new_reader, host_pages,
                                                                      base_url):
    author = open_host(new_reader, host_pages)
    comment_id = post(author, "Only mine to change").get_attribute("id")
    other = open_host(new_reader, host_pages)
    main = other.locator(f"{THREAD} #{comment_id}-main")
    expect(main).to_be_visible()
    expect(main.locator("[data-rostra-edit]")).to_have_count(0)
    status = other.evaluate(
        "async ([base, id]) => (await fetch(base + '/api/v1/comments/' + id, {method: 'DELETE'})).status",
        [base_url, comment_id[1:]],
    )
    assert status == 401


def test_bad_input_is_shown_beside_the_form_and_the_text_is_kept(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    form = page.locator(f"{THREAD} form[data-rostra-form]")
    form.locator("textarea[name=body]").fill("Words I do not want to lose")
    form.locator("input[name=author_name]").fill("   ")
    form.locator("button[type=submit]").click()
    expect(form.locator(".error")).to_contain_text("name")
    expect(form.locator("textarea[name=body]")).to_have_value("Words I do not want to lose")


def test_styles_stay_on_their_own_side_of_the_shadow_boundary(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    comment = post(page, "Style check")
    body_p = comment.locator(".comment-body p")
    host_p = page.locator("#host-paragraph")
    assert host_p.evaluate("e => getComputedStyle(e).color") == "rgb(128, 0, 128)"
    assert host_p.evaluate("e => getComputedStyle(e).fontSize") == "30px"
    assert body_p.evaluate("e => getComputedStyle(e).color") != "rgb(128, 0, 128)"
    assert body_p.evaluate("e => getComputedStyle(e).fontSize") != "30px"
    assert "Comic Sans" not in body_p.evaluate("e => getComputedStyle(e).fontFamily")
    submit = page.locator(f"{THREAD} form[data-rostra-form] button[type=submit]")
    assert submit.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 255, 0)"
    assert comment.evaluate("e => getComputedStyle(e).borderTopWidth") != "5px"
    # and the thread's rules (.comment, .comment-body …) do not style the host's own elements
    host_comment = page.locator("#host-comment")
    assert host_comment.evaluate("e => getComputedStyle(e).borderTopWidth") == "5px"
    assert host_comment.evaluate("e => getComputedStyle(e).paddingTop") == "0px"


def test_host_can_theme_the_thread_with_custom_properties(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    page.add_style_tag(content=".rostra-thread { --rostra-accent: rgb(1, 2, 3); }")
    submit = page.locator(f"{THREAD} form[data-rostra-form] button[type=submit]")
    expect(submit).to_be_visible()
    assert submit.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(1, 2, 3)"


def test_permalink_points_at_the_host_page_and_lands_on_the_comment(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    comment = post(page, "Link to me")
    comment_id = comment.get_attribute("id")
    link = comment.locator(".permalink").first
    assert link.get_attribute("href") == f"{host_pages.page_url}#{comment_id}"
    fresh = open_host(new_reader, host_pages)
    fresh.goto(f"{host_pages.page_url}#{comment_id}")
    expect(fresh.locator(f"{THREAD} #{comment_id}")).to_have_class(re.compile("is-focused"))


def test_a_page_of_a_disallowed_origin_gets_no_thread(new_reader, host_pages):
    new_reader.tolerate("blocked by CORS policy")
    page = new_reader(javascript=True).new_page()
    page.goto(host_pages.refused + "/post.html")
    expect(page.locator(f"{THREAD} .rostra-message")).to_contain_text("could not be loaded")
    expect(page.locator(f"{THREAD} form")).to_have_count(0)


def test_without_javascript_the_snippet_link_leads_to_rostras_page(new_reader, host_pages, base_url):
    page = open_host(new_reader, host_pages, javascript=False)
    page.locator("#fallback").click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/a/[\w-]+/$"))
    expect(page.locator("h1.headline")).to_have_text("A host blog post")


def test_first_paint_takes_two_requests_after_the_loader_and_sets_no_cookies(new_reader, host_pages,
                                                                              base_url):
    context = new_reader(javascript=True)
    seen = []
    context.on("request", lambda r: seen.append((r.method, r.url)) if r.url.startswith(base_url) else None)
    page = context.new_page()
    page.goto(host_pages.allowed + "/post.html")
    expect(page.locator(f"{THREAD} .form-heading")).to_be_visible()
    expect(page.locator("#count")).to_have_text(re.compile(r"comments?$"))
    paths = [(method, url[len(base_url):].split("?")[0]) for method, url in seen]
    assert paths[0] == ("GET", "/embed.js")
    thread_requests = [p for p in paths[1:] if p[1] != "/api/v1/counts" and p[0] != "OPTIONS"]
    assert thread_requests == [("GET", "/embed/thread"), ("GET", "/embed/embed.css")]
    post(page, "No cookies for me")
    assert context.cookies() == []  # neither Rostra nor the static host page set any


def test_dark_theme_is_one_attribute_away(new_reader, host_pages):
    page = open_host(new_reader, host_pages)
    thread = page.locator(THREAD)
    expect(thread.locator(".form-heading")).to_be_visible()
    light = thread.evaluate("e => getComputedStyle(e).backgroundColor")
    thread.evaluate("e => e.setAttribute('data-rostra-theme', 'dark')")
    dark = thread.evaluate("e => getComputedStyle(e).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark == "rgb(22, 22, 22)"
