import datetime as dt

import pytest

from cooperation.models import (
    Agreement,
    Event,
    Organization,
    Person,
    PublicationState,
    Source,
)

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Event, EventFactory),
        (Agreement, AgreementFactory),
        (Person, PersonFactory),
        (Organization, OrganizationFactory),
        (Source, SourceFactory),
    ],
)
def test_it_lists_only_published_records(model, factory):
    published = factory()
    factory(state=DRAFT)

    assert list(model.objects.published()) == [published]


def test_it_makes_new_records_drafts_unless_told_otherwise():
    region = RegionFactory()

    event = Event.objects.create(
        kind=Event.Kind.MEETING, title="Встреча", start_date=dt.date(2025, 2, 21), region=region
    )

    assert event.state == DRAFT
    assert not Event.objects.published().filter(pk=event.pk).exists()


def test_it_keeps_enterprises_and_holdings_only_among_businesses():
    enterprise = OrganizationFactory(kind=Organization.Kind.ENTERPRISE, name="КАМАЗ-Инжиниринг")
    holding = OrganizationFactory(kind=Organization.Kind.HOLDING, name="КАМАЗ")
    OrganizationFactory(kind=Organization.Kind.CHAMBER_OF_COMMERCE, name="ТПП РТ")
    OrganizationFactory(kind=Organization.Kind.GOVERNMENT_BODY, name="Акимат")

    assert set(Organization.objects.businesses()) == {enterprise, holding}


def test_in_industry_finds_records_filed_under_children_and_grandchildren():
    machine_building = IndustryFactory(name="Машиностроение")
    automotive = IndustryFactory(name="Автомобилестроение", parent=machine_building)
    trucks = IndustryFactory(name="Грузовые автомобили", parent=automotive)
    oil = IndustryFactory(name="Нефтегазовая отрасль")
    filed = {industry: OrganizationFactory() for industry in (machine_building, trucks, oil)}
    for industry, organization in filed.items():
        organization.industries.add(industry)

    assert set(Organization.objects.in_industry(machine_building)) == {
        filed[machine_building],
        filed[trucks],
    }
    assert set(Organization.objects.in_industry(automotive)) == {filed[trucks]}
    assert set(Organization.objects.in_industry(automotive, oil)) == {filed[trucks], filed[oil]}


def test_in_industry_leaves_out_what_is_filed_only_under_a_draft_sub_industry():
    machine_building = IndustryFactory(name="Машиностроение")
    helicopters = IndustryFactory(name="Вертолётостроение", parent=machine_building, state=DRAFT)
    organization = OrganizationFactory()
    organization.industries.add(helicopters)

    assert not Organization.objects.in_industry(machine_building).exists()


def test_it_finds_an_agreement_through_the_regions_of_its_parties():
    tatarstan, atyrau, elsewhere = RegionFactory(), RegionFactory(), RegionFactory()
    agreement = AgreementFactory()
    # Two parties from Tatarstan: the agreement must still be listed once.
    AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=tatarstan))
    AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=tatarstan))
    AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=atyrau))
    AgreementPartyFactory(organization=OrganizationFactory(region=elsewhere))

    assert list(Agreement.objects.for_region(tatarstan)) == [agreement]
    assert list(Agreement.objects.for_region(atyrau)) == [agreement]
    assert set(agreement.regions()) == {tatarstan, atyrau}


def test_it_finds_an_event_held_in_a_region():
    tatarstan = RegionFactory()
    held_there = EventFactory(region=tatarstan)
    EventFactory(region=RegionFactory())

    assert list(Event.objects.for_region(tatarstan)) == [held_there]


def test_it_finds_an_event_held_elsewhere_through_a_participant_speaking_for_the_region():
    tatarstan, atyrau = RegionFactory(), RegionFactory()
    visit = EventFactory(region=atyrau)
    ParticipationFactory(event=visit, side=tatarstan)
    ParticipationFactory(event=visit, side=tatarstan)
    EventFactory(region=atyrau)

    assert list(Event.objects.for_region(tatarstan)) == [visit]


def test_it_fills_a_participants_country_from_the_side_region():
    atyrau = RegionFactory()

    participation = ParticipationFactory(side=atyrau)

    assert participation.side_country == atyrau.country


def test_in_industry_finds_records_filed_under_a_sub_industry_once():
    parent = IndustryFactory(name="Машиностроение-тест")
    child = IndustryFactory(name="Автомобилестроение-тест", parent=parent)
    organization = OrganizationFactory()
    organization.industries.set([parent, child])
    other = OrganizationFactory()
    other.industries.set([IndustryFactory()])

    assert list(Organization.objects.in_industry(parent)) == [organization]
    assert list(Organization.objects.in_industry(child)) == [organization]
