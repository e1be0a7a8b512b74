"""The portal under load, served as in production: what each page costs at scale.

    make bench                          # scale 1: about 30 minutes the first time
    make bench SCALE=0.1 DURATION=3     # smaller and quicker

On PostgreSQL (BENCH_DATABASE_URL; by default the database portal_bench on this machine,
made when missing) holding the article and synthetic demo data at SCALE, gunicorn serves
the site with the production settings (gunicorn.conf.py, Redis for the cache) and wrk
loads it from a second process. For every page it prints:

- queries: SQL queries of one request, counted in this process (cold: nothing kept;
  warm: the counts beside the filters kept, as they are between two edits);
- uncached: the page cache off, one request at a time (latency as a visitor sees it);
- cold: the first request after a content change, when nothing is kept (median and
  worst of five);
- cached: the page cache on, CONNECTIONS requests at a time (throughput);

and beside them the bare /health/ view ("hello") served the same way, and the Django
admin changelist with the same filter, logged in. Last, CSV and JSON exports of every
event and organization through one worker, whose memory is sampled while it streams.
The report is also written to artifacts/bench.md.
"""

import os
import platform
import re
import secrets
import shutil
import signal
import socket
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

# Targets of the scale-and-speed issue, checked at the end.
LIST_P99_MS = 100
CACHED_SHARE_OF_HELLO = 0.7


def main():
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
    results, cold = {}, {}
    with _server(page_cache=False) as base:
        print(f"\n== page cache off: gunicorn, {WORKERS} workers; wrk, 1 connection")
        results[("uncached", "hello")] = _load(wrk, base + "/health/", connections=1)
        for page in pages:
            results[("uncached", page.url)] = _load(wrk, base + page.url, connections=1)
            cold[page.url] = _cold(base + page.url)
            _print_row(page.name, results[("uncached", page.url)], queries[page.url])
        for url in admin_pages.values():
            load = _load(wrk, base + url, connections=1, cookie=f"sessionid={session}")
            results[("admin", url)] = load
            _print_row("admin " + url, load, admin_queries[url])
    with _server(page_cache=True) as base:
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
    print("\n== exports through one worker")
    exports = _exports()
    report = _report(pages, admin_pages, queries, admin_queries, results, cold, exports, plans)
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
        Page("search: a word", "/search/?" + urlencode({"q": "машиностроение"}), "other"),
        Page("search: a name", "/search/?" + urlencode({"q": person.last_name}), "other"),
        Page("events feed, 1 filter", f"/events/feed/?region={r}", "other"),
        Page("calendar, 1 filter", f"/events/calendar.ics?region={r}", "other"),
        Page("CSV, 1 filter", f"/events/?region={r}&format=csv", "export"),
        Page("sitemap", "/sitemap.xml", "other"),
    ]
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


def _count_queries(url, admin=False):
    """(cold, warm): queries of the first request with nothing kept, and of the next."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if admin:
        client.force_login(get_user_model().objects.get(username="bench-admin"))
    cache.clear()
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
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
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
    """A logged-in superuser's session, for wrk to send as a cookie."""
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
    }


class _server:
    """gunicorn with the production settings, on a free port, for one `with` block."""

    def __init__(self, page_cache, workers=WORKERS):
        self.page_cache, self.workers = page_cache, workers

    def __enter__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            **_production_env(),
            "PAGE_CACHE_SECONDS": "600" if self.page_cache else "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(self.workers),
        }
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True)
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.process = subprocess.Popen([gunicorn, "portal.wsgi"], cwd=ROOT, env=env)
        self.base = f"http://127.0.0.1:{port}"
        for _attempt in range(150):
            try:
                urllib.request.urlopen(self.base + "/health/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.process.kill()
            sys.exit("gunicorn did not start")
        return self.base

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@dataclass
class Load:
    rps: float
    p50: float  # milliseconds
    p99: float
    errors: int


def _ms(text):
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
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(latency["50"]),
        p99=_ms(latency["99"]),
        errors=int(errors.group(1) if errors else 0) + int(timeouts.group(1) if timeouts else 0),
    )


# A page slower than this (a large export) is timed by SLOW_REQUESTS requests one after
# another rather than by wrk, which would leave requests running when it stops.
SLOW_SECONDS = 1
SLOW_REQUESTS = 3


def _load_slow(url, cookie=None):
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


def _cold(url):
    """Milliseconds of requests that each follow a content change: nothing kept."""
    import redis

    from cooperation.page_cache import CHANNEL, VERSION_KEY

    client = redis.Redis.from_url(REDIS_URL)
    times = []
    for _request in range(COLD_REQUESTS):
        # What any editor's save does.
        client.set(f":1:{VERSION_KEY}", time.time_ns())
        client.publish(CHANNEL, b"")
        started = time.perf_counter()
        _get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


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


# --- the report -------------------------------------------------------------------------


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


def _report(pages, peers, queries, admin_queries, results, cold, exports, plans):
    hello_uncached, hello_cached = results[("uncached", "hello")], results[("cached", "hello")]
    lines = [
        f"Scale {SCALE:g} (seed {SEED}). {_machine()}.",
        f"gunicorn, {WORKERS} sync workers (gunicorn.conf.py, PORTAL_ENV=production, Redis); "
        f"wrk, {SECONDS} s per page: 1 connection with the page cache off, {CONNECTIONS} with "
        f"it on, asking for gzip. Latencies in ms; queries cold/warm. With the page cache on,"
        " hello is measured before and after each page, its row gives the median of those"
        " runs, and each page's share is of the mean of the two beside it.",
        "",
        "| page | queries | page cache off: req/s | p50 | p99 | cold: median | worst "
        "| page cache on: req/s | p50 | p99 | share of hello | admin, same filter: req/s "
        "| p50 | p99 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        "| hello (`/health/`) | 0 | "
        f"{hello_uncached.rps:.0f} | {hello_uncached.p50:.1f} | {hello_uncached.p99:.1f} | — | — "
        f"| {hello_cached.rps:.0f} | {hello_cached.p50:.1f} | {hello_cached.p99:.1f} | 100% "
        "| — | — | — |",
    ]
    missed = []
    for page in pages:
        uncached, cached = results[("uncached", page.url)], results[("cached", page.url)]
        admin_url = peers.get(page.url)
        admin = results[("admin", admin_url)] if admin_url else None
        share = cached.rps / results[("hello beside", page.url)]
        share_cell = "never kept" if page.kind == "export" else f"{share:.0%}"
        admin_cells = (
            f"{admin.rps:.0f} | {admin.p50:.1f} | {admin.p99:.1f}" if admin else "— | — | —"
        )
        lines.append(
            f"| {page.name}: `{page.url}` | {queries[page.url][0]}/{queries[page.url][1]} "
            f"| {uncached.rps:.0f} | {uncached.p50:.1f} | {uncached.p99:.1f} "
            f"| {cold[page.url][0]:.0f} | {cold[page.url][1]:.0f} "
            f"| {cached.rps:.0f} | {cached.p50:.1f} | {cached.p99:.1f} | {share_cell} "
            f"| {admin_cells} |"
        )
        if page.kind == "filtered list" and uncached.p99 >= LIST_P99_MS:
            missed.append(f"{page.name}: p99 {uncached.p99:.0f} ms with the page cache off")
        if page.kind != "export" and share < CACHED_SHARE_OF_HELLO:
            missed.append(f"{page.name}: cached at {share:.0%} of hello's throughput")
        if admin and uncached.p50 >= admin.p50:
            missed.append(f"{page.name}: not faster than `{admin_url}`")
        if uncached.errors or cached.errors:
            missed.append(f"{page.name}: {uncached.errors + cached.errors} failed requests")
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
    lines += ["", "Targets: " + ("all met." if not missed else "missed:")]
    lines += [f"- {m}" for m in missed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
