"""A list is kept once per query as the page reads it: junk parameters and their order
cannot multiply the kept pages."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cooperation import page_cache

from .redis_cache import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings, article):
    settings.PAGE_CACHE_SECONDS = 600
    settings.QUERY_CACHE_SECONDS = 3600
    with committed():
        page_cache.content_changed()


def _queries(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def test_junk_parameters_and_their_order_share_one_kept_page():
    first, page = _queries("/events/?region=tatarstan&kind=meeting")
    assert first > 0
    for url in (
        "/events/?kind=meeting&region=tatarstan",
        "/events/?utm_source=mail&region=tatarstan&kind=meeting&fbclid=x",
        "/events/?region=tatarstan&kind=meeting&partner=&q=",
    ):
        assert _queries(url)[0] == 0, url
    assert "utm_source" not in _queries("/events/?utm_source=mail&region=tatarstan&kind=meeting")[1]


def test_a_known_parameter_still_makes_its_own_page():
    _queries("/events/?region=tatarstan")
    count, page = _queries("/events/?region=tatarstan&kind=forum")
    assert count > 0
    assert "KazanForum" in page
    assert _queries("/events/?region=tatarstan&region=atyrauskaya-oblast")[0] > 0
    assert _queries("/events/?region=atyrauskaya-oblast&region=tatarstan")[0] == 0
