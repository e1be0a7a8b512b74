"""Drafts appear nowhere public: not in lists, counts, facets, search or exports."""

import pytest

from cooperation.models import PublicationState

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
SECRET = "Секретный"


@pytest.fixture
def drafts(article):
    region = RegionFactory(name=f"{SECRET} край", state=DRAFT)
    industry = IndustryFactory(name=f"{SECRET}ая отрасль", state=DRAFT)
    organization = OrganizationFactory(name=f"{SECRET} завод", region=region, state=DRAFT)
    organization.industries.add(industry)
    person = PersonFactory(last_name=f"{SECRET}ов", state=DRAFT)
    event = EventFactory(title=f"{SECRET}ая встреча", state=DRAFT)
    ParticipationFactory(event=event, person=person, side=region)
    agreement = AgreementFactory(title=f"{SECRET}ое соглашение", state=DRAFT)
    AgreementPartyFactory(agreement=agreement, organization=organization)
    # Draft people and regions linked to published records stay hidden too.
    published = EventFactory(title="Открытая встреча", region=region, city="Город")
    ParticipationFactory(event=published, person=person, side=region)
    DelegationFactory(head=person, home_region=region, home_country=region.country)
    OrganizationFactory(name="Открытый завод", region=region, country=region.country)
    agreement = AgreementFactory(title="Открытое соглашение", signed_at=published)
    AgreementPartyFactory(
        agreement=agreement,
        organization=OrganizationFactory(region=region, country=region.country),
        signatory=person,
    )
    return region


PAGES = [
    "/",
    "/regions/",
    "/organizations/",
    "/organizations/?kind=enterprise",
    "/people/",
    "/delegations/",
    "/events/",
    "/agreements/",
    "/industries/",
    "/sources/",
    "/search/?q=завод",
    "/search/?q=встреча",
    "/search/?q=соглашение",
    "/regions/tatarstan/",
    "/events/?format=csv",
    "/agreements/?format=json",
    "/organizations/?format=csv",
    "/people/?format=json",
    "/regions/?format=csv",
    "/delegations/?format=csv",
    "/events/feed/",
    "/agreements/feed/",
    "/events/calendar.ics",
    "/sitemap.xml",
]


@pytest.mark.parametrize("page", PAGES)
def test_no_public_page_names_a_draft(client, drafts, page):
    response = client.get(page)
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert SECRET not in body


def test_drafts_are_not_counted_in_facets(client, drafts):
    response = client.get("/events/")
    for _facet, values in response.context["facets"]:
        assert all(value.value != drafts.slug for value in values)
        assert all(SECRET not in value.label for value in values)
    assert response.context["page_obj"].paginator.count == 9  # the article's 8, and one more


def test_a_draft_slug_in_a_filter_is_unknown(client, drafts):
    response = client.get("/events/", {"region": drafts.slug})
    assert response.context["problems"]
    assert client.get(f"/regions/{drafts.slug}/tatarstan/").status_code == 404
