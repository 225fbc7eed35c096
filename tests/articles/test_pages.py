"""The site's front page and a hosted article page, as a reader without JavaScript gets them."""

import pytest
from django.core.management import call_command

from rostra.articles.models import Article
from tests.conftest import FOUNDING_PAGE


@pytest.fixture
def founding(site):
    call_command("import", str(FOUNDING_PAGE), format="page", site=site.slug)
    return Article.objects.get()


def test_front_page_lists_articles_with_contributor_outlet_date_and_count(client, founding):
    page = client.get("/").content.decode()
    assert founding.title in page and f'href="{founding.get_absolute_url()}"' in page
    assert '<span class="contributor">Leith Fadel</span>' in page
    assert '<span class="outlet">Al-Masdar News</span>' in page
    assert "4 comments" in page and "<time datetime=" in page


def test_large_counts_are_written_with_thousands_separators(client, founding):
    Article.objects.filter(pk=founding.pk).update(comment_count=123456)
    assert "123,456 comments" in client.get("/").content.decode()
    assert "123,456 comments" in client.get(founding.get_absolute_url()).content.decode()


def test_article_page_shows_story_figure_and_discussion_in_page_order(client, founding):
    page = client.get(founding.get_absolute_url()).content.decode()
    assert '<h1 class="headline">New Video Emerges Of ISIS Convoys' in page
    assert ('Submitted by <span class="contributor">Leith Fadel</span> via '
            '<span class="outlet">Al-Masdar News</span>') in page
    figure = page[page.index("<figure"):page.index("</figure>")]
    assert "<figcaption>A Kurdish SDF fighter looks as smoke rises above Raqqa, Summer 2017." in figure
    assert "Image source: Reuters via Al-Masdar News" in figure and "<img" not in figure
    assert page.index("Thought to have been filmed") < page.index("<figure") < page.index(
        "This is the footage we shot")
    order = [page.index(name) for name in ("GUS100CORRINA", "Ace006", "Conscious Reviver",
                                           "OverTheHedge")]
    assert order == sorted(order)
    assert page.count("This comment is not available.") == 4
    assert '<time datetime="2018-01-05T22:15:00-05:00">Fri, 01/05/2018 - 22:15</time>' in page
    for parent in ("doctor10", "knukles", "IH8OBAMA", "Rjh"):
        assert f">{parent}</a></p>" in page  # "In reply to by <a href=/c/…>parent</a>"


def test_every_comment_element_carries_its_anchor(client, founding):
    page = client.get(founding.get_absolute_url()).content.decode()
    for comment_id in founding.comments.values_list("pk", flat=True):
        assert f'id="c{comment_id}"' in page
        assert f'href="/c/{comment_id}">Permalink</a>' in page


def test_unknown_article_is_a_plain_404_page(client, site):
    response = client.get("/a/no-such-story/")
    assert response.status_code == 404 and b"There is nothing at this address." in response.content


def test_pages_send_a_strict_content_security_policy(client, founding):
    policy = client.get(founding.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
