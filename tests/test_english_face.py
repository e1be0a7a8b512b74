"""What /en/ shows is English; and the finish of the public pages in both languages."""

import re

import pytest

from cooperation.models import Person

from .factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _html(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_english_sort_menu_is_in_english(client, article):
    html = _html(client, "/en/events/")
    assert "date (descending)" in html
    assert "по убыванию" not in html
    assert "дата (по убыванию)" in _html(client, "/events/")


def test_a_person_page_in_english_gives_the_english_title_and_a_latin_full_name(client, article):
    Person.objects.filter(slug="rustam-minnikhanov").update(patronymic="Нургалиевич")
    html = _html(client, "/en/people/rustam-minnikhanov/")
    assert "Rais (Head) of the Republic of Tatarstan" in html
    assert "Раис Республики Татарстан" not in html
    assert "Minnikhanov Rustam Nurgalievich" in html
    assert "Минниханов Рустам Нургалиевич" in _html(client, "/people/rustam-minnikhanov/")


def test_a_legal_form_is_named_in_english_on_the_english_page(client, article):
    assert "ОАО" in _html(client, "/organizations/tatneftekhiminvest-kholding/")
    html = _html(client, "/en/organizations/tatneftekhiminvest-kholding/")
    assert "OJSC" in html
    assert "ОАО" not in re.sub(r"<[^>]+>", "", html.split('class="kicker"')[1].split("</p>")[0])


def _titles(html):
    return re.findall(r'<h3 class="item-title"><a href="[^"]*">([^<]*)</a>', html)


def test_the_english_lists_of_organizations_and_people_follow_the_english_names(client, db):
    OrganizationFactory(name="Альфа", name_en="Zeta Alpha")
    OrganizationFactory(name="Бета", name_en="Beta")
    OrganizationFactory(name="Яхонт")  # no English name: its own, after the Latin ones
    assert _titles(_html(client, "/organizations/")) == ["Альфа", "Бета", "Яхонт"]
    assert _titles(_html(client, "/en/organizations/")) == ["Beta", "Zeta Alpha", "Яхонт"]
    assert _titles(_html(client, "/en/organizations/", sort="-name")) == [
        "Яхонт",
        "Zeta Alpha",
        "Beta",
    ]
    PersonFactory(first_name="Иван", last_name="Абаев", first_name_en="Ivan", last_name_en="Zabaev")
    PersonFactory(
        first_name="Пётр", last_name="Борисов", first_name_en="Petr", last_name_en="Borisov"
    )
    assert _titles(_html(client, "/people/")) == ["Иван Абаев", "Пётр Борисов"]
    assert _titles(_html(client, "/en/people/")) == ["Petr Borisov", "Ivan Zabaev"]


def test_pages_are_numbered_with_the_current_one_marked(client, db):
    OrganizationFactory.create_batch(65)
    html = _html(client, "/organizations/", page="2")
    numbers = re.findall(r'<a href="\?page=(\d+)"( aria-current="page")?>', html)
    assert [number for number, _current in numbers] == ["1", "2", "3", "4"]
    assert [number for number, current in numbers if current] == ["2"]


def test_date_filters_have_no_placeholder_that_looks_like_a_value(client, article):
    html = _html(client, "/events/")
    date_inputs = re.findall(r'<input id="id_date_(?:from|to)"[^>]*>', html)
    assert len(date_inputs) == 2
    assert not any("placeholder" in tag for tag in date_inputs)


def test_each_search_landmark_has_a_name_of_its_own(client, article):
    for path in ("/", "/search/?q=Атырау", "/en/"):
        html = _html(client, path)
        names = re.findall(r'role="search"[^>]*aria-label="([^"]+)"', html)
        assert len(names) == html.count('role="search"') == 2, path
        assert len(set(names)) == 2, path


def test_statements_that_share_their_source_name_it_once_under_them(client, article):
    html = _html(client, "/regions/tatarstan/atyrauskaya-oblast/")
    said = html.split("<h2>Высказывания участников</h2>")[1].split("</section>")[0]
    assert said.count('class="statement"') > 3
    assert said.count('class="cited"') == 1


def test_the_print_stylesheet_hides_the_navigation_and_opens_collapsed_parts(client, db):
    from django.contrib.staticfiles import finders

    css = open(finders.find("cooperation/site.css"), encoding="utf-8").read()
    printed = css.split("@media print")[1]
    assert ".site-nav" in printed and "details::details-content" in printed
    assert "cooperation/print.js" in _html(client, "/")
