"""Places, branches of industry and themes of cooperation."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import (
    Publishable,
    PublishableQuerySet,
    Searchable,
    Slugged,
    localized,
)
from .sources import Record

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


class IndustryFilterMixin:
    """For records with `industries`: filtering by a branch also finds the branches below."""

    def in_industry(self, *industries, trees=None):
        """Filed under any of `industries`, or under a public industry below one of them.

        `trees`: `Industry.objects.public().subtrees()`, when the caller has it already (a
        list page filters once for its results and again for each facet).
        """
        if trees is None:
            trees = Industry.objects.public().subtrees()
        ids = {pk for industry in industries for pk in trees.get(industry.pk, [industry.pk])}
        # A subquery on the table of links rather than a join with distinct(), so that the
        # records stay in order and a page of them is read without deduplicating them all.
        field = self.model._meta.get_field("industries")
        links = field.remote_field.through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}__in": ids}
        )
        return self.filter(pk__in=links.values(field.m2m_field_name()))


class RegionQuerySet(IndustryFilterMixin, PublishableQuerySet):
    pass


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

    objects = RegionQuerySet.as_manager()

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

    public_requires = ("region",)

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
