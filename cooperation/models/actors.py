"""Organizations and people, and the posts people hold."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from slugify import slugify

from .. import search
from ..dates import format_range
from ..reference_data import region_named_in
from .base import (
    PUBLISHED_ONLY,
    TRANSLITERATION,
    Publishable,
    PublishableQuerySet,
    Searchable,
    Slugged,
    _end_after_start,
    _is_english,
    _precision_field,
    _precision_valid,
    _truncate_partial_dates,
    english_first,
    localized,
    partial_date_property,
)
from .places import Country, Industry, IndustryFilterMixin, Region
from .sources import Record

# The usual English names of Russian and Kazakh legal forms, for the English site.
LEGAL_FORMS_EN = {
    "ПАО": "PJSC",
    "ОАО": "OJSC",
    "АО": "JSC",
    "НАО": "NJSC",
    "ЗАО": "CJSC",
    "ООО": "LLC",
    "ТОО": "LLP",
    "АНО": "ANO",
    "ГУП": "SUE",
    "ФГУП": "FSUE",
    "МУП": "MUE",
}


class OrganizationQuerySet(IndustryFilterMixin, PublishableQuerySet):
    def businesses(self):
        return self.filter(kind__in=Organization.BUSINESS_KINDS)


class Organization(Searchable, Record, Slugged):
    # What search (cooperation/search.py) looks through.
    search_fields = [
        "name",
        "name_en",
        "short_name",
        "short_name_en",
        "description",
        "description_en",
    ]
    name_fields = [("name",), ("short_name",), ("name_en",)]
    search_related = ["aliases__name"]

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        HOLDING = "holding", _("holding company")
        GOVERNMENT_BODY = "government_body", _("government body")
        LEGISLATURE = "legislature", _("legislature")
        CHAMBER_OF_COMMERCE = "chamber", _("chamber of commerce")
        INDUSTRIAL_CLUSTER = "cluster", _("industrial cluster")
        DEVELOPMENT_CORPORATION = "development", _("development corporation")
        FORUM_ORGANISER = "forum_organiser", _("forum organiser")
        ASSOCIATION = "association", _("association")
        EDUCATION = "education", _("university or research institute")
        OTHER = "other", _("other")

    BUSINESS_KINDS = (Kind.ENTERPRISE, Kind.HOLDING)

    name = models.CharField(_("full name"), max_length=300)
    name_en = models.CharField(_("full name (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    short_name_en = models.CharField(_("short name (English)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=30, blank=True, help_text=_("ПАО, АО, ООО, ТОО, АНО…")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("country")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("region"),
        help_text=_("Leave empty when only the country is known."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent organization"),
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="organizations", verbose_name=_("industries")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    objects = OrganizationQuerySet.as_manager()

    _history_m2m_fields = ["industries"]

    class Meta(Record.Meta):
        ordering = ["name"]
        indexes = [
            # The public list's order, and its filters and counts by kind and place.
            models.Index(fields=["name"], name="cooperation_org_name", condition=PUBLISHED_ONLY),
            models.Index(
                english_first("name"), name="cooperation_org_name_en", condition=PUBLISHED_ONLY
            ),
            models.Index(
                fields=["kind", "region", "country"],
                name="cooperation_org_kind_place",
                condition=PUBLISHED_ONLY,
            ),
        ]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="cooperation_organization_not_own_parent"
            ),
        ]

    def __str__(self):
        return localized(self, "short_name") or localized(self, "name")

    @property
    def localized_legal_form(self):
        """The legal form, by its usual English name on the English site (ПАО is PJSC)."""
        if _is_english():
            return LEGAL_FORMS_EN.get(self.legal_form, self.legal_form)
        return self.legal_form

    def slug_text(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("cooperation:organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            raise ValidationError({"region": _("The region lies in another country.")})

    def fill_place(self):
        """Where the organization is, where the editor left it open: the region its name
        names ("Акимат Атырауской области"), when the name names exactly one region of the
        reference list and it lies in the organization's country (if that is given); and
        the country of its region. Every write saves through this, and an import calls it
        before checking a row."""
        if not self.region_id:
            iso_code = region_named_in(self.name)
            region = Region.objects.filter(iso_code=iso_code).first() if iso_code else None
            if region and self.country_id in (None, region.country_id):
                self.region = region
        if self.region_id and not self.country_id:
            self.country_id = self.region.country_id

    def save(self, *args, **kwargs):
        self.fill_place()
        super().save(*args, **kwargs)
        self.positions.refresh_places()


class OrganizationAlias(models.Model):
    """Another name the organization goes by (ТПП РТ, КВЗ); searched like the name."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="cooperation_alias_unique_per_organization"
            )
        ]

    def __str__(self):
        return self.name

    # The organization is found by its aliases too: its search columns include them.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        search.index(Organization.objects.filter(pk=self.organization_id))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        search.index(Organization.objects.filter(pk=self.organization_id))
        return result


class Person(Searchable, Record, Slugged):
    # What search (cooperation/search.py) looks through.
    search_fields = [
        "first_name",
        "last_name",
        "patronymic",
        "first_name_en",
        "last_name_en",
        "bio",
        "bio_en",
    ]
    name_fields = [("first_name", "last_name"), ("first_name_en", "last_name_en")]

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    last_name_en = models.CharField(_("last name (Latin)"), max_length=100, blank=True)
    first_name_en = models.CharField(_("first name (Latin)"), max_length=100, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    bio_en = models.TextField(_("short biography (English)"), blank=True)

    class Meta(Record.Meta):
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(
                fields=["last_name", "first_name"],
                name="cooperation_person_name",
                condition=PUBLISHED_ONLY,
            ),
            models.Index(
                english_first("last_name"),
                english_first("first_name"),
                name="cooperation_person_name_en",
                condition=PUBLISHED_ONLY,
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [*Publishable.Meta.constraints]

    def __str__(self):
        if _is_english() and self.last_name_en:
            return f"{self.first_name_en} {self.last_name_en}".strip()
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self):
        """Last name, first name and patronymic; in Latin letters on the English site."""
        parts = (self.last_name, self.first_name, self.patronymic)
        if _is_english() and self.last_name_en:
            patronymic = slugify(
                self.patronymic, separator=" ", lowercase=False, replacements=TRANSLITERATION
            )
            parts = (self.last_name_en, self.first_name_en, patronymic)
        return " ".join(p for p in parts if p)

    def slug_text(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("cooperation:person-detail", kwargs={"slug": self.slug})


class PositionQuerySet(PublishableQuerySet):
    def refresh_places(self):
        """Recompute where each position is held: its own region and country, else its
        organization's. Done on save; call it after a bulk change that bypassed save()."""
        organization = Organization.objects.filter(pk=OuterRef("organization"))
        region = Region.objects.filter(pk=OuterRef("region"))
        return self.update(
            place_region=Coalesce(F("region"), Subquery(organization.values("region")[:1])),
            place_country=Coalesce(
                F("country"),
                Subquery(region.values("country")[:1]),
                Subquery(organization.values("country")[:1]),
            ),
        )


class Position(Record):
    """A post a person held, with the title as it was said at the time."""

    # The person, and where the post is held: its organization, region or country.
    public_requires = ("person", "organization", "region", "country")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="positions", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("organization"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("region"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("country"),
        help_text=_("For national posts (a president) that belong to no region or body."),
    )
    # Where the post is held, for the people list's region and country filters: the
    # position's own region and country, else its organization's (refresh_places()).
    place_region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    place_country = models.ForeignKey(
        Country, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = _precision_field(_("start precision"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = _precision_field(_("end precision"))

    start = partial_date_property("start_date", "start_precision")
    end = partial_date_property("end_date", "end_precision")

    objects = PositionQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["person", "-start_date", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            *Publishable.Meta.constraints,
            _end_after_start("position"),
            _precision_valid("position", "start_precision"),
            _precision_valid("position", "end_precision"),
            models.CheckConstraint(
                condition=Q(organization__isnull=False)
                | Q(region__isnull=False)
                | Q(country__isnull=False),
                name="cooperation_position_has_place",
            ),
            # One position per person, organization and start; where the start is unknown,
            # one undated position per person and title.
            models.UniqueConstraint(
                fields=["person", "organization", "start_date"],
                name="cooperation_position_unique_person_organization_start",
            ),
            models.UniqueConstraint(
                fields=["person", "title", "start_date"],
                name="cooperation_position_unique_person_title_start",
            ),
            models.UniqueConstraint(
                fields=["person", "title"],
                condition=Q(start_date__isnull=True),
                name="cooperation_position_unique_undated_title",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {localized(self, 'title')}"

    def get_absolute_url(self):
        return self.person.get_absolute_url() + f"#position-{self.pk}"

    @property
    def period(self):
        return format_range(self.start, self.end)

    def save(self, *args, **kwargs):
        _truncate_partial_dates(
            self, [("start_date", "start_precision"), ("end_date", "end_precision")]
        )
        super().save(*args, **kwargs)
        Position.objects.filter(pk=self.pk).refresh_places()
