"""What each record looks like in the API.

Records name each other by slug and by the absolute address of the other's API record
(`url`) and page (`html_url`); names come in Russian and English; partial dates as their
value ("2024-11") and precision ("month"); every record lists its citations with the
source's address. A related record is named only where it is public: the queries fetch
only public rows, and `LinkField` asks `is_public` of the records a foreign key names.
"""

from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..dates import PartialDate, Precision
from ..models import (
    Agreement,
    Commitment,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    Region,
    Slugged,
    Source,
    Topic,
    is_public,
)


def api_path(obj):
    """The address of the record in the API: api:<model name>-detail, by its slug, or by its
    id for a kind of record without one (a commitment)."""
    lookup = {"slug": obj.slug} if isinstance(obj, Slugged) else {"pk": obj.pk}
    return reverse(f"api:{obj._meta.model_name}-detail", kwargs=lookup)


def api_url(request, obj):
    return request.build_absolute_uri(api_path(obj))


def html_url(request, obj):
    # The Russian page, at the root: the API's answers do not depend on the language asked.
    with translation.override("ru"):
        return request.build_absolute_uri(obj.get_absolute_url())


def names(obj):
    """The record's name in Russian and in English (the Russian one where it has no other)."""
    with translation.override("ru"):
        name = str(obj)
    with translation.override("en"):
        return name, str(obj)


_LINK = {
    "type": "object",
    "nullable": True,
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "name_en": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "html_url": {"type": "string", "format": "uri"},
    },
    "required": ["slug", "name", "name_en", "url", "html_url"],
}


@extend_schema_field(_LINK)
class LinkField(serializers.Field):
    """Another record: its slug, names and addresses; null where it is absent or not public."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return link(self.context["request"], obj)

    def get_attribute(self, instance):
        # A missing record is null rather than skipped.
        try:
            return super().get_attribute(instance)
        except AttributeError:
            return None


def link(request, obj):
    if obj is None or not is_public(obj):
        return None
    name, name_en = names(obj)
    return {
        "slug": obj.slug,
        "name": name,
        "name_en": name_en,
        "url": api_url(request, obj),
        "html_url": html_url(request, obj),
    }


class LinksField(serializers.ListField):
    """Other records (a many-to-many relation, prefetched as public rows)."""

    def __init__(self, **kwargs):
        super().__init__(child=LinkField(), read_only=True, **kwargs)

    def to_representation(self, data):
        return [self.child.to_representation(obj) for obj in data.all()]


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "A date as precise as the source gives it: 2024, 2024-11 or 2024-11-15.",
        "properties": {
            "value": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            "precision": {"type": "string", "enum": Precision.values},
        },
        "required": ["value", "precision"],
    }
)
class PartialDateField(serializers.Field):
    def __init__(self, date_field, precision_field, **kwargs):
        self.date_field, self.precision_field = date_field, precision_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        value = getattr(obj, self.date_field)
        if value is None:
            return None
        precision = getattr(obj, self.precision_field) if self.precision_field else Precision.DAY
        return {"value": PartialDate(value, precision).iso(), "precision": precision}


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CountryField(CountrySerializer):
    """A country, or null where it is absent or not public."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, instance):
        return super().to_representation(instance) if is_public(instance) else None

    def get_attribute(self, instance):
        try:
            return super().get_attribute(instance)
        except AttributeError:
            return None


class CitationSerializer(serializers.Serializer):
    source = LinkField()
    source_url = serializers.SerializerMethodField(
        help_text="The source's own address, else its page on this portal."
    )
    quote = serializers.CharField(help_text="The passage that supports the record, if quoted.")

    def get_source_url(self, citation) -> str:
        return citation.source.url or html_url(self.context["request"], citation.source)


class RecordSerializer(serializers.ModelSerializer):
    """The fields every record has: its addresses and slug."""

    url = serializers.SerializerMethodField(help_text="This record in the API.")
    html_url = serializers.SerializerMethodField(help_text="This record's page.")

    def get_url(self, obj) -> str:
        return api_url(self.context["request"], obj)

    def get_html_url(self, obj) -> str:
        return html_url(self.context["request"], obj)


class CitedSerializer(RecordSerializer):
    citations = CitationSerializer(many=True, read_only=True)


class RegionFactSerializer(serializers.Serializer):
    text = serializers.CharField()
    text_en = serializers.CharField()
    citations = CitationSerializer(many=True, read_only=True)


class RegionSerializer(CitedSerializer):
    country = CountryField()
    industries = LinksField()
    facts = RegionFactSerializer(many=True, read_only=True)

    class Meta:
        model = Region
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "name_en",
            "kind",
            "country",
            "iso_code",
            "capital",
            "capital_en",
            "established_year",
            "summary",
            "summary_en",
            "industries",
            "facts",
            "citations",
        ]


class OrganizationSerializer(CitedSerializer):
    country = CountryField()
    region = LinkField()
    parent = LinkField()
    industries = LinksField()
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "name_en",
            "short_name",
            "short_name_en",
            "aliases",
            "kind",
            "legal_form",
            "country",
            "region",
            "parent",
            "industries",
            "website",
            "description",
            "description_en",
            "citations",
        ]


class PositionSerializer(serializers.Serializer):
    title = serializers.CharField()
    title_en = serializers.CharField()
    organization = LinkField()
    region = LinkField()
    country = CountryField()
    start = PartialDateField("start_date", "start_precision")
    end = PartialDateField("end_date", "end_precision")
    citations = CitationSerializer(many=True, read_only=True)


class PersonSerializer(CitedSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "url",
            "html_url",
            "slug",
            "last_name",
            "first_name",
            "patronymic",
            "last_name_en",
            "first_name_en",
            "bio",
            "bio_en",
            "positions",
            "citations",
        ]


class DelegationSerializer(CitedSerializer):
    home_country = CountryField()
    home_region = LinkField()
    host_country = CountryField()
    host_region = LinkField()
    head = LinkField()
    members = LinksField()
    organizations = LinksField()
    events = LinksField()
    start = PartialDateField("start_date", "start_precision")
    end = PartialDateField("end_date", "end_precision")

    class Meta:
        model = Delegation
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "title_en",
            "start",
            "end",
            "home_country",
            "home_region",
            "host_country",
            "host_region",
            "head",
            "members",
            "organizations",
            "purpose",
            "purpose_en",
            "events",
            "citations",
        ]


class ParticipantSerializer(serializers.Serializer):
    person = LinkField()
    role = serializers.CharField(help_text="The post they held then, as the source says it.")
    role_en = serializers.CharField()
    side = LinkField(help_text="The region they spoke for.")
    side_country = CountryField()


class EventOrganizationSerializer(serializers.Serializer):
    organization = LinkField()
    role = serializers.CharField()


class EventSerializer(CitedSerializer):
    start = PartialDateField("start_date", "start_precision")
    end = PartialDateField("end_date", "end_precision")
    region = LinkField(help_text="Where it was held.")
    delegation = LinkField()
    regions = LinksField(help_text="Every region involved: where it was held, and each side.")
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    organizations = EventOrganizationSerializer(
        source="event_organizations", many=True, read_only=True
    )
    industries = LinksField()
    topics = LinksField()

    class Meta:
        model = Event
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "start",
            "end",
            "region",
            "city",
            "city_en",
            "venue",
            "venue_en",
            "delegation",
            "regions",
            "participants",
            "organizations",
            "attendance",
            "attendance_note",
            "attendance_note_en",
            "industries",
            "topics",
            "summary",
            "summary_en",
            "citations",
        ]


class PartySerializer(serializers.Serializer):
    organization = LinkField()
    region = LinkField(source="organization.region", help_text="The party's region.")
    signatory = LinkField()
    signatory_title = serializers.CharField()
    signatory_title_en = serializers.CharField()


class AgreementSerializer(CitedSerializer):
    signed = PartialDateField("signed_date", "signed_precision")
    signed_at = LinkField(help_text="The event where it was signed.")
    valid_from = PartialDateField("valid_from", "valid_from_precision")
    valid_until = PartialDateField("valid_until", "valid_until_precision")
    implements = LinkField(help_text="The agreement this road map or plan carries out.")
    replaces = LinkField(help_text="The earlier edition this one replaces.")
    amends = LinkField(help_text="The agreement this one amends.")
    commitments = serializers.SerializerMethodField(
        help_text="Its commitments in the API: the list filtered by this agreement."
    )
    parties = PartySerializer(many=True, read_only=True)
    industries = LinksField()
    topics = LinksField()

    def get_commitments(self, agreement) -> str:
        address = reverse("api:commitment-list") + f"?agreement={agreement.slug}"
        return self.context["request"].build_absolute_uri(address)

    class Meta:
        model = Agreement
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "signed",
            "signed_at",
            "valid_from",
            "valid_until",
            "auto_extends",
            "implements",
            "replaces",
            "amends",
            "commitments",
            "parties",
            "industries",
            "topics",
            "summary",
            "summary_en",
            "citations",
        ]


class ProgressUpdateSerializer(serializers.Serializer):
    date = PartialDateField("date", "precision")
    status = serializers.CharField()
    note = serializers.CharField(help_text="What happened, as the source says it.")
    note_en = serializers.CharField()
    citations = CitationSerializer(many=True, read_only=True)


class CommitmentSerializer(CitedSerializer):
    agreement = LinkField()
    responsible = LinksField()
    due = PartialDateField("due_date", "due_precision")
    status = serializers.CharField(
        source="current_status", help_text="As its latest cited progress update says."
    )
    overdue = serializers.SerializerMethodField(help_text="Due date passed and not done.")
    progress = ProgressUpdateSerializer(
        source="updates", many=True, read_only=True, help_text="The latest first."
    )
    events = LinksField(help_text="Events that carried it out.")
    delegations = LinksField(help_text="Visits that carried it out.")
    industries = LinksField()
    topics = LinksField()

    class Meta:
        model = Commitment
        fields = [
            "url",
            "html_url",
            "id",
            "agreement",
            "number",
            "text",
            "text_en",
            "responsible",
            "due",
            "status",
            "overdue",
            "progress",
            "events",
            "delegations",
            "industries",
            "topics",
            "citations",
        ]

    def get_overdue(self, commitment) -> bool:
        return commitment.is_overdue()


class SourceSerializer(RecordSerializer):
    # The text belongs to its publisher: the API gives its address, and citations quote it.
    source_url = serializers.URLField(source="url", help_text="The source's own address.")

    class Meta:
        model = Source
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "title_en",
            "publisher",
            "source_url",
            "published_on",
            "language",
            "kind",
            "photo_credits",
        ]


class IndustrySerializer(RecordSerializer):
    parent = LinkField()

    class Meta:
        model = Industry
        fields = ["url", "html_url", "slug", "name", "name_en", "code", "parent", "description"]


class TopicSerializer(RecordSerializer):
    class Meta:
        model = Topic
        fields = ["url", "html_url", "slug", "name", "name_en", "description"]
