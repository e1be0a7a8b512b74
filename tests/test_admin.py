"""An editor works in the admin: every page renders, users and groups stay out of reach."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from cooperation.article_loader import article_load
from cooperation.models import (
    Agreement,
    Citation,
    Event,
    Person,
    PublicationState,
    Source,
    Submission,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, article):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def _registered():
    """The editors' records; what visitors send has its tests (test_error_reports.py,
    test_alerts.py)."""
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label == "cooperation" and not issubclass(model, Submission)
    ]


def test_every_changelist_add_and_change_page_renders_for_an_editor(client, editor):
    # The article has no road map; these data have commitments and their progress.
    article_load(path=Path(__file__).parent / "data" / "road-maps" / "road-map.yaml")
    assert len(_registered()) >= 20
    for model in _registered():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist + "?q=Атырау").status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        # Citations are added on the record that cites, never on their own.
        assert client.get(add).status_code == (403 if model is Citation else 200), add
        obj = model._default_manager.first()
        assert obj is not None, f"the article's data has no {opts.model_name}"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change


def test_an_editor_cannot_reach_users_or_groups(client, editor):
    for name in ("auth_user_changelist", "auth_group_changelist", "auth_user_add"):
        assert client.get(reverse(f"admin:{name}")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/" not in index


def test_searching_organizations_finds_them_by_alias(client, editor):
    response = client.get(reverse("admin:cooperation_organization_changelist") + "?q=ТПП+РТ")
    assert "Торгово-промышленная палата Республики Татарстан" in response.content.decode()


def test_the_agreement_page_shows_both_parties_and_signatories(client, editor):
    agreement = Agreement.objects.get()
    listing = client.get(reverse("admin:cooperation_agreement_changelist") + "?q=Атырау")
    assert agreement.title in listing.content.decode()
    page = client.get(reverse("admin:cooperation_agreement_change", args=[agreement.pk]))
    html = page.content.decode()
    for name in ("Сергей Майоров", "Данияр Таханов", "СПК «Атырау»", "Промышленный кластер"):
        assert name in html


def _inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_an_editor_enters_a_new_event_with_two_participants_in_one_form(client, editor):
    minnikhanov = Person.objects.get(slug="rustam-minnikhanov")
    shapkenov = Person.objects.get(slug="serik-shapkenov")
    source = Source.objects.get()
    citation_prefix = "cooperation-citation-content_type-object_id"
    data = {
        "kind": "meeting",
        "status": "planned",
        "title": "Новая встреча в Атырау",
        "title_en": "",
        "state": PublicationState.DRAFT,
        "start_date": "2025-09",
        "start_precision": "month",
        "end_precision": "day",
        "slug": "",
        **_inline_management("participations", 2),
        "participations-0-person": minnikhanov.pk,
        "participations-0-role": "Раис Республики Татарстан",
        "participations-0-order": "0",
        "participations-1-person": shapkenov.pk,
        "participations-1-role": "аким Атырауской области",
        "participations-1-order": "1",
        **_inline_management("event_organizations", 0),
        **_inline_management("statements", 0),
        **_inline_management("invitations", 0),
        **_inline_management(citation_prefix, 1),
        f"{citation_prefix}-0-source": source.pk,
        f"{citation_prefix}-0-quote": "",
    }
    # The form takes a month as a date; the editor types the first day and picks "month".
    data["start_date"] = "2025-09-01"
    response = client.post(reverse("admin:cooperation_event_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Event.objects.get(title="Новая встреча в Атырау")
    assert [p.person for p in event.participations.all()] == [minnikhanov, shapkenov]
    assert event.dates == "сентябрь 2025"
    assert event.state == PublicationState.DRAFT
    assert [c.source for c in event.citations.all()] == [source]


def test_an_event_without_a_source_is_refused_with_a_message(client, editor):
    citation_prefix = "cooperation-citation-content_type-object_id"
    data = {
        "kind": "meeting",
        "status": "held",
        "title": "Встреча без источника",
        "state": PublicationState.DRAFT,
        "start_date": "2025-01-10",
        "start_precision": "day",
        "end_precision": "day",
        **_inline_management("participations", 0),
        **_inline_management("event_organizations", 0),
        **_inline_management("statements", 0),
        **_inline_management("invitations", 0),
        **_inline_management(citation_prefix, 0),
    }
    response = client.post(reverse("admin:cooperation_event_add"), data)
    assert response.status_code == 200
    assert not Event.objects.filter(title="Встреча без источника").exists()


@pytest.fixture
def publisher(client, editor):
    user = User.objects.create_user("vypuskayushchiy", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    return user


def test_publish_and_return_to_draft_actions_change_the_state(client, publisher):
    event = Event.objects.get(slug="kazanforum-2025")
    changelist = reverse("admin:cooperation_event_changelist")
    client.post(changelist, {"action": "return_to_draft", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.state == PublicationState.DRAFT
    client.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.state == PublicationState.PUBLISHED


def test_publishing_refuses_a_record_that_cites_no_source(client, publisher):
    event = Event.objects.create(
        kind="meeting", title="Без источника", start_date=dt.date(2025, 3, 3)
    )
    changelist = reverse("admin:cooperation_event_changelist")
    response = client.post(
        changelist, {"action": "publish", "_selected_action": [event.pk]}, follow=True
    )
    event.refresh_from_db()
    assert event.state == PublicationState.DRAFT
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "1" in warnings[0]


def test_publishing_refuses_a_record_whose_only_source_is_a_draft(client, publisher):
    source = Source.objects.create(title="Черновик источника", state=PublicationState.DRAFT)
    event = Event.objects.create(
        kind="meeting", title="Со скрытым источником", start_date=dt.date(2025, 3, 3)
    )
    event.citations.create(source=source)
    changelist = reverse("admin:cooperation_event_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.state == PublicationState.DRAFT


def test_the_editors_group_holds_every_cooperation_permission_but_publishing():
    from django.apps import apps

    group = Group.objects.get(name="Editors")
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    expected = {
        ("cooperation", f"{action}_{model._meta.model_name}")
        for model in apps.get_app_config("cooperation").get_models()
        if not model._meta.model_name.startswith("historical")  # read through the records
        and model._meta.model_name != "subscription"  # the next test
        for action in ("add", "change", "delete", "view")
    }
    assert granted == expected
    assert ("cooperation", "change_errorreport") in granted


def test_no_group_sees_the_addresses_of_those_who_subscribe_to_alerts():
    codenames = Group.objects.filter(permissions__codename__endswith="_subscription")
    assert not codenames.exists()


def test_an_editor_never_types_a_primary_key_on_a_citation(client, editor):
    citation = Citation.objects.first()
    page = client.get(reverse("admin:cooperation_citation_change", args=[citation.pk]))
    html = page.content.decode()
    assert 'name="object_id"' not in html
    assert 'name="content_type"' not in html
    assert str(citation.content_object) in html
