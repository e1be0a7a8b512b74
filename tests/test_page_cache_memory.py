"""With Redis, each server process also holds the pages it served and, while it is sure
that nothing has changed, serves them without asking Redis; a change still shows at once."""

import os
import subprocess
import sys

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cooperation import page_cache
from cooperation.models import Event, PublicationState

from .redis_cache import NO_REDIS, REDIS_URL, flush_redis, redis_answers, use_redis

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not redis_answers(), reason=NO_REDIS)]

EVENTS = "/events/?region=tatarstan"


@pytest.fixture(autouse=True)
def loaded(settings, article):
    settings.PAGE_CACHE_SECONDS = 600
    use_redis(settings)
    # The article's rows were written without signals: announce them as a save would, so
    # that no server process serves a page it kept in an earlier test.
    page_cache.content_changed()
    yield
    flush_redis()


@pytest.fixture
def visitor():
    return Client()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def _from_memory_only(visitor, url, monkeypatch):
    """The page, served while Redis cannot be asked."""

    def no_redis(*args, **kwargs):
        raise AssertionError("Redis was asked")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.cache.backends.redis.RedisCache.get_many", no_redis)
        response, queries = _queries(visitor, url)
    assert queries == 0
    return response.content.decode()


def _kept_in_memory(visitor, url):
    for _request in range(3):  # rendered, then the subscription confirmed and the page kept
        page = visitor.get(url).content.decode()
    return page


def test_a_server_process_serves_a_page_it_has_kept_without_asking_redis(visitor, monkeypatch):
    page = _kept_in_memory(visitor, EVENTS)
    assert _from_memory_only(visitor, EVENTS, monkeypatch) == page
    assert "KazanForum" in page


def test_a_change_made_in_another_server_process_shows_at_once(visitor, monkeypatch):
    # Only the announcement tells the process: not the second after which it asks again.
    monkeypatch.setattr(page_cache._ProcessMemory, "CONFIRMED_FOR", 3600)
    assert "KazanForum" in _kept_in_memory(visitor, EVENTS)
    # The other process writes to the database (here, for it) and announces the change.
    Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.DRAFT)
    announce = "import django; django.setup(); from cooperation import page_cache; "
    announce += "page_cache.content_changed()"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": REDIS_URL}
    subprocess.run([sys.executable, "-c", announce], env=env, check=True)
    assert "KazanForum" not in visitor.get(EVENTS).content.decode()


def test_a_lost_subscription_sends_the_process_back_to_redis(visitor, monkeypatch):
    monkeypatch.setattr(page_cache._ProcessMemory, "CONFIRMED_FOR", 3600)
    assert "KazanForum" in _kept_in_memory(visitor, EVENTS)
    server = redis.Redis.from_url(REDIS_URL)
    server.client_kill_filter(_type="pubsub")
    # A change whose announcement the process could not hear.
    Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.DRAFT)
    server.set(":1:" + page_cache.VERSION_KEY, 1)
    assert "KazanForum" not in visitor.get(EVENTS).content.decode()
    # Subscribed again a second later; until then every request asks Redis.
    Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.PUBLISHED)
    server.set(":1:" + page_cache.VERSION_KEY, 2)
    assert "KazanForum" in visitor.get(EVENTS).content.decode()


def test_a_process_holds_the_most_recently_served_pages_up_to_its_limit():
    memory = page_cache._ProcessMemory(REDIS_URL, max_bytes=25)
    page = (1, float("inf"), 200, [], b"0123456789")
    for key in ("a", "b", "c"):
        memory.keep(key, page)
    assert list(memory.pages) == ["b", "c"] and memory.size == 20
    memory.keep("c", page)
    memory.keep("d", page)
    assert list(memory.pages) == ["c", "d"]
