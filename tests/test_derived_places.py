"""Where a record belongs is derived, whichever way it was written: an event is under its
delegation's home and host and its participants' sides, a participant speaks for where
their post is held, an organization lies in the region its name names. A record an editor
enters is found by both regions' filters on the public lists without further edits."""

import datetime as dt

import pytest
import tablib
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import translation

from cooperation.article_loader import article_load
from cooperation.management.demo_data import demo_data_generate
from cooperation.models import (
    Agreement,
    AgreementParty,
    Citation,
    Country,
    Delegation,
    Event,
    Organization,
    Participation,
    Person,
    PublicationState,
    Region,
    Source,
)
from cooperation.resources import EventResource, OrganizationResource

from .admin_forms import form_data

pytestmark = pytest.mark.django_db

PUBLISHED = PublicationState.PUBLISHED
SOURCE = "minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti"
CITATION_PREFIX = "cooperation-citation-content_type-object_id"
TITLE = "Встреча делегации Татарстана в акимате Атырауской области"


@pytest.fixture
def places(article):
    return {slug: Region.objects.get(slug=slug) for slug in ("tatarstan", "atyrauskaya-oblast")}


@pytest.fixture
def visit(places):
    """A Tatarstan delegation to Atyrau Region, published and citing the article."""
    delegation = Delegation.objects.create(
        title="Делегация Татарстана в Атырауской области",
        home_region=places["tatarstan"],
        host_region=places["atyrauskaya-oblast"],
        home_country=places["tatarstan"].country,
        host_country=places["atyrauskaya-oblast"].country,
        start_date=dt.date(2025, 6, 3),
        state=PUBLISHED,
    )
    _cite(delegation)
    return delegation


def _cite(record):
    Citation.objects.create(source=Source.objects.get(slug=SOURCE), content_object=record)


def _listed(client, record, region, listing="events"):
    html = client.get(f"/{listing}/", {"region": region}).content.decode()
    return record.get_absolute_url() in html


def _listed_under_both(client, record, listing="events"):
    return [
        _listed(client, record, region, listing) for region in ("tatarstan", "atyrauskaya-oblast")
    ]


def _inline_management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _event_form(places, **changes):
    """The admin's event form as an editor fills it in: held in Atyrau, citing the article."""
    return {
        "kind": "meeting",
        "status": "held",
        "title": TITLE,
        "state": PUBLISHED,
        "start_date": "2025-06-04",
        "start_precision": "day",
        "end_precision": "day",
        "region": places["atyrauskaya-oblast"].pk,
        **_inline_management("participations", 0),
        **_inline_management("event_organizations", 0),
        **_inline_management("statements", 0),
        **_inline_management("invitations", 0),
        **_inline_management(CITATION_PREFIX, 1),
        f"{CITATION_PREFIX}-0-source": Source.objects.get(slug=SOURCE).pk,
        **changes,
    }


# --- an event is under its delegation's home and host ------------------------------------------


def test_an_event_of_a_delegation_is_under_its_home_and_host(client, visit, places):
    event = Event.objects.create(
        kind=Event.Kind.MEETING,
        title=TITLE,
        start_date=dt.date(2025, 6, 4),
        region=places["atyrauskaya-oblast"],
        delegation=visit,
        state=PUBLISHED,
    )
    _cite(event)
    assert _listed_under_both(client, event) == [True, True]
    assert set(event.countries.values_list("code", flat=True)) == {"RU", "KZ"}


def test_an_event_entered_in_the_admin_is_under_its_delegations_home_and_host(
    admin_client, client, visit, places
):
    response = admin_client.post(
        reverse("admin:cooperation_event_add"), _event_form(places, delegation=visit.pk)
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    event = Event.objects.get(title=TITLE)
    assert _listed_under_both(client, event) == [True, True]


def test_an_event_imported_from_a_spreadsheet_is_under_its_delegations_home_and_host(client, visit):
    publisher = User.objects.create_user("izdatel", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    dataset = tablib.Dataset(
        headers=["kind", "title", "start", "region", "delegation", "state", "sources"]
    )
    dataset.append(
        ["meeting", TITLE, "2025-06-04", "atyrauskaya-oblast", visit.slug, "published", SOURCE]
    )
    with translation.override("en"):
        result = EventResource().import_data(dataset, use_transactions=True, user=publisher)
    assert not result.has_validation_errors()
    event = Event.objects.get(title=TITLE)
    assert event.is_published
    assert _listed_under_both(client, event) == [True, True]


def test_an_event_loaded_from_an_articles_data_file_is_under_its_delegations_home_and_host(
    client, places, tmp_path
):
    data = tmp_path / "visit.yaml"
    data.write_text(
        f"""
source:
  slug: delegatsiya-tatarstana-v-atyrau
  title: Делегация Татарстана посетила Атырау
  published_on: 2025-06-05
delegations:
  - slug: delegatsiya-tatarstana-v-atyrau-2025
    title: Делегация Татарстана в Атырауской области
    home_region: tatarstan
    host_region: atyrauskaya-oblast
    start: 2025-06-03
events:
  - slug: vstrecha-v-akimate-2025
    kind: meeting
    status: held
    title: {TITLE}
    start: 2025-06-04
    region: atyrauskaya-oblast
    delegation: delegatsiya-tatarstana-v-atyrau-2025
""",
        encoding="utf-8",
    )
    article_load(path=data)
    event = Event.objects.get(slug="vstrecha-v-akimate-2025")
    assert _listed_under_both(client, event) == [True, True]


def test_a_delegation_that_changes_its_host_takes_its_events_along(client, visit, places):
    event = Event.objects.create(
        kind=Event.Kind.MEETING, title=TITLE, start_date=dt.date(2025, 6, 4), delegation=visit
    )
    astana = Region.objects.get(slug="astana")
    visit.host_region = astana
    visit.save()
    assert set(event.regions.all()) == {places["tatarstan"], astana}

    visit.delete()
    event.refresh_from_db()
    assert event.delegation is None and not event.regions.exists()


# --- a participant speaks for where their post is held -------------------------------------


def test_a_participant_speaks_for_where_the_post_they_held_is(places):
    akhmetov = Person.objects.get(slug="marat-akhmetov")
    position = akhmetov.positions.get()  # at the State Council of Tatarstan
    event = Event.objects.create(
        kind=Event.Kind.MEETING, title=TITLE, start_date=dt.date(2025, 6, 4)
    )

    participation = Participation.objects.create(event=event, person=akhmetov, position=position)

    assert (participation.side, participation.side_country.code) == (places["tatarstan"], "RU")
    assert participation.role == position.title
    assert list(event.regions.all()) == [places["tatarstan"]]


def test_a_side_the_editor_gave_is_kept_and_a_national_post_gives_a_country(places):
    event = Event.objects.create(
        kind=Event.Kind.MEETING, title=TITLE, start_date=dt.date(2025, 6, 4)
    )
    akhmetov = Person.objects.get(slug="marat-akhmetov")
    typed = Participation.objects.create(
        event=event,
        person=akhmetov,
        position=akhmetov.positions.get(),
        side=places["atyrauskaya-oblast"],
    )
    assert (typed.side, typed.side_country.code) == (places["atyrauskaya-oblast"], "KZ")
    # The chairman of Kazakhstan's parliament speaks for his country, not for a region.
    koshanov = Person.objects.get(slug="erlan-koshanov")
    chairman = koshanov.positions.get()
    national = Participation.objects.create(event=event, person=koshanov, position=chairman)
    assert (national.side, national.side_country.code) == (None, "KZ")


def test_a_participant_entered_in_the_admin_without_a_side_puts_the_event_in_their_region(
    admin_client, client, places
):
    akhmetov = Person.objects.get(slug="marat-akhmetov")
    form = _event_form(
        places,
        **_inline_management("participations", 1),
        **{
            "participations-0-person": akhmetov.pk,
            "participations-0-position": akhmetov.positions.get().pk,
            "participations-0-order": "0",
        },
    )
    response = admin_client.post(reverse("admin:cooperation_event_add"), form)
    assert response.status_code == 302, response.context and response.context["errors"]
    event = Event.objects.get(title=TITLE)
    assert event.participations.get().side == places["tatarstan"]
    assert _listed_under_both(client, event) == [True, True]


def test_an_event_drafted_from_a_source_is_under_its_participants_regions(
    admin_client, client, places
):
    ageev = Person.objects.get(slug="shamil-ageev")  # chairman of the Tatarstan chamber
    source = Source.objects.create(
        title="Шамиль Агеев в Атырау",
        text="4 июня председатель ТПП РТ Шамиль Агеев провёл встречу в акимате Атырауской области.",
        published_on=dt.date(2025, 6, 5),
        state=PUBLISHED,
    )
    Citation.objects.create(source=source, content_object=ageev)
    source_url = reverse("admin:cooperation_source_event", args=[source.pk])
    page = admin_client.get(admin_client.get(source_url)["Location"])
    participants = [
        f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "participations"
    ]
    first = participants[0].formset.forms[0]
    # The prefilled form names the post the person holds, and with it the role and the side.
    assert (first["person"].value(), first["position"].value()) == (
        ageev.pk,
        ageev.positions.get().pk,
    )
    data = form_data(
        page,
        kind="meeting",
        title=TITLE,
        state=PUBLISHED,
        region=places["atyrauskaya-oblast"].pk,
        start_date="2025-06-04",
        start_precision="day",
    )
    saved = admin_client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    event = Event.objects.get(title=TITLE)
    assert (event.participations.get(person=ageev).side, event.region) == (
        places["tatarstan"],
        places["atyrauskaya-oblast"],
    )
    assert _listed_under_both(client, event) == [True, True]


# --- an organization lies in the region its name names -------------------------------------


def test_an_organization_lies_in_the_region_its_name_names(places):
    kazakhstan = Country.objects.get(code="KZ")

    def organization(name, **fields):
        return Organization.objects.create(
            name=name, kind=Organization.Kind.GOVERNMENT_BODY, **fields
        )

    assert (
        organization("Управление инвестиций Атырауской области").region
        == (places["atyrauskaya-oblast"])
    )
    assert (
        organization("Управление туризма Атырауской области", country=kazakhstan).region
        == (places["atyrauskaya-oblast"])
    )
    # A representation of Tatarstan in Kazakhstan lies in Kazakhstan, not in Tatarstan.
    assert organization("Представительство Республики Татарстан", country=kazakhstan).region is None
    # Two regions named: no guess.
    two = "Совет Республики Татарстан и Атырауской области"
    assert organization(two, country=kazakhstan).region is None
    # A region given is kept.
    office = organization(
        "Представительство акимата Атырауской области", region=places["tatarstan"]
    )
    assert office.region == places["tatarstan"]


def test_an_organization_entered_in_the_admin_gets_the_region_its_name_names(admin_client, places):
    response = admin_client.post(
        reverse("admin:cooperation_organization_add"),
        {
            "name": "Управление предпринимательства Атырауской области",
            "kind": Organization.Kind.GOVERNMENT_BODY,
            "country": Country.objects.get(code="KZ").pk,
            "state": PublicationState.DRAFT,
            **_inline_management("aliases", 0),
            **_inline_management("partnerships", 0),
            **_inline_management(CITATION_PREFIX, 1),
            f"{CITATION_PREFIX}-0-source": Source.objects.get(slug=SOURCE).pk,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    organization = Organization.objects.get(name__startswith="Управление предпринимательства")
    assert organization.region == places["atyrauskaya-oblast"]


def test_an_organization_imported_without_a_place_gets_the_region_its_name_names(places):
    dataset = tablib.Dataset(headers=["name", "kind", "sources"])
    dataset.append(["Управление инвестиций Атырауской области", "government_body", SOURCE])
    with translation.override("en"):
        result = OrganizationResource().import_data(dataset, use_transactions=True)
    assert not result.has_validation_errors(), [
        r.field_specific_errors for r in result.invalid_rows
    ]
    organization = Organization.objects.get(name="Управление инвестиций Атырауской области")
    assert (organization.region, organization.country.code) == (places["atyrauskaya-oblast"], "KZ")


def test_an_agreement_with_a_party_drafted_from_a_source_is_under_both_regions(
    admin_client, client, places
):
    source = Source.objects.create(
        title="Технопарк и ТПП РТ подписали соглашение",
        text="Соглашение о сотрудничестве подписали ТОО «Технопарк Атырауской области» и ТПП РТ.",
        state=PUBLISHED,
    )
    url = reverse("admin:cooperation_source_extract", args=[source.pk])
    page = admin_client.get(url)
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": "0",
    }
    for form in formset.forms:
        data[form.add_prefix("key")] = form["key"].value()
        data[form.add_prefix("action")] = "ignore"
        if "Технопарк" in form.mention.normal:
            # The editor creates it as a development body of Kazakhstan, its name as the
            # text gives it; the review screen has no region to pick.
            data[form.add_prefix("action")] = "create"
            data[form.add_prefix("name")] = "Технопарк Атырауской области"
            data[form.add_prefix("legal_form")] = "ТОО"
            data[form.add_prefix("kind")] = Organization.Kind.DEVELOPMENT_CORPORATION
            data[form.add_prefix("country")] = Country.objects.get(code="KZ").pk
    assert admin_client.post(url, data).status_code == 302
    technopark = Organization.objects.get(name="Технопарк Атырауской области")
    assert technopark.region == places["atyrauskaya-oblast"]

    technopark.state = PUBLISHED
    technopark.save()
    agreement = Agreement.objects.create(
        title="Соглашение о сотрудничестве технопарка и ТПП РТ",
        kind=Agreement.Kind.COOPERATION,
        signed_date=dt.date(2025, 6, 4),
        state=PUBLISHED,
    )
    Citation.objects.create(source=source, content_object=agreement)
    for order, party in enumerate([technopark, Organization.objects.get(slug="tpp-rt")]):
        AgreementParty.objects.create(agreement=agreement, organization=party, order=order)
    assert _listed_under_both(client, agreement, "agreements") == [True, True]


# --- the demo generator's bulk inserts store what the model would --------------------------


def test_the_demo_generators_event_regions_are_what_the_model_would_store(article):
    demo_data_generate(scale=0.001, seed=3)
    events = Event.objects.filter(citations__source__kind=Source.Kind.SYNTHETIC)
    stored = {e.pk: set(e.regions.values_list("pk", flat=True)) for e in events}
    assert any(e.delegation_id for e in events)
    for event in events:
        event.refresh_regions()
    assert {e.pk: set(e.regions.values_list("pk", flat=True)) for e in events} == stored
