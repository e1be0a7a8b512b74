"""One FilterSet per public list, sharing one set of query parameters (README.md):

`q`, `country`, `region` (repeatable, either side), `partner`, `industry` (repeatable, with
sub-industries), `topic`, `kind`, `status`, `person`, `organization`, `date_from`,
`date_to`, `sort`. A value that does not parse is reported by the form and left out of the
filtering, so a bad bookmark still shows results and says what was wrong.

Each FilterSet also lists its facets: for every choice, how many results it would give
with the other filters applied, each facet counted by one aggregate query.

Filters and facets count only what the public may see: the choices are public records, and
a path through related rows (an agreement's parties, a person's posts) passes only through
public ones (`public_along`). Each list's orders are its listing's (`cooperation.listings`).
"""

from dataclasses import dataclass
from functools import partial, reduce
from operator import or_

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from . import page_cache, search
from .dates import PartialDate, Precision
from .models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Country,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    Region,
    Source,
    Topic,
    localized_order,
    lookup_relations,
    order_of,
    public_along,
    public_condition,
)

FACET_LIMIT = 12

# --- form fields ------------------------------------------------------------------------


class PartialDateField(forms.CharField):
    """A year, a month or a day: "2024", "2024-09", "2024-09-15"."""

    default_error_messages = {
        "invalid": _(
            "«%(value)s» is not a date: use a year (2024), a month (2024-09) or a day (2024-09-15)."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except (ValueError, TypeError):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def run_validators(self, value):
        pass  # the max_length validator would try len() on the parsed date

    def clean(self, value):
        if value and len(value) > 10:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value[:40]}
            )
        return super().clean(value)


class PartnerField(forms.CharField):
    """A partner region's slug or a partner country's ISO code (`KZ`)."""

    default_error_messages = {
        "unknown": _("There is no region or country «%(value)s»."),
    }

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        if "\x00" in value or len(value) > 100:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:40]}
            )
        found = Region.objects.public().filter(slug=value).first()
        if found is None and len(value) == 2:
            found = Country.objects.public().filter(code=value.upper()).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:40]}
            )
        return found


# How the API's schema (cooperation/api/) describes the filters whose values are not a model
# field's.
@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$",
        "description": "A year (2024), a month (2024-09) or a day (2024-09-15).",
    }
)
class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


@extend_schema_field(
    {"type": "string", "description": "A partner region's slug or a partner country's ISO code."}
)
class PartnerFilter(django_filters.Filter):
    field_class = PartnerField


@extend_schema_field({"type": "string", "description": "A country's ISO 3166-1 code (KZ)."})
class CountryFilter(django_filters.ModelChoiceFilter):
    pass


@extend_schema_field({"type": "string", "description": "A slug (repeat the parameter for more)."})
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable `?param=slug&param=slug`, public records only."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", model.objects.public())
        kwargs.setdefault("method", "filter_related")
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "description": "A slug."})
class SlugFilter(django_filters.ModelChoiceFilter):
    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", model.objects.public())
        kwargs.setdefault("method", "filter_related")
        super().__init__(**kwargs)


def any_of(model, conditions, correlated=False):
    """A condition on `model` met when any (lookup, value) of `conditions` holds.

    A lookup that crosses a to-many relation (a record's regions, participants, parties)
    becomes its own subquery on the related table: joined into the query, it would repeat
    each record once per related row, and two of them would multiply each other.
    `correlated` asks for EXISTS subqueries, which look up each record by index: for the
    conditions of a count, where an IN subquery would be built in full however few records
    are counted.
    """
    result = Q()
    for lookup, value in conditions:
        result |= _matching(model, lookup, value, _related_rows(model, lookup, correlated))
    return result


def _matching(model, lookup, value, related, correlated=False):
    """The condition of `any_of` for one lookup, given its `_related_rows`."""
    if related is None:
        return Q(**{lookup: value})
    rows, owner, where, public = related
    # In one filter(), so that the value and the condition are asked of the same rows.
    rows = rows.filter(public, **{where: value})
    if correlated:
        return Q(Exists(rows.filter(**{owner: OuterRef("pk")})))
    return Q(pk__in=rows.values(owner))


def _related_rows(model, lookup, correlated=False):
    """(the related table, the column naming their record, the lookup to compare with the
    value there, the condition that they are public), when the lookup's first step is a
    to-many relation; None for a lookup on the record's own row."""
    first, _, rest = lookup.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many:
        if field.concrete:  # declared here: Event.regions
            table, owner, target = (
                field.remote_field.through,
                field.m2m_field_name(),
                field.m2m_reverse_field_name(),
            )
        else:  # declared on the other side: Person.delegations (Delegation.members)
            table, owner, target = (
                field.through,
                field.field.m2m_reverse_field_name(),
                field.field.m2m_field_name(),
            )
        where = f"{target}__{rest}" if rest else target
    elif field.one_to_many:  # Event.participations
        table, owner, where = field.related_model, field.field.name, rest
    elif field.is_relation and rest and _crosses_to_many(field.related_model, rest):
        return model.objects, "pk", lookup, public_along(model, lookup)
    else:
        return None
    # The record is public (it is in the list), so is the value compared with.
    known = {owner, *_compared(table, where)}
    condition = public_condition(table, known=known, correlated=correlated)
    condition &= public_along(table, where)
    return table._default_manager, owner, where, condition


def _compared(model, lookup):
    """The first relation of `lookup` when the value is compared with the row it leads to."""
    fields, on_relation = lookup_relations(model, lookup)
    return [fields[0].name] if len(fields) == 1 and on_relation else []


def _crosses_to_many(model, lookup):
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup such as "in"
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


# --- facets -------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


class Facet:
    """A filter's choices with the number of results each would give."""

    multiple = False

    def __init__(self, param, label, multiple=None):
        self.param = param
        self.label = label
        if multiple is not None:
            self.multiple = multiple

    def values(self, queryset):
        """[(value, label, count)] for `queryset`, which has every other filter applied."""
        raise NotImplementedError


class ChoicesFacet(Facet):
    def __init__(self, param, label, field, choices):
        super().__init__(param, label)
        self.field, self.choices = field, dict(choices)

    def counts(self, queryset):
        return dict(
            queryset.order_by()
            .values_list(self.field)
            .annotate(n=Count("pk"))
            .values_list(self.field, "n")
        )

    def values(self, queryset):
        return self.rows(self.counts(queryset))

    def rows(self, counts):
        return [
            (value, str(label), counts[value])
            for value, label in self.choices.items()
            if counts.get(value)
        ]


class RelatedFacet(Facet):
    """Counts grouped by one relation path, for related records (regions, topics, people).

    The most frequent values are chosen in the database, so that a facet over 50 000
    people sends a dozen rows, not 50 000.
    """

    def __init__(self, param, label, paths, model, multiple=False, limit=FACET_LIMIT):
        super().__init__(param, label, multiple)
        self.paths = paths if isinstance(paths, list) else [paths]
        self.model, self.limit = model, limit

    def values(self, queryset):
        counts = {}
        # Paths that never meet on one record (a delegation's home and host) add up, so with
        # more than one path every value is counted before the top is taken.
        for path in self.paths:
            if isinstance(path, str):
                # Filtered before the annotation, which then takes the same related rows.
                along, path = public_along(queryset.model, path), F(path)
            else:
                along = Q()
            rows = (
                queryset.order_by()
                .filter(along)
                .annotate(facet_value=path)
                .filter(facet_value__in=self.model.objects.public().values("pk"))
                .values_list("facet_value")
                .annotate(n=Count("pk", distinct=True))
                .values_list("facet_value", "n")
            )
            if len(self.paths) == 1:
                rows = rows.order_by("-n", "facet_value")[: self.limit]
            for pk, n in rows:
                counts[pk] = counts.get(pk, 0) + n
        top = sorted(counts, key=lambda pk: (-counts[pk], pk))[: self.limit]
        objects = self.model.objects.filter(pk__in=top)
        return sorted(
            ((obj.slug, str(obj), counts[obj.pk]) for obj in objects),
            key=lambda row: (-row[2], row[1]),
        )


class CountryFacet(Facet):
    """Conditional counts, one per country, in one aggregate query (countries are few).

    A record counts for a country when any of `paths` leads to it.
    """

    def __init__(self, param, label, paths):
        super().__init__(param, label)
        self.paths = paths

    def values(self, queryset):
        countries = list(Country.objects.public())
        model = queryset.model
        # The related rows of each path once for all the countries.
        related = {path: _related_rows(model, path, correlated=True) for path in self.paths}

        def leads_to(country):
            return reduce(
                or_,
                (_matching(model, path, country, related[path], True) for path in self.paths),
            )

        totals = queryset.order_by().aggregate(
            **{f"c{country.pk}": Count("pk", filter=leads_to(country)) for country in countries}
        )
        return [
            (country.code, str(country), totals[f"c{country.pk}"])
            for country in countries
            if totals[f"c{country.pk}"]
        ]


class IndustryFacet(Facet):
    """Each industry counts what is filed under it and under the industries below it.

    One aggregate query over the table of links: a count per industry, and for each
    broader industry the distinct records filed anywhere in its branch (branches at one
    depth do not overlap, so each depth is one GROUP BY; they come together by UNION ALL).
    """

    multiple = True

    def __init__(self, path="industries"):
        super().__init__("industry", _("Industry"))
        self.path = path

    def values(self, queryset):
        industries = {industry.pk: industry for industry in Industry.objects.public()}
        trees = Industry.objects.public().subtrees()
        field = queryset.model._meta.get_field(self.path)
        owner, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = field.remote_field.through.objects.filter(
            **{f"{owner}__in": queryset.order_by().values("pk")}
        ).order_by()
        query = links.values_list(target).annotate(n=Count("pk"))
        for branches in _by_depth(trees):
            ancestor = Case(
                *[When(**{f"{target}__in": trees[pk]}, then=Value(pk)) for pk in branches],
                output_field=models.BigIntegerField(),
            )
            query = query.union(
                links.annotate(ancestor=ancestor)
                .filter(ancestor__isnull=False)
                .values_list("ancestor")
                .annotate(n=Count(owner, distinct=True)),
                all=True,
            )
        counts = {}
        for pk, n in query:
            # A branch's count is the largest: its own links are among the branch's.
            counts[pk] = max(n, counts.get(pk, 0))
        rows = [
            (industries[pk].slug, str(industries[pk]), n)
            for pk, n in counts.items()
            if pk in industries and n
        ]
        return sorted(rows, key=lambda row: (-row[2], row[1]))


def _by_depth(trees):
    """The industries with branches below them, grouped by how many broader industries each
    has: within a group no branch holds another."""
    groups = {}
    for pk, ids in trees.items():
        if len(ids) > 1:
            depth = sum(1 for other, branch in trees.items() if other != pk and pk in branch)
            groups.setdefault(depth, []).append(pk)
    return [groups[depth] for depth in sorted(groups)]


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class OverdueFacet(Facet):
    """How many results have an overdue commitment (agreements) or are overdue
    (commitments): the one choice worth counting."""

    def values(self, queryset):
        if queryset.model is Commitment:
            overdue = Commitment.objects.overdue()
        else:
            overdue = Agreement.objects.with_overdue()
        n = queryset.filter(pk__in=overdue.values("pk")).count()
        return [("yes", str(_("yes")), n)] if n else []


class YearFacet(Facet):
    """Results per year; choosing a year sets date_from and date_to to it."""

    def __init__(self, field):
        super().__init__("year", _("Year"))
        self.field = field

    def values(self, queryset):
        rows = (
            queryset.order_by()
            .filter(**{f"{self.field}__isnull": False})
            .annotate(year=ExtractYear(self.field))
            .values_list("year")
            .annotate(n=Count("pk"))
            .values_list("year", "n")
        )
        return sorted(((str(year), str(year), n) for year, n in rows), reverse=True)


# --- FilterSets -----------------------------------------------------------------------


class PortalFilterSet(django_filters.FilterSet):
    """The shared parameters; subclasses say which record paths they filter on."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=200)

    # Relation paths, set by subclasses: {"region": ["regions"], "person": [...], ...}
    paths = {}
    # (start, end, start precision) fields of the record's dates, for date_from/date_to
    date_fields = None
    facets = []

    def filter_queryset(self, queryset):
        # The list's own order, by the English names on the English site; `q` and `sort`
        # may replace it.
        default = order_of(queryset)
        ordering = localized_order(queryset.model, default)
        if ordering != default:
            queryset = queryset.order_by(*ordering)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_industry(self, queryset, name, value):
        """Filed under any of the industries or under an industry below one of them."""
        if not value:
            return queryset
        return queryset.in_industry(*value, trees=self.industry_trees)

    def filter_related(self, queryset, name, value):
        values = [value] if isinstance(value, models.Model) else list(value or [])
        if not values:
            return queryset
        model = queryset.model
        return queryset.filter(any_of(model, [(f"{p}__in", values) for p in self.paths[name]]))

    def filter_partner(self, queryset, name, value):
        if value is None:
            return queryset
        if isinstance(value, Country):
            # A partner region's country is its record's country, where a list has that.
            paths = self.paths.get("partner_country") or [
                f"{path}__country" for path in self.paths["partner"]
            ]
            conditions = [(path, value) for path in paths]
        else:
            conditions = [(path, value) for path in self.paths["partner"]]
        return queryset.filter(any_of(queryset.model, conditions))

    def filter_country(self, queryset, name, value):
        if value is None:
            return queryset
        conditions = [(path, value) for path in self.paths["country"]]
        return queryset.filter(any_of(queryset.model, conditions))

    def filter_date_from(self, queryset, name, value):
        """Records that last until `value` or later; "ноябрь 2024" may reach 15 November."""
        start, end, precision = self.date_fields
        day = value.date
        could_reach = Q(**{f"{start}__gte": day})
        if precision:
            could_reach |= Q(**{precision: Precision.MONTH, f"{start}__gte": day.replace(day=1)})
            could_reach |= Q(
                **{precision: Precision.YEAR, f"{start}__gte": day.replace(month=1, day=1)}
            )
        if end:
            return queryset.filter(
                Q(**{f"{end}__gte": day}) | Q(**{f"{end}__isnull": True}) & could_reach
            )
        return queryset.filter(could_reach)

    def filter_date_to(self, queryset, name, value):
        start = self.date_fields[0]
        return queryset.filter(**{f"{start}__lte": value.last_day()})

    @cached_property
    def industry_trees(self):
        # Public industries only, as the facet counts them; once for all the facets.
        return Industry.objects.public().subtrees()

    # --- state for templates ---

    @cached_property
    def cleaned(self):
        self.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def queryset_without(self, *names):
        """The queryset with every valid filter applied except `names`."""
        queryset = self.queryset.all()
        for name, filter_ in self.filters.items():
            if name in names or name == "sort":
                continue
            value = self.cleaned.get(name)
            if value in (None, "", []) or (hasattr(value, "exists") and not value):
                continue
            queryset = filter_.filter(queryset, value)
        return queryset

    def facet_values(self):
        """[(facet, [FacetValue])] for the template to link.

        A facet counts over the results of every other filter: over tens of thousands of
        records that is many aggregates, so the counts are kept in the cache until the
        content changes (cooperation.page_cache), all of a page's fetched in one go.
        """
        language = get_language()
        plans = []
        for number, facet in enumerate(self.facets):
            excluded = ("date_from", "date_to") if facet.param == "year" else (facet.param,)
            # The records counted are those of the list with its other parameters, which
            # name them more cheaply than their SQL would; built only when not kept. Two
            # facets may share a parameter (a partner region or country): the number tells.
            key = page_cache.query_key(
                "facet", self._meta.model._meta.label, number, language, self._params(excluded)
            )
            plans.append((facet, key, partial(self._facet_counts, facet, excluded)))
        kept = page_cache.kept_results({key: compute for _facet, key, compute in plans})
        result = []
        for facet, key, _compute in plans:
            selected = self.selected(facet.param)
            values = [FacetValue(v, label, n, v in selected) for v, label, n in kept[key]]
            result.append((facet, values))
        return result

    def _facet_counts(self, facet, excluded):
        return facet.values(self.queryset_without(*excluded))

    def _params(self, excluded):
        """The filtering parameters, but `excluded`, in a fixed order."""
        ignored = {*excluded, "sort", "page", "format"}
        data = self.data
        return sorted(
            (name, sorted(data.getlist(name)) if hasattr(data, "getlist") else data[name])
            for name in data
            if name not in ignored
        )

    def selected(self, param):
        if param == "year":
            start, end = self.cleaned.get("date_from"), self.cleaned.get("date_to")
            if start and end and start.iso()[:4] == end.iso()[:4] and len(start.iso()) == 4:
                return {start.iso()}
            return set()
        value = self.cleaned.get(param)
        if value is None:
            return set()
        if isinstance(value, str):
            return {value} if value else set()
        if hasattr(value, "slug"):
            return {value.slug}
        if hasattr(value, "code"):
            return {value.code}
        return {getattr(v, "slug", v) for v in value}


def _country_filter():
    return CountryFilter(
        queryset=Country.objects.public(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
    )


def _partner_filter():
    return PartnerFilter(method="filter_partner", label=_("Partner region or country"))


class _OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with the "descending" labels left lazy (its own are worded once, in
    the language of the first request, and the English menu read "дата (по убыванию)"), and
    sorting the English site by the English names."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*localized_order(qs.model, ordering))

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        return [
            choice
            for param, label in ascending
            for choice in [
                (param, label),
                (f"-{param}", format_lazy(gettext_lazy("{} (descending)"), label)),
            ]
        ]


def ordering_filter(orderings):
    """`?sort=`: one of a list's `orderings`, (parameter, field, label), either way round."""
    return _OrderingFilter(
        fields=[(field, param) for param, field, _label in orderings],
        field_labels={field: label for _param, field, label in orderings},
        label=_("Sort"),
    )


def _date_filters():
    return (
        PartialDateFilter(method="filter_date_from", label=pgettext_lazy("dates", "From")),
        PartialDateFilter(method="filter_date_to", label=pgettext_lazy("dates", "To")),
    )


class EventFilter(PortalFilterSet):
    WHEN_CHOICES = [("upcoming", _("upcoming")), ("past", _("past"))]

    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    topic = SlugsFilter(Topic, label=_("Topic"))
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Event.Status.choices, label=_("Status"))
    when = django_filters.ChoiceFilter(choices=WHEN_CHOICES, method="filter_when", label=_("When"))
    person = SlugFilter(Person, label=_("Person"))
    organization = SlugFilter(Organization, label=_("Organization"))
    date_from, date_to = _date_filters()

    paths = {
        "region": ["regions"],
        "partner": ["regions"],
        "partner_country": ["countries"],
        "country": ["countries"],
        "topic": ["topics"],
        "person": ["participations__person"],
        "organization": ["event_organizations__organization"],
    }
    date_fields = ("start_date", "end_date", "start_precision")
    facets = [
        RelatedFacet("region", _("Region"), "regions", Region, multiple=True),
        RelatedFacet("partner", _("Partner region"), "regions", Region),
        CountryFacet(
            "country",
            _("Country"),
            ["countries"],
        ),
        IndustryFacet(),
        RelatedFacet("topic", _("Topic"), "topics", Topic, multiple=True),
        ChoicesFacet("kind", _("Kind"), "kind", Event.Kind.choices),
        ChoicesFacet("status", _("Status"), "status", Event.Status.choices),
        YearFacet("start_date"),
        RelatedFacet("person", _("Person"), "participations__person", Person),
        RelatedFacet(
            "organization", _("Organization"), "event_organizations__organization", Organization
        ),
    ]

    class Meta:
        model = Event
        fields = []

    def filter_when(self, queryset, name, value):
        if value != "upcoming":
            return queryset.past()
        # The soonest first, unless the visitor chose an order.
        upcoming = queryset.upcoming()
        return upcoming if self.data.get("sort") else upcoming.order_by("start_date", "title")


class AgreementFilter(PortalFilterSet):
    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    topic = SlugsFilter(Topic, label=_("Topic"))
    kind = django_filters.ChoiceFilter(choices=Agreement.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, label=_("Status"))
    person = SlugFilter(Person, label=_("Signatory"))
    organization = SlugFilter(Organization, label=_("Party"))
    has_overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_has_overdue", label=_("Overdue commitments")
    )
    date_from, date_to = _date_filters()

    paths = {
        "region": ["parties__organization__region"],
        "partner": ["parties__organization__region"],
        "partner_country": ["parties__organization__country"],
        "country": ["parties__organization__country"],
        "topic": ["topics"],
        "person": ["parties__signatory"],
        "organization": ["parties__organization"],
    }
    date_fields = ("signed_date", None, "signed_precision")
    facets = [
        RelatedFacet("region", _("Region"), "parties__organization__region", Region, multiple=True),
        RelatedFacet("partner", _("Partner region"), "parties__organization__region", Region),
        CountryFacet("country", _("Country"), ["parties__organization__country"]),
        IndustryFacet(),
        RelatedFacet("topic", _("Topic"), "topics", Topic, multiple=True),
        ChoicesFacet("kind", _("Kind"), "kind", Agreement.Kind.choices),
        ChoicesFacet("status", _("Status"), "status", Agreement.Status.choices),
        YearFacet("signed_date"),
        RelatedFacet("organization", _("Party"), "parties__organization", Organization),
        RelatedFacet("person", _("Signatory"), "parties__signatory", Person),
        OverdueFacet("has_overdue", _("Overdue commitments")),
    ]

    class Meta:
        model = Agreement
        fields = []

    def filter_has_overdue(self, queryset, name, value):
        with_overdue = Agreement.objects.with_overdue().values("pk")
        if value == "yes":
            return queryset.filter(pk__in=with_overdue)
        return queryset.exclude(pk__in=with_overdue)


class CommitmentFilter(PortalFilterSet):
    """The items of agreements and road maps, by their agreement's regions and parties,
    their own industries, topics and owners, their status and whether they are overdue."""

    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    topic = SlugsFilter(Topic, label=_("Topic"))
    status = django_filters.ChoiceFilter(
        choices=CommitmentStatus.choices, method="filter_status", label=_("Status")
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label=_("Overdue")
    )
    agreement = SlugFilter(Agreement, label=_("Agreement"))
    organization = SlugFilter(Organization, label=_("Responsible"))
    date_from, date_to = _date_filters()

    paths = {
        "region": ["agreement__parties__organization__region"],
        "partner": ["agreement__parties__organization__region"],
        "partner_country": ["agreement__parties__organization__country"],
        "country": ["agreement__parties__organization__country"],
        "topic": ["topics"],
        "agreement": ["agreement"],
        "organization": ["responsible"],
    }
    # Filtered by when they are due.
    date_fields = ("due_date", None, "due_precision")
    facets = [
        RelatedFacet(
            "region", _("Region"), "agreement__parties__organization__region", Region, multiple=True
        ),
        RelatedFacet(
            "partner", _("Partner region"), "agreement__parties__organization__region", Region
        ),
        CountryFacet("country", _("Country"), ["agreement__parties__organization__country"]),
        IndustryFacet(),
        RelatedFacet("topic", _("Topic"), "topics", Topic, multiple=True),
        ChoicesFacet("status", _("Status"), "current_status", CommitmentStatus.choices),
        OverdueFacet("overdue", _("Overdue")),
        YearFacet("due_date"),
        RelatedFacet("agreement", _("Agreement"), "agreement", Agreement),
        RelatedFacet("organization", _("Responsible"), "responsible", Organization),
    ]

    class Meta:
        model = Commitment
        fields = []

    def filter_search(self, queryset, name, value):
        # Items are short texts read with their agreement: matched by their words.
        words = search.words(value)
        condition = Q()
        for word in words:
            condition &= Q(text__icontains=word) | Q(text_en__icontains=word)
        return queryset.filter(condition) if words else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(current_status=value)

    def filter_overdue(self, queryset, name, value):
        overdue = Commitment.objects.overdue().values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)


class OrganizationKindFacet(ChoicesFacet):
    """Kinds of organization, and first "all businesses", the sum of the business kinds."""

    def __init__(self):
        choices = [(v, label) for v, label in Organization.Kind.choices if v != "enterprise"]
        super().__init__("kind", _("Kind"), "kind", choices)

    def values(self, queryset):
        counts = self.counts(queryset)
        # Kinds do not overlap, so the businesses' total is a sum of their counts.
        businesses = sum(counts.get(kind, 0) for kind in Organization.BUSINESS_KINDS)
        label = str(OrganizationFilter.KIND_CHOICES[0][1])
        return [("enterprise", label, businesses)] * bool(businesses) + self.rows(counts)


class OrganizationFilter(PortalFilterSet):
    # "enterprise" is the public's word for every kind of business: the enterprises directory.
    KIND_CHOICES = [
        ("enterprise", _("enterprises (all businesses)")),
        *[(value, label) for value, label in Organization.Kind.choices if value != "enterprise"],
    ]

    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, method="filter_kind", label=_("Kind"))

    paths = {
        "region": ["region"],
        "country": ["country"],
        "partner": ["partnerships__partner_region"],
        "partner_country": ["partnerships__partner_country"],
    }
    facets = [
        RelatedFacet("region", _("Region"), "region", Region, multiple=True),
        CountryFacet("country", _("Country"), ["country"]),
        RelatedFacet("partner", _("Works with region"), "partnerships__partner_region", Region),
        CountryFacet(
            "partner",
            _("Works with country"),
            ["partnerships__partner_country", "partnerships__partner_region__country"],
        ),
        IndustryFacet(),
        OrganizationKindFacet(),
    ]

    class Meta:
        model = Organization
        fields = []

    def filter_kind(self, queryset, name, value):
        if value == "enterprise":
            return queryset.businesses()
        return queryset.filter(kind=value)

    def filter_partner(self, queryset, name, value):
        if isinstance(value, Country):
            paths = ["partnerships__partner_country", "partnerships__partner_region__country"]
            return queryset.filter(any_of(Organization, [(path, value) for path in paths]))
        return super().filter_partner(queryset, name, value)


class PersonFilter(PortalFilterSet):
    region = SlugsFilter(Region, label=_("Region"))
    country = _country_filter()
    organization = SlugFilter(Organization, label=_("Organization"))

    paths = {
        "region": ["positions__place_region"],
        "country": ["positions__place_country"],
        "organization": ["positions__organization"],
    }
    facets = [
        # Where each position is held: its own region, else its organization's.
        RelatedFacet("region", _("Region"), "positions__place_region", Region, multiple=True),
        CountryFacet("country", _("Country"), ["positions__place_country"]),
        RelatedFacet("organization", _("Organization"), "positions__organization", Organization),
    ]

    class Meta:
        model = Person
        fields = []


class DelegationFilter(PortalFilterSet):
    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    person = SlugFilter(Person, label=_("Person"))
    organization = SlugFilter(Organization, label=_("Organization"))
    date_from, date_to = _date_filters()

    paths = {
        "region": ["home_region", "host_region"],
        "partner": ["home_region", "host_region"],
        "partner_country": ["home_country", "host_country"],
        "country": ["home_country", "host_country"],
        "person": ["head", "members"],
        "organization": ["organizations"],
    }
    date_fields = ("start_date", "end_date", "start_precision")
    facets = [
        RelatedFacet("region", _("Region"), ["home_region", "host_region"], Region, multiple=True),
        CountryFacet("country", _("Country"), ["home_country", "host_country"]),
        YearFacet("start_date"),
        RelatedFacet("person", _("Person"), "members", Person),
        RelatedFacet("organization", _("Organization"), "organizations", Organization),
    ]

    class Meta:
        model = Delegation
        fields = []


class RegionFilter(PortalFilterSet):
    country = _country_filter()
    partner = _partner_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices, label=_("Kind"))

    paths = {"country": ["country"]}
    facets = [
        CountryFacet("country", _("Country"), ["country"]),
        IndustryFacet(),
        ChoicesFacet("kind", _("Kind"), "kind", Region.Kind.choices),
    ]

    class Meta:
        model = Region
        fields = []

    def filter_partner(self, queryset, name, value):
        """Regions that took part in a public event with the partner."""
        if value is None:
            return queryset
        events = Event.objects.public()
        events = (
            events.filter(regions__country=value)
            if isinstance(value, Country)
            else events.filter(regions=value)
        )
        # A subquery rather than a join, so that each region stays one row for the counts.
        involved = Event.regions.through.objects.filter(event__in=events).values("region")
        queryset = queryset.filter(pk__in=involved)
        return queryset.exclude(pk=value.pk) if isinstance(value, Region) else queryset


class SourceFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label=_("Kind"))
    language = django_filters.ChoiceFilter(choices=Source.Language.choices, label=_("Language"))
    date_from, date_to = _date_filters()

    date_fields = ("published_on", None, None)
    facets = [
        ChoicesFacet("kind", _("Kind"), "kind", Source.Kind.choices),
        ChoicesFacet("language", _("Language"), "language", Source.Language.choices),
        YearFacet("published_on"),
    ]

    class Meta:
        model = Source
        fields = []
