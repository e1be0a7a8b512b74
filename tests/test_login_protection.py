"""Guessing at the admin login is stopped, and weak passwords are never set."""

import logging

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PASSWORD = "широкая-степь-Атырау-1938"


@pytest.fixture
def editor():
    return User.objects.create_user(
        "redaktor", email="redaktor.atyrau@example.kz", password=PASSWORD, is_staff=True
    )


def _login(client, password):
    return client.post(
        reverse("admin:login"),
        {"username": "redaktor", "password": password, "next": reverse("admin:index")},
    )


def test_five_wrong_passwords_lock_the_account_for_that_address_and_say_so(client, editor, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for attempt in range(4):
            assert _login(client, f"угадываю-{attempt}").status_code == 200  # the form again
        locked = _login(client, "угадываю-4")
    assert locked.status_code == 429
    with translation.override("ru"):
        assert translation.gettext("Login temporarily blocked") in locked.content.decode()
    assert any("Locking out" in record.getMessage() for record in caplog.records)
    # Even the right password is refused while the lockout lasts.
    assert _login(client, PASSWORD).status_code == 429


def test_the_lockout_is_per_address(client, editor):
    for attempt in range(5):
        _login(client, f"угадываю-{attempt}")
    elsewhere = client.post(
        reverse("admin:login"),
        {"username": "redaktor", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR="10.1.2.3",
    )
    assert elsewhere.status_code == 302


def test_a_successful_login_starts_the_count_again(client, editor):
    for attempt in range(4):
        _login(client, f"угадываю-{attempt}")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        assert _login(client, f"снова-{attempt}").status_code == 200


@pytest.mark.parametrize(
    "password",
    [
        "Kazan2025!",  # shorter than 12 characters
        "password1234",  # a common password
        "738204619572",  # digits only
        "redaktor.atyrau.kz",  # too like the e-mail address
    ],
)
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_long_uncommon_password_is_accepted(editor):
    validate_password(PASSWORD, user=editor)
