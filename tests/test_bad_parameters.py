"""Whatever a URL holds, a list answers with a page, says what it could not use, and echoes
no markup."""

import pytest

from .factories import AgreementPartyFactory, DelegationFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/regions/",
    "/organizations/",
    "/people/",
    "/delegations/",
    "/events/",
    "/agreements/",
    "/sources/",
]
MARKUP = '<script>alert("x")</script>'
GARBAGE = [
    ("date_from", "2025-13-45"),
    ("date_to", "вчера"),
    ("date_from", "9" * 400),
    ("region", "nowhere"),
    ("region", MARKUP),
    ("industry", "../../etc/passwd"),
    ("partner", "atlantis"),
    ("partner", "\x00"),
    ("date_to", "9999-12"),
    ("date_from", "0001"),
    ("country", "ZZ"),
    ("person", MARKUP),
    ("organization", "' OR 1=1 --"),
    ("topic", "\x00"),
    ("kind", "spaceship"),
    ("status", MARKUP),
    ("sort", "-password"),
    ("page", "99999999999999999999"),
    ("page", "-1"),
    ("page", MARKUP),
    ("q", MARKUP),
    ("q", "а" * 5000),
    ("format", MARKUP),
    ("when", "yesterday"),
]


@pytest.fixture
def records(db):
    ParticipationFactory()
    AgreementPartyFactory()
    DelegationFactory()
    SourceFactory()


@pytest.mark.parametrize("path", LISTS)
def test_garbage_gives_a_page_never_an_error(client, records, path):
    for param, value in GARBAGE:
        response = client.get(path, {param: value})
        assert response.status_code == 200, (param, value)
        body = response.content.decode()
        assert "<script>alert" not in body, (param, value)


def test_the_page_says_what_was_wrong(client, article):
    response = client.get("/events/", {"date_from": "2025-13", "region": "nowhere", "page": "77"})
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "2025-13" in body and "nowhere" in body and "77" in body
    # The bad values are left out; the good rest still filters.
    assert response.context["page_obj"].paginator.count == 8


def test_a_bad_value_does_not_hide_the_good_filters(client, article):
    response = client.get("/agreements/", {"region": "atyrauskaya-oblast", "date_to": "soon"})
    assert response.context["page_obj"].paginator.count == 1
    assert response.context["problems"]


def test_a_search_without_words_matches_nothing(client, article):
    assert client.get("/search/", {"q": "!!! :*"}).context["groups"] == []


def test_markup_in_a_value_is_shown_escaped(client, article):
    body = client.get("/events/", {"region": MARKUP}).content.decode()
    assert "&lt;script&gt;" in body


def test_the_search_page_takes_garbage_too(client, article):
    for q in (MARKUP, "а" * 5000, "\x00", "'; DROP TABLE", ":*", "!!!"):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
