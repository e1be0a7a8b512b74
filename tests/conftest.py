import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Hashing with a real hasher costs about a second per user; tests do not need the safety.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def article(db):
    """The seed article's data, as `make run` loads it."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_articles", stdout=StringIO())
