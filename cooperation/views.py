"""The public site's home and detail pages.

The public sees published records only; staff may open drafts too, so that editors can
preview a record from the admin's "view on site" before publishing it. Every related list
is fetched with select_related/prefetch_related, so a page's query count does not grow
with the number of rows on it.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

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
    Partnership,
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

_LATEST_EVENTS = 10


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


def home(request):
    events = _visible(request, Event.objects.select_related("region"))[:_LATEST_EVENTS]
    regions = _visible(request, Region.objects.select_related("country")).order_by(
        "country__name", "name"
    )
    return render(request, "cooperation/home.html", {"events": events, "regions": regions})


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
            Prefetch("organizations", queryset=_visible(request, Organization.objects.all())),
            Prefetch(
                "delegations_sent",
                queryset=_visible(request, Delegation.objects.select_related("host_region")),
            ),
            Prefetch(
                "delegations_hosted",
                queryset=_visible(request, Delegation.objects.select_related("home_region")),
            ),
        ),
        slug,
    )
    # Held in the region, or with someone speaking for it (a visit elsewhere).
    events = _visible(request, Event.objects.for_region(region).select_related("region"))
    agreements = _visible(request, Agreement.objects.for_region(region))
    return _render_record(
        request, "region_detail.html", region, events=events, agreements=agreements
    )


def organization_detail(request, slug):
    organization = _detail(
        request,
        Organization.objects.select_related("country", "region", "parent").prefetch_related(
            "aliases",
            _citations(request),
            Prefetch("subsidiaries", queryset=_visible(request, Organization.objects.all())),
            Prefetch("industries", queryset=_visible(request, Industry.objects.all())),
            Prefetch(
                "positions",
                queryset=_visible(
                    request,
                    Position.objects.select_related("person").prefetch_related(_citations(request)),
                    "person",
                ).order_by("-start_date", "person__last_name"),
            ),
            Prefetch(
                "event_roles",
                queryset=_visible(
                    request, EventOrganization.objects.select_related("event__region"), "event"
                ).order_by("-event__start_date"),
            ),
            Prefetch(
                "agreement_parties",
                queryset=_visible(
                    request,
                    AgreementParty.objects.select_related("agreement", "signatory"),
                    "agreement",
                ).order_by("-agreement__signed_date"),
            ),
            Prefetch(
                "partnerships",
                queryset=_visible(
                    request,
                    Partnership.objects.select_related(
                        "partner_country", "partner_region", "partner_organization"
                    ).prefetch_related(_citations(request)),
                ),
            ),
            Prefetch(
                "delegations",
                queryset=_visible(request, Delegation.objects.all()),
            ),
        ),
        slug,
    )
    return _render_record(request, "organization_detail.html", organization)


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
            Prefetch(
                "participations",
                queryset=_visible(
                    request,
                    Participation.objects.select_related("event__region", "side", "side_country"),
                    "event",
                ).order_by("-event__start_date"),
            ),
            Prefetch(
                "statements",
                queryset=_visible(
                    request,
                    Statement.objects.select_related("event").prefetch_related(_citations(request)),
                ).order_by("-event__start_date", "position", "id"),
            ),
            Prefetch(
                "signatures",
                queryset=_visible(
                    request,
                    AgreementParty.objects.select_related("agreement", "organization"),
                    "agreement",
                ).order_by("-agreement__signed_date"),
            ),
            Prefetch("delegations_led", queryset=_visible(request, Delegation.objects.all())),
            # Listed once: a head of delegation is usually among its members too.
            Prefetch(
                "delegations",
                queryset=_visible(request, Delegation.objects.exclude(head__slug=slug)),
            ),
        ),
        slug,
    )
    return _render_record(request, "person_detail.html", person)


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
        "organizations": _visible(
            request, Organization.objects.in_industry(industry).select_related("region", "country")
        ),
        "events": _visible(request, Event.objects.in_industry(industry).select_related("region")),
        "agreements": _visible(request, Agreement.objects.in_industry(industry)),
    }
    return _render_record(request, "industry_detail.html", industry, **context)


def topic_detail(request, slug):
    topic = _detail(
        request,
        Topic.objects.prefetch_related(
            Prefetch("events", queryset=_visible(request, Event.objects.select_related("region"))),
            Prefetch("agreements", queryset=_visible(request, Agreement.objects.all())),
            Prefetch(
                "statements",
                queryset=_visible(
                    request,
                    Statement.objects.select_related("speaker", "event").prefetch_related(
                        _citations(request)
                    ),
                    "speaker",
                ),
            ),
        ),
        slug,
    )
    return _render_record(request, "topic_detail.html", topic)


def source_detail(request, slug):
    source = _detail(request, Source.objects.all(), slug)
    return _render_record(
        request,
        "source_detail.html",
        source,
        source_text=source.text_html,
        citing_groups=_citing_groups(request, source),
    )


def _citing_groups(request, source):
    """The records citing a source, grouped by kind: [(verbose_name_plural, [citation])]."""
    citations = source.citations.with_records(lambda queryset: _visible(request, queryset))
    order = {model: n for n, (model, _related) in enumerate(CITING)}
    groups = {}
    for citation in citations:
        record = citation.content_object
        if record is None or not (request.user.is_staff or getattr(record, "is_published", False)):
            continue
        groups.setdefault(type(record), []).append(citation)
    return [
        (model._meta.verbose_name_plural, groups[model])
        for model in sorted(groups, key=lambda model: order.get(model, len(order)))
    ]
