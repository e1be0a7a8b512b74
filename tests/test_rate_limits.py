"""Behind a proxy each client is told apart, and one client cannot monopolize the costly work."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the reverse proxy in front of the portal
PASSWORD = "широкая-степь-Атырау-1938"


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Counts are kept per window of the rate's period; on a slow machine a test's requests
    could straddle two windows and start counting afresh, so the limiter's clock stands still."""
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: 1_800_000_000))


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _from(client_address, **extra):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address, **extra}


def _login(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **_from(address),
    )


def test_guesses_from_one_client_behind_the_proxy_do_not_lock_out_the_editor(
    client, behind_a_proxy
):
    User.objects.create_user("redaktor", password=PASSWORD, is_staff=True)
    for attempt in range(5):
        _login(client, "redaktor", f"угадываю-{attempt}", "203.0.113.7")
    assert _login(client, "redaktor", PASSWORD, "203.0.113.7").status_code == 429
    assert _login(client, "redaktor", PASSWORD, "198.51.100.20").status_code == 302


def test_a_forged_forwarded_header_does_not_change_the_address(client, behind_a_proxy):
    User.objects.create_user("redaktor", password=PASSWORD, is_staff=True)
    for attempt in range(5):
        # The client prepends an address of its own; the proxy appends the real one.
        _login(client, "redaktor", f"угадываю-{attempt}", f"192.0.2.{attempt}, 203.0.113.7")
    assert _login(client, "redaktor", PASSWORD, "203.0.113.7").status_code == 429


def test_guessing_across_many_usernames_from_one_address_is_limited(
    client, settings, behind_a_proxy
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "10/h"}
    answers = [_login(client, f"user{n}", "угадываю", "203.0.113.7").status_code for n in range(12)]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]
    assert _login(client, "user99", "угадываю", "198.51.100.20").status_code == 200


def test_searches_over_the_limit_get_a_localized_429_with_retry_after(
    client, settings, behind_a_proxy, article
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "3/m"}
    answers = [client.get("/search/?q=Татарстан", **_from("203.0.113.7")) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert "Слишком много запросов" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get("/search/?q=Татарстан", **_from("198.51.100.20")).status_code == 200
    # Pages other than search are not counted.
    assert client.get("/events/", **_from("203.0.113.7")).status_code == 200


def test_exports_over_the_limit_are_refused_in_english_on_the_english_site(
    client, settings, behind_a_proxy, article
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/m"}
    answers = [
        client.get("/en/events/?format=csv", **_from("203.0.113.7")).status_code for _ in range(3)
    ]
    assert answers == [200, 200, 429]
    refused = client.get("/en/events/?format=json", **_from("203.0.113.7"))
    assert "Too many requests" in refused.content.decode()


def test_without_a_proxy_the_forwarded_header_is_ignored(client, settings, article):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/m"}
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        response = client.get("/search/?q=Татарстан", HTTP_X_FORWARDED_FOR=address)
    assert response.status_code == 429
