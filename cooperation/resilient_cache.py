"""Django's Redis cache, for a site to which Redis is an accelerator and never a dependency.

When Redis cannot be reached (down at start, lost while running), every cache operation
answers as an empty cache would (a miss, nothing stored) instead of raising, with one
warning in the log per outage; for RETRY_SECONDS after a failure Redis is not asked at all,
so that no request waits for it. Pages are then rendered for every visitor, uncached.

Whatever the cache held may have gone stale while it was away (an editor's save could not
announce itself), so the first process to reach it again calls the functions registered
with `on_recovery` (the page cache sets a new content version there).
"""

import functools
import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
# A Redis that does not answer at all (a dropped network) holds a request this long at most.
SOCKET_TIMEOUT_SECONDS = 0.5

_recovery_callbacks = []


def on_recovery(callback):
    """Call `callback(cache)` whenever this process reaches Redis again after losing it."""
    _recovery_callbacks.append(callback)
    return callback


def _tolerant(default, read=False):
    """`default` is what an empty cache answers, or a function of the call's arguments."""

    def answer(args, kwargs):
        return default(*args, **kwargs) if callable(default) else default

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._down_until and time.monotonic() < self._down_until:
                return answer(args, kwargs)
            try:
                result = method(self, *args, **kwargs)
            except redis.RedisError:
                if not self._down_until:
                    logger.warning("Redis is unreachable: serving without the cache", exc_info=True)
                self._down_until = time.monotonic() + RETRY_SECONDS
                return answer(args, kwargs)
            if self._down_until:
                self._down_until = 0.0
                logger.warning("Redis is reachable again")
                for callback in _recovery_callbacks:
                    callback(self)
                if read:  # what was read may be what the callbacks just replaced
                    result = method(self, *args, **kwargs)
            return result

        return wrapper

    return decorate


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)
        self._down_until = 0.0

    add = _tolerant(False)(RedisCache.add)
    get = _tolerant(lambda key, default=None, version=None: default, read=True)(RedisCache.get)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant({}, read=True)(RedisCache.get_many)
    has_key = _tolerant(False, read=True)(RedisCache.has_key)
    incr = _tolerant(None)(RedisCache.incr)
    set_many = _tolerant([])(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)
