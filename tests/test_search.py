import pytest
from django.db import connection

from cooperation.models import Agreement, Event, Organization, Person
from cooperation.search import search

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Russian morphology and trigrams need PostgreSQL"
)


def _found(model, q):
    return [str(obj) for obj in search(model.objects.published(), q)]


@on_postgresql
def test_an_inflected_name_finds_the_person(article):
    assert _found(Person, "Минниханова") == ["Рустам Минниханов"]


@on_postgresql
def test_an_inflected_word_finds_the_agreement(article):
    assert _found(Agreement, "соглашениями") == [
        "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"
    ]


@on_postgresql
def test_a_misspelt_name_still_finds_the_person(article):
    assert _found(Person, "Миниханов") == ["Рустам Минниханов"]


@on_postgresql
def test_the_best_match_comes_first(article):
    assert _found(Event, "круглый стол")[0] == "Круглый стол с акимом Атырауской области в ТПП РТ"


def test_an_alias_finds_the_organization(article):
    Organization.objects.filter(slug="tpp-rt").update(short_name="")
    assert "Торгово-промышленная палата Республики Татарстан" in _found(Organization, "ТПП РТ")


def test_search_ignores_letter_case_and_russian_endings(article):
    assert _found(Person, "минниханова") == ["Рустам Минниханов"]
    assert "КАМАЗ" in _found(Organization, "камаз")


def test_a_query_without_words_changes_nothing(article):
    assert len(_found(Person, " ,.; ")) == Person.objects.published().count()


def test_nothing_matches_a_word_that_is_nowhere(article):
    assert _found(Event, "квазиквантовый") == []


def test_the_search_page_finds_people_by_an_inflected_name(client, article):
    response = client.get("/search/", {"q": "Шапкеновым"})
    groups = {listing.key: objects for listing, objects, _count in response.context["groups"]}
    assert [str(person) for person in groups["person"]] == ["Серик Шапкенов"]
    assert "Шапкенов" in response.content.decode()
