"""The portal under load, served as in production: what each page costs at scale.

    make bench                          # scale 1: about 10 minutes the first time
    make bench SCALE=0.1 SECONDS=3      # smaller and quicker

On PostgreSQL (BENCH_DATABASE_URL; by default the database portal_bench on this machine,
made when missing) holding the article and synthetic demo data at SCALE, gunicorn serves
the site with the production settings (gunicorn.conf.py) and wrk loads it from a second
process. Every page is measured with the page cache off (each request renders the page)
and on (Redis: what anonymous visitors get); beside them the bare /health/ view ("hello")
on the same server, and the Django admin changelist with the same filter. Printed per
page: requests/s, p50 and p99 latency, and SQL queries per request (counted in this
process). Last, CSV and JSON exports of every event and organization through one worker,
whose memory is sampled while it streams. The table is also written to artifacts/bench.md.
"""

import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALE = float(os.environ.get("SCALE", "1"))
SEED = int(os.environ.get("SEED", "1"))
SECONDS = int(os.environ.get("SECONDS", "5"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "4"))
WORKERS = int(os.environ.get("WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

# Targets of the scale-and-speed issue, checked at the end.
LIST_P99_MS = 100
CACHED_SHARE_OF_HELLO = 0.7


def main():
    wrk = _wrk()
    _setup_django()
    _prepare_database()
    pages, admin_pages = _pages()
    queries = {page.url: _count_queries(page.url) for page in pages}
    session = _admin_session()
    admin_queries = {url: _count_queries(url, admin=True) for url in admin_pages.values()}

    results = {}
    for cached in (False, True):
        with _server(page_cache=cached) as base:
            label = "cached" if cached else "uncached"
            print(f"\n== {label}: gunicorn, {WORKERS} workers; wrk, {CONNECTIONS} connections")
            results[(label, "hello")] = _load(wrk, base + "/health/")
            for page in pages:
                results[(label, page.url)] = _load(wrk, base + page.url)
                _print_row(page.name, results[(label, page.url)], queries[page.url])
            if not cached:
                for url in admin_pages.values():
                    cookie = f"sessionid={session}"
                    results[("admin", url)] = _load(wrk, base + url, cookie=cookie)
                    _print_row("admin " + url, results[("admin", url)], admin_queries[url])
    exports = _exports()
    report = _report(pages, admin_pages, queries, admin_queries, results, exports)
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
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=DATABASE_URL,
        PORTAL_ENV="local",
        PAGE_CACHE_SECONDS="0",
        REDIS_URL="",
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

    from cooperation.demo import demo_data_present, demo_source_slug

    call_command("migrate", verbosity=0)
    call_command("load_articles")
    present = demo_data_present()
    if present.filter(slug=demo_source_slug(SCALE, SEED)).exists():
        print(f"Demo data at scale {SCALE:g}, seed {SEED} is already there")
    else:
        if present.exists():
            call_command("remove_demo_data")
        call_command("generate_demo_data", scale=SCALE, seed=SEED)
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
    kind: str  # "list", "filtered list", "detail", "other"


def _pages():
    """The pages to measure, chosen from the data: the busiest region and its partner."""
    from django.db.models import Count, Q

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

    published = Q(events_involving__state="published")
    regions = Region.objects.published().annotate(n=Count("events_involving", filter=published))
    a = regions.order_by("-n").first()
    b = (
        regions.exclude(country=a.country)
        .filter(events_involving__regions=a)
        .annotate(shared=Count("events_involving"))
        .order_by("-shared")
        .first()
    )
    industry = Industry.objects.filter(children__isnull=False).order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    busiest_organization = (
        Organization.objects.filter(region=a).annotate(n=Count("positions")).order_by("-n").first()
    )
    event = Event.objects.filter(regions=a).annotate(n=Count("participations")).order_by("-n")[0]
    agreement = Agreement.objects.filter(parties__organization__region=a).order_by("pk").first()
    organization = Organization.objects.annotate(n=Count("event_roles")).order_by("-n").first()
    person = Person.objects.annotate(n=Count("participations")).order_by("-n").first()
    article = Source.objects.exclude(kind=Source.Kind.SYNTHETIC).order_by("pk").first()
    synthetic = Source.objects.filter(kind=Source.Kind.SYNTHETIC).first()
    r, p, i = a.slug, b.slug, industry.slug
    pages = [
        Page("home", "/", "other"),
        Page("events", "/events/", "list"),
        Page("events, 1 filter", f"/events/?region={r}", "filtered list"),
        Page(
            "events, 3 filters",
            f"/events/?region={r}&industry={i}&date_from=2024",
            "filtered list",
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
            f"/people/?country={a.country.code}&region={r}&organization={busiest_organization.slug}",
            "filtered list",
        ),
        Page("delegations", "/delegations/", "list"),
        Page("delegations, 1 filter", f"/delegations/?country=KZ", "filtered list"),
        Page(
            "delegations, 3 filters",
            f"/delegations/?region={r}&partner={p}&date_from=2020",
            "filtered list",
        ),
        Page("regions", "/regions/", "list"),
        Page("regions, 1 filter", "/regions/?country=KZ", "filtered list"),
        Page("regions, 3 filters", f"/regions/?country=RU&kind=oblast&partner={p}", "filtered list"),
        Page("sources, 1 filter", "/sources/?kind=news", "filtered list"),
        Page("event", event.get_absolute_url(), "detail"),
        Page("agreement", agreement.get_absolute_url(), "detail"),
        Page("organization", organization.get_absolute_url(), "detail"),
        Page("person", person.get_absolute_url(), "detail"),
        Page("region", a.get_absolute_url(), "detail"),
        Page("region pair", f"/regions/{r}/{p}/", "detail"),
        Page("industry", industry.get_absolute_url(), "detail"),
        Page("topic", topic.get_absolute_url(), "detail"),
        Page("source (the article)", article.get_absolute_url(), "detail"),
        Page("source (demo data)", synthetic.get_absolute_url(), "detail"),
        Page("industries", "/industries/", "other"),
        Page("search: a word", "/search/?q=машиностроение", "other"),
        Page("search: a name", f"/search/?q={person.last_name}", "other"),
        Page("events feed, 1 filter", f"/events/feed/?region={r}", "other"),
        Page("CSV, 1 filter", f"/events/?region={r}&format=csv", "other"),
        Page("English: events, 1 filter", f"/en/events/?region={r}", "filtered list"),
    ]
    admin = {
        f"/events/?region={r}": f"/admin/cooperation/event/?region__id__exact={a.pk}",
        f"/agreements/?industry={i}": (
            f"/admin/cooperation/agreement/?industries__id__exact={industry.pk}"
        ),
        "/organizations/?kind=enterprise": "/admin/cooperation/organization/?kind__exact=enterprise",
        f"/people/?region={r}": f"/admin/cooperation/person/?q={person.last_name}",
        "/delegations/?country=KZ": (
            f"/admin/cooperation/delegation/?home_country__id__exact={a.country.pk}"
        ),
        "/regions/?country=KZ": f"/admin/cooperation/region/?country__id__exact={a.country.pk}",
    }
    return pages, admin


def _count_queries(url, admin=False):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if admin:
        client.force_login(get_user_model().objects.get(username="bench-admin"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return len(captured)


def _admin_session():
    """A logged-in superuser's session, for wrk to send as a cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth import get_user_model
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
        "SECRET_KEY": secrets.token_urlsafe(40),
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
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.process = subprocess.Popen([gunicorn, "portal.wsgi"], cwd=ROOT, env=env)
        self.base = f"http://127.0.0.1:{port}"
        for _attempt in range(100):
            try:
                urllib.request.urlopen(self.base + "/health/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.process.kill()
            sys.exit("gunicorn did not start")
        if self.page_cache:
            subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True)
        return self.base

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

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


def _load(wrk, url, cookie=None):
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    urllib.request.urlopen(request, timeout=60).read()  # warm: caches, connections
    command = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *headers, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=_ms(latency["50"]),
        p99=_ms(latency["99"]),
        errors=int(errors.group(1) if errors else 0) + int(timeouts.group(1) if timeouts else 0),
    )


def _print_row(name, load, queries):
    flag = f"  {load.errors} ERRORS" if load.errors else ""
    print(
        f"{name:<40} {load.rps:8.1f} req/s  p50 {load.p50:7.1f} ms  p99 {load.p99:7.1f} ms"
        f"  {queries:3d} queries{flag}"
    )


# --- exports ---------------------------------------------------------------------------


def _rss_kb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


# The second events export shows whether memory grows from one export to the next.
EXPORTS = ["/events/?format=csv", "/organizations/?format=json", "/events/?format=csv"]


def _exports():
    """Every event and organization as CSV and JSON through one worker, its memory sampled."""
    server = _server(page_cache=False, workers=1)
    with server as base:
        return [_export_run(server, base, url) for url in EXPORTS]


def _export_run(server, base, url):
    pid = server.worker_pids()[0]
    urllib.request.urlopen(base + "/events/", timeout=60).read()
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
        postgres = cursor.fetchone()[0]
    return (
        f"{cpu.group(1) if cpu else platform.processor()}, {os.cpu_count()} cores, "
        f"{int(memory.group(1)) / 1024 / 1024:.0f} GiB; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; PostgreSQL {postgres}"
    )


def _report(pages, admin_pages, queries, admin_queries, results, exports):
    hello_uncached, hello_cached = results[("uncached", "hello")], results[("cached", "hello")]
    lines = [
        f"Scale {SCALE:g} (seed {SEED}); {_machine()}.",
        f"gunicorn {WORKERS} sync workers (gunicorn.conf.py, PORTAL_ENV=production), "
        f"wrk 1 thread, {CONNECTIONS} connections, {SECONDS} s per page.",
        "",
        "| page | queries | uncached req/s | p50 ms | p99 ms | cached req/s | p50 ms | p99 ms "
        "| cached / hello | admin req/s | admin p50 ms | admin p99 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        _row("hello (/health/)", 0, hello_uncached, hello_cached, hello_cached, None),
    ]
    missed = []
    for page in pages:
        uncached, cached = results[("uncached", page.url)], results[("cached", page.url)]
        admin_url = admin_pages.get(page.url)
        admin = results[("admin", admin_url)] if admin_url else None
        lines.append(_row(f"{page.name}: `{page.url}`", queries[page.url], uncached, cached, hello_cached, admin))
        if page.kind == "filtered list" and uncached.p99 >= LIST_P99_MS:
            missed.append(f"{page.name}: uncached p99 {uncached.p99:.0f} ms ≥ {LIST_P99_MS} ms")
        if cached.rps < CACHED_SHARE_OF_HELLO * hello_cached.rps:
            missed.append(f"{page.name}: cached {cached.rps / hello_cached.rps:.0%} of hello")
        if admin and uncached.p50 >= admin.p50:
            missed.append(f"{page.name}: not faster than its admin changelist")
        if uncached.errors or cached.errors:
            missed.append(f"{page.name}: {uncached.errors + cached.errors} failed requests")
    lines += ["", "Admin changelists (logged in, never cached):", ""]
    for public, admin_url in admin_pages.items():
        lines.append(f"- `{admin_url}` ({admin_queries[admin_url]} queries) ↔ `{public}`")
    lines += [
        "",
        "Exports through one worker (memory of that worker process):",
        "",
        "| export | lines | MB | seconds | RSS before MB | peak MB | after MB |",
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


def _row(name, queries, uncached, cached, hello, admin):
    admin_cells = (
        f"{admin.rps:.0f} | {admin.p50:.1f} | {admin.p99:.1f}" if admin else "— | — | —"
    )
    return (
        f"| {name} | {queries} | {uncached.rps:.0f} | {uncached.p50:.1f} | {uncached.p99:.1f} "
        f"| {cached.rps:.0f} | {cached.p50:.1f} | {cached.p99:.1f} "
        f"| {cached.rps / hello.rps:.0%} | {admin_cells} |"
    )


if __name__ == "__main__":
    main()
