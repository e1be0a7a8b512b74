"""The whole data set as one download: a Frictionless Data Package, built by
`manage.py build_open_data` and served from /open-data/ with its date, size and licence."""

import csv
import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from frictionless import Package, validate

from cooperation import open_data
from cooperation.models import Organization, PublicationState

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _build():
    out = StringIO()
    call_command("build_open_data", stdout=out)
    return out.getvalue()


def _package_path(media):
    return media / open_data.PATH


def test_the_package_is_valid_and_reloads_to_the_same_counts(article, media):
    assert "tables" in _build()
    report = validate(str(_package_path(media)))
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:10]
    package = Package(str(_package_path(media)))
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    reloaded = {resource.name: len(resource.read_rows()) for resource in package.resources}
    expected = {table.name: open_data._values(table).count() for table in open_data.TABLES}
    expected[open_data.CITATIONS] = len(list(open_data._citation_values()))
    assert reloaded == expected
    assert reloaded["organizations"] == Organization.objects.public().count() > 0
    assert reloaded["agreements"] == 1
    assert reloaded["agreement_parties"] == 2
    assert reloaded["citations"] > 50


def test_a_table_opens_in_a_spreadsheet_as_utf8_with_its_references(article, media):
    _build()
    with zipfile.ZipFile(_package_path(media)) as archive:
        raw = archive.read("agreement_parties.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets read UTF-8 by
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row["organization"] for row in rows} == {
        "promyshlennyy-klaster-tatarstana",
        "spk-atyrau",
    }
    assert rows[0]["signatory"] == "sergey-mayorov"


def test_drafts_stay_out_of_the_package(article, media):
    draft = OrganizationFactory(name="Черновая организация", state=PublicationState.DRAFT)
    child = OrganizationFactory(name="Дочерняя организация", parent=draft)
    _build()
    with zipfile.ZipFile(_package_path(media)) as archive:
        organizations = list(
            csv.DictReader(io.StringIO(archive.read("organizations.csv").decode("utf-8-sig")))
        )
    slugs = {row["slug"]: row for row in organizations}
    assert draft.slug not in slugs
    assert slugs[child.slug]["parent"] == ""  # named only where it is public


def test_the_open_data_page_gives_the_download_its_date_size_and_licence(client, article, media):
    assert "has not been built yet" in client.get("/en/open-data/").content.decode()
    assert client.get("/open-data/" + open_data.PATH.rsplit("/", 1)[1]).status_code == 404
    _build()
    page = client.get("/en/open-data/").content.decode()
    assert "CC BY 4.0" in page
    assert 'rel="license"' in page
    assert "KB" in page  # its size
    assert "/api/docs/" in page and "/api/schema/" in page
    download = client.get("/open-data/interregional-cooperation.zip")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert body == _package_path(media).read_bytes()
    again = client.get(
        "/open-data/interregional-cooperation.zip",
        headers={"If-Modified-Since": download["Last-Modified"]},
    )
    assert again.status_code == 304


def test_the_open_data_page_is_in_russian_at_the_root(client, article, media):
    _build()
    page = client.get("/open-data/").content.decode()
    assert "Открытые данные" in page
    assert "Скачать пакет данных" in page
