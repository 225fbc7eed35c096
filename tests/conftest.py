"""Factory fixtures shared by the whole suite: keyword-only, with defaults a test overrides by name."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rostra.articles.models import Article
from rostra.articles.publish import save_article
from rostra.discussion.create import create_comment
from rostra.sites.models import Site

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOUNDING_PAGE = Path(__file__).resolve().parents[1] / "rostra" / "demo" / "raqqa-convoys.txt"


@pytest.fixture
def make_site(db):
    def make(*, slug="news", name="News", timezone="America/New_York", domains=("testserver",),
             origins=()):
        return Site.objects.create(slug=slug, name=name, timezone=timezone,
                                   domains=list(domains), origins=list(origins))

    return make


@pytest.fixture
def site(make_site):
    return make_site()


@pytest.fixture
def make_article(site):
    counter = iter(range(1, 10_000))

    def make(*, title=None, slug=None, body="First paragraph.\n\nSecond paragraph.",
             submitted_by="A. Writer", via="The Outlet", on_site=None, **fields):
        n = next(counter)
        article = Article(
            site=on_site or site, title=title or f"Article {n}", slug=slug or f"article-{n}",
            body_source=body, body_format="plain", submitted_by=submitted_by, via=via, **fields,
        )
        return save_article(article)

    return make


@pytest.fixture
def article(make_article):
    return make_article(title="The article", slug="the-article")


@pytest.fixture
def make_comment(article):
    def make(*, parent=None, thread=None, author_name="Reader", body="A comment.", **fields):
        return create_comment(
            thread=thread or (parent.thread if parent else article),
            parent_id=parent.pk if parent else None,
            author_name=author_name,
            body=body,
            **fields,
        ).comment

    return make


def at(text: str, tz: str = "America/New_York") -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz))


def minutes_ago(n: int) -> datetime:
    return timezone.now() - timedelta(minutes=n)


@pytest.fixture
def limits_off(settings):
    """Rate limits and flood guards off (ROSTRA_RATE_LIMITS=off), for tests that post faster than a
    person can, as load tests do. The guards have their own tests, in tests/abuse/."""
    settings.ROSTRA_RATE_LIMITS = "off"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches (thread ids and address keys repeat across test databases)."""
    from django.core.cache import cache

    from rostra.identity import addresses

    cache.clear()
    addresses._keys.clear()
    yield
