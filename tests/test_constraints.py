"""The database itself refuses bad data, whatever path (admin, loader, shell) wrote it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cooperation.dates import Precision
from cooperation.models import (
    Agreement,
    Event,
    Industry,
    Invitation,
    Organization,
    Person,
    Position,
    Region,
    Source,
)

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CitationFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    PositionFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_it_rejects_an_event_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start_date=dt.date(2025, 2, 21), end_date=dt.date(2025, 2, 20))

    assert Event.objects.count() == 0


def test_it_accepts_an_event_that_ends_on_the_day_it_starts():
    event = EventFactory(start_date=dt.date(2025, 2, 21), end_date=dt.date(2025, 2, 21))

    assert Event.objects.get().pk == event.pk


def test_it_rejects_a_delegation_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(start_date=dt.date(2025, 2, 20), end_date=dt.date(2025, 2, 19))


def test_it_rejects_a_position_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(start_date=dt.date(2010, 3, 25), end_date=dt.date(2010, 3, 24))


def test_it_accepts_a_position_that_ends_in_the_year_it_started_when_only_the_year_is_known():
    # "Appointed 25 March 2010, left in 2010": an end known only to the year is stored as
    # 31 December, so it does not count as ending before the start.
    PositionFactory(
        start_date=dt.date(2010, 3, 25),
        end_date=dt.date(2010, 1, 1),
        end_precision=Precision.YEAR,
    )

    assert Position.objects.get().end.iso() == "2010"


def test_it_rejects_a_duplicate_slug():
    PersonFactory(slug="rustam-minnikhanov")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(slug="rustam-minnikhanov")

    assert Person.objects.filter(slug="rustam-minnikhanov").count() == 1


def test_it_rejects_a_position_without_a_person():
    organization = OrganizationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(person=None, organization=organization, title="Директор")

    assert Position.objects.count() == 0


def test_it_rejects_a_position_with_neither_organization_nor_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(organization=None, region=None)

    assert Position.objects.count() == 0


def test_it_accepts_a_position_held_in_a_region_without_an_organization():
    region = RegionFactory()

    position = PositionFactory(organization=None, region=region, title="аким области")

    assert Position.objects.get().region == region
    assert position.organization is None


def test_it_rejects_two_positions_for_the_same_person_organization_and_start():
    first = PositionFactory(start_date=dt.date(2010, 3, 25), title="Президент")

    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(
            person=first.person,
            organization=first.organization,
            start_date=dt.date(2010, 3, 25),
            title="Раис",
        )

    assert list(Position.objects.values_list("title", flat=True)) == ["Президент"]


def test_it_rejects_an_invitation_with_no_invitee():
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(event=event, invited_region=None, invited_organization=None)

    assert Invitation.objects.count() == 0


def test_it_accepts_an_invitation_to_a_region():
    event, region = EventFactory(), RegionFactory()

    Invitation.objects.create(event=event, invited_region=region)

    assert Invitation.objects.get().invited_region == region


def test_it_rejects_an_industry_that_is_its_own_parent():
    industry = IndustryFactory()
    industry.parent = industry

    with pytest.raises(IntegrityError), transaction.atomic():
        industry.save()

    assert Industry.objects.get(pk=industry.pk).parent_id is None


def test_it_rejects_an_organization_that_is_its_own_parent():
    organization = OrganizationFactory()
    organization.parent = organization

    with pytest.raises(IntegrityError), transaction.atomic():
        organization.save()

    assert Organization.objects.get(pk=organization.pk).parent_id is None


def test_it_rejects_a_participant_listed_twice_in_one_event():
    first = ParticipationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(event=first.event, person=first.person)

    assert first.event.participations.count() == 1


def test_it_refuses_to_delete_a_region_whose_organizations_are_parties_of_an_agreement():
    region = RegionFactory()
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=region))

    with pytest.raises(ProtectedError), transaction.atomic():
        region.delete()

    assert Region.objects.filter(pk=region.pk).exists()
    assert Agreement.objects.get(pk=agreement.pk).parties.count() == 1


def test_it_refuses_to_delete_a_source_that_is_cited():
    citation = CitationFactory()

    with pytest.raises(ProtectedError), transaction.atomic():
        citation.source.delete()

    assert citation.source.citations.get() == citation


def test_it_deletes_a_source_that_nobody_cites():
    source = SourceFactory()

    pk = source.pk

    source.delete()

    assert not Source.objects.filter(pk=pk).exists()


def test_it_keeps_the_events_of_a_deleted_delegation():
    delegation = DelegationFactory()
    event = EventFactory(delegation=delegation)

    delegation.delete()

    event.refresh_from_db()
    assert event.delegation_id is None
