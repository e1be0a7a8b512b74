"""Extraction: a Russian text in, its people, organizations, places and dates out."""

from pathlib import Path

import pytest
from django.conf import settings

from cooperation.extraction import DATE, ORGANIZATION, PERSON, PLACE, extract_mentions

ARTICLE = Path(settings.BASE_DIR) / "data" / "articles" / "2025-02-21-minnikhanov-shapkenov.txt"


@pytest.fixture(scope="module")
def mentions():
    return extract_mentions(ARTICLE.read_text(encoding="utf-8"))


def _of(mentions, kind):
    return {m.normal: m for m in mentions if m.type == kind}


def test_the_seed_article_names_its_people_in_the_nominative(mentions):
    people = _of(mentions, PERSON)
    for name in [
        "Рустам Минниханов",
        "Серик Шапкенов",
        "Марат Ахметов",
        "Шамиль Агеев",
        "Рафинат Яруллин",
        "Сергей Майоров",
        "Данияр Таханов",
    ]:
        assert name in people
    # "Сериком Шапкеновым", "Данияром Тахановым": names the dictionaries do not know.
    assert "Сериком Шапкеновым" in people["Серик Шапкенов"].surfaces
    assert people["Данияр Таханов"].surfaces == ["Данияром Тахановым"]
    assert people["Сергей Майоров"].first_name == "Сергей"
    assert people["Сергей Майоров"].last_name == "Майоров"


def test_every_person_is_one_mention_however_often_and_however_named(mentions):
    people = _of(mentions, PERSON)
    assert len(people) == 10
    minnikhanov = people["Рустам Минниханов"]
    assert {"Минниханов", "Минниханова"} <= set(minnikhanov.surfaces)
    assert minnikhanov.count >= 9
    # The photo caption "Серик Шапкенов и Рустам Минниханов Серик Шапкенов" is two people.
    assert not [name for name in people if len(name.split()) > 2]


def test_a_mention_knows_where_it_first_occurs_and_in_which_sentence(mentions):
    text = ARTICLE.read_text(encoding="utf-8")
    ageev = _of(mentions, PERSON)["Шамиль Агеев"]
    assert text[ageev.start :].startswith("Шамиль Агеев")
    assert ageev.sentence.startswith("Казахстанскую делегацию принимали")
    assert ageev.sentence in text


def test_organizations_keep_the_region_their_name_includes(mentions):
    organizations = _of(mentions, ORGANIZATION)
    assert "Госсовет РТ" in organizations
    # One chamber, however the text names it: its full name and "ТПП РТ".
    assert "ТПП РТ" in organizations["Торгово-промышленная палата РТ"].surfaces
    # Quoted names the tagger does not know are organizations too.
    assert "Казанькомпрессормаш" in organizations
    assert "КАМАЗ-Инжиниринг" in organizations


def test_places_are_named_in_the_nominative(mentions):
    places = _of(mentions, PLACE)
    assert {"Татарстан", "Атырауская область", "Астана", "Казань"} <= set(places)
    assert "Атыраускую область" in places["Атырауская область"].surfaces


def test_dates_with_a_month_are_kept_and_bare_years_are_not(mentions):
    dates = {m.date for m in mentions if m.type == DATE}
    assert (None, 5, 16) in dates  # "с 15 по 16 мая"
    assert (2024, 9, None) in dates  # "В сентябре 2024 года"
    assert not [d for d in dates if d[1] is None]  # "образована в 1938 году"


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("Губернатор встретился с Ольгой Петровой.", "Ольга Петрова"),
        ("Письмо направлено Нурлану Уранхаеву.", "Нурлан Уранхаев"),
        ("Соглашение подписано Ерланом Кошановым в Астане.", "Ерлан Кошанов"),
        ("Выступление Рустама Минниханова длилось час.", "Рустам Минниханов"),
    ],
)
def test_names_in_any_case_come_out_in_the_nominative(sentence, name):
    people = [m.normal for m in extract_mentions(sentence) if m.type == PERSON]
    assert people == [name]


@pytest.mark.parametrize("text", ["", "   \n\n ", "12345 ... !!!"])
def test_a_text_without_names_gives_no_mentions(text):
    assert [m for m in extract_mentions(text) if m.type != DATE] == []
