"""Review in one pass: the change form's buttons, the publishers' queue, the read-only notice."""

import pytest
from django.test import Client
from django.urls import reverse

from cooperation.models import Event, Participation, Person, PublicationState, Source

from .admin_forms import form_data, user_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]

DRAFT, REVIEW, PUBLISHED = (
    PublicationState.DRAFT,
    PublicationState.REVIEW,
    PublicationState.PUBLISHED,
)


@pytest.fixture
def editor(client):
    user = user_in("Editors", "redaktor")
    client.force_login(user)
    return user


@pytest.fixture
def publisher():
    return user_in("Publishers", "vypuskayushchiy")


@pytest.fixture
def draft_event():
    event = Event.objects.get(slug="kazanforum-2025")
    Event.objects.filter(pk=event.pk).update(state=DRAFT)
    event.refresh_from_db()
    return event


def _change(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def _state(record):
    record.refresh_from_db()
    return record.state


def test_an_editor_saves_and_submits_for_review_from_the_form(client, editor, draft_event):
    url = _change(draft_event)
    page = client.get(url)
    assert "Сохранить и отправить на проверку" in page.text
    assert "Сохранить и опубликовать" not in page.text
    data = form_data(page, title="KazanForum 2025 (уточнено)", _submit_for_review="1")
    assert client.post(url, data).status_code == 302
    draft_event.refresh_from_db()
    assert draft_event.title == "KazanForum 2025 (уточнено)"
    assert draft_event.state == REVIEW
    assert draft_event.history.latest().history_change_reason == "Отправлено на проверку"


def test_an_editor_cannot_publish_from_the_form(client, editor, draft_event):
    url = _change(draft_event)
    response = client.post(url, form_data(client.get(url), title="Подмена", _publish="1"))
    assert response.status_code == 403
    draft_event.refresh_from_db()
    assert draft_event.state == DRAFT and draft_event.title != "Подмена"


def test_a_publisher_saves_and_publishes_from_the_form(client, publisher, draft_event):
    client.force_login(publisher)
    url = _change(draft_event)
    page = client.get(url)
    assert "Сохранить и опубликовать" in page.text
    assert client.post(url, form_data(page, _publish="1")).status_code == 302
    assert _state(draft_event) == PUBLISHED
    assert Client().get(draft_event.get_absolute_url()).status_code == 200


def test_an_editor_is_told_why_a_record_in_review_is_read_only(client, editor, publisher):
    publisher.first_name, publisher.last_name = "Айгуль", "Сарсенова"
    publisher.save()
    event = Event.objects.get(slug="kazanforum-2025")
    Event.objects.filter(pk=event.pk).update(state=REVIEW)
    text = client.get(_change(event)).text
    assert "только выпускающий редактор" in text
    assert "Айгуль Сарсенова" in text
    assert "вернуть запись в черновик" in text


def test_a_draft_shows_no_read_only_notice(client, editor, draft_event):
    assert "только выпускающий редактор" not in client.get(_change(draft_event)).text


def _in_review(article):
    """The article's source and its events in review, and one speaker still a draft."""
    Source.objects.filter(pk=article.pk).update(state=REVIEW)
    events = Event.objects.filter(citations__source=article)
    events.update(state=REVIEW)
    person = Person.objects.filter(participations__event__in=events).first()
    Person.objects.filter(pk=person.pk).update(state=DRAFT)
    return list(events), person


def test_the_index_counts_what_is_in_review_and_the_queue_groups_it_by_source(
    client, publisher, article
):
    events, _person = _in_review(article)
    client.force_login(publisher)
    index = client.get(reverse("admin:index"))
    counts = dict(index.context["review_counts"])
    assert counts["мероприятия"] == len(events)
    assert counts["источники"] == 1
    groups = dict(client.get(reverse("admin:review_queue")).context["groups"])
    assert {row["record"] for row in groups[article]} == set(events)


def test_a_publisher_publishes_a_source_and_everything_citing_it_in_one_action(
    client, publisher, article
):
    events, person = _in_review(article)
    event = events[0]
    Event.objects.filter(pk=event.pk).update(title="Уточнённое название")
    event.refresh_from_db()
    event.save()  # a version with the new title, to compare with the published one
    client.force_login(publisher)
    url = reverse("admin:review_source", args=[article.pk])
    page = client.get(url)
    planned = [row["record"] for row in page.context["rows"]]
    assert planned[0] == article
    assert set(events) | {person} <= set(planned)
    changed = next(row for row in page.context["rows"] if row["record"] == event)
    assert [c.new for c in changed["changes"]] == ["Уточнённое название"]
    person_row = next(row for row in page.context["rows"] if row["record"] == person)
    assert person_row["changes"] is None or person_row["changes"] == []
    assert "Опубликовать все" in page.text

    assert client.post(url).status_code == 302
    public = Client()
    for record in [article, person, *events]:
        assert _state(record) == PUBLISHED
        assert public.get(record.get_absolute_url()).status_code == 200
    assert event.history.latest().history_user == publisher


def test_an_editor_may_not_publish_a_source_from_the_queue(client, editor, article):
    _in_review(article)
    url = reverse("admin:review_source", args=[article.pk])
    assert client.post(url).status_code == 403
    assert _state(article) == REVIEW


def test_an_editor_is_told_why_a_part_of_a_published_event_is_read_only(client, editor):
    participation = Participation.objects.filter(event__state=PUBLISHED).first()
    text = client.get(_change(participation)).text
    assert "только выпускающий редактор" in text
