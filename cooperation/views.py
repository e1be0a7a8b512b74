"""The public site's pages.

What a visitor may see is asked of the models' queryset verbs: `public()` for what every
visitor sees, `visible_to(request.user)` where staff may preview drafts too (a record's page
and what it lists), so that editors can check a record from the admin's "view on site"
before publishing it. The lists are defined in cooperation/listings.py. Every related list
is fetched with select_related/prefetch_related, so a page's query count does not grow
with the number of rows on it.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition
from rest_framework.throttling import SimpleRateThrottle

from . import (
    charts,
    corrections,
    exports,
    filters,
    geography,
    jsonld,
    open_data,
    page_cache,
    statistics,
)
from . import search as text_search
from .api.serializers import api_path
from .listings import LISTINGS, latest_updates
from .models import (
    CITING,
    Agreement,
    AgreementParty,
    Citation,
    Commitment,
    Delegation,
    Event,
    EventOrganization,
    Industry,
    Invitation,
    Organization,
    Participation,
    Person,
    Position,
    ProgressUpdate,
    Region,
    RegionFact,
    Source,
    Statement,
    Topic,
    order_of,
)


def _citations(request):
    return Prefetch(
        "citations",
        queryset=Citation.objects.visible_to(request.user).select_related("source"),
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
    return get_object_or_404(queryset.visible_to(request.user), slug=slug)


def _render_record(request, template, obj, **context):
    if request.GET.get("format") == "json":
        # The record as JSON is the API's (published records only, as there).
        return redirect(api_path(obj))
    context.update(
        object=obj,
        admin_url=_admin_url(request, obj),
        api_url=api_path(obj),
        jsonld=jsonld.describe(request, obj),
    )
    context.update(corrections.form_context(request.path, obj))
    return render(request, f"cooperation/{template}", context)


# A record's page lists at most this many of each kind of related record, and links to the
# public list that has them all: a region can have tens of thousands of events.
DETAIL_ITEMS = 20
# The home page lists this many of the latest events, the coming ones and the agreements.
HOME_ITEMS = 6


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
    """Pages of a list, the site's and the API's: ties in the list's order are broken by id,
    so that pages neither skip nor repeat a record; the count is kept."""

    def __init__(self, object_list, *args, **kwargs):
        if isinstance(object_list, QuerySet):
            object_list = object_list.order_by(*order_of(object_list), "pk")
        super().__init__(object_list, *args, **kwargs)

    @cached_property
    def count(self):
        return _count(self.object_list)


def _list_url(key, **params):
    return reverse(f"cooperation:{key}-list") + "?" + urlencode(params)


FOLLOW_UP_ITEMS = 5


def _follow_up(agreements, commitments, **params):
    """What came of the agreements a page is about: those in force, their open and overdue
    commitments and the latest progress, each with the list that has them all."""
    return {
        "in_force": _excerpt(agreements.in_force(), _list_url("agreement", **params)),
        # Not yet due (or with no due date): the overdue ones are listed apart.
        "open_commitments": _excerpt(
            commitments.open().exclude(due_date__lt=datetime.date.today()),
            _list_url("commitment", **params),
            limit=FOLLOW_UP_ITEMS,
        ),
        "overdue_commitments": _excerpt(
            commitments.overdue(),
            _list_url("commitment", overdue="yes", **params),
            limit=FOLLOW_UP_ITEMS,
        ),
        "latest_progress": list(
            latest_updates()
            .filter(commitment__in=commitments.order_by().values("pk"))
            .select_related("commitment__agreement")[:FOLLOW_UP_ITEMS]
        ),
        "progress_feed": reverse("cooperation:commitment-feed") + "?" + urlencode(params),
    }


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
            "regions": Region.objects.public()
            .select_related("country")
            .order_by("country__name", "name"),
            # Aggregates over everything, kept until the content changes.
            **page_cache.kept(page_cache.query_key("home", get_language()), _figures),
            "map": geography.drawing(statistics.pair_ranking(statistics.scope())),
        },
    )


def _figures():
    """The home page's counts and busiest industries (the busiest pairs are its map's)."""
    return {
        "industries": filters.IndustryFacet().values(Organization.objects.public())[:8],
        "counts": {
            model._meta.model_name: model.objects.public().count()
            for model in (Region, Organization, Person, Event, Agreement)
        },
    }


def region_detail(request, slug):
    user = request.user
    region = _detail(
        request,
        Region.objects.select_related("country").prefetch_related(
            _citations(request),
            Prefetch(
                "facts",
                queryset=RegionFact.objects.visible_to(user).prefetch_related(_citations(request)),
            ),
            Prefetch("industries", queryset=Industry.objects.visible_to(user)),
        ),
        slug,
    )
    # Held in the region, or with someone speaking for it (a visit elsewhere).
    events = Event.objects.visible_to(user).for_region(region).select_related("region")
    agreements = Agreement.objects.visible_to(user).for_region(region)
    delegations = Delegation.objects.visible_to(user)
    shown = {
        "events": _excerpt(events, _list_url("event", region=slug)),
        "agreements": _excerpt(agreements, _list_url("agreement", region=slug)),
        "organizations": _excerpt(
            Organization.objects.visible_to(user).filter(region=region),
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
        # Partners: the other regions of its public events, busiest first.
        involved = Event.regions.through.objects.filter(
            event__in=Event.objects.public().filter(regions=region)
        )
        counts = dict(
            involved.exclude(region=region)
            .order_by()
            .values_list("region")
            .annotate(n=Count("event"))
        )
        partners = list(Region.objects.public().filter(pk__in=counts).select_related("country"))
        for partner in partners:
            partner.event_count = counts[partner.pk]
        partners.sort(key=lambda partner: (-partner.event_count, partner.name))
        return {
            "partners": partners,
            "year_counts": charts.years(events, "start_date"),
            "industry_counts": charts.industries(events, agreements),
        }

    follow_up = _follow_up(
        LISTINGS["agreement"].queryset().for_region(region),
        LISTINGS["commitment"].queryset().for_region(region),
        region=slug,
    )
    return _render_record(
        request,
        "region_detail.html",
        region,
        **shown,
        follow_up=follow_up,
        **_kept_for(request, "region-page", region, aggregates),
        timeline_items=charts.timeline_items(
            events=shown["events"],
            agreements=shown["agreements"],
            delegations=[*shown["delegations_sent"], *shown["delegations_hosted"]],
        ),
        map=geography.drawing(
            statistics.pair_ranking(statistics.scope(), region=region), focus=region
        ),
        partner_countries=statistics.partner_countries(region),
    )


def organization_detail(request, slug):
    user = request.user
    organization = _detail(
        request,
        Organization.objects.select_related("country", "region", "parent").prefetch_related(
            "aliases",
            _citations(request),
            Prefetch("industries", queryset=Industry.objects.visible_to(user)),
        ),
        slug,
    )
    return _render_record(
        request,
        "organization_detail.html",
        organization,
        subsidiaries=_excerpt(organization.subsidiaries.visible_to(user)),
        positions=_excerpt(
            organization.positions.visible_to(user)
            .select_related("person", "region", "country")
            .prefetch_related(_citations(request))
            .order_by("-start_date", "person__last_name"),
            _list_url("person", organization=slug),
        ),
        event_roles=_excerpt(
            organization.event_roles.visible_to(user)
            .select_related("event__region")
            .order_by("-event__start_date", "event__title"),
            _list_url("event", organization=slug),
        ),
        agreement_parties=_excerpt(
            organization.agreement_parties.visible_to(user)
            .select_related("agreement", "signatory")
            .order_by("-agreement__signed_date", "agreement__title"),
            _list_url("agreement", organization=slug),
        ),
        partnerships=_excerpt(
            organization.partnerships.visible_to(user)
            .select_related("partner_country", "partner_region", "partner_organization")
            .prefetch_related(_citations(request))
        ),
        delegations=_excerpt(
            organization.delegations.visible_to(user),
            _list_url("delegation", organization=slug),
        ),
    )


def person_detail(request, slug):
    user = request.user
    person = _detail(
        request,
        Person.objects.prefetch_related(
            _citations(request),
            Prefetch(
                "positions",
                queryset=Position.objects.visible_to(user)
                .select_related("organization", "region", "country")
                .prefetch_related(_citations(request)),
            ),
        ),
        slug,
    )
    participations = (
        person.participations.visible_to(user)
        .select_related("event__region", "side", "side_country")
        .order_by("-event__start_date", "event__title")
    )
    # Whom they met there: the other participants of each event.
    participations = participations.prefetch_related(
        Prefetch(
            "event__participations",
            queryset=Participation.objects.visible_to(user).select_related("person", "side"),
            to_attr="everyone",
        )
    )
    return _render_record(
        request,
        "person_detail.html",
        person,
        participations=_excerpt(participations, _list_url("event", person=slug)),
        statements=_excerpt(
            person.statements.visible_to(user)
            .select_related("event")
            .prefetch_related(_citations(request))
            .order_by("-event__start_date", "position", "id")
        ),
        signatures=_excerpt(
            person.signatures.visible_to(user)
            .select_related("agreement", "organization")
            .order_by("-agreement__signed_date", "agreement__title"),
            _list_url("agreement", person=slug),
        ),
        delegations_led=_excerpt(
            person.delegations_led.visible_to(user), _list_url("delegation", person=slug)
        ),
        # Listed once: a head of delegation is usually among its members too.
        delegations=_excerpt(
            person.delegations.visible_to(user).exclude(head=person),
            _list_url("delegation", person=slug),
        ),
    )


def delegation_detail(request, slug):
    user = request.user
    delegation = _detail(
        request,
        Delegation.objects.select_related(
            "home_country", "home_region", "host_country", "host_region", "head"
        ).prefetch_related(
            _citations(request),
            Prefetch("members", queryset=Person.objects.visible_to(user)),
            Prefetch("organizations", queryset=Organization.objects.visible_to(user)),
            Prefetch(
                "events",
                queryset=Event.objects.visible_to(user)
                .select_related("region")
                .order_by("start_date", "title"),
            ),
            _carried_out(user),
        ),
        slug,
    )
    return _render_record(request, "delegation_detail.html", delegation)


def _carried_out(user):
    """The commitments an event or a visit carried out, with their agreements."""
    return Prefetch(
        "commitments_carried_out",
        queryset=Commitment.objects.visible_to(user).with_status().select_related("agreement"),
    )


def event_detail(request, slug):
    user = request.user
    invitation_parts = ("invited_region", "invited_organization", "invited_by")
    event = _detail(
        request,
        Event.objects.select_related("region__country", "delegation").prefetch_related(
            _citations(request),
            Prefetch(
                "participations",
                queryset=Participation.objects.visible_to(user).select_related(
                    "person", "side", "side_country"
                ),
            ),
            Prefetch(
                "event_organizations",
                queryset=EventOrganization.objects.visible_to(user).select_related("organization"),
            ),
            Prefetch("industries", queryset=Industry.objects.visible_to(user)),
            Prefetch("topics", queryset=Topic.objects.visible_to(user)),
            Prefetch(
                "statements",
                queryset=Statement.objects.visible_to(user)
                .select_related("speaker")
                .prefetch_related(_citations(request)),
            ),
            Prefetch("agreements", queryset=Agreement.objects.visible_to(user)),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.visible_to(user).select_related(
                    *invitation_parts, "extended_at"
                ),
            ),
            Prefetch(
                "invitations_extended",
                queryset=Invitation.objects.visible_to(user).select_related(
                    *invitation_parts, "event__region"
                ),
            ),
            _carried_out(user),
        ),
        slug,
    )
    return _render_record(request, "event_detail.html", event)


def agreement_detail(request, slug):
    user = request.user
    agreement = _detail(
        request,
        Agreement.objects.select_related("signed_at__region").prefetch_related(
            _citations(request),
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.visible_to(user).select_related(
                    "organization", "organization__region", "organization__country", "signatory"
                ),
            ),
            Prefetch("industries", queryset=Industry.objects.visible_to(user)),
            Prefetch("topics", queryset=Topic.objects.visible_to(user)),
        ),
        slug,
    )
    commitments = list(
        Commitment.objects.visible_to(user)
        .filter(agreement=agreement)
        .with_status()
        .prefetch_related(
            _citations(request),
            Prefetch("responsible", queryset=Organization.objects.visible_to(user)),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.visible_to(user)
                .order_by("-date", "-id")
                .prefetch_related(_citations(request)),
            ),
            Prefetch("events", queryset=Event.objects.visible_to(user).select_related("region")),
            Prefetch("delegations", queryset=Delegation.objects.visible_to(user)),
        )
    )
    done = sum(1 for c in commitments if c.status == "done")
    family = agreement.family(
        Agreement.objects.visible_to(user).select_related("implements", "replaces", "amends")
    )
    return _render_record(
        request,
        "agreement_detail.html",
        agreement,
        family=family,
        family_items=charts.agreement_family_items(family),
        commitments=commitments,
        done=done,
        overdue=sum(1 for c in commitments if c.is_overdue()),
        done_percent=round(100 * done / len(commitments)) if commitments else 0,
    )


def industry_detail(request, slug):
    user = request.user
    industry = _detail(
        request,
        Industry.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Industry.objects.visible_to(user)),
            Prefetch("regions", queryset=Region.objects.visible_to(user).select_related("country")),
        ),
        slug,
    )
    # An industry's page also lists what is filed under the industries below it.
    context = {
        "organizations": _excerpt(
            Organization.objects.visible_to(user)
            .in_industry(industry)
            .select_related("region", "country"),
            _list_url("organization", industry=slug),
        ),
        "events": _excerpt(
            Event.objects.visible_to(user).in_industry(industry).select_related("region"),
            _list_url("event", industry=slug),
        ),
        "agreements": _excerpt(
            Agreement.objects.visible_to(user).in_industry(industry),
            _list_url("agreement", industry=slug),
        ),
    }
    return _render_record(request, "industry_detail.html", industry, **context)


def topic_detail(request, slug):
    user = request.user
    topic = _detail(request, Topic.objects.all(), slug)
    return _render_record(
        request,
        "topic_detail.html",
        topic,
        events=_excerpt(
            topic.events.visible_to(user).select_related("region"),
            _list_url("event", topic=slug),
        ),
        agreements=_excerpt(topic.agreements.visible_to(user), _list_url("agreement", topic=slug)),
        statements=_excerpt(
            topic.statements.visible_to(user)
            .select_related("speaker", "event")
            .prefetch_related(_citations(request))
            .order_by("-event__start_date", "position", "id")
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
        records = model.objects.visible_to(request.user).select_related(*related)
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


# --- open data ---------------------------------------------------------------------------


def open_data_page(request):
    """What machines may take and how: the API, its documentation, the data package and
    the licence."""
    return render(
        request,
        "cooperation/open_data.html",
        {
            "package": open_data.built(),
            "license": open_data.LICENSE,
            "per_minute": _api_requests_per_minute(),
        },
    )


def _api_requests_per_minute():
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    if not rate:
        return None
    count, seconds = SimpleRateThrottle.parse_rate(None, rate)
    return round(count * 60 / seconds)


def _package_time(request, filename=""):
    package = open_data.built()
    return package.created if package else None


@condition(last_modified_func=_package_time)
def open_data_download(request, filename):
    package = open_data.built()
    if package is None or filename != package.url:
        raise Http404
    response = FileResponse(open_data.open_package(), as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-cache"
    return response


# --- lists --------------------------------------------------------------------------------


PAGE_SIZE = 20


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
    if export_format in exports.FORMATS:
        return exports.FORMATS[export_format](request, queryset, listing)
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
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "facets": facets,
            "problems": problems,
            "query": query.urlencode(),
            # The same events or agreements on the map, as far as the map's filters go.
            "map_query": statistics.query_of(query, "country")
            if key in ("event", "agreement")
            else None,
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
    region = get_object_or_404(Region.objects.public().select_related("country"), slug=slug)
    other = get_object_or_404(Region.objects.public().select_related("country"), slug=partner)
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
        Participation.objects.public()
        .filter(event__in=shown_events)
        .select_related("person", "side", "event")
        .order_by("side__name", "person__last_name", "-event__start_date")
    )
    statements = (
        Statement.objects.public()
        .filter(event__in=shown_events)
        .select_related("speaker", "event")
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.public().select_related("source"))
        )
        .order_by("-event__start_date", "event", "position", "id")
    )
    organizations = (
        Organization.objects.public()
        .filter(
            Q(
                pk__in=EventOrganization.objects.public()
                .filter(event__in=shown_events)
                .values("organization")
            )
            | Q(
                pk__in=AgreementParty.objects.public()
                .filter(agreement__in=[agreement.pk for agreement in shown["agreements"]])
                .values("organization")
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

    invitations = (
        Invitation.objects.public()
        .filter(
            Q(invited_region=other, event__in=Event.objects.for_region(region))
            | Q(invited_region=region, event__in=Event.objects.for_region(other))
            | Q(invited_organization__region=other, event__in=Event.objects.for_region(region))
            | Q(invited_organization__region=region, event__in=Event.objects.for_region(other))
        )
        .select_related(
            "event__region", "invited_region", "invited_organization", "invited_by", "extended_at"
        )
        .order_by("-event__start_date", "id")
    )
    follow_up = _follow_up(
        agreements,
        LISTINGS["commitment"].queryset().for_region(region).for_region(other),
        **pair,
    )

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
            "invitations": _excerpt(invitations),
            "follow_up": follow_up,
            "timeline_items": charts.timeline_items(**shown),
            **page_cache.kept(key, aggregates),
            **corrections.form_context(request.path),
        },
    )


def industry_list(request):
    industries = list(Industry.objects.public().select_related("parent"))
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
    shown = {industry.pk for industry in industries}
    for industry in industries:
        if industry.parent_id not in shown and industry.pk not in seen:
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
        for slug, _label, n in filters.IndustryFacet().values(model.objects.public()):
            counts.setdefault(slug, {})[key] = n
    return counts


def contact(request):
    return render(request, "cooperation/contact.html", {"contact_email": settings.CONTACT_EMAIL})
