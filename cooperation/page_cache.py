"""Public pages kept whole in the cache for anonymous visitors, until the content changes.

One number in the cache, the content version, says when the public content last changed;
every kept page carries the version it was made at and is served only while that is still
the current one. Any write to the portal's records (a save, a delete, a change of links,
an editor's publish action, a bulk load) calls `content_changed()`, which sets a new
version, so the next visitor gets a fresh page at once, on every server process. It does
so straight away and again when the transaction commits: a page rendered from the old
data while the change was being written is then never kept as current.

Visitors with a session (editors, who may see drafts) are never served from or into the
cache. Kept pages answer conditional requests: the ETag is kept with the page, and
Last-Modified is the time of the content version. They are kept compressed (gzip) and
sent so to every client that accepts it, as browsers do: a tenth of the bytes to read
from the cache and to send; other clients get them decompressed.

With Redis as the cache, each server process also holds the pages it served in its own
memory (`_ProcessMemory`) and serves them from there, with no round trip to Redis, for as
long as it is sure they are current: it is subscribed to the announcements of content
changes that `content_changed()` makes.
"""

import gzip
import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

VERSION_KEY = "content-version"
# Where content_changed() announces each new version to the server processes' memories.
CHANNEL = "content-changed"

logger = logging.getLogger(__name__)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _new_version():
    _cache().set(VERSION_KEY, time.time_ns(), timeout=None)
    memory = _memory()
    if memory is not None:
        memory.forget()
        memory.announce()


def content_changed(**_signal):
    """Pages kept so far are out of date; also the receiver of the models' signals."""
    _new_version()
    transaction.on_commit(_new_version)


def _current_version(found):
    version = found.get(VERSION_KEY)
    if version is None:  # first use, or evicted: whatever was kept before is unknown
        _cache().add(VERSION_KEY, time.time_ns(), timeout=None)
        version = _cache().get(VERSION_KEY)
    return version


class PageCacheMiddleware:
    """Serve anonymous GET requests for public pages from the cache; keep what may be kept.

    Placed after WhiteNoise and ConditionalGetMiddleware and before the session middleware,
    so that a page served from the cache costs none of the work below it: two cache reads
    in one round trip, or none when the process's memory has the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_serve(request):
            return self.get_response(request)
        key = "page:" + hashlib.sha1(request.get_full_path().encode()).hexdigest()
        memory = _memory()
        if memory is not None:
            kept = memory.page(key)
            if kept is not None:
                return _replay(kept, _accepts_gzip(request))
            generation = memory.generation
        cache = _cache()
        found = cache.get_many([VERSION_KEY, key])
        version = _current_version(found)
        if memory is not None:
            memory.confirm(version, generation)
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            if memory is not None:
                memory.keep(key, kept)
            return _replay(kept, _accepts_gzip(request))
        response = self.get_response(request)
        if request.method == "GET" and self._may_keep(request, response):
            response["Last-Modified"] = http_date(version // 1_000_000_000)
            # Browsers ask again each time; an unchanged page costs them a 304.
            patch_cache_control(response, no_cache=True)
            set_response_etag(response)
            patch_vary_headers(response, ["Accept-Encoding"])
            headers = [(k, v) for k, v in response.items()]
            body = gzip.compress(response.content, compresslevel=6, mtime=0)
            seconds = settings.PAGE_CACHE_SECONDS
            kept = (version, time.time() + seconds, response.status_code, headers, body)
            cache.set(key, kept, seconds)
            if memory is not None:
                memory.keep(key, kept)
        return response

    def _may_serve(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(tuple(settings.PAGE_CACHE_SKIP_PATHS))
        )

    def _may_keep(self, request, response):
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (user is not None and user.is_authenticated)
            and "private" not in cache_control
            and "no-store" not in cache_control
        )


_GZIP = re.compile(r"\bgzip\b")


def _accepts_gzip(request):
    return bool(_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _replay(kept, compressed):
    _version, _expires, status, headers, body = kept
    response = HttpResponse(body if compressed else gzip.decompress(body), status=status)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(response.content))
    if compressed:
        response["Content-Encoding"] = "gzip"
        # Another encoding of the same page: a weak validator (as GZipMiddleware makes).
        if response.has_header("ETag") and not response["ETag"].startswith("W/"):
            response["ETag"] = "W/" + response["ETag"]
    return response


class _ProcessMemory:
    """The pages a server process served, held in its memory while it is sure they are current.

    The content version read from Redis stays current until content_changed() sets a new
    one and announces it on CHANNEL, to which the process is subscribed. Before serving a
    page from memory, it reads what has arrived on that subscription, without waiting (an
    announcement reaches every subscriber before the editor who made the change gets an
    answer). If nothing has, a page held at the version it last read from Redis is served
    with no round trip. An announcement, the confirmation of a new subscription, or a lost
    one makes it forget the version, so that the next request reads it from Redis again.
    So that a change can never be missed for long, not even over a connection that broke
    without a word, the version is also read again once it is a second old.

    Pages are evicted least recently served first, beyond PAGE_CACHE_MEMORY_MB, and leave
    when their time in the cache (PAGE_CACHE_SECONDS) is up.
    """

    CONFIRMED_FOR = 1.0  # seconds
    RESUBSCRIBE_AFTER = 1.0  # seconds, after the subscription failed

    def __init__(self, url, max_bytes):
        self.max_bytes = max_bytes
        self.client = redis.Redis.from_url(url, socket_keepalive=True)
        self.lock = threading.Lock()  # for threaded servers; a sync worker never waits on it
        self.pages, self.size = OrderedDict(), 0
        self.version, self.confirmed_at = None, 0.0
        self.pubsub, self.listening, self.subscribe_at = None, False, 0.0
        self.generation = 0

    def _forget(self):
        self.generation += 1
        self.version = None

    def _listen(self):
        """Read what the subscription has brought, subscribing first if need be."""
        try:
            if self.pubsub is None:
                if time.monotonic() < self.subscribe_at:
                    return
                self.pubsub = self.client.pubsub()
                self.pubsub.subscribe(CHANNEL)
            while self.pubsub.get_message(timeout=0) is not None:
                self.listening = True  # the first message is the confirmation
                self._forget()
        except redis.RedisError:
            logger.warning("Not subscribed to content changes; retrying", exc_info=True)
            self.pubsub, self.listening = None, False
            self.subscribe_at = time.monotonic() + self.RESUBSCRIBE_AFTER
            self._forget()

    def forget(self):
        with self.lock:
            self._forget()

    def announce(self):
        self.client.publish(CHANNEL, b"")

    def confirm(self, version, generation):
        """The current version, as just read from Redis; `generation` is what it was before
        the read: if anything was forgotten since, the version read may be the old one."""
        with self.lock:
            if self.listening and generation == self.generation:
                self.version, self.confirmed_at = version, time.monotonic()

    def page(self, key):
        with self.lock:
            self._listen()
            if self.version is None or time.monotonic() - self.confirmed_at > self.CONFIRMED_FOR:
                return None
            kept = self.pages.get(key)
            if kept is None or kept[0] != self.version or kept[1] < time.time():
                return None
            self.pages.move_to_end(key)
            return kept

    def keep(self, key, kept):
        with self.lock:
            if key in self.pages:
                self.size -= len(self.pages.pop(key)[-1])
            self.pages[key] = kept
            self.size += len(kept[-1])
            while self.size > self.max_bytes and self.pages:
                self.size -= len(self.pages.popitem(last=False)[1][-1])


_memories = {}


def _memory():
    """This process's memory of pages, when the cache is Redis (shared by the processes)."""
    cache = _cache()
    if not isinstance(cache, RedisCache) or settings.PAGE_CACHE_MEMORY_MB <= 0:
        return None
    # The server Django's cache writes to: the first of its LOCATION.
    url = cache._servers[0]
    # A process forked from one that had a memory starts one of its own.
    key = (os.getpid(), url)
    if key not in _memories:
        _memories[key] = _ProcessMemory(url, settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024)
    return _memories[key]


def kept_results(computations, seconds=None):
    """{key: compute} -> {key: result}, computing only what the cache does not hold.

    For results that cost much to compute and change only with the content, such as the
    counts beside the filters over tens of thousands of records: kept until the content
    version changes, like pages, and fetched together in one round trip.
    """
    seconds = settings.QUERY_CACHE_SECONDS if seconds is None else seconds
    if seconds <= 0 or not computations:
        return {key: compute() for key, compute in computations.items()}
    cache = _cache()
    found = cache.get_many([VERSION_KEY, *computations])
    version = _current_version(found)
    results, fresh = {}, {}
    for key, compute in computations.items():
        kept = found.get(key)
        if kept is not None and kept[0] == version:
            results[key] = kept[1]
        else:
            results[key] = compute()
            fresh[key] = (version, results[key])
    if fresh:
        cache.set_many(fresh, seconds)
    return results


def kept(key, compute):
    """One result kept until the content changes: see kept_results()."""
    return kept_results({key: compute})[key]


def query_key(prefix, *parts):
    """A cache key for the result of a query: its SQL and parameters, and `parts`."""
    text = []
    for part in parts:
        if hasattr(part, "query"):
            sql, params = part.query.sql_with_params()
            part = f"{sql} {params!r}"
        text.append(str(part))
    return f"{prefix}:" + hashlib.sha1("\x1f".join(text).encode()).hexdigest()
