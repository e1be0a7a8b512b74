"""What visitors send and the pages about the portal, in Debian's Chromium: axe-core on each
new page at desktop and phone widths, a report sent from a record's page, an alert asked for
from a filtered list and confirmed from its e-mail."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from cooperation import corrections
from cooperation.models import ErrorReport, Event, Subscription

from .test_browser import DESKTOP, MEETING, PHONE, _describe, pytestmark  # noqa: F401

PAGES = [
    pytest.param("/about/", "Откуда берутся сведения", id="about"),
    pytest.param("/en/about/", "Where the facts come from", id="about-english"),
    pytest.param("/contact/", "Ошибка на странице", id="contact"),
    pytest.param("/accessibility/", "(WCAG) 2.1", id="accessibility"),
    pytest.param("/en/accessibility/", "(WCAG) 2.1", id="accessibility-english"),
    pytest.param("/coverage/", "Атырауская область", id="coverage"),
    pytest.param("/en/coverage/", "Atyrau Region", id="coverage-english"),
    pytest.param("/alerts/event/?region=atyrauskaya-oblast", "Атырауская область", id="alert"),
    pytest.param(
        "/en/alerts/agreement/?industry=mashinostroenie", "Mechanical engineering", id="alert-en"
    ),
]


@pytest.fixture
def site(live_server, article):
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _screenshot(page, request, suffix):
    directory = os.environ.get("BROWSER_SCREENSHOTS")
    if directory:
        name = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_"))
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(directory) / f"{name}-{suffix}.png", full_page=True)


def _check(page, request, suffix=""):
    problems = []
    _screenshot(page, request, f"{DESKTOP['width']}{suffix}")
    violations = Axe().run(page).response["violations"]
    if violations:
        problems.append(f"axe-core at {page.url}:\n{_describe(violations)}")
    page.set_viewport_size(PHONE)
    _screenshot(page, request, f"{PHONE['width']}{suffix}")
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > width:
        problems.append(f"{page.url} is {scroll_width}px wide at {width}px")
    page.set_viewport_size(DESKTOP)
    return problems


@pytest.mark.parametrize(("path", "expected_text"), PAGES)
def test_page_passes_axe_core_and_fits_a_phone_screen(page, request, path, expected_text):
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    expect(page.locator("main")).to_contain_text(expected_text)
    problems = _check(page, request)
    assert not problems, "\n".join(problems)


def test_a_visitor_reports_an_error_from_the_meeting_page(page, request, monkeypatch):
    # The form may be sent at once here: a person types slower than the test.
    monkeypatch.setattr(corrections, "MIN_FILL_SECONDS", 0)
    page.goto(f"/events/{MEETING}/")
    page.get_by_text("Сообщить об ошибке на этой странице").click()
    page.get_by_label("Что не так?").fill("Встреча прошла 21 февраля.")
    page.get_by_label("Ваш адрес электронной почты (необязательно)").fill("reader@example.org")
    problems = _check(page, request, "-form")
    page.get_by_role("button", name="Отправить редакторам").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо за сообщение")
    expect(page.get_by_role("heading", name="Что дальше")).to_be_visible()
    problems += _check(page, request, "-sent")
    report = ErrorReport.objects.get()
    assert report.record == Event.objects.get(slug=MEETING)
    assert report.email == "reader@example.org"
    page.get_by_role("link", name="Вернуться на страницу").click()
    expect(page).to_have_url(re.compile(f"/events/{MEETING}/$"))
    assert not problems, "\n".join(problems)


def test_a_visitor_follows_a_filtered_list_by_e_mail(page, site, request):
    page.goto("/events/?region=atyrauskaya-oblast")
    page.get_by_role("link", name="Получать новые результаты по почте").click()
    expect(page.locator("main")).to_contain_text("Атырауская область")
    page.get_by_label("Ваш адрес электронной почты").fill("analyst@example.org")
    page.get_by_role("button", name="Прислать ссылку для подтверждения").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    problems = _check(page, request, "-sent")
    [message] = mail.outbox
    confirm = re.search(r"https?://\S+/alerts/confirm/\S+/", message.body)[0]
    page.goto(confirm)
    expect(page.get_by_role("heading", level=1)).to_have_text("Оповещение включено")
    problems += _check(page, request, "-confirmed")
    assert Subscription.objects.get().confirmed_at is not None

    page.get_by_role("link", name="Отключить сейчас").click()
    problems += _check(page, request, "-unsubscribe")
    page.get_by_role("button", name="Больше не присылать").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Оповещение отключено")
    assert not Subscription.objects.exists()
    assert not problems, "\n".join(problems)
