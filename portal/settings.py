"""One settings module, driven by environment variables.

Local development needs none of them: SQLite in the project folder, DEBUG on. Production
(`PORTAL_ENV=production`) refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_str(name, default=""):
    return os.environ.get(name, default).strip()


def _env_bool(name, default):
    raw = _env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def _env_int(name, default):
    raw = _env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {raw!r}")
    return value


def _env_list(name, default=()):
    raw = _env_str(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else list(default)


PORTAL_ENV = _env_str("PORTAL_ENV", "local")
if PORTAL_ENV not in {"local", "production"}:
    raise ImproperlyConfigured(f"PORTAL_ENV must be 'local' or 'production', not {PORTAL_ENV!r}")
LOCAL = PORTAL_ENV == "local"

DEBUG = _env_bool("DEBUG", LOCAL)

_DEV_SECRET_KEY = "local-development-only-not-secret"
SECRET_KEY = _env_str("SECRET_KEY", _DEV_SECRET_KEY if LOCAL else "")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

if not LOCAL:
    if len(SECRET_KEY) < 32 or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("Production needs SECRET_KEY of at least 32 characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated).")
    # Behind a reverse proxy that terminates TLS and says so in X-Forwarded-Proto (it must
    # set or overwrite that header on every request: docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's checks may come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    # Browsers keep to HTTPS for two years; set SECURE_HSTS_SECONDS=0 before leaving HTTPS.
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 63_072_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    # "__Host-": the browser keeps such a cookie only if it is Secure, for the whole site and
    # this host alone, so no sibling domain can set or read it.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "portal.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "cooperation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Other sites' scripts may read the API and the open data (GET only, no cookies); above
    # the page cache, so that kept answers get the headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Content-Security-Policy and Cross-Origin-Resource-Policy on every response, kept
    # pages included.
    "csp.middleware.CSPMiddleware",
    "portal.headers.cross_origin_resource_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page, and 304 Not Modified when the visitor's copy is still current.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous visitors' pages: kept here, with every header the middleware below adds ...
    "cooperation.page_cache.UpdatePageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ... and served from here, once the language (part of the key) is known.
    "cooperation.page_cache.FetchPageCacheMiddleware",
    # Searches, exports and login attempts per client; after the locale, for a localized 429.
    "portal.limits.RateLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Historical records name the logged-in user who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

# Only the portal's own files: no inline scripts or styles, no other origins (the pages
# work without JavaScript, and charts are SVG drawn on the server).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default so that a fresh clone runs with nothing else installed;
# DATABASE_URL=postgres://... switches to PostgreSQL through psycopg 3 with a connection pool.
DATABASES = {
    "default": dj_database_url.parse(
        _env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Without the database a request waits at most DATABASE_TIMEOUT seconds for a
    # connection, then gets the 503 page; a lost server is asked again every second, so
    # that the site is back within about a second of the database.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _env_int("DATABASE_POOL_MAX", 8),
        "timeout": _env_int("DATABASE_TIMEOUT", 2),
        "reconnect_timeout": 1,
    }
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = _env_int("DATABASE_TIMEOUT", 2)
    # No JIT and no parallel workers: for a page's short queries, compiling and starting
    # workers take longer than the query, and other requests want the cores. The
    # word-similarity threshold decides when a name counts as a misspelling of the query.
    DATABASES["default"]["OPTIONS"]["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c pg_trgm.word_similarity_threshold=0.5"
    )
    # Pooled connections are managed by the pool, not by Django's persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0


# What is kept for visitors (cooperation/page_cache.py) lives in the cache: Redis when
# REDIS_URL is set (production: shared by every server process); otherwise the process's
# own memory, which is enough for one development server. Keys start with the release, so
# that a new release never serves what the previous one rendered; without RELEASE (a
# deployment sets it, e.g. to the commit), the release is a digest of the code and
# templates.
def _code_digest():
    digest = hashlib.blake2b(digest_size=8)
    for folder in ("portal", "cooperation", "templates", "locale"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


RELEASE = _env_str("RELEASE") or _code_digest()
REDIS_URL = _env_str("REDIS_URL")
CACHES = {
    # Redis is an accelerator, never a dependency: without it the site serves uncached.
    "default": {"BACKEND": "cooperation.resilient_cache.ResilientRedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CACHES["default"]["KEY_PREFIX"] = RELEASE
# With Redis, each server process also holds the pages it served lately (for a second) in
# its own memory: up to this many pages and their keys, about 10 kB each.
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kept-pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Anonymous visitors' pages are kept whole for at most this long, and only until the
# content changes; 0 turns the page cache off.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_PROCESS_ALIAS = "process"
PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 600)
# Swagger UI's starting script is its page with ?script, a parameter the cache would drop.
PAGE_CACHE_SKIP_PATHS = ["/admin/", "/en/admin/", "/i18n/", "/health/", "/static/", "/api/docs/"]
# Counts beside the filters and other aggregates over many records, the same way; 0 turns
# that off (every request counts).
QUERY_CACHE_SECONDS = _env_int("QUERY_CACHE_SECONDS", 3600)
if not LOCAL and not REDIS_URL and (PAGE_CACHE_SECONDS or QUERY_CACHE_SECONDS):
    # Each server process would keep its own copies, and miss the changes made elsewhere.
    raise ImproperlyConfigured(
        "Production keeps pages and counts in a cache that every server process shares: "
        "set REDIS_URL, or turn the caches off with PAGE_CACHE_SECONDS=0 and "
        "QUERY_CACHE_SECONDS=0."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Guessing passwords at the admin login: after 5 failures for one username from one address,
# that pair is locked out for an hour (django-axes); a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_CLIENT_IP_CALLABLE = "portal.limits.client_ip"
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Behind a reverse proxy, how many proxies append the client's address to X-Forwarded-For;
# 0 (no proxy) takes REMOTE_ADDR. Too high a number lets clients choose their address.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
# Requests per client (portal/limits.py), as "count/period" (s, m, h); empty turns one off.
RATE_LIMITS = {
    "search": _env_str("RATE_LIMIT_SEARCH", "60/m"),
    "export": _env_str("RATE_LIMIT_EXPORT", "10/m"),
    "login": _env_str("RATE_LIMIT_LOGIN", "30/h"),
}
# Sent by visitors to editors and to themselves: error reports, and alert subscriptions,
# each of which sends a confirmation e-mail to any address it is given.
RATE_LIMITS["report"] = _env_str("RATE_LIMIT_REPORT", "5/h")
RATE_LIMITS["subscribe"] = _env_str("RATE_LIMIT_SUBSCRIBE", "10/h")
# Without the cache (Redis down) nothing is limited rather than everything refused.
RATELIMIT_FAIL_OPEN = True

# E-mail (alerts and their confirmations). Production sends through SMTP: EMAIL_HOST (a local
# relay by default), EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS
# (STARTTLS) or EMAIL_USE_SSL. Locally, unless EMAIL_HOST is set, messages are printed to the
# console instead of being sent.
EMAIL_HOST = _env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = _env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = _env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = _env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if LOCAL and not _env_str("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = _env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the contact page sends visitors who want to write to the editors; empty leaves the
# page with the error report form alone.
CONTACT_EMAIL = _env_str("CONTACT_EMAIL")
# The site's address, for links in e-mails sent outside a request (the alert digests).
SITE_URL = _env_str(
    "SITE_URL", "http://127.0.0.1:8000" if LOCAL else f"https://{ALLOWED_HOSTS[0]}"
).rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files in production too (after `manage.py collectstatic`), with
# hashed, compressed, long-cached names; locally files are served straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not LOCAL
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The read-only API (cooperation/api/, docs/decisions/0010-open-data.md): JSON only, no
# sessions (so no CSRF and nothing private), errors as JSON with a message, and a limit per
# client that a harvester paging through everything can live with (RATE_LIMIT_API).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["cooperation.api.policies.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": _env_str("RATE_LIMIT_API", "120/m") or None},
    "EXCEPTION_HANDLER": "cooperation.api.policies.handle_exception",
}
API_DESCRIPTION = """
Every published record of the interregional cooperation portal, read-only, as JSON.

* **Lists** take the query parameters of the site's pages (`q`, `country`, `region`,
  `partner`, `industry`, `topic`, `kind`, `status`, `person`, `organization`, `date_from`,
  `date_to`, `sort`), so a page's address works here with `/api/v1` in front of its path.
  They come in pages of 20 (`page_size` up to 100) with `count`, `next` and `previous`.
* **Records** name each other by slug and by address (`url` here, `html_url` on the site);
  names come in Russian and English; a partial date is its `value` (2024, 2024-11 or
  2024-11-15) and `precision`; `citations` give each record's sources.
* **Caching**: every answer has an `ETag` and a `Last-Modified`; ask again with
  `If-None-Match` or `If-Modified-Since` and an unchanged answer is a `304`.
* **Limits**: %(rate)s per client; beyond that the answer is `429` with `Retry-After`
  (seconds). For everything at once, take the data package from `/open-data/`.
* **Errors** are JSON: `{"detail": "...", "errors": {"parameter": ["..."]}}`.
* Any origin may read it (CORS). The data are licensed CC BY 4.0: cite the portal.
"""
SPECTACULAR_SETTINGS = {
    "TITLE": "Interregional cooperation portal API",
    "DESCRIPTION": API_DESCRIPTION
    % {"rate": REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] or "no limit of requests"},
    "VERSION": "1",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the portal's own static files, its starting script a file too (CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
# Any origin may GET the API and the open data; no cookies are read there.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|(en/)?open-data)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Where the data package (cooperation/open_data.py) is written and served from: with
# several servers, a folder they share (or run `build_open_data` on each).
MEDIA_ROOT = Path(_env_str("MEDIA_ROOT") or BASE_DIR / "media")

# Bulk import and export in the admin: spreadsheets only; an import runs in one transaction
# and any bad row rolls all of it back (cooperation/admin_import_export.py).
IMPORT_EXPORT_FORMATS = [CSV, XLSX]
IMPORT_EXPORT_USE_TRANSACTIONS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env_str("LOG_LEVEL", "INFO")},
    # Lockouts and failed logins (warnings) reach the console whatever LOG_LEVEL says.
    "loggers": {"axes": {"level": "WARNING"}},
}
