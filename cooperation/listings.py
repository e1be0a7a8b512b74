"""The public lists, one definition each: what a list holds and how it is shown and taken.

A `Listing` names a list's records (its queryset, built on the public verbs and fetching
what its item template shows), its FilterSet (cooperation/filters.py), the orders a visitor
may choose, its CSV and JSON columns, its item template and its feed. The list page, its
exports, its feeds and the search page all read it, so a column or a filter is added here
once for all of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from . import filters, page_cache
from .exports import (
    ORGANIZATION_NAME,
    PERSON_NAME,
    Export,
    Related,
    if_public,
    joined,
    organization_name,
    partial,
    person_name,
    public_flag,
    slugs_of,
)
from .models import (
    Agreement,
    AgreementParty,
    Delegation,
    Event,
    EventOrganization,
    Industry,
    Organization,
    Participation,
    Person,
    Position,
    Region,
    Source,
    localized,
    public_condition,
)


@dataclass
class Listing:
    """One public list.

    `key` names its URLs (cooperation:<key>-list, -detail) and its item template
    (templates/includes/items/<key>.html); `queryset()` gives its public records in their
    default order; `orderings` are the others a visitor may choose with `?sort=`, as
    (parameter, field, label), each either way round; `filterset` is `filters` with that
    `sort`. `decorate` adds to a page of records what their template needs besides the
    queryset.
    """

    key: str
    title: str
    filters: type
    queryset: Callable[[], QuerySet]
    orderings: list
    export: Export
    feed: str = ""  # URL name of the list's Atom feed, if it has one
    decorate: Callable[[list], None] = lambda objects: None
    filterset: type = field(init=False)

    def __post_init__(self):
        self.filterset = type(
            self.filters.__name__,
            (self.filters,),
            {"sort": filters.ordering_filter(self.orderings), "__module__": __name__},
        )

    @property
    def item_template(self):
        return f"includes/items/{self.key}.html"

    @property
    def url_name(self):
        return f"cooperation:{self.key}-list"


def _by_date_or_title(date_field):
    return [("date", date_field, _("date")), ("title", "title", _("title"))]


def _text(name):
    """A column of the record's own text, in the language of the request."""
    return lambda record, related: localized(SimpleNamespace(**record), name)


def _region_activity():
    """{region pk: (public events involving it, public organizations in it)}."""
    through = Event.regions.through
    events = (
        through.objects.filter(public_condition(through, "event"))
        .order_by()
        .values_list("region")
        .annotate(n=Count("pk"))
    )
    organizations = (
        Organization.objects.public().order_by().values_list("region").annotate(n=Count("pk"))
    )
    activity = {pk: (n, 0) for pk, n in events}
    for pk, n in organizations:
        activity[pk] = (activity.get(pk, (0, 0))[0], n)
    return activity


def _with_activity(regions):
    # Counted for every region at once and kept until the content changes: per region it
    # would be a count over tens of thousands of rows for each region on the page.
    activity = page_cache.kept("region-activity", _region_activity)
    for region in regions:
        region.event_count, region.organization_count = activity.get(region.pk, (0, 0))


EVENTS = Listing(
    key="event",
    title=_("Events"),
    filters=filters.EventFilter,
    queryset=lambda: (
        Event.objects.public()
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.public().select_related("person"),
            )
        )
        .order_by("-start_date", "title")
    ),
    orderings=_by_date_or_title("start_date"),
    export=Export(
        fields=[
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "city",
            "venue",
            "summary",
            "summary_en",
        ],
        public={"region_slug": "region__slug"},
        related=lambda: {
            "regions": slugs_of(Event, "regions"),
            "participants": Related(
                Participation.objects.public(known=["event"]).order_by("order", "id"),
                "event",
                *[f"person__{f}" for f in PERSON_NAME],
                make=lambda row: person_name(row, "person__"),
            ),
            "organizations": Related(
                EventOrganization.objects.public(known=["event"]).order_by(
                    "role", "organization__name"
                ),
                "event",
                *[f"organization__{f}" for f in ORGANIZATION_NAME],
                make=lambda row: organization_name(row, "organization__"),
            ),
            "industries": slugs_of(Event, "industries"),
            "topics": slugs_of(Event, "topics"),
        },
        columns=[
            ("slug", lambda e, r: e["slug"]),
            ("title", lambda e, r: e["title"]),
            ("title_en", lambda e, r: e["title_en"]),
            ("kind", lambda e, r: e["kind"]),
            ("status", lambda e, r: e["status"]),
            ("start", lambda e, r: partial(e["start_date"], e["start_precision"])),
            ("end", lambda e, r: partial(e["end_date"], e["end_precision"])),
            ("region", lambda e, r: e["region_slug"]),
            ("regions_involved", lambda e, r: joined(r["regions"])),
            ("city", lambda e, r: e["city"]),
            ("venue", lambda e, r: e["venue"]),
            ("participants", lambda e, r: joined(r["participants"])),
            ("organizations", lambda e, r: joined(r["organizations"])),
            ("industries", lambda e, r: joined(r["industries"])),
            ("topics", lambda e, r: joined(r["topics"])),
            ("summary", _text("summary")),
        ],
    ),
    feed="cooperation:event-feed",
)

AGREEMENTS = Listing(
    key="agreement",
    title=_("Agreements"),
    filters=filters.AgreementFilter,
    queryset=lambda: (
        Agreement.objects.public()
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.public().select_related("organization__region"),
            ),
        )
        .order_by("-signed_date", "title")
    ),
    orderings=_by_date_or_title("signed_date"),
    export=Export(
        fields=[
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "signed_date",
            "signed_precision",
            "summary",
            "summary_en",
        ],
        public={"signed_at_slug": "signed_at__slug"},
        related=lambda: {
            "parties": Related(
                AgreementParty.objects.public(known=["agreement"])
                .annotate(
                    region_slug=if_public(AgreementParty, "organization__region__slug"),
                    signatory_public=public_flag(AgreementParty, "signatory"),
                )
                .order_by("order", "id"),
                "agreement",
                *[f"organization__{f}" for f in ORGANIZATION_NAME],
                "region_slug",
                "signatory_public",
                *[f"signatory__{f}" for f in PERSON_NAME],
                make=lambda row: row,
            ),
            "industries": slugs_of(Agreement, "industries"),
            "topics": slugs_of(Agreement, "topics"),
        },
        columns=[
            ("slug", lambda a, r: a["slug"]),
            ("title", lambda a, r: a["title"]),
            ("title_en", lambda a, r: a["title_en"]),
            ("kind", lambda a, r: a["kind"]),
            ("status", lambda a, r: a["status"]),
            ("signed", lambda a, r: partial(a["signed_date"], a["signed_precision"])),
            ("signed_at", lambda a, r: a["signed_at_slug"]),
            (
                "parties",
                lambda a, r: joined(organization_name(p, "organization__") for p in r["parties"]),
            ),
            (
                "regions",
                lambda a, r: joined(
                    dict.fromkeys(p["region_slug"] for p in r["parties"] if p["region_slug"])
                ),
            ),
            (
                "signatories",
                lambda a, r: joined(
                    person_name(p, "signatory__") for p in r["parties"] if p["signatory_public"]
                ),
            ),
            ("industries", lambda a, r: joined(r["industries"])),
            ("topics", lambda a, r: joined(r["topics"])),
            ("summary", _text("summary")),
        ],
    ),
    feed="cooperation:agreement-feed",
)

ORGANIZATIONS = Listing(
    key="organization",
    title=_("Organizations"),
    filters=filters.OrganizationFilter,
    queryset=lambda: (
        Organization.objects.public()
        .select_related("region", "country")
        .prefetch_related(Prefetch("industries", queryset=Industry.objects.public()))
    ),
    orderings=[("name", "name", _("name"))],
    export=Export(
        fields=["slug", "name", "name_en", "short_name", "kind", "website"],
        public={
            "country_code": "country__code",
            "region_slug": "region__slug",
            "parent_slug": "parent__slug",
        },
        related=lambda: {"industries": slugs_of(Organization, "industries")},
        columns=[
            ("slug", lambda o, r: o["slug"]),
            ("name", lambda o, r: o["name"]),
            ("name_en", lambda o, r: o["name_en"]),
            ("short_name", lambda o, r: o["short_name"]),
            ("kind", lambda o, r: o["kind"]),
            ("country", lambda o, r: o["country_code"]),
            ("region", lambda o, r: o["region_slug"]),
            ("parent", lambda o, r: o["parent_slug"]),
            ("industries", lambda o, r: joined(r["industries"])),
            ("website", lambda o, r: o["website"]),
        ],
    ),
)

PEOPLE = Listing(
    key="person",
    title=_("People"),
    filters=filters.PersonFilter,
    queryset=lambda: Person.objects.public().prefetch_related(
        Prefetch("positions", queryset=Position.objects.public()),
    ),
    orderings=[("name", "last_name", _("name"))],
    export=Export(
        fields=["slug", *PERSON_NAME],
        related=lambda: {
            "positions": Related(
                Position.objects.public(known=["person"]).order_by("-start_date", "title"),
                "person",
                "title",
                "title_en",
                make=lambda row: localized(SimpleNamespace(**row), "title"),
            )
        },
        columns=[
            ("slug", lambda p, r: p["slug"]),
            ("first_name", lambda p, r: p["first_name"]),
            ("last_name", lambda p, r: p["last_name"]),
            ("first_name_en", lambda p, r: p["first_name_en"]),
            ("last_name_en", lambda p, r: p["last_name_en"]),
            ("positions", lambda p, r: joined(r["positions"])),
        ],
    ),
)

DELEGATIONS = Listing(
    key="delegation",
    title=_("Delegations"),
    filters=filters.DelegationFilter,
    queryset=lambda: (
        Delegation.objects.public()
        .select_related("home_region", "host_region", "head", "home_country", "host_country")
        .order_by("-start_date", "title")
    ),
    orderings=_by_date_or_title("start_date"),
    export=Export(
        fields=[
            "slug",
            "title",
            "title_en",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
        ],
        public={
            "home_region_slug": "home_region__slug",
            "host_region_slug": "host_region__slug",
            **{f"head_{f}": f"head__{f}" for f in PERSON_NAME},
        },
        columns=[
            ("slug", lambda d, r: d["slug"]),
            ("title", lambda d, r: d["title"]),
            ("title_en", lambda d, r: d["title_en"]),
            ("start", lambda d, r: partial(d["start_date"], d["start_precision"])),
            ("end", lambda d, r: partial(d["end_date"], d["end_precision"])),
            ("home_region", lambda d, r: d["home_region_slug"]),
            ("host_region", lambda d, r: d["host_region_slug"]),
            ("head", lambda d, r: person_name(d, "head_")),
        ],
    ),
)

REGIONS = Listing(
    key="region",
    title=_("Regions"),
    filters=filters.RegionFilter,
    queryset=lambda: (
        Region.objects.public().select_related("country").order_by("country__name", "name")
    ),
    orderings=[("name", "name", _("name"))],
    export=Export(
        fields=["slug", "name", "name_en", "kind", "iso_code", "capital", "capital_en"],
        public={"country_code": "country__code"},
        columns=[
            ("slug", lambda g, r: g["slug"]),
            ("name", lambda g, r: g["name"]),
            ("name_en", lambda g, r: g["name_en"]),
            ("country", lambda g, r: g["country_code"]),
            ("kind", lambda g, r: g["kind"]),
            ("iso_code", lambda g, r: g["iso_code"]),
            ("capital", _text("capital")),
        ],
    ),
    decorate=_with_activity,
)

SOURCES = Listing(
    key="source",
    title=_("Sources"),
    filters=filters.SourceFilter,
    queryset=lambda: Source.objects.public(),
    orderings=_by_date_or_title("published_on"),
    export=Export(
        fields=["slug", "title", "publisher", "url", "published_on", "language", "kind"],
        cites=False,
        columns=[
            ("slug", lambda s, r: s["slug"]),
            ("title", lambda s, r: s["title"]),
            ("publisher", lambda s, r: s["publisher"]),
            ("url", lambda s, r: s["url"]),
            (
                "published_on",
                lambda s, r: s["published_on"].isoformat() if s["published_on"] else "",
            ),
            ("language", lambda s, r: s["language"]),
            ("kind", lambda s, r: s["kind"]),
        ],
    ),
)

LISTINGS = {
    listing.key: listing
    for listing in (EVENTS, AGREEMENTS, ORGANIZATIONS, PEOPLE, DELEGATIONS, REGIONS, SOURCES)
}

# Every parameter a list page, its exports and feeds read; the page cache keeps pages
# under these alone (cooperation.page_cache).
page_cache.QUERY_PARAMETERS.update(
    {"q", "page", "format"},
    *(listing.filterset.base_filters for listing in LISTINGS.values()),
)
