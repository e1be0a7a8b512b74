"""E-mail alerts: a visitor follows a filtered list by e-mail, confirms the address, gets a
digest of what was published since the last one, and ends it with one click."""

import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation import alerts
from cooperation.models import Event, PublicationState, Region, Subscription

from .factories import EventFactory

pytestmark = pytest.mark.django_db

ATYRAU_EVENTS = "/alerts/event/?region=atyrauskaya-oblast"
ADDRESS = "analyst@example.org"


def _links(message):
    return re.findall(r"https?://\S+", message.body)


def _subscribe(client, path=ATYRAU_EVENTS, email=ADDRESS):
    return client.post(path, {"email": email})


def _confirmed(client, path=ATYRAU_EVENTS, email=ADDRESS):
    _subscribe(client, path, email)
    confirm = next(link for link in _links(mail.outbox[-1]) if "/alerts/confirm/" in link)
    client.get(confirm)
    return Subscription.objects.get(email=email)


def _new_event(title, region="atyrauskaya-oblast", state=PublicationState.PUBLISHED):
    return EventFactory(title=title, region=Region.objects.get(slug=region), state=state)


def test_a_list_offers_an_alert_for_the_very_search_on_it(client, article):
    page = client.get("/events/?region=atyrauskaya-oblast&kind=meeting").content.decode()
    [query] = re.findall(r'href="/alerts/event/\?([^"]+)"', page)
    assert sorted(unescape(query).split("&")) == ["kind=meeting", "region=atyrauskaya-oblast"]

    form = client.get("/alerts/event/?kind=meeting&region=atyrauskaya-oblast").content.decode()
    # The search in words, as the list's filters say it.
    assert "Атырауская область" in form
    assert "встреча" in form
    assert 'type="email"' in form


def test_subscribing_sends_a_link_and_nothing_is_on_until_it_is_followed(client, article):
    response = _subscribe(client)

    assert response.status_code == 200
    assert ADDRESS in response.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.listing, subscription.query) == ("event", "region=atyrauskaya-oblast")
    assert subscription.confirmed_at is None
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert "Атырауская область" in message.body
    [confirm] = [link for link in _links(message) if "/alerts/confirm/" in link]

    page = client.get(confirm)

    assert page.status_code == 200
    assert "Оповещение включено" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert subscription.last_sent_at == subscription.confirmed_at


def test_one_search_asked_for_twice_is_one_alert(client, article):
    _subscribe(client, "/alerts/event/?region=atyrauskaya-oblast&sort=-date&page=2")
    _subscribe(client, "/alerts/event/?region=atyrauskaya-oblast")
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 2  # the link again, for whoever lost the first


def test_a_search_with_a_filter_that_does_not_parse_is_not_followed(client, article):
    response = _subscribe(client, "/alerts/event/?date_from=2025-13")
    assert response.status_code == 400
    assert "2025-13" in response.content.decode()
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_an_address_that_is_not_one_is_asked_again(client, article):
    response = _subscribe(client, email="not an address")
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_confirmation_link_expires_after_a_week(client, article, monkeypatch):
    _subscribe(client)
    [confirm] = [link for link in _links(mail.outbox[0]) if "/alerts/confirm/" in link]
    eight_days = timezone.now().timestamp() + 8 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time", SimpleNamespace(time=lambda: eight_days))

    response = client.get(confirm)

    assert response.status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_the_digest_lists_what_was_published_since_and_nothing_else(client, article):
    subscription = _confirmed(client)
    mail.outbox.clear()
    _new_event("Визит акима в Казань")
    _new_event("Форум в Казани", region="tatarstan")  # not in the search
    _new_event("Черновик встречи", state=PublicationState.DRAFT)  # not public
    old = Event.objects.get(slug="vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025")
    old.summary = "Уточнено."
    old.save()  # published before the alert began: edited, not new

    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    [digest] = mail.outbox
    assert digest.to == [ADDRESS]
    assert "Визит акима в Казань" in digest.body
    for left_out in ("Форум в Казани", "Черновик встречи", str(old)):
        assert left_out not in digest.body
    event = Event.objects.get(title="Визит акима в Казань")
    assert f"http://127.0.0.1:8000{event.get_absolute_url()}" in digest.body
    assert "1" in digest.subject

    mail.outbox.clear()
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))
    assert not mail.outbox  # nothing new since
    subscription.refresh_from_db()
    assert subscription.last_sent_at > subscription.confirmed_at


def test_a_draft_published_later_is_sent_when_it_is_published(client, article):
    _confirmed(client)
    draft = _new_event("Круглый стол в Атырау", state=PublicationState.DRAFT)
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))
    mail.outbox.clear()

    draft.state = PublicationState.PUBLISHED
    draft.save()
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    [digest] = mail.outbox
    assert "Круглый стол в Атырау" in digest.body


def test_every_digest_can_be_ended_with_one_click(client, article):
    _confirmed(client)
    mail.outbox.clear()
    _new_event("Визит акима в Казань")
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))
    [digest] = mail.outbox
    header = digest.extra_headers["List-Unsubscribe"]
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in digest.body
    path = url.removeprefix("http://127.0.0.1:8000")

    # Opening the link (as a mail service's link checker does) ends nothing ...
    page = client.get(path)
    assert page.status_code == 200
    assert ADDRESS in page.content.decode()
    assert Subscription.objects.exists()

    # ... the mail program's one-click request does, with no cookie or CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert mail_program.post(path).status_code == 200  # a second click changes nothing


def test_a_digest_comes_in_the_language_it_was_asked_for_in(client, article):
    _confirmed(client, path="/en" + ATYRAU_EVENTS)
    mail.outbox.clear()
    event = _new_event("Визит акима в Казань")
    event.title_en = "Akim's visit to Kazan"
    event.save()

    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    [digest] = mail.outbox
    assert "Akim's visit to Kazan" in digest.body
    assert "Atyrau Region" in digest.body
    assert f"http://127.0.0.1:8000/en/events/{event.slug}/" in digest.body
    assert "Events" in digest.subject


def test_alerts_never_confirmed_are_forgotten_after_a_week(client, article):
    _subscribe(client)
    _confirmed(client, email="second@example.org")
    Subscription.objects.update(created_at=timezone.now() - timedelta(days=8))

    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    assert list(Subscription.objects.values_list("email", flat=True)) == ["second@example.org"]


def test_a_digest_lists_the_first_twenty_and_links_to_the_rest(client, article):
    _confirmed(client)
    mail.outbox.clear()
    for n in range(alerts.DIGEST_ITEMS + 3):
        _new_event(f"Встреча в Атырау № {n}")

    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    [digest] = mail.outbox
    assert digest.body.count("\n* ") == alerts.DIGEST_ITEMS
    assert str(alerts.DIGEST_ITEMS + 3) in digest.subject
    assert "http://127.0.0.1:8000/events/?region=atyrauskaya-oblast" in digest.body


def test_one_client_asks_for_a_few_alerts_an_hour(article, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe": "2/h"}
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: 1_800_000_000))
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_subscribe(client, email=f"victim{n}@example.org").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_only_superusers_see_the_subscribers_in_the_admin(client, article, django_user_model):
    _confirmed(client)
    changelist = reverse("admin:cooperation_subscription_changelist")
    editor = django_user_model.objects.create_user("redaktor", password="x" * 16, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    staff = Client()
    staff.force_login(editor)
    assert staff.get(changelist).status_code == 403

    staff.force_login(django_user_model.objects.create_superuser("admin", password="x" * 16))
    assert ADDRESS in staff.get(changelist).content.decode()


def test_the_enterprises_directory_is_followed_under_its_name(client, article):
    page = client.get("/alerts/organization/?kind=enterprise&region=tatarstan").content.decode()
    assert "Республика Татарстан" in page
    assert "предприятия (все коммерческие организации)" in page  # the kind in words


def test_a_search_too_long_to_store_is_not_followed(client, article):
    response = _subscribe(client, "/alerts/event/?q=" + "Атырау+" * 300)
    assert response.status_code == 400
    assert not Subscription.objects.exists()
