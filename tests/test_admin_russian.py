"""The admin names each kind of record in correct Russian: declined after "Добавить",
agreeing in gender in the messages; English reads as Django's texts do."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from cooperation.admin_grammar import NOUNS
from cooperation.models import Country, Delegation, Event, Source

from .admin_forms import form_data, user_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]


@pytest.fixture
def publisher(client):
    user = user_in("Publishers", "vypuskayushchiy")
    client.force_login(user)
    return user


def _messages(response):
    return [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]


def test_add_buttons_and_titles_decline_every_kind(client, publisher):
    expected = {
        Delegation: "Добавить делегацию",
        Event: "Добавить мероприятие",
        Source: "Добавить источник",
        Country: "Добавить страну",
    }
    for model, label in expected.items():
        changelist = client.get(reverse(f"admin:cooperation_{model._meta.model_name}_changelist"))
        assert label in changelist.text
        add = client.get(reverse(f"admin:cooperation_{model._meta.model_name}_add"))
        assert add.context["title"] == label
    # Every kind the admin shows is in the table; none falls back to the nominative.
    shown = {m._meta.model_name for m in admin.site._registry if m._meta.app_label == "cooperation"}
    assert shown <= set(NOUNS)


def test_a_changed_delegation_is_reported_in_the_feminine(client, publisher):
    delegation = Delegation.objects.first()
    url = reverse("admin:cooperation_delegation_change", args=[delegation.pk])
    page = client.get(url)
    assert page.context["title"] == "Изменить делегацию"
    response = client.post(url, form_data(page))
    assert response.status_code == 302
    assert f"Делегация «{delegation}» была успешно изменена." in _messages(response)


def test_an_added_country_and_its_continue_message(client, publisher):
    url = reverse("admin:cooperation_country_add")
    data = {"code": "UZ", "name": "Узбекистан", "name_en": "Uzbekistan", "state": "draft"}
    response = client.post(url, {**data, "_addanother": "1"})
    assert _messages(response) == [
        "Страна «Узбекистан» была успешно добавлена. Ниже можно добавить ещё одну страну."
    ]


def test_english_is_unchanged(client, publisher):
    event = Event.objects.first()
    # The whole test in English: a request to /en/ leaves English active in this thread.
    with translation.override("en"):
        url = reverse("admin:cooperation_event_change", args=[event.pk])
        assert client.get(reverse("admin:cooperation_event_add")).context["title"] == "Add event"
        response = client.post(url, {**form_data(client.get(url)), "_continue": "1"})
        assert _messages(response) == [
            f"The event “{event}” was changed successfully. You may edit it again below."
        ]
