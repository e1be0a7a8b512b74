"""From a source to an event: the add form comes with the source, its people and its date."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from cooperation.models import Citation, Event, Organization, Person, PublicationState, Source

pytestmark = pytest.mark.django_db

TEXT = (
    "12 марта в Казани председатель ТПП РТ Шамиль Агеев встретился с заместителем акима "
    "Карагандинской области Ерланом Жаксыбековым."
)


@pytest.fixture
def editor(client, article):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def source():
    source = Source.objects.create(title="Визит", text=TEXT, published_on=dt.date(2025, 3, 13))
    for obj in (Person.objects.get(slug="shamil-ageev"), Organization.objects.get(slug="tpp-rt")):
        Citation.objects.create(source=source, content_object=obj)
    return source


def test_the_source_page_offers_to_extract_and_to_add_an_event(client, editor, source):
    page = client.get(reverse("admin:cooperation_source_change", args=[source.pk]))
    html = page.content.decode()
    assert reverse("admin:cooperation_source_extract", args=[source.pk]) in html
    assert reverse("admin:cooperation_source_event", args=[source.pk]) in html


def test_the_event_link_carries_the_people_organizations_and_date_of_the_source(
    client, editor, source
):
    response = client.get(reverse("admin:cooperation_source_event", args=[source.pk]))
    url = urlsplit(response["Location"])
    assert url.path == reverse("admin:cooperation_event_add")
    query = parse_qs(url.query)
    assert query["source"] == [str(source.pk)]
    assert query["participants"] == [str(Person.objects.get(slug="shamil-ageev").pk)]
    assert query["participating"] == [str(Organization.objects.get(slug="tpp-rt").pk)]
    # "12 марта" in an article published in 2025.
    assert (query["start_date"], query["start_precision"]) == (["2025-03-12"], ["day"])


def test_the_event_form_opens_with_the_source_cited_and_the_people_as_participants(
    client, editor, source
):
    people = list(
        Person.objects.filter(slug__in=["shamil-ageev", "serik-shapkenov", "marat-akhmetov"])
    )
    ids = ",".join(str(p.pk) for p in people)
    url = reverse("admin:cooperation_event_add")
    page = client.get(f"{url}?source={source.pk}&participants={ids}&start_date=2025-03-12")
    assert page.status_code == 200
    formsets = {f.formset.model: f.formset for f in page.context["inline_admin_formsets"]}
    citations = formsets[Citation]
    assert [f["source"].value() for f in citations.forms] == [source.pk]
    participants = [
        f["person"].value() for f in formsets[Event.participations.rel.related_model].forms
    ]
    assert participants[: len(people)] == [p.pk for p in people]
    assert page.context["adminform"].form["start_date"].value() == "2025-03-12"


def test_an_event_saved_from_the_prefilled_form_is_a_draft_citing_the_source(
    client, editor, source
):
    ageev = Person.objects.get(slug="shamil-ageev")
    response = client.get(reverse("admin:cooperation_source_event", args=[source.pk]))
    page = client.get(response["Location"])
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value not in (None, "", []):
            data[name] = value if isinstance(value, list) else str(value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for f in formset.forms:
            for name in f.fields:
                value = f[name].value()
                if value is not None and value != "" and value is not False:
                    data[f.add_prefix(name)] = str(value)
    data.update(kind="meeting", title="Встреча в ТПП РТ", state=PublicationState.DRAFT)
    saved = client.post(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"], data)
    assert saved.status_code == 302, [
        saved.context["adminform"].form.errors,
        [f.formset.errors for f in saved.context["inline_admin_formsets"]],
        [f.formset.non_form_errors() for f in saved.context["inline_admin_formsets"]],
    ]
    event = Event.objects.get(title="Встреча в ТПП РТ")
    assert event.state == PublicationState.DRAFT
    assert [c.source for c in event.citations.all()] == [source]
    assert [p.person for p in event.participations.all()] == [ageev]
    assert [o.organization.slug for o in event.event_organizations.all()] == ["tpp-rt"]
    assert event.dates == "12 марта 2025"
