"""The editors' admin: every record is found by name, linked by autocomplete, never by id."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .admin_extraction import (
    AgreementFromSourceMixin,
    EventFromSourceMixin,
    FromSourceMixin,
    SourceExtractionMixin,
)
from .admin_import_export import SpreadsheetImportExportMixin
from .admin_review import PartAdmin, PartInlineMixin, ReviewAdmin
from .admin_visitors import ErrorReportAdmin, SubscriptionAdmin  # noqa: F401 (registered there)
from .models import (
    Agreement,
    AgreementParty,
    Citation,
    Commitment,
    Country,
    Delegation,
    Event,
    EventOrganization,
    Industry,
    Invitation,
    Organization,
    OrganizationAlias,
    Participation,
    Partnership,
    Person,
    Position,
    ProgressUpdate,
    Record,
    Region,
    RegionFact,
    Source,
    Statement,
    Topic,
)
from .resources import (
    AgreementResource,
    CommitmentResource,
    EventResource,
    OrganizationResource,
    PersonResource,
)

# --- shared pieces --------------------------------------------------------------------------

CITED_BY_SHOWN = 100


class TabularInline(PartInlineMixin, admin.TabularInline):
    pass


class StackedInline(PartInlineMixin, admin.StackedInline):
    pass


class CitationInline(PartInlineMixin, GenericTabularInline):
    model = Citation
    autocomplete_fields = ["source"]
    fields = ["source", "quote"]
    extra = 0
    min_num = 1
    verbose_name = _("source cited")
    verbose_name_plural = _("sources cited (at least one)")

    def get_formset(self, request, obj=None, **kwargs):
        # The generic inline does not pass validate_min on by itself.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class PublishableAdmin(ReviewAdmin):
    list_per_page = 50
    readonly_fields = ["created_at", "updated_at"]
    save_on_top = True

    def get_list_filter(self, request):
        return ["state", *super().get_list_filter(request)]


class RecordAdmin(PublishableAdmin):
    """A fact-bearing record: cites sources; records entered inline cite the same sources."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CitationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sources = [c.source_id for c in form.instance.citations.all()]
        for formset in formsets:
            if formset.model is Citation or not issubclass(formset.model, Record):
                continue
            for child in (f.instance for f in formset.forms if f.instance.pk):
                if not child.citations.exists():
                    for source_id in sources:
                        child.citations.create(source_id=source_id)


def _links(objects):
    return format_html_join(
        ", ", '<a href="{}">{}</a>', ((obj.get_absolute_url(), obj) for obj in objects)
    )


# --- reference data ------------------------------------------------------------------------


@admin.register(Country)
class CountryAdmin(PublishableAdmin):
    list_display = ["name", "name_en", "code", "state"]
    search_fields = ["name", "name_en", "code"]
    fields = ["code", "name", "name_en", "state", "created_at", "updated_at"]


@admin.register(Industry)
class IndustryAdmin(PublishableAdmin):
    list_display = ["name", "name_en", "parent", "code", "state"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_en", "code"]
    autocomplete_fields = ["parent"]
    fields = ["name", "name_en", "parent", "code", "description", "slug", "state"]


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ["name", "name_en", "state"]
    search_fields = ["name", "name_en"]
    fields = ["name", "name_en", "description", "slug", "state"]


class RegionFactInline(TabularInline):
    model = RegionFact
    fields = ["text", "text_en", "position", "state"]
    extra = 0


@admin.register(Region)
class RegionAdmin(RecordAdmin):
    list_display = ["name", "name_en", "country", "kind", "iso_code", "capital", "state"]
    list_select_related = ["country"]
    list_filter = ["country", "kind"]
    search_fields = ["name", "name_en", "iso_code", "capital"]
    autocomplete_fields = ["country", "industries"]
    inlines = [RegionFactInline]
    fieldsets = [
        (None, {"fields": [("name", "name_en"), ("country", "kind"), "iso_code", "state"]}),
        (
            _("About the region"),
            {
                "fields": [
                    ("capital", "capital_en"),
                    "established_year",
                    "industries",
                    "summary",
                    "summary_en",
                ]
            },
        ),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]


@admin.register(RegionFact)
class RegionFactAdmin(RecordAdmin):
    list_display = ["__str__", "region", "state"]
    list_select_related = ["region"]
    list_filter = [("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["text", "text_en", "region__name"]
    autocomplete_fields = ["region"]
    fields = ["region", "text", "text_en", "position", "state", "created_at", "updated_at"]


# --- sources -------------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(SourceExtractionMixin, PublishableAdmin):
    list_display = ["title", "publisher", "published_on", "language", "cited_by_count", "state"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "title_en", "publisher", "url", "text"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "title_en", ("kind", "language"), "state"]}),
        (_("Where it appeared"), {"fields": ["publisher", "url", "published_on", "photo_credits"]}),
        (_("Text"), {"fields": ["text", "upload", "notes"]}),
        (_("Cited by"), {"fields": ["cited_by"]}),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]
    readonly_fields = [*PublishableAdmin.readonly_fields, "cited_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cited_by_total=Count("citations"))

    @admin.display(description=_("citations"), ordering="cited_by_total")
    def cited_by_count(self, obj):
        return obj.cited_by_total

    @admin.display(description=_("records citing this source"))
    def cited_by(self, obj):
        # The first of them: a source of demo data is cited by hundreds of thousands.
        citations = obj.citations.with_records().order_by("id")[:CITED_BY_SHOWN]
        objects = [c.content_object for c in citations if c.content_object is not None]
        with_pages = [o for o in objects if hasattr(o, "get_absolute_url")]
        links = _links(with_pages) or "—"
        total = obj.citations.count()
        if total > CITED_BY_SHOWN:
            more = _("… and %(count)s more") % {"count": total - CITED_BY_SHOWN}
            return format_html("{} {}", links, more)
        return links


@admin.register(Citation)
class CitationAdmin(PartAdmin):
    """Citations are added on the record that cites; here they are reviewed and corrected."""

    owner_field = "content_object"

    list_display = ["source", "content_type", "cited_record", "quote"]
    list_select_related = ["source", "content_type"]
    list_filter = [("source", admin.RelatedOnlyFieldListFilter), "content_type"]
    search_fields = ["quote", "source__title"]
    autocomplete_fields = ["source"]
    fields = ["cited_record", "source", "quote"]
    readonly_fields = ["cited_record"]

    def get_queryset(self, request):
        # A queryset that selects related rows already makes the changelist skip
        # list_select_related, so the source is named here too.
        return super().get_queryset(request).with_records().select_related("source")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("record"))
    def cited_record(self, obj):
        return obj.content_object


# --- organizations and people --------------------------------------------------------------


class AliasInline(TabularInline):
    model = OrganizationAlias
    extra = 1


class PartnershipInline(TabularInline):
    model = Partnership
    fk_name = "organization"
    fields = ["partner_country", "partner_region", "partner_organization", "kind", "description"]
    autocomplete_fields = ["partner_country", "partner_region", "partner_organization"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SpreadsheetImportExportMixin, RecordAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name", "short_name", "kind", "region", "country", "parent", "state"]
    list_select_related = ["region", "country", "parent"]
    list_filter = ["kind", "country", ("region", admin.RelatedOnlyFieldListFilter), "industries"]
    search_fields = ["name", "name_en", "short_name", "short_name_en", "aliases__name"]
    autocomplete_fields = ["country", "region", "parent", "industries"]
    inlines = [AliasInline, PartnershipInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_en"),
                    ("short_name", "short_name_en"),
                    ("kind", "legal_form"),
                    "state",
                ]
            },
        ),
        (_("Where"), {"fields": [("country", "region"), "parent"]}),
        (
            _("What it does"),
            {"fields": ["industries", "website", "description", "description_en"]},
        ),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]


class PositionInline(TabularInline):
    model = Position
    fk_name = "person"
    fields = [
        "title",
        "title_en",
        "organization",
        "region",
        "country",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "state",
    ]
    autocomplete_fields = ["organization", "region", "country"]
    extra = 0


@admin.register(Person)
class PersonAdmin(SpreadsheetImportExportMixin, RecordAdmin):
    resource_classes = [PersonResource]
    list_display = ["__str__", "last_name_en", "first_name_en", "current_titles", "state"]
    search_fields = ["last_name", "first_name", "patronymic", "last_name_en", "first_name_en"]
    inlines = [PositionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("last_name", "first_name", "patronymic"),
                    ("last_name_en", "first_name_en"),
                    "state",
                ]
            },
        ),
        (_("Biography"), {"fields": ["bio", "bio_en"]}),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions")

    @admin.display(description=_("positions"))
    def current_titles(self, obj):
        return "; ".join(p.title for p in obj.positions.all())


@admin.register(Position)
class PositionAdmin(RecordAdmin):
    list_display = ["person", "title", "organization", "region", "period", "state"]
    list_select_related = ["person", "organization", "region"]
    # No filter by organization: there may be a hundred thousand; the search finds them.
    search_fields = [
        "title",
        "title_en",
        "person__last_name",
        "person__first_name",
        "person__last_name_en",
        "organization__name",
        "organization__short_name",
    ]
    autocomplete_fields = ["person", "organization", "region", "country"]
    fieldsets = [
        (None, {"fields": ["person", ("title", "title_en"), "state"]}),
        (_("Where"), {"fields": ["organization", "region", "country"]}),
        (
            _("When"),
            {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]},
        ),
        (_("History"), {"fields": [("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        # Also the autocomplete's queryset: a position's name includes its person's.
        return super().get_queryset(request).select_related("person", "organization", "region")

    @admin.display(description=_("period"))
    def period(self, obj):
        return obj.period or "—"


# --- what happened -------------------------------------------------------------------------


class DelegationEventInline(TabularInline):
    model = Event
    fields = ["title", "kind", "start_date", "start_precision", "status", "region", "state"]
    autocomplete_fields = ["region"]
    show_change_link = True
    extra = 0
    verbose_name_plural = _("events of this visit")


@admin.register(Delegation)
class DelegationAdmin(FromSourceMixin, RecordAdmin):
    list_display = ["title", "home", "host", "head", "dates", "state"]
    list_select_related = ["home_region", "host_region", "home_country", "host_country", "head"]
    list_filter = ["home_country", "host_country"]
    search_fields = ["title", "title_en", "purpose", "head__last_name"]
    autocomplete_fields = [
        "home_country",
        "home_region",
        "host_country",
        "host_region",
        "head",
        "members",
        "organizations",
    ]
    date_hierarchy = "start_date"
    inlines = [DelegationEventInline]
    fieldsets = [
        (None, {"fields": [("title", "title_en"), "state"]}),
        (
            _("Who travelled where"),
            {
                "fields": [
                    ("home_country", "home_region"),
                    ("host_country", "host_region"),
                    "head",
                    "members",
                    "organizations",
                ]
            },
        ),
        (
            _("When"),
            {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]},
        ),
        (_("Purpose"), {"fields": ["purpose", "purpose_en"]}),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]

    @admin.display(description=_("from"), ordering="home_region__name")
    def home(self, obj):
        return obj.home_region or obj.home_country

    @admin.display(description=_("to"), ordering="host_region__name")
    def host(self, obj):
        return obj.host_region or obj.host_country


class ParticipationInline(TabularInline):
    model = Participation
    fields = ["person", "position", "role", "role_en", "side", "side_country", "order"]
    autocomplete_fields = ["person", "position", "side", "side_country"]
    extra = 2
    verbose_name_plural = _("participants (role at the time, side)")


class EventOrganizationInline(TabularInline):
    model = EventOrganization
    autocomplete_fields = ["organization"]
    extra = 0


class StatementInline(StackedInline):
    model = Statement
    fields = [("speaker", "is_verbatim", "position", "state"), "text", "text_en", "topics"]
    autocomplete_fields = ["speaker", "topics"]
    extra = 0


class InvitationInline(TabularInline):
    model = Invitation
    fk_name = "event"
    fields = [
        "invited_region",
        "invited_organization",
        "invited_by",
        "extended_at",
        "note",
        "note_en",
    ]
    autocomplete_fields = ["invited_region", "invited_organization", "invited_by", "extended_at"]
    extra = 0
    verbose_name_plural = _("invitations to this event")


@admin.register(Event)
class EventAdmin(EventFromSourceMixin, SpreadsheetImportExportMixin, RecordAdmin):
    resource_classes = [EventResource]
    list_display = ["title", "kind", "dates", "status", "region", "city", "delegation", "state"]
    list_select_related = ["region", "delegation"]
    list_filter = [
        "kind",
        "status",
        ("region", admin.RelatedOnlyFieldListFilter),
        "industries",
        "topics",
    ]
    search_fields = [
        "title",
        "title_en",
        "summary",
        "city",
        "venue",
        "participations__person__last_name",
        "participations__person__last_name_en",
    ]
    autocomplete_fields = ["region", "delegation", "industries", "topics"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline, EventOrganizationInline, StatementInline, InvitationInline]
    fieldsets = [
        (None, {"fields": [("kind", "status"), ("title", "title_en"), "state"]}),
        (
            _("When"),
            {"fields": [("start_date", "start_precision"), ("end_date", "end_precision")]},
        ),
        (
            _("Where"),
            {"fields": ["region", ("city", "city_en"), ("venue", "venue_en"), "delegation"]},
        ),
        (
            _("What"),
            {
                "fields": [
                    ("attendance", "attendance_note", "attendance_note_en"),
                    "industries",
                    "topics",
                    "summary",
                    "summary_en",
                ]
            },
        ),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]

    @admin.display(description=_("date"), ordering="start_date")
    def dates(self, obj):
        return obj.dates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The event is saved before its participants: its regions once all of them are in.
        form.instance.refresh_regions()


@admin.register(Participation)
class ParticipationAdmin(PartAdmin):
    owner_field = "event"
    list_display = ["person", "role", "event", "side", "side_country"]
    list_select_related = ["person", "event", "side", "side_country"]
    list_filter = [("side", admin.RelatedOnlyFieldListFilter), "side_country"]
    search_fields = ["person__last_name", "person__last_name_en", "role", "event__title"]
    autocomplete_fields = ["event", "person", "position", "side", "side_country"]


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    list_display = ["__str__", "event", "invited_by", "extended_at", "state"]
    list_select_related = [
        "event",
        "invited_region",
        "invited_organization",
        "invited_by",
        "extended_at",
    ]
    search_fields = ["event__title", "invited_region__name", "invited_organization__name"]
    autocomplete_fields = [
        "event",
        "invited_region",
        "invited_organization",
        "invited_by",
        "extended_at",
    ]
    fields = [
        "event",
        "invited_region",
        "invited_organization",
        "invited_by",
        "extended_at",
        "note",
        "note_en",
        "state",
    ]


class AgreementPartyInline(TabularInline):
    model = AgreementParty
    fields = ["organization", "signatory", "signatory_title", "signatory_title_en", "order"]
    autocomplete_fields = ["organization", "signatory"]
    extra = 2
    verbose_name_plural = _("parties and signatories")


class CommitmentInline(StackedInline):
    """The items of an agreement or road map; each cites the agreement's sources."""

    model = Commitment
    fields = [
        ("number", "order", "state"),
        ("text", "text_en"),
        ("responsible", "due_date", "due_precision"),
    ]
    autocomplete_fields = ["responsible"]
    extra = 0
    verbose_name_plural = _("commitments (items of the agreement or road map)")


@admin.register(Agreement)
class AgreementAdmin(AgreementFromSourceMixin, SpreadsheetImportExportMixin, RecordAdmin):
    resource_classes = [AgreementResource]
    list_display = ["title", "kind", "signed_display", "status", "party_names", "state"]
    list_filter = ["kind", "status", "industries", "topics"]
    search_fields = [
        "title",
        "title_en",
        "summary",
        "parties__organization__name",
        "parties__organization__short_name",
        "parties__organization__aliases__name",
        "parties__signatory__last_name",
    ]
    autocomplete_fields = ["signed_at", "industries", "topics", "implements", "replaces", "amends"]
    date_hierarchy = "signed_date"
    inlines = [AgreementPartyInline, CommitmentInline]
    fieldsets = [
        (None, {"fields": [("kind", "status"), ("title", "title_en"), "state"]}),
        (_("Signing"), {"fields": [("signed_date", "signed_precision"), "signed_at"]}),
        (
            _("Validity"),
            {
                "fields": [
                    ("valid_from", "valid_from_precision"),
                    ("valid_until", "valid_until_precision"),
                    "auto_extends",
                ]
            },
        ),
        (_("Related agreements"), {"fields": ["implements", "replaces", "amends"]}),
        (_("What"), {"fields": ["industries", "topics", "summary", "summary_en"]}),
        (_("Address and history"), {"fields": ["slug", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("parties__organization", "parties__signatory")
        )

    @admin.display(description=_("signed"), ordering="signed_date")
    def signed_display(self, obj):
        return obj.signed or "—"

    @admin.display(description=_("parties (signatories)"))
    def party_names(self, obj):
        return "; ".join(
            f"{p.organization} ({p.signatory})" if p.signatory else str(p.organization)
            for p in obj.parties.all()
        )


@admin.register(Commitment)
class CommitmentAdmin(SpreadsheetImportExportMixin, RecordAdmin):
    resource_classes = [CommitmentResource]
    list_display = ["__str__", "agreement", "due_display", "status_display", "state"]
    list_select_related = ["agreement"]
    list_filter = ["industries", "topics"]
    search_fields = ["number", "text", "text_en", "agreement__title", "responsible__name"]
    autocomplete_fields = [
        "agreement",
        "responsible",
        "industries",
        "topics",
        "events",
        "delegations",
    ]
    fieldsets = [
        (None, {"fields": ["agreement", ("number", "order"), "state"]}),
        (_("What was promised"), {"fields": ["text", "text_en", "industries", "topics"]}),
        (_("Who, by when"), {"fields": ["responsible", ("due_date", "due_precision")]}),
        (_("Carried out by"), {"fields": ["events", "delegations"]}),
        (_("Progress"), {"fields": ["progress"]}),
    ]
    readonly_fields = [*RecordAdmin.readonly_fields, "progress"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description=_("due by"), ordering="due_date")
    def due_display(self, obj):
        return obj.due or "—"

    @admin.display(description=_("status"))
    def status_display(self, obj):
        status = obj.get_status_display()
        return _("%(status)s, overdue") % {"status": status} if obj.is_overdue() else status

    @admin.display(description=_("progress updates"))
    def progress(self, obj):
        # Each update cites its own source, so it is entered on its own page.
        add = "{}?commitment={}".format(
            reverse("admin:cooperation_progressupdate_add"), obj.pk or ""
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (reverse("admin:cooperation_progressupdate_change", args=[u.pk]), u)
                for u in (obj.updates.all() if obj.pk else [])
            ),
        )
        link = format_html('<a href="{}">{}</a>', add, _("Add a progress update"))
        return format_html("<ul>{}</ul>{}", rows, link) if obj.pk else "—"


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RecordAdmin):
    """A dated report on a commitment, cited like any other fact: the only way a
    commitment's status changes."""

    list_display = ["commitment", "when_display", "status", "state"]
    list_select_related = ["commitment"]
    list_filter = ["status"]
    search_fields = ["note", "commitment__text", "commitment__agreement__title"]
    autocomplete_fields = ["commitment"]
    date_hierarchy = "date"
    fields = ["commitment", ("date", "precision"), "status", "note", "note_en", "state"]

    @admin.display(description=_("date"), ordering="date")
    def when_display(self, obj):
        return obj.when


@admin.register(Statement)
class StatementAdmin(RecordAdmin):
    list_display = ["speaker", "short_text", "is_verbatim", "event", "state"]
    list_select_related = ["speaker", "event"]
    # No filter by speaker: there may be tens of thousands; the search finds them.
    list_filter = ["is_verbatim", "topics"]
    search_fields = ["text", "text_en", "speaker__last_name", "speaker__last_name_en"]
    autocomplete_fields = ["speaker", "event", "organizations", "topics"]
    fields = [
        ("speaker", "is_verbatim"),
        "event",
        "text",
        "text_en",
        "organizations",
        "topics",
        "position",
        "state",
    ]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"


@admin.register(Partnership)
class PartnershipAdmin(RecordAdmin):
    list_display = ["organization", "partner_country", "partner_region", "kind", "state"]
    list_select_related = ["organization", "partner_country", "partner_region"]
    list_filter = ["kind", "partner_country"]
    search_fields = ["organization__name", "organization__short_name", "description"]
    autocomplete_fields = [
        "organization",
        "partner_country",
        "partner_region",
        "partner_organization",
    ]
    fields = [
        "organization",
        ("partner_country", "partner_region"),
        "partner_organization",
        "kind",
        "description",
        "description_en",
        "state",
    ]


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(PartAdmin):
    owner_field = "organization"
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(EventOrganization)
class EventOrganizationAdmin(PartAdmin):
    owner_field = "event"
    list_display = ["organization", "role", "event"]
    list_select_related = ["organization", "event"]
    list_filter = ["role"]
    search_fields = ["organization__name", "event__title"]
    autocomplete_fields = ["event", "organization"]


@admin.register(AgreementParty)
class AgreementPartyAdmin(PartAdmin):
    owner_field = "agreement"
    list_display = ["organization", "signatory", "signatory_title", "agreement"]
    list_select_related = ["organization", "signatory", "agreement"]
    search_fields = ["organization__name", "signatory__last_name", "agreement__title"]
    autocomplete_fields = ["agreement", "organization", "signatory"]
