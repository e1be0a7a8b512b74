"""Who cooperates with whom, counted: regions and pairs of regions ranked by delegations,
events and agreements, and the same per year.

What is counted is what the lists show with the same parameters: `scope()` narrows the
public events, agreements and delegations through their listings' FilterSets
(cooperation/listings.py) by `industry`, `kind`, `date_from` and `date_to`, so a count here
and the length of the list it links to are the same number. The statistics page, its CSV,
the map of cooperation (cooperation/geography.py) on the home, region and map pages, and the
region-with-a-country dossier all read the counts from here; each is one aggregate query,
kept until the content changes (cooperation.page_cache).
"""

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import charts, page_cache
from .listings import LISTINGS
from .models import (
    Agreement,
    AgreementParty,
    Country,
    Event,
    Region,
    is_public,
    public_condition,
)

# What is counted, in the order of the tables' columns. A region's delegations are those it
# sent and those it received; a pair's are those between its two regions either way.
REGION_MEASURES = [
    ("events", _("events")),
    ("agreements", _("agreements")),
    ("commitments", _("commitments")),
    ("delegations_sent", _("delegations sent")),
    ("delegations_received", _("delegations received")),
]
PAIR_MEASURES = [
    ("events", _("events")),
    ("agreements", _("agreements")),
    ("commitments", _("commitments")),
    ("delegations", _("delegations")),
]
# The parameters of the lists that narrow what is counted.
PARAMETERS = ("industry", "kind", "date_from", "date_to")
EVENT_KINDS = set(Event.Kind.values)
AGREEMENT_KINDS = set(Agreement.Kind.values)


@dataclass
class Scope:
    """The public records counted, as the lists would show them with the same parameters;
    None for a kind of record the parameters rule out (an industry for delegations, which
    have none; an event's kind for agreements)."""

    events: object
    agreements: object
    delegations: object
    params: list
    problems: list = field(default_factory=list)

    def key(self, *parts):
        return page_cache.query_key("statistics", *self.params, *parts)

    @property
    def measures(self):
        """The names of what is counted: those whose records the parameters leave."""
        return {
            "events": self.events is not None,
            "agreements": self.agreements is not None,
            "commitments": self.agreements is not None,
            "delegations": self.delegations is not None,
            "delegations_sent": self.delegations is not None,
            "delegations_received": self.delegations is not None,
        }


def scope(data=None):
    """The records counted for the query `data` (a QueryDict, or None for everything)."""
    data = data if data is not None else QueryDict()
    given = QueryDict(mutable=True)
    for name in PARAMETERS:
        values = [value for value in data.getlist(name) if value]
        if values:
            given.setlist(name, values)
    kind = given.get("kind")
    problems = []
    if kind and kind not in EVENT_KINDS | AGREEMENT_KINDS:
        problems.append(_("There is no kind «%(kind)s».") % {"kind": kind[:40]})
        given.pop("kind")
        kind = None

    def narrowed(key, drop_kind):
        listing = LISTINGS[key]
        query = given.copy()
        if drop_kind:
            query.pop("kind", None)
        filterset = listing.filterset(query, queryset=listing.queryset().model.objects.public())
        if key == "event":  # the other two report the same parameters' errors
            problems.extend(
                f"{filterset.form.fields[name].label}: {message}"
                for name, messages in filterset.errors.items()
                for message in messages
            )
        return filterset.qs.order_by()

    events = None if kind in AGREEMENT_KINDS else narrowed("event", drop_kind=not kind)
    agreements = None if kind in EVENT_KINDS else narrowed("agreement", drop_kind=not kind)
    delegations = None
    if not kind and not given.getlist("industry"):
        delegations = narrowed("delegation", drop_kind=True)
    params = sorted((name, sorted(given.getlist(name))) for name in given)
    return Scope(events, agreements, delegations, params, problems)


def query_of(data, *extra):
    """The part of the query `data` that narrows the counts (and `extra` parameters), as a
    query string: a list's filters carried over to its map and rankings."""
    query = QueryDict(mutable=True)
    for name in (*PARAMETERS, *extra):
        values = [value for value in data.getlist(name) if value]
        if values:
            query.setlist(name, values)
    return query.urlencode()


# --- counts -------------------------------------------------------------------------------


def region_counts(scope):
    """{region pk: {measure: n}} over the scope, kept until the content changes."""
    return page_cache.kept(scope.key("regions"), lambda: _region_counts(scope))


def _region_counts(scope):
    counts = {}

    def add(measure, rows):
        for pk, n in rows:
            if pk is not None:
                counts.setdefault(pk, {})[measure] = n

    if scope.events is not None:
        through = Event.regions.through
        add(
            "events",
            through.objects.filter(event__in=scope.events.values("pk"))
            .order_by()
            .values_list("region")
            .annotate(n=Count("event")),
        )
    if scope.agreements is not None:
        add(
            "agreements",
            _parties(scope.agreements)
            .values_list("organization__region")
            .annotate(n=Count("agreement", distinct=True)),
        )
        # The public items of those agreements, counted for each party's region.
        add(
            "commitments",
            _parties(scope.agreements)
            .filter(public_condition(AgreementParty, "agreement__commitments"))
            .values_list("organization__region")
            .annotate(n=Count("agreement__commitments", distinct=True)),
        )
    if scope.delegations is not None:
        for measure, side in (("delegations_sent", "home"), ("delegations_received", "host")):
            add(
                measure,
                scope.delegations.values_list(f"{side}_region").annotate(n=Count("pk")),
            )
    return counts


def _parties(agreements):
    """The public parties, with a region, of the agreements."""
    return (
        AgreementParty.objects.public(known=["agreement"])
        .filter(agreement__in=agreements.values("pk"), organization__region__isnull=False)
        .order_by()
    )


def pair_counts(scope):
    """{(region pk, region pk): {measure: n}}, the smaller pk first, kept until the content
    changes."""
    return page_cache.kept(scope.key("pairs"), lambda: _pair_counts(scope))


def _pair_counts(scope):
    counts = {}

    def add(measure, rows):
        for a, b, n in rows:
            if a is not None and b is not None and a != b:
                pair = (min(a, b), max(a, b))
                entry = counts.setdefault(pair, {})
                entry[measure] = entry.get(measure, 0) + n

    if scope.events is not None:
        # Two regions of one event: the table of an event's regions joined with itself.
        through = Event.regions.through
        add(
            "events",
            through.objects.filter(
                event__in=scope.events.values("pk"),
                event__regions__pk__gt=F("region_id"),
            )
            .order_by()
            .values_list("region_id", "event__regions")
            .annotate(n=Count("event_id", distinct=True)),
        )
    if scope.agreements is not None:
        add(
            "agreements",
            _parties(scope.agreements)
            .filter(
                public_condition(AgreementParty, "agreement__parties", known=["agreement"]),
                agreement__parties__organization__region__gt=F("organization__region"),
            )
            .values_list("organization__region", "agreement__parties__organization__region")
            .annotate(n=Count("agreement", distinct=True)),
        )
        add(
            "commitments",
            _parties(scope.agreements)
            .filter(
                public_condition(AgreementParty, "agreement__parties", known=["agreement"]),
                public_condition(AgreementParty, "agreement__commitments"),
                agreement__parties__organization__region__gt=F("organization__region"),
            )
            .values_list("organization__region", "agreement__parties__organization__region")
            .annotate(n=Count("agreement__commitments", distinct=True)),
        )
    if scope.delegations is not None:
        add(
            "delegations",
            scope.delegations.values_list("home_region", "host_region").annotate(n=Count("pk")),
        )
    return counts


def year_counts(scope):
    """{measure: [(year, n)]} over the scope (delegations once, by their start)."""

    def compute():
        result = {}
        for measure, queryset, date_field in (
            ("events", scope.events, "start_date"),
            ("agreements", scope.agreements, "signed_date"),
            ("delegations", scope.delegations, "start_date"),
        ):
            if queryset is not None:
                result[measure] = charts.years(queryset, date_field)
        return result

    return page_cache.kept(scope.key("years"), compute)


# --- rankings -----------------------------------------------------------------------------


@dataclass
class Row:
    """A ranked region or pair of regions and its counts."""

    regions: tuple
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def get(self, measure):
        return self.counts.get(measure, 0)


def _public_regions(pks):
    return Region.objects.public().select_related("country").in_bulk(set(pks))


def region_ranking(scope, country=None):
    """[Row] of public regions with anything counted, in `country` if given."""
    counts = region_counts(scope)
    regions = _public_regions(counts)
    return [
        Row((regions[pk],), measures)
        for pk, measures in counts.items()
        if pk in regions and (country is None or regions[pk].country_id == country.pk)
    ]


def pair_ranking(scope, country=None, region=None, partner_country=None):
    """[Row] of pairs of public regions, those with a region in `country` or those of
    `region` (with a region of `partner_country`), `region` first."""
    counts = pair_counts(scope)
    regions = _public_regions({pk for pair in counts for pk in pair})
    rows = []
    for (a, b), measures in counts.items():
        if a not in regions or b not in regions:
            continue
        first, second = regions[a], regions[b]
        if region is not None:
            if region.pk not in (a, b):
                continue
            if second.pk == region.pk:
                first, second = second, first
            if partner_country is not None and second.country_id != partner_country.pk:
                continue
        if country is not None and country.pk not in (first.country_id, second.country_id):
            continue
        rows.append(Row((first, second), measures))
    return rows


def ranked(rows, measure, descending=True):
    """The rows by `measure` (or "total"), then by name."""

    def value(row):
        return row.total if measure == "total" else row.get(measure)

    by_name = sorted(rows, key=lambda row: [str(region) for region in row.regions])
    return sorted(by_name, key=value, reverse=descending)


def country_named(code):
    """The public country with ISO code `code`, or None."""
    if not code or len(code) != 2:
        return None
    return Country.objects.public().filter(code=code.upper()).first()


def partner_countries(region):
    """[(country, pairs)] of the other countries where `region` has partner regions, the
    country with the most events and agreements first: the region's dossiers by country."""
    totals, countries = {}, {}
    for row in pair_ranking(scope(), region=region):
        partner = row.regions[1]
        if partner.country_id != region.country_id and is_public(partner.country):
            countries[partner.country_id] = partner.country
            totals[partner.country_id] = totals.get(partner.country_id, 0) + row.total
    return [
        countries[pk] for pk in sorted(totals, key=lambda pk: (-totals[pk], str(countries[pk])))
    ]
