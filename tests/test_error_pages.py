"""Error pages are the portal's own: in the visitor's language, with the site's navigation."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_russian_with_the_sites_navigation(client):
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html
    assert 'href="/regions/"' in html and 'href="/search/"' in html


def test_a_missing_page_on_the_english_site_is_in_english(client):
    response = client.get("/en/events/no-such-event/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/en/regions/"' in response.content.decode()


def _database_unreachable():
    lost = OperationalError("server closed the connection unexpectedly")
    return mock.patch.object(CursorWrapper, "_execute_with_wrappers", side_effect=lost)


def test_an_error_is_the_portals_page_in_the_visitors_language(client):
    client.raise_request_exception = False
    broken = mock.patch("cooperation.views.render", side_effect=ValueError("a bug"))
    with broken:
        english = client.get("/en/")
        russian = client.get("/")
    assert english.status_code == 500
    assert "Something went wrong" in english.content.decode()
    assert 'href="/en/events/"' in english.content.decode()
    assert russian.status_code == 500
    assert "Что-то пошло не так" in russian.content.decode()


def test_without_the_database_every_page_asks_to_come_back_soon(client):
    client.raise_request_exception = False
    with _database_unreachable():
        english = client.get("/en/events/")
        russian = client.get("/events/")
    assert english.status_code == 503
    assert english["Retry-After"] == "30"
    assert "briefly unavailable" in english.content.decode()
    assert 'href="/en/events/"' in english.content.decode()
    assert russian.status_code == 503
    assert "Портал ненадолго недоступен" in russian.content.decode()


def test_readiness_says_503_without_the_database_while_liveness_stays_ok(client):
    assert client.get("/health/ready/").status_code == 200
    with _database_unreachable():
        assert client.get("/health/ready/").status_code == 503
        assert client.get("/health/").status_code == 200


def test_every_page_has_a_description_and_an_icon(client, article):
    html = client.get("/").content.decode()
    assert '<meta name="description" content="Кто с кем сотрудничает' in html
    assert 'rel="icon"' in html


def test_the_browsers_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
