"""/statistics/: regions and pairs ranked by delegations, events and agreements, per year,
sortable without JavaScript, as CSV; the numbers are those of the lists with the same
filters."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from cooperation import statistics
from cooperation.models import PublicationState, Region

from .factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/statistics/"
TATARSTAN, ATYRAU = "tatarstan", "atyrauskaya-oblast"


def _table(response, heading_id):
    """The rows of the ranking under `heading_id`: [(name, [numbers])], in order."""
    html = response.content.decode()
    section = html[html.index(f'id="{heading_id}"') :]
    section = section[: section.index("</table>")]
    rows = []
    for row in re.findall(r"<tr><td>\d+</td>(.*?)</tr>", section, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S)[1])
        numbers = [int(n) for n in re.findall(r'<td class="number">(?:<strong>)?(\d+)', row)]
        rows.append((" ".join(name.split()), numbers))
    return rows


def _list_count(client, key, **params):
    response = client.get(reverse(f"cooperation:{key}-list"), params)
    return int(re.search(r'id="results-heading"[^>]*>\s*(\d+)', response.content.decode())[1])


def test_the_pairs_counts_are_those_of_the_lists_with_the_same_filters(client, article):
    pairs = {name: numbers for name, numbers in _table(client.get(URL), "pairs-heading")}
    row = pairs["Республика Татарстан — Атырауская область"]
    events, agreements, commitments, delegations, total = row
    pair = {"region": TATARSTAN, "partner": ATYRAU}
    assert events == _list_count(client, "event", **pair) == 3
    assert agreements == _list_count(client, "agreement", **pair) == 1
    assert commitments == _list_count(client, "commitment", **pair) == 0  # the article has none
    assert delegations == 1
    assert total == events + agreements + delegations


def test_regions_are_ranked_by_everything_on_record_unless_a_column_is_chosen(client, article):
    regions = _table(client.get(URL), "regions-heading")
    assert regions[0][0].startswith("Республика Татарстан")
    totals = [numbers[-1] for _name, numbers in regions]
    assert totals == sorted(totals, reverse=True)

    by_agreements = _table(client.get(URL, {"sort": "-agreements"}), "regions-heading")
    agreements = [numbers[1] for _name, numbers in by_agreements]
    assert agreements == sorted(agreements, reverse=True)
    fewest_first = _table(client.get(URL, {"sort": "agreements"}), "regions-heading")
    assert [numbers[1] for _name, numbers in fewest_first] == sorted(agreements)


def test_a_column_heading_links_to_the_ranking_by_it_and_says_how_it_is_sorted(client, article):
    html = client.get(URL, {"sort": "-events"}).content.decode()
    assert re.search(r'aria-sort="descending"><a href="\?sort=events"', html)
    assert 'href="?sort=-agreements"' in html
    html = client.get(URL, {"sort": "events"}).content.decode()
    assert re.search(r'aria-sort="ascending"><a href="\?sort=-events"', html)


def test_a_year_counts_only_what_happened_in_it(client, article):
    in_2024 = _table(client.get(URL, {"date_from": "2024", "date_to": "2024"}), "pairs-heading")
    pair = dict(in_2024)["Республика Татарстан — Астана"]
    assert pair[0] == _list_count(
        client, "event", region=TATARSTAN, partner="astana", date_from="2024", date_to="2024"
    )
    html = client.get(URL, {"date_from": "2024", "date_to": "2024"}).content.decode()
    assert re.search(r'aria-current="page" class="selected">2024<', html)
    assert ">2025<" in html  # the other years stay on offer


def test_a_kind_of_agreement_counts_agreements_alone(client, article):
    response = client.get(URL, {"kind": "cooperation"})
    regions = dict(_table(response, "regions-heading"))
    # Agreements, their commitments and the total: events and delegations have no such kind.
    assert regions["Республика Татарстан RU"] == [1, 0, 1]
    assert 'href="?kind=cooperation&amp;sort=-events"' not in response.content.decode()


def test_an_industry_counts_what_is_filed_under_it_and_its_branches(client):
    machines = IndustryFactory(name="Машиностроение")
    cars = IndustryFactory(name="Автомобилестроение", parent=machines)
    a, b, c = (
        RegionFactory(name="Область А"),
        RegionFactory(name="Область Б"),
        RegionFactory(name="Область В"),
    )
    car_meeting = EventFactory(region=a, delegation=DelegationFactory(home_region=b, host_region=a))
    car_meeting.industries.add(cars)
    EventFactory(region=a, delegation=DelegationFactory(home_region=c, host_region=a))

    pairs = dict(_table(client.get(URL, {"industry": machines.slug}), "pairs-heading"))
    assert pairs == {"Область А — Область Б": [1, 0, 0, 1]}


def test_drafts_are_not_counted(client):
    a, b = RegionFactory(name="Область А"), RegionFactory(name="Область Б")
    draft = PublicationState.DRAFT
    EventFactory(
        region=a,
        delegation=DelegationFactory(home_region=b, host_region=a, state=draft),
        state=draft,
    )
    assert statistics.pair_counts(statistics.scope()) == {}
    assert "Область А — Область Б" not in client.get(URL).content.decode()


def test_an_agreement_counts_once_for_each_pair_of_its_parties_regions(client):
    a, b, c = (RegionFactory(name=f"Область {n}") for n in "АБВ")
    agreement = AgreementFactory()
    for region in (a, b, c):
        AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=region))
    AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory(region=a))
    counts = statistics.pair_counts(statistics.scope())
    assert {pair: n["agreements"] for pair, n in counts.items()} == {
        (a.pk, b.pk): 1,
        (a.pk, c.pk): 1,
        (b.pk, c.pk): 1,
    }
    assert statistics.region_counts(statistics.scope())[a.pk]["agreements"] == 1


def test_the_rankings_download_as_csv_with_the_same_filters(client, article):
    response = client.get(URL, {"format": "csv", "table": "pairs", "sort": "-events"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first = rows[0]
    assert (first["region_1_slug"], first["region_2_slug"]) == (TATARSTAN, ATYRAU)
    assert (first["events"], first["agreements"], first["delegations"]) == ("3", "1", "1")

    regions = client.get(URL, {"format": "csv", "kind": "meeting"})
    rows = list(csv.DictReader(io.StringIO(regions.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["region_slug", "region_name", "region_country", "events", "total"]
    assert rows[0]["region_slug"] == TATARSTAN


def test_a_country_narrows_the_rankings_to_its_regions(client, article):
    regions = _table(client.get(URL, {"country": "KZ"}), "regions-heading")
    assert regions and all(name.endswith(" KZ") for name, _numbers in regions)


def test_bad_parameters_are_named_and_left_out(client, article):
    response = client.get(URL, {"kind": "banquet", "country": "ZZ", "date_from": "2024-13"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "banquet" in html and "ZZ" in html and "2024-13" in html
    assert _table(response, "regions-heading")  # everything is still counted


def test_a_delegation_between_two_regions_counts_for_both(client):
    home, host = RegionFactory(), RegionFactory()
    DelegationFactory(home_region=home, host_region=host, start_date=dt.date(2023, 5, 1))
    counts = statistics.region_counts(statistics.scope())
    assert counts[home.pk] == {"delegations_sent": 1}
    assert counts[host.pk] == {"delegations_received": 1}
    assert Region.objects.count() == 2
