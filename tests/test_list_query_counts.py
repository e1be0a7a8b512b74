"""A list or record page costs the same SQL queries however many records it shows or holds."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CitationFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    ParticipationFactory,
    PositionFactory,
    RegionFactory,
    SourceFactory,
    TopicFactory,
)

# For `measured`: the test database is set up for marked tests only.
pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/regions/",
    "/organizations/",
    "/organizations/?kind=enterprise&industry={industry}",
    "/people/",
    "/people/?region={region}",
    "/delegations/",
    "/events/",
    "/events/?region={region}&industry={industry}&topic={topic}&date_from=2020",
    "/agreements/",
    "/agreements/?region={region}&partner={partner}",
    "/industries/",
    "/sources/",
    "/search/?q=Встреча",
    "/regions/{region}/{partner}/",
    "/regions/{region}/",
    "/organizations/{organization}/",
    "/people/{person}/",
    "/industries/{industry}/",
    "/topics/{topic}/",
    "/sources/{source}/",
    "/events/?format=csv",
    "/agreements/?format=json&region={region}",
    # The API: its lists in full pages, and its records.
    "/api/v1/regions/?page_size=100",
    "/api/v1/organizations/?industry={industry}&page_size=100",
    "/api/v1/people/?page_size=100",
    "/api/v1/delegations/?page_size=100",
    "/api/v1/events/?region={region}&page_size=100",
    "/api/v1/agreements/?region={region}&page_size=100",
    "/api/v1/sources/?page_size=100",
    "/api/v1/industries/",
    "/api/v1/topics/",
    "/api/v1/regions/{region}/",
    "/api/v1/organizations/{organization}/",
    "/api/v1/people/{person}/",
    "/api/v1/sources/{source}/",
]


def _world(size):
    """`size` records of every kind, all linked to two regions, one industry and one topic."""
    region, partner = RegionFactory(), RegionFactory()
    parent = IndustryFactory()
    industry = IndustryFactory(parent=parent)
    topic = TopicFactory()
    source = SourceFactory()
    # A person at every event and an organization party to every agreement.
    leader = PositionFactory(organization=OrganizationFactory(region=region)).person
    anchor = OrganizationFactory(region=partner, country=partner.country)
    for n in range(size):
        home = OrganizationFactory(region=region, country=region.country)
        home.industries.add(industry)
        guest = OrganizationFactory(region=partner, country=partner.country)
        event = EventFactory(region=region, title=f"Встреча {n}")
        event.industries.add(industry)
        event.topics.add(topic)
        for organization, side in ((home, region), (guest, partner)):
            position = PositionFactory(organization=organization)
            ParticipationFactory(event=event, person=position.person, side=side)
        agreement = AgreementFactory(signed_at=event)
        AgreementPartyFactory(agreement=agreement, organization=home)
        AgreementPartyFactory(agreement=agreement, organization=guest)
        AgreementPartyFactory(agreement=agreement, organization=anchor)
        ParticipationFactory(event=event, person=leader, side=region)
        DelegationFactory(home_region=partner, host_region=region)
        SourceFactory()
        for record in (event, agreement, home):
            CitationFactory(source=source, content_object=record)
    return {
        "region": region.slug,
        "partner": partner.slug,
        "industry": parent.slug,
        "topic": topic.slug,
        "organization": anchor.slug,
        "person": leader.slug,
        "source": source.slug,
    }


def _queries(client, url):
    """The answer's status and how many queries it took."""
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(queries)


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Each page's (status, queries) with a small world, then with a large one on top of it.

    Building the worlds takes seconds, so they are built once for every page, in a
    transaction rolled back at the end.
    """
    client = Client(raise_request_exception=False)  # an error is the page's failure alone
    with django_db_blocker.unblock(), transaction.atomic():
        small = _world(2)
        few = {page: _queries(client, page.format(**small)) for page in PAGES}
        large = _world(30)  # more than a page, on top of the first world
        many = {page: _queries(client, page.format(**large)) for page in PAGES}
        transaction.set_rollback(True)
    return few, many


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_for_few_and_many_records(measured, page):
    few, many = measured
    assert few[page][0] == many[page][0] == 200
    assert few[page][1] == many[page][1]
