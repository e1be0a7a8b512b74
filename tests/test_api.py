"""The read-only API under /api/v1/, tried as a developer would: lists with the pages'
filters, paging, records linking each other, partial dates, both languages, citations,
drafts left out, and the answers machines rely on (304s, CORS, 429s, JSON errors)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Agreement, Event, Organization, PublicationState, Source

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

AGREEMENT = "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"


def test_a_regions_agreements_come_with_their_parties_in_one_url(client, article):
    response = client.get("/api/v1/agreements/", {"region": "atyrauskaya-oblast"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 1
    agreement = body["results"][0]
    assert agreement["title"] == AGREEMENT
    assert agreement["title_en"].startswith("Cooperation agreement")
    assert agreement["signed"] == {"value": "2025-02-20", "precision": "day"}
    parties = {party["organization"]["slug"]: party for party in agreement["parties"]}
    assert set(parties) == {"promyshlennyy-klaster-tatarstana", "spk-atyrau"}
    assert parties["spk-atyrau"]["region"]["slug"] == "atyrauskaya-oblast"
    assert parties["promyshlennyy-klaster-tatarstana"]["signatory"]["name"] == "Сергей Майоров"


def test_a_party_leads_to_its_organization(client, article):
    agreement = client.get("/api/v1/agreements/", {"region": "atyrauskaya-oblast"}).json()
    party = agreement["results"][0]["parties"][1]["organization"]
    assert party["url"] == "http://testserver/api/v1/organizations/spk-atyrau/"
    organization = client.get(party["url"]).json()
    assert organization["slug"] == "spk-atyrau"
    assert organization["region"]["slug"] == "atyrauskaya-oblast"
    assert organization["html_url"] == "http://testserver/organizations/spk-atyrau/"
    assert client.get(organization["html_url"]).status_code == 200


def test_lists_take_the_same_filters_as_the_pages(client, article):
    query = {"region": "tatarstan", "partner": "atyrauskaya-oblast", "kind": "meeting"}
    page = client.get("/events/", query)
    api = client.get("/api/v1/events/", query).json()
    shown = [event.slug for event in page.context["page_obj"]]
    assert api["count"] == len(shown) > 0
    assert [event["slug"] for event in api["results"]] == shown


def test_the_enterprises_directory_is_a_filter_too(client, article):
    api = client.get("/api/v1/organizations/", {"kind": "enterprise"}).json()
    kinds = {organization["kind"] for organization in api["results"]}
    assert api["count"] == Organization.objects.public().businesses().count() > 0
    assert kinds <= set(Organization.BUSINESS_KINDS)


def test_lists_come_in_pages_with_a_count_and_absolute_links(client, article):
    first = client.get("/api/v1/regions/", {"page_size": 1}).json()
    assert first["count"] > 2
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/regions/?")
    second = client.get(first["next"]).json()
    assert second["previous"].startswith("http://testserver/api/v1/regions/")
    everything = []
    page = first
    while page:
        everything += [region["slug"] for region in page["results"]]
        page = client.get(page["next"]).json() if page["next"] else None
    # Stable order: every region once, whatever page it falls on.
    assert len(everything) == len(set(everything)) == first["count"]


def test_records_of_equal_date_keep_their_order_across_pages(client, db):
    for n in range(5):
        EventFactory(title="Встреча", start_date=dt.date(2025, 3, 1), slug=f"vstrecha-{n}")
    pages = [
        client.get("/api/v1/events/", {"page_size": 2, "page": n}).json()["results"]
        for n in (1, 2, 3)
    ]
    slugs = [event["slug"] for page in pages for event in page]
    assert sorted(slugs) == [f"vstrecha-{n}" for n in range(5)]


def test_a_page_is_twenty_records_or_at_most_a_hundred(client, db):
    TopicFactory.create_batch(101)
    assert len(client.get("/api/v1/topics/").json()["results"]) == 20
    body = client.get("/api/v1/topics/", {"page_size": 1000}).json()
    assert (body["count"], len(body["results"])) == (101, 100)


def test_a_record_gives_both_languages_and_partial_dates(client, article):
    Event.objects.filter(slug=_kazanforum()).update(start_precision="month")
    event = client.get(f"/api/v1/events/{_kazanforum()}/").json()
    assert event["start"]["precision"] == "month"
    assert len(event["start"]["value"]) == len("2025-05")
    person = client.get("/api/v1/people/rustam-minnikhanov/").json()
    assert (person["last_name"], person["last_name_en"]) == ("Минниханов", "Minnikhanov")
    position = person["positions"][0]
    assert position["title"] and position["title_en"]


def _kazanforum():
    return Event.objects.public().get(kind="forum").slug


def test_every_record_gives_its_citations_with_the_sources_address(client, article):
    agreement = client.get("/api/v1/agreements/", {"region": "atyrauskaya-oblast"}).json()
    citation = agreement["results"][0]["citations"][0]
    assert citation["source"]["slug"] == article.slug
    # The article has no address of its own: its page here stands for it.
    assert citation["source_url"] == "http://testserver" + article.get_absolute_url()
    Source.objects.filter(pk=article.pk).update(url="https://example.org/news/1")
    agreement = client.get("/api/v1/agreements/", {"region": "atyrauskaya-oblast"}).json()
    assert agreement["results"][0]["citations"][0]["source_url"] == "https://example.org/news/1"


def test_drafts_are_neither_listed_nor_found_nor_named(client, article):
    agreement = Agreement.objects.get(title=AGREEMENT)
    hidden = OrganizationFactory(name="Скрытая организация", state=PublicationState.DRAFT)
    AgreementPartyFactory(agreement=agreement, organization=hidden)
    draft = AgreementFactory(title="Черновик соглашения", state=PublicationState.DRAFT)
    listed = client.get("/api/v1/agreements/").json()
    assert draft.slug not in [a["slug"] for a in listed["results"]]
    assert client.get(f"/api/v1/agreements/{draft.slug}/").status_code == 404
    assert client.get(f"/api/v1/organizations/{hidden.slug}/").status_code == 404
    shown = client.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert hidden.slug not in [party["organization"]["slug"] for party in shown["parties"]]


def test_a_draft_parent_is_null_rather_than_named(client, db):
    parent = OrganizationFactory(state=PublicationState.DRAFT)
    child = OrganizationFactory(parent=parent)
    assert client.get(f"/api/v1/organizations/{child.slug}/").json()["parent"] is None


def test_a_bad_parameter_is_a_json_error_naming_it(client, article):
    response = client.get("/api/v1/events/", {"region": "no-such-region", "date_from": "2024-13"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert set(body["errors"]) == {"region", "date_from"}


def test_an_unknown_address_or_page_is_a_json_404(client, article):
    for url in ("/api/v1/nothing/", "/api/v1/events/no-such-event/", "/api/v1/events/?page=99"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_an_unchanged_answer_is_a_304(client, article):
    first = client.get("/api/v1/events/")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/events/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = client.get("/api/v1/events/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_after_a_change_the_same_validators_get_the_new_answer(client, article, settings):
    first = client.get("/api/v1/people/")
    cache.set("content-changed-at", 4102444800.0)  # the change is recorded as after now
    PersonFactory(last_name="Новиков")
    for header in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        response = client.get("/api/v1/people/", headers=header)
        assert response.status_code == 200


def test_any_origin_may_read_it(client, article):
    response = client.get("/api/v1/regions/", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    page = client.get("/regions/", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_requests_are_told_when_to_come_back(client, article, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    from rest_framework.settings import api_settings

    from cooperation.api.policies import AnonymousRateThrottle

    AnonymousRateThrottle.THROTTLE_RATES = {"anon": "3/m"}
    try:
        answers = [client.get("/api/v1/topics/") for _ in range(4)]
    finally:
        AnonymousRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert answers[-1].json()["detail"]


def test_a_records_page_gives_its_json_at_the_api(client, article):
    response = client.get("/people/rustam-minnikhanov/", {"format": "json"})
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/people/rustam-minnikhanov/"
    page = client.get("/people/rustam-minnikhanov/").content.decode()
    assert 'type="application/json" href="/api/v1/people/rustam-minnikhanov/"' in page


def test_the_api_root_names_every_kind_of_record(client, db):
    root = client.get("/api/v1/").json()
    assert set(root) == {
        "regions",
        "organizations",
        "people",
        "delegations",
        "events",
        "agreements",
        "commitments",
        "sources",
        "industries",
        "topics",
    }
    assert client.get("/api/").status_code == 302


@pytest.mark.parametrize("path", ["/organizations/", "/api/v1/organizations/"])
def test_pages_of_a_list_break_ties_by_id(client, db, path):
    """Records that sort alike (the same name) keep one order from page to page: the
    database promises no order among equals, so each page's query ends with the id."""
    OrganizationFactory.create_batch(25, name="Одинаковое")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, {"page": 2}).status_code == 200
    (page,) = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "OFFSET 20" in q["sql"]]
    assert re.search(r'ORDER BY .*"id" ASC LIMIT', page)
