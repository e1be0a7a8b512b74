"""Counts and dates turned into drawing data for the server-rendered SVG charts.

Two kinds of function live here. `years()` and `industries()` fetch counts, each in one
aggregate query, from querysets the caller has already narrowed to what the reader may see
(`public()` records for the public). `year_chart()`, `industry_chart()` and `timeline()` are
pure: they lay counts and dates out in a fixed coordinate system (the SVG's viewBox), so
that the templates only draw, and the pictures scale to any screen width without JavaScript.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.formats import date_format

from .dates import PartialDate, Precision, format_range
from .models import Industry

# --- counts -------------------------------------------------------------------------------


def years(queryset, date_field):
    """[(year, count)] of the queryset's records by the year of `date_field`, oldest first.

    Records without a date are left out. The queryset is used as a subquery, so that joins
    and distinct() in it (a region's events) cannot inflate the counts.
    """
    rows = (
        queryset.model.objects.filter(pk__in=queryset.values("pk"))
        .exclude(**{f"{date_field}__isnull": True})
        .annotate(year=ExtractYear(date_field))
        .order_by("year")
        .values("year")
        .annotate(count=Count("pk"))
        .values_list("year", "count")
    )
    return list(rows)


def industries(*querysets, industry_queryset=None):
    """[(label, url, count)]: how many of the given records each industry is named in.

    Each queryset (events, agreements, organizations…) counts through its `industries`
    relation; counts add up across querysets, in one query: per industry, a count of that
    relation's rows whose records are in the queryset. Only public industries are drawn
    unless `industry_queryset` says otherwise. Most named first, then by name.
    """
    if industry_queryset is None:
        industry_queryset = Industry.objects.public()
    if not querysets:
        return []
    total = _named_in(querysets[0])
    for queryset in querysets[1:]:
        total = total + _named_in(queryset)
    rows = (
        industry_queryset.annotate(chart_count=total)
        .filter(chart_count__gt=0)
        .order_by("-chart_count", "name")
    )
    return [(str(industry), industry.get_absolute_url(), industry.chart_count) for industry in rows]


def _named_in(queryset):
    """How many records of `queryset` name the industry of the outer query."""
    relation = queryset.model._meta.get_field("industries")
    owner, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    links = (
        relation.remote_field.through.objects.filter(
            **{target: OuterRef("pk"), f"{owner}__in": queryset.order_by().values("pk")}
        )
        .order_by()
        .values(target)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links), 0)


# --- shared geometry ----------------------------------------------------------------------


def nice_ticks(maximum, most=5):
    """Round axis values from 0 up to at least `maximum`: steps of 1, 2 or 5 times 10^n."""
    if maximum <= 0:
        return [0, 1]
    raw_step = maximum / most
    magnitude = 10 ** math.floor(math.log10(raw_step)) if raw_step >= 1 else 1
    step = next(
        m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step and m * magnitude >= 1
    )
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def _every(count, most):
    """Label every n-th of `count` places so that at most about `most` labels show."""
    return max(1, math.ceil(count / most))


# --- counts per year: vertical bars -------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool = True
    url: str = ""

    @property
    def cx(self):
        return round(self.x + self.width / 2, 2)

    @property
    def cy(self):
        return round(self.y + self.height / 2, 2)

    @property
    def end_x(self):
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class YearChart:
    bars: list
    ticks: list
    width: int
    height: int
    plot_left: float
    plot_right: float
    baseline: float
    total: int


YEAR_WIDTH, YEAR_HEIGHT = 360, 200
_YEAR_MARGIN = {"left": 36, "right": 8, "top": 18, "bottom": 28}


def year_chart(counts):
    """Vertical bars for [(year, count)]; years between the first and last show as gaps.

    None when there is nothing to draw.
    """
    counts = {int(year): int(count) for year, count in counts if count}
    if not counts:
        return None
    first, last = min(counts), max(counts)
    all_years = list(range(first, last + 1))
    ticks = nice_ticks(max(counts.values()))
    left, right = _YEAR_MARGIN["left"], YEAR_WIDTH - _YEAR_MARGIN["right"]
    top, baseline = _YEAR_MARGIN["top"], YEAR_HEIGHT - _YEAR_MARGIN["bottom"]
    slot = (right - left) / len(all_years)
    # Bars fill most of their slot but stay slim when there are only one or two years.
    width = min(slot * 0.7, 64)
    scale = (baseline - top) / ticks[-1]
    label_every = _every(len(all_years), 12)
    bars = []
    for n, year in enumerate(all_years):
        count = counts.get(year, 0)
        height = count * scale
        bars.append(
            Bar(
                label=str(year),
                count=count,
                x=round(left + slot * n + (slot - width) / 2, 2),
                y=round(baseline - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                show_label=(last - year) % label_every == 0,
            )
        )
    return YearChart(
        bars=bars,
        ticks=[Tick(value, round(baseline - value * scale, 2)) for value in ticks],
        width=YEAR_WIDTH,
        height=YEAR_HEIGHT,
        plot_left=left,
        plot_right=right,
        baseline=baseline,
        total=sum(counts.values()),
    )


# --- counts per industry: horizontal bars -------------------------------------------------


@dataclass(frozen=True)
class IndustryChart:
    bars: list
    width: int
    height: int
    left: float
    shown: int
    hidden: int


INDUSTRY_WIDTH = 360
_INDUSTRY_ROW = 38  # a line of label above a bar: labels of any length fit a phone screen
_INDUSTRY_BAR = 14
_INDUSTRY_LEFT = 4
_INDUSTRY_COUNT_ROOM = 44


def industry_chart(rows, most=12):
    """Horizontal bars for [(label, url, count)], the largest first; None when empty.

    At most `most` bars are drawn; `hidden` says how many smaller ones were left out.
    """
    rows = sorted(((label, url, int(count)) for label, url, count in rows if count), key=_by_size)
    if not rows:
        return None
    shown, hidden = rows[:most], len(rows) - min(len(rows), most)
    largest = shown[0][2]
    room = INDUSTRY_WIDTH - _INDUSTRY_LEFT - _INDUSTRY_COUNT_ROOM
    bars = [
        Bar(
            label=label,
            url=url,
            count=count,
            x=_INDUSTRY_LEFT,
            y=n * _INDUSTRY_ROW + 20,
            # The smallest bar stays visible next to a thousand-fold larger one.
            width=round(max(room * count / largest, 2), 2),
            height=_INDUSTRY_BAR,
        )
        for n, (label, url, count) in enumerate(shown)
    ]
    return IndustryChart(
        bars=bars,
        width=INDUSTRY_WIDTH,
        height=len(bars) * _INDUSTRY_ROW + 4,
        left=_INDUSTRY_LEFT,
        shown=len(shown),
        hidden=hidden,
    )


def _by_size(row):
    label, _url, count = row
    return (-count, label)


# --- timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dated:
    """Something to place on a timeline: a partial date (or range), a name, a link, a kind."""

    start: PartialDate
    label: str
    url: str = ""
    kind: str = "event"
    end: PartialDate | None = None


@dataclass(frozen=True)
class Mark:
    number: int
    item: Dated
    when: str
    iso: str
    x: float
    y: float
    width: float
    height: float
    is_span: bool

    @property
    def cx(self):
        return round(self.x + self.width / 2, 2)

    @property
    def cy(self):
        return round(self.y + self.height / 2, 2)

    @property
    def rx(self):
        # A day is a circle; a stretch of time a square-cornered bar, however short.
        return 4 if self.is_span else self.height / 2


@dataclass(frozen=True)
class YearTick:
    """A tick at the start of a year or, on a timeline shorter than two years, a month."""

    year: int
    x: float
    label_x: float
    show_label: bool
    label: str = ""
    sublabel: str = ""  # the year under a month's name, at the first month and each January


@dataclass(frozen=True)
class Timeline:
    marks: list
    ticks: list
    width: int
    height: int
    axis_y: float
    left: float
    right: float
    kinds: list = field(default_factory=list)


TIMELINE_WIDTH = 360
# Marks closer together than this many days are laid out over days rather than months.
_DAYS_ON_AXIS = 45
_MARK = 20  # the smallest mark: a circle that holds a two-digit number
_LANE = 24
_TIMELINE_MARGIN = 12


def timeline(items):
    """Lay dated items out on a time axis of whole years, numbered in date order.

    A day is a circle; a month or a year the source gave no day for, or a range, is a bar
    over the time it covers. Marks that would overlap go to the next lane down. None when
    there is nothing to draw.
    """
    # Numbered by what does not depend on the language of the page: the same numbers on
    # /en/ as on the Russian page.
    items = sorted(
        (item for item in items if item.start),
        key=lambda i: (i.start.date, _kind_order(i.kind), i.url),
    )
    if not items:
        return None
    first = items[0].start.date.year
    last_day = max((item.end or item.start).last_day() for item in items)
    last = last_day.year
    first_day = items[0].start.date
    by_day = (last_day - first_day).days < _DAYS_ON_AXIS
    by_month = not by_day and last - first < 2
    if by_day:  # days on the axis, a day either side of the marks
        origin, finish = first_day - dt.timedelta(days=1), last_day + dt.timedelta(days=2)
    elif by_month:  # months on the axis, from the first mark's month to the last one's
        origin = first_day.replace(day=1)
        finish = _next_month(last_day)
    else:
        origin, finish = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    left, right = _TIMELINE_MARGIN, TIMELINE_WIDTH - _TIMELINE_MARGIN
    per_day = (right - left) / (finish - origin).days

    def x_of(day):
        return left + (day - origin).days * per_day

    lane_ends, placed = [], []
    for number, item in enumerate(items, start=1):
        end = item.end or item.start
        x0, x1 = x_of(item.start.date), x_of(end.last_day() + dt.timedelta(days=1))
        is_span = item.start.precision != Precision.DAY or item.end not in (None, item.start)
        if x1 - x0 < _MARK or not is_span:  # a day, or too short to hold its number: a circle
            middle = (x0 + x1) / 2
            x0 = min(max(middle - _MARK / 2, left), right - _MARK)
            x1 = x0 + _MARK
        lane = next((n for n, taken in enumerate(lane_ends) if taken + 2 <= x0), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(x1)
        else:
            lane_ends[lane] = x1
        placed.append((number, item, x0, x1, lane, is_span))

    axis_y = len(lane_ends) * _LANE + 6
    marks = [
        Mark(
            number=number,
            item=item,
            when=format_range(item.start, item.end),
            iso=item.start.iso(),
            x=round(x0, 2),
            y=lane * _LANE + 4,
            width=round(x1 - x0, 2),
            height=_MARK,
            is_span=is_span,
        )
        for number, item, x0, x1, lane, is_span in placed
    ]
    if by_day or by_month:
        ticks = (_day_ticks if by_day else _month_ticks)(origin, finish, x_of)
        return Timeline(
            marks=marks,
            ticks=ticks,
            width=TIMELINE_WIDTH,
            height=round(axis_y + 40),
            axis_y=axis_y,
            left=left,
            right=right,
            kinds=sorted({item.kind for item in items}, key=_kind_order),
        )
    year_count = last - first + 1
    label_every = _every(year_count, 8)
    ticks = [
        YearTick(
            year=year,
            x=round(x_of(dt.date(year, 1, 1)), 2),
            label_x=round((x_of(dt.date(year, 1, 1)) + x_of(dt.date(year + 1, 1, 1))) / 2, 2),
            show_label=(last - year) % label_every == 0,
            label=str(year),
        )
        for year in range(first, last + 1)
    ]
    return Timeline(
        marks=marks,
        ticks=ticks,
        width=TIMELINE_WIDTH,
        height=round(axis_y + 24),
        axis_y=axis_y,
        left=left,
        right=right,
        kinds=sorted({item.kind for item in items}, key=_kind_order),
    )


def _next_month(day):
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _day_ticks(origin, finish, x_of):
    """A tick at each day, labelled with the day (and the month under the first day and
    each 1st), as many labels as fit."""
    days = [origin + dt.timedelta(days=n) for n in range((finish - origin).days)]
    every = _every(len(days), 7)
    return [
        YearTick(
            year=day.year,
            x=round(x_of(day), 2),
            label_x=round((x_of(day) + x_of(day + dt.timedelta(days=1))) / 2, 2),
            show_label=n % every == 0,
            label=str(day.day),
            sublabel=date_format(day, "M Y") if n == 0 or day.day == 1 else "",
        )
        for n, day in enumerate(days)
    ]


def _month_ticks(origin, finish, x_of):
    """A tick at each month's start, labelled with the month (and the year in January and
    at the first), as many labels as fit."""
    months = []
    month = origin
    while month < finish:
        months.append(month)
        month = _next_month(month)
    every = _every(len(months), 6)
    return [
        YearTick(
            year=month.year,
            x=round(x_of(month), 2),
            label_x=round((x_of(month) + x_of(_next_month(month))) / 2, 2),
            show_label=n % every == 0,
            label=date_format(month, "M"),
            sublabel=str(month.year) if n == 0 or month.month == 1 else "",
        )
        for n, month in enumerate(months)
    ]


KIND_ORDER = ["delegation", "event", "agreement"]


def _kind_order(kind):
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)


def timeline_items(*, events=(), agreements=(), delegations=()):
    """Dated items from already fetched records: no queries of its own."""
    items = [
        Dated(start=event.start, end=event.end, label=str(event), url=event.get_absolute_url())
        for event in events
    ]
    items += [
        Dated(
            start=agreement.signed,
            label=str(agreement),
            url=agreement.get_absolute_url(),
            kind="agreement",
        )
        for agreement in agreements
        if agreement.signed
    ]
    items += [
        Dated(
            start=delegation.start,
            end=delegation.end,
            label=str(delegation),
            url=delegation.get_absolute_url(),
            kind="delegation",
        )
        for delegation in delegations
    ]
    return items


def agreement_family_items(family):
    """An agreement's family on a time axis: each over its term where sources give one,
    else at its signing."""
    return [
        Dated(
            start=agreement.valid_from_partial or agreement.signed,
            end=agreement.valid_until_partial,
            label=str(agreement),
            url=agreement.get_absolute_url(),
            kind="agreement",
        )
        for agreement in family
        if agreement.valid_from or agreement.signed
    ]
