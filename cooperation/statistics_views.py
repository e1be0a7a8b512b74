"""Pages that look at cooperation as a whole: the map, the statistics and the dossier of a
region with a whole partner country. Their counts come from cooperation.statistics, their
map from cooperation.geography; what they list, from the listings' FilterSets."""

import csv
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import charts, geography, page_cache, statistics
from .exports import _inert
from .listings import LISTINGS
from .models import Agreement, Country, Event, Industry, Region
from .views import _excerpt, _list_url

# Pairs listed on the statistics page; the CSV has them all.
PAIRS_SHOWN = 50

page_cache.QUERY_PARAMETERS.update({"pairs_sort", "table"})


class CountryCode:
    """`/regions/tatarstan/KZ/`: a partner country by its ISO code (region slugs are lower
    case, so the two never meet)."""

    regex = "[A-Z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def _choices():
    """The form's choices: public industries and countries, and the kinds of events and of
    agreements (one parameter `kind`, as in the lists)."""
    return {
        "industries": Industry.objects.public().order_by("name"),
        "countries": Country.objects.public(),
        "kinds": [
            (_("Events"), Event.Kind.choices),
            (_("Agreements"), Agreement.Kind.choices),
        ],
    }


def _problems_and_country(request, scope):
    problems = list(scope.problems)
    code = request.GET.get("country", "")
    country = statistics.country_named(code)
    if code and country is None:
        problems.append(_("There is no country «%(code)s».") % {"code": code[:40]})
    return problems, country


def _scope_query(request, *extra):
    return statistics.query_of(request.GET, *extra)


def cooperation_map(request):
    """The map of cooperation with the lists' filters: industry, kind, dates, country."""
    scope = statistics.scope(request.GET)
    problems, country = _problems_and_country(request, scope)
    rows = statistics.pair_ranking(scope, country=country)
    return render(
        request,
        "cooperation/map.html",
        {
            "map": geography.drawing(rows),
            "problems": problems,
            "selected": request.GET,
            "scope_query": _scope_query(request, "country"),
            "measures": scope.measures,
            **_choices(),
        },
    )


def _sorting(request, name, measures, default):
    """(measure, descending) from `?name=measure` or `-measure`; the default for others."""
    value = request.GET.get(name, "")
    measure = value.lstrip("-")
    if measure not in [*measures, "total"]:
        return default, True
    return measure, value.startswith("-") or value == ""


def _year_links(request, years):
    """[(label, url, selected)] for all years and each year on record, as the lists' year
    facet does it: a year is date_from and date_to set to it."""
    query = request.GET.copy()
    dated = query.get("date_from") or query.get("date_to")
    chosen = query.get("date_from") if query.get("date_from") == query.get("date_to") else None
    for name in ("date_from", "date_to", "page", "format", "table"):
        query.pop(name, None)
    links = [(_("All years"), "?" + query.urlencode(), not dated)]
    for year in sorted(years, reverse=True):
        query["date_from"] = query["date_to"] = str(year)
        links.append((str(year), "?" + query.urlencode(), chosen == str(year)))
    return links


def _headers(request, param, measures, measure, descending):
    """[(name, label, url, aria-sort)] of a table's sortable columns: following a column's
    link sorts by it, most first; following it again, fewest first."""
    headers = []
    for name, label in [*measures, ("total", _("total"))]:
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("table", None)
        current = name == measure
        query[param] = name if current and descending else f"-{name}"
        sort = ("descending" if descending else "ascending") if current else ""
        headers.append((name, label, "?" + query.urlencode(), sort))
    return headers


def statistics_page(request):
    scope = statistics.scope(request.GET)
    problems, country = _problems_and_country(request, scope)
    counted = [name for name, on in scope.measures.items() if on]
    region_measures = [(n, label) for n, label in statistics.REGION_MEASURES if n in counted]
    pair_measures = [(n, label) for n, label in statistics.PAIR_MEASURES if n in counted]
    region_sort = _sorting(request, "sort", dict(region_measures), "total")
    pair_sort = _sorting(request, "pairs_sort", dict(pair_measures), "total")
    regions = statistics.ranked(statistics.region_ranking(scope, country), *region_sort)
    pairs = statistics.ranked(statistics.pair_ranking(scope, country), *pair_sort)
    for rows, measures in ((regions, region_measures), (pairs, pair_measures)):
        for row in rows:
            row.cells = [row.get(measure) for measure, _label in measures]

    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "regions")
        if table == "pairs":
            return _csv("region-pairs", pair_measures, pairs)
        return _csv("regions", region_measures, regions)

    # The years on record, whatever year is chosen, for the links to each year.
    everything = statistics.scope(_without_dates(request))
    years = {year for rows in statistics.year_counts(everything).values() for year, _n in rows}
    year_counts = statistics.year_counts(scope)
    return render(
        request,
        "cooperation/statistics.html",
        {
            "problems": problems,
            "regions": regions,
            "pairs": pairs[:PAIRS_SHOWN],
            "pairs_count": len(pairs),
            "region_headers": _headers(request, "sort", region_measures, *region_sort),
            "pair_headers": _headers(request, "pairs_sort", pair_measures, *pair_sort),
            "year_links": _year_links(request, years),
            "year_counts": year_counts,
            "selected": request.GET,
            "query": _scope_query(request, "country", "sort", "pairs_sort"),
            "scope_query": _scope_query(request, "country"),
            "measures": scope.measures,
            **_choices(),
        },
    )


def _without_dates(request):
    query = QueryDict(mutable=True)
    for name in statistics.PARAMETERS:
        if name not in ("date_from", "date_to") and request.GET.getlist(name):
            query.setlist(name, request.GET.getlist(name))
    return query


def _csv(name, measures, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    )
    response.write("\ufeff")  # spreadsheet programs then read it as UTF-8
    writer = csv.writer(response)
    width = len(rows[0].regions) if rows else (2 if name == "region-pairs" else 1)
    names = [f"region_{n + 1}" for n in range(width)] if width > 1 else ["region"]
    writer.writerow(
        [*[f"{n}_{part}" for n in names for part in ("slug", "name", "country")]]
        + [measure for measure, _label in measures]
        + ["total"]
    )
    for row in rows:
        cells = []
        for region in row.regions:
            cells += [region.slug, region.name, region.country.code]
        cells += [row.get(measure) for measure, _label in measures] + [row.total]
        writer.writerow([_inert(cell) for cell in cells])
    return response


def region_country(request, slug, code):
    """A region with a whole partner country: what the lists show for `region=<slug>` and
    `partner=<code>`, its partner regions there ranked, and their map."""
    region = get_object_or_404(Region.objects.public().select_related("country"), slug=slug)
    country = get_object_or_404(Country.objects.public(), code=code)
    if region.country_id == country.pk:
        raise Http404
    pair = {"region": region.slug, "partner": country.code}

    def listed(key):
        listing = LISTINGS[key]
        return listing.filterset(pair, queryset=listing.queryset()).qs

    shown = {
        "events": _excerpt(listed("event"), _list_url("event", **pair)),
        "agreements": _excerpt(listed("agreement"), _list_url("agreement", **pair)),
        "delegations": _excerpt(listed("delegation"), _list_url("delegation", **pair)),
    }
    rows = statistics.ranked(
        statistics.pair_ranking(statistics.scope(), region=region, partner_country=country),
        "total",
    )

    def aggregates():
        return {
            "year_counts": charts.years(listed("event"), "start_date"),
            "industry_counts": charts.industries(listed("event"), listed("agreement")),
        }

    key = page_cache.query_key("region-country", region.pk, country.pk, request.LANGUAGE_CODE)
    return render(
        request,
        "cooperation/region_country.html",
        {
            "region": region,
            "country": country,
            "map": geography.drawing(rows, focus=region),
            "filter_query": urlencode(pair),
            "timeline_items": charts.timeline_items(**shown),
            **shown,
            **page_cache.kept(key, aggregates),
        },
    )
