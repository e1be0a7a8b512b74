"""Writes the reference list (data/reference/) into the database: every region of Russia,
Kazakhstan and Belarus with its executive body and legislature, published and citing the
list as their source.

Only what is missing is written. A record already in the database is left as it is,
whoever made it: a region is known by its ISO code (or its country and name), a body by
being the region's body of its kind that cites the list, or by any of its names (the
article's "Госсовет РТ" is Tatarstan's legislature). What an editor deleted stays deleted:
its deletion is in the history. So loading again changes nothing, and says so.

Everything is written in a few bulk inserts (with their history versions), and the search
columns filled in one update per model, so that set-up stays quick.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history
from slugify import slugify

from . import page_cache, search
from .models import (
    TRANSLITERATION,
    Citation,
    Country,
    Organization,
    OrganizationAlias,
    PublicationState,
    Region,
    Source,
)
from .reference_data import EXECUTIVE, LEGISLATURE, reference

PUBLISHED = PublicationState.PUBLISHED
KINDS = {
    EXECUTIVE: Organization.Kind.GOVERNMENT_BODY,
    LEGISLATURE: Organization.Kind.LEGISLATURE,
}
DELETED = "-"

# Written to each record's history, so that editors see where a version came from.
LOADED_REASON = _("Loaded from the reference list")


@dataclass
class ReferenceReport:
    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def __str__(self):
        def _fmt(counter):
            return ", ".join(f"{name} {n}" for name, n in sorted((+counter).items()))

        present = f"already present, left as they are: {_fmt(self.present) or 'nothing'}"
        if self.deleted:
            present += f"; deleted by editors, not restored: {_fmt(self.deleted)}"
        if not self.created:
            return f"nothing to add; {present}"
        return f"created: {_fmt(self.created)}; {present}"


def reference_load():
    """Write what the database lacks of the reference list; all or nothing."""
    loader = _ReferenceLoader(reference())
    with transaction.atomic():
        loader.run()
    if loader.report.created:
        page_cache.content_changed()
    return loader.report


def _unique_slugs(model, texts):
    """A unique slug for each of `texts`, asking the database only about these."""
    bases = [slugify(t, max_length=100, replacements=TRANSLITERATION) or "record" for t in texts]
    manager = model._default_manager
    used = set(manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        candidate, n = base, 1
        if candidate in used:  # rare: the numbered forms are needed too
            used |= set(manager.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        slugs.append(candidate)
    return slugs


class _ReferenceLoader:
    def __init__(self, data):
        self.data = data
        self.report = ReferenceReport()
        with translation.override(settings.LANGUAGE_CODE):
            self.reason = str(LOADED_REASON)
        self._source = None

    def run(self):
        countries = self._countries()
        regions = self._regions(countries)
        self._bodies(regions)

    # --- plumbing ---

    def _create(self, objects, label):
        """Insert new records of one model in bulk, each with its first history version."""
        if not objects:
            return objects
        model = type(objects[0])
        # The data file's values are checked; related records are known to exist.
        relations = [f.name for f in model._meta.fields if f.is_relation]
        for obj in objects:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        created = bulk_create_with_history(objects, model, default_change_reason=self.reason)
        self.report.created[label] += len(created)
        return created

    @property
    def source(self):
        """The list's own Source record; made when first needed, left as it is if present."""
        if self._source is None:
            item = self.data.source
            self._source = Source.objects.filter(slug=item["slug"]).first()
            if self._source is None:
                self._source = Source(
                    slug=item["slug"],
                    kind=item["kind"],
                    title=item["title"],
                    title_en=item.get("title_en", ""),
                    publisher=item.get("publisher", ""),
                    published_on=item.get("published_on"),
                    language=item.get("language", Source.Language.RU),
                    text=item.get("text", ""),
                    notes=item.get("notes", ""),
                    state=PUBLISHED,
                )
                self._source.full_clean()
                self._source._change_reason = self.reason
                self._source.save()
                self.report.created["source"] += 1
        return self._source

    def _cite(self, records):
        if not records:
            return
        content_type = ContentType.objects.get_for_model(records[0])
        citations = [
            Citation(source=self.source, content_type=content_type, object_id=record.pk)
            for record in records
        ]
        bulk_create_with_history(citations, Citation, default_change_reason=self.reason)

    # --- sections ---

    def _countries(self):
        existing = {c.code: c for c in Country.objects.all()}
        new = [
            Country(code=code, name=name, name_en=name_en, state=PUBLISHED)
            for code, name, name_en in self.data.countries
            if code not in existing
        ]
        self.report.present["countries"] += len(self.data.countries) - len(new)
        self._create(new, "countries")
        return {**existing, **{c.code: c for c in new}}

    def _regions(self, countries):
        """{ISO code: region} of every region in the list that is in the database now."""
        rows = self.data.regions
        found = Region.objects.filter(
            Q(iso_code__in=[row.iso_code for row in rows])
            | Q(name__in=[row.name for row in rows])
            | Q(slug__in=[row.slug for row in rows if row.slug])
        )
        by_iso = {r.iso_code: r for r in found if r.iso_code}
        by_name = {(r.country_id, r.name): r for r in found}
        by_slug = {r.slug: r for r in found}
        deleted = set(
            Region.history.filter(
                history_type=DELETED, iso_code__in=[row.iso_code for row in rows]
            ).values_list("iso_code", flat=True)
        )
        regions, new = {}, []
        for row in rows:
            country = countries[row.country]
            region = (
                by_iso.get(row.iso_code)
                or by_name.get((country.pk, row.name))
                or by_slug.get(row.slug)
            )
            if region is not None:
                self.report.present["regions"] += 1
                regions[row.iso_code] = region
            elif row.iso_code in deleted:
                self.report.deleted["regions"] += 1
            else:
                region = Region(
                    country=country,
                    iso_code=row.iso_code,
                    kind=row.kind,
                    name=row.name,
                    name_en=row.name_en,
                    capital=row.capital,
                    capital_en=row.capital_en,
                    slug=row.slug,
                    state=PUBLISHED,
                )
                new.append(region)
                regions[row.iso_code] = region
        for region, slug in zip(new, _unique_slugs(Region, [r.name for r in new]), strict=True):
            region.slug = region.slug or slug
        self._create(new, "regions")
        self._cite(new)
        search.index(Region.objects.filter(pk__in=[r.pk for r in new]))
        return regions

    def _bodies(self, regions):
        bodies = [body for body in self.data.bodies if body.region in regions]
        names = {name for body in bodies for name in (*body.names, body.name_en)}
        # The list's own bodies, even renamed: the region's body of its kind citing the list.
        cited = Organization.objects.filter(
            citations__source__slug=self.data.source["slug"],
            kind__in=KINDS.values(),
            region__in=[r.pk for r in regions.values()],
        )
        ours = set(cited.values_list("region", "kind"))
        # Any other record going by one of the body's names, in the same country.
        named = Organization.objects.filter(
            Q(name__in=names) | Q(short_name__in=names) | Q(name_en__in=names)
        ).values_list("country", "name", "short_name", "name_en")
        aliases = OrganizationAlias.objects.filter(name__in=names).values_list(
            "organization__country", "name"
        )
        taken = {(country, name) for country, *forms in named for name in forms if name}
        taken |= set(aliases)
        deleted = set(
            Organization.history.filter(history_type=DELETED, name__in=names).values_list(
                "country", "name"
            )
        )
        new, new_aliases = [], []
        for body in bodies:
            region, kind = regions[body.region], KINDS[body.role]
            country = region.country_id
            if (region.pk, kind) in ours or any(
                (country, name) in taken for name in (*body.names, body.name_en)
            ):
                self.report.present["bodies"] += 1
                continue
            if (country, body.name) in deleted:
                self.report.deleted["bodies"] += 1
                continue
            organization = Organization(
                name=body.name,
                name_en=body.name_en,
                short_name=body.short_name,
                short_name_en=body.short_name_en,
                kind=kind,
                country_id=country,
                region=region,
                state=PUBLISHED,
            )
            new.append(organization)
            new_aliases.append((organization, body.aliases))
        texts = [o.short_name or o.name for o in new]
        for organization, slug in zip(new, _unique_slugs(Organization, texts), strict=True):
            organization.slug = slug
        self._create(new, "bodies")
        aliases = [
            OrganizationAlias(organization=organization, name=alias)
            for organization, names in new_aliases
            for alias in names
        ]
        if aliases:
            bulk_create_with_history(aliases, OrganizationAlias, default_change_reason=self.reason)
        self._cite(new)
        # After the aliases: an organization is found by its aliases too.
        search.index(Organization.objects.filter(pk__in=[o.pk for o in new]))
