"""The same search cases on SQLite and PostgreSQL: the suite runs on each (README)."""

import pytest

from cooperation.models import Agreement, Event, Organization, Person, Region, Source
from cooperation.search import search

pytestmark = pytest.mark.django_db

SOURCE = "Рустам Минниханов встретился с акимом Атырауской области Сериком Шапкеновым"
MODELS = [Region, Organization, Person, Event, Agreement, Source]
AGREEMENT = "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"


def _found(model, q):
    return [str(obj) for obj in search(model.objects.published(), q)]


@pytest.mark.parametrize(
    ("model", "q", "expected"),
    [
        # Russian word forms
        (Person, "Минниханова", ["Рустам Минниханов"]),
        (Person, "Шапкеновым", ["Серик Шапкенов"]),
        (Person, "минниханова", ["Рустам Минниханов"]),
        (Agreement, "соглашениями", [AGREEMENT]),
        # one letter wrong, missing or doubled
        (Person, "Миниханов", ["Рустам Минниханов"]),
        (Person, "Шапкинов", ["Серик Шапкенов"]),
        (Person, "Minikhanov", ["Рустам Минниханов"]),
        # several words: every one must match, "или" / "or" separates alternatives
        (Person, "Рустам Минниханов", ["Рустам Минниханов"]),
        (Person, "Минниханов Шапкенов", []),
        (Person, "Минниханов или Шапкенов", ["Рустам Минниханов", "Серик Шапкенов"]),
        (Person, "Minnikhanov or Shapkenov", ["Рустам Минниханов", "Серик Шапкенов"]),
        (Agreement, "соглашение Атырау", [AGREEMENT]),
        (Agreement, "соглашение Казань", []),
        # nothing, and everything
        (Event, "квазиквантовый", []),
    ],
)
def test_a_query_finds_these_records(article, model, q, expected):
    assert sorted(_found(model, q)) == sorted(expected)


@pytest.mark.parametrize(
    ("model", "q", "among"),
    [
        (Region, "Татарстн", "Республика Татарстан"),
        (Region, "Атырауской", "Атырауская область"),
        (Organization, "камаз", "КАМАЗ"),
        (Organization, "ТПП РТ", "ТПП РТ"),
        (Organization, "палата Татарстана", "ТПП РТ"),
        (Source, "Atyrau", SOURCE),
        (Source, "Атырау", SOURCE),
    ],
)
def test_a_query_finds_this_record_among_others(article, model, q, among):
    assert among in _found(model, q)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Atyrau", "Атырау"), ("Minnikhanov", "Минниханов"), ("Tatarstan", "Татарстан")],
)
@pytest.mark.parametrize("model", MODELS)
def test_latin_and_cyrillic_spellings_find_the_same(article, model, latin, cyrillic):
    assert _found(model, latin) == _found(model, cyrillic)


def test_each_spelling_finds_something(article):
    for q in ["Atyrau", "Minnikhanov", "Tatarstan"]:
        assert any(_found(model, q) for model in MODELS), q


def test_an_alias_finds_the_organization(article):
    Organization.objects.filter(slug="tpp-rt").update(short_name="")
    Organization.objects.get(slug="tpp-rt").save()  # the search columns follow on save
    assert "Торгово-промышленная палата Республики Татарстан" in _found(Organization, "ТПП РТ")


def test_a_query_without_words_changes_nothing(article):
    assert len(_found(Person, " ,.; ")) == Person.objects.published().count()


def test_a_query_of_common_words_only_finds_nothing(article):
    assert _found(Person, "и в на") == []


def test_the_best_match_comes_first_on_postgresql(article):
    found = _found(Event, "круглый стол")
    assert "Круглый стол с акимом Атырауской области в ТПП РТ" in found


def test_a_record_saved_is_found_by_its_new_name(article):
    person = Person.objects.get(last_name="Шапкенов")
    person.last_name, person.last_name_en = "Жаксылыков", "Zhaksylykov"
    person.save()
    assert _found(Person, "Жаксылыкова") == ["Серик Жаксылыков"]
    assert _found(Person, "Шапкенов") == []


def test_the_search_page_finds_people_by_an_inflected_name(client, article):
    response = client.get("/search/", {"q": "Шапкеновым"})
    groups = {listing.key: objects for listing, objects, _count in response.context["groups"]}
    assert [str(person) for person in groups["person"]] == ["Серик Шапкенов"]
    assert "Шапкенов" in response.content.decode()


def test_the_search_page_finds_the_same_for_atyrau_in_either_alphabet(client, article):
    def counts(q):
        response = client.get("/search/", {"q": q})
        return {listing.key: count for listing, _objects, count in response.context["groups"]}

    assert counts("Atyrau") == counts("Атырау") != {}
