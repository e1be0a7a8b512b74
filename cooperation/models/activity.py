"""What happened: delegations, events, agreements, statements and partnerships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..dates import format_range, truncate
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

    def outcome_not_recorded(self, today=None):
        """Planned events whose last day has passed (Event.outcome_not_recorded)."""
        today = today or datetime.date.today()
        return self.filter(status=Event.Status.PLANNED).filter(
            Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today)
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

    def outcome_not_recorded(self, today=None):
        """Still "planned" after its last day: nobody has recorded whether it was held."""
        today = today or datetime.date.today()
        return self.status == self.Status.PLANNED and (self.end_date or self.start_date) < today

    @property
    def shown_status(self):
        """The status as the public site words it: never "planned" once the date is past."""
        if self.outcome_not_recorded():
            return _("date passed, outcome not recorded")
        return self.get_status_display()

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

    def in_force(self, today=None):
        """Signed or in force, and within its validity today: not yet expired, or
        extended automatically (the text says so) past its first term."""
        today = today or datetime.date.today()
        return self.filter(status__in=[Agreement.Status.SIGNED, Agreement.Status.IN_FORCE]).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today) | Q(auto_extends=True),
        )

    def ending_within(self, days, today=None):
        """Still running, with a validity that ends in the next `days` days and is not
        extended automatically: an editor should find out whether it was renewed."""
        today = today or datetime.date.today()
        return self.filter(
            status__in=[Agreement.Status.SIGNED, Agreement.Status.IN_FORCE],
            auto_extends=False,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )

    def with_overdue(self, today=None):
        """Agreements with at least one public commitment overdue (Commitment.overdue)."""
        overdue = Commitment.objects.public(known=["agreement"]).overdue(today)
        return self.filter(pk__in=overdue.values("agreement"))


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
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_from_precision = _precision_field(_("valid from precision"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    valid_until_precision = _precision_field(_("valid until precision"))
    auto_extends = models.BooleanField(
        _("extended automatically"),
        default=False,
        help_text=_(
            "Ticked where the text says the agreement is extended for a further term unless "
            "a party gives notice."
        ),
    )
    # The family of an agreement (docs/decisions/0007-commitments-and-agreement-families.md).
    # PROTECT: deleting a framework agreement must not silently cut its road maps loose.
    implements = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_by",
        verbose_name=_("implements"),
        help_text=_("The framework agreement this road map or plan of measures carries out."),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
        help_text=_("The earlier edition this one replaces or continues."),
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )

    objects = AgreementQuerySet.as_manager()

    signed = partial_date_property("signed_date", "signed_precision")
    valid_from_partial = partial_date_property("valid_from", "valid_from_precision")
    valid_until_partial = partial_date_property("valid_until", "valid_until_precision")

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
            _precision_valid("agreement", "valid_from_precision"),
            _precision_valid("agreement", "valid_until_precision"),
            models.CheckConstraint(
                condition=Q(status__in=["signed", "in_force", "completed", "terminated"]),
                name="cooperation_agreement_status_valid",
            ),
            _end_after_start("agreement", start="valid_from", end="valid_until"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{link}__isnull": True}) | ~Q(**{link: F("pk")}),
                    name=f"cooperation_agreement_{link}_not_itself",
                )
                for link in ("implements", "replaces", "amends")
            ],
        ]

    def __str__(self):
        return localized(self, "title")

    def slug_text(self):
        return f"{self.title} {self.signed_date:%Y}" if self.signed_date else self.title

    def get_absolute_url(self):
        return reverse("cooperation:agreement-detail", kwargs={"slug": self.slug})

    def regions(self):
        return Region.objects.filter(organizations__agreement_parties__agreement=self).distinct()

    @property
    def validity(self):
        """The term as the sources give it: "15 March 2023 – 2025", "… – 2025" (an end
        alone), followed by "extended automatically" where the text says so; "" when no
        source gave the term."""
        start, end = self.valid_from_partial, self.valid_until_partial
        if start:
            term = format_range(start, end)
        else:
            term = f"… – {end.format()}" if end else ""
        if self.auto_extends:
            extended = str(_("extended automatically"))
            return f"{term}, {extended}" if term else extended
        return term

    def family(self, agreements):
        """The agreements linked to this one, directly or through others, with this one,
        oldest first: the framework, its road maps, their later editions and amendments.
        `agreements`: the queryset the page may show (public, or staff's drafts too)."""
        links = ("implements", "replaces", "amends")
        found, frontier = {self.pk: self}, [self.pk]
        while frontier:
            related = Q()
            for link in links:
                related |= Q(**{f"{link}__in": frontier})
            upward = [
                getattr(obj, f"{link}_id")
                for obj in found.values()
                if obj.pk in frontier
                for link in links
            ]
            related |= Q(pk__in=[pk for pk in upward if pk])
            new = [obj for obj in agreements.filter(related) if obj.pk not in found]
            found.update((obj.pk, obj) for obj in new)
            frontier = [obj.pk for obj in new]
        return sorted(found.values(), key=lambda a: (a.signed_date or datetime.date.max, a.pk))

    def clean(self):
        for link in ("implements", "replaces", "amends"):
            if self.pk and getattr(self, f"{link}_id") == self.pk:
                raise ValidationError({link: _("An agreement cannot be linked to itself.")})

    def save(self, *args, **kwargs):
        _truncate_partial_dates(
            self, [("signed_date", "signed_precision"), ("valid_from", "valid_from_precision")]
        )
        if self.valid_until:  # an end: the last day of its month or year
            self.valid_until = truncate(self.valid_until, self.valid_until_precision, end=True)
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


class CommitmentStatus(models.TextChoices):
    """Where a commitment stands, as its latest progress update says."""

    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


# Statuses after which a commitment can no longer be overdue.
CLOSED = [CommitmentStatus.DONE, CommitmentStatus.DROPPED]


class CommitmentQuerySet(IndustryFilterMixin, PublishableQuerySet):
    def with_status(self):
        """Each commitment's `current_status`: that of its latest public progress update,
        "planned" (what the agreement's own text says) while it has none."""
        if "current_status" in self.query.annotations:
            return self
        latest = (
            ProgressUpdate.objects.public(known=["commitment"])
            .filter(commitment=OuterRef("pk"))
            .order_by("-date", "-id")
            .values("status")[:1]
        )
        return self.annotate(
            current_status=Coalesce(Subquery(latest), Value(CommitmentStatus.PLANNED))
        )

    def in_status(self, *statuses):
        return self.with_status().filter(current_status__in=statuses)

    def open(self):
        """Not done and not dropped."""
        return self.with_status().exclude(current_status__in=CLOSED)

    def overdue(self, today=None):
        """Open past their due date: derived each time, never stored."""
        today = today or datetime.date.today()
        return self.open().filter(due_date__lt=today)

    def due_within(self, days, today=None):
        today = today or datetime.date.today()
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        )

    def for_region(self, region):
        """Commitments of agreements with a party in the region."""
        return self.filter(agreement__in=Agreement.objects.for_region(region))


class Commitment(Record):
    """An item of an agreement or road map: what was promised, by whom, by when."""

    public_requires = ("agreement",)

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("agreement"),
    )
    number = models.CharField(
        _("item number"), max_length=20, blank=True, help_text=_("As the document numbers it: 1.2")
    )
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)
    responsible = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="commitments",
        verbose_name=_("responsible organizations"),
    )
    # A due date is an end: "2025" means by the end of 2025.
    due_date = models.DateField(_("due by"), null=True, blank=True)
    due_precision = _precision_field(_("due date precision"))
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="commitments", verbose_name=_("industries")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="commitments", verbose_name=_("topics")
    )
    events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="commitments_carried_out",
        verbose_name=_("events carrying it out"),
    )
    delegations = models.ManyToManyField(
        Delegation,
        blank=True,
        related_name="commitments_carried_out",
        verbose_name=_("delegations carrying it out"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CommitmentQuerySet.as_manager()

    due = partial_date_property("due_date", "due_precision")

    _history_m2m_fields = ["responsible", "industries", "topics", "events", "delegations"]

    class Meta(Record.Meta):
        ordering = ["agreement", "order", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            *Publishable.Meta.constraints,
            _precision_valid("commitment", "due_precision"),
            # A road map's item number names one item: the spreadsheet import finds it so.
            models.UniqueConstraint(
                fields=["agreement", "number"],
                condition=~Q(number=""),
                name="cooperation_commitment_number_once",
            ),
        ]

    def __str__(self):
        text = localized(self, "text")
        text = text if len(text) <= 90 else text[:89] + "…"
        return f"{self.number} {text}" if self.number else text

    def get_absolute_url(self):
        return self.agreement.get_absolute_url() + f"#commitment-{self.pk}"

    @property
    def status(self):
        """`current_status` where the queryset gave it (with_status), else asked now."""
        if hasattr(self, "current_status"):
            return self.current_status
        return Commitment.objects.with_status().get(pk=self.pk).current_status

    def get_status_display(self):
        return CommitmentStatus(self.status).label

    def is_overdue(self, today=None):
        today = today or datetime.date.today()
        return bool(self.due_date and self.due_date < today and self.status not in CLOSED)

    def save(self, *args, **kwargs):
        if self.due_date:
            self.due_date = truncate(self.due_date, self.due_precision, end=True)
        super().save(*args, **kwargs)


class ProgressUpdate(Record):
    """A dated, cited report of how a commitment stands: the only source of its status."""

    public_requires = ("commitment",)

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("commitment"),
    )
    date = models.DateField(_("date"))
    precision = _precision_field(_("date precision"))
    status = models.CharField(_("status"), max_length=12, choices=CommitmentStatus.choices)
    note = models.TextField(_("what happened"), blank=True)
    note_en = models.TextField(_("what happened (English)"), blank=True)

    when = partial_date_property("date", "precision")

    class Meta(Record.Meta):
        ordering = ["commitment", "-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["commitment", "-date"], name="cooperation_progress_latest")]
        constraints = [
            *Publishable.Meta.constraints,
            _precision_valid("progressupdate", "precision"),
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values),
                name="cooperation_progressupdate_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.when}: {self.get_status_display()} — {self.commitment}"

    def get_absolute_url(self):
        return self.commitment.agreement.get_absolute_url() + f"#progress-{self.pk}"

    def save(self, *args, **kwargs):
        _truncate_partial_dates(self, [("date", "precision")])
        super().save(*args, **kwargs)


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
