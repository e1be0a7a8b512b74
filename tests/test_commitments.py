"""What came of each agreement: agreement families, commitments and their cited progress.

The data are the seed article's (KazanForum, the invitation, the cluster's agreement) and a
framework agreement between the Government of Tatarstan and the Akimat of Atyrau Region,
the road map for 2022–2024 implementing it and the road map for 2025–2027 replacing that
one, with numbered items, owners and partial due dates, reported on by two sources
(tests/data/road-maps/).
"""

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from cooperation.article_loader import article_load
from cooperation.models import (
    Agreement,
    Commitment,
    Event,
    ProgressUpdate,
    PublicationState,
)

from .factories import SourceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "road-maps"
FRAMEWORK = "soglashenie-rt-atyrau-2019"
MAP_2022 = "dorozhnaya-karta-rt-atyrau-2022"
MAP_2025 = "dorozhnaya-karta-rt-atyrau-2025"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def road_maps(article):
    article_load(path=DATA / "road-map.yaml")
    article_load(path=DATA / "mission-news.yaml")
    return {slug: Agreement.objects.get(slug=slug) for slug in (FRAMEWORK, MAP_2022, MAP_2025)}


def _item(agreement, number):
    return Commitment.objects.with_status().get(agreement__slug=agreement, number=number)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- the model ---------------------------------------------------------------------------


def test_road_maps_implement_the_framework_and_the_later_one_replaces_the_earlier(road_maps):
    framework, earlier, later = road_maps[FRAMEWORK], road_maps[MAP_2022], road_maps[MAP_2025]
    assert earlier.implements == framework and later.implements == framework
    assert later.replaces == earlier
    assert [a.slug for a in earlier.family(Agreement.objects.public())] == [
        FRAMEWORK,
        MAP_2022,
        MAP_2025,
    ]


def test_validity_and_due_dates_keep_what_the_source_gave_and_end_on_the_last_day(road_maps):
    framework = road_maps[FRAMEWORK]
    assert framework.valid_from == dt.date(2019, 10, 1)
    assert framework.valid_until == dt.date(2024, 12, 31)
    assert framework.auto_extends
    with translation.override("ru"):
        assert framework.validity == "октябрь 2019 – 2024, продлевается автоматически"
        earlier = road_maps[MAP_2022]
        assert earlier.validity == "2022 – 2024"  # a term with no extension says no more
        earlier.valid_from = None
        assert earlier.validity == "… – 2024"  # an end alone is still shown
    item = _item(MAP_2022, "1")
    assert item.due_date == dt.date(2022, 9, 30) and item.due_precision == "month"


def test_a_status_is_that_of_the_latest_cited_update_from_either_source(road_maps):
    assert _item(MAP_2022, "1").status == "done"  # in progress (June), done (October)
    assert _item(MAP_2022, "3").status == "dropped"
    assert _item(MAP_2022, "2").status == "planned"  # no update: as the road map says
    sources = {
        update.citations.get().source.slug
        for update in ProgressUpdate.objects.filter(commitment__agreement__slug=MAP_2022)
    }
    assert sources == {"dorozhnaya-karta-rt-atyrau", "torgovaya-missiya-v-atyrau"}


def test_overdue_is_derived_from_the_due_date_and_the_status(road_maps):
    today = dt.date(2026, 1, 1)
    overdue = Commitment.objects.overdue(today)
    # Due in 2023, never reported on; due May 2025, KazanForum's outcome unrecorded.
    assert {(c.agreement.slug, c.number) for c in overdue} == {(MAP_2022, "2"), (MAP_2025, "1")}
    # Done and dropped items are never overdue; one not yet due is not either.
    assert not Commitment.objects.overdue(dt.date(2022, 1, 1)).exists()
    assert set(Agreement.objects.with_overdue(today).values_list("slug", flat=True)) == {
        MAP_2022,
        MAP_2025,
    }


def test_a_draft_update_changes_no_public_status(road_maps):
    item = _item(MAP_2022, "2")
    ProgressUpdate.objects.create(
        commitment=item, date=dt.date(2024, 1, 1), status="done", state=PublicationState.DRAFT
    )
    assert _item(MAP_2022, "2").status == "planned"


def test_an_agreement_in_force_is_within_its_term_or_extended_automatically(road_maps):
    in_force = set(Agreement.objects.in_force(dt.date(2026, 1, 1)).values_list("slug", flat=True))
    assert FRAMEWORK in in_force  # its term ended in 2024, but it extends itself
    assert MAP_2025 in in_force
    assert MAP_2022 not in in_force  # completed


def test_the_database_refuses_a_term_ending_before_it_starts_and_a_link_to_itself(road_maps):
    framework = road_maps[FRAMEWORK]
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=framework.pk).update(valid_until=dt.date(2018, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=framework.pk).update(replaces=framework.pk)
    framework.amends = framework
    with pytest.raises(ValidationError):
        framework.full_clean()


def test_loading_the_road_maps_again_changes_nothing(road_maps):
    report = article_load(path=DATA / "road-map.yaml", update=True)
    assert not report.created and not report.updated


def test_every_commitment_and_update_cites_its_source(road_maps):
    for record in [*Commitment.objects.all(), *ProgressUpdate.objects.all()]:
        assert record.citations.exists(), record


# --- pages ------------------------------------------------------------------------------


def test_the_agreement_page_shows_its_family_commitments_and_progress(client, road_maps):
    with translation.override("en"):
        html = _page(client, f"/en/agreements/{MAP_2022}/")
    assert "1 of 3 commitments done, 1 overdue" in html
    assert '<progress id="progress-done" max="3" value="1">' in html
    assert "implements" in html and "replaces and continues" in html
    assert road_maps[MAP_2025].get_absolute_url().replace("/agreements", "/en/agreements") in html
    # Both sources of the progress are cited beside it.
    assert "The trade mission visited Atyrau." in html
    assert "/sources/torgovaya-missiya-v-atyrau/" in html
    assert "/sources/dorozhnaya-karta-rt-atyrau/" in html


def test_the_commitments_list_filters_by_status_overdue_region_and_agreement(client, road_maps):
    def listed(query):
        response = client.get(f"/commitments/?{query}")
        assert response.status_code == 200
        return {(c.agreement.slug, c.number) for c in response.context["page_obj"]}

    assert listed("status=done") == {(MAP_2022, "1")}
    assert listed("overdue=yes") == {(MAP_2022, "2"), (MAP_2025, "1")}
    assert listed(f"agreement={MAP_2025}") == {(MAP_2025, "1"), (MAP_2025, "2")}
    assert listed("region=tatarstan&partner=atyrauskaya-oblast&status=dropped") == {(MAP_2022, "3")}
    assert listed("organization=spk-atyrau") == {(MAP_2022, "2"), (MAP_2022, "3")}
    assert listed("date_from=2025&date_to=2025") == {(MAP_2025, "1")}
    facets = {
        facet.param: values for facet, values in client.get("/commitments/").context["facets"]
    }
    assert {v.value: v.count for v in facets["status"]} == {"planned": 3, "done": 1, "dropped": 1}
    assert [(v.value, v.count) for v in facets["overdue"]] == [("yes", 2)]


def test_a_bad_status_is_reported_not_a_server_error(client, road_maps):
    response = client.get("/commitments/?status=signed")
    assert response.status_code == 200
    assert response.context["problems"]


def test_agreements_filter_by_overdue_commitments(client, road_maps):
    def listed(query):
        return {a.slug for a in client.get(f"/agreements/?{query}").context["page_obj"]}

    assert listed("has_overdue=yes") == {MAP_2022, MAP_2025}
    assert listed("has_overdue=yes&status=in_force") == {MAP_2025}
    assert FRAMEWORK in listed("has_overdue=no")


def test_commitments_export_as_csv_and_json_with_the_filters(client, road_maps):
    response = client.get(f"/commitments/?format=csv&agreement={MAP_2022}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    assert [(r["number"], r["status"], r["due"]) for r in rows] == [
        ("1", "done", "2022-09"),
        ("2", "planned", "2023"),
        ("3", "dropped", "2024-06"),
    ]
    assert rows[0]["url"].endswith(f"/agreements/{MAP_2022}/#commitment-{_item(MAP_2022, '1').pk}")
    assert rows[1]["responsible"] == "promyshlennyy-klaster-tatarstana; spk-atyrau"
    records = json.loads(b"".join(client.get("/commitments/?format=json&status=dropped")))
    assert [r["text"] for r in records] == ["Провести выставку атырауских производителей в Казани."]


def test_progress_comes_as_a_feed_per_agreement_and_per_filter(client, road_maps):
    def titles(query):
        response = client.get(f"/commitments/feed/?{query}")
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]

    with translation.override("en"):
        assert len(titles(f"agreement={MAP_2022}")) == 3
        assert titles(f"agreement={MAP_2025}") == []
        assert len(titles("status=dropped")) == 1
    assert client.get("/commitments/feed/?overdue=maybe").status_code == 400


def test_an_event_past_its_date_and_still_planned_says_so(client, road_maps):
    with translation.override("en"):
        html = _page(client, "/en/events/kazanforum-2025/")
    assert "Date passed, outcome not recorded" in html
    # It carries out an item of the 2025 road map, and says so.
    assert "Have an Atyrau Region delegation take part in KazanForum." in html
    assert Event.objects.get(slug="kazanforum-2025").status == "planned"  # nothing invented


def test_the_dossier_lists_the_invitation_and_what_came_of_the_agreements(client, road_maps):
    with translation.override("en"):
        html = _page(client, "/en/regions/tatarstan/atyrauskaya-oblast/")
    invitations = html.split('id="invitations"')[1].split("</section>")[0]
    assert "/en/events/kazanforum-2025/" in invitations
    assert "date passed, outcome not recorded" in invitations
    assert "/en/people/rustam-minnikhanov/" in invitations
    follow_up = html.split('id="follow-up"')[1].split("</section>")[0]
    assert "Agreements in force" in follow_up and f"/en/agreements/{FRAMEWORK}/" in follow_up
    assert "Work out a joint venture making oil and gas equipment." in follow_up  # overdue
    assert "The trade mission visited Atyrau." in follow_up  # latest progress


def test_the_region_page_shows_overdue_commitments(client, road_maps):
    html = _page(client, "/regions/atyrauskaya-oblast/")
    follow_up = html.split('id="follow-up"')[1].split("</section>")[0]
    assert "Проработать создание совместного предприятия" in follow_up


def test_draft_commitments_stay_off_the_public_pages(client, road_maps):
    Commitment.objects.filter(agreement__slug=MAP_2025, number="2").update(state="draft")
    assert "торговый дом" not in _page(client, f"/agreements/{MAP_2025}/")
    assert "торговый дом" not in _page(client, "/commitments/")


# --- editors ----------------------------------------------------------------------------


@pytest.fixture
def editor(client, road_maps):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    return user


def test_the_admin_index_lists_what_needs_an_editor(client, editor):
    ending = Agreement.objects.get(slug=FRAMEWORK)
    ending.valid_until = dt.date.today() + dt.timedelta(days=30)
    ending.valid_until_precision = "day"
    ending.auto_extends = False
    ending.save()
    with translation.override("en"):
        html = _page(client, reverse("admin:index"))
    todo = html.split('id="todo-module"')[1].split("</table>")[0]
    assert "KazanForum" in todo
    assert ending.title_en in todo
    assert "Work out a joint venture making oil and gas equipment." in todo


def test_an_editor_adds_commitments_inline_on_the_agreement(client, editor):
    agreement = Agreement.objects.get(slug=MAP_2025)
    page = client.get(reverse("admin:cooperation_agreement_change", args=[agreement.pk]))
    assert page.status_code == 200
    assert "commitments-TOTAL_FORMS" in page.content.decode()


def _commitments_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    file = io.BytesIO(out.getvalue().encode("utf-8"))
    file.name = "road-map.csv"
    return file


def _row(number, **values):
    return {
        "agreement": MAP_2025,
        "number": number,
        "text": f"Пункт {number}",
        "text_en": "",
        "responsible": "tpp-rt",
        "due": "2026-06",
        "state": "draft",
        "sources": "dorozhnaya-karta-rt-atyrau",
        **values,
    }


def test_a_road_map_table_imports_after_a_dry_run(client, editor):
    url = reverse("admin:cooperation_commitment_import")
    response = client.post(
        url,
        {"import_file": _commitments_csv([_row("3"), _row("4")]), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert not Commitment.objects.filter(agreement__slug=MAP_2025, number="3").exists()
    confirm = response.context["confirm_form"].initial
    client.post(reverse("admin:cooperation_commitment_process_import"), confirm)
    item = Commitment.objects.get(agreement__slug=MAP_2025, number="3")
    assert item.due_date == dt.date(2026, 6, 30)
    assert list(item.responsible.values_list("slug", flat=True)) == ["tpp-rt"]
    assert item.citations.get().source.slug == "dorozhnaya-karta-rt-atyrau"


def test_a_road_map_table_with_one_bad_row_imports_nothing(client, editor):
    rows = [_row("3"), _row("4", responsible="net-takoy-organizatsii")]
    with translation.override("en"):
        response = client.post(
            reverse("admin:cooperation_commitment_import"),
            {"import_file": _commitments_csv(rows), "format": "0", "resource": "0"},
        )
    html = response.content.decode()
    assert "«net-takoy-organizatsii»" in html
    assert 'name="confirm"' not in html
    assert not Commitment.objects.filter(number__in=["3", "4"], agreement__slug=MAP_2025).exists()


def test_a_progress_update_is_entered_from_its_own_source(client, editor):
    item = _item(MAP_2022, "2")
    source = SourceFactory(title="Совместное предприятие открыто")
    response = client.post(
        reverse("admin:cooperation_progressupdate_add"),
        {
            "commitment": item.pk,
            "date": "2024-03-01",
            "precision": "month",
            "status": "done",
            "note": "Совместное предприятие открыто.",
            "note_en": "",
            "state": "published",
            "cooperation-citation-content_type-object_id-TOTAL_FORMS": "1",
            "cooperation-citation-content_type-object_id-INITIAL_FORMS": "0",
            "cooperation-citation-content_type-object_id-0-source": source.pk,
            "cooperation-citation-content_type-object_id-0-quote": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _item(MAP_2022, "2").status == "done"
    assert not Commitment.objects.overdue().filter(pk=item.pk).exists()


# --- open data -----------------------------------------------------------------------------


def test_the_api_gives_an_agreements_family_and_its_commitments_with_cited_progress(
    client, road_maps
):
    later = client.get(f"/api/v1/agreements/{MAP_2025}/").json()
    assert later["replaces"]["slug"] == MAP_2022
    assert later["implements"]["slug"] == FRAMEWORK
    assert later["valid_until"] == {"value": "2030", "precision": "year"}

    # The agreement's commitments are one link away, with the list's own filters.
    items = client.get(later["commitments"].replace("http://testserver", "")).json()
    assert {item["number"] for item in items["results"]} == {"1", "2"}

    done = client.get("/api/v1/commitments/", {"status": "done"}).json()
    assert done["count"] == 1
    item = done["results"][0]
    assert (item["agreement"]["slug"], item["number"]) == (MAP_2022, "1")
    assert [update["status"] for update in item["progress"]] == ["done", "in_progress"]
    assert {u["citations"][0]["source"]["slug"] for u in item["progress"]} <= {
        "dorozhnaya-karta-rt-atyrau",
        "torgovaya-missiya-v-atyrau",
    }
    # A record is found by its id, and its address is the one the list gives.
    record = client.get(item["url"].replace("http://testserver", "")).json()
    assert record["text"] == item["text"]
    assert record["overdue"] is False

    overdue = client.get("/api/v1/commitments/", {"overdue": "yes"}).json()
    assert {(c["agreement"]["slug"], c["number"]) for c in overdue["results"]} == {
        (MAP_2022, "2"),
        (MAP_2025, "1"),
    }
    assert all(c["overdue"] for c in overdue["results"])


def test_the_api_leaves_draft_commitments_out(client, road_maps):
    item = _item(MAP_2025, "2")
    item.state = PublicationState.DRAFT
    item.save()
    listed = client.get("/api/v1/commitments/", {"agreement": MAP_2025}).json()
    assert [c["number"] for c in listed["results"]] == ["1"]
    assert client.get(f"/api/v1/commitments/{item.pk}/").status_code == 404


def test_the_rankings_count_commitments_of_each_pairs_agreements(client, road_maps):
    response = client.get("/statistics/", {"format": "csv", "table": "pairs"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    pair = next(
        row
        for row in rows
        if {row["region_1_slug"], row["region_2_slug"]} == {"tatarstan", "atyrauskaya-oblast"}
    )
    # Both road maps' public items (the framework agreement has none of its own).
    expected = Commitment.objects.public().filter(agreement__slug__in=[MAP_2022, MAP_2025])
    assert int(pair["commitments"]) == expected.count() == 5

    item = _item(MAP_2025, "2")
    item.state = PublicationState.DRAFT
    item.save()
    response = client.get("/statistics/", {"format": "csv", "table": "regions"})
    rows = {
        r["region_slug"]: r
        for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert int(rows["tatarstan"]["commitments"]) == 4
