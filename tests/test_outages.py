"""The site stays up when what it stands on fails, says so in the visitor's language, and
recovers by itself. A proxy in front of the service is stopped to take it away."""

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cooperation import page_cache
from cooperation import resilient_cache as cache_backend
from cooperation.models import Event

from .proxy import Proxy
from .redis_cache import REDIS_URL, committed, flush_redis, need_redis

pytestmark = pytest.mark.django_db


def _free_port():
    with Proxy("127.0.0.1", 1) as probe:
        return probe.port


class _Server:
    """gunicorn with the portal, as in production but on this machine."""

    def __init__(self, **env):
        self.port = _free_port()
        environment = {
            **os.environ,
            "DEBUG": "0",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            **env,
        }
        self.process = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "portal.wsgi"],
            env=environment,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while self.get("/health/")[0] != 200:
            assert self.process.poll() is None, self.process.stderr.read()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def get(self, path):
        """(status, seconds, body, headers)"""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as r:
                status, body, headers = r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read().decode(), error.headers
        except OSError:
            status, body, headers = None, "", {}
        return status, time.monotonic() - started, body, headers

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def database_behind_a_proxy(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("a database server to take away: the PostgreSQL run has one")
    call_command("load_articles", stdout=StringIO())
    db = connection.settings_dict
    with Proxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) as proxy:
        user = f"{db['USER']}@" if db["USER"] else ""
        url = f"postgres://{user}127.0.0.1:{proxy.port}/{db['NAME']}"
        server = _Server(DATABASE_URL=url, PAGE_CACHE_SECONDS="0", REDIS_URL="")
        try:
            yield proxy, server
        finally:
            server.stop()


def test_without_the_database_pages_answer_a_localized_503_at_once_and_recover_by_themselves(
    database_behind_a_proxy,
):
    proxy, server = database_behind_a_proxy
    assert server.get("/events/")[0] == 200

    proxy.stop()
    for path, words in (("/events/", "Портал ненадолго недоступен"), ("/en/", "briefly")):
        for _ in range(3):  # broken pooled connections first, then waiting for a new one
            status, seconds, body, headers = server.get(path)
            assert status == 503, path
            assert seconds < 3, f"{path} took {seconds:.1f} s"
            assert words in body
            assert headers["Retry-After"] == "30"
    assert server.get("/health/")[0] == 200  # alive: no reason to restart it
    assert server.get("/health/ready/")[0] == 503  # not ready: send traffic elsewhere

    proxy.start()
    back = time.monotonic()
    while server.get("/events/")[0] != 200:
        assert time.monotonic() - back < 2, "not back within 2 seconds of the database"
        time.sleep(0.1)
    assert server.get("/health/ready/")[0] == 200


@pytest.fixture
def redis_behind_a_proxy(settings, article):
    need_redis()
    flush_redis()
    address = urlsplit(REDIS_URL)
    with Proxy(address.hostname, address.port or 6379) as proxy:
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "cooperation.resilient_cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{proxy.port}{address.path}",
                "KEY_PREFIX": settings.RELEASE,
            },
        }
        settings.PAGE_CACHE_SECONDS = 600
        settings.QUERY_CACHE_SECONDS = 3600
        caches[settings.PAGE_CACHE_PROCESS_ALIAS].clear()
        with committed():
            page_cache.content_changed()
        yield proxy
    flush_redis()


MEETING = "vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025"


def test_without_redis_pages_are_served_uncached_and_fresh_once_it_is_back(
    redis_behind_a_proxy, caplog
):
    proxy, visitor = redis_behind_a_proxy, Client()
    assert visitor.get("/events/").status_code == 200  # now kept in Redis

    proxy.stop()
    with caplog.at_level(logging.WARNING, logger="cooperation.resilient_cache"):
        down = [visitor.get(path) for path in ("/events/", "/", "/search/?q=Атырау")]
    assert [response.status_code for response in down] == [200, 200, 200]
    assert "Redis is unreachable" in caplog.text
    # An editor's save while Redis is away cannot tell the cache ...
    event = Event.objects.get(slug=MEETING)
    event.title = "Встреча в Казанском Кремле"
    with committed():
        event.save()
    assert "Встреча в Казанском Кремле" in visitor.get("/events/").content.decode()

    proxy.start()
    time.sleep(cache_backend.RETRY_SECONDS + page_cache.VERSION_SECONDS)
    # ... so nothing kept from before the outage is served as current once it is back.
    assert "Встреча в Казанском Кремле" in visitor.get("/events/").content.decode()
    assert "Redis is reachable again" in caplog.text


def test_a_site_started_without_redis_serves_its_pages(redis_behind_a_proxy):
    proxy = redis_behind_a_proxy
    proxy.stop()
    caches["default"].close()
    for path in ("/events/", "/en/regions/", f"/events/{MEETING}/", "/events/?format=csv"):
        assert Client().get(path).status_code == 200, path
