from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from playwright.sync_api import sync_playwright

from cooperation import search
from cooperation.models import Source
from cooperation.models.base import Searchable

SEED_SOURCE = "minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti"

# The browser tests run in Debian's Chromium, one for the whole run.
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Hashing with a real hasher costs about a second per user; tests do not need the safety.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # Tests ask for many exports and searches in a row; tests/test_rate_limits.py sets the
    # limits it tests.
    settings.RATE_LIMITS = {}


@pytest.fixture(autouse=True, scope="session")
def no_cache():
    # Tests change records in ways the admin never does (update() without signals) and then
    # read the pages; tests/test_page_cache.py turns the cache on to test it. For the whole
    # session, so that records built once per module are read uncached too.
    with override_settings(PAGE_CACHE_SECONDS=0, QUERY_CACHE_SECONDS=0):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def _cooperation_models():
    # With the tables behind many-to-many fields, which are models of their own.
    return list(apps.get_app_config("cooperation").get_models(include_auto_created=True))


@pytest.fixture(scope="session")
def article_rows(django_db_setup, django_db_blocker):
    """Every row `load_articles` writes for the seed article, read once per session.

    Loading checks every record and takes a second or two; writing its rows back takes a
    few hundredths of that. The loading is rolled back, so that the database stays empty for
    the tests that expect it so. Content types are kept by name, not id: a test that empties
    the database (the browser tests) gives them new ids.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_articles", stdout=StringIO())
        rows = [
            row
            for model in _cooperation_models()
            for row in serializers.serialize(
                "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
            )
        ]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def article(db, article_rows):
    """The seed article's data, as `make run` loads it; the article itself is returned."""
    records = {}
    for restored in serializers.deserialize("python", article_rows):
        # Parts of a many-to-many field are rows of their own in `article_rows`.
        records.setdefault(type(restored.object), []).append(restored.object)
    # In one transaction: foreign keys are checked when it ends, whatever the order of rows.
    with transaction.atomic():
        for model, objects in records.items():
            model._base_manager.bulk_create(objects)
        # The rows keep their ids; new rows must get higher ones (PostgreSQL's sequences).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(records)):
                cursor.execute(sql)
        # Bulk inserts skip save(), which keeps SQLite's search tables.
        for model in records:
            if issubclass(model, Searchable):
                search.index(model._base_manager.all())
    return Source.objects.get(slug=SEED_SOURCE)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse
    # database calls here (fixtures, flushes); the loop only drives the browser, so they are safe.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()
