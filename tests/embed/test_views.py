"""The embed's server side: loader, stylesheet, fragments and the no-JavaScript way in."""

import gzip

import pytest

from rostra.articles.models import Article

PAGE = "https://news.example.org/2026/story/"


@pytest.fixture
def site(make_site):
    return make_site(slug="news", domains=["news.example.org"], origins=["https://news.example.org"])


@pytest.fixture
def thread(site, make_article):
    return make_article(url=PAGE, title="Story")


def test_loader_is_small_and_cacheable(client, db):
    response = client.get("/embed.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert len(gzip.compress(response.content)) <= 15 * 1024
    assert client.get("/embed.js", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_stylesheet_carries_the_shadow_root_rules_and_the_discussion_rules(client, db):
    css = client.get("/embed/embed.css").content.decode()
    assert ":host" in css and "all: initial" in css and ".comment-body" in css


def test_fragment_links_comments_to_the_host_page(client, thread, make_comment):
    top = make_comment(thread=thread, author_name="Ana")
    reply = make_comment(parent=top, author_name="Bo")
    html = client.get("/embed/thread", {"site": "news", "url": PAGE}).content.decode()
    assert f'href="{PAGE}#c{top.pk}">Permalink' in html
    assert f'In reply to by <a href="{PAGE}#c{top.pk}">Ana</a>' in html
    assert f'id="c{reply.pk}"' in html and "csrfmiddlewaretoken" not in html
    assert "data-rostra-form" in html and "<html" not in html


def test_fragment_sets_no_cookie(client, thread, make_comment):
    make_comment(thread=thread)
    response = client.get("/embed/thread", {"site": "news", "url": PAGE})
    assert response.status_code == 200 and not response.cookies and "Set-Cookie" not in response


def test_fragment_for_a_page_without_comments_offers_the_form(client, site):
    html = client.get("/embed/thread", {"site": "news", "url": PAGE + "new/"}).content.decode()
    assert "No comments yet" in html and "data-rostra-form" in html
    assert not Article.objects.exists()  # reading never creates a thread


def test_fragment_revalidates_until_the_thread_changes(client, thread, make_comment):
    first = client.get("/embed/thread", {"site": "news", "url": PAGE})
    again = client.get("/embed/thread", {"site": "news", "url": PAGE}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    make_comment(thread=thread)
    changed = client.get("/embed/thread", {"site": "news", "url": PAGE}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_focus_opens_the_page_that_holds_the_comment(client, thread, make_comment, settings):
    settings.ROSTRA_COMMENTS_PER_PAGE = 2
    made = [make_comment(thread=thread, author_name=f"n{i}") for i in range(5)]
    html = client.get("/embed/thread", {"site": "news", "url": PAGE, "focus": made[4].pk}).content.decode()
    assert f'id="c{made[4].pk}"' in html and "Page 3 of 3" in html


def test_fragment_answers_cors_only_for_allowed_origins(client, thread):
    allowed = client.get("/embed/thread", {"site": "news", "url": PAGE},
                         HTTP_ORIGIN="https://news.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://news.example.org"
    refused = client.get("/embed/thread", {"site": "news", "url": PAGE}, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused


def test_unknown_site_is_a_404(client, db):
    assert client.get("/embed/thread", {"site": "nope", "url": PAGE}).status_code == 404


def test_discuss_starts_the_thread_and_redirects_to_it(client, site):
    response = client.get("/discuss", {"site": "news", "url": PAGE + "#comments", "title": "Hello there"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.url == PAGE and article.title == "Hello there"
    again = client.get("/discuss", {"site": "news", "url": PAGE})
    assert again["Location"] == article.get_absolute_url() and Article.objects.count() == 1


def test_discuss_refuses_a_page_outside_the_site(client, site):
    response = client.get("/discuss", {"site": "news", "url": "https://elsewhere.example/x"})
    assert response.status_code == 404
    assert "is not one of the pages of" in response.content.decode()
    assert not Article.objects.exists()


def test_odd_digits_in_page_and_focus_are_ignored(client, thread):
    for query in ({"page": "²"}, {"focus": "²"}, {"page": "9" * 40}, {"focus": "-3"}):
        response = client.get("/embed/thread", {"site": "news", "url": PAGE, **query})
        assert response.status_code == 200


def test_discussions_of_other_sites_pages_have_an_address_here(client, make_site, db):
    make_site(slug="home", domains=["testserver"])  # the site Rostra's own host name serves
    other = make_site(slug="blog", domains=["blog.example.org"])
    response = client.get("/discuss", {"site": "blog", "url": "https://blog.example.org/p/",
                                       "title": "A blog post"})
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"A blog post" in page.content
    assert Article.objects.get().site == other


def test_following_a_link_does_not_put_a_thread_on_the_front_page(client, site):
    client.get("/discuss", {"site": "news", "url": PAGE, "title": "BUY CHEAP PILLS"})
    assert Article.objects.count() == 1
    assert b"BUY CHEAP PILLS" not in client.get("/").content
