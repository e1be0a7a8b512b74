"""Who the client is behind the proxies, and how much of the costly work one client may ask.

Behind a reverse proxy every request comes from the proxy's address; the client's is the
last address that the trusted proxies appended to X-Forwarded-For. Login protection
(django-axes) and the rate limits below both ask `client_ip()`, so a client cannot pass
for another by sending a header of its own, and one client's guesses cannot lock out
everyone behind the same proxy.

A search, a full export and a login attempt cost far more than a kept page; an error report
is read by editors, and an alert subscription e-mails any address it is given. So each is
limited per client (django-ratelimit, counted in the shared cache). Over the limit, the
client gets the portal's 429 page with Retry-After. Without the cache (Redis down), nothing
is limited rather than everything refused.
"""

import logging

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

EXPORT_FORMATS = {"csv", "json"}


def client_ip(request):
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the
    address the outermost trusted proxy saw, as they appended it to X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _scope(request):
    """The limit a request counts against, or None for requests that are not limited."""
    view = request.resolver_match.view_name
    if request.resolver_match.namespace == "api":
        return None  # the API counts its own requests (REST_FRAMEWORK's throttle)
    if request.method == "POST":
        return {
            "admin:login": "login",
            "cooperation:report-error": "report",
            "cooperation:alert-subscribe": "subscribe",
        }.get(view)
    if request.method in ("GET", "HEAD"):
        if request.GET.get("format") in EXPORT_FORMATS:
            return "export"
        if request.GET.get("q") and view == "cooperation:search":
            return "search"
    return None


def _client_key(group, request):
    return client_ip(request)


class RateLimitMiddleware:
    """Placed after LocaleMiddleware, so that the 429 page is in the visitor's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = _scope(request)
        rate = settings.RATE_LIMITS.get(scope) if scope else None
        if not rate:
            return None
        try:
            usage = get_usage(
                request, group=f"portal-{scope}", key=_client_key, rate=rate, increment=True
            )
        except Exception:  # the cache is an accelerator: without it, nothing is limited
            logger.warning("Rate limit not counted: the cache is unreachable", exc_info=True)
            return None
        if usage is None or not usage["should_limit"]:
            return None
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(max(1, usage["time_left"]))
        response["Cache-Control"] = "private, no-store"
        return response
