"""One FilterSet per public list, sharing the query parameters of DESIGN.md.

`q`, `country`, `region` (repeatable, either side), `partner`, `industry` (repeatable, with
sub-industries), `topic`, `kind`, `status`, `person`, `organization`, `date_from`,
`date_to`, `sort`. A value that does not parse is reported by the form and left out of the
filtering, so a bad bookmark still shows results and says what was wrong.

Each FilterSet also lists its facets: for every choice, how many results it would give
with the other filters applied, each facet counted by one aggregate query.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import search
from .dates import PartialDate, Precision
from .models import (
    Agreement,
    Country,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    Region,
    Source,
    Topic,
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
        found = Region.objects.published().filter(slug=value).first()
        if found is None and len(value) == 2:
            found = Country.objects.published().filter(code=value.upper()).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:40]}
            )
        return found


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField


class PartnerFilter(django_filters.Filter):
    field_class = PartnerField


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable `?param=slug&param=slug`, published records only."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", model.objects.published())
        kwargs.setdefault("method", "filter_related")
        super().__init__(**kwargs)


class SlugFilter(django_filters.ModelChoiceFilter):
    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", model.objects.published())
        kwargs.setdefault("method", "filter_related")
        super().__init__(**kwargs)


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

    def values(self, queryset):
        counts = dict(
            queryset.order_by()
            .values_list(self.field)
            .annotate(n=Count("pk", distinct=True))
            .values_list(self.field, "n")
        )
        return [
            (value, label, counts[value])
            for value, label in self.choices.items()
            if counts.get(value)
        ]


class RelatedFacet(Facet):
    """Counts grouped by one relation path, for related records (regions, topics, people)."""

    def __init__(self, param, label, paths, model, multiple=False, limit=FACET_LIMIT):
        super().__init__(param, label, multiple)
        self.paths = paths if isinstance(paths, list) else [paths]
        self.model, self.limit = model, limit

    def values(self, queryset):
        counts = {}
        # Paths that never meet on one record (a delegation's home and host) add up.
        for path in self.paths:
            rows = (
                queryset.order_by()
                .annotate(facet_value=F(path) if isinstance(path, str) else path)
                .filter(facet_value__isnull=False)
                .values_list("facet_value")
                .annotate(n=Count("pk", distinct=True))
                .values_list("facet_value", "n")
            )
            for pk, n in rows:
                counts[pk] = counts.get(pk, 0) + n
        top = sorted(counts, key=counts.get, reverse=True)[: self.limit]
        objects = self.model.objects.published().filter(pk__in=top)
        return sorted(
            ((obj.slug, str(obj), counts[obj.pk]) for obj in objects),
            key=lambda row: (-row[2], row[1]),
        )


class CountryFacet(Facet):
    """Conditional counts, one per country, in one aggregate query (countries are few)."""

    def __init__(self, param, label, condition):
        super().__init__(param, label)
        self.condition = condition

    def values(self, queryset):
        countries = list(Country.objects.published())
        totals = queryset.order_by().aggregate(
            **{
                f"c{country.pk}": Count("pk", distinct=True, filter=self.condition(country))
                for country in countries
            }
        )
        return [
            (country.code, str(country), totals[f"c{country.pk}"])
            for country in countries
            if totals[f"c{country.pk}"]
        ]


class IndustryFacet(Facet):
    """Each industry counts what is filed under it and under the industries below it."""

    multiple = True

    def __init__(self, path="industries"):
        super().__init__("industry", _("Industry"))
        self.path = path

    def values(self, queryset):
        industries = list(Industry.objects.published())
        trees = Industry.objects.published().subtrees()
        totals = queryset.order_by().aggregate(
            **{
                f"i{industry.pk}": Count(
                    "pk", distinct=True, filter=Q(**{f"{self.path}__in": trees[industry.pk]})
                )
                for industry in industries
            }
        )
        rows = [
            (industry.slug, str(industry), totals[f"i{industry.pk}"])
            for industry in industries
            if totals[f"i{industry.pk}"]
        ]
        return sorted(rows, key=lambda row: (-row[2], row[1]))


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
            .annotate(n=Count("pk", distinct=True))
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

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_industry(self, queryset, name, value):
        """Filed under any of the industries or under an industry below one of them."""
        if not value:
            return queryset
        # Published industries only, as the facet counts them.
        trees = Industry.objects.published().subtrees()
        ids = {pk for industry in value for pk in trees[industry.pk]}
        model = queryset.model
        return queryset.filter(pk__in=model.objects.filter(industries__in=ids).values("pk"))

    def filter_related(self, queryset, name, value):
        values = [value] if isinstance(value, models.Model) else list(value or [])
        if not values:
            return queryset
        condition = Q()
        for path in self.paths[name]:
            condition |= Q(**{f"{path}__in": values})
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))

    def filter_partner(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q()
        if isinstance(value, Country):
            for path in self.paths.get("partner_country", []):
                condition |= Q(**{path: value})
            for path in self.paths["partner"]:
                condition |= Q(**{f"{path}__country": value})
        else:
            for path in self.paths["partner"]:
                condition |= Q(**{path: value})
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))

    def filter_country(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            pk__in=queryset.model.objects.filter(self.country_condition(value)).values("pk")
        )

    def country_condition(self, country):
        condition = Q()
        for path in self.paths["country"]:
            condition |= Q(**{path: country})
        return condition

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
        """[(facet, [(value, label, count, selected)])] for the template to link."""
        result = []
        for facet in self.facets:
            excluded = ("date_from", "date_to") if facet.param == "year" else (facet.param,)
            rows = facet.values(self.queryset_without(*excluded))
            selected = self.selected(facet.param)
            result.append((facet, [FacetValue(v, label, n, v in selected) for v, label, n in rows]))
        return result

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
    return django_filters.ModelChoiceFilter(
        queryset=Country.objects.published(),
        to_field_name="code",
        method="filter_country",
        label=_("Country"),
    )


def _partner_filter():
    return PartnerFilter(method="filter_partner", label=_("Partner region or country"))


def _by_date_or_title(date_field):
    return django_filters.OrderingFilter(
        fields=[(date_field, "date"), ("title", "title")],
        field_labels={date_field: _("date"), "title": _("title")},
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
    sort = _by_date_or_title("start_date")

    paths = {
        "region": ["regions"],
        "partner": ["regions"],
        "country": ["regions__country", "participations__side_country"],
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
            lambda c: Q(regions__country=c) | Q(participations__side_country=c),
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
        today = datetime.date.today()
        last = Coalesce(F("end_date"), F("start_date"))
        queryset = queryset.alias(last_day=last)
        if value == "upcoming":
            return queryset.filter(last_day__gte=today)
        return queryset.filter(last_day__lt=today)


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
    date_from, date_to = _date_filters()
    sort = _by_date_or_title("signed_date")

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
        CountryFacet("country", _("Country"), lambda c: Q(parties__organization__country=c)),
        IndustryFacet(),
        RelatedFacet("topic", _("Topic"), "topics", Topic, multiple=True),
        ChoicesFacet("kind", _("Kind"), "kind", Agreement.Kind.choices),
        ChoicesFacet("status", _("Status"), "status", Agreement.Status.choices),
        YearFacet("signed_date"),
        RelatedFacet("organization", _("Party"), "parties__organization", Organization),
        RelatedFacet("person", _("Signatory"), "parties__signatory", Person),
    ]

    class Meta:
        model = Agreement
        fields = []


class OrganizationFilter(PortalFilterSet):
    # "enterprise" is the public's word for every kind of business, as in DESIGN.md.
    KIND_CHOICES = [
        ("enterprise", _("enterprises (all businesses)")),
        *[(value, label) for value, label in Organization.Kind.choices if value != "enterprise"],
    ]

    region = SlugsFilter(Region, label=_("Region"))
    partner = _partner_filter()
    country = _country_filter()
    industry = SlugsFilter(Industry, method="filter_industry", label=_("Industry"))
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, method="filter_kind", label=_("Kind"))
    sort = django_filters.OrderingFilter(
        fields=[("name", "name")], field_labels={"name": _("name")}, label=_("Sort")
    )

    paths = {
        "region": ["region"],
        "country": ["country"],
        "partner": ["partnerships__partner_region"],
        "partner_country": ["partnerships__partner_country"],
    }
    facets = [
        RelatedFacet("region", _("Region"), "region", Region, multiple=True),
        CountryFacet("country", _("Country"), lambda c: Q(country=c)),
        RelatedFacet("partner", _("Works with region"), "partnerships__partner_region", Region),
        CountryFacet(
            "partner",
            _("Works with country"),
            lambda c: (
                Q(partnerships__partner_country=c) | Q(partnerships__partner_region__country=c)
            ),
        ),
        IndustryFacet(),
        ChoicesFacet("kind", _("Kind"), "kind", KIND_CHOICES[1:]),
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
            condition = Q(partnerships__partner_country=value) | Q(
                partnerships__partner_region__country=value
            )
            return queryset.filter(pk__in=Organization.objects.filter(condition).values("pk"))
        return super().filter_partner(queryset, name, value)

    def facet_values(self):
        rows = super().facet_values()
        # The kind facet also offers "all businesses", counted like the others.
        for facet, values in rows:
            if facet.param == "kind":
                total = self.queryset_without("kind").businesses().count()
                if total:
                    values.insert(
                        0,
                        FacetValue(
                            "enterprise",
                            str(self.KIND_CHOICES[0][1]),
                            total,
                            "enterprise" in self.selected("kind"),
                        ),
                    )
        return rows


class PersonFilter(PortalFilterSet):
    region = SlugsFilter(Region, label=_("Region"))
    country = _country_filter()
    organization = SlugFilter(Organization, label=_("Organization"))
    sort = django_filters.OrderingFilter(
        fields=[("last_name", "name")], field_labels={"last_name": _("name")}, label=_("Sort")
    )

    paths = {
        "region": ["positions__region", "positions__organization__region"],
        "country": ["positions__country", "positions__organization__country"],
        "organization": ["positions__organization"],
    }
    facets = [
        # A position's region, or its organization's: one value per position, so that a
        # person is counted once even when both name the same region.
        RelatedFacet(
            "region",
            _("Region"),
            Coalesce("positions__region", "positions__organization__region"),
            Region,
            multiple=True,
        ),
        CountryFacet(
            "country",
            _("Country"),
            lambda c: Q(positions__country=c) | Q(positions__organization__country=c),
        ),
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
    sort = _by_date_or_title("start_date")

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
        CountryFacet("country", _("Country"), lambda c: Q(home_country=c) | Q(host_country=c)),
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
    sort = django_filters.OrderingFilter(
        fields=[("name", "name")], field_labels={"name": _("name")}, label=_("Sort")
    )

    paths = {"country": ["country"]}
    facets = [
        CountryFacet("country", _("Country"), lambda c: Q(country=c)),
        IndustryFacet(),
        ChoicesFacet("kind", _("Kind"), "kind", Region.Kind.choices),
    ]

    class Meta:
        model = Region
        fields = []

    def filter_partner(self, queryset, name, value):
        """Regions that took part in a published event with the partner."""
        if value is None:
            return queryset
        events = Event.objects.published()
        events = (
            events.filter(regions__country=value)
            if isinstance(value, Country)
            else events.filter(regions=value)
        )
        queryset = queryset.filter(events_involving__in=events).distinct()
        return queryset.exclude(pk=value.pk) if isinstance(value, Region) else queryset


class SourceFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label=_("Kind"))
    language = django_filters.ChoiceFilter(choices=Source.Language.choices, label=_("Language"))
    date_from, date_to = _date_filters()
    sort = _by_date_or_title("published_on")

    date_fields = ("published_on", None, None)
    facets = [
        ChoicesFacet("kind", _("Kind"), "kind", Source.Kind.choices),
        ChoicesFacet("language", _("Language"), "language", Source.Language.choices),
        YearFacet("published_on"),
    ]

    class Meta:
        model = Source
        fields = []
