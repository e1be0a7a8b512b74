"""How much the portal covers, computed from what the public can see: which countries and
regions have records, which years, and how complete the records are.

Every figure asks the same public verbs as the lists, so it counts what a visitor can
find; the page's figures are kept until the content changes (cooperation.page_cache).
"""

from django.db.models import Count, Max, Min, Q
from django.shortcuts import render
from django.utils.translation import get_language

from . import charts, page_cache
from .dates import Precision
from .models import (
    Agreement,
    AgreementParty,
    Country,
    Delegation,
    Event,
    Organization,
    Participation,
    Region,
    Source,
    public_condition,
)


def _share(part, whole):
    return round(100 * part / whole) if whole else None


def _regions():
    """Each public region with what it has: [(region, events, agreements, organizations,
    first year, last year)], regions with records first, then by country and name."""
    through = Event.regions.through
    events = {
        row["region"]: row
        for row in through.objects.filter(public_condition(through, "event"))
        .order_by()
        .values("region")
        .annotate(n=Count("pk"), first=Min("event__start_date"), last=Max("event__start_date"))
    }
    agreements = dict(
        AgreementParty.objects.public()
        .filter(organization__region__isnull=False)
        .order_by()
        .values_list("organization__region")
        .annotate(n=Count("agreement", distinct=True))
    )
    organizations = dict(
        Organization.objects.public()
        .filter(region__isnull=False)
        .order_by()
        .values_list("region")
        .annotate(n=Count("pk"))
    )
    rows = []
    for region in Region.objects.public().select_related("country"):
        row = events.get(region.pk, {})
        rows.append(
            {
                "region": region,
                "events": row.get("n", 0),
                "agreements": agreements.get(region.pk, 0),
                "organizations": organizations.get(region.pk, 0),
                "first": row["first"].year if row.get("first") else None,
                "last": row["last"].year if row.get("last") else None,
            }
        )
    return rows


def _years():
    """[(year, events, agreements, delegations, sources)], oldest first."""
    columns = [
        dict(charts.years(Event.objects.public(), "start_date")),
        dict(charts.years(Agreement.objects.public(), "signed_date")),
        dict(charts.years(Delegation.objects.public(), "start_date")),
        dict(charts.years(Source.objects.public(), "published_on")),
    ]
    every_year = sorted(set().union(*columns))
    return [(year, *(column.get(year, 0) for column in columns)) for year in every_year]


def _completeness():
    """[(what, how many, of how many, percent)] for the questions visitors ask of a record."""
    events = Event.objects.public()
    agreements = Agreement.objects.public()
    with_participants = Participation.objects.public(known=["event"]).values("event")
    event_counts = events.aggregate(
        all=Count("pk"),
        day=Count("pk", filter=Q(start_precision=Precision.DAY)),
        english=Count("pk", filter=~Q(title_en="")),
        people=Count("pk", filter=Q(pk__in=with_participants)),
    )
    agreement_counts = agreements.aggregate(
        all=Count("pk"),
        dated=Count("pk", filter=Q(signed_date__isnull=False)),
        day=Count("pk", filter=Q(signed_precision=Precision.DAY, signed_date__isnull=False)),
        english=Count("pk", filter=~Q(title_en="")),
    )
    rows = [
        ("events_day", event_counts["day"], event_counts["all"]),
        ("events_people", event_counts["people"], event_counts["all"]),
        ("events_english", event_counts["english"], event_counts["all"]),
        ("agreements_dated", agreement_counts["dated"], agreement_counts["all"]),
        ("agreements_day", agreement_counts["day"], agreement_counts["all"]),
        ("agreements_english", agreement_counts["english"], agreement_counts["all"]),
    ]
    return [(key, part, whole, _share(part, whole)) for key, part, whole in rows]


def _figures():
    regions = _regions()
    countries = []
    for country in Country.objects.public():
        own = [row for row in regions if row["region"].country_id == country.pk]
        covered = [row for row in own if row["events"] or row["agreements"]]
        countries.append(
            {
                "country": country,
                "regions": len(own),
                "covered": len(covered),
                "share": _share(len(covered), len(own)),
            }
        )
    sources = Source.objects.public().exclude(kind=Source.Kind.REFERENCE)
    return {
        "countries": [row for row in countries if row["regions"]],
        "regions": sorted(
            # Every region has its government bodies as organizations (the reference list):
            # a region is covered by what happened between regions.
            (row for row in regions if row["events"] or row["agreements"]),
            key=lambda row: (-row["events"] - row["agreements"], str(row["region"])),
        ),
        "years": _years(),
        "completeness": _completeness(),
        "sources": sources.aggregate(
            count=Count("pk"),
            publishers=Count("publisher", distinct=True),
            first=Min("published_on"),
            last=Max("published_on"),
        ),
    }


def coverage(request):
    figures = page_cache.kept(page_cache.query_key("coverage", get_language()), _figures)
    return render(request, "cooperation/coverage.html", figures)
