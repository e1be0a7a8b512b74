"""The public site in Debian's Chromium: two visitors' journeys, axe-core on every page type,
and a layout that needs no sideways scrolling on a phone.

Set BROWSER_SCREENSHOTS to a directory to keep a full-page screenshot of every page type at
desktop and at phone width, for a person to look at.
"""

import csv
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests",
    ),
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}

AGREEMENT = "soglashenie-o-sotrudnichestve-promyshlennogo-klastera-tatarstana-i-spk-atyrau-2025"
AGREEMENT_TITLE = (
    "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"
)
SOURCE = "minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti"
SOURCE_TITLE = "Рустам Минниханов встретился с акимом Атырауской области Сериком Шапкеновым"
MEETING = "vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025"
DELEGATION = "delegatsiya-atyrauskoy-oblasti-v-tatarstane-2025"

# One of each page type, with a text it must show: an error page or an empty list would pass
# axe-core and fit a phone just as well, and prove nothing.
PAGES = [
    pytest.param("/", "Республика Татарстан — Атырауская область", id="home"),
    pytest.param("/regions/", "Атырауская область", id="region-list"),
    pytest.param("/regions/atyrauskaya-oblast/", "1938", id="region"),
    pytest.param(
        "/regions/tatarstan/atyrauskaya-oblast/", "Серик Шапкенов", id="region-pair-dossier"
    ),
    pytest.param("/organizations/", "ТПП РТ", id="organization-list"),
    pytest.param("/organizations/?kind=enterprise", "КАМАЗ", id="enterprise-list"),
    pytest.param("/organizations/kamaz/", "КАМАЗ-Инжиниринг", id="organization"),
    pytest.param("/people/", "Рустам Минниханов", id="person-list"),
    pytest.param("/people/rustam-minnikhanov/", "Раис Республики Татарстан", id="person"),
    pytest.param(
        "/delegations/", "Делегация Атырауской области в Татарстане", id="delegation-list"
    ),
    pytest.param(f"/delegations/{DELEGATION}/", "Серик Шапкенов", id="delegation"),
    pytest.param("/events/", "KazanForum", id="event-list"),
    pytest.param(f"/events/{MEETING}/", "аким Атырауской области", id="event"),
    pytest.param("/events/?date_from=2025-13", "2025-13", id="event-list-with-bad-filter"),
    pytest.param("/agreements/", AGREEMENT_TITLE, id="agreement-list"),
    pytest.param(f"/agreements/{AGREEMENT}/", "Данияр Таханов", id="agreement"),
    pytest.param("/industries/", "Машиностроение", id="industry-list"),
    pytest.param("/industries/mashinostroenie/", "КАМАЗ", id="industry"),
    pytest.param("/topics/investitsionnyy-klimat/", "Инвестиционный климат", id="topic"),
    pytest.param("/sources/", SOURCE_TITLE, id="source-list"),
    pytest.param(f"/sources/{SOURCE}/", "Серик Шапкенов", id="source"),
    pytest.param("/search/?q=Атырау", "СПК «Атырау»", id="search"),
    pytest.param(
        "/en/regions/tatarstan/atyrauskaya-oblast/", "Serik Shapkenov", id="english-dossier"
    ),
    pytest.param("/regions/tatarstan/KZ/", "Область Абай", id="region-country-dossier"),
    pytest.param("/map/?kind=meeting", "Республика Татарстан — Астана", id="map"),
    pytest.param("/statistics/?sort=-agreements", "Атырауская область", id="statistics"),
    pytest.param("/en/statistics/", "Republic of Tatarstan", id="english-statistics"),
    pytest.param("/open-data/", "CC BY 4.0", id="open-data"),
    pytest.param("/en/open-data/", "CC BY 4.0", id="english-open-data"),
]


@pytest.fixture
def site(live_server, article):
    # The live server reads committed rows: with `live_server`, `article` writes them outside
    # a test transaction, and the database is emptied after the test.
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _open(page, path, expected_text):
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    expect(page.locator("main")).to_contain_text(expected_text)


def _screenshot(page, request, width):
    directory = os.environ.get("BROWSER_SCREENSHOTS")
    if directory:
        name = request.node.callspec.id
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(directory) / f"{name}-{width}.png", full_page=True)


def _follow_facet(page, parameter, value, label):
    """Follow the facet link labelled `label` that adds `parameter=value` to the query.

    One name can stand in two facets (a region, and the same region as a partner), so the
    link is told apart by what it does rather than by its facet's heading, which is translated."""
    facets = page.locator("aside.filters section.facet")
    facets.locator(f'a[href*="{parameter}={value}"]:not([aria-current])', has_text=label).click()
    expect(page).to_have_url(re.compile(rf"[?&]{parameter}={value}(&|$)"))
    expect(facets.locator('a[aria-current="true"]', has_text=label)).to_be_visible()


def _describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(selector) for selector in node["target"])
            lines.append(f"  at {target}: {node['html'][:200]}")
            lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


def test_agreements_filtered_by_region_lead_to_the_agreement_and_its_english_page(page, site):
    page.goto("/agreements/")
    _follow_facet(page, "region", "atyrauskaya-oblast", "Атырауская область")
    page.locator(".results-list").get_by_role("link", name=AGREEMENT_TITLE).click()

    expect(page).to_have_url(f"{site.url}/agreements/{AGREEMENT}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(AGREEMENT_TITLE)
    for party, signatory, title in [
        (
            "Промышленный кластер Татарстана",
            "Сергей Майоров",
            "председатель правления Промышленного кластера Татарстана",
        ),
        (
            "СПК «Атырау»",
            "Данияр Таханов",
            "председатель правления социально-предпринимательской корпорации «Атырау»",
        ),
    ]:
        item = page.locator("main li").filter(has=page.get_by_role("link", name=party, exact=True))
        expect(item.get_by_role("link", name=signatory, exact=True)).to_be_visible()
        expect(item).to_contain_text(title)
    citation = page.locator("section.sources li").filter(
        has=page.get_by_role("link", name=SOURCE_TITLE)
    )
    expect(citation.locator("time")).to_have_attribute("datetime", "2025-02-21")
    expect(citation.locator("blockquote")).to_contain_text("подписали соглашение о сотрудничестве")

    page.get_by_role("navigation", name=re.compile("^(Язык|Language)$")).get_by_role(
        "link", name="English"
    ).click()

    expect(page).to_have_url(f"{site.url}/en/agreements/{AGREEMENT}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cooperation agreement between the Industrial Cluster of Tatarstan and SEC Atyrau"
    )
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections.get_by_role("link", name="Agreements", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Parties")).to_be_visible()
    expect(page.get_by_role("link", name="Sergey Mayorov")).to_be_visible()
    # The source is cited in its own words, which screen readers must read as Russian.
    expect(page.locator("section.sources blockquote")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("navigation", name="Language")).to_contain_text("Русский")


def test_a_visitor_finds_tatarstans_machine_builders_the_dossier_and_the_agreements_csv(page, site):
    page.goto("/")
    page.locator('nav.site-nav a[href$="?kind=enterprise"]').click()
    _follow_facet(page, "region", "tatarstan", "Республика Татарстан")
    _follow_facet(page, "industry", "mashinostroenie", "Машиностроение")
    _follow_facet(page, "partner", "KZ", "Казахстан")
    results = page.locator(".results-list")
    expect(results.get_by_role("link", name="КАМАЗ", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Татхимфармпрепараты")).to_have_count(0)

    page.locator(".site-name a").click()
    page.get_by_role("link", name="Республика Татарстан — Атырауская область").click()
    expect(page).to_have_url(f"{site.url}/regions/tatarstan/atyrauskaya-oblast/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Республика Татарстан — Атырауская область"
    )

    page.get_by_role("link", name="Рустам Минниханов", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Рустам Минниханов")
    for person, date, shown in [
        ("Серик Шапкенов", "2025-02-21", "21 февраля 2025"),
        ("Нурлан Уранхаев", "2024-11", "ноябрь 2024"),
        ("Касым-Жомарт Токаев", "2024-09", "сентябрь 2024"),
        ("Ерлан Кошанов", "2024-03", "март 2024"),
    ]:
        meeting = page.locator("main li").filter(
            has=page.get_by_role("link", name=person, exact=True)
        )
        # The event's own date, not the date of the source cited in the same item.
        date_of_meeting = meeting.locator("xpath=./time")
        expect(date_of_meeting).to_have_attribute("datetime", date)
        expect(date_of_meeting).to_have_text(shown)

    page.locator("nav.site-nav").get_by_role("link", name="Соглашения").click()
    _follow_facet(page, "region", "atyrauskaya-oblast", "Атырауская область")
    with page.expect_download() as download:
        page.locator(".exports").get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["slug"], row["title"]) for row in rows] == [(AGREEMENT, AGREEMENT_TITLE)]
    assert rows[0]["signed"] == "2025-02-20"


@pytest.mark.parametrize(("path", "expected_text"), PAGES)
def test_page_passes_axe_core_and_fits_a_phone_screen(page, request, path, expected_text):
    # One test per page for both checks: every test costs a reload of the data, and a page
    # that fails both should say so in one report.
    problems = []
    _open(page, path, expected_text)
    _screenshot(page, request, DESKTOP["width"])
    violations = Axe().run(page).response["violations"]
    if violations:
        problems.append(f"axe-core:\n{_describe(violations)}")

    page.set_viewport_size(PHONE)
    _screenshot(page, request, PHONE["width"])
    if not page.get_by_role("heading", level=1).is_visible():
        problems.append(f"the main heading is not visible at {PHONE['width']}px")
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > width:
        # Name what sticks out, so that the report says which rule of the stylesheet to fix.
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter((element) => element.getBoundingClientRect().right > window.innerWidth
                    || (element.scrollWidth > element.clientWidth
                        && getComputedStyle(element).overflowX === "visible"))
                .map((element) => element.localName
                     + [...element.classList].map((name) => "." + name).join("")
                     + " " + Math.max(element.scrollWidth,
                                      Math.round(element.getBoundingClientRect().right)) + "px")
                .slice(0, 10)"""
        )
        problems.append(
            f"{scroll_width}px wide at {width}px, so it scrolls sideways; "
            f"sticking out: {', '.join(too_wide)}"
        )
    assert not problems, f"{path}:\n" + "\n".join(problems)


# Every kind of page an editor works in, with a text it must show.
ADMIN_PAGES = [
    ("/admin/", "Редакция"),
    ("/admin/cooperation/event/", "KazanForum"),
    ("/admin/cooperation/event/?q=Минниханов&kind__exact=meeting", "Минниханов"),
    ("/admin/cooperation/event/add/", "Участники"),
    ("/admin/cooperation/source/", SOURCE_TITLE),
    ("/admin/cooperation/organization/import/", "Импорт"),
]


def test_no_page_breaks_the_content_security_policy(page, site, django_user_model):
    """The policy forbids inline scripts and styles: a page that relies on one loses it
    silently, and the browser reports it in the console."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    for param in PAGES:
        path, expected_text = param.values
        _open(page, path, expected_text)

    django_user_model.objects.create_superuser("glavred", password="широкая-степь-1938")
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill("glavred")
    page.get_by_label("Пароль").fill("широкая-степь-1938")
    page.get_by_role("button", name="Войти").click()
    for path, expected_text in ADMIN_PAGES:
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        expect(page.locator("#content")).to_contain_text(expected_text)
    page.goto("/admin/cooperation/source/")
    page.locator("#result_list").get_by_role("link", name=SOURCE_TITLE).click()
    expect(page.locator("#content")).to_contain_text("Найти в тексте персоналии")
    page.get_by_role("link", name="Найти в тексте персоналии, организации и места").click()
    expect(page.locator("#content")).to_contain_text("Серик Шапкенов")
    assert not refused, "\n".join(refused)
