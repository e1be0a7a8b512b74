"""Tests of the caches as production has them, on the Redis of this machine (TEST_REDIS_URL)."""

import os

import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
NO_REDIS = f"no Redis at {REDIS_URL}"


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def flush_redis():
    redis.Redis.from_url(REDIS_URL).flushdb()


def use_redis(settings):
    """The cache is an empty Redis database for the rest of the test."""
    flush_redis()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
