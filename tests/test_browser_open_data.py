"""A developer's first visit, in Debian's Chromium: from the Open data page to the API's
documentation, one URL for Atyrau Region's agreements with their parties, a party's
organization, and the whole data package with one of its tables read as a spreadsheet
reads it."""

import csv
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


@pytest.fixture
def site(live_server, article, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("build_open_data", stdout=StringIO())
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        base_url=site.url, viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_a_developer_goes_from_the_open_data_page_to_the_api_and_the_package(page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Открытые данные").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Открытые данные")
    expect(page.locator("main")).to_contain_text("CC BY 4.0")

    # The documentation, drawn by Swagger UI from the portal's own files.
    page.locator("main").get_by_role("link", name="Документация API").click()
    # The schema is made on the first request: a slow machine takes seconds.
    expect(page.locator(".opblock-tag", has_text="agreements")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("/api/v1/agreements/{slug}/")).to_be_visible()
    page.go_back()

    # One URL: Atyrau Region's agreements with their parties.
    page.get_by_role("link", name="/api/v1/agreements/?region=atyrauskaya-oblast").click()
    agreements = json.loads(page.locator("body").inner_text())
    assert agreements["count"] == 1
    parties = agreements["results"][0]["parties"]
    atyrau = next(p for p in parties if p["region"]["slug"] == "atyrauskaya-oblast")

    # A party leads to its organization.
    page.goto(atyrau["organization"]["url"])
    organization = json.loads(page.locator("body").inner_text())
    assert organization["slug"] == "spk-atyrau"
    assert organization["name_en"] == "Atyrau Social and Entrepreneurial Corporation"
    page.go_back()
    page.go_back()

    # The whole data set, and one table of it as a spreadsheet reads it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать пакет данных").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "datapackage.json" in archive.namelist()
        table = archive.read("organizations.csv").decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(table))}
    assert rows["spk-atyrau"]["region"] == "atyrauskaya-oblast"
    assert not refused, "\n".join(refused)
