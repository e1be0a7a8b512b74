"""Production refuses to start half-configured; local development needs nothing."""

import os
import subprocess
import sys

from django.conf import settings

GOOD_KEY = "k" * 50


def _start(**env):
    """Import the settings in a fresh interpreter, as a server would."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start(PORTAL_ENV="production", ALLOWED_HOSTS="portal.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start(PORTAL_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured_and_turns_debug_off():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_ENV": "production",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "portal.example",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_misspelt_boolean_is_refused_rather_than_guessed():
    result = _start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
