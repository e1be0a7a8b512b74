"""The review screen: an editor links, creates or ignores what a source's text mentions."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse

from cooperation.models import (
    Citation,
    Country,
    Organization,
    Person,
    Position,
    PublicationState,
    Region,
    Source,
)

pytestmark = pytest.mark.django_db

VISIT = (Path(__file__).parent / "data" / "karaganda-visit.txt").read_text(encoding="utf-8")
SEED = "minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti"


@pytest.fixture
def editor(client, article):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


@pytest.fixture
def visit():
    return Source.objects.create(title="Делегация Карагандинской области в Казани", text=VISIT)


def _url(source):
    return reverse("admin:cooperation_source_extract", args=[source.pk])


def _rows(response):
    return {form.mention.normal: form for form, _mention in response.context["rows"]}


def _post_data(response, **changes):
    """What the page posts when the editor accepts every suggestion, with `changes`."""
    formset = response.context["formset"]
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": "0",
    }
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, ""):
                data[form.add_prefix(name)] = str(value)
    for normal, fields in changes.items():
        form = _rows(response)[normal]
        data.update({form.add_prefix(k): str(v) for k, v in fields.items()})
    return data


def test_the_seed_article_proposes_its_people_linked_to_their_records(client, editor):
    source = Source.objects.get(slug=SEED)
    response = client.get(_url(source))
    assert response.status_code == 200
    rows = _rows(response)
    for slug, name in [
        ("rustam-minnikhanov", "Рустам Минниханов"),
        ("serik-shapkenov", "Серик Шапкенов"),
        ("marat-akhmetov", "Марат Ахметов"),
        ("shamil-ageev", "Шамиль Агеев"),
        ("rafinat-yarullin", "Рафинат Яруллин"),
        ("sergey-mayorov", "Сергей Майоров"),
        ("daniyar-takhanov", "Данияр Таханов"),
    ]:
        form = rows[name]
        assert form["action"].value() == "link", name
        assert form["record"].value() == Person.objects.get(slug=slug).pk, name
    html = response.content.decode()
    assert "Сериком Шапкеновым" in html  # the forms the text used are shown
    assert "16 мая" in html  # and the dates it gives


def test_the_review_screen_takes_a_constant_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    source = Source.objects.get(slug=SEED)
    client.get(_url(source))  # natasha loads once per process
    with django_assert_max_num_queries(25):
        assert client.get(_url(source)).status_code == 200


def test_confirming_creates_drafts_that_cite_the_source(client, editor, visit):
    page = client.get(_url(visit))
    rows = _rows(page)
    assert rows["Ерлан Жаксыбеков"]["action"].value() == "create"
    plant_form = rows["Камский литейный завод"]
    assert (plant_form["name"].value(), plant_form["legal_form"].value()) == (
        "Камский литейный завод",
        "АО",
    )
    # The legal form proposes a business; the kind of body, its country.
    assert plant_form["kind"].value() == "enterprise"
    data = _post_data(page, **{"Промышленный Татарстан": {"action": "ignore"}})
    response = client.post(_url(visit), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cooperation_source_change", args=[visit.pk])

    new = Person.objects.get(last_name="Жаксыбеков")
    assert (new.first_name, new.state) == ("Ерлан", PublicationState.DRAFT)
    assert Person.objects.filter(first_name="Ильдар", last_name="Сафиуллин").exists()
    plant = Organization.objects.get(name="Камский литейный завод")
    assert (plant.legal_form, plant.state, plant.country.code) == ("АО", "draft", "RU")
    assert not Organization.objects.filter(name="Промышленный Татарстан").exists()
    citation = new.citations.get()
    assert citation.source == visit
    # The quote is the sentence of the first mention, as the text has it.
    assert citation.quote == (
        "Делегацию возглавил заместитель акима Карагандинской области Ерлан Жаксыбеков."
    )
    assert citation.quote in visit.text


def test_a_linked_record_gets_the_source_cited_once(client, editor, visit):
    ageev = Person.objects.get(slug="shamil-ageev")
    before = ageev.citations.count()
    ignore = {"Промышленный Татарстан": {"action": "ignore"}}
    client.post(_url(visit), _post_data(client.get(_url(visit)), **ignore))
    # Reviewed again, the drafts just created are suggested instead of being created twice.
    page = client.get(_url(visit))
    assert _rows(page)["Ерлан Жаксыбеков"]["action"].value() == "link"
    client.post(_url(visit), _post_data(page, **ignore))
    assert ageev.citations.count() == before + 1
    assert ageev.citations.filter(source=visit).count() == 1
    assert ageev.state == PublicationState.PUBLISHED  # linking changes nothing else
    tpp = Organization.objects.get(slug="tpp-rt")
    assert tpp.citations.filter(source=visit).exists()
    assert Person.objects.filter(last_name="Жаксыбеков").count() == 1


def test_an_ignored_mention_creates_and_cites_nothing(client, editor, visit):
    page = client.get(_url(visit))
    ignore_all = {form.mention.normal: {"action": "ignore"} for form, _ in page.context["rows"]}
    client.post(_url(visit), _post_data(page, **ignore_all))
    assert not Citation.objects.filter(source=visit).exists()


def test_a_new_person_needs_both_names(client, editor, visit):
    page = client.get(_url(visit))
    data = _post_data(page, **{"Ерлан Жаксыбеков": {"first_name": ""}})
    response = client.post(_url(visit), data)
    assert response.status_code == 200
    assert _rows(response)["Ерлан Жаксыбеков"].errors["first_name"]
    assert not Person.objects.filter(last_name="Жаксыбеков").exists()


def test_a_record_that_was_not_suggested_cannot_be_linked(client, editor, visit):
    page = client.get(_url(visit))
    stranger = Person.objects.get(slug="erlan-koshanov")
    data = _post_data(page, **{"Шамиль Агеев": {"record": stranger.pk}})
    response = client.post(_url(visit), data)
    assert response.status_code == 200
    assert not stranger.citations.filter(source=visit).exists()


def test_creating_people_needs_the_permission_to_add_people(client, editor, visit):
    editor.groups.clear()
    editor.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_source", "change_source", "change_person", "change_organization"]
        )
    )
    page = client.get(_url(visit))
    assert page.status_code == 200
    response = client.post(_url(visit), _post_data(page))
    assert response.status_code == 403
    assert not Person.objects.filter(last_name="Жаксыбеков").exists()


def test_a_source_without_text_says_so(client, editor):
    source = Source.objects.create(title="Пустой источник")
    response = client.get(_url(source))
    assert response.status_code == 200
    assert response.context["has_text"] is False


def test_an_editor_cannot_cite_a_published_source_on_published_records(client, editor, visit):
    visit.state = PublicationState.PUBLISHED
    visit.save()
    ageev = Person.objects.get(slug="shamil-ageev")
    page = client.get(_url(visit))
    response = client.post(_url(visit), _post_data(page))
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not ageev.citations.filter(source=visit).exists()
    assert not Person.objects.filter(last_name="Жаксыбеков").exists()  # nothing half done


def test_an_editor_may_link_published_records_to_a_draft_source(client, editor, visit):
    ageev = Person.objects.get(slug="shamil-ageev")
    page = client.get(_url(visit))
    client.post(_url(visit), _post_data(page))
    assert ageev.citations.filter(source=visit).exists()


def test_a_region_the_portal_lacks_is_created_from_the_same_screen(client, editor, visit):
    page = client.get(_url(visit))
    places = {n: f for n, f in _rows(page).items() if f.mention.type == "place"}
    karaganda = next(n for n in places if n.startswith("Карагандинск"))
    # A place with no region to match is proposed to be ignored: most are towns.
    assert places[karaganda]["action"].value() == "ignore"
    kazakhstan = Country.objects.get(code="KZ")
    response = client.post(_url(visit), _post_data(page, **{karaganda: {"action": "create"}}))
    assert "Для нового региона укажите название, вид и страну." in response.text
    change = {"action": "create", "region_kind": "oblast", "country": kazakhstan.pk}
    response = client.post(_url(visit), _post_data(page, **{karaganda: change}))
    assert response.status_code == 302
    region = Region.objects.get(name=karaganda)
    assert (region.kind, region.country, region.state) == ("oblast", kazakhstan, "draft")
    assert [c.source for c in region.citations.all()] == [visit]


def test_a_mention_is_linked_to_a_record_found_by_name_when_none_was_suggested(
    client, editor, visit
):
    page = client.get(_url(visit))
    new_person = _rows(page)["Ерлан Жаксыбеков"]
    assert "record" not in new_person.fields  # nothing suggested
    # The select asks the admin's autocomplete, as the page's script does.
    widget = new_person["other"].field.widget
    attrs = widget.build_attrs(widget.attrs)
    query = {
        name: attrs[f"data-{name.replace('_', '-')}"]
        for name in ("app_label", "model_name", "field_name")
    }
    found = client.get(reverse("admin:autocomplete"), {"term": "Агеев", **query}).json()["results"]
    ageev = Person.objects.get(slug="shamil-ageev")
    assert [r["id"] for r in found] == [str(ageev.pk)]
    change = {"action": "link", "other": ageev.pk}
    response = client.post(_url(visit), _post_data(page, **{"Ерлан Жаксыбеков": change}))
    assert response.status_code == 302
    assert not Person.objects.filter(last_name="Жаксыбеков").exists()
    assert visit in [c.source for c in ageev.citations.all()]


def test_a_new_organization_gets_the_country_its_name_tells(client, editor):
    text = (
        "Аким Атырауской области посетил Казань. Директор ТОО «Атырау Нефтемаш» Ерлан Сарсенов "
        "выступил в промышленном кластере Татарстана."
    )
    source = Source.objects.create(title="Визит", text=text)
    rows = _rows(client.get(_url(source)))
    kazakhstan, russia = (Country.objects.get(code=code).pk for code in ("KZ", "RU"))
    company = rows["Атырау Нефтемаш"]
    assert (company["legal_form"].value(), company["country"].value()) == ("ТОО", kazakhstan)
    # Not Kazakhstan, the country of the first region the text mentions: Tatarstan's.
    assert rows["Промышленный кластер Татарстана"]["country"].value() == russia
    assert rows["Промышленный кластер Татарстана"]["kind"].value() == "cluster"
    assert not any(form.mention.type == "position" for form in rows.values())


def test_posts_the_text_names_become_draft_positions_of_the_confirmed_people(client, editor):
    call_command("load_reference", stdout=StringIO())
    text = (
        Path(__file__).parent / "data/extraction/heldout/2025-03-orenburg-aktobe.txt"
    ).read_text(encoding="utf-8")
    source = Source.objects.create(title="Оренбург и Актобе", text=text)
    page = client.get(_url(source))
    assert client.post(_url(source), _post_data(page)).status_code == 302
    posts = {
        (p.person.last_name, p.title, str(p.organization or p.region))
        for p in Position.objects.filter(citations__source=source)
    }
    assert ("Солнцев", "губернатор Оренбургской области", "Оренбургская область") in posts
    assert ("Шахаров", "аким Актюбинской области", "Актюбинская область") in posts
    chamber = "Торгово-промышленная палата Оренбургской области"
    assert ("Кучеров", "президент ТПП Оренбургской области", chamber) in posts
    assert len(posts) == 7
    assert Position.objects.filter(citations__source=source).exclude(state="draft").count() == 0
    # A second confirmation records no post twice.
    client.post(_url(source), _post_data(client.get(_url(source))))
    assert Position.objects.filter(citations__source=source).count() == len(posts)
