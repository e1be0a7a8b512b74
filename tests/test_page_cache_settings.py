"""Production keeps pages and counts only in a cache every server process shares, under keys
of its own release."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "portal.example",
}
SHOW_PREFIX = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['KEY_PREFIX'])"
)


def _start(code="import django; django.setup()", **env):
    """Run `code` after loading the settings in a fresh interpreter, as a server would."""
    names = {"REDIS_URL", "RELEASE", "PAGE_CACHE_SECONDS", "QUERY_CACHE_SECONDS"}
    environment = {k: v for k, v in os.environ.items() if k not in names}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, **env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_with_the_caches_on_and_no_shared_cache():
    result = _start(**PRODUCTION)
    assert result.returncode != 0
    assert "set REDIS_URL" in result.stderr
    result = _start(**PRODUCTION, PAGE_CACHE_SECONDS="0")  # the counts are kept still
    assert result.returncode != 0
    assert "set REDIS_URL" in result.stderr


def test_production_starts_with_redis_or_with_the_caches_off():
    assert _start(**PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/0").returncode == 0
    result = _start(**PRODUCTION, PAGE_CACHE_SECONDS="0", QUERY_CACHE_SECONDS="0")
    assert result.returncode == 0, result.stderr


def test_keys_start_with_the_release():
    assert _start(SHOW_PREFIX, RELEASE="2026-12-01.3").stdout.strip() == "2026-12-01.3"


def test_without_a_release_every_process_of_the_same_code_names_the_same_one():
    first, second = _start(SHOW_PREFIX).stdout.strip(), _start(SHOW_PREFIX).stdout.strip()
    assert first == second
    assert len(first) >= 8
