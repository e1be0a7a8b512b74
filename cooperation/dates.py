"""Partial dates: a date plus the precision a source gave it (day, month or year).

A month-precision date is stored as the first day of that month, a year-precision date as
1 January, so that they sort and filter with ordinary date comparisons; the precision
keeps the display honest ("сентябрь 2024", never "1 сентября 2024").
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


_MONTHS = {
    "ru": {
        "nominative": [
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ],
        "genitive": [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ],
    },
    "en": {
        "nominative": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    },
}
_MONTHS["en"]["genitive"] = _MONTHS["en"]["nominative"]

_PARTIAL_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")


def truncate(value, precision, *, end=False):
    """The canonical stored form of a date at a precision.

    A start is stored as the first day of its month or year, an end as the last day, so
    that the stored range covers all the source allows and "started 25 March 2010, left in
    2010" still ends after it starts.
    """
    if value is None:
        return None
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31) if end else value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        if end:
            return value.replace(day=calendar.monthrange(value.year, value.month)[1])
        return value.replace(day=1)
    return value


def _language(language):
    code = (language or get_language() or "ru").split("-")[0]
    return code if code in _MONTHS else "ru"


@dataclass(frozen=True, order=True)
class PartialDate:
    date: dt.date
    precision: str = Precision.DAY

    def __post_init__(self):
        if self.precision not in Precision.values:
            raise ValueError(f"unknown precision {self.precision!r}")
        object.__setattr__(self, "date", truncate(self.date, self.precision))

    @classmethod
    def parse(cls, text):
        """'2025', '2024-09' or '2025-02-21' -> PartialDate, with the precision it shows."""
        match = _PARTIAL_RE.match(str(text).strip())
        if not match:
            raise ValueError(f"not a date: {text!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match["y"], match["m"], match["d"]
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        return cls(dt.date(int(year), int(month or 1), int(day or 1)), precision)

    def last_day(self):
        """The stored form of this date as the end of a range."""
        return truncate(self.date, self.precision, end=True)

    def iso(self):
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def format(self, language=None):
        months = _MONTHS[_language(language)]
        d = self.date
        if self.precision == Precision.YEAR:
            return str(d.year)
        if self.precision == Precision.MONTH:
            return f"{months['nominative'][d.month - 1]} {d.year}"
        return f"{d.day} {months['genitive'][d.month - 1]} {d.year}"

    def __str__(self):
        return self.format()


def format_range(start, end=None, language=None):
    """'15–16 мая 2025', 'сентябрь 2024', '28 февраля – 2 марта 2025'."""
    if start is None:
        return ""
    if end is None or end == start:
        return start.format(language)
    months = _MONTHS[_language(language)]["genitive"]
    both_days = start.precision == end.precision == Precision.DAY
    if both_days and start.date.year == end.date.year:
        if start.date.month == end.date.month:
            return f"{start.date.day}–{end.format(language)}"
        return f"{start.date.day} {months[start.date.month - 1]} – {end.format(language)}"
    return f"{start.format(language)} – {end.format(language)}"


# Words that place a date relative to the day a text was published: "в ноябре прошлого года",
# "вчера".
_YEARS_AFTER_DATE = re.compile(
    r"\s+(?P<word>позапрошлого|прошлого|прошедшего|минувшего|этого|текущего|нынешнего|"
    r"следующего|будущего|наступающего)\s+года",
    re.IGNORECASE,
)
_YEAR_OFFSETS = {"позапрошлого": -2, "прошлого": -1, "прошедшего": -1, "минувшего": -1}
_YEAR_OFFSETS.update(dict.fromkeys(["следующего", "будущего", "наступающего"], 1))
_RELATIVE_DAYS = re.compile(r"(?<!\w)(позавчера|вчера|накануне|сегодня)(?!\w)", re.IGNORECASE)
_DAY_OFFSETS = {"позавчера": -2, "вчера": -1, "накануне": -1, "сегодня": 0}
_MONTHS_IN = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]
# "в ноябре", "в ноябре прошлого года"; with the year in digits it is a date like any other.
_MONTH_IN = re.compile(
    r"(?<!\w)во?\s+(?P<month>" + "|".join(_MONTHS_IN) + r")(?!\w)(?!\s+\d)", re.IGNORECASE
)


def date_in_text(year, month, day, *, following, published_on):
    """The (date, precision) a text means by a day or month it names ("14 октября", "в
    ноябре прошлого года"), its year taken from the text, else from the words that follow
    it, else from the publication date. None if it is no date."""
    if year is None:
        relative = _YEARS_AFTER_DATE.match(following)
        year = published_on.year
        if relative:
            year += _YEAR_OFFSETS.get(relative["word"].lower(), 0)
    try:
        date = dt.date(year, month, day or 1)
    except (TypeError, ValueError):
        return None
    return date, Precision.DAY if day else Precision.MONTH


def relative_dates(text, published_on):
    """[(offset in text, (date, precision))] for the days and months a text names by their
    distance from its publication: "вчера", "в ноябре", "в ноябре прошлого года"."""
    found = [
        (
            match.start(),
            (published_on + dt.timedelta(days=_DAY_OFFSETS[match[1].lower()]), Precision.DAY),
        )
        for match in _RELATIVE_DAYS.finditer(text)
    ]
    for match in _MONTH_IN.finditer(text):
        month = _MONTHS_IN.index(match["month"].lower()) + 1
        dated = date_in_text(
            None, month, None, following=text[match.end() :], published_on=published_on
        )
        found.append((match.start(), dated))
    return found
