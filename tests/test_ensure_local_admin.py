"""Local development gets one login per role; production never gets a known login."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_makes_an_editor_and_a_publisher_who_can_log_in(client):
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    for username, password, group in [
        ("editor", "editor-local-only", "Editors"),
        ("publisher", "publisher-local-only", "Publishers"),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password(password)
        assert f"user {username!r}" in out.getvalue()


def test_it_is_silent_and_makes_nobody_outside_local_development(settings):
    settings.LOCAL = False
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    assert not User.objects.exists()
    assert out.getvalue() == ""
