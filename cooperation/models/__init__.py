"""The domain of interregional cooperation, one module per section.

Every public record is a draft until an editor publishes it (`base.Publishable`); the public
site reads through the queryset verbs for what the public may see: `public()`, published and
with every record it needs (`public_requires`) public too, and `visible_to(user)`. Every
fact-bearing record (`sources.Record`) cites at least one `Source` through `Citation`. Dates
that sources give only to the month or year are stored with their precision
(`cooperation.dates`).
"""

from .activity import (
    Agreement,
    AgreementParty,
    AgreementQuerySet,
    Commitment,
    CommitmentQuerySet,
    CommitmentStatus,
    Delegation,
    Event,
    EventOrganization,
    EventQuerySet,
    Invitation,
    Participation,
    Partnership,
    ProgressUpdate,
    Statement,
)
from .actors import (
    Organization,
    OrganizationAlias,
    OrganizationQuerySet,
    Person,
    Position,
    PositionQuerySet,
)
from .base import (
    PUBLISHED_ONLY,
    SLUG_MAX_LENGTH,
    TRANSLITERATION,
    PublicationState,
    PublicModel,
    PublicQuerySet,
    Publishable,
    PublishableQuerySet,
    Searchable,
    Slugged,
    is_public,
    is_visible_to,
    localized,
    lookup_relations,
    partial_date_property,
    public_along,
    public_condition,
    sees_drafts,
)
from .places import (
    Country,
    Industry,
    IndustryFilterMixin,
    IndustryQuerySet,
    Region,
    RegionFact,
    RegionQuerySet,
    Topic,
)
from .sources import CITING, SOURCE_TAGS, Citation, CitationQuerySet, Record, Source
from .visitors import ErrorReport, Submission, Subscription

CITING.extend(
    [
        (Event, ()),
        (Agreement, ()),
        (Commitment, ("agreement",)),
        (ProgressUpdate, ("commitment__agreement",)),
        (Delegation, ()),
        (Statement, ("speaker", "event")),
        (Invitation, ("event", "invited_region", "invited_organization")),
        (Person, ()),
        (Position, ("person",)),
        (Organization, ()),
        (
            Partnership,
            ("organization", "partner_country", "partner_region", "partner_organization"),
        ),
        (Region, ()),
        (RegionFact, ("region",)),
    ]
)

__all__ = [
    "CITING",
    "PUBLISHED_ONLY",
    "SLUG_MAX_LENGTH",
    "SOURCE_TAGS",
    "TRANSLITERATION",
    "Agreement",
    "AgreementParty",
    "AgreementQuerySet",
    "Citation",
    "Commitment",
    "CommitmentQuerySet",
    "CommitmentStatus",
    "CitationQuerySet",
    "Country",
    "Delegation",
    "ErrorReport",
    "Event",
    "EventOrganization",
    "EventQuerySet",
    "Industry",
    "IndustryFilterMixin",
    "IndustryQuerySet",
    "Invitation",
    "Organization",
    "OrganizationAlias",
    "OrganizationQuerySet",
    "Participation",
    "Partnership",
    "Person",
    "Position",
    "PositionQuerySet",
    "ProgressUpdate",
    "PublicModel",
    "PublicQuerySet",
    "PublicationState",
    "Publishable",
    "PublishableQuerySet",
    "Record",
    "Region",
    "RegionFact",
    "RegionQuerySet",
    "Searchable",
    "Slugged",
    "Source",
    "Statement",
    "Submission",
    "Subscription",
    "Topic",
    "is_public",
    "is_visible_to",
    "localized",
    "lookup_relations",
    "partial_date_property",
    "public_along",
    "public_condition",
    "sees_drafts",
]
