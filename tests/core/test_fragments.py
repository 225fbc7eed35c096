"""ROSTRA_CACHE_THREADS: thread answers of the JSON and Isso APIs come from the cache, or (off, for the
bench's cold scenario) from the database every time."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostra.core.app_settings import app_settings

PAGE = "https://news.example.org/story/"


@pytest.fixture
def thread_id(client, make_site, limits_off):
    make_site(slug="news", domains=["news.example.org"])
    data = {"site": "news", "url": PAGE, "title": "A story", "body": "First", "author_name": "Ana"}
    response = client.post("/api/v1/comments", json.dumps(data), content_type="application/json")
    return response.json()["thread_id"]


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/api/v1/threads/{id}/comments", "/isso/news/?uri=%2Fstory%2F"])
def test_a_second_read_of_a_thread_comes_from_the_cache(client, thread_id, path):
    path = path.format(id=thread_id)
    first = queries_of(client, path)
    assert queries_of(client, path) < first


@pytest.mark.parametrize("path", ["/api/v1/threads/{id}/comments", "/isso/news/?uri=%2Fstory%2F"])
def test_with_thread_caching_off_every_read_renders_from_the_database(client, thread_id, path, settings):
    settings.ROSTRA_CACHE_THREADS = False
    path = path.format(id=thread_id)
    assert queries_of(client, path) == queries_of(client, path)


@pytest.mark.parametrize(("value", "on"), [("off", False), ("0", False), ("on", True), ("1", True)])
def test_the_switch_reads_from_the_environment(monkeypatch, value, on):
    monkeypatch.setenv("ROSTRA_CACHE_THREADS", value)
    assert app_settings.CACHE_THREADS is on


def test_the_system_checks_take_off_for_an_answer(settings):
    from rostra.core.checks import check_app_settings

    settings.ROSTRA_CACHE_THREADS = False
    assert check_app_settings(None) == []
