"""The publishers' review queue in Debian's Chromium, and changelists on a 1366 px screen."""

import pytest
from django.apps import apps
from django.contrib import admin
from playwright.sync_api import expect

from cooperation.models import Event, PublicationState, Source
from cooperation.roles import PRIVATE_MODELS, sync_editor_group

from . import test_browser
from .admin_forms import user_in
from .conftest import CHROMIUM

# The live site with the seed article, and a page on it, as the public tests have.
site, page = test_browser.site, test_browser.page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]

LAPTOP = {"width": 1366, "height": 768}


def _log_in(page, group, username):
    # A browser test before this one may have emptied the database, groups included.
    sync_editor_group(apps)
    user = user_in(group, username)
    user.set_password("широкая-степь-1938")
    user.save()
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("широкая-степь-1938")
    page.get_by_role("button", name="Войти").click()


def test_a_publisher_publishes_a_source_and_what_cites_it_from_the_queue(page, site, article):
    Source.objects.filter(pk=article.pk).update(state=PublicationState.REVIEW)
    events = Event.objects.filter(citations__source=article)
    events.update(state=PublicationState.REVIEW)
    event = events.first()
    anonymous = page.context.browser.new_context(base_url=site.url)
    assert anonymous.new_page().goto(event.get_absolute_url()).status == 404

    _log_in(page, "Publishers", "vypuskayushchiy")
    page.goto("/admin/")
    queue = page.locator("#review-queue-module")
    expect(queue).to_contain_text("Мероприятия")
    expect(queue).to_contain_text(str(events.count()))
    queue.get_by_role("link", name="Очередь на проверку").click()
    page.get_by_role("link", name="Опубликовать источник и всё, что на него ссылается").click()
    expect(page.locator("#content")).to_contain_text(event.title)
    page.get_by_role("button", name="Опубликовать все").click()
    expect(page.locator(".messagelist")).to_contain_text("опубликовано")

    assert anonymous.new_page().goto(event.get_absolute_url()).status == 200
    anonymous.close()


def test_no_changelist_scrolls_sideways_at_1366_px(page, site):
    page.set_viewport_size(LAPTOP)
    _log_in(page, "Publishers", "vypuskayushchiy")
    too_wide = []
    for model in admin.site._registry:
        # Subscribers' addresses are for superusers alone (roles.PRIVATE_MODELS).
        if model._meta.app_label != "cooperation" or model._meta.model_name in PRIVATE_MODELS:
            continue
        page.goto(f"/admin/cooperation/{model._meta.model_name}/")
        expect(page.locator("#changelist")).to_be_visible()
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.querySelector('.results') ? document.querySelector('.results').scrollWidth"
            " - document.querySelector('.results').clientWidth : 0]"
        )
        if widths[0] > widths[1] or widths[2] > 0:
            too_wide.append(f"{model._meta.model_name}: {widths}")
    assert not too_wide
