"""From a source to its story: the delegation and the agreement, drafted from what it cites."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse

from cooperation.models import (
    Agreement,
    Citation,
    Delegation,
    Event,
    Organization,
    Person,
    PublicationState,
    Region,
    Source,
)

from .admin_forms import form_data, user_in

pytestmark = pytest.mark.django_db

TEXT = (
    "Раис Республики Татарстан Рустам Минниханов 14 октября 2025 года прибыл в Атырау, где "
    "провёл переговоры с акимом Атырауской области Сериком Шапкеновым. В составе делегации "
    "председатель ТПП РТ Шамиль Агеев. Кабинет Министров Республики Татарстан и Акимат "
    "Атырауской области подписали соглашение о сотрудничестве."
)
CITED = {
    Person: ["rustam-minnikhanov", "serik-shapkenov", "shamil-ageev"],
    Region: ["atyrauskaya-oblast"],
    Organization: ["tpp-rt", "kabmin-rt", "akimat-atyrauskoy-oblasti"],
}


@pytest.fixture
def editor(client, article):
    user = user_in("Editors", "redaktor")
    client.force_login(user)
    return user


@pytest.fixture
def source(article):
    call_command("load_reference", stdout=StringIO())  # the bodies that sign, as set-up loads
    source = Source.objects.create(
        title="Минниханов в Атырау", text=TEXT, published_on=dt.date(2025, 10, 15)
    )
    for model, slugs in CITED.items():
        for slug in slugs:
            Citation.objects.create(source=source, content_object=model.objects.get(slug=slug))
    return source


def _form_from_source(client, source, name):
    response = client.get(reverse(f"admin:cooperation_source_{name}", args=[source.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def _save(client, page, **changes):
    saved = client.post(page.request["PATH_INFO"], form_data(page, **changes))
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    return saved


def test_the_source_page_offers_the_delegation_the_event_and_the_agreement(client, editor, source):
    html = client.get(reverse("admin:cooperation_source_change", args=[source.pk])).text
    for name in ("delegation", "event", "agreement"):
        assert reverse(f"admin:cooperation_source_{name}", args=[source.pk]) in html


def test_the_delegation_is_led_by_the_first_person_from_their_region_to_the_other(
    client, editor, source
):
    form = _form_from_source(client, source, "delegation").context["adminform"].form
    slug = {pk: slug for slug, pk in Person.objects.values_list("slug", "pk")}
    assert slug[int(form["head"].value())] == "rustam-minnikhanov"
    assert Region.objects.get(pk=form["home_region"].value()).slug == "tatarstan"
    assert Region.objects.get(pk=form["host_region"].value()).slug == "atyrauskaya-oblast"
    assert [slug[int(pk)] for pk in form["members"].value()] == ["shamil-ageev"]
    organizations = Organization.objects.filter(pk__in=form["organizations"].value())
    assert {o.slug for o in organizations} == {"tpp-rt", "kabmin-rt"}
    assert form["start_date"].value() == "2025-10-14"


def test_a_delegation_saved_from_the_source_cites_it_and_is_under_both_regions(
    client, editor, source
):
    page = _form_from_source(client, source, "delegation")
    _save(client, page, title="Делегация Татарстана в Атырау", state=PublicationState.DRAFT)
    delegation = Delegation.objects.get(title="Делегация Татарстана в Атырау")
    assert [c.source for c in delegation.citations.all()] == [source]
    assert delegation.head.slug == "rustam-minnikhanov"
    assert (delegation.home_region.slug, delegation.host_region.slug) == (
        "tatarstan",
        "atyrauskaya-oblast",
    )
    assert (delegation.home_country.code, delegation.host_country.code) == ("RU", "KZ")


def test_the_agreement_is_between_the_bodies_cited_each_signed_by_its_head(client, editor, source):
    page = _form_from_source(client, source, "agreement")
    _save(
        client,
        page,
        title="Соглашение о сотрудничестве",
        kind=Agreement.Kind.COOPERATION,
        status=Agreement.Status.SIGNED,
        state=PublicationState.DRAFT,
    )
    agreement = Agreement.objects.get(title="Соглашение о сотрудничестве")
    parties = [
        (party.organization.slug, party.signatory.slug, party.signatory_title)
        for party in agreement.parties.order_by("pk")
    ]
    assert parties == [
        ("kabmin-rt", "rustam-minnikhanov", "Раис Республики Татарстан"),
        ("akimat-atyrauskoy-oblasti", "serik-shapkenov", "аким Атырауской области"),
    ]
    assert (agreement.signed_date, agreement.signed_precision) == (dt.date(2025, 10, 14), "day")
    assert [c.source for c in agreement.citations.all()] == [source]
    # The agreement's regions come from its parties.
    assert {r.slug for r in agreement.regions()} == {"tatarstan", "atyrauskaya-oblast"}


def test_who_may_not_add_agreements_is_not_sent_to_the_form(client, article, source):
    reader = User.objects.create_user("chitatel", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(reader)
    page = client.get(reverse("admin:cooperation_source_change", args=[source.pk]))
    assert reverse("admin:cooperation_source_agreement", args=[source.pk]) not in page.text
    response = client.get(reverse("admin:cooperation_source_agreement", args=[source.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "opening, start",
    [
        ("В ноябре прошлого года", ("2024-11-01", "month")),
        ("Вчера", ("2025-10-14", "day")),
        ("14 октября", ("2025-10-14", "day")),
        ("В марте следующего года", ("2026-03-01", "month")),
    ],
)
def test_a_date_relative_to_the_publication_is_resolved_against_it(
    client, editor, source, opening, start
):
    source.text = f"{opening} Рустам Минниханов прибыл в Атырау с официальным визитом."
    source.save()
    form = _form_from_source(client, source, "delegation").context["adminform"].form
    assert (form["start_date"].value(), form["start_precision"].value()) == start


def test_the_event_joins_the_delegation_and_the_agreement_the_event_drafted_before_them(
    client, editor, source
):
    _save(
        client,
        _form_from_source(client, source, "delegation"),
        title="Делегация Татарстана в Атырау",
        state=PublicationState.DRAFT,
    )
    event_form = _form_from_source(client, source, "event")
    assert event_form.context["adminform"].form["delegation"].value() == str(
        Delegation.objects.get(title="Делегация Татарстана в Атырау").pk
    )
    _save(client, event_form, kind="meeting", title="Переговоры в Атырау", state="draft")
    event = Event.objects.get(title="Переговоры в Атырау")
    assert event.delegation.title == "Делегация Татарстана в Атырау"
    # Its regions include the delegation's home and host.
    assert {"tatarstan", "atyrauskaya-oblast"} <= {r.slug for r in event.regions.all()}
    agreement_form = _form_from_source(client, source, "agreement").context["adminform"].form
    assert agreement_form["signed_at"].value() == str(event.pk)
