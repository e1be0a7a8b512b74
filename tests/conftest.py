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


@pytest.fixture(autouse=True)
def no_cache(settings):
    # Tests change records in ways the admin never does (update() without signals) and then
    # read the pages; tests/test_page_cache.py turns the cache on to test it.
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 0
    settings.QUERY_CACHE_SECONDS = 0
    cache.clear()
