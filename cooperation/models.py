"""The domain of interregional cooperation.

Every public record is a draft until an editor publishes it (`Publishable`); the public site
reads through the `published()` queryset verb only. Every fact-bearing record (`Record`)
cites at least one `Source` through `Citation`. Dates that sources give only to the month or
year are stored with their precision (`cooperation.dates`).
"""

import datetime

import nh3
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from slugify import slugify

from . import search
from .dates import PartialDate, Precision, format_range, truncate

SLUG_MAX_LENGTH = 120

# The formatting a source's text may keep; everything else is stripped on save.
SOURCE_TAGS = {"p", "br", "b", "strong", "i", "em", "q"}

# Where the default transliteration reads oddly to Russian speakers (я -> "ia"), prefer the
# familiar passport-style forms: Яруллин -> yarullin, Сергей -> sergey.
TRANSLITERATION = [
    ["Я", "Ya"],
    ["я", "ya"],
    ["Ю", "Yu"],
    ["ю", "yu"],
    ["Ё", "Yo"],
    ["ё", "yo"],
    ["Й", "Y"],
    ["й", "y"],
    ["Ы", "Y"],
    ["ы", "y"],
    ["Ъ", ""],
    ["ъ", ""],
    ["Ь", ""],
    ["ь", ""],
]


def _is_english():
    return (get_language() or "").startswith("en")


def published_or_none(obj):
    """`obj` when the public may see it; a draft (or nothing) gives None."""
    if obj is None or not getattr(obj, "is_published", True):
        return None
    return obj


def localized(obj, field):
    """The Latin/English form of a field on the English site, when the record has one."""
    if _is_english():
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


# --- shared building blocks -------------------------------------------------------------


class PublicationState(models.TextChoices):
    """Editors write drafts and submit them for review; publishers publish them."""

    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")


class _History(HistoricalRecords):
    """Versions without the derived columns (search, a position's place), on the models
    that have them.

    One instance serves every model that inherits it, while simple-history wants each
    history model to exclude only fields its model has; a version is made again on save,
    so the derived columns need no history.
    """

    DERIVED = ["search_document", "search_names", "place_region", "place_country"]

    def create_history_model(self, model, inherited):
        own = {field.name for field in model._meta.local_fields}
        self.excluded_fields = [name for name in self.DERIVED if name in own]
        try:
            return super().create_history_model(model, inherited)
        finally:
            self.excluded_fields = self.DERIVED


# The public site reads published rows only; its indexes leave the others out.
PUBLISHED_ONLY = Q(state="published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=PublicationState.PUBLISHED)


class Publishable(models.Model):
    state = models.CharField(
        _("publication state"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()
    # Every change, by whom and when, can be compared and reverted in the admin; a deleted
    # record stays in its history and can be restored. Many-to-many fields a model lists in
    # `_history_m2m_fields` are kept with each version.
    history = _History(inherit=True, excluded_fields=_History.DERIVED)

    class Meta:
        abstract = True
        # "publish_<model>" lets publishers (cooperation.roles) put a record on the public site.
        default_permissions = ("add", "change", "delete", "view", "publish")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PublicationState.values),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]

    @property
    def is_published(self):
        return self.state == PublicationState.PUBLISHED


class Slugged(models.Model):
    """A transliterated, unique slug made once from `slug_text()` and kept when names change."""

    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text=_("Part of the address. Made from the name when left empty; keep it stable."),
    )

    class Meta:
        abstract = True

    def slug_text(self):
        return str(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            text = slugify(self.slug_text(), max_length=100, replacements=TRANSLITERATION)
            self.slug = self._unique_slug(text or "record")
        super().save(*args, **kwargs)

    def _unique_slug(self, base):
        others = type(self)._default_manager.exclude(pk=self.pk)
        candidate, n = base, 1
        while others.filter(slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class Searchable(models.Model):
    """A record found by the site's search: its search columns follow its fields on save.

    The model names what is searched in `search_fields`, its names (compared for
    misspellings) in `name_fields`, and related text in `search_related`
    (cooperation/search.py). On PostgreSQL both columns have GIN indexes (migration 0008).
    """

    search_document = SearchVectorField(null=True, editable=False)
    search_names = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        search.index(type(self)._default_manager.filter(pk=self.pk))


class Source(Searchable, Publishable, Slugged):
    """A news article or document that facts are taken from."""

    # What search (cooperation/search.py) looks through.
    search_fields = ["title", "title_en", "publisher", "text"]
    name_fields = [("title",), ("title_en",)]

    class Kind(models.TextChoices):
        NEWS = "news", _("news article")
        PRESS_RELEASE = "press_release", _("press release")
        DOCUMENT = "document", _("document")
        PROTOCOL = "protocol", _("protocol note")
        # Written by `manage.py generate_demo_data`: what cites it is not real.
        SYNTHETIC = "synthetic", _("synthetic demo data")

    class Language(models.TextChoices):
        RU = "ru", _("Russian")
        KK = "kk", _("Kazakh")
        TT = "tt", _("Tatar")
        EN = "en", _("English")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Stored sanitized."))
    photo_credits = models.CharField(_("photo credits"), max_length=300, blank=True)
    notes = models.TextField(_("editor's notes"), blank=True)

    class Meta(Publishable.Meta):
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="cooperation_source_url_unique"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cooperation:source-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        # Pasted text may carry markup; keep only harmless formatting.
        self.text = nh3.clean(self.text, tags=SOURCE_TAGS)
        super().save(*args, **kwargs)

    @property
    def text_html(self):
        """The text for display, sanitized again rather than trusted as stored.

        Stored text is already HTML (nh3 escapes & and <), so escaping it once more would
        show tags and entities to the reader; plain pasted text gets its paragraphs from
        blank lines.
        """
        html = nh3.clean(self.text, tags=SOURCE_TAGS)
        if "<p>" not in html:
            html = linebreaks(html)  # autoescape off: nh3 has escaped it already
        return mark_safe(html)


class CitationQuerySet(models.QuerySet):
    def with_records(self, visible=lambda queryset: queryset):
        """Fetch each cited record with what its name and address need, in a query per kind.

        `visible` narrows each kind's queryset (the public site passes its published filter).
        """
        return self.select_related("content_type").prefetch_related(
            GenericPrefetch(
                "content_object",
                [visible(model.objects.select_related(*related)) for model, related in CITING],
            )
        )


class Citation(models.Model):
    """A record citing a source, optionally with the passage that supports it."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        limit_choices_to={"app_label": "cooperation"},
    )
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    quote = models.TextField(_("supporting passage"), blank=True)

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source__title", "id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id"],
                name="cooperation_citation_unique_per_record",
            )
        ]

    def __str__(self):
        return f"{self.source}: {self.content_object}"


class Record(Publishable):
    """A publishable record that carries facts, and so cites sources."""

    citations = GenericRelation(Citation, related_query_name="%(class)s")

    class Meta(Publishable.Meta):
        abstract = True


def partial_date_property(date_field, precision_field):
    def getter(self):
        value = getattr(self, date_field)
        return PartialDate(value, getattr(self, precision_field)) if value else None

    return property(getter)


def _precision_field(verbose):
    return models.CharField(
        verbose,
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_(
            "How much of the date the source gives. For a month or a year, enter any day "
            "in it: only the month or the year is kept and shown."
        ),
    )


def _truncate_partial_dates(obj, pairs):
    for date_field, precision_field in pairs:
        value, precision = getattr(obj, date_field), getattr(obj, precision_field)
        setattr(obj, date_field, truncate(value, precision, end=date_field.startswith("end")))


def _end_after_start(model_name, start="start_date", end="end_date"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"cooperation_{model_name}_end_after_start",
    )


def _precision_valid(model_name, field):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": Precision.values}),
        name=f"cooperation_{model_name}_{field}_valid",
    )


# --- places, branches of industry, themes --------------------------------------------------


class Country(Publishable):
    code = models.CharField(
        _("ISO 3166-1 code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital Latin letters, e.g. KZ."))],
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [*Publishable.Meta.constraints]

    def __str__(self):
        return localized(self, "name")


class IndustryQuerySet(PublishableQuerySet):
    def subtrees(self):
        """{pk: [pk and the pks of every industry below it]}, within this queryset, in one
        query; a loop entered by hand must not hang the site."""
        below = {}
        for pk, parent_id in self.values_list("pk", "parent_id"):
            below.setdefault(parent_id, []).append(pk)
        trees = {}
        for pk in (pk for children in below.values() for pk in children):
            ids, frontier = [pk], [pk]
            while frontier:
                frontier = [c for p in frontier for c in below.get(p, []) if c not in ids]
                ids.extend(frontier)
            trees[pk] = ids
        return trees


class Industry(Publishable, Slugged):
    """A branch of industry; filters by a branch also find the branches below it."""

    objects = IndustryQuerySet.as_manager()

    # What search (cooperation/search.py) looks through.
    search_fields = ["name", "name_en", "description"]
    name_fields = [("name",), ("name_en",)]

    name = models.CharField(_("name"), max_length=150, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader industry"),
    )
    code = models.CharField(
        _("OKVED 2 / NACE Rev. 2 code"), max_length=10, blank=True, help_text=_("e.g. 29.1")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="cooperation_industry_not_own_parent"
            ),
        ]

    def __str__(self):
        return localized(self, "name")

    def slug_text(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:industry-detail", kwargs={"slug": self.slug})

    def clean(self):
        seen, ancestor = {self.pk}, self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An industry cannot be placed below itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def with_descendants(self):
        """This industry and every industry below it, as a list of primary keys."""
        return Industry.objects.subtrees().get(self.pk, [self.pk])


class Topic(Publishable, Slugged):
    """A theme of cooperation that is not a branch of industry (investment climate, culture…)."""

    # What search (cooperation/search.py) looks through.
    search_fields = ["name", "name_en", "description"]
    name_fields = [("name",), ("name_en",)]

    name = models.CharField(_("name"), max_length=150, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Publishable.Meta):
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [*Publishable.Meta.constraints]

    def __str__(self):
        return localized(self, "name")

    def slug_text(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:topic-detail", kwargs={"slug": self.slug})


class Region(Searchable, Record, Slugged):
    # What search (cooperation/search.py) looks through.
    search_fields = ["name", "name_en", "capital", "capital_en", "summary", "summary_en"]
    name_fields = [("name",), ("name_en",)]

    class Kind(models.TextChoices):
        REPUBLIC = "republic", _("republic")
        OBLAST = "oblast", _("oblast (region)")
        KRAI = "krai", _("krai")
        FEDERAL_CITY = "federal_city", _("city of federal significance")
        REPUBLICAN_CITY = "republican_city", _("city of republican significance")
        AUTONOMOUS_OKRUG = "autonomous_okrug", _("autonomous okrug")
        AUTONOMOUS_OBLAST = "autonomous_oblast", _("autonomous oblast")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country")
    )
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    iso_code = models.CharField(
        _("ISO 3166-2 code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", _("e.g. RU-TA or KZ-23"))],
    )
    capital = models.CharField(_("administrative centre"), max_length=100, blank=True)
    capital_en = models.CharField(_("administrative centre (English)"), max_length=100, blank=True)
    established_year = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="regions", verbose_name=_("key industries")
    )

    _history_m2m_fields = ["industries"]

    class Meta(Record.Meta):
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["iso_code"], condition=~Q(iso_code=""), name="cooperation_region_iso_unique"
            ),
            models.UniqueConstraint(
                fields=["country", "name"], name="cooperation_region_unique_name_per_country"
            ),
        ]

    def __str__(self):
        return localized(self, "name")

    def slug_text(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:region-detail", kwargs={"slug": self.slug})


class RegionFact(Record):
    """A sourced fact about a region ("24 % of Kazakhstan's industrial output")."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="facts", verbose_name=_("region")
    )
    text = models.TextField(_("fact"))
    text_en = models.TextField(_("fact (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta(Record.Meta):
        ordering = ["region", "position", "id"]
        verbose_name = _("region fact")
        verbose_name_plural = _("region facts")

    def __str__(self):
        text = localized(self, "text")
        return text if len(text) <= 80 else text[:79] + "…"

    def get_absolute_url(self):
        return self.region.get_absolute_url() + f"#fact-{self.pk}"


# --- organizations and people -------------------------------------------------------------


class IndustryFilterMixin:
    """For records with `industries`: filtering by a branch also finds the branches below."""

    def in_industry(self, industry):
        # A subquery rather than a join with distinct(), so that the records stay in order
        # and a page of them is read without deduplicating all of them first.
        links = self.model.industries.through.objects.filter(
            industry__in=industry.with_descendants()
        )
        return self.filter(pk__in=links.values(self.model._meta.model_name))


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

    def slug_text(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("cooperation:organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            raise ValidationError({"region": _("The region lies in another country.")})

    def save(self, *args, **kwargs):
        if self.region_id and not self.country_id:
            self.country_id = self.region.country_id
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
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

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


# --- what happened ------------------------------------------------------------------------


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
        """Keep `regions` and `countries` in step with the location and participants."""
        participations = list(self.participations.all())
        regions = ({p.side_id for p in participations} | {self.region_id}) - {None}
        self.regions.set(regions)
        countries = set(Region.objects.filter(pk__in=regions).values_list("country", flat=True))
        countries |= {p.side_country_id for p in participations} - {None}
        self.countries.set(countries)


class Participation(models.Model):
    """A person at an event, for a side, in the role they held at the time."""

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

    def save(self, *args, **kwargs):
        if self.position_id and not self.role:
            self.role = self.position.title
            self.role_en = self.role_en or self.position.title_en
        if self.side_id and not self.side_country_id:
            self.side_country_id = self.side.country_id
        super().save(*args, **kwargs)
        self.event.refresh_regions()

    def delete(self, *args, **kwargs):
        event = self.event
        result = super().delete(*args, **kwargs)
        event.refresh_regions()
        return result


class EventOrganization(models.Model):
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
        parties = AgreementParty.objects.filter(organization__region=region)
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


class AgreementParty(models.Model):
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
        # A published statement of a draft event is shown on the speaker's page instead.
        owner = self.event if self.event and self.event.is_published else self.speaker
        return owner.get_absolute_url() + f"#statement-{self.pk}"


class Partnership(Record):
    """An organization's ongoing work with a partner country or region."""

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


# The kinds of record that cite sources, in the order a source's page lists them, with the
# relations each needs for its name and address.
CITING = [
    (Event, ()),
    (Agreement, ()),
    (Delegation, ()),
    (Statement, ("speaker", "event")),
    (Invitation, ("event", "invited_region", "invited_organization")),
    (Person, ()),
    (Position, ("person",)),
    (Organization, ()),
    (Partnership, ("organization", "partner_country", "partner_region", "partner_organization")),
    (Region, ()),
    (RegionFact, ("region",)),
]
