"""A visitor's way through the map and the statistics in Debian's Chromium, without
JavaScript doing any of it: links, a form and sortable headings."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM
from .test_browser import page, site  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


def test_from_the_home_map_to_a_ranking_by_agreements_and_a_country_dossier(page, site):  # noqa: F811
    page.goto("/")
    figure = page.locator("figure.map")
    expect(
        figure.get_by_role("img", name="Регионы, связанные мероприятиями и соглашениями")
    ).to_be_visible()
    expect(figure.get_by_role("table")).to_contain_text("Республика Татарстан — Атырауская область")

    figure.get_by_role("link", name="Вся карта, с выбором отрасли, вида и дат").click()
    expect(page).to_have_url(f"{site.url}/map/")
    page.get_by_label("Вид").select_option("memorandum")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"[?&]kind=memorandum(&|$)"))
    expect(page.locator("main")).to_contain_text("Нет мероприятий и соглашений")
    page.get_by_label("Вид").select_option("cooperation")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("figure.map table")).to_contain_text("Атырауская область")
    expect(page.locator("figure.map table")).not_to_contain_text("Астана")

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Статистика").click()
    regions = page.get_by_role("region", name="Рейтинг регионов")
    regions.get_by_role("link", name="Соглашения").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-agreements(&|$)"))
    header = page.locator("#regions-heading ~ div th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header).to_contain_text("Соглашения")
    page.get_by_role("link", name="2024", exact=True).click()
    expect(page.locator("nav.years [aria-current=page]")).to_have_text("2024")

    page.get_by_role("link", name="Республика Татарстан", exact=True).first.click()
    page.get_by_role("link", name="Республика Татарстан — Казахстан").click()
    expect(page).to_have_url(f"{site.url}/regions/tatarstan/KZ/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Республика Татарстан — Казахстан")
