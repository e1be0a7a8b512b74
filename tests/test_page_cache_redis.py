"""With Redis, as in production: an edit committed by any server process reaches the others
within a second, and each serves the pages in demand from its own memory."""

import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cooperation import page_cache
from cooperation.models import Event, PublicationState

from .redis_cache import REDIS_URL, cache_named, committed

pytestmark = pytest.mark.django_db

EVENTS = "/events/?region=tatarstan"


@pytest.fixture(autouse=True)
def loaded(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.QUERY_CACHE_SECONDS = 3600
    with cache_named("redis", settings):
        with committed():
            call_command("load_articles", stdout=StringIO())
        yield


def test_a_visitor_sees_an_edit_committed_by_another_process_within_a_second(tmp_path):
    visitor = Client()
    assert "KazanForum" in visitor.get(EVENTS).content.decode()
    # The other process writes to the database (here, for it: the test's transaction holds
    # the data) and commits, which sets a new version in the shared cache.
    Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.DRAFT)
    commit = "import django; django.setup(); from cooperation import page_cache; "
    commit += "page_cache.content_changed()"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "REDIS_URL": REDIS_URL,
        # A database of its own: what it wrote is already in the test's.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        # The same release as this process, whatever code is on disk now.
        "RELEASE": settings.RELEASE,
    }
    subprocess.run([sys.executable, "-c", commit], env=env, check=True)
    time.sleep(page_cache.VERSION_SECONDS)
    assert "KazanForum" not in visitor.get(EVENTS).content.decode()


def test_a_page_in_demand_is_served_from_the_server_process_memory(monkeypatch):
    visitor = Client()
    first = visitor.get(EVENTS)

    def no_redis(*args, **kwargs):
        raise AssertionError("Redis was asked")

    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get", no_redis)
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get(EVENTS)
    assert len(queries) == 0 and again.content == first.content
