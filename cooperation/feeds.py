"""Atom feeds of events and agreements, and an iCalendar feed of events.

Every feed is its list's (`cooperation.listings`): the same public records and the same
query parameters, so a filtered feed is a saved search that tells its reader what is new.
A parameter that does not parse gets a 400 that says what was wrong: a feed silently
wider than the search its reader asked for would be worse than none.
"""

import datetime as dt
from dataclasses import dataclass

import icalendar
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .dates import Precision
from .listings import LISTINGS, latest_updates
from .models import Event, Industry, is_public, localized

FEED_ITEMS = 50
# The latest events of a calendar: enough for any subscriber, and a file that stays small
# however many events a region has had over the years.
CALENDAR_ITEMS = 1000


def _filtered(request, listing, queryset):
    """The list's records as filtered, or None when a parameter does not parse."""
    filterset = listing.filterset(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return None, filterset.errors
    return filterset.qs, None


def _bad_request(errors):
    lines = [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _query_string(request):
    """The filters of the request, without the page: a feed has no pages."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return f"?{params.urlencode()}" if params else ""


def _at_midnight(date):
    return timezone.make_aware(dt.datetime.combine(date, dt.time.min)) if date else None


class _BadParameters(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class _Search:
    """What one request asked for; the feed object itself is shared between requests."""

    request: HttpRequest
    items: QuerySet


class _FilteredFeed(Feed):
    feed_type = Atom1Feed
    listing = None

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _BadParameters as bad:
            return _bad_request(bad.errors)

    def get_object(self, request, *args, **kwargs):
        # What an entry says besides the list's item: its industries, as categories.
        records = (
            self.listing.queryset()
            .prefetch_related(None)
            .prefetch_related(Prefetch("industries", queryset=Industry.objects.public()))
        )
        items, errors = _filtered(request, self.listing, records)
        if errors:
            raise _BadParameters(errors)
        return _Search(request, items[:FEED_ITEMS])

    def items(self, search):
        return search.items

    def link(self, search):
        # The list the feed follows, with the same filters.
        return reverse(self.listing.url_name) + _query_string(search.request)

    def feed_url(self, search):
        return search.request.path + _query_string(search.request)

    def item_title(self, item):
        return str(item)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(industry) for industry in item.industries.all()]


class EventFeed(_FilteredFeed):
    listing = LISTINGS["event"]

    def title(self, search):
        return _("Events — Interregional cooperation")

    def subtitle(self, search):
        return _("Meetings, round tables, forums and visits between regions.")

    def item_description(self, item):
        return _describe_event(item)

    def item_pubdate(self, item):
        return _at_midnight(item.start_date)


class AgreementFeed(_FilteredFeed):
    listing = LISTINGS["agreement"]

    def title(self, search):
        return _("Agreements — Interregional cooperation")

    def subtitle(self, search):
        return _("Agreements, memoranda and road maps between regions and their organizations.")

    def item_description(self, item):
        parts = [str(item.signed) if item.signed else "", item.get_kind_display()]
        head = ", ".join(str(part) for part in parts if part)
        summary = localized(item, "summary")
        return f"{head}. {summary}" if summary else head

    def item_pubdate(self, item):
        return _at_midnight(item.signed_date)


def _place(event):
    parts = [localized(event, "venue"), localized(event, "city")]
    if is_public(event.region):
        parts.append(str(event.region))
    return ", ".join(part for part in parts if part)


def _describe_event(event):
    head = ", ".join(part for part in (event.dates, _place(event)) if part)
    if event.status != Event.Status.HELD:
        head += f" ({event.get_status_display()})"
    summary = localized(event, "summary")
    return f"{head}. {summary}" if summary else head


def event_calendar(request):
    """The events list as an iCalendar file, with its filters.

    A calendar entry needs a day: events the sources date only to a month or a year are
    left out rather than pinned to a day nobody gave. The latest CALENDAR_ITEMS only.
    """
    listing = LISTINGS["event"]
    events, errors = _filtered(request, listing, listing.queryset().prefetch_related(None))
    if errors:
        return _bad_request(errors)
    host = request.get_host().split(":")[0]
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{host}//{_('Interregional cooperation')}//")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Events — Interregional cooperation"))
    dated = events.filter(start_precision=Precision.DAY).order_by("-start_date", "title")
    for event in dated[:CALENDAR_ITEMS]:
        calendar.add_component(_vevent(request, event, host))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def _vevent(request, event, host):
    vevent = icalendar.Event()
    # The slug is stable when a title is edited, so a subscriber's entry is updated in place.
    vevent.add("uid", f"{event.slug}@{host}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("summary", str(event))
    vevent.add("dtstart", event.start_date)
    # All-day entries end on the next day (DTEND is exclusive); an end given only to the
    # month is stored as the month's last day, which covers all the source allows.
    vevent.add("dtend", (event.end_date or event.start_date) + dt.timedelta(days=1))
    place = _place(event)
    if place:
        vevent.add("location", place)
    summary = localized(event, "summary")
    if summary:
        vevent.add("description", summary)
    vevent.add("url", request.build_absolute_uri(event.get_absolute_url()))
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return vevent


class ProgressFeed(_FilteredFeed):
    """Progress updates on the commitments a filter selects: `?agreement=<slug>` follows
    one agreement, `?region=tatarstan&overdue=yes` a saved search."""

    listing = LISTINGS["commitment"]

    def get_object(self, request, *args, **kwargs):
        commitments, errors = _filtered(request, self.listing, self.listing.queryset())
        if errors:
            raise _BadParameters(errors)
        updates = (
            latest_updates()
            .filter(commitment__in=commitments.order_by().values("pk"))
            .select_related("commitment__agreement")
        )
        return _Search(request, updates[:FEED_ITEMS])

    def title(self, search):
        return _("Progress on commitments — Interregional cooperation")

    def subtitle(self, search):
        return _("What came of the agreements: dated, sourced progress on what they promised.")

    def item_title(self, item):
        return f"{item.get_status_display().capitalize()}: {item.commitment}"

    def item_description(self, item):
        return " — ".join(
            part
            for part in (str(item.when), localized(item, "note"), str(item.commitment.agreement))
            if part
        )

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return _at_midnight(item.date)

    def item_categories(self, item):
        return []
