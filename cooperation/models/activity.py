"""What happened: delegations, events, agreements, statements and partnerships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..dates import format_range
from .actors import Organization, Person, Position
from .base import (
    PUBLISHED_ONLY,
    PublicModel,
    Publishable,
    PublishableQuerySet,
    Searchable,
    Slugged,
    _end_after_start,
    _precision_field,
    _precision_valid,
    _truncate_partial_dates,
    localized,
    partial_date_property,
)
from .places import Country, Industry, IndustryFilterMixin, Region, Topic
from .sources import Record


class Delegation(Searchable, Record, Slugged):
    """One visit: who travelled where, grouping the events of that visit."""

    # What search (cooperation/search.py) looks through.
    search_fields = ["title", "title_en", "purpose", "purpose_en"]
    name_fields = [("title",), ("title_en",)]

    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    home_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("home country")
    )
    home_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_sent",
        verbose_name=_("home region"),
    )
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("host country")
    )
    host_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_hosted",
        verbose_name=_("host region"),
    )
    head = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_led",
        verbose_name=_("head of delegation"),
    )
    members = models.ManyToManyField(
        Person, blank=True, related_name="delegations", verbose_name=_("members")
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="delegations", verbose_name=_("organizations")
    )
    start_date = models.DateField(_("start"))
    start_precision = _precision_field(_("start precision"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = _precision_field(_("end precision"))
    purpose = models.TextField(_("purpose"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)

    start = partial_date_property("start_date", "start_precision")
    end = partial_date_property("end_date", "end_precision")

    _history_m2m_fields = ["members", "organizations"]

    class Meta(Record.Meta):
        ordering = ["-start_date", "title"]
        indexes = [
            models.Index(
                fields=["-start_date", "title"],
                name="cooperation_delegation_date",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["title"], name="cooperation_delegation_title", condition=PUBLISHED_ONLY
            ),
        ]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            *Publishable.Meta.constraints,
            _end_after_start("delegation"),
            _precision_valid("delegation", "start_precision"),
            _precision_valid("delegation", "end_precision"),
            models.CheckConstraint(
                condition=Q(home_region__isnull=True) | ~Q(home_region=F("host_region")),
                name="cooperation_delegation_travels_elsewhere",
            ),
        ]

    def __str__(self):
        return localized(self, "title")

    def slug_text(self):
        return f"{self.title} {self.start_date:%Y}" if self.start_date else self.title

    def get_absolute_url(self):
        return reverse("cooperation:delegation-detail", kwargs={"slug": self.slug})

    @property
    def dates(self):
        return format_range(self.start, self.end)

    def clean(self):
        for side in ("home", "host"):
            region, country_id = (
                getattr(self, f"{side}_region"),
                getattr(self, f"{side}_country_id"),
            )
            if region and country_id and region.country_id != country_id:
                raise ValidationError({f"{side}_region": _("The region lies in another country.")})

    def save(self, *args, **kwargs):
        for side in ("home", "host"):
            region = getattr(self, f"{side}_region")
            if region and not getattr(self, f"{side}_country_id"):
                setattr(self, f"{side}_country_id", region.country_id)
        _truncate_partial_dates(
            self, [("start_date", "start_precision"), ("end_date", "end_precision")]
        )
        super().save(*args, **kwargs)
        # Its events are in the regions it travelled between (Event.refresh_regions).
        self.events.refresh_regions()

    def delete(self, *args, **kwargs):
        events = list(self.events.all())
        result = super().delete(*args, **kwargs)
        for event in events:  # no longer part of this visit
            event.delegation = None
            event.refresh_regions()
        return result


class EventQuerySet(IndustryFilterMixin, PublishableQuerySet):
    def for_region(self, region):
        """Events held in a region or with a participant speaking for it."""
        return self.filter(
            pk__in=Event.regions.through.objects.filter(region=region).values("event")
        )

    def upcoming(self, today=None):
        """Events not over yet: starting today or later, or going on today.

        Also bounded below by the start of the earliest event going on, so that the date
        index is read from there rather than from the first event on record.
        """
        today = today or datetime.date.today()
        going_on = Event.objects.filter(start_date__lt=today, end_date__gte=today)
        since = going_on.aggregate(first=models.Min("start_date"))["first"] or today
        return self.filter(start_date__gte=since).filter(
            Q(start_date__gte=today) | Q(end_date__gte=today)
        )

    def past(self, today=None):
        """Events over before today."""
        today = today or datetime.date.today()
        return self.filter(start_date__lt=today).filter(
            Q(end_date__isnull=True) | Q(end_date__lt=today)
        )

    def refresh_regions(self):
        """Recompute the regions involved, after a bulk change that bypassed save()."""
        for event in self.prefetch_related("participations"):
            event.refresh_regions()


class Event(Searchable, Record, Slugged):
    # What search (cooperation/search.py) looks through.
    search_fields = [
        "title",
        "title_en",
        "summary",
        "summary_en",
        "city",
        "city_en",
        "venue",
        "venue_en",
    ]
    name_fields = [("title",), ("title_en",)]

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        ROUND_TABLE = "round_table", _("round table")
        FORUM = "forum", _("forum")
        OFFICIAL_VISIT = "official_visit", _("official visit")
        SIGNING = "signing", _("signing")
        CEREMONY = "ceremony", _("ceremony")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    start_date = models.DateField(_("date"))
    start_precision = _precision_field(_("date precision"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_precision = _precision_field(_("end date precision"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("region (location)"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    # Where it was held plus the regions its participants spoke for, kept in step by
    # refresh_regions(): "events of a region" and the region facet then need one join.
    regions = models.ManyToManyField(
        Region,
        related_name="events_involving",
        editable=False,
        blank=True,
        verbose_name=_("regions involved"),
    )
    # The countries of those regions plus those participants spoke for without a region
    # (a national parliament), kept the same way: "events of a country" is one join too.
    countries = models.ManyToManyField(
        Country,
        related_name="events_involving",
        editable=False,
        blank=True,
        verbose_name=_("countries involved"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("delegation"),
    )
    attendance = models.PositiveIntegerField(_("approximate attendance"), null=True, blank=True)
    attendance_note = models.CharField(
        _("attendance as reported"),
        max_length=300,
        blank=True,
        help_text=_("e.g. «около 50 представителей бизнеса»"),
    )
    attendance_note_en = models.CharField(
        _("attendance as reported (English)"), max_length=300, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="events", verbose_name=_("industries")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="events", verbose_name=_("topics")
    )
    organizations = models.ManyToManyField(
        Organization,
        through="EventOrganization",
        blank=True,
        related_name="events",
        verbose_name=_("organizations"),
    )

    objects = EventQuerySet.as_manager()

    start = partial_date_property("start_date", "start_precision")
    end = partial_date_property("end_date", "end_precision")

    _history_m2m_fields = ["industries", "topics"]

    class Meta(Record.Meta):
        ordering = ["-start_date", "title"]
        indexes = [
            # The public list's orders, its counts by kind, status and year, and "upcoming".
            models.Index(
                fields=["-start_date", "title"],
                name="cooperation_event_date",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["title"], name="cooperation_event_title", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["kind", "status", "start_date"],
                name="cooperation_event_kinds",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["status", "-start_date"],
                name="cooperation_event_status",
                condition=PUBLISHED_ONLY,
            ),
            # Events going on today (upcoming()): the few with an end date.
            models.Index(
                fields=["end_date"],
                name="cooperation_event_end",
                condition=Q(end_date__isnull=False),
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            *Publishable.Meta.constraints,
            _end_after_start("event"),
            _precision_valid("event", "start_precision"),
            _precision_valid("event", "end_precision"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "held", "cancelled"]),
                name="cooperation_event_status_valid",
            ),
        ]

    def __str__(self):
        return localized(self, "title")

    def slug_text(self):
        return f"{self.title} {self.start_date:%Y}" if self.start_date else self.title

    def get_absolute_url(self):
        return reverse("cooperation:event-detail", kwargs={"slug": self.slug})

    @property
    def dates(self):
        return format_range(self.start, self.end)

    def save(self, *args, **kwargs):
        _truncate_partial_dates(
            self, [("start_date", "start_precision"), ("end_date", "end_precision")]
        )
        super().save(*args, **kwargs)
        self.refresh_regions()

    def refresh_regions(self):
        """Keep `regions` and `countries` in step with where it was held, the sides its
        participants spoke for and its delegation's home and host: an event of a Tatarstan
        delegation held in Atyrau is found under both. Every write path ends here (save,
        a participant's save or delete, a delegation's save, the admin once all is saved)."""
        participations = list(self.participations.all())
        regions = {p.side_id for p in participations} | {self.region_id}
        countries = {p.side_country_id for p in participations}
        delegation = self.delegation
        if delegation is not None:
            regions |= {delegation.home_region_id, delegation.host_region_id}
            countries |= {delegation.home_country_id, delegation.host_country_id}
        regions -= {None}
        self.regions.set(regions)
        countries |= set(Region.objects.filter(pk__in=regions).values_list("country", flat=True))
        self.countries.set(countries - {None})


class Participation(PublicModel):
    """A person at an event, for a side, in the role they held at the time."""

    public_requires = ("event", "person")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("position held"),
    )
    role = models.CharField(
        _("role at the time"),
        max_length=300,
        blank=True,
        help_text=_("As the source says it; taken from the position when left empty."),
    )
    role_en = models.CharField(_("role at the time (English)"), max_length=300, blank=True)
    side = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("side (region)"),
    )
    side_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("side (country)"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="cooperation_participation_once_per_event"
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.role})" if self.role else str(self.person)

    def clean(self):
        if self.position_id and self.person_id and self.position.person_id != self.person_id:
            raise ValidationError({"position": _("This position belongs to someone else.")})
        if self.side_id and self.side_country_id and self.side.country_id != self.side_country_id:
            raise ValidationError({"side": _("The region lies in another country.")})

    def fill_from_position(self):
        """What the position held says, where the editor left it empty: the role, and the
        side, which is where the post is held (Position.place_region, place_country)."""
        if self.position_id and not (self.role and (self.side_id or self.side_country_id)):
            position = Position.objects.get(pk=self.position_id)
            if not self.role:
                self.role = position.title
                self.role_en = self.role_en or position.title_en
            if not self.side_id and not self.side_country_id:
                self.side_id = position.place_region_id
                self.side_country_id = position.place_country_id
        if self.side_id and not self.side_country_id:
            self.side_country_id = self.side.country_id

    def save(self, *args, **kwargs):
        self.fill_from_position()
        super().save(*args, **kwargs)
        self.event.refresh_regions()

    def delete(self, *args, **kwargs):
        event = self.event
        result = super().delete(*args, **kwargs)
        event.refresh_regions()
        return result


class EventOrganization(PublicModel):
    public_requires = ("event", "organization")

    class Role(models.TextChoices):
        HOST = "host", _("host")
        ORGANIZER = "organizer", _("organizer")
        PARTICIPANT = "participant", _("participant")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_organizations")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="event_roles",
        verbose_name=_("organization"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role", "organization__name"]
        verbose_name = _("participating organization")
        verbose_name_plural = _("participating organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"],
                name="cooperation_event_organization_once_per_event",
            )
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class Invitation(Record):
    """An invitation to an event (KazanForum), extended to a region or an organization."""

    # Who invited them, and where, are named when public.
    public_requires = ("event", "invited_region", "invited_organization")

    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("invited to"),
    )
    invited_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("invited region"),
    )
    invited_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("invited organization"),
    )
    invited_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_extended",
        verbose_name=_("invited by"),
    )
    extended_at = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_extended",
        verbose_name=_("extended at"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta(Record.Meta):
        ordering = ["event", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(invited_region__isnull=False) | Q(invited_organization__isnull=False),
                name="cooperation_invitation_has_invitee",
            ),
        ]

    def __str__(self):
        invitee = self.invited_organization or self.invited_region
        return _("%(invitee)s invited to %(event)s") % {"invitee": invitee, "event": self.event}

    def get_absolute_url(self):
        return self.event.get_absolute_url() + f"#invitation-{self.pk}"


class AgreementQuerySet(IndustryFilterMixin, PublishableQuerySet):
    def for_region(self, region):
        """Agreements with a party in the region: an agreement's regions come from its parties."""
        parties = AgreementParty.objects.public(known=["agreement"]).filter(
            organization__region=region
        )
        return self.filter(pk__in=parties.values("agreement"))


class Agreement(Searchable, Record, Slugged):
    # What search (cooperation/search.py) looks through.
    search_fields = ["title", "title_en", "summary", "summary_en"]
    name_fields = [("title",), ("title_en",)]

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("cooperation agreement")
        MEMORANDUM = "memorandum", _("memorandum")
        CONTRACT = "contract", _("contract")
        ROAD_MAP = "road_map", _("road map")
        PROTOCOL = "protocol", _("protocol")

    class Status(models.TextChoices):
        SIGNED = "signed", _("signed")
        IN_FORCE = "in_force", _("in force")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    signed_date = models.DateField(_("date signed"), null=True, blank=True)
    signed_precision = _precision_field(_("date signed precision"))
    signed_at = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("signed at event"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SIGNED
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="agreements", verbose_name=_("industries")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="agreements", verbose_name=_("topics")
    )

    objects = AgreementQuerySet.as_manager()

    signed = partial_date_property("signed_date", "signed_precision")

    _history_m2m_fields = ["industries", "topics"]

    class Meta(Record.Meta):
        ordering = ["-signed_date", "title"]
        indexes = [
            models.Index(
                fields=["-signed_date", "title"],
                name="cooperation_agreement_date",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["title"], name="cooperation_agreement_title", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["kind", "status", "signed_date"],
                name="cooperation_agreement_kinds",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                fields=["status", "-signed_date"],
                name="cooperation_agreement_status",
                condition=PUBLISHED_ONLY,
            ),
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            *Publishable.Meta.constraints,
            _precision_valid("agreement", "signed_precision"),
            models.CheckConstraint(
                condition=Q(status__in=["signed", "in_force", "completed", "terminated"]),
                name="cooperation_agreement_status_valid",
            ),
        ]

    def __str__(self):
        return localized(self, "title")

    def slug_text(self):
        return f"{self.title} {self.signed_date:%Y}" if self.signed_date else self.title

    def get_absolute_url(self):
        return reverse("cooperation:agreement-detail", kwargs={"slug": self.slug})

    def regions(self):
        return Region.objects.filter(organizations__agreement_parties__agreement=self).distinct()

    def save(self, *args, **kwargs):
        _truncate_partial_dates(self, [("signed_date", "signed_precision")])
        super().save(*args, **kwargs)


class AgreementParty(PublicModel):
    # A signatory is named when public; the party is listed without one otherwise.
    public_requires = ("agreement", "organization")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("party"),
    )
    signatory = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("signatory"),
    )
    signatory_title = models.CharField(
        _("signatory's title at the time"), max_length=300, blank=True
    )
    signatory_title_en = models.CharField(
        _("signatory's title at the time (English)"), max_length=300, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"], name="cooperation_agreement_party_once"
            )
        ]

    def __str__(self):
        return str(self.organization)


class Statement(Record):
    """What someone said: a verbatim quote or a reported statement."""

    public_requires = ("speaker", "event")

    speaker = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="statements", verbose_name=_("speaker")
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("event"),
    )
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)
    is_verbatim = models.BooleanField(
        _("verbatim quote"),
        default=False,
        help_text=_("Ticked for the speaker's own words in quotation marks; else reported speech."),
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="statements", verbose_name=_("organizations named")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="statements", verbose_name=_("topics")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    _history_m2m_fields = ["organizations", "topics"]

    class Meta(Record.Meta):
        ordering = ["event", "position", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self):
        text = localized(self, "text")
        return f"{self.speaker}: {text if len(text) <= 70 else text[:69] + '…'}"

    def get_absolute_url(self):
        return (self.event or self.speaker).get_absolute_url() + f"#statement-{self.pk}"


class Partnership(Record):
    """An organization's ongoing work with a partner country or region."""

    public_requires = ("organization", "partner_country", "partner_region", "partner_organization")

    class Kind(models.TextChoices):
        TRADE = "trade", _("trade and supplies")
        ASSEMBLY = "assembly", _("assembly production")
        DEALER_NETWORK = "dealers", _("dealer and service network")
        JOINT_PROJECT = "joint_project", _("joint project")
        INVESTMENT = "investment", _("investment")
        OTHER = "other", _("other cooperation")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organization"),
    )
    partner_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("partner country"),
    )
    partner_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        verbose_name=_("partner region"),
    )
    partner_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships_as_partner",
        verbose_name=_("partner organization"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta(Record.Meta):
        ordering = ["organization", "partner_country", "kind"]
        verbose_name = _("work with a partner")
        verbose_name_plural = _("work with partners")
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(partner_organization__isnull=True)
                | ~Q(partner_organization=F("organization")),
                name="cooperation_partnership_not_with_itself",
            ),
            models.UniqueConstraint(
                fields=["organization", "partner_country", "kind"],
                name="cooperation_partnership_unique_kind_per_country",
            ),
        ]

    def __str__(self):
        partner = self.partner_organization or self.partner_region or self.partner_country
        return f"{self.organization} → {partner}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url() + f"#partnership-{self.pk}"

    def clean(self):
        if (
            self.partner_region_id
            and self.partner_country_id
            and self.partner_region.country_id != self.partner_country_id
        ):
            raise ValidationError({"partner_region": _("The region lies in another country.")})

    def save(self, *args, **kwargs):
        if self.partner_region_id and not self.partner_country_id:
            self.partner_country_id = self.partner_region.country_id
        super().save(*args, **kwargs)
