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
"""

import gzip
import hashlib
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

VERSION_KEY = "content-version"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _new_version():
    _cache().set(VERSION_KEY, time.time_ns(), timeout=None)


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
    so that a page served from the cache costs two cache reads in one round trip and none
    of the work below it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_serve(request):
            return self.get_response(request)
        key = "page:" + hashlib.sha1(request.get_full_path().encode()).hexdigest()
        cache = _cache()
        found = cache.get_many([VERSION_KEY, key])
        version = _current_version(found)
        kept = found.get(key)
        if kept is not None and kept[0] == version:
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
            kept = (version, response.status_code, headers, body)
            cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
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
    _version, status, headers, body = kept
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
