"""Nobody waits for a recount: after an edit, visitors are shown the previous counts at once
while one process counts again after its response; editors get the new counts at once."""

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from cooperation import page_cache
from cooperation.models import Event, PublicationState

from .admin_forms import user_in
from .redis_cache import CACHES, cache_named, committed

pytestmark = pytest.mark.django_db

EVENTS = "/events/?region=tatarstan"


@pytest.fixture(autouse=True, params=CACHES)
def loaded(request, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.QUERY_CACHE_SECONDS = 3600
    with cache_named(request.param, settings):
        with committed():
            call_command("load_articles", stdout=StringIO())
        yield


def _results(response):
    """The number of results the list page says it has."""
    html = response.content.decode()
    return int(re.search(r'class="results-heading">\s*(\d+)', html).group(1))


def _unpublish_kazanforum():
    with committed():
        event = Event.objects.get(slug="kazanforum-2025")
        event.state = PublicationState.DRAFT
        event.save()


def test_after_an_edit_a_visitor_is_shown_the_previous_counts_and_the_next_the_new_ones(
    monkeypatch,
):
    monkeypatch.setattr(page_cache, "PREVIOUS_COUNTS_SECONDS", 0)  # see the test below
    visitor = Client()
    before = _results(visitor.get(EVENTS))
    _unpublish_kazanforum()
    with CaptureQueriesContext(connection) as queries:
        first = visitor.get(EVENTS)
    assert "KazanForum" not in first.content.decode()  # the rows are read afresh
    assert _results(first) == before  # the count is the one kept
    # Counted again once the page was sent (the test client sends it at once).
    assert any("COUNT(" in query["sql"] for query in queries.captured_queries)
    assert _results(visitor.get(EVENTS)) == before - 1


def test_a_page_shown_with_previous_counts_is_kept_for_a_second_only():
    visitor = Client()
    visitor.get(EVENTS)
    _unpublish_kazanforum()
    shown_previous = visitor.get(EVENTS)
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get(EVENTS).content == shown_previous.content
    assert len(queries) == 0
    time.sleep(page_cache.PREVIOUS_COUNTS_SECONDS)
    current = visitor.get(EVENTS)
    with CaptureQueriesContext(connection) as queries:
        kept = visitor.get(EVENTS)
    assert len(queries) == 0
    assert _results(kept) == _results(current) == _results(shown_previous) - 1


def test_editors_see_the_new_counts_at_once():
    visitor, editor = Client(), Client()
    editor.force_login(user_in("Editors", "redaktor"))
    before = _results(visitor.get(EVENTS))
    assert _results(editor.get(EVENTS)) == before
    _unpublish_kazanforum()
    assert _results(editor.get(EVENTS)) == before - 1


def test_while_one_process_counts_again_other_visitors_are_shown_the_previous_count(
    monkeypatch,
):
    monkeypatch.setattr(page_cache, "PREVIOUS_COUNTS_SECONDS", 0)
    counted = []
    came_meanwhile = []

    def count():
        counted.append(len(counted) + 1)
        if len(counted) == 2:  # counting again after the edit: another visitor comes
            came_meanwhile.append(visit())
        return counted[-1]

    def render(request):
        return HttpResponse(str(page_cache.kept("answer", count)))

    stack = page_cache.UpdatePageCacheMiddleware(page_cache.FetchPageCacheMiddleware(render))

    def visit():
        response = stack(RequestFactory().get("/events/"))
        page_cache.recount()  # what request_finished calls once the response is sent
        return response.content

    assert visit() == b"1"
    with committed():
        page_cache.content_changed()
    assert visit() == b"1"
    assert came_meanwhile == [b"1"]  # and did not count: the one counting holds the lock
    assert counted == [1, 2]
    assert visit() == b"2"


def test_without_a_previous_count_the_first_visitor_counts(settings):
    visitor = Client()
    _unpublish_kazanforum()
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get(EVENTS)
    assert "KazanForum" not in response.content.decode()
    assert any("COUNT(" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get(EVENTS).content == response.content
    assert len(queries) == 0
