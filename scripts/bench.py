"""The portal under load, served as in production: what each page costs at scale.

    make bench                          # scale 1: about 40 minutes the first time
    make bench SCALE=0.1 DURATION=3     # smaller and quicker

On PostgreSQL (BENCH_DATABASE_URL; by default the database portal_bench on this machine,
made when missing) holding the article and synthetic demo data at SCALE, gunicorn serves
the site with the production settings (gunicorn.conf.py, Redis for the cache) and wrk
loads it from a second process. For every page it prints:

- queries: SQL queries of one request, counted in this process (cold: nothing kept;
  warm: the counts beside the filters kept, as they are between two edits);
- uncached: the page cache off, one request at a time (latency as a visitor sees it);
- after an edit: the first request once an editor's save has reached every server
  process (median and worst of five);
- cached: the page cache on, CONNECTIONS requests at a time (throughput);
- while editing: p99 with the page cache on and off, for the pages that have targets, while
  an editor's save lands every EDIT_EVERY seconds; and after each save, how long until an
  anonymous visitor's events list shows it, its counts included.

The editor is a process of its own that saves an event through the ORM, as the admin
does, so that the content version changes as an editor's save changes it. Beside the pages:
the bare /health/ view ("hello") served the same way, the Django admin changelist with
the same filter, logged in, and CSV and JSON exports of every event and organization
through one worker, whose memory is sampled while it streams. Last, three faceted lists
side by side with Datasette, both reading one SQLite file at scale DATASETTE_SCALE with
every cache off. The report is also written to artifacts/bench.md.
"""

import concurrent.futures
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALE = float(os.environ.get("SCALE", "1"))
SEED = int(os.environ.get("SEED", "1"))
SECONDS = int(os.environ.get("DURATION", "5"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "4"))
WORKERS = int(os.environ.get("WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
COLD_REQUESTS = 5
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# One key for this process and the servers, so that they accept the admin's session.
SECRET_KEY = secrets.token_urlsafe(40)

# An editor's save lands this often while the pages are loaded ("while editing").
EDIT_EVERY = 5  # seconds
# The side by side with Datasette: one SQLite file, built once at this scale.
DATASETTE_SCALE = 0.1
# No dot in its stem: Datasette names the database after it, and would escape the dot.
_SCALE_NAME = f"{DATASETTE_SCALE:g}".replace(".", "_")
SQLITE_PATH = ROOT / "artifacts" / f"bench-scale-{_SCALE_NAME}-seed-{SEED}.sqlite3"

# Targets, checked at the end (docs/performance.md).
LIST_P99_MS = 100  # while editing, page cache on
LIST_P99_UNCACHED_MS = 150  # while editing, page cache off
PAGE_P99_MS = 100  # the other pages with targets, while editing, page cache on
VISIBLE_WITHIN_SECONDS = 10
CACHED_SHARE_OF_HELLO = 0.7


def main():
    if sys.argv[1:] == ["editor"]:
        return _editor()
    wrk = _wrk()
    _setup_django()
    _prepare_database()
    pages, admin_pages = _pages()
    print("\nCounting queries")
    queries = {page.url: _count_queries(page.url) for page in pages}
    session = _admin_session()
    admin_queries = {url: _count_queries(url, admin=True) for url in admin_pages.values()}
    print("\nPlans of the list pages' queries (EXPLAIN ANALYZE, nothing kept)")
    plans = {page.url: _plans(page.url) for page in pages if "list" in page.kind}
    load_before = _load_average()
    results, visible = {}, {}
    with _Editor() as editor, _server(page_cache=False) as base:
        print(f"\n== page cache off: gunicorn, {WORKERS} workers; wrk, 1 connection")
        results[("uncached", "hello")] = _load(wrk, base + "/health/", connections=1)
        for page in pages:
            results[("uncached", page.url)] = _load(wrk, base + page.url, connections=1)
            _print_row(page.name, results[("uncached", page.url)], queries[page.url])
        event = _first_event(base)
        after_edit = _after_edit(editor, event, base, pages)
        for url in admin_pages.values():
            load = _load(wrk, base + url, connections=1, cookie=f"__Host-sessionid={session}")
            results[("admin", url)] = load
            _print_row("admin " + url, load, admin_queries[url])
        print(f"\n== page cache off, an editor's save every {EDIT_EVERY} s")
        with _Editing(editor, base, event) as editing:
            for page in pages:
                if page.has_targets:
                    load = _load(wrk, base + page.url, connections=1)
                    results[("edited uncached", page.url)] = load
                    _print_row(page.name, load, queries[page.url])
        visible["uncached"] = editing.report()
    with _Editor() as editor, _server(page_cache=True) as base:
        print(f"\n== page cache on: gunicorn, {WORKERS} workers; wrk, {CONNECTIONS} connections")
        # Hello is measured again between pages: on two shared cores throughput drifts
        # by a fifth within a run, so each page is compared with the hello beside it.
        hellos = [_load(wrk, base + "/health/")]
        for page in pages:
            results[("cached", page.url)] = _load(wrk, base + page.url)
            hellos.append(_load(wrk, base + "/health/"))
            results[("hello beside", page.url)] = statistics.mean(h.rps for h in hellos[-2:])
            _print_row(page.name, results[("cached", page.url)], queries[page.url])
        results[("cached", "hello")] = Load(
            rps=statistics.median(h.rps for h in hellos),
            p50=statistics.median(h.p50 for h in hellos),
            p99=statistics.median(h.p99 for h in hellos),
            errors=sum(h.errors for h in hellos),
        )
        print(f"\n== page cache on, an editor's save every {EDIT_EVERY} s")
        with _Editing(editor, base, _first_event(base)) as editing:
            for page in pages:
                if page.has_targets:
                    results[("edited cached", page.url)] = load = _load(wrk, base + page.url)
                    _print_row(page.name, load, queries[page.url])
        visible["cached"] = editing.report()
    print("\n== exports through one worker")
    exports = _exports()
    print(f"\n== beside Datasette: SQLite at scale {DATASETTE_SCALE:g}, every cache off")
    datasette = _beside_datasette(wrk)
    report = _report(
        pages,
        admin_pages,
        queries,
        admin_queries,
        results,
        after_edit,
        visible,
        exports,
        plans,
        datasette,
        load_before,
    )
    print("\n" + report)
    out = ROOT / "artifacts" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"Written to {out.relative_to(ROOT)}")


# --- set-up ---------------------------------------------------------------------------


def _wrk():
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        return shutil.which("wrk")
    sys.exit("wrk is needed: install it (apt-get install wrk) and run again.")


def _setup_django():
    """This process reads the same database, to set it up, choose pages and count queries."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=DATABASE_URL,
        PORTAL_ENV="local",
        DEBUG="false",
        PAGE_CACHE_SECONDS="0",
        REDIS_URL="",
        SECRET_KEY=SECRET_KEY,
    )
    sys.path.insert(0, str(ROOT))
    import psycopg

    url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            print(f"Creating the database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def _prepare_database():
    from django.core.management import call_command
    from django.db import connection

    from cooperation.management.demo_data import demo_data_present, demo_source_slug

    call_command("migrate", verbosity=0)
    call_command("load_articles")
    present = demo_data_present()
    if present.filter(slug=demo_source_slug(SCALE, SEED)).exists():
        print(f"Demo data at scale {SCALE:g}, seed {SEED} is already there")
    else:
        if present.exists():
            call_command("remove_demo_data")
        call_command("generate_demo_data", scale=SCALE, seed=SEED)
        print("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    call_command("clearsessions")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, **_production_env()},
        check=True,
    )


@dataclass
class Page:
    name: str
    url: str
    kind: str  # "list", "filtered list", "detail", "other", "export" (streamed, never kept)

    @property
    def has_targets(self):
        """Held to a p99 while an editor saves: every list and a few slow pages."""
        return "list" in self.kind or self.name in PAGES_WITH_TARGETS


PAGES_WITH_TARGETS = {"search: a word", "region pair", "calendar, 1 filter"}


def _pages():
    """The pages to measure, chosen from the data: the busiest region and its partner."""
    from django.db.models import Count

    from cooperation.models import (
        Agreement,
        Event,
        Industry,
        Organization,
        Person,
        Region,
        Source,
        Topic,
    )

    through = Event.regions.through.objects.filter(event__state="published")
    busiest = list(through.values_list("region").annotate(n=Count("pk")).order_by("-n"))
    a = Region.objects.get(pk=busiest[0][0])
    shared = through.filter(event__in=Event.objects.filter(regions=a)).exclude(region=a)
    b = Region.objects.get(
        pk=shared.exclude(region__country=a.country)
        .values_list("region")
        .annotate(n=Count("pk"))
        .order_by("-n")[0][0]
    )
    industry = Industry.objects.filter(children__isnull=False).order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    employer = (
        Organization.objects.filter(region=a).annotate(n=Count("positions")).order_by("-n")[0]
    )
    event = Event.objects.filter(regions=a).annotate(n=Count("participations")).order_by("-n")[0]
    agreement = Agreement.objects.filter(parties__organization__region=a).order_by("pk")[0]
    organization = Organization.objects.annotate(n=Count("event_roles")).order_by("-n")[0]
    person = Person.objects.annotate(n=Count("participations")).order_by("-n")[0]
    article = Source.objects.exclude(kind=Source.Kind.SYNTHETIC).order_by("pk")[0]
    synthetic = Source.objects.filter(kind=Source.Kind.SYNTHETIC).first()
    r, p, i, c = a.slug, b.slug, industry.slug, a.country.code
    pages = [
        Page("home", "/", "other"),
        Page("events", "/events/", "list"),
        Page("events, 1 filter", f"/events/?region={r}", "filtered list"),
        Page(
            "events, 3 filters", f"/events/?region={r}&industry={i}&date_from=2024", "filtered list"
        ),
        Page("agreements", "/agreements/", "list"),
        Page("agreements, 1 filter", f"/agreements/?industry={i}", "filtered list"),
        Page(
            "agreements, 3 filters",
            f"/agreements/?region={r}&partner={p}&kind=cooperation",
            "filtered list",
        ),
        Page("organizations", "/organizations/", "list"),
        Page("enterprises (1 filter)", "/organizations/?kind=enterprise", "filtered list"),
        Page(
            "enterprises, 3 filters",
            f"/organizations/?kind=enterprise&region={r}&industry={i}",
            "filtered list",
        ),
        Page("people", "/people/", "list"),
        Page("people, 1 filter", f"/people/?region={r}", "filtered list"),
        Page(
            "people, 3 filters",
            f"/people/?country={c}&region={r}&organization={employer.slug}",
            "filtered list",
        ),
        Page("delegations", "/delegations/", "list"),
        Page("delegations, 1 filter", f"/delegations/?country={c}", "filtered list"),
        Page(
            "delegations, 3 filters",
            f"/delegations/?region={r}&partner={p}&date_from=2020",
            "filtered list",
        ),
        Page("regions", "/regions/", "list"),
        Page("regions, 1 filter", f"/regions/?country={c}", "filtered list"),
        Page(
            "regions, 3 filters", f"/regions/?country={c}&kind=oblast&partner={p}", "filtered list"
        ),
        Page("sources, 1 filter", "/sources/?kind=news", "filtered list"),
        Page("English: events, 1 filter", f"/en/events/?region={r}", "filtered list"),
        Page("event", event.get_absolute_url(), "detail"),
        Page("agreement", agreement.get_absolute_url(), "detail"),
        Page("organization", organization.get_absolute_url(), "detail"),
        Page("person", person.get_absolute_url(), "detail"),
        Page("region", a.get_absolute_url(), "detail"),
        Page("region pair", f"/regions/{r}/{p}/", "detail"),
        Page("industry", industry.get_absolute_url(), "detail"),
        Page("topic", topic.get_absolute_url(), "detail"),
        Page("source: the article", article.get_absolute_url(), "detail"),
        Page("source: the demo data", synthetic.get_absolute_url(), "detail"),
        Page("industries", "/industries/", "other"),
        Page("map, 2 filters", f"/map/?industry={i}&date_from=2024", "other"),
        Page("statistics, a year", "/statistics/?date_from=2024&date_to=2024", "other"),
        Page("search: a word", "/search/?" + urlencode({"q": "машиностроение"}), "other"),
        Page("search: a name", "/search/?" + urlencode({"q": person.last_name}), "other"),
        Page("events feed, 1 filter", f"/events/feed/?region={r}", "other"),
        Page("calendar, 1 filter", f"/events/calendar.ics?region={r}", "other"),
        Page("CSV, 1 filter", f"/events/?region={r}&format=csv", "export"),
        Page("sitemap", "/sitemap.xml", "other"),
        # The API: one list with the pages' filter, and one record with its parts.
        Page("API: agreements, 1 filter", f"/api/v1/agreements/?region={r}", "filtered list"),
        Page("API: event", f"/api/v1/events/{event.slug}/", "detail"),
    ]
    if b.country_id != a.country_id:
        pages.append(Page("region and a country", f"/regions/{r}/{b.country.code}/", "detail"))
    admin = "/admin/cooperation"
    peers = {
        f"/events/?region={r}": f"{admin}/event/?region__id__exact={a.pk}",
        f"/agreements/?industry={i}": f"{admin}/agreement/?industries__id__exact={industry.pk}",
        "/organizations/?kind=enterprise": f"{admin}/organization/?kind__exact=enterprise",
        f"/delegations/?country={c}": f"{admin}/delegation/?home_country__id__exact={a.country.pk}",
        f"/regions/?country={c}": f"{admin}/region/?country__id__exact={a.country.pk}",
        "/search/?" + urlencode({"q": person.last_name}): (
            f"{admin}/person/?" + urlencode({"q": person.last_name})
        ),
    }
    return pages, peers


def _nothing_kept():
    """This process's cache emptied, and its content version set anew, as a content change
    sets it (a version that went missing would only be read again a second later)."""
    from django.core.cache import cache

    from cooperation import page_cache

    cache.clear()
    page_cache.content_changed()


def _count_queries(url, admin=False):
    """(cold, warm): queries of the first request with nothing kept, and of the next."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if admin:
        client.force_login(get_user_model().objects.get(username="bench-admin"))
    _nothing_kept()
    counts = []
    for _request in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        counts.append(len(captured))
    return tuple(counts)


# Tables this small are read whole faster than through an index.
SMALL_TABLE_ROWS = 10_000


def _plans(url):
    """What PostgreSQL does for a first request of `url`, nothing kept: for the query of
    the page's rows, its milliseconds and the indexes it reads; for the counts beside
    them (the number of results, one aggregate per facet), the slowest one's milliseconds
    and the large tables they read whole."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _nothing_kept()
    with CaptureQueriesContext(connection) as captured:
        Client(HTTP_HOST="127.0.0.1").get(url)
    rows_ms, rows_indexes, counts_ms, scans = 0.0, set(), 0.0, set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip("( ").upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            counts = " COUNT(" in sql.upper()
            page_rows = not counts and re.search(r" LIMIT \d+$", sql.rstrip())
            if page_rows:
                rows_ms = max(rows_ms, plan["Execution Time"])
            elif counts:
                counts_ms = max(counts_ms, plan["Execution Time"])
            else:
                continue
            nodes = [plan["Plan"]]
            while nodes:
                node = nodes.pop()
                nodes += node.get("Plans", [])
                if page_rows and "Index Name" in node:
                    rows_indexes.add(node["Index Name"])
                if node["Node Type"] == "Seq Scan" and not page_rows:
                    if sizes.get(node["Relation Name"], 0) > SMALL_TABLE_ROWS:
                        scans.add(node["Relation Name"])
    result = (rows_ms, sorted(rows_indexes), counts_ms, sorted(scans))
    print(f"{url:<60} rows {rows_ms:6.1f} ms  counts {counts_ms:6.1f} ms")
    return result


def _admin_session():
    """A logged-in superuser's session, for wrk to send as a cookie (named as production
    names it: "__Host-sessionid")."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


# --- the server and the load ------------------------------------------------------------


def _production_env():
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        # gunicorn is loaded directly over plain HTTP here, with no TLS-terminating proxy
        # in front to say the request came over HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        # wrk is one client asking thousands of times a minute: the API, the search and the
        # exports would answer 429s.
        "RATE_LIMIT_API": "",
        "RATE_LIMIT_SEARCH": "",
        "RATE_LIMIT_EXPORT": "",
    }


class _server:
    """gunicorn with the production settings, on a free port, for one `with` block."""

    def __init__(self, page_cache, workers=WORKERS, **env):
        self.page_cache, self.workers, self.env = page_cache, workers, env

    def __enter__(self):
        port = _free_port()
        env = {
            **os.environ,
            **_production_env(),
            "PAGE_CACHE_SECONDS": "600" if self.page_cache else "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(self.workers),
            **self.env,
        }
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True)
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.process = subprocess.Popen([gunicorn, "portal.wsgi"], cwd=ROOT, env=env)
        self.base = f"http://127.0.0.1:{port}"
        _wait_for(self.base + "/health/", self.process)
        self._warm()
        return self.base

    def _warm(self, seconds=60):
        """Once every worker has started (its processor time stands still), a few requests
        for each: a worker's first loads what the application loads lazily, about a second
        on a busy machine, which no visitor of a running site waits for."""
        deadline, before = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            ticks = [_cpu_ticks(pid) for pid in self.worker_pids()]
            started = len(ticks) == self.workers and before and len(before) == len(ticks)
            if started and sum(ticks) - sum(before) < 5:
                break
            before = ticks
            time.sleep(0.5)
        with concurrent.futures.ThreadPoolExecutor(self.workers) as pool:
            for _round in range(3):
                list(pool.map(lambda _n: _get(self.base + "/health/"), range(self.workers * 2)))

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def _cpu_ticks(pid):
    """Processor time a process has used so far, in clock ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, process):
    for _attempt in range(150):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"{url} did not answer")


@dataclass
class Load:
    rps: float
    p50: float  # milliseconds
    p99: float
    errors: int


def _ms(text):
    if text == "inf":
        return float("inf")
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        if response.url != url:  # a login page instead of the admin's: nothing to measure
            sys.exit(f"{url} was redirected to {response.url}")
        return response.read()


def _load(wrk, url, connections=CONNECTIONS, cookie=None):
    """wrk against one address, after a request that fills what a first visit fills and a
    second of load that reaches every worker (whose first request of a page costs more)."""
    _get(url, cookie)
    started = time.perf_counter()
    _get(url, cookie)
    if time.perf_counter() - started > SLOW_SECONDS:
        return _load_slow(url, cookie)
    # As a browser asks: compressed where the server offers it.
    headers = ["-H", "Accept-Encoding: gzip"]
    headers += ["-H", f"Cookie: {cookie}"] if cookie else []

    def run(seconds, connections):
        command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
        command += ["--latency", *headers, url]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    run(1, WORKERS)
    time.sleep(1)  # requests that wrk left unanswered are finished before measuring
    out = run(SECONDS, connections)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    errors = int(errors.group(1) if errors else 0) + int(timeouts.group(1) if timeouts else 0)
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    if not answered or set(latency) != {"50", "99"}:  # no answer, or wrk said no percentiles
        print(out)
        latency, errors = {"50": "inf", "99": "inf"}, errors + 1
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(latency["50"]),
        p99=_ms(latency["99"]),
        errors=errors,
    )


# A page slower than this (a large export) is timed by SLOW_REQUESTS requests one after
# another rather than by wrk, which would leave requests running when it stops.
SLOW_SECONDS = 1
SLOW_REQUESTS = 3


def _load_slow(url, cookie=None):
    # Every worker's first request of a page also compiles its templates.
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda _n: _get(url, cookie), range(WORKERS)))
    times = []
    for _request in range(SLOW_REQUESTS):
        started = time.perf_counter()
        _get(url, cookie)
        times.append((time.perf_counter() - started) * 1000)
    return Load(
        rps=1000 / statistics.mean(times),
        p50=statistics.median(times),
        p99=max(times),
        errors=0,
    )


def _after_edit(editor, event, base, pages):
    """{url: (median, worst)}: milliseconds of each page's first request after an editor's
    save, once every server process has read the new content version (nothing kept but
    the previous counts), over AFTER_EDIT_REQUESTS saves."""
    from cooperation.page_cache import VERSION_SECONDS

    times = {page.url: [] for page in pages}
    for _save in range(AFTER_EDIT_REQUESTS):
        editor.save(event)
        time.sleep(VERSION_SECONDS + 0.1)
        for page in pages:
            started = time.perf_counter()
            _get(base + page.url)
            times[page.url].append((time.perf_counter() - started) * 1000)
    for page in pages:
        print(f"{page.name:<36} after an edit: {statistics.median(times[page.url]):7.1f} ms")
    return {url: (statistics.median(t), max(t)) for url, t in times.items()}


AFTER_EDIT_REQUESTS = 5
EDIT_MARK = re.compile(r" \(правка (\d+)\)")


def _editor():
    """The editor's process (`bench.py editor`): one command a line on its standard input,
    one answer a line (JSON) on its output.

    `save SLUG`: the event's title and kind changed and saved through the ORM, as the
    admin saves it; answers the time the transaction committed and the edit's number,
    which the title shows. `look`: the events list as it is now, rendered in this process
    with nothing kept; answers its fingerprint. At the end of its input, each event is
    saved back as it was.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from cooperation.models import Event

    originals, edits = {}, 0
    for line in sys.stdin:
        command, *args = line.split()
        if command == "save":
            event = Event.objects.get(slug=args[0])
            originals.setdefault(event.pk, (EDIT_MARK.sub("", event.title), event.kind))
            edits += 1
            event.title = f"{originals[event.pk][0]} (правка {edits})"
            event.kind = Event.Kind.FORUM if event.kind != Event.Kind.FORUM else "meeting"
            with transaction.atomic():
                event.save()
            answer = {"at": time.time(), "edit": edits}
        else:
            html = Client(HTTP_HOST="127.0.0.1").get("/events/").content.decode()
            answer = {"fingerprint": _fingerprint(html)}
        print(json.dumps(answer), flush=True)
    for pk, (title, kind) in originals.items():
        event = Event.objects.get(pk=pk)
        event.title, event.kind = title, kind
        event.save()


def _fingerprint(html):
    """What an events list page says in figures: its number of results and every count."""
    results = re.search(r'class="results-heading">\s*(\d+)', html).group(1)
    return results + ":" + ",".join(re.findall(r'<span class="count">(\d+)</span>', html))


class _Editor:
    """The editor's process (see _editor()), for one `with` block."""

    def __enter__(self):
        env = {
            **os.environ,
            **_production_env(),
            # What it renders to compare with is computed afresh, and kept nowhere.
            "PAGE_CACHE_SECONDS": "0",
            "QUERY_CACHE_SECONDS": "0",
        }
        self.process = subprocess.Popen(
            [PYTHON, __file__, "editor"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lock = threading.Lock()
        return self

    def _ask(self, command):
        with self.lock:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            sys.exit("The editor's process stopped")
        return json.loads(answer)

    def save(self, event):
        return self._ask(f"save {event}")

    def look(self):
        return self._ask("look")["fingerprint"]

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _first_event(base):
    """The slug of the first event on the events list: the one the editor changes."""
    html = _fetch(base + "/events/")
    return re.search(r'class="results-list">.*?href="/events/([^/"]+)/"', html, re.S).group(1)


def _fetch(url):
    """The page as a browser gets it (compressed where offered), as text."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return body.decode()


class _Editing:
    """For one `with` block: an editor's save every EDIT_EVERY seconds and, after each, the
    seconds until an anonymous visitor's events list shows it: the new title, and every
    count as the editor's process finds it with nothing kept. The list is looked at ten
    times a second, by a visitor like any other."""

    LOOK_EVERY = 0.1  # seconds

    def __init__(self, editor, base, event):
        self.editor, self.base, self.event = editor, base, event
        self.seen = []  # (time, fingerprint, numbers of the edits whose title it shows)
        self.visible_after = []  # seconds, or None: not before the next save
        self.done = threading.Event()

    def __enter__(self):
        self.threads = [threading.Thread(target=self._look), threading.Thread(target=self._edit)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        for thread in self.threads:
            thread.join()

    def _look(self):
        while not self.done.wait(self.LOOK_EVERY):
            html = _fetch(self.base + "/events/")
            edits = {int(n) for n in EDIT_MARK.findall(html)}
            now = time.time()
            self.seen = [s for s in self.seen if s[0] > now - 2 * EDIT_EVERY]
            self.seen.append((now, _fingerprint(html), edits))

    def _edit(self):
        next_save = time.time() + EDIT_EVERY
        while not self.done.wait(max(0.0, next_save - time.time())):
            saved = self.editor.save(self.event)
            expected = self.editor.look()
            next_save = saved["at"] + EDIT_EVERY
            shown = None
            while shown is None and time.time() < next_save and not self.done.is_set():
                shown = next(
                    (
                        at
                        for at, fingerprint, edits in list(self.seen)
                        if at >= saved["at"] and saved["edit"] in edits and fingerprint == expected
                    ),
                    None,
                )
                time.sleep(self.LOOK_EVERY / 2)
            if shown is not None or time.time() >= next_save:
                self.visible_after.append(shown and shown - saved["at"])

    def report(self):
        print(_visibility(self.visible_after))
        return self.visible_after


def _visibility(visible_after):
    seconds = [s for s in visible_after if s is not None]
    shown = (
        f"{statistics.median(seconds):.1f} s (median), {max(seconds):.1f} s (worst)"
        if seconds
        else "—"
    )
    missed = visible_after.count(None)
    return f"{len(visible_after)} edits, visible after {shown}; {missed} not before the next save"


def _print_row(name, load, queries):
    flag = f"  {load.errors} ERRORS" if load.errors else ""
    print(
        f"{name:<36} {load.rps:8.1f} req/s  p50 {load.p50:7.1f} ms  p99 {load.p99:7.1f} ms"
        f"  queries {queries[0]}/{queries[1]}{flag}"
    )


# --- exports ---------------------------------------------------------------------------

# The second events export shows whether memory grows from one export to the next.
EXPORTS = ["/events/?format=csv", "/organizations/?format=json", "/events/?format=csv"]


def _exports():
    """Every event and organization as CSV and JSON through one worker, its memory sampled."""
    server = _server(page_cache=False, workers=1)
    with server as base:
        _get(base + "/events/")
        results = [_export(server, base, url) for url in EXPORTS]
    for e in results:
        print(
            f"{e['url']:<32} {e['lines']:>8,} lines {e['seconds']:6.1f} s  RSS "
            f"{e['rss_before']:.0f} → peak {e['rss_peak']:.0f} → {e['rss_after']:.0f} MB"
        )
    return results


def _rss_kb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def _export(server, base, url):
    pid = server.worker_pids()[0]
    before = _rss_kb(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_kb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    lines = size = 0
    with urllib.request.urlopen(base + url, timeout=600) as response:
        for chunk in iter(lambda: response.read(1 << 16), b""):
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return {
        "url": url,
        "lines": lines,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "rss_before": before / 1024,
        "rss_peak": peak[0] / 1024,
        "rss_after": _rss_kb(pid) / 1024,
    }


# --- beside Datasette ------------------------------------------------------------------


def _beside_datasette(wrk):
    """Faceted lists in the portal and in Datasette, both reading one SQLite file with every
    cache off, one request at a time: [(name, portal URL, portal Load, Datasette URL, Load)].

    Datasette facets the columns of the table itself; the portal also counts through the
    relations (regions, industries, topics, people), so it does more for the same list.
    """
    database = _sqlite_database()
    with sqlite3.connect(database) as connection:
        region_pk, region = connection.execute(
            "SELECT r.id, r.slug FROM cooperation_event_regions er"
            " JOIN cooperation_region r ON r.id = er.region_id"
            " GROUP BY r.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    published = {"_where": "state = 'published'"}
    events = {
        **published,
        "_facet": ["kind", "status", "region_id"],
        "_sort_desc": "start_date",
        "_size": 20,
    }
    through = {"table": "cooperation_event_regions", "column": "region_id", "value": region_pk}
    table = f"/{database.stem}"
    lists = [
        (
            "events of one region",
            f"/events/?region={region}",
            f"{table}/cooperation_event?",
            {**events, "_through": json.dumps(through)},
        ),
        ("events", "/events/", f"{table}/cooperation_event?", events),
        (
            "enterprises",
            "/organizations/?kind=enterprise",
            f"{table}/cooperation_organization?",
            {
                **published,
                "kind": "enterprise",
                "_facet": ["region_id", "country_id"],
                "_sort": "name",
                "_size": 20,
            },
        ),
    ]
    uncached = {
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "QUERY_CACHE_SECONDS": "0",
    }
    results = []
    with _server(page_cache=False, **uncached) as portal, _datasette(database) as datasette:
        for name, ours, theirs, params in lists:
            theirs += urlencode(params, doseq=True)
            loads = _load(wrk, portal + ours, connections=1), _load(wrk, datasette + theirs, 1)
            results.append((name, ours, loads[0], theirs, loads[1]))
            print(f"{name:<24} portal p50 {loads[0].p50:6.1f} ms, Datasette {loads[1].p50:6.1f} ms")
    return results


def _sqlite_database():
    """The SQLite file with the article and the demo data at DATASETTE_SCALE, built once."""
    if SQLITE_PATH.exists():
        return SQLITE_PATH
    print(f"Building {SQLITE_PATH.relative_to(ROOT)}")
    building = SQLITE_PATH.with_suffix(".building")
    building.parent.mkdir(exist_ok=True)  # artifacts/ is made by the bench, not kept in git
    building.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{building}", "PORTAL_ENV": "local"}
    for command in (
        ["migrate", "--verbosity", "0"],
        ["load_articles"],
        ["generate_demo_data", "--scale", str(DATASETTE_SCALE), "--seed", str(SEED)],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    with sqlite3.connect(building) as connection:
        connection.execute("ANALYZE")
    building.rename(SQLITE_PATH)
    return SQLITE_PATH


class _datasette:
    """Datasette serving `database` on 127.0.0.1, nothing cached, for one `with` block."""

    def __init__(self, database):
        self.database = database

    def __enter__(self):
        port = _free_port()
        datasette = str(Path(PYTHON).parent / "datasette")
        command = [datasette, "serve", str(self.database), "--host", "127.0.0.1"]
        command += ["--port", str(port), "--setting", "default_cache_ttl", "0"]
        # Its suggestions of further facets are work the portal does not do.
        command += ["--setting", "suggest_facets", "off"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/-/versions.json", self.process)
        return base

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


# --- the report -------------------------------------------------------------------------


def _load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 minutes)"


def _machine():
    cpu = re.search(r"model name\s+:\s+(.*)", Path("/proc/cpuinfo").read_text())
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (
        f"{cpu.group(1) if cpu else platform.processor()}, {os.cpu_count()} cores, "
        f"{int(memory.group(1)) / 1024 / 1024:.0f} GiB; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; PostgreSQL {postgres}"
    )


def _report(
    pages,
    peers,
    queries,
    admin_queries,
    results,
    after_edit,
    visible,
    exports,
    plans,
    datasette,
    load_before,
):
    hello_uncached, hello_cached = results[("uncached", "hello")], results[("cached", "hello")]
    lines = [
        f"Scale {SCALE:g} (seed {SEED}). {_machine()}.",
        f"Load average before the run: {load_before}; after: {_load_average()}.",
        f"gunicorn, {WORKERS} sync workers (gunicorn.conf.py, PORTAL_ENV=production, Redis); "
        f"wrk, {SECONDS} s per page: 1 connection with the page cache off, {CONNECTIONS} with "
        f"it on, asking for gzip. Latencies in ms; queries cold/warm. With the page cache on,"
        " hello is measured before and after each page, its row gives the median of those"
        " runs, and each page's share is of the mean of the two beside it. While editing: an"
        f" editor's save every {EDIT_EVERY} s, the same connections.",
        "",
        "| page | queries | page cache off: req/s | p50 | p99 | after an edit: median | worst "
        "| page cache on: req/s | p50 | p99 | share of hello | while editing, p99: cache on "
        "| cache off | admin, same filter: req/s | p50 | p99 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        "| hello (`/health/`) | 0 | "
        f"{hello_uncached.rps:.0f} | {hello_uncached.p50:.1f} | {hello_uncached.p99:.1f} | — | — "
        f"| {hello_cached.rps:.0f} | {hello_cached.p50:.1f} | {hello_cached.p99:.1f} | 100% "
        "| — | — | — | — | — |",
    ]
    missed = []
    for page in pages:
        uncached, cached = results[("uncached", page.url)], results[("cached", page.url)]
        edited_cached = results.get(("edited cached", page.url))
        edited_uncached = results.get(("edited uncached", page.url))
        admin_url = peers.get(page.url)
        admin = results[("admin", admin_url)] if admin_url else None
        share = cached.rps / results[("hello beside", page.url)]
        share_cell = "never kept" if page.kind == "export" else f"{share:.0%}"
        edited_cells = (
            f"{edited_cached.p99:.1f} | {edited_uncached.p99:.1f}" if edited_cached else "— | —"
        )
        admin_cells = (
            f"{admin.rps:.0f} | {admin.p50:.1f} | {admin.p99:.1f}" if admin else "— | — | —"
        )
        lines.append(
            f"| {page.name}: `{page.url}` | {queries[page.url][0]}/{queries[page.url][1]} "
            f"| {uncached.rps:.0f} | {uncached.p50:.1f} | {uncached.p99:.1f} "
            f"| {after_edit[page.url][0]:.0f} | {after_edit[page.url][1]:.0f} "
            f"| {cached.rps:.0f} | {cached.p50:.1f} | {cached.p99:.1f} | {share_cell} "
            f"| {edited_cells} | {admin_cells} |"
        )
        if "list" in page.kind:
            if edited_cached.p99 >= LIST_P99_MS:
                missed.append(f"{page.name}: p99 {edited_cached.p99:.0f} ms while editing")
            if edited_uncached.p99 >= LIST_P99_UNCACHED_MS:
                missed.append(
                    f"{page.name}: p99 {edited_uncached.p99:.0f} ms while editing, page cache off"
                )
        elif page.has_targets and edited_cached.p99 >= PAGE_P99_MS:
            missed.append(f"{page.name}: p99 {edited_cached.p99:.0f} ms while editing")
        if page.kind != "export" and share < CACHED_SHARE_OF_HELLO:
            missed.append(f"{page.name}: cached at {share:.0%} of hello's throughput")
        if admin and uncached.p50 >= admin.p50:
            missed.append(f"{page.name}: not faster than `{admin_url}`")
        errors = sum(
            load.errors for load in (uncached, cached, edited_cached, edited_uncached) if load
        )
        if errors:
            missed.append(f"{page.name}: {errors} failed requests")
    lines += [
        "",
        f"An edit (the first event's title and kind, saved by the editor's process every"
        f" {EDIT_EVERY} s) shown to anonymous visitors of `/events/`, title and counts:",
        "",
    ]
    for cache, visible_after in visible.items():
        which = "page cache " + ("on" if cache == "cached" else "off")
        lines.append(f"- {which}: {_visibility(visible_after)}")
        late = [s for s in visible_after if s is None or s >= VISIBLE_WITHIN_SECONDS]
        if late or not visible_after:
            within = VISIBLE_WITHIN_SECONDS
            missed.append(f"{which}: {len(late)} edits not shown within {within} s")
    lines += ["", "The admin changelists beside the public pages (queries cold/warm):", ""]
    for public, admin_url in peers.items():
        counted = admin_queries[admin_url]
        lines.append(f"- `{admin_url}` ({counted[0]}/{counted[1]} queries) ↔ `{public}`")
    lines += [
        "",
        "Plans of the list pages' queries on a first request, nothing kept (EXPLAIN ANALYZE):"
        " the page's rows, and the counts beside them (the number of results and one"
        " aggregate per facet).",
        "",
        "| page | rows, ms | indexes read for the rows | counts: slowest, ms "
        "| large tables the counts read whole |",
        "|---|--:|---|--:|---|",
    ]
    for url, (rows_ms, indexes, counts_ms, scans) in plans.items():
        lines.append(
            f"| `{url}` | {rows_ms:.1f} | {', '.join(indexes) or '—'} | {counts_ms:.1f} "
            f"| {', '.join(scans) or '—'} |"
        )
    lines += [
        "",
        "Exports through one worker (the memory of that worker process):",
        "",
        "| export | lines | MB | seconds | RSS before, MB | peak | after |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for e in exports:
        lines.append(
            f"| `{e['url']}` | {e['lines']:,} | {e['megabytes']:.1f} | {e['seconds']:.1f} "
            f"| {e['rss_before']:.0f} | {e['rss_peak']:.0f} | {e['rss_after']:.0f} |"
        )
    lines += [
        "",
        f"Beside Datasette: the same SQLite file (scale {DATASETTE_SCALE:g}, seed {SEED}),"
        " every cache off, 1 connection. Datasette facets the columns of the table itself;"
        " the portal's lists also count through their relations.",
        "",
        "| list | portal: p50 | p99 | Datasette: p50 | p99 | Datasette's URL |",
        "|---|--:|--:|--:|--:|---|",
    ]
    for name, ours, portal, theirs, peer in datasette:
        lines.append(
            f"| {name}: `{ours}` | {portal.p50:.1f} | {portal.p99:.1f} | {peer.p50:.1f} "
            f"| {peer.p99:.1f} | `{theirs}` |"
        )
        if portal.p50 > peer.p50:
            missed.append(
                f"{name}: slower than Datasette ({portal.p50:.0f} ms p50 against {peer.p50:.0f} ms)"
            )
        if portal.errors or peer.errors:
            missed.append(f"{name} beside Datasette: {portal.errors + peer.errors} failed requests")
    lines += ["", "Targets: " + ("all met." if not missed else "missed:")]
    lines += [f"- {m}" for m in missed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
