"""The map of cooperation: drawn on the server as SVG from the packaged geometry, with a table
of the same pairs beside it, following the lists' filters, on the home, region and map
pages."""

import re

import pytest

from cooperation import geography, statistics
from cooperation.reference_data import reference

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    CountryFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def _svg(response):
    html = response.content.decode()
    return html[html.index('<svg class="map-svg"') : html.index("</svg>", html.index("map-svg"))]


def _map_table(response):
    html = response.content.decode()
    table = html[html.index('id="map-table-caption"') :]
    table = table[: table.index("</table>")]
    return [
        " ".join(re.sub(r"<[^>]+>", "", name).split())
        for name in re.findall(r'<th scope="row">(.*?)</th>', table, re.S)
    ]


def test_every_region_of_the_reference_list_has_a_place_and_russias_have_shapes():
    places = geography.geometry()["regions"]
    rows = reference().regions
    assert {row.iso_code for row in rows} <= set(places)
    for row in rows:
        assert (row.country == "RU") == ("path" in places[row.iso_code]), row.iso_code
    # Kazakhstan and Belarus are drawn as outlines, their regions as points inside them.
    assert set(geography.geometry()["countries"]) == {"KZ", "BY"}
    width, height = geography.geometry()["width"], geography.geometry()["height"]
    assert all(0 < place["x"] < width and 0 < place["y"] < height for place in places.values())


# One closed ring of an SVG path: a move, then two or more relative steps, then "z".
NUMBER = r"-?(?:\d+\.?\d*|\.\d+)"
RING = rf"M{NUMBER} {NUMBER}l(?:\s?{NUMBER}){{4,}}z"


def test_every_outline_is_a_path_a_browser_draws():
    geometry = geography.geometry()
    paths = [place["path"] for place in geometry["regions"].values() if "path" in place]
    paths += list(geometry["countries"].values())
    for path in paths:
        rings = re.findall(rf"{RING}", path)
        assert rings and "".join(rings) == path, path[:80]


def test_kazan_lies_west_of_astana_and_north_of_atyrau():
    places = geography.geometry()["regions"]
    tatarstan, astana, atyrau = places["RU-TA"], places["KZ-71"], places["KZ-23"]
    assert tatarstan["x"] < astana["x"]
    assert tatarstan["y"] < atyrau["y"]  # y grows downwards


def test_the_home_page_draws_the_partners_and_lists_them_beside_the_map(client, article):
    response = client.get("/")
    svg = _svg(response)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="map-region') == 83  # every region of Russia
    assert svg.count("map-active") == 1  # Tatarstan, the one of Russia's with partners
    assert svg.count("<circle") == 4  # Tatarstan, Atyrau Region, Astana, Abai Region
    assert _map_table(response)[0] == "Республика Татарстан — Атырауская область"
    assert 'href="/regions/tatarstan/atyrauskaya-oblast/"' in response.content.decode()


def test_a_heavier_link_is_drawn_wider():
    a, b, c = (
        RegionFactory.build(pk=n, iso_code=code)
        for n, code in enumerate(["RU-TA", "KZ-23", "KZ-71"], 1)
    )
    rows = [
        statistics.Row((a, b), {"events": 3, "agreements": 1}),
        statistics.Row((a, c), {"events": 1}),
        statistics.Row((b, c), {"delegations": 2}),  # neither events nor agreements: not drawn
    ]
    drawing = geography.drawing(rows)
    widths = {link.row.regions: link.width for link in drawing.links}
    assert set(widths) == {(a, b), (a, c)}
    assert widths[(a, b)] > widths[(a, c)]
    assert [row.regions for row in drawing.rows] == [(a, b), (a, c)]


def test_the_map_follows_industry_kind_and_dates_as_the_lists_do(client):
    machines = IndustryFactory(name="Машиностроение")
    a, b, c = (RegionFactory(name=f"Область {n}") for n in "АБВ")
    tagged = EventFactory(region=a, delegation=DelegationFactory(home_region=b, host_region=a))
    tagged.industries.add(machines)
    agreement = AgreementFactory(kind="memorandum")
    for region in (a, c):
        AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=region))

    assert _map_table(client.get("/map/")) == ["Область А — Область Б", "Область А — Область В"]
    assert _map_table(client.get("/map/", {"industry": machines.slug})) == ["Область А — Область Б"]
    assert _map_table(client.get("/map/", {"kind": "memorandum"})) == ["Область А — Область В"]
    assert _map_table(client.get("/map/", {"kind": "meeting"})) == ["Область А — Область Б"]
    response = client.get("/map/", {"date_from": "2026"})
    assert "No events or agreements" in response.content.decode() or "Нет мероприятий" in (
        response.content.decode()
    )


def test_regions_without_a_place_are_named_rather_than_drawn(client):
    elsewhere = CountryFactory(code="UZ", name="Узбекистан")
    a = RegionFactory(name="Ташкентская область", country=elsewhere)
    b = RegionFactory(name="Самаркандская область", country=elsewhere)
    EventFactory(region=a, delegation=DelegationFactory(home_region=b, host_region=a))
    response = client.get("/map/")
    html = response.content.decode()
    assert "<circle" not in _svg(response)
    notes = html[html.index('class="small muted map-notes"') :]
    assert "Самаркандская область, Ташкентская область" in notes
    (pair,) = _map_table(response)
    assert set(pair.split(" — ")) == {"Самаркандская область", "Ташкентская область"}


def test_a_region_page_zooms_to_the_region_and_its_partners(client, article):
    svg = _svg(client.get("/regions/tatarstan/"))
    view_box = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg)[1].split()]
    assert view_box[2] < geography.geometry()["width"]
    assert svg.count("map-focus") == 1
    assert "map-point-focus" in svg
    # Far-eastern regions are outside the view and left out.
    assert svg.count('class="map-region') < 83


def test_the_map_page_names_its_filters_and_links_to_the_same_lists(client, article):
    html = client.get("/map/", {"kind": "meeting", "country": "KZ"}).content.decode()
    assert '<option value="meeting" selected>' in html
    assert '<option value="KZ" selected>' in html
    assert 'href="/events/?kind=meeting&amp;country=KZ"' in html
    assert "table=pairs&amp;format=csv" in html


def test_the_english_map_is_labelled_in_english(client, article):
    html = client.get("/en/").content.decode()
    assert "Republic of Tatarstan — Atyrau Region" in html
    assert ">Republic of Tatarstan</text>" in html


def test_a_list_of_events_links_to_its_map_with_the_filters_the_map_takes(client, article):
    html = client.get(
        "/events/", {"kind": "meeting", "date_from": "2024", "region": "tatarstan"}
    ).content.decode()
    assert 'href="/map/?kind=meeting&amp;date_from=2024"' in html
    assert 'href="/map/?' not in client.get("/people/").content.decode()
