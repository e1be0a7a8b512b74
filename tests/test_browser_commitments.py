"""Commitments in Chromium: from the overdue items to their road map, and axe-core on the
commitments list and the agreement page, in Russian and English, at desktop and phone width."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cooperation.article_loader import article_load

from .conftest import CHROMIUM
from .test_browser import DESKTOP, PHONE, _describe, _screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]

DATA = Path(__file__).parent / "data" / "road-maps"
MAP_2022 = "dorozhnaya-karta-rt-atyrau-2022"

PAGES = [
    pytest.param("/commitments/", "Проработать создание совместного предприятия", id="list"),
    pytest.param(
        "/commitments/?overdue=yes&region=tatarstan", "KazanForum", id="list-overdue-filtered"
    ),
    pytest.param(f"/agreements/{MAP_2022}/", "исполнено 1 из 3 обязательств", id="agreement"),
    pytest.param(f"/en/agreements/{MAP_2022}/", "1 of 3 commitments done", id="agreement-en"),
    pytest.param("/en/commitments/", "Open a Tatarstan trade house in Atyrau.", id="list-en"),
]


@pytest.fixture
def site(live_server, article):
    article_load(path=DATA / "road-map.yaml")
    article_load(path=DATA / "mission-news.yaml")
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_visitor_goes_from_overdue_items_to_the_road_map_and_its_progress(page):
    page.goto("/commitments/")
    facets = page.locator("aside.filters section.facet")
    facets.locator('a[href*="overdue=yes"]').click()
    expect(page).to_have_url(re.compile(r"[?&]overdue=yes(&|$)"))
    results = page.locator("section.results")
    expect(results.locator("article.item")).to_have_count(2)
    results.get_by_role("link", name=re.compile("Проработать создание")).click()
    expect(page).to_have_url(re.compile(rf"/agreements/{MAP_2022}/#commitment-\d+$"))
    commitments = page.locator("#commitments")
    expect(commitments.locator("progress")).to_have_attribute("value", "1")
    expect(commitments).to_contain_text("Торговая миссия побывала в Атырау.")
    # The family: the framework it implements and the road map that replaced it.
    family = page.locator("#family")
    expect(
        family.locator("ol").get_by_role("link", name="Дорожная карта на 2025–2027 годы")
    ).to_be_visible()
    expect(family.locator("svg")).to_be_visible()


@pytest.mark.parametrize(("path", "expected_text"), PAGES)
def test_commitment_pages_pass_axe_core_and_fit_a_phone(page, request, path, expected_text):
    problems = []
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    expect(page.locator("main")).to_contain_text(expected_text)
    _screenshot(page, request, DESKTOP["width"])
    violations = Axe().run(page).response["violations"]
    if violations:
        problems.append(f"axe-core:\n{_describe(violations)}")
    page.set_viewport_size(PHONE)
    _screenshot(page, request, PHONE["width"])
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > width:
        problems.append(f"{scroll_width}px wide at {width}px")
    assert not problems, f"{path}:\n" + "\n".join(problems)
