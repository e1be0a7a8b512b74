"""The API's views: one read-only viewset per kind of record.

A list's records, filters and orders are its listing's (cooperation/listings.py), the very
queryset and FilterSet its page uses, so a query string that works on a page works here;
what a record's serializer shows besides is fetched with public rows only. A new kind of
record is a serializer and a few lines here, registered in cooperation/api/urls.py.
"""

from django.db.models import Prefetch
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import pagination, serializers, viewsets

from .. import page_cache
from ..listings import LISTINGS
from ..models import (
    AgreementParty,
    Citation,
    Delegation,
    Event,
    EventOrganization,
    Industry,
    Organization,
    Participation,
    Person,
    Position,
    ProgressUpdate,
    Region,
    RegionFact,
    Topic,
)
from ..views import _Paginator
from . import serializers as api

# The API reads one parameter the pages do not; the page cache keeps answers under it.
page_cache.QUERY_PARAMETERS.add("page_size")


class Pages(pagination.PageNumberPagination):
    """`?page=` as on the pages, `?page_size=` up to 100; the count is kept as the pages' is."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = _Paginator


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was wrong, in the language asked.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a bad query parameter: the parameter and what was wrong with its value.",
    )


def _citations():
    return Prefetch("citations", queryset=Citation.objects.public().select_related("source"))


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A query parameter was not understood."),
    404: OpenApiResponse(ErrorSerializer, description="No such record or page."),
    429: OpenApiResponse(
        ErrorSerializer, description="Too many requests: wait the seconds Retry-After says."
    ),
}


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Public records by slug, in pages, with ETag and Last-Modified."""

    lookup_field = "slug"
    pagination_class = Pages
    # Subclasses: what the serializer reads beyond the base queryset.
    select = ()
    prefetch = ()

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        # The API's prefetches replace the list page's, which fetch less.
        queryset = self.base_queryset().prefetch_related(None)
        if self.select:  # select_related() without names would follow every foreign key
            queryset = queryset.select_related(*self.select)
        return queryset.prefetch_related(*self.prefetch)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # a record is found by its slug alone
        return super().filter_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # The ETag is the answer's digest (ConditionalGetMiddleware); Last-Modified is
            # when the content last changed, so either gives a 304 only when nothing did.
            response["Last-Modified"] = http_date(page_cache.changed_at())
            patch_cache_control(response, no_cache=True)
        return response


class ListingViewSet(RecordViewSet):
    """A viewset over one of the site's lists: `key` names it in LISTINGS."""

    key = ""
    filter_backends = [DjangoFilterBackend]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.filterset_class = LISTINGS[cls.key].filterset

    def base_queryset(self):
        return LISTINGS[self.key].queryset()


def _documented(serializer, list_summary, detail_summary):
    return extend_schema_view(
        list=extend_schema(summary=list_summary, responses={200: serializer, **ERRORS}),
        retrieve=extend_schema(
            summary=detail_summary,
            responses={200: serializer, 404: ERRORS[404], 429: ERRORS[429]},
        ),
    )


@_documented(api.RegionSerializer, "Regions", "A region")
class RegionViewSet(ListingViewSet):
    key = "region"
    serializer_class = api.RegionSerializer
    prefetch = (
        _citations(),
        Prefetch("industries", queryset=Industry.objects.public()),
        Prefetch("facts", queryset=RegionFact.objects.public().prefetch_related(_citations())),
    )


@_documented(
    api.OrganizationSerializer,
    "Organizations (?kind=enterprise: the enterprises)",
    "An organization",
)
class OrganizationViewSet(ListingViewSet):
    key = "organization"
    serializer_class = api.OrganizationSerializer
    select = ("parent",)
    prefetch = (
        _citations(),
        "aliases",
        Prefetch("industries", queryset=Industry.objects.public()),
    )


@_documented(api.PersonSerializer, "People", "A person, with the posts they held")
class PersonViewSet(ListingViewSet):
    key = "person"
    serializer_class = api.PersonSerializer
    prefetch = (
        _citations(),
        Prefetch(
            "positions",
            queryset=Position.objects.public()
            .select_related("organization", "region", "country")
            .prefetch_related(_citations()),
        ),
    )


@_documented(api.DelegationSerializer, "Delegations (visits)", "A delegation, with its events")
class DelegationViewSet(ListingViewSet):
    key = "delegation"
    serializer_class = api.DelegationSerializer
    prefetch = (
        _citations(),
        Prefetch("members", queryset=Person.objects.public()),
        Prefetch("organizations", queryset=Organization.objects.public()),
        Prefetch("events", queryset=Event.objects.public().order_by("start_date", "title")),
    )


@_documented(api.EventSerializer, "Events", "An event, with its participants")
class EventViewSet(ListingViewSet):
    key = "event"
    serializer_class = api.EventSerializer
    select = ("delegation",)
    prefetch = (
        _citations(),
        Prefetch("regions", queryset=Region.objects.public()),
        Prefetch(
            "participations",
            queryset=Participation.objects.public().select_related(
                "person", "side", "side_country"
            ),
        ),
        Prefetch(
            "event_organizations",
            queryset=EventOrganization.objects.public().select_related("organization"),
        ),
        Prefetch("industries", queryset=Industry.objects.public()),
        Prefetch("topics", queryset=Topic.objects.public()),
    )


@_documented(
    api.AgreementSerializer, "Agreements, with their parties", "An agreement, with its parties"
)
class AgreementViewSet(ListingViewSet):
    key = "agreement"
    serializer_class = api.AgreementSerializer
    select = ("signed_at", "implements", "replaces", "amends")
    prefetch = (
        _citations(),
        Prefetch(
            "parties",
            queryset=AgreementParty.objects.public().select_related(
                "organization__region", "signatory"
            ),
        ),
        Prefetch("industries", queryset=Industry.objects.public()),
        Prefetch("topics", queryset=Topic.objects.public()),
    )


@_documented(
    api.CommitmentSerializer,
    "Commitments: the items of agreements and road maps, with their progress",
    "A commitment, with its progress updates",
)
class CommitmentViewSet(ListingViewSet):
    key = "commitment"
    lookup_field = "pk"
    serializer_class = api.CommitmentSerializer
    select = ("agreement",)
    prefetch = (
        _citations(),
        Prefetch("responsible", queryset=Organization.objects.public()),
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.public()
            .order_by("-date", "-id")
            .prefetch_related(_citations()),
        ),
        Prefetch("events", queryset=Event.objects.public()),
        Prefetch("delegations", queryset=Delegation.objects.public()),
        Prefetch("industries", queryset=Industry.objects.public()),
        Prefetch("topics", queryset=Topic.objects.public()),
    )


@_documented(api.SourceSerializer, "Sources", "A source")
class SourceViewSet(ListingViewSet):
    key = "source"
    serializer_class = api.SourceSerializer


@_documented(api.IndustrySerializer, "Industries", "An industry")
class IndustryViewSet(RecordViewSet):
    serializer_class = api.IndustrySerializer
    select = ("parent",)

    def base_queryset(self):
        return Industry.objects.public()


@_documented(api.TopicSerializer, "Topics", "A topic")
class TopicViewSet(RecordViewSet):
    serializer_class = api.TopicSerializer

    def base_queryset(self):
        return Topic.objects.public()
