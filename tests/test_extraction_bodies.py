"""Extraction of what agreements are made of: bodies, people with initials, legal forms,
positions; and the extract_mentions command that prints it."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cooperation.extraction import (
    ORGANIZATION,
    PERSON,
    PLACE,
    POSITION,
    extract_mentions,
    propose_kind_and_country,
)

DEV = Path(__file__).parent / "data" / "extraction" / "dev" / "2025-02-omsk-pavlodar.txt"


@pytest.fixture(scope="module")
def mentions():
    return extract_mentions(DEV.read_text(encoding="utf-8"))


def _of(mentions, kind):
    return {m.normal: m for m in mentions if m.type == kind}


def test_government_bodies_are_named_in_the_nominative_whatever_their_case(mentions):
    organizations = _of(mentions, ORGANIZATION)
    assert "Акиматом Павлодарской области" not in organizations
    assert {
        "Правительство Омской области",
        "Акимат Павлодарской области",
        "Пресс-служба Правительства Омской области",
        "Палата предпринимателей Павлодарской области",
        "Промышленный кластер Омской области",
    } <= set(organizations)
    # An inflected akimat is no place.
    assert not any(p.startswith("Акимат") for p in _of(mentions, PLACE))


def test_a_surname_after_initials_is_the_last_name(mentions):
    person = _of(mentions, PERSON)["А. В. Ходоровский"]
    assert (person.first_name, person.patronymic, person.last_name) == ("А.", "В.", "Ходоровский")


def test_a_headline_does_not_run_into_the_first_paragraph(mentions):
    assert all("\n" not in surface for m in mentions for surface in m.surfaces)
    assert "Виталий Хоценко" in _of(mentions, PERSON)


def test_legal_forms_are_split_off_and_propose_kind_and_country(mentions):
    organizations = _of(mentions, ORGANIZATION)
    kazakh = organizations["Павлодарский нефтехимический завод"]
    assert (kazakh.legal_form, kazakh.kind, kazakh.country) == ("ТОО", "enterprise", "KZ")
    russian = organizations["Омский завод технического углерода"]
    assert (russian.legal_form, russian.kind) == ("ООО", "enterprise")
    assert "«" not in " ".join(organizations)


@pytest.mark.parametrize(
    "name, legal_form, proposed",
    [
        ("Акимат Атырауской области", "", ("government_body", "KZ")),
        ("Госсовет РТ", "", ("legislature", "")),
        ("Торгово-промышленная палата Республики Татарстан", "", ("chamber", "")),
        ("Промышленный кластер Татарстана", "", ("cluster", "")),
        ("Казанькомпрессормаш", "АО", ("enterprise", "")),
        ("Эйдос", "", ("", "")),
    ],
)
def test_a_name_proposes_kind_and_country(name, legal_form, proposed):
    assert propose_kind_and_country(name, legal_form) == proposed


def test_one_organization_is_one_mention_whatever_form_names_it():
    text = (
        "Встреча прошла в Торгово-промышленной палате Оренбургской области. "
        "Президент ТПП Оренбургской области рассказал о планах."
    )
    organizations = [m for m in extract_mentions(text) if m.type == ORGANIZATION]
    assert [m.normal for m in organizations] == ["Торгово-промышленная палата Оренбургской области"]
    assert "ТПП Оренбургской области" in organizations[0].surfaces


def test_titles_before_names_are_positions_with_what_they_are_held_in(mentions):
    positions = {(m.person, m.normal, m.of) for m in mentions if m.type == POSITION}
    assert {
        ("Виталий Хоценко", "губернатор", "Омская область"),
        ("Асаин Байханов", "аким", "Павлодарская область"),
        ("Нурлан Арынов", "заместитель акима", "Павлодарская область"),
        ("А. В. Ходоровский", "президент", "ТПП Омской области"),
        ("Игорь Ломакин", "генеральный директор", "Омский завод технического углерода"),
    } <= positions
    keys = {m.key for m in mentions}
    assert all(m.person_key in keys and m.of_key in keys for m in mentions if m.type == POSITION)


def test_an_akim_of_a_region_stands_for_its_akimat():
    text = "Глава Татарстана встретился с акимом Атырауской области Сериком Шапкеновым."
    organizations = _of(extract_mentions(text), ORGANIZATION)
    assert organizations["Акимат Атырауской области"].country == "KZ"


def test_the_command_prints_mentions_as_json():
    out = StringIO()
    call_command("extract_mentions", str(DEV), "--format", "json", stdout=out)
    items = json.loads(out.getvalue())
    assert {item["type"] for item in items} == {"person", "organization", "place", "position"}
    governor = next(i for i in items if i["type"] == "position" and i["name"] == "губернатор")
    assert (governor["person"], governor["of"]) == ("Виталий Хоценко", "Омская область")
    plant = next(i for i in items if i["name"] == "Павлодарский нефтехимический завод")
    assert (plant["legal_form"], plant["country"]) == ("ТОО", "KZ")


def test_the_command_prints_one_line_per_mention_by_default():
    out = StringIO()
    call_command("extract_mentions", str(DEV), stdout=out)
    assert "person: Виталий Хоценко" in out.getvalue().splitlines()


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match="No such file"):
        call_command("extract_mentions", "no-such-article.txt")
