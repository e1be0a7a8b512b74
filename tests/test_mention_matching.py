"""Matching mentions with the records already in the portal, by name, alias and lemma."""

from pathlib import Path

import pytest
from django.conf import settings

from cooperation.extraction import (
    ORGANIZATION,
    PERSON,
    PLACE,
    Mention,
    extract_mentions,
    match_mentions,
)
from cooperation.models import Organization, Person, Region

from .factories import PersonFactory

pytestmark = pytest.mark.django_db

ARTICLE = Path(settings.BASE_DIR) / "data" / "articles" / "2025-02-21-minnikhanov-shapkenov.txt"


def _best(mentions, candidates, kind, normal):
    mention = next(m for m in mentions if m.type == kind and m.normal == normal)
    found = candidates[mention.key]
    return found[0].record if found else None


def test_every_person_of_the_seed_article_is_linked_to_their_record(article):
    mentions = extract_mentions(ARTICLE.read_text(encoding="utf-8"))
    candidates = match_mentions(mentions)
    people = [m for m in mentions if m.type == PERSON]
    linked = {candidates[m.key][0].record.slug for m in people if candidates[m.key]}
    assert linked == set(Person.objects.values_list("slug", flat=True))
    assert _best(mentions, candidates, PERSON, "Серик Шапкенов").slug == "serik-shapkenov"


def test_organizations_are_found_by_short_name_alias_and_legal_form(article):
    mentions = extract_mentions(ARTICLE.read_text(encoding="utf-8"))
    candidates = match_mentions(mentions)
    tpp = Organization.objects.get(slug="tpp-rt")
    # "ТПП РТ" and "Торгово-промышленной палате (ТПП) РТ" are one mention of one chamber.
    chamber = next(m for m in mentions if "ТПП РТ" in m.surfaces)
    assert "Торгово-промышленной палате (ТПП) РТ" in chamber.surfaces
    assert _best(mentions, candidates, ORGANIZATION, chamber.normal) == tpp
    assert _best(mentions, candidates, ORGANIZATION, "Казанский вертолетный завод").slug == (
        "kazanskiy-vertoletnyy-zavod"
    )
    holding = next(m for m in mentions if m.normal == "Татнефтехиминвест-холдинг")
    assert holding.legal_form == "ОАО"
    assert candidates[holding.key][0].record.slug == "tatneftekhiminvest-kholding"
    assert _best(mentions, candidates, ORGANIZATION, "Госдума") is None


@pytest.mark.parametrize("name", ["Татарстан", "Республика Татарстан", "РТ"])
def test_a_region_is_found_by_its_name_in_any_form_and_its_initials(article, name):
    mention = Mention(type=PLACE, normal=name, surfaces=[name])
    candidates = match_mentions([mention])[mention.key]
    assert candidates[0].record == Region.objects.get(slug="tatarstan")


def test_a_city_suggests_the_region_it_is_the_centre_of_less_surely(article):
    mention = Mention(type=PLACE, normal="Казань", surfaces=["Казани"])
    best = match_mentions([mention])[mention.key][0]
    assert best.record.slug == "tatarstan"
    assert best.score < 0.9


def test_a_namesake_with_another_first_name_is_not_suggested(article):
    mention = Mention(type=PERSON, normal="Ерлан Агеев", first_name="Ерлан", last_name="Агеев")
    assert match_mentions([mention])[mention.key] == []


def test_a_lone_surname_suggests_everyone_of_that_name(article):
    other = PersonFactory(first_name="Павел", last_name="Агеев")
    mention = Mention(type=PERSON, normal="Агеев", last_name="Агеев")
    suggested = {c.record for c in match_mentions([mention])[mention.key]}
    assert suggested == {other, Person.objects.get(slug="shamil-ageev")}


def test_matching_takes_a_query_per_kind_of_record(article, django_assert_max_num_queries):
    mentions = extract_mentions(ARTICLE.read_text(encoding="utf-8"))
    # People, organizations (first found through the search index, on PostgreSQL), their
    # aliases, regions: however many mentions there are.
    with django_assert_max_num_queries(5):
        match_mentions(mentions)


def test_sharing_a_region_does_not_make_two_bodies_one(article):
    name = "Торгово-промышленная палата Атырауской области"
    mention = Mention(type=ORGANIZATION, normal=name, surfaces=[name])
    suggested = {c.record.slug for c in match_mentions([mention])[mention.key]}
    assert "akimat-atyrauskoy-oblasti" not in suggested
