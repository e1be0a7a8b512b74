"""/regions/<slug>/<ISO country>/: a region with a whole partner country."""

import re

import pytest

from cooperation.models import Country, PublicationState

pytestmark = pytest.mark.django_db

URL = "/regions/tatarstan/KZ/"


def _section(html, heading):
    start = html.index(f"<h2>{heading}</h2>")
    return html[start : html.index("</section>", start)]


def test_the_dossier_has_what_the_lists_show_for_the_region_and_the_country(client, article):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Республика Татарстан — Казахстан</h1>" in html
    events = _section(html, "Мероприятия")
    # Meetings in Atyrau, Astana and with Abai Region's akim; not KazanForum, with no one
    # from Kazakhstan on record.
    assert "Встреча Рустама Минниханова с Президентом Казахстана" in events
    assert "Встреча Рустама Минниханова с акимом области Абай" in events
    assert "KazanForum" not in events
    assert 'href="/events/?region=tatarstan&amp;partner=KZ"' in events
    assert "Соглашение о сотрудничестве между Промышленным кластером" in _section(
        html, "Соглашения"
    )


def test_the_dossier_maps_the_partner_regions_in_that_country(client, article):
    html = client.get(URL).content.decode()
    table = html[html.index('id="map-table-caption"') : html.index("</table>")]
    partners = re.findall(r'href="/regions/tatarstan/([a-z-]+)/"', table)
    assert partners == ["atyrauskaya-oblast", "astana", "oblast-abay"]
    assert "map-focus" in html


def test_a_region_page_links_to_its_dossiers_by_country(client, article):
    html = client.get("/regions/tatarstan/").content.decode()
    assert 'href="/regions/tatarstan/KZ/"' in html
    html = client.get("/regions/atyrauskaya-oblast/").content.decode()
    assert 'href="/regions/atyrauskaya-oblast/RU/"' in html


def test_a_dossier_is_in_english_under_en(client, article):
    html = client.get("/en" + URL).content.decode()
    assert "<h1>Republic of Tatarstan — Kazakhstan</h1>" in html


@pytest.mark.parametrize(
    "path",
    [
        "/regions/tatarstan/RU/",  # its own country
        "/regions/tatarstan/UZ/",  # no such country on record
        "/regions/no-such-region/KZ/",
    ],
)
def test_a_dossier_that_cannot_be_is_not_found(client, article, path):
    assert client.get(path).status_code == 404


def test_a_draft_country_has_no_dossier(client, article):
    Country.objects.filter(code="KZ").update(state=PublicationState.DRAFT)
    assert client.get(URL).status_code == 404


def test_the_old_pair_addresses_still_work_beside_it(client, article):
    assert client.get("/regions/tatarstan/atyrauskaya-oblast/").status_code == 200
