"""Pages and counts kept for anonymous visitors until the content changes.

Three parts, in the order a request meets them (why they are so:
docs/decisions/0006-kept-pages-and-counts.md):

1. **The content version**, one number in the shared cache (Redis in production). Every
   committed transaction that wrote the portal's records sets a new one, once: the models'
   signals call `content_changed()` (connected in cooperation/apps.py), and so do the few
   writers that bypass signals (bulk publishing, the demo data). A server process reads the
   version again once it is a second old (VERSION_SECONDS), so an edit reaches anonymous
   visitors' pages within about a second. Visitors with a session (editors) are never
   served a kept page.

2. **Kept pages.** `FetchPageCacheMiddleware` serves an anonymous GET from the cache and
   `UpdatePageCacheMiddleware` keeps what may be kept, as Django's own cache middleware
   pair does and with its keys (django.utils.cache): the URL with scheme and host, the
   request headers the page varies on (`Vary`) and the language, under a prefix that
   holds the content version. A new version means new keys; pages of old versions expire
   on their own. The release is the cache's KEY_PREFIX (settings.RELEASE), so a new
   release never reads what the previous one rendered, and nothing is wiped when a
   worker starts. A kept page is stored gzip-compressed, sent so to clients that accept
   it and decompressed for the others; browsers revalidate it with its ETag. Each server
   process also holds the pages it served for a second (PROCESS_SECONDS), so that a page
   in demand costs no round trip to Redis.

3. **Kept results** (`kept`, `kept_results`): the counts beside the filters and other
   aggregates, each kept with the version it was computed at. An anonymous visitor whose
   page needs a result of an older version is shown that previous result at once (and the
   page is kept for a second only); after the response has been sent, the process that
   takes the result's lock (`cache.add`) computes it again. So nobody waits for a recount,
   and the counts catch up with an edit within the time one recount takes. Editors, and
   code outside a visitor's request, get results of the current version, computed if need
   be.
"""

import gzip
import hashlib
import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils import translation
from django.utils.cache import (
    get_cache_key,
    learn_cache_key,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from .resilient_cache import on_recovery

VERSION_KEY = "content-version"
# When the content last changed (time.time()), for Last-Modified.
CHANGED_AT_KEY = "content-changed-at"
# How long a process trusts the version it last read: the most an anonymous visitor's
# page lags behind an edit (a process that made the change knows it at once).
VERSION_SECONDS = 1.0
# A page shown with previous counts is kept this long at most, so that it is not rendered
# again for every visitor while the counts are computed again.
PREVIOUS_COUNTS_SECONDS = 1
# How long a process serves a page from its own memory before it asks the shared cache again.
PROCESS_SECONDS = 1
# A process that died while counting again frees the result after this long.
RECOUNT_LOCK_SECONDS = 300

logger = logging.getLogger(__name__)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _pages():
    """Where pages are kept: the shared cache, through this process's memory."""
    shared = _cache()
    if isinstance(shared, LocMemCache):  # the development cache is the process's memory
        return shared
    return _ThroughProcessMemory(caches[settings.PAGE_CACHE_PROCESS_ALIAS], shared)


class _ThroughProcessMemory:
    """The shared cache, with what this process read from it or wrote to it held in its own
    memory for PROCESS_SECONDS, so that a page served often costs no round trip to Redis.
    The keys hold the content version, so a change is never missed; the short time only
    bounds how long a page shown with previous counts outlives them. Django's cache keys
    (get_cache_key, learn_cache_key) need only get and set."""

    def __init__(self, process, shared):
        self.process, self.shared = process, shared

    def get(self, key, default=None):
        value = self.process.get(key)
        if value is None:
            value = self.shared.get(key)
            if value is not None:
                self.process.set(key, value, PROCESS_SECONDS)
        return default if value is None else value

    def set(self, key, value, timeout):
        self.shared.set(key, value, timeout)
        self.process.set(key, value, min(timeout, PROCESS_SECONDS))


# --- the content version ----------------------------------------------------------------


def content_changed(using=None):
    """Whatever is kept is out of date once the current transaction commits.

    One new version per transaction however many records it writes, none if it rolls
    back; outside a transaction, at once.
    """
    connection = transaction.get_connection(using)
    # What waits for the commit: Django's list of (savepoint ids, callback, robust).
    if not any(callback is _new_version for _ids, callback, _robust in connection.run_on_commit):
        # Robust: the editor's transaction has committed; a cache that is down must not
        # turn the save into an error.
        transaction.on_commit(_new_version, using=using, robust=True)


def record_written(sender, action="post_", using=None, **_signal):
    """The receiver of the portal models' post_save, post_delete and m2m_changed."""
    if action.startswith("post_"):  # m2m_changed also announces what it is about to do
        content_changed(using)


# (cache, monotonic time of reading, version): this process's last reading.
_known = (None, 0.0, None)


def _new_version():
    global _known
    cache = _cache()
    # Starting from the clock, a version set again after the key was evicted is still newer
    # than every one before it.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    _known = (cache, time.monotonic(), cache.incr(VERSION_KEY))
    cache.set(CHANGED_AT_KEY, time.time(), timeout=None)


def changed_at():
    """When the content last changed, for Last-Modified: where the cache does not know
    (first use, evicted, an outage), from now on, which no change can be later than."""
    cache = _cache()
    cache.add(CHANGED_AT_KEY, time.time(), timeout=None)
    return cache.get(CHANGED_AT_KEY) or time.time()


@on_recovery
def _after_an_outage(cache):
    """An edit made while the cache was away could not set a new version: set one now, so
    that nothing kept from before is served as current."""
    global _known
    cache.delete_many([VERSION_KEY, CHANGED_AT_KEY])
    _known = (None, 0.0, None)


def _version(current=False):
    """The content version: as last read if that was within VERSION_SECONDS, unless `current`."""
    global _known
    cache = _cache()
    known_cache, read_at, version = _known
    if current or known_cache is not cache or time.monotonic() - read_at > VERSION_SECONDS:
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or evicted: whatever was kept before is unknown
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            version = cache.get(VERSION_KEY)
        _known = (cache, time.monotonic(), version)
    return version


# --- kept pages ---------------------------------------------------------------------------


@dataclass
class _Visit:
    """An anonymous visitor's GET or HEAD request, as the caches see it."""

    key_prefix: str  # holds the content version read when the request began
    language: str
    served_kept: bool = False
    # Results shown from a previous version, to compute again after the response:
    # {key: (compute, seconds)}.
    recount: dict = field(default_factory=dict)


_visit = ContextVar("page_cache_visit", default=None)


class UpdatePageCacheMiddleware:
    """Keeps the page an anonymous visitor was just given, if it may be kept.

    Above the session and locale middleware, so that it keeps the page with every header
    they add (their `Vary` is part of the key); below ConditionalGetMiddleware, so that
    what it keeps is the whole page, not a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _visit.set(None)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # An editor's page may show drafts: never to be kept by a browser or proxy for
            # anyone else.
            patch_cache_control(response, private=True)
        visit = getattr(request, "page_cache_visit", None)
        if visit is None or visit.served_kept or request.method != "GET":
            return response
        seconds = settings.PAGE_CACHE_SECONDS
        if visit.recount:
            seconds = min(seconds, PREVIOUS_COUNTS_SECONDS)
        if seconds > 0 and _may_keep(response):
            _keep(request, response, visit.key_prefix, seconds)
        return response


class FetchPageCacheMiddleware:
    """Serves an anonymous visitor a page kept at the current content version.

    After LocaleMiddleware, whose language is part of the key; a kept page skips the
    middleware below and the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _public_read(request):
            _normalize_query(request)  # for editors too: a page reads its query one way
        if not _anonymous_read(request):
            return self.get_response(request)
        language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
        visit = _Visit(key_prefix=f"page.{_version()}", language=language)
        request.page_cache_visit = visit
        _visit.set(visit)
        if settings.PAGE_CACHE_SECONDS > 0:
            cache = _pages()
            key = get_cache_key(request, visit.key_prefix, "GET", cache=cache)
            kept = cache.get(key) if key else None
            if kept is not None:
                visit.served_kept = True
                return _replay(kept, _accepts_gzip(request))
        return self.get_response(request)


# The query parameters that some public page reads; the modules that read them add them
# (cooperation.listings: the lists' filters, exports and pages).
QUERY_PARAMETERS = set()


def canonical_query(params, keep):
    """`params` (a QueryDict) with only the parameters `keep` accepts, names and values in
    a fixed order and empty values left out: two addresses of one page, or of one saved
    search, read alike."""
    query = QueryDict(mutable=True)
    for name in sorted(params):
        values = sorted(value for value in params.getlist(name) if value)
        if values and keep(name):
            query.setlist(name, values)
    return query


def _normalize_query(request):
    """The query as the pages read it: the parameters some page reads, canonical. The page
    is rendered from it and kept under it, so junk parameters and their order cannot
    multiply the kept pages of one list."""
    query = canonical_query(request.GET, QUERY_PARAMETERS.__contains__)
    normalized = query.urlencode()
    if normalized != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = normalized
        request.GET = query


def _public_read(request):
    return request.method in ("GET", "HEAD") and not request.path.startswith(
        tuple(settings.PAGE_CACHE_SKIP_PATHS)
    )


def _anonymous_read(request):
    return _public_read(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _may_keep(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _keep(request, response, key_prefix, seconds):
    # Browsers ask again each time; an unchanged page costs them a 304.
    patch_cache_control(response, no_cache=True)
    set_response_etag(response)
    cache = _pages()
    key = learn_cache_key(request, response, seconds, key_prefix, cache=cache)
    # One copy serves every Accept-Encoding (see _replay), so the header is not in the key.
    patch_vary_headers(response, ["Accept-Encoding"])
    body = gzip.compress(response.content, compresslevel=6, mtime=0)
    cache.set(key, (response.status_code, list(response.items()), body), seconds)


_GZIP = re.compile(r"\bgzip\b")


def _accepts_gzip(request):
    return bool(_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _replay(kept, compressed):
    status, headers, body = kept
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


# --- kept results -------------------------------------------------------------------------


def kept_results(computations, seconds=None):
    """{key: compute} -> {key: result}, computing only what the cache does not hold.

    For results that cost much to compute and change only with the content, such as the
    counts beside the filters over tens of thousands of records; all of a page's are
    fetched in one round trip. An anonymous visitor is given a previous version's result
    rather than wait for it (see the module's docstring).
    """
    seconds = settings.QUERY_CACHE_SECONDS if seconds is None else seconds
    if seconds <= 0 or not computations:
        return {key: compute() for key, compute in computations.items()}
    visit = _visit.get()
    cache = _cache()
    found = cache.get_many(list(computations))
    version = _version(current=visit is None)
    results, computed = {}, {}
    for key, compute in computations.items():
        kept = found.get(key)
        if kept is None or (kept[0] < version and visit is None):
            results[key] = computed[key] = compute()
            continue
        results[key] = kept[1]
        if kept[0] < version:
            visit.recount[key] = (compute, seconds)
    if computed:
        cache.set_many({key: (version, result) for key, result in computed.items()}, seconds)
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


def recount(**_signal):
    """After a visitor's response has been sent (request_finished): compute again the
    results it was shown from a previous version, those no other process is computing."""
    visit = _visit.get()
    _visit.set(None)
    if visit is None or not visit.recount:
        return
    cache = _cache()
    with translation.override(visit.language):
        for key, (compute, seconds) in visit.recount.items():
            lock = f"{key}:recounting"
            if not cache.add(lock, True, RECOUNT_LOCK_SECONDS):
                continue
            try:
                version = _version(current=True)
                kept = cache.get(key)
                if kept is None or kept[0] < version:
                    cache.set(key, (version, compute()), seconds)
            except Exception:
                # The visitor has had the page; the next one tries again.
                logger.exception("Could not compute %s again", key)
            finally:
                cache.delete(lock)
