"""Anonymous visitors get kept pages; an editor's save or publish shows once it is committed."""

import gzip
import importlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from cooperation import page_cache
from cooperation.models import Event, PublicationState

from .admin_forms import form_data, user_in
from .redis_cache import CACHES, cache_named, committed

pytestmark = pytest.mark.django_db

EVENTS = "/events/?region=tatarstan"


@pytest.fixture(autouse=True, params=CACHES)
def loaded(request, settings):
    """Every test runs with the development cache and with Redis, as in production."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.QUERY_CACHE_SECONDS = 3600
    with cache_named(request.param, settings):
        with committed():
            call_command("load_articles", stdout=StringIO())
        yield


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def publisher(client):
    client.force_login(user_in("Publishers", "vypuskayushchiy"))
    return client


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
    return response, len(queries)


def test_a_page_seen_before_is_served_again_without_a_query(visitor):
    first, first_queries = _queries(visitor, EVENTS)
    again, again_queries = _queries(visitor, EVENTS)
    assert first_queries > 5
    assert again_queries == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert "KazanForum" in again.content.decode()


def test_a_kept_page_goes_compressed_to_clients_that_accept_it(visitor):
    first = visitor.get(EVENTS, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    compressed = visitor.get(EVENTS, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = visitor.get(EVENTS)
    assert "Content-Encoding" not in first and "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == first.content == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert int(plain["Content-Length"]) == len(plain.content)
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Encoding" in plain["Vary"]
    etag = compressed["ETag"]
    assert etag.startswith("W/")
    again = visitor.get(EVENTS, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_each_query_string_and_language_is_a_page_of_its_own(visitor):
    russian = visitor.get("/events/").content.decode()
    english = visitor.get("/en/events/").content.decode()
    filtered = visitor.get("/events/?kind=forum").content.decode()
    assert 'lang="ru"' in russian and 'lang="en"' in english
    assert "Круглый стол" in russian and "Круглый стол" not in filtered


def test_each_host_and_scheme_is_a_page_of_its_own(visitor, settings):
    settings.ALLOWED_HOSTS = ["portal.example", "mirror.example"]
    first, first_queries = _queries(visitor, EVENTS, HTTP_HOST="portal.example")
    _other_host, other_host_queries = _queries(visitor, EVENTS, HTTP_HOST="mirror.example")
    _https, https_queries = _queries(visitor, EVENTS, HTTP_HOST="portal.example", secure=True)
    again, again_queries = _queries(visitor, EVENTS, HTTP_HOST="portal.example")
    assert first_queries > 0 and other_host_queries > 0 and https_queries > 0
    assert again_queries == 0 and again.content == first.content


def test_a_page_is_kept_apart_for_each_value_of_a_header_it_varies_on():
    rendered = []

    def render(request):
        rendered.append(request)
        response = HttpResponse(f"page {len(rendered)}")
        patch_vary_headers(response, ["Cookie"])
        return response

    stack = page_cache.UpdatePageCacheMiddleware(page_cache.FetchPageCacheMiddleware(render))
    dark, light = "theme=dark", "theme=light"
    pages = [stack(RequestFactory().get("/events/", HTTP_COOKIE=c)) for c in (dark, light, dark)]
    assert [p.content for p in pages] == [b"page 1", b"page 2", b"page 1"]
    assert "Cookie" in pages[2]["Vary"]


def test_a_publishers_action_shows_on_the_public_page_once_committed(visitor, publisher):
    event = Event.objects.get(slug="kazanforum-2025")
    assert "KazanForum" in visitor.get(EVENTS).content.decode()
    changelist = reverse("admin:cooperation_event_changelist")
    with committed():
        publisher.post(changelist, {"action": "return_to_draft", "_selected_action": [event.pk]})
    assert "KazanForum" not in visitor.get(EVENTS).content.decode()
    with committed():
        publisher.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
    assert "KazanForum" in visitor.get(EVENTS).content.decode()


def test_an_editors_save_in_the_admin_shows_on_the_public_page_once_committed(visitor, publisher):
    event = Event.objects.get(slug="kazanforum-2025")
    page = event.get_absolute_url()
    assert "Россия — исламский мир" not in visitor.get(page).content.decode()
    change = reverse("admin:cooperation_event_change", args=[event.pk])
    data = form_data(publisher.get(change), title="KazanForum 2025: Россия — исламский мир")
    with committed():
        response = publisher.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Россия — исламский мир" in visitor.get(page).content.decode()


def test_a_change_written_outside_the_admin_also_shows_once_committed(visitor):
    assert "KazanForum" in visitor.get(EVENTS).content.decode()
    event = Event.objects.get(slug="kazanforum-2025")
    with committed():
        event.state = PublicationState.DRAFT
        event.save()
        # Until the transaction commits, visitors are served the page as it was.
        assert "KazanForum" in visitor.get(EVENTS).content.decode()
    assert "KazanForum" not in visitor.get(EVENTS).content.decode()


def test_staff_see_drafts_and_never_a_kept_page(visitor, publisher):
    with committed():
        Event.objects.filter(slug="kazanforum-2025").update(state=PublicationState.DRAFT)
        page_cache.content_changed()
    page = reverse("cooperation:event-detail", args=["kazanforum-2025"])
    assert visitor.get(page).status_code == 404
    assert publisher.get(page).status_code == 200
    _response, queries = _queries(publisher, page)
    assert queries > 0


def test_a_page_rendered_while_an_edit_was_committed_is_not_served_after_it():
    rendered = []

    def render(request):
        if not rendered:
            with committed():  # an editor's save is committed while this page renders
                page_cache.content_changed()
        rendered.append(request)
        return HttpResponse("page")

    stack = page_cache.UpdatePageCacheMiddleware(page_cache.FetchPageCacheMiddleware(render))
    for _request in range(3):
        stack(RequestFactory().get("/events/"))
    assert len(rendered) == 2  # rendered again once, then kept


def test_an_unchanged_page_answers_a_conditional_request_with_304(visitor):
    first = visitor.get(EVENTS)
    assert first["Cache-Control"] == "no-cache"
    etag = first["ETag"]
    assert visitor.get(EVENTS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    event = Event.objects.get(slug="kazanforum-2025")
    with committed():
        event.title = "KazanForum 2025"
        event.save()
    changed = visitor.get(EVENTS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "KazanForum 2025" in changed.content.decode()


def test_pages_that_are_not_kept_still_answer_conditional_requests(visitor, settings):
    settings.PAGE_CACHE_SECONDS = 0
    etag = visitor.get(EVENTS)["ETag"]
    assert visitor.get(EVENTS, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_exports_and_bad_pages_are_not_kept(visitor):
    for url in ("/events/?format=csv", "/events/no-such-event/"):
        visitor.get(url)
        _response, queries = _queries(visitor, url)
        assert queries > 0, url


def test_a_server_starting_keeps_what_was_kept(visitor):
    first = visitor.get(EVENTS)
    importlib.reload(importlib.import_module("portal.wsgi"))  # what a new worker runs
    again, queries = _queries(visitor, EVENTS)
    assert queries == 0 and again.content == first.content


def test_each_facet_keeps_counts_of_its_own(visitor, settings):
    # Organizations have two facets on one parameter: partner region and partner country.
    settings.PAGE_CACHE_SECONDS = 0
    settings.QUERY_CACHE_SECONDS = 0
    url = "/organizations/?kind=enterprise&region=tatarstan"
    afresh = visitor.get(url).content.decode()
    settings.QUERY_CACHE_SECONDS = 3600
    first, kept = visitor.get(url).content.decode(), None
    with CaptureQueriesContext(connection) as queries:
        kept = visitor.get(url).content.decode()
    assert first == afresh == kept
    # Kazakhstan is offered once, as a country; the region facet has regions only.
    assert kept.count("partner=KZ") == 1
    assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
