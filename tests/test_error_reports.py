"""A visitor reports an error from a record's page; the editors find it in their queue."""

import re
import time
from html import unescape
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from cooperation import corrections
from cooperation.models import ErrorReport, Event, Organization

pytestmark = pytest.mark.django_db

MEETING = "vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025"
MESSAGE = "Встреча прошла 21 февраля, а не 20-го: так пишут и другие издания."


def _form(html):
    """The report form's fields as the page gives them: {name: value}."""
    form = re.search(r'<form method="post" action="/(?:en/)?report/".*?</form>', html, re.S)
    assert form, "the page has no error report form"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[0]))
    return {name: unescape(value) for name, value in fields.items()}


def _later(monkeypatch, seconds):
    """The visitor sends the form `seconds` after the page was rendered."""
    now = corrections.time.time() + seconds  # after any earlier wait of the test
    monkeypatch.setattr(corrections, "time", SimpleNamespace(time=lambda: now))


def _send(client, page, monkeypatch, after=30, **fields):
    data = {**_form(client.get(page).content.decode()), "message": MESSAGE, **fields}
    _later(monkeypatch, after)
    return client.post(reverse("cooperation:report-error"), data)


@pytest.mark.parametrize(
    "page",
    [
        f"/events/{MEETING}/",
        "/regions/atyrauskaya-oblast/",
        "/organizations/kamaz/",
        "/people/rustam-minnikhanov/",
        "/agreements/soglashenie-o-sotrudnichestve-promyshlennogo-klastera-tatarstana-i-spk-atyrau-2025/",
        "/delegations/delegatsiya-atyrauskoy-oblasti-v-tatarstane-2025/",
        "/industries/mashinostroenie/",
        "/topics/investitsionnyy-klimat/",
        "/sources/minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti/",
        "/regions/tatarstan/atyrauskaya-oblast/",
        "/en/events/vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025/",
    ],
)
def test_every_record_page_ends_with_the_form_that_reaches_the_editors(
    client, article, monkeypatch, page
):
    response = _send(client, page, monkeypatch, email="reader@example.org")

    assert response.status_code == 200
    report = ErrorReport.objects.get()
    assert (report.page, report.message, report.email) == (page, MESSAGE, "reader@example.org")
    assert report.state == ErrorReport.State.NEW


def test_a_report_names_the_record_its_page_shows(client, article, monkeypatch):
    _send(client, f"/events/{MEETING}/", monkeypatch)
    assert ErrorReport.objects.get().record == Event.objects.get(slug=MEETING)

    ErrorReport.objects.all().delete()
    _send(client, "/regions/tatarstan/atyrauskaya-oblast/", monkeypatch)
    # The dossier of a pair is no one record: its address says which pair.
    assert ErrorReport.objects.get().record is None


def test_the_reporter_is_told_what_happens_next_and_led_back(client, article, monkeypatch):
    response = _send(client, f"/events/{MEETING}/", monkeypatch)
    html = response.content.decode()
    assert "Что дальше" in html
    assert "проверяет страницу по источникам" in html
    assert f'href="/events/{MEETING}/"' in html


def test_a_form_sent_quicker_than_anyone_reads_it_is_shown_again(client, article, monkeypatch):
    response = _send(client, f"/events/{MEETING}/", monkeypatch, after=1)

    assert response.status_code == 400
    assert not ErrorReport.objects.exists()
    html = response.content.decode()
    assert "отправьте его ещё раз" in html
    assert MESSAGE in html  # nothing typed is lost
    # Sent again with the new form a while later, it is stored.
    data = {**_form(html), "message": MESSAGE}
    _later(monkeypatch, 60)
    assert client.post(reverse("cooperation:report-error"), data).status_code == 200
    assert ErrorReport.objects.get().page == f"/events/{MEETING}/"


def test_a_form_left_open_for_days_is_shown_again(client, article, monkeypatch):
    response = _send(client, f"/events/{MEETING}/", monkeypatch, after=3 * 24 * 3600)
    assert response.status_code == 400
    assert not ErrorReport.objects.exists()


def test_what_robots_fill_in_is_not_stored(client, article, monkeypatch):
    response = _send(client, f"/events/{MEETING}/", monkeypatch, website="http://spam.example")
    assert response.status_code == 200  # told nothing that would help it
    assert not ErrorReport.objects.exists()


def test_a_form_not_rendered_by_the_portal_is_refused(client, article, monkeypatch):
    token = corrections.report_token("/events/any/", now=time.time() - 60)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(
        reverse("cooperation:report-error"), {"token": forged, "message": MESSAGE}
    )
    assert response.status_code == 400
    assert not ErrorReport.objects.exists()


def test_a_report_posted_by_another_site_is_refused(client, article, monkeypatch):
    data = {**_form(client.get(f"/events/{MEETING}/").content.decode()), "message": MESSAGE}
    _later(monkeypatch, 30)
    response = client.post(
        reverse("cooperation:report-error"), data, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert not ErrorReport.objects.exists()


def test_one_client_sends_a_few_reports_an_hour(article, settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/h"}
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: 1_800_000_000))
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_send(client, f"/events/{MEETING}/", monkeypatch).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert ErrorReport.objects.count() == 2
    # Another visitor is not held back by the first.
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert _send(other, f"/events/{MEETING}/", monkeypatch).status_code == 200


def test_record_pages_with_the_form_are_still_kept_for_visitors(client, article):
    # No CSRF cookie: a page that sets a cookie is never kept (cooperation/page_cache.py).
    response = client.get(f"/events/{MEETING}/")
    assert 'name="token"' in response.content.decode()
    assert not response.cookies


def test_editors_work_through_the_queue_from_the_admin_index(client, article, monkeypatch):
    _send(client, f"/events/{MEETING}/", monkeypatch, email="reader@example.org")
    editor = User.objects.create_user("redaktor", password="x" * 16, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    staff = Client()
    staff.force_login(editor)

    index = staff.get(reverse("admin:index")).content.decode()
    assert re.search(r"Новые, ещё не проверенные</a></th><td>1<", index)
    queue = staff.get(reverse("admin:cooperation_errorreport_changelist")).content.decode()
    event = Event.objects.get(slug=MEETING)
    assert reverse("admin:cooperation_event_change", args=[event.pk]) in queue
    assert "reader@example.org" in queue

    report = ErrorReport.objects.get()
    change = staff.get(reverse("admin:cooperation_errorreport_change", args=[report.pk]))
    assert MESSAGE in change.content.decode()
    assert f'href="/events/{MEETING}/"' in change.content.decode()
    staff.post(
        reverse("admin:cooperation_errorreport_changelist"),
        {"action": "mark_corrected", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.state == ErrorReport.State.CORRECTED
    index = staff.get(reverse("admin:index")).content.decode()
    assert re.search(r"Новые, ещё не проверенные</a></th><td>0<", index)


def test_a_report_is_not_content_and_changes_no_kept_page(client, article, monkeypatch):
    from django.db import connection

    _send(client, f"/events/{MEETING}/", monkeypatch)
    waiting = [callback for _ids, callback, _robust in connection.run_on_commit]
    assert not any(getattr(c, "__name__", "") == "_new_version" for c in waiting)
    # While a record's save does announce a change.
    Organization.objects.first().save()
    waiting = [callback for _ids, callback, _robust in connection.run_on_commit]
    assert any(getattr(c, "__name__", "") == "_new_version" for c in waiting)
