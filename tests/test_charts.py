"""Charts: counts in one query each, laid out by pure functions, drawn as accessible SVG."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation import charts
from cooperation.dates import PartialDate, Precision
from cooperation.models import Agreement, Event, PublicationState, Region

from .factories import AgreementFactory, EventFactory, IndustryFactory, RegionFactory

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


def _day(text):
    return PartialDate.parse(text)


# --- axis ticks --------------------------------------------------------------------------


def test_ticks_count_up_in_round_steps_to_at_least_the_largest_value():
    assert charts.nice_ticks(4) == [0, 1, 2, 3, 4]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(1234) == [0, 500, 1000, 1500]


def test_ticks_of_nothing_still_make_an_axis():
    assert charts.nice_ticks(0) == [0, 1]


# --- per year ----------------------------------------------------------------------------


def test_no_counts_draw_no_year_chart():
    assert charts.year_chart([]) is None
    assert charts.year_chart([(2024, 0)]) is None


def test_one_year_is_one_slim_bar_reaching_the_top_tick():
    chart = charts.year_chart([(2025, 3)])
    [bar] = chart.bars
    assert (bar.label, bar.count) == ("2025", 3)
    assert bar.y == chart.ticks[-1].y  # the top tick is 3, the bar's height
    assert bar.width <= 64
    assert chart.total == 3


def test_years_without_records_show_as_gaps_between_the_others():
    chart = charts.year_chart([(2020, 2), (2023, 1)])
    assert [(bar.label, bar.count) for bar in chart.bars] == [
        ("2020", 2),
        ("2021", 0),
        ("2022", 0),
        ("2023", 1),
    ]
    assert chart.bars[1].height == 0


def test_big_counts_keep_proportion_and_stay_inside_the_drawing():
    chart = charts.year_chart([(2024, 10), (2025, 1_000_000)])
    small, big = chart.bars
    assert big.y >= 0 and big.y + big.height == chart.baseline
    assert small.height == pytest.approx(big.height * 10 / 1_000_000, abs=0.01)


def test_many_years_label_only_some_of_them_the_last_always():
    chart = charts.year_chart([(year, 1) for year in range(1990, 2026)])
    labelled = [bar.label for bar in chart.bars if bar.show_label]
    assert len(labelled) <= 12
    assert labelled[-1] == "2025"


def test_counts_per_year_take_one_query_and_skip_drafts(django_assert_num_queries):
    EventFactory(start_date=dt.date(2024, 9, 1))
    EventFactory(start_date=dt.date(2025, 2, 20))
    EventFactory(start_date=dt.date(2025, 2, 21))
    EventFactory(start_date=dt.date(2023, 1, 1), state=DRAFT)
    with django_assert_num_queries(1):
        counts = charts.years(Event.objects.published(), "start_date")
    assert counts == [(2024, 1), (2025, 2)]


def test_a_region_counts_each_event_once_however_many_sides_it_had(article):
    tatarstan = Region.objects.get(slug="tatarstan")
    events = Event.objects.published().for_region(tatarstan)
    assert dict(charts.years(events, "start_date")) == {2024: 4, 2025: 4}


def test_agreements_without_a_date_are_not_counted_in_any_year():
    AgreementFactory(signed_date=None)
    AgreementFactory(signed_date=dt.date(2025, 2, 20))
    assert charts.years(Agreement.objects.all(), "signed_date") == [(2025, 1)]


# --- per industry ------------------------------------------------------------------------


def test_industries_add_up_events_and_agreements_in_one_query(django_assert_num_queries):
    energy, oil = IndustryFactory(name="Энергетика"), IndustryFactory(name="Нефтехимия")
    hidden = IndustryFactory(name="Черновая отрасль", state=DRAFT)
    EventFactory().industries.set([energy, oil, hidden])
    EventFactory().industries.set([energy])
    EventFactory(state=DRAFT).industries.set([oil])
    AgreementFactory().industries.set([energy])
    with django_assert_num_queries(1):
        rows = charts.industries(Event.objects.published(), Agreement.objects.published())
    assert rows == [
        ("Энергетика", energy.get_absolute_url(), 3),
        ("Нефтехимия", oil.get_absolute_url(), 1),
    ]


def test_no_records_name_no_industries():
    IndustryFactory()
    assert charts.industries(Event.objects.published()) == []
    assert charts.industries() == []


def test_industry_bars_are_longest_for_the_most_named_and_the_rest_are_counted():
    rows = [(f"Отрасль {n}", f"/industries/{n}/", n) for n in range(1, 16)]
    chart = charts.industry_chart(rows, most=12)
    assert [bar.count for bar in chart.bars][:3] == [15, 14, 13]
    assert chart.hidden == 3
    assert chart.bars[0].width > chart.bars[-1].width
    assert all(bar.end_x < chart.width for bar in chart.bars)


def test_a_tiny_count_next_to_a_huge_one_still_shows_a_bar():
    chart = charts.industry_chart([("А", "/a/", 1_000_000), ("Б", "/b/", 1)])
    assert chart.bars[1].width >= 2


def test_no_industries_draw_no_chart():
    assert charts.industry_chart([]) is None


# --- timeline ----------------------------------------------------------------------------


def test_nothing_dated_draws_no_timeline():
    assert charts.timeline([]) is None


def test_items_are_numbered_in_date_order_on_an_axis_of_months():
    chart = charts.timeline(
        [
            charts.Dated(_day("2025-02-21"), "Встреча"),
            charts.Dated(_day("2024-09"), "Открытие игр"),
        ]
    )
    assert [(mark.number, mark.item.label) for mark in chart.marks] == [
        (1, "Открытие игр"),
        (2, "Встреча"),
    ]
    # Six months, each named under the axis, the year under the first and under January.
    assert [tick.label for tick in chart.ticks] == ["Сен", "Окт", "Ноя", "Дек", "Янв", "Фев"]
    assert [tick.sublabel for tick in chart.ticks if tick.sublabel] == ["2024", "2025"]
    # Spread over the width, not stacked at one end.
    assert chart.marks[0].x == chart.left
    assert chart.marks[1].x > (chart.left + chart.right) / 2


def test_the_numbers_do_not_depend_on_the_language_of_the_labels():
    def numbers(first, second):
        chart = charts.timeline(
            [
                charts.Dated(_day("2025-02-21"), first, url="/events/b/"),
                charts.Dated(_day("2025-02-21"), second, url="/events/a/"),
            ]
        )
        return [(mark.number, mark.item.url) for mark in chart.marks]

    assert numbers("Встреча", "Круглый стол") == numbers("Meeting", "Round table")


def test_a_few_days_are_on_an_axis_of_days_and_apart():
    chart = charts.timeline(
        [
            charts.Dated(_day("2025-02-20"), "Круглый стол"),
            charts.Dated(_day("2025-02-21"), "Встреча"),
        ]
    )
    assert [tick.label for tick in chart.ticks] == ["19", "20", "21", "22"]
    assert [tick.sublabel for tick in chart.ticks if tick.sublabel] == ["Фев 2025"]
    round_table, meeting = chart.marks
    assert meeting.x - round_table.x > 50
    assert round_table.y == meeting.y  # side by side, not stacked


def test_more_than_two_years_are_on_an_axis_of_whole_years():
    chart = charts.timeline(
        [charts.Dated(_day("2022-02-21"), "Встреча"), charts.Dated(_day("2024-09"), "Игры")]
    )
    assert [tick.label for tick in chart.ticks] == ["2022", "2023", "2024"]


def test_a_month_is_a_bar_over_its_month_and_a_day_a_circle():
    chart = charts.timeline(
        [
            charts.Dated(_day("2025-02-21"), "День"),
            charts.Dated(_day("2025-09"), "Месяц"),
            charts.Dated(_day("2024"), "Год"),
        ]
    )
    year, day, month = chart.marks
    assert not day.is_span and day.rx == day.height / 2
    assert month.is_span and month.rx < month.height / 2
    # The axis runs from January 2024 to the end of September 2025; the year's mark starts
    # at its start and covers its 366 days.
    assert year.x == chart.ticks[0].x
    assert year.width == pytest.approx((chart.right - chart.left) * 366 / 639, abs=0.1)
    assert year.when == "2024"


def test_a_range_covers_its_days_and_says_both_ends():
    chart = charts.timeline(
        [charts.Dated(_day("2025-05-15"), "KazanForum", end=_day("2025-05-16"))]
    )
    [mark] = chart.marks
    assert mark.is_span
    assert mark.when == "15–16 мая 2025"


def test_items_on_the_same_day_go_to_separate_lanes():
    chart = charts.timeline([charts.Dated(_day("2025-02-20"), f"Событие {n}") for n in range(3)])
    assert len({mark.y for mark in chart.marks}) == 3
    assert chart.height > chart.axis_y


def test_one_day_stays_inside_the_drawing_and_holds_its_number():
    [mark] = charts.timeline([charts.Dated(_day("2025-12-31"), "Канун")]).marks
    assert mark.width >= 20
    assert mark.x + mark.width <= charts.TIMELINE_WIDTH


def test_a_long_history_labels_only_some_years():
    items = [
        charts.Dated(PartialDate(dt.date(year, 1, 1), Precision.YEAR), "x") for year in (1938, 2025)
    ]
    chart = charts.timeline(items)
    assert len(chart.ticks) == 88
    assert sum(tick.show_label for tick in chart.ticks) <= 9


def test_timeline_items_come_from_fetched_records_without_queries(
    article, django_assert_num_queries
):
    tatarstan = Region.objects.get(slug="tatarstan")
    events = list(Event.objects.published().for_region(tatarstan))
    agreements = list(Agreement.objects.published().for_region(tatarstan))
    with django_assert_num_queries(0):
        items = charts.timeline_items(events=events, agreements=agreements)
    assert {item.kind for item in items} == {"event", "agreement"}
    forum = next(item for item in items if item.label == "KazanForum")
    assert (forum.start.iso(), forum.end.iso()) == ("2025-05-15", "2025-05-16")


# --- drawn on the region page ------------------------------------------------------------


def test_the_region_page_draws_the_timeline_and_both_charts_as_named_svg(client, article):
    response = client.get("/regions/tatarstan/")
    html = response.content.decode()
    assert html.count("<svg") == 4  # the map of its partners, the timeline and two charts
    assert 'role="img"' in html and 'role="group"' in html
    assert '<title id="years-' in html
    # Marks are links named with their number (the text they show), date and record.
    assert "<title>1. март 2024, мероприятие:" in html
    # The data is there as text too: the years as a table, the timeline as a list.
    assert '<th scope="row">2025</th><td>4</td>' in html
    assert '<ol class="timeline-list">' in html


def test_the_timeline_numbers_the_same_records_alike_in_both_languages(client, article):
    def numbered(path, prefix=""):
        html = client.get(path).content.decode()
        marks = re.findall(r'<a class="timeline-mark[^"]*" href="([^"]+)">\s*<title>(\d+)\.', html)
        return [(number, href.removeprefix(prefix)) for href, number in marks]

    russian = numbered("/regions/tatarstan/")
    assert len(russian) > 3
    assert numbered("/en/regions/tatarstan/", prefix="/en") == russian


def test_svg_coordinates_are_written_with_points_in_any_language(client, article):
    html = client.get("/regions/tatarstan/").content.decode()
    english = client.get("/en/regions/tatarstan/").content.decode()
    for page in (html, english):
        assert 'viewBox="0 0 360 ' in page
        assert not any(f'x="{n},' in page for n in range(10))


def test_draft_events_are_not_drawn_for_the_public(client):
    region = RegionFactory(slug="oblast")
    EventFactory(region=region, title="Опубликованная встреча")
    EventFactory(region=region, title="Черновая встреча", state=DRAFT)
    html = client.get("/regions/oblast/").content.decode()
    assert "Опубликованная встреча" in html
    assert "Черновая встреча" not in html
    assert '<th scope="row">2025</th><td>1</td>' in html


def test_a_region_page_keeps_a_constant_number_of_queries_with_its_charts(client):
    region = RegionFactory(slug="oblast")
    industry = IndustryFactory()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/regions/oblast/").status_code == 200
        return len(captured)

    EventFactory(region=region).industries.set([industry])
    few = queries()
    for year in range(2000, 2020):
        EventFactory(region=region, start_date=dt.date(year, 3, 1)).industries.set(
            [industry, IndustryFactory()]
        )
    assert queries() == few
