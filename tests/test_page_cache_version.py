"""What is kept goes out of date once per committed transaction that wrote the portal's
records, whoever wrote them."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from cooperation import page_cache
from cooperation.management.demo_data import demo_data_generate
from cooperation.models import Event, PublicationState, Region

from .redis_cache import CACHES, cache_named, committed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=CACHES)
def loaded(request, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.QUERY_CACHE_SECONDS = 3600
    with cache_named(request.param, settings):
        with committed():
            call_command("load_articles", stdout=StringIO())
        yield


def _versions_made(write):
    """How many new content versions `write` and its commit made."""
    before = page_cache._version(current=True)
    with committed():
        write()
    return page_cache._version(current=True) - before


def test_one_transaction_makes_one_new_version_however_many_records_it_writes():
    def write():
        with transaction.atomic():
            event = Event.objects.get(slug="kazanforum-2025")
            event.title = "KazanForum 2025"
            event.save()  # with a history row, its regions refreshed, its links set again
            event.topics.set([])
            for region in Region.objects.all()[:5]:
                region.save()

    assert _versions_made(write) == 1


def test_a_rolled_back_transaction_makes_none_and_the_next_one_still_does():
    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            Event.objects.get(slug="kazanforum-2025").save()
            raise RuntimeError("the editor's form was invalid after all")

    def saved():
        with transaction.atomic():
            Event.objects.get(slug="kazanforum-2025").save()

    assert _versions_made(rolled_back) == 0
    assert _versions_made(saved) == 1


def test_writes_outside_the_portals_records_make_none():
    def write():
        User.objects.create_user("reader")  # a login, a session: not content
        Event.history.first().save()  # a history row alone

    assert _versions_made(write) == 0


def test_writers_that_bypass_signals_make_one():
    def publish():
        Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.DRAFT)
        page_cache.content_changed()  # what the bulk actions and the demo data call

    assert _versions_made(publish) == 1
    assert _versions_made(lambda: demo_data_generate(scale=0.001)) == 1
