"""Draft → in review → published: editors submit, only publishers publish."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cooperation.models import Country, Event, Participation, PublicationState

from .admin_forms import form_data, user_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]

DRAFT, REVIEW, PUBLISHED = (
    PublicationState.DRAFT,
    PublicationState.REVIEW,
    PublicationState.PUBLISHED,
)
CHANGELIST = "admin:cooperation_event_changelist"


@pytest.fixture
def editor(client):
    user = user_in("Editors", "redaktor")
    client.force_login(user)
    return user


@pytest.fixture
def publisher(client):
    user = user_in("Publishers", "vypuskayushchiy")
    client.force_login(user)
    return user


@pytest.fixture
def draft_event():
    event = Event.objects.get(slug="kazanforum-2025")
    Event.objects.filter(pk=event.pk).update(state=DRAFT)
    event.refresh_from_db()
    return event


def _state(record):
    record.refresh_from_db()
    return record.state


def _act(client, action, record):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [record.pk]})


def test_an_editor_submits_a_draft_for_review_and_history_says_who(client, editor, draft_event):
    _act(client, "submit_for_review", draft_event)
    assert _state(draft_event) == REVIEW
    latest = draft_event.history.latest()
    assert latest.history_user == editor
    with translation.override("ru"):  # the language of the admin at /admin/
        assert latest.history_change_reason == translation.gettext("Submitted for review")


def test_an_editor_is_not_offered_publishing_or_unpublishing(client, editor):
    actions = dict(client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions
    assert "publish" not in actions and "return_to_draft" not in actions


def test_an_editor_cannot_publish_by_a_crafted_action_post(client, editor, draft_event):
    _act(client, "submit_for_review", draft_event)
    _act(client, "publish", draft_event)
    assert _state(draft_event) == REVIEW


def test_an_editor_cannot_pick_published_in_the_state_field(client, editor):
    country = Country.objects.get(code="KZ")
    Country.objects.filter(pk=country.pk).update(state=DRAFT)
    url = reverse("admin:cooperation_country_change", args=[country.pk])
    page = client.get(url)
    assert [value for value, _ in page.context["adminform"].form.fields["state"].choices] == [
        DRAFT,
        REVIEW,
    ]
    response = client.post(url, form_data(page, state=PUBLISHED))
    assert response.status_code == 200  # the form comes back with an error
    assert "state" in response.context["adminform"].form.errors
    assert _state(country) == DRAFT


def test_an_editor_can_neither_change_nor_delete_a_record_in_review_or_published(
    client, editor, draft_event
):
    published = Event.objects.get(slug="vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025")
    Event.objects.filter(pk=draft_event.pk).update(state=REVIEW)
    for event in (published, draft_event):
        change = reverse("admin:cooperation_event_change", args=[event.pk])
        page = client.get(change)
        assert page.status_code == 200 and not page.context["has_change_permission"]
        assert client.post(change, {"title": "Подмена"}).status_code == 403
        delete = reverse("admin:cooperation_event_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(title="Подмена").count() == 0


def test_an_editor_cannot_change_a_part_of_a_published_record(client, editor):
    participation = Participation.objects.filter(event__state=PUBLISHED).first()
    url = reverse("admin:cooperation_participation_change", args=[participation.pk])
    assert not client.get(url).context["has_change_permission"]
    assert client.post(url, {"role": "Подмена"}).status_code == 403


def test_an_editor_changes_a_draft(client, editor, draft_event):
    url = reverse("admin:cooperation_event_change", args=[draft_event.pk])
    response = client.post(url, form_data(client.get(url), title="KazanForum 2025 (уточнено)"))
    assert response.status_code == 302
    draft_event.refresh_from_db()
    assert draft_event.title == "KazanForum 2025 (уточнено)"
    assert draft_event.state == DRAFT


def test_a_publisher_publishes_a_record_in_review_and_the_public_sees_it(
    client, publisher, draft_event
):
    public = Client()  # staff see drafts as previews; the public does not
    Event.objects.filter(pk=draft_event.pk).update(state=REVIEW)
    assert public.get(draft_event.get_absolute_url()).status_code == 404
    _act(client, "publish", draft_event)
    assert _state(draft_event) == PUBLISHED
    assert draft_event.history.latest().history_user == publisher
    assert public.get(draft_event.get_absolute_url()).status_code == 200


def test_a_publisher_returns_a_published_record_to_draft(client, publisher):
    event = Event.objects.get(slug="kazanforum-2025")
    _act(client, "return_to_draft", event)
    assert _state(event) == DRAFT


def test_a_publisher_may_publish_in_the_form_but_not_without_a_published_source(
    client, publisher, draft_event
):
    url = reverse("admin:cooperation_event_change", args=[draft_event.pk])
    assert client.post(url, form_data(client.get(url), state=PUBLISHED)).status_code == 302
    assert _state(draft_event) == PUBLISHED

    draft_event.citations.update(source=_draft_source())
    Event.objects.filter(pk=draft_event.pk).update(state=DRAFT)
    client.post(url, form_data(client.get(url), state=PUBLISHED))
    assert _state(draft_event) == REVIEW


def _draft_source():
    from cooperation.models import Source

    return Source.objects.create(title="Непроверенная заметка", state=DRAFT)


def test_only_publishers_hold_publish_permissions():
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    publishers = Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    assert not [codename for codename in editors if codename.startswith("publish_")]
    assert {"publish_event", "publish_agreement", "publish_source"} <= set(publishers)
    assert set(editors) < set(publishers)
