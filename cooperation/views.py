"""The public site's home and detail pages.

The public sees published records only; staff may open drafts too, so that editors can
preview a record from the admin's "view on site" before publishing it. Every related list
is fetched with select_related/prefetch_related, so a page's query count does not grow
with the number of rows on it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import charts, exports, filters, page_cache
from . import search as text_search
from .models import (
    CITING,
    Agreement,
    AgreementParty,
    Citation,
    Delegation,
    Event,
    EventOrganization,
    Industry,
    Invitation,
    Organization,
    Participation,
    Person,
    Position,
    PublicationState,
    Publishable,
    Region,
    RegionFact,
    Source,
    Statement,
    Topic,
)


def _visible(request, queryset, *through):
    """Published rows only (and rows whose `through` relations are published), unless staff.

    Staff see drafts as well, marked as such in the templates, so a preview shows what the
    page will look like once everything on it is published.
    """
    if request.user.is_staff:
        return queryset
    if issubclass(queryset.model, Publishable):
        queryset = queryset.published()
    if through:
        queryset = queryset.filter(
            **{f"{path}__state": PublicationState.PUBLISHED for path in through}
        )
    return queryset


def _citations(request, lookup="citations"):
    return Prefetch(
        lookup,
        queryset=_visible(request, Citation.objects.select_related("source"), "source"),
    )


def _admin_url(request, obj):
    if not request.user.is_staff:
        return ""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:  # the model is not (yet) in the admin
        return ""


def _detail(request, queryset, slug):
    return get_object_or_404(_visible(request, queryset), slug=slug)


def _render_record(request, template, obj, **context):
    context.update(object=obj, admin_url=_admin_url(request, obj))
    return render(request, f"cooperation/{template}", context)


# A record's page lists at most this many of each kind of related record, and links to the
# public list that has them all: a region can have tens of thousands of events.
DETAIL_ITEMS = 20


@dataclass
class Excerpt:
    """The first records of what may be a long list, how many there are in all, and the
    address of the list with all of them. Iterates like the records it holds."""

    items: list
    count: int
    url: str = ""

    def __iter__(self):
        return iter(self.items)

    def __bool__(self):
        return bool(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def more(self):
        return self.count > len(self.items)


def _excerpt(queryset, url="", limit=DETAIL_ITEMS):
    # Counted even when short, so that a page costs the same queries whatever the data.
    return Excerpt(list(queryset[:limit]), _count(queryset), url)


def _count(queryset):
    """How many rows: a count over tens of thousands, kept until the content changes."""
    return page_cache.kept(page_cache.query_key("count", queryset), queryset.count)


class _Paginator(Paginator):
    @cached_property
    def count(self):
        return _count(self.object_list)


def _list_url(key, **params):
    return reverse(f"cooperation:{key}-list") + "?" + urlencode(params)


def _kept_for(request, name, obj, compute):
    """`compute()` kept until the content changes, per record, language and audience."""
    key = page_cache.query_key(name, obj.pk, get_language(), request.user.is_staff)
    return page_cache.kept(key, compute)


def home(request):
    today = datetime.date.today()
    events = LISTINGS["event"].queryset()
    upcoming = events.upcoming(today)
    return render(
        request,
        "cooperation/home.html",
        {
            "latest_events": events.past(today)[:HOME_ITEMS],
            "upcoming_events": upcoming.order_by("start_date")[:HOME_ITEMS],
            "latest_agreements": LISTINGS["agreement"].queryset()[:HOME_ITEMS],
            "regions": Region.objects.published()
            .select_related("country")
            .order_by("country__name", "name"),
            # Aggregates over everything, kept until the content changes.
            **page_cache.kept(page_cache.query_key("home", get_language()), _figures),
        },
    )


def _figures():
    """The home page's counts, busiest region pairs and industries."""
    return {
        "pairs": _busiest_pairs(),
        "industries": filters.IndustryFacet().values(Organization.objects.published())[:8],
        "counts": {
            model._meta.model_name: model.objects.published().count()
            for model in (Region, Organization, Person, Event, Agreement)
        },
    }


def region_detail(request, slug):
    region = _detail(
        request,
        Region.objects.select_related("country").prefetch_related(
            _citations(request),
            Prefetch(
                "facts",
                queryset=_visible(
                    request, RegionFact.objects.prefetch_related(_citations(request))
                ),
            ),
            Prefetch("industries", queryset=_visible(request, Industry.objects.all())),
        ),
        slug,
    )
    # Held in the region, or with someone speaking for it (a visit elsewhere).
    events = _visible(request, Event.objects.for_region(region).select_related("region"))
    agreements = _visible(request, Agreement.objects.for_region(region))
    delegations = _visible(request, Delegation.objects.all())
    shown = {
        "events": _excerpt(events, _list_url("event", region=slug)),
        "agreements": _excerpt(agreements, _list_url("agreement", region=slug)),
        "organizations": _excerpt(
            _visible(request, Organization.objects.filter(region=region)),
            _list_url("organization", region=slug),
        ),
        "delegations_sent": _excerpt(
            delegations.filter(home_region=region).select_related("host_region"),
            _list_url("delegation", region=slug),
        ),
        "delegations_hosted": _excerpt(
            delegations.filter(host_region=region).select_related("home_region"),
            _list_url("delegation", region=slug),
        ),
    }

    def aggregates():
        # Partners: the other regions of its published events, busiest first.
        involved = Event.regions.through.objects.filter(
            event__in=Event.objects.published().filter(regions=region)
        )
        counts = dict(
            involved.exclude(region=region)
            .order_by()
            .values_list("region")
            .annotate(n=Count("event"))
        )
        partners = list(Region.objects.published().filter(pk__in=counts).select_related("country"))
        for partner in partners:
            partner.event_count = counts[partner.pk]
        partners.sort(key=lambda partner: (-partner.event_count, partner.name))
        return {
            "partners": partners,
            "year_counts": charts.years(events, "start_date"),
            "industry_counts": charts.industries(events, agreements),
        }

    return _render_record(
        request,
        "region_detail.html",
        region,
        **shown,
        **_kept_for(request, "region-page", region, aggregates),
        timeline_items=charts.timeline_items(
            events=shown["events"],
            agreements=shown["agreements"],
            delegations=[*shown["delegations_sent"], *shown["delegations_hosted"]],
        ),
    )


def organization_detail(request, slug):
    organization = _detail(
        request,
        Organization.objects.select_related("country", "region", "parent").prefetch_related(
            "aliases",
            _citations(request),
            Prefetch("industries", queryset=_visible(request, Industry.objects.all())),
        ),
        slug,
    )
    return _render_record(
        request,
        "organization_detail.html",
        organization,
        subsidiaries=_excerpt(_visible(request, organization.subsidiaries.all())),
        positions=_excerpt(
            _visible(
                request,
                organization.positions.select_related("person").prefetch_related(
                    _citations(request)
                ),
                "person",
            ).order_by("-start_date", "person__last_name"),
            _list_url("person", organization=slug),
        ),
        event_roles=_excerpt(
            _visible(
                request, organization.event_roles.select_related("event__region"), "event"
            ).order_by("-event__start_date", "event__title"),
            _list_url("event", organization=slug),
        ),
        agreement_parties=_excerpt(
            _visible(
                request,
                organization.agreement_parties.select_related("agreement", "signatory"),
                "agreement",
            ).order_by("-agreement__signed_date", "agreement__title"),
            _list_url("agreement", organization=slug),
        ),
        partnerships=_excerpt(
            _visible(
                request,
                organization.partnerships.select_related(
                    "partner_country", "partner_region", "partner_organization"
                ).prefetch_related(_citations(request)),
            )
        ),
        delegations=_excerpt(
            _visible(request, organization.delegations.all()),
            _list_url("delegation", organization=slug),
        ),
    )


def person_detail(request, slug):
    person = _detail(
        request,
        Person.objects.prefetch_related(
            _citations(request),
            Prefetch(
                "positions",
                queryset=_visible(
                    request,
                    Position.objects.select_related(
                        "organization", "region", "country"
                    ).prefetch_related(_citations(request)),
                ),
            ),
        ),
        slug,
    )
    participations = _visible(
        request,
        person.participations.select_related("event__region", "side", "side_country"),
        "event",
    ).order_by("-event__start_date", "event__title")
    # Whom they met there: the other participants of each event.
    participations = participations.prefetch_related(
        Prefetch(
            "event__participations",
            queryset=_visible(
                request, Participation.objects.select_related("person", "side"), "person"
            ),
            to_attr="everyone",
        )
    )
    return _render_record(
        request,
        "person_detail.html",
        person,
        participations=_excerpt(participations, _list_url("event", person=slug)),
        statements=_excerpt(
            _visible(
                request,
                person.statements.select_related("event").prefetch_related(_citations(request)),
            ).order_by("-event__start_date", "position", "id")
        ),
        signatures=_excerpt(
            _visible(
                request,
                person.signatures.select_related("agreement", "organization"),
                "agreement",
            ).order_by("-agreement__signed_date", "agreement__title"),
            _list_url("agreement", person=slug),
        ),
        delegations_led=_excerpt(
            _visible(request, person.delegations_led.all()), _list_url("delegation", person=slug)
        ),
        # Listed once: a head of delegation is usually among its members too.
        delegations=_excerpt(
            _visible(request, person.delegations.exclude(head=person)),
            _list_url("delegation", person=slug),
        ),
    )


def delegation_detail(request, slug):
    delegation = _detail(
        request,
        Delegation.objects.select_related(
            "home_country", "home_region", "host_country", "host_region", "head"
        ).prefetch_related(
            _citations(request),
            Prefetch("members", queryset=_visible(request, Person.objects.all())),
            Prefetch("organizations", queryset=_visible(request, Organization.objects.all())),
            Prefetch(
                "events",
                queryset=_visible(request, Event.objects.select_related("region")).order_by(
                    "start_date", "title"
                ),
            ),
        ),
        slug,
    )
    return _render_record(request, "delegation_detail.html", delegation)


def event_detail(request, slug):
    invitation_parts = ("invited_region", "invited_organization", "invited_by")
    event = _detail(
        request,
        Event.objects.select_related("region", "delegation").prefetch_related(
            _citations(request),
            Prefetch(
                "participations",
                queryset=_visible(
                    request,
                    Participation.objects.select_related("person", "side", "side_country"),
                    "person",
                ),
            ),
            Prefetch(
                "event_organizations",
                queryset=_visible(
                    request,
                    EventOrganization.objects.select_related("organization"),
                    "organization",
                ),
            ),
            Prefetch("industries", queryset=_visible(request, Industry.objects.all())),
            Prefetch("topics", queryset=_visible(request, Topic.objects.all())),
            Prefetch(
                "statements",
                queryset=_visible(
                    request,
                    Statement.objects.select_related("speaker").prefetch_related(
                        _citations(request)
                    ),
                    "speaker",
                ),
            ),
            Prefetch("agreements", queryset=_visible(request, Agreement.objects.all())),
            Prefetch(
                "invitations",
                queryset=_visible(
                    request,
                    Invitation.objects.select_related(*invitation_parts, "extended_at"),
                ),
            ),
            Prefetch(
                "invitations_extended",
                queryset=_visible(
                    request,
                    Invitation.objects.select_related(*invitation_parts, "event__region"),
                    "event",
                ),
            ),
        ),
        slug,
    )
    return _render_record(request, "event_detail.html", event)


def agreement_detail(request, slug):
    agreement = _detail(
        request,
        Agreement.objects.select_related("signed_at__region").prefetch_related(
            _citations(request),
            Prefetch(
                "parties",
                queryset=_visible(
                    request,
                    AgreementParty.objects.select_related(
                        "organization", "organization__region", "organization__country", "signatory"
                    ),
                    "organization",
                ),
            ),
            Prefetch("industries", queryset=_visible(request, Industry.objects.all())),
            Prefetch("topics", queryset=_visible(request, Topic.objects.all())),
        ),
        slug,
    )
    return _render_record(request, "agreement_detail.html", agreement)


def industry_detail(request, slug):
    industry = _detail(
        request,
        Industry.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=_visible(request, Industry.objects.all())),
            Prefetch(
                "regions", queryset=_visible(request, Region.objects.select_related("country"))
            ),
        ),
        slug,
    )
    # An industry's page also lists what is filed under the industries below it.
    context = {
        "organizations": _excerpt(
            _visible(
                request,
                Organization.objects.in_industry(industry).select_related("region", "country"),
            ),
            _list_url("organization", industry=slug),
        ),
        "events": _excerpt(
            _visible(request, Event.objects.in_industry(industry).select_related("region")),
            _list_url("event", industry=slug),
        ),
        "agreements": _excerpt(
            _visible(request, Agreement.objects.in_industry(industry)),
            _list_url("agreement", industry=slug),
        ),
    }
    return _render_record(request, "industry_detail.html", industry, **context)


def topic_detail(request, slug):
    topic = _detail(request, Topic.objects.all(), slug)
    return _render_record(
        request,
        "topic_detail.html",
        topic,
        events=_excerpt(
            _visible(request, topic.events.select_related("region")),
            _list_url("event", topic=slug),
        ),
        agreements=_excerpt(
            _visible(request, topic.agreements.all()), _list_url("agreement", topic=slug)
        ),
        statements=_excerpt(
            _visible(
                request,
                topic.statements.select_related("speaker", "event").prefetch_related(
                    _citations(request)
                ),
                "speaker",
            ).order_by("-event__start_date", "position", "id")
        ),
    )


def source_detail(request, slug):
    source = _detail(request, Source.objects.all(), slug)
    return _render_record(
        request,
        "source_detail.html",
        source,
        source_text=source.text_html,
        citing_groups=_kept_for(
            request, "source-citing", source, lambda: _citing_groups(request, source)
        ),
    )


def _citing_groups(request, source):
    """The records citing a source, by kind: [(verbose_name_plural, Excerpt of citations)].

    A source of synthetic demo data is cited by hundreds of thousands of records, so each
    kind lists its first records and says how many there are.
    """
    groups = []
    for model, related in CITING:
        content_type = ContentType.objects.get_for_model(model)
        records = _visible(request, model.objects.select_related(*related))
        citations = (
            source.citations.filter(content_type=content_type, object_id__in=records.values("pk"))
            .select_related("content_type")
            .prefetch_related(GenericPrefetch("content_object", [records]))
            .order_by("id")
        )
        excerpt = _excerpt(citations, limit=DETAIL_ITEMS * 2)
        if excerpt:
            groups.append((model._meta.verbose_name_plural, excerpt))
    return groups


# --- lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """What one public list shows: its records, filters, look and exports."""

    key: str  # "event": URL names, export columns, the item template
    filterset: type
    title: str
    queryset: Callable[[], QuerySet]
    feed: str = ""  # URL name of the list's Atom feed, if it has one
    # Adds to the records shown on a page what their template needs besides the queryset.
    decorate: Callable[[list], None] = lambda objects: None

    def item_template(self):
        return f"includes/items/{self.key}.html"


def _published_citations():
    return Prefetch(
        "citations",
        queryset=Citation.objects.filter(source__state=PublicationState.PUBLISHED).select_related(
            "source"
        ),
    )


# Each list's queryset fetches what its item template (templates/includes/items/) shows;
# exports read their own columns (cooperation/exports.py).
LISTINGS = {
    "event": Listing(
        "event",
        filters.EventFilter,
        _("Events"),
        lambda: (
            Event.objects.published()
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.filter(
                        person__state=PublicationState.PUBLISHED
                    ).select_related("person"),
                ),
            )
            .order_by("-start_date", "title")
        ),
        feed="cooperation:event-feed",
    ),
    "agreement": Listing(
        "agreement",
        filters.AgreementFilter,
        _("Agreements"),
        lambda: (
            Agreement.objects.published()
            .prefetch_related(
                Prefetch(
                    "parties",
                    queryset=AgreementParty.objects.filter(
                        organization__state=PublicationState.PUBLISHED
                    ).select_related("organization__region"),
                ),
            )
            .order_by("-signed_date", "title")
        ),
        feed="cooperation:agreement-feed",
    ),
    "organization": Listing(
        "organization",
        filters.OrganizationFilter,
        _("Organizations"),
        lambda: (
            Organization.objects.published()
            .select_related("region", "country")
            .prefetch_related(Prefetch("industries", queryset=Industry.objects.published()))
        ),
    ),
    "person": Listing(
        "person",
        filters.PersonFilter,
        _("People"),
        lambda: Person.objects.published().prefetch_related(
            Prefetch("positions", queryset=Position.objects.published()),
        ),
    ),
    "delegation": Listing(
        "delegation",
        filters.DelegationFilter,
        _("Delegations"),
        lambda: (
            Delegation.objects.published()
            .select_related("home_region", "host_region", "head", "home_country", "host_country")
            .order_by("-start_date", "title")
        ),
    ),
    "region": Listing(
        "region",
        filters.RegionFilter,
        _("Regions"),
        lambda: (
            Region.objects.published().select_related("country").order_by("country__name", "name")
        ),
        decorate=lambda regions: _with_activity(regions),
    ),
    "source": Listing(
        "source",
        filters.SourceFilter,
        _("Sources"),
        lambda: Source.objects.published(),
    ),
}


def _region_activity():
    """{region pk: (published events involving it, published organizations in it)}."""
    events = (
        Event.regions.through.objects.filter(event__state=PublicationState.PUBLISHED)
        .order_by()
        .values_list("region")
        .annotate(n=Count("pk"))
    )
    organizations = (
        Organization.objects.published().order_by().values_list("region").annotate(n=Count("pk"))
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


PAGE_SIZE = 20
EXPORT_FORMATS = {"csv": exports.csv_response, "json": exports.json_response}


def _toggle_url(request, param, value, multiple):
    """The current query with `value` added to or removed from `param`; page reset."""
    query = request.GET.copy()
    query.pop("page", None)
    if param == "year":
        chosen = query.get("date_from") == value and query.get("date_to") == value
        query.pop("date_from", None)
        query.pop("date_to", None)
        if not chosen:
            query["date_from"] = query["date_to"] = value
        return "?" + query.urlencode()
    current = query.getlist(param)
    if value in current:
        current.remove(value)
    elif multiple:
        current.append(value)
    else:
        current = [value]
    query.setlist(param, current)
    return "?" + query.urlencode()


def _page(request, queryset):
    paginator = _Paginator(queryset, PAGE_SIZE)
    asked = request.GET.get("page", "1")
    page = paginator.get_page(asked)
    problem = ""
    if asked != str(page.number):
        problem = _("There is no page «%(page)s»; showing page %(number)s of %(count)s.") % {
            "page": asked[:20],
            "number": page.number,
            "count": paginator.num_pages,
        }
    return page, problem


def object_list(request, key):
    listing = LISTINGS[key]
    filterset = listing.filterset(request.GET, queryset=listing.queryset(), request=request)
    queryset = filterset.qs
    problems = [
        f"{filterset.form.fields[name].label}: {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return EXPORT_FORMATS[export_format](request, queryset, key)
    if export_format:
        problems.append(
            _("The format «%(format)s» is not offered; use csv or json.")
            % {"format": export_format[:20]}
        )
    page, page_problem = _page(request, queryset)
    if page_problem:
        problems.append(page_problem)
    page.object_list = list(page.object_list)
    listing.decorate(page.object_list)
    facets = []
    for facet, values in filterset.facet_values():
        for value in values:
            value.url = _toggle_url(request, facet.param, value.value, facet.multiple)
        if values:
            facets.append((facet, values))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "cooperation/list.html",
        {
            "listing": listing,
            "heading": _("Enterprises")
            if key == "organization" and "enterprise" in filterset.selected("kind")
            else listing.title,
            "filterset": filterset,
            "page_obj": page,
            "facets": facets,
            "problems": problems,
            "query": query.urlencode(),
            "selected_params": [
                (name, value)
                for name in query
                if name not in ("q", "date_from", "date_to", "sort")
                for value in query.getlist(name)
            ],
        },
        status=200,
    )


# --- search, the pair dossier, industries, home ---------------------------------------------

SEARCH_ORDER = ["region", "organization", "person", "event", "agreement", "delegation", "source"]
SEARCH_SHOWN = 5


def search(request):
    q = request.GET.get("q", "").strip()[:200]
    groups = []
    if text_search.words(q):  # punctuation alone matches nothing rather than everything
        for key in SEARCH_ORDER:
            listing = LISTINGS[key]
            found = listing.filterset({"q": q}, queryset=listing.queryset()).qs
            count = found.count()
            if count:
                shown = list(found[:SEARCH_SHOWN])
                listing.decorate(shown)
                groups.append((listing, shown, count))
    return render(
        request,
        "cooperation/search.html",
        {"q": q, "groups": groups, "total": sum(count for _l, _f, count in groups)},
    )


def region_pair(request, slug, partner):
    """Everything between two regions: events, agreements, visits, people, statements.

    The latest of each are listed, with links to the lists that have them all; who took
    part, what was said and the organizations involved are those of the events listed.
    """
    region = get_object_or_404(Region.objects.published().select_related("country"), slug=slug)
    other = get_object_or_404(Region.objects.published().select_related("country"), slug=partner)
    if region == other:
        raise Http404
    events = LISTINGS["event"].queryset().for_region(region).for_region(other)
    agreements = LISTINGS["agreement"].queryset().for_region(region).for_region(other)
    delegations = (
        LISTINGS["delegation"]
        .queryset()
        .filter(Q(home_region=region, host_region=other) | Q(home_region=other, host_region=region))
    )
    pair = {"region": region.slug, "partner": other.slug}
    shown = {
        "events": _excerpt(events, _list_url("event", **pair)),
        "agreements": _excerpt(agreements, _list_url("agreement", **pair)),
        "delegations": _excerpt(delegations, _list_url("delegation", **pair)),
    }
    shown_events = [event.pk for event in shown["events"]]
    participations = (
        Participation.objects.filter(
            event__in=shown_events, person__state=PublicationState.PUBLISHED
        )
        .select_related("person", "side", "event")
        .order_by("side__name", "person__last_name", "-event__start_date")
    )
    statements = (
        Statement.objects.published()
        .filter(event__in=shown_events, speaker__state=PublicationState.PUBLISHED)
        .select_related("speaker", "event")
        .prefetch_related(_published_citations())
        .order_by("-event__start_date", "event", "position", "id")
    )
    organizations = (
        Organization.objects.published()
        .filter(
            Q(
                pk__in=EventOrganization.objects.filter(event__in=shown_events).values(
                    "organization"
                )
            )
            | Q(
                pk__in=AgreementParty.objects.filter(
                    agreement__in=[agreement.pk for agreement in shown["agreements"]]
                ).values("organization")
            )
        )
        .filter(region__in=[region, other])
        .select_related("region")
        .order_by("region__name", "name")
    )
    people = {}
    for participation in participations:
        entry = people.setdefault(
            participation.person.pk, {"person": participation.person, "side": None, "events": []}
        )
        entry["side"] = entry["side"] or participation.side
        entry["events"].append(participation.event)

    def aggregates():
        return {
            "year_counts": charts.years(events, "start_date"),
            "industry_counts": charts.industries(events, agreements),
        }

    key = page_cache.query_key("region-pair", region.pk, other.pk, get_language())
    return render(
        request,
        "cooperation/region_pair.html",
        {
            "region": region,
            "other": other,
            **shown,
            "people": list(people.values()),
            "statements": statements,
            "organizations": organizations,
            "filter_query": urlencode(pair),
            "timeline_items": charts.timeline_items(**shown),
            **page_cache.kept(key, aggregates),
        },
    )


def industry_list(request):
    industries = list(Industry.objects.published().select_related("parent"))
    counts = page_cache.kept("industry-counts", _industry_counts)
    children = {}
    for industry in industries:
        children.setdefault(industry.parent_id, []).append(industry)
    tree = []

    def walk(parent_id, depth):
        for industry in sorted(children.get(parent_id, []), key=str):
            if industry.pk in seen:
                continue  # a loop entered by hand must not hang the page
            seen.add(industry.pk)
            tree.append((industry, depth, counts.get(industry.slug, {})))
            walk(industry.pk, depth + 1)

    seen = set()
    published = {industry.pk for industry in industries}
    for industry in industries:
        if industry.parent_id not in published and industry.pk not in seen:
            seen.add(industry.pk)
            tree.append((industry, 0, counts.get(industry.slug, {})))
            walk(industry.pk, 1)
    return render(request, "cooperation/industry_list.html", {"tree": tree})


def _industry_counts():
    """{industry slug: {"organizations": n, "events": n, "agreements": n}}, sub-industries
    included; kept until the content changes."""
    counts = {}
    for key, model in (
        ("organizations", Organization),
        ("events", Event),
        ("agreements", Agreement),
    ):
        for slug, _label, n in filters.IndustryFacet().values(model.objects.published()):
            counts.setdefault(slug, {})[key] = n
    return counts


HOME_ITEMS = 6
HOME_PAIRS = 6


def _busiest_pairs():
    """Region pairs with the most published events together, in one aggregate query."""
    through = Event.regions.through
    rows = (
        through.objects.filter(
            event__state=PublicationState.PUBLISHED,
            region__state=PublicationState.PUBLISHED,
            event__regions__state=PublicationState.PUBLISHED,
            event__regions__pk__gt=F("region_id"),
        )
        .values_list("region_id", "event__regions")
        .annotate(n=Count("event_id", distinct=True))
        .order_by("-n")[:HOME_PAIRS]
    )
    rows = list(rows)
    regions = Region.objects.in_bulk({pk for row in rows for pk in row[:2]})
    return [(regions[a], regions[b], n) for a, b, n in rows]
