"""Sources and the citations that tie every fact to one."""

import nh3
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import PublicModel, PublicQuerySet, Publishable, Searchable, Slugged

# The formatting a source's text may keep; everything else is stripped on save.
SOURCE_TAGS = {"p", "br", "b", "strong", "i", "em", "q"}

# The kinds of record that cite sources, in the order a source's page lists them, with the
# relations each needs for its name and address; filled in by the package once all are defined.
CITING = []


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
        # The portal's list of regions and their bodies (data/reference/, load_reference).
        REFERENCE = "reference", _("reference list")
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


class CitationQuerySet(PublicQuerySet):
    def with_records(self):
        """Fetch each cited record with what its name and address need, in a query per kind."""
        return self.select_related("content_type").prefetch_related(
            GenericPrefetch(
                "content_object",
                [model.objects.select_related(*related) for model, related in CITING],
            )
        )


class Citation(PublicModel):
    """A record citing a source, optionally with the passage that supports it."""

    # Shown with the record that cites the source, which is public itself.
    public_requires = ("source",)

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
