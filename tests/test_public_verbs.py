"""public() and visible_to(): what the public sees, and what staff preview, decided once."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cooperation.models import (
    AgreementParty,
    Organization,
    Partnership,
    Person,
    Position,
    PublicationState,
    Statement,
    public_condition,
)

from .factories import (
    AgreementPartyFactory,
    CountryFactory,
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="editor", is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_a_statement_needs_its_speaker_and_its_event_but_may_have_no_event():
    kept = StatementFactory()
    without_event = StatementFactory(event=None)
    StatementFactory(event=EventFactory(state=DRAFT))
    StatementFactory(speaker=PersonFactory(state=DRAFT))
    StatementFactory(state=DRAFT)

    assert set(Statement.objects.public()) == {kept, without_event}


def test_a_position_needs_every_place_it_names():
    kept = PositionFactory()
    PositionFactory(organization=OrganizationFactory(state=DRAFT))
    PositionFactory(organization=None, country=CountryFactory(state=DRAFT))

    assert list(Position.objects.public()) == [kept]


def test_a_party_needs_its_organization_not_its_signatory():
    kept = AgreementPartyFactory(signatory=PersonFactory(state=DRAFT))
    AgreementPartyFactory(organization=OrganizationFactory(state=DRAFT))

    assert list(AgreementParty.objects.public()) == [kept]


def test_a_condition_can_be_asked_of_a_related_row():
    party = AgreementPartyFactory(organization=OrganizationFactory(state=DRAFT))

    assert not AgreementParty.objects.filter(
        public_condition(AgreementParty, "organization"), pk=party.pk
    ).exists()
    assert Organization.objects.filter(agreement_parties=party).exists()


def test_staff_see_drafts_and_everybody_else_the_public_rows(staff):
    public = PersonFactory()
    draft = PersonFactory(state=DRAFT)

    assert set(Person.objects.visible_to(staff)) == {public, draft}
    assert list(Person.objects.visible_to(AnonymousUser())) == [public]


def test_a_statement_of_a_draft_event_leaves_the_speakers_page(client, article):
    speaker = Person.objects.get(slug="serik-shapkenov")
    statement = speaker.statements.first()
    assert statement.text in client.get(speaker.get_absolute_url()).text

    type(statement.event).objects.filter(pk=statement.event_id).update(state=DRAFT)

    html = client.get(speaker.get_absolute_url()).text
    assert statement.text not in html
    assert "()" not in html


def test_staff_preview_a_statement_of_a_draft_event_with_the_event_marked(staff_client):
    statement = StatementFactory(event=EventFactory(title="Черновая встреча", state=DRAFT))

    html = staff_client.get(statement.speaker.get_absolute_url()).text

    assert statement.text in html
    assert "Черновая встреча" in html
    assert 'class="draft-tag"' in html


def test_a_partnership_with_a_draft_partner_is_neither_shown_nor_counted(client):
    kazakhstan = CountryFactory(code="KZ", name="Казахстан")
    kamaz = OrganizationFactory(name="КАМАЗ")
    engineering = OrganizationFactory(name="КАМАЗ-Инжиниринг", state=DRAFT)
    Partnership.objects.create(
        organization=kamaz,
        partner_country=kazakhstan,
        partner_organization=engineering,
        kind=Partnership.Kind.ASSEMBLY,
        description="Сборочное производство",
        state=PublicationState.PUBLISHED,
    )

    assert "Сборочное производство" not in client.get(kamaz.get_absolute_url()).text
    response = client.get("/organizations/")
    counted = {value.value for _facet, values in response.context["facets"] for value in values}
    assert "KZ" not in counted
    assert client.get("/organizations/", {"partner": "KZ"}).context["page_obj"].paginator.count == 0


def test_a_party_of_a_draft_organization_does_not_place_its_agreement_in_a_region(client):
    party = AgreementPartyFactory(organization=OrganizationFactory(state=DRAFT))
    region = party.organization.region

    response = client.get("/agreements/", {"region": region.slug})

    assert response.context["page_obj"].paginator.count == 0
    facets = {facet.param: values for facet, values in client.get("/agreements/").context["facets"]}
    assert region.slug not in {value.value for value in facets.get("region", [])}
