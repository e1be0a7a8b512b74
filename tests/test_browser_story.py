"""An article of a new region pair becomes published records in at most six submissions."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from cooperation.models import Agreement, Delegation, Event, Region
from cooperation.roles import sync_editor_group

from . import test_browser
from .admin_forms import user_in
from .conftest import CHROMIUM

site, page = test_browser.site, test_browser.page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]

# A press release about a region pair the portal's own article does not cover.
ARTICLE = Path(__file__).parent / "data/extraction/heldout/2025-03-orenburg-aktobe.txt"
PASSWORD = "широкая-степь-1938"


def _log_in(context, group, username):
    user = user_in(group, username)
    user.set_password(PASSWORD)
    user.save()
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    return page


def test_an_article_becomes_a_published_visit_event_and_agreement_in_six_submissions(
    page, site, article
):
    sync_editor_group(apps)  # a browser test before this one may have emptied the database
    call_command("load_reference", stdout=StringIO())
    submissions = []
    page.context.on(
        "request",
        lambda r: r.method == "POST" and "/login/" not in r.url and submissions.append(r.url),
    )
    editor = _log_in(page.context, "Editors", "redaktor")
    submit = "Сохранить и отправить на проверку"

    # 1. The article, pasted.
    editor.goto("/admin/cooperation/source/add/")
    text = ARTICLE.read_text(encoding="utf-8")
    editor.locator("#id_title").fill(text.splitlines()[0])
    editor.locator("#id_published_on").fill("2025-03-20")
    editor.locator("#id_text").fill(text)
    editor.get_by_role("button", name="Сохранить", exact=True).first.click()
    # 2. What it mentions, as proposed; a town taken for an organization is left out.
    expect(editor.locator("#mentions")).to_contain_text("Евгений Солнцев")
    town = editor.locator("#mentions tbody tr", has=editor.get_by_text("Оренбург", exact=True))
    for row in town.all():
        row.get_by_label("пропустить").check()
    editor.get_by_role("button", name="Подтвердить").click()
    expect(editor.locator(".messagelist")).to_contain_text("ссылаются на этот источник")

    # 3. The visit, drafted from the source.
    source_page = editor.url
    editor.get_by_role("link", name="Добавить делегацию по этому источнику").click()
    expect(editor.locator("#id_head")).to_contain_text("Асхат Шахаров")
    editor.locator("#id_title").fill("Делегация Актюбинской области в Оренбурге")
    editor.get_by_role("button", name=submit).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("проверку")

    # 4. Its meeting.
    editor.goto(source_page)
    editor.get_by_role("link", name="Добавить мероприятие по этому источнику").click()
    editor.locator("#id_kind").select_option("meeting")
    editor.locator("#id_title").fill("Встреча Евгения Солнцева и Асхата Шахарова")
    editor.locator("#id_start_date").fill("2025-03-19")
    editor.get_by_role("button", name=submit).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("проверку")

    # 5. The agreement signed there.
    editor.goto(source_page)
    editor.get_by_role("link", name="Добавить соглашение по этому источнику").click()
    editor.locator("#id_kind").select_option("cooperation")
    editor.locator("#id_title").fill("Соглашение о сотрудничестве на 2025–2027 годы")
    editor.get_by_role("button", name=submit).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("проверку")

    # 6. A publisher publishes the source and everything citing it.
    publisher = _log_in(page.context.browser.new_context(base_url=site.url), "Publishers", "vyp")
    publisher.context.on(
        "request",
        lambda r: r.method == "POST" and "/login/" not in r.url and submissions.append(r.url),
    )
    publisher.goto("/admin/review/")
    publisher.get_by_role("link", name="Опубликовать источник и всё, что на него ссылается").click()
    publisher.get_by_role("button", name="Опубликовать все").click()
    expect(publisher.locator(".messagelist")).to_contain_text("опубликовано")
    assert len(submissions) <= 6, submissions

    # The public finds each of them under both regions.
    public = page.context.browser.new_context(base_url=site.url).new_page()
    found = {
        Delegation: Delegation.objects.get(title="Делегация Актюбинской области в Оренбурге"),
        Event: Event.objects.get(title__startswith="Встреча Евгения"),
        Agreement: Agreement.objects.get(title__startswith="Соглашение о сотрудничестве на"),
    }
    for name in ("Оренбургская область", "Актюбинская область"):
        region = Region.objects.get(name=name)
        for model, record in found.items():
            listing = f"/{model._meta.model_name}s/?region={region.slug}"
            public.goto(listing)
            expect(public.locator("main")).to_contain_text(record.title)
