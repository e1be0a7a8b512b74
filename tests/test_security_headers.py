"""The headers a security audit grades: a strict policy on every page, HTTPS enforced in
production, cookies bound to the host."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _production(code):
    """Run `code` after setting up Django with production settings, as a server would."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_every_page_has_a_strict_content_security_policy(client, article):
    for url in ("/", "/events/", "/en/regions/", "/admin/login/", "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def test_pages_and_files_are_not_embeddable_by_other_sites(client):
    response = client.get("/")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_deployment_checklist_finds_nothing_in_production():
    result = _production(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_production_redirects_to_https_and_keeps_to_it():
    result = _production(
        "import json\n"
        "from django.test import Client\n"
        "plain = Client().get('/events/', HTTP_HOST='portal.example')\n"
        "secure = Client().get('/health/', HTTP_HOST='portal.example', "
        "HTTP_X_FORWARDED_PROTO='https')\n"
        "check = Client().get('/health/', HTTP_HOST='portal.example')\n"
        "from django.conf import settings as s\n"
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')],"
        " 'hsts': secure.get('Strict-Transport-Security'), 'check': check.status_code,"
        " 'cookies': [s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME]}))"
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://portal.example/events/"]
    assert seen["hsts"] == "max-age=63072000; includeSubDomains; preload"
    assert seen["check"] == 200  # a load balancer's plain-HTTP health check is not redirected
    assert all(name.startswith("__Host-") for name in seen["cookies"])
