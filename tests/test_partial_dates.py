import datetime as dt

import pytest
from django.utils import translation

from cooperation.dates import PartialDate, Precision, format_range
from cooperation.models import Event

from .factories import EventFactory


def test_it_parses_a_year():
    assert PartialDate.parse("2024") == PartialDate(dt.date(2024, 1, 1), Precision.YEAR)


def test_it_parses_a_month():
    assert PartialDate.parse("2024-09") == PartialDate(dt.date(2024, 9, 1), Precision.MONTH)


def test_it_parses_a_day():
    assert PartialDate.parse("2025-02-21") == PartialDate(dt.date(2025, 2, 21), Precision.DAY)


def test_it_gives_back_the_iso_form_it_parsed():
    assert [PartialDate.parse(text).iso() for text in ("2024", "2024-09", "2025-02-21")] == [
        "2024",
        "2024-09",
        "2025-02-21",
    ]


@pytest.mark.parametrize(
    "text", ["", "сентябрь 2024", "24-09", "2024/09/10", "2024-13", "2025-02-30"]
)
def test_it_rejects_text_that_is_not_a_partial_date(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_it_keeps_no_day_for_a_month_precision_date():
    assert PartialDate(dt.date(2024, 9, 17), Precision.MONTH).date == dt.date(2024, 9, 1)


def test_it_shows_a_month_in_russian_in_the_nominative():
    with translation.override("ru"):
        assert str(PartialDate.parse("2024-09")) == "сентябрь 2024"


def test_it_shows_a_day_in_russian_with_the_month_in_the_genitive():
    with translation.override("ru"):
        assert str(PartialDate.parse("2025-02-21")) == "21 февраля 2025"


def test_it_shows_a_year_as_the_year_alone():
    with translation.override("ru"):
        assert str(PartialDate.parse("2024")) == "2024"


def test_it_shows_a_month_in_english_on_the_english_site():
    with translation.override("en"):
        assert str(PartialDate.parse("2024-09")) == "September 2024"
        assert str(PartialDate.parse("2025-02-21")) == "21 February 2025"


def test_it_shows_a_range_within_one_month_with_the_month_once():
    with translation.override("ru"):
        assert format_range(PartialDate.parse("2025-05-15"), PartialDate.parse("2025-05-16")) == (
            "15–16 мая 2025"
        )


def test_it_shows_a_range_across_months_with_both_months():
    start, end = PartialDate.parse("2025-02-28"), PartialDate.parse("2025-03-02")
    with translation.override("ru"):
        assert format_range(start, end) == "28 февраля – 2 марта 2025"


def test_it_shows_a_range_across_years_with_both_years():
    start, end = PartialDate.parse("2024-12-30"), PartialDate.parse("2025-01-02")
    with translation.override("ru"):
        assert format_range(start, end) == "30 декабря 2024 – 2 января 2025"


def test_it_shows_a_range_without_an_end_as_the_start_alone():
    with translation.override("ru"):
        assert format_range(PartialDate.parse("2024-11")) == "ноябрь 2024"
        assert format_range(None) == ""


@pytest.mark.django_db
def test_it_sorts_a_month_precision_event_between_the_month_before_and_later_days():
    september = EventFactory(start_date=dt.date(2024, 9, 1), start_precision=Precision.MONTH)
    tenth = EventFactory(start_date=dt.date(2024, 9, 10))
    august = EventFactory(start_date=dt.date(2024, 8, 31))

    ordered = list(Event.objects.order_by("start_date"))

    assert ordered == [august, september, tenth]


@pytest.mark.django_db
def test_it_never_keeps_an_invented_day_for_a_month_precision_event():
    event = EventFactory(start_date=dt.date(2024, 9, 17), start_precision=Precision.MONTH)

    event.refresh_from_db()

    assert event.start_date == dt.date(2024, 9, 1)
    with translation.override("ru"):
        assert event.dates == "сентябрь 2024"


@pytest.mark.django_db
def test_it_stores_a_year_precision_end_date_as_the_last_day_of_that_year():
    event = EventFactory(
        start_date=dt.date(2024, 3, 5),
        end_date=dt.date(2025, 6, 7),
        end_precision=Precision.YEAR,
    )

    event.refresh_from_db()

    assert event.end_date == dt.date(2025, 12, 31)
    assert event.end.format("ru") == "2025"
