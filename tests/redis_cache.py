"""Helpers for the tests of what is kept for visitors (cooperation/page_cache.py), run with the
development cache and with the Redis of this machine (TEST_REDIS_URL), as production has it.

Where Redis does not answer, its tests are skipped on a developer's machine and fail in CI
(CI=true), whose script starts Redis: a skipped test there would prove nothing.
"""

import os
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import caches
from django.db import transaction

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CACHES = ["development cache", "redis"]


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def need_redis():
    """Skip the test where Redis does not answer; fail it in CI."""
    if not redis_answers():
        message = f"no Redis at {REDIS_URL}"
        if IN_CI:
            pytest.fail(f"{message}: CI must start it (.ci/run)", pytrace=False)
        pytest.skip(message)


def flush_redis():
    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def cache_named(name, settings):
    """The cache is `name` (one of CACHES), empty, for the block."""
    if name == "redis":
        need_redis()
        flush_redis()
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "cooperation.resilient_cache.ResilientRedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": settings.RELEASE,
            },
        }
    caches[settings.PAGE_CACHE_PROCESS_ALIAS].clear()
    yield
    if name == "redis":
        flush_redis()


@contextmanager
def committed():
    """Writes in the block, then what their commit does: the test's own transaction never
    commits, so the callbacks waiting for it (connection.run_on_commit) are run here."""
    yield
    connection = transaction.get_connection()
    waiting, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in waiting:
        callback()
