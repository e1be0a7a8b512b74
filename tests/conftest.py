import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Hashing with a real hasher costs about a second per user; tests do not need the safety.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
