import datetime as dt
import re

import pytest
from django.urls import reverse

from cooperation.models import Event, Organization, Region

from .factories import EventFactory, OrganizationFactory, ParticipationFactory, PositionFactory

pytestmark = pytest.mark.django_db

AGREEMENT = "Соглашение о сотрудничестве между Промышленным кластером Татарстана и СПК «Атырау»"
LISTS = ["region", "organization", "person", "delegation", "event", "agreement", "source"]


def _titles(response):
    return [str(obj) for obj in response.context["page_obj"].object_list]


def _facet(response, param, label=None):
    for facet, values in response.context["facets"]:
        if facet.param == param and (label is None or str(facet.label) == label):
            return {value.value: value for value in values}
    return {}


@pytest.mark.parametrize("key", LISTS)
def test_every_list_shows_the_articles_published_records(client, article, key):
    response = client.get(reverse(f"cooperation:{key}-list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 0


def test_agreements_filtered_by_a_region_on_either_side(client, article):
    for region in ("atyrauskaya-oblast", "tatarstan"):
        response = client.get("/agreements/", {"region": region})
        assert _titles(response) == [AGREEMENT]
    assert _titles(client.get("/agreements/", {"region": "astana"})) == []


def test_a_repeated_region_means_any_of_them(client, article):
    response = client.get("/events/", {"region": ["astana", "oblast-abay"]})
    assert len(_titles(response)) == 3
    assert all("Атырау" not in title for title in _titles(response))


def test_region_and_partner_give_the_events_between_two_regions(client, article):
    response = client.get("/events/", {"region": "tatarstan", "partner": "atyrauskaya-oblast"})
    assert sorted(_titles(response)) == sorted(
        [
            "Встреча Рустама Минниханова с акимом Атырауской области Сериком Шапкеновым",
            "Круглый стол с акимом Атырауской области в ТПП РТ",
            "Подписание соглашения о сотрудничестве Промышленного кластера Татарстана и СПК "
            "«Атырау»",
        ]
    )


def test_machine_building_enterprises_of_tatarstan_working_with_kazakhstan(client, article):
    response = client.get(
        "/organizations/",
        {
            "kind": "enterprise",
            "region": "tatarstan",
            "industry": "mashinostroenie",
            "partner": "KZ",
        },
    )
    titles = _titles(response)
    assert "КАМАЗ" in titles
    assert "ТПП РТ" not in titles  # a chamber of commerce is not a business
    assert response.context["heading"] == "Предприятия"
    for organization in response.context["page_obj"].object_list:
        assert organization.kind in Organization.BUSINESS_KINDS
        assert organization.region.slug == "tatarstan"


def test_an_industry_filter_includes_its_sub_industries(client, article):
    kamaz = Organization.objects.get(slug="kamaz")
    child = kamaz.industries.get()
    assert child.parent is not None
    parent_titles = _titles(client.get("/organizations/", {"industry": child.parent.slug}))
    assert "КАМАЗ" in parent_titles
    assert "КАМАЗ" in _titles(client.get("/organizations/", {"industry": child.slug}))


def test_facet_counts_say_how_many_results_each_choice_gives(client, article):
    response = client.get("/events/", {"kind": "meeting"})
    regions = _facet(response, "region")
    for slug, value in regions.items():
        expected = Event.objects.published().filter(kind="meeting", regions__slug=slug).count()
        assert value.count == expected
    assert regions["tatarstan"].count == 4
    # A facet is counted without its own filter, so the other kinds stay visible with counts.
    kinds = _facet(response, "kind")
    assert kinds["meeting"].selected and kinds["meeting"].count == 4
    assert kinds["round_table"].count == 1


def test_facet_links_keep_the_other_filters_and_drop_the_page(client, article):
    response = client.get("/events/", {"kind": "meeting", "page": "1"})
    link = _facet(response, "region")["atyrauskaya-oblast"].url
    assert "kind=meeting" in link and "region=atyrauskaya-oblast" in link and "page=" not in link
    selected = _facet(client.get("/events/" + link), "region")["atyrauskaya-oblast"]
    assert selected.selected
    assert "region=" not in selected.url  # following a chosen value removes it


def test_a_year_facet_sets_both_dates(client, article):
    response = client.get("/events/")
    years = _facet(response, "year")
    assert years["2024"].count == 4 and years["2025"].count == 4
    filtered = client.get("/events/" + years["2024"].url)
    assert len(_titles(filtered)) == 4
    assert _facet(filtered, "year")["2024"].selected


def test_a_month_precision_event_is_found_from_a_day_within_its_month(client, article):
    # Minnikhanov met the akim of Abai Region "в ноябре" 2024; no day is known.
    response = client.get("/events/", {"date_from": "2024-11-15", "date_to": "2024-11-20"})
    assert _titles(response) == [
        "Встреча Рустама Минниханова с акимом области Абай Нурланом Уранхаевым"
    ]


def test_dates_may_be_years_months_or_days(client, article):
    assert len(_titles(client.get("/events/", {"date_from": "2025"}))) == 4
    assert len(_titles(client.get("/events/", {"date_to": "2024-09"}))) == 3
    assert len(_titles(client.get("/events/", {"date_from": "2025-02-21"}))) == 2


def test_upcoming_and_past_events(client, article):
    EventFactory(title="Будущий форум", start_date=dt.date.today() + dt.timedelta(days=30))
    assert _titles(client.get("/events/", {"when": "upcoming"})) == ["Будущий форум"]
    assert "Будущий форум" not in _titles(client.get("/events/", {"when": "past"}))
    assert "Будущий форум" in client.get("/").content.decode()


def test_upcoming_events_come_soonest_first_unless_sorted(client, article):
    soon = dt.date.today() + dt.timedelta(days=3)
    EventFactory(title="Б: через год", start_date=soon + dt.timedelta(days=365))
    EventFactory(title="А: через три дня", start_date=soon)
    upcoming = _titles(client.get("/events/", {"when": "upcoming"}))
    assert upcoming == ["А: через три дня", "Б: через год"]
    by_date = _titles(client.get("/events/", {"when": "upcoming", "sort": "-date"}))
    assert by_date == ["Б: через год", "А: через три дня"]


def test_an_event_going_on_today_is_upcoming_not_past(client, article):
    today = dt.date.today()
    EventFactory(
        title="Идущая выставка",
        start_date=today - dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=2),
    )
    EventFactory(
        title="Прошедшая выставка",
        start_date=today - dt.timedelta(days=10),
        end_date=today - dt.timedelta(days=1),
    )
    upcoming = _titles(client.get("/events/", {"when": "upcoming"}))
    past = _titles(client.get("/events/", {"when": "past"}))
    assert "Идущая выставка" in upcoming and "Идущая выставка" not in past
    assert "Прошедшая выставка" in past and "Прошедшая выставка" not in upcoming


def test_sorting_by_title(client, article):
    titles = _titles(client.get("/agreements/", {"sort": "title"}))
    assert titles == sorted(titles)
    events = _titles(client.get("/events/", {"sort": "-title"}))
    assert events == sorted(events, reverse=True)


def test_pagination_keeps_the_query(client):
    for n in range(25):
        event = EventFactory(title=f"Встреча {n:02}")
        ParticipationFactory(event=event)
    response = client.get("/events/", {"q": "Встреча", "sort": "title"})
    body = response.content.decode()
    assert response.context["page_obj"].paginator.num_pages == 2
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "q=" in next_link and "sort=title" in next_link
    assert _titles(client.get("/events/" + next_link))[0] == "Встреча 20"


def test_the_pair_dossier_gathers_what_is_between_two_regions(client, article):
    response = client.get("/regions/tatarstan/atyrauskaya-oblast/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Подписание соглашения о сотрудничестве Промышленного кластера" in body
    assert len(response.context["events"]) == 3
    assert [str(a) for a in response.context["agreements"]] == [AGREEMENT]
    assert {str(entry["person"]) for entry in response.context["people"]} >= {
        "Рустам Минниханов",
        "Серик Шапкенов",
    }
    assert client.get("/regions/tatarstan/tatarstan/").status_code == 404
    assert client.get("/regions/tatarstan/nowhere/").status_code == 404


def test_the_industry_list_counts_sub_industries(client, article):
    response = client.get("/industries/")
    rows = {industry.slug: counts for industry, _depth, counts in response.context["tree"]}
    assert rows["mashinostroenie"]["organizations"] >= rows["avtomobilestroenie"]["organizations"]
    assert rows["mashinostroenie"]["organizations"] > 1


def test_the_search_page_groups_results_by_type(client, article):
    response = client.get("/search/", {"q": "Атырау"})
    groups = {listing.key: count for listing, _objects, count in response.context["groups"]}
    assert groups["region"] == 1
    assert groups["organization"] >= 1
    assert groups["event"] >= 1
    assert client.get("/search/", {"q": ""}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/people/", "/events/", "/agreements/", "/delegations/", "/organizations/"]
)
def test_every_facet_count_is_what_following_it_gives(client, article, path):
    for facet, values in client.get(path).context["facets"]:
        for value in values:
            followed = client.get(path + value.url).context["page_obj"].paginator.count
            assert followed == value.count, (facet.param, value.value)


def test_people_are_found_where_their_posts_are_held(client, article):
    """A post's own region, else its organization's; moving the organization moves it."""
    tatarstan = Region.objects.get(slug="tatarstan")
    atyrau = Region.objects.get(slug="atyrauskaya-oblast")
    position = PositionFactory(organization=OrganizationFactory(region=tatarstan))
    name = str(position.person)
    assert name in _titles(client.get("/people/", {"region": "tatarstan"}))
    assert name not in _titles(client.get("/people/", {"country": "KZ"}))
    position.organization.region = atyrau
    position.organization.country = atyrau.country
    position.organization.save()
    assert name in _titles(client.get("/people/", {"region": "atyrauskaya-oblast"}))
    assert name in _titles(client.get("/people/", {"country": "KZ"}))
    assert name not in _titles(client.get("/people/", {"region": "tatarstan"}))
    position.region = tatarstan  # a post of its own region, at the same organization
    position.save()
    assert name in _titles(client.get("/people/", {"region": "tatarstan"}))
    assert name in _titles(client.get("/people/", {"country": "RU"}))
