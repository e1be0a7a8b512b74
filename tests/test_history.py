"""Every change is kept: versions are compared and reverted, deleted records come back."""

import pytest
from django.urls import reverse

from cooperation.models import Citation, Event, Industry, Participation, PublicationState

from .admin_forms import form_data, user_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]

ROUND_TABLE = "kruglyy-stol-v-tpp-rt-s-akimom-atyrauskoy-oblasti-2025"


@pytest.fixture
def editor(client):
    user = user_in("Editors", "redaktor")
    client.force_login(user)
    return user


@pytest.fixture
def event():
    """A draft event with participants, organizations and industries: an editor's to change.

    Nothing else depends on the round table, so it can also be deleted.
    """
    event = Event.objects.get(slug=ROUND_TABLE)
    event.state = PublicationState.DRAFT
    event.save()
    event.industries.set(Industry.objects.filter(slug__in=["neftekhimiya", "mashinostroenie"]))
    assert event.participations.count() >= 2 and event.event_organizations.exists()
    assert event.citations.exists()
    return event


def _change(client, event, **changes):
    url = reverse("admin:cooperation_event_change", args=[event.pk])
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def test_loading_the_article_records_a_first_version(event):
    assert event.history.filter(history_type="+").exists()


def test_a_change_is_recorded_with_its_author_and_shown_as_a_difference(client, editor, event):
    _change(client, event, title="Встреча в Казанском Кремле")
    latest = event.history.latest()
    assert latest.title == "Встреча в Казанском Кремле"
    assert latest.history_user == editor
    page = client.get(reverse("admin:cooperation_event_history", args=[event.pk]))
    html = page.content.decode()
    # The history page shows what changed between versions: the old and the new title.
    assert "Встреча в Казанском Кремле" in html
    assert event.title in html


def test_reverting_restores_the_earlier_title_and_industries(client, editor, event):
    original_title = event.title
    original_industries = set(event.industries.all())
    before = event.history.latest()
    assert original_industries
    other = Industry.objects.get(slug="metallurgiya")
    _change(client, event, title="Ошибочное название", industries=[str(other.pk)])
    event.refresh_from_db()
    assert event.title == "Ошибочное название"
    assert set(event.industries.all()) == {other}

    revert = reverse("admin:cooperation_event_simple_history", args=[event.pk, before.history_id])
    response = client.post(revert, form_data(client.get(revert)))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == original_title
    assert set(event.industries.all()) == original_industries


def test_an_editor_cannot_revert_a_published_record_to_a_draft_version(client, editor, event):
    draft_version = event.history.latest()
    Event.objects.filter(pk=event.pk).update(state=PublicationState.PUBLISHED)
    revert = reverse(
        "admin:cooperation_event_simple_history", args=[event.pk, draft_version.history_id]
    )
    page = client.get(revert)
    assert page.context["revert_disabled"]
    client.post(revert, form_data(page))
    event.refresh_from_db()
    assert event.state == PublicationState.PUBLISHED


def test_a_deleted_record_is_listed_and_comes_back_with_its_parts(client, editor, event):
    participants = set(event.participations.values_list("person__slug", flat=True))
    organizations = set(event.event_organizations.values_list("organization_id", "role"))
    sources = set(event.citations.values_list("source_id", flat=True))
    industries = set(event.industries.all())
    pk = event.pk

    delete = reverse("admin:cooperation_event_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Event.objects.filter(pk=pk).exists()
    assert not Participation.objects.filter(event_id=pk).exists()

    listing = client.get(reverse("admin:deleted_records"))
    rows = [row for row in listing.context["rows"] if row["name"] == event.title]
    assert len(rows) == 1
    # Parts deleted with the event come back with it, so they are not offered on their own.
    assert not [row for row in listing.context["rows"] if row["model"] is Participation]

    restore = rows[0]["restore_url"]
    assert client.post(restore, form_data(client.get(restore))).status_code == 302
    restored = Event.objects.get(pk=pk)
    assert restored.title == event.title
    assert set(restored.participations.values_list("person__slug", flat=True)) == participants
    assert set(restored.event_organizations.values_list("organization_id", "role")) == organizations
    assert set(restored.citations.values_list("source_id", flat=True)) == sources
    assert set(restored.industries.all()) == industries
    rows = client.get(reverse("admin:deleted_records")).context["rows"]
    assert event.title not in [row["name"] for row in rows]


def test_a_part_deleted_on_its_own_is_listed_and_can_be_restored(client, editor, event):
    participation = event.participations.first()
    delete = reverse("admin:cooperation_participation_delete", args=[participation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302

    rows = client.get(reverse("admin:deleted_records")).context["rows"]
    (row,) = [row for row in rows if row["model"] is Participation]
    restore = row["restore_url"]
    assert client.post(restore, form_data(client.get(restore))).status_code == 302
    assert Participation.objects.filter(pk=participation.pk).exists()


def test_an_older_deletion_of_a_part_is_not_undone_when_its_event_is_restored(
    client, editor, event
):
    removed_earlier = event.participations.first()
    removed_earlier.delete()
    Participation.history.filter(id=removed_earlier.pk, history_type="-").update(
        history_date=event.history.latest().history_date.replace(year=2020)
    )
    client.post(reverse("admin:cooperation_event_delete", args=[event.pk]), {"post": "yes"})
    rows = client.get(reverse("admin:deleted_records")).context["rows"]
    (row,) = [row for row in rows if row["name"] == event.title]
    client.post(row["restore_url"], form_data(client.get(row["restore_url"])))
    assert Event.objects.filter(pk=event.pk).exists()
    assert not Participation.objects.filter(pk=removed_earlier.pk).exists()
    assert Citation.objects.filter(object_id=event.pk).exists()
