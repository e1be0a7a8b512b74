"""Synthetic demo data in the real shape, for trying the portal and measuring it at scale.

`demo_data_generate` writes every region of Russia and Kazakhstan that the database lacks,
then organizations, people with positions, delegations, events with participants,
agreements with parties, statements, partnerships and invitations, with bulk inserts, all
published. The same seed and scale give the same records. At scale 1 that is about 100 000
organizations, 50 000 people, 100 000 events, 300 000 participations and 20 000
agreements.

Every record written here cites one source of kind "synthetic": the public pages show
that citation, and `demo_data_remove` removes by it, leaving the editors' records alone.
Countries, industries and topics are the portal's own and are used, never written.
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from slugify import slugify

from .. import page_cache, search
from ..dates import Precision, truncate
from ..models import (
    SLUG_MAX_LENGTH,
    TRANSLITERATION,
    Agreement,
    AgreementParty,
    Citation,
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
    PublicationState,
    Region,
    RegionFact,
    Source,
    Statement,
    Topic,
)
from ..reference_data import reference

DATA_DIR = Path(settings.BASE_DIR) / "data"
PUBLISHED = PublicationState.PUBLISHED

# Records of each kind at scale 1; participations come with the events (three on average).
SCALE_1 = {
    "organization": 100_000,
    "person": 50_000,
    "delegation": 10_000,
    "event": 100_000,
    "agreement": 20_000,
    "statement": 30_000,
    "partnership": 20_000,
}
MAX_SCALE = 10

# Events fall between these dates; those after TODAY are planned. A fixed day rather than
# the real today, so that a seed gives the same data whenever it is run.
FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2027, 12, 31)
TODAY = dt.date(2026, 12, 1)

BATCH = 2000


class DemoDataError(Exception):
    """The demo data cannot be written or removed; the message says why."""


def demo_source_slug(scale, seed):
    return slugify(f"synthetic demo data scale {scale:g} seed {seed}")


def demo_data_present():
    """The synthetic sources in the database, newest first."""
    return Source.objects.filter(kind=Source.Kind.SYNTHETIC).order_by("-pk")


def demo_data_generate(*, scale=1.0, seed=1, progress=None):
    """Write synthetic demo data; returns a Counter of the rows written per kind.

    `progress(n, step)` is called as rows are written, with the number written since the
    last call and the name of the step. All or nothing: one transaction.
    """
    if not 0 < scale <= MAX_SCALE:
        raise DemoDataError(f"The scale must be above 0 and at most {MAX_SCALE}, not {scale}.")
    if demo_data_present().exists():
        raise DemoDataError(
            "Demo data is already in the database; remove it first "
            "(python manage.py remove_demo_data)."
        )
    countries = {c.code: c for c in Country.objects.filter(code__in=["RU", "KZ"])}
    industries = list(Industry.objects.published().order_by("pk"))
    topics = list(Topic.objects.published().order_by("pk"))
    if len(countries) < 2 or not industries or not topics:
        raise DemoDataError(
            "Demo data is built around the portal's own countries (RU, KZ), industries and "
            "topics; load them first (python manage.py load_articles)."
        )
    generator = _Generator(scale, seed, countries, industries, topics, progress)
    with transaction.atomic():
        generator.run()
    page_cache.content_changed()
    return generator.written


def expected_rows(scale):
    """About how many rows `demo_data_generate` writes, for a progress bar's total."""
    counts = {kind: round(n * scale) for kind, n in SCALE_1.items()}
    per_record = {  # rows written per record: itself, its citation, its parts and links
        "organization": 4,
        "person": 4.6,
        "delegation": 6,
        "event": 12.5,
        "agreement": 6,
        "statement": 3,
        "partnership": 2,
    }
    return int(sum(counts[kind] * per_record[kind] for kind in counts)) + 300


def _load(name):
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


class _Slugs:
    """Unique slugs for many new records of one model, without a query per record."""

    def __init__(self, model):
        self.used = set(model._default_manager.values_list("slug", flat=True))
        self.next = Counter()

    def __call__(self, text):
        base = slugify(text, max_length=100, replacements=TRANSLITERATION) or "record"
        candidate = base
        while candidate in self.used:
            self.next[base] += 1
            candidate = f"{base}-{self.next[base] + 1}"[:SLUG_MAX_LENGTH]
        self.used.add(candidate)
        return candidate


def _latin(text):
    return slugify(text, separator=" ", lowercase=False, replacements=TRANSLITERATION)


class _Generator:
    def __init__(self, scale, seed, countries, industries, topics, progress):
        self.rng = random.Random(seed)
        self.scale, self.seed = scale, seed
        self.counts = {kind: max(1, round(n * scale)) for kind, n in SCALE_1.items()}
        self.countries = countries
        self.industries, self.topics = industries, topics
        self.progress = progress or (lambda n, step: None)
        self.words = _load("demo/words.yaml")
        self.written = Counter()
        self.cited = defaultdict(list)  # model -> pks of the records written

    # --- plumbing ---

    def run(self):
        self.source = self._insert(
            [
                Source(
                    kind=Source.Kind.SYNTHETIC,
                    slug=demo_source_slug(self.scale, self.seed),
                    title=(
                        f"Синтетические демонстрационные данные "
                        f"(масштаб {self.scale:g}, зерно {self.seed})"
                    ),
                    title_en=f"Synthetic demo data (scale {self.scale:g}, seed {self.seed})",
                    language=Source.Language.RU,
                    text=(
                        "Эти записи созданы программой для демонстрации и измерения скорости "
                        "портала. Они не описывают реальных людей, организаций и событий."
                    ),
                    notes=f"manage.py generate_demo_data --scale {self.scale:g} --seed {self.seed}",
                    state=PUBLISHED,
                )
            ],
            "source",
        )[0]
        self.regions()
        self.organizations()
        self.people()
        self.delegations_and_events()
        self.agreements()
        self.statements()
        self.partnerships()
        self.invitations()
        self.citations()
        for model in self.cited:
            if hasattr(model, "search_fields"):
                search.index(model.objects.filter(pk__in=self._synthetic(model)))

    def _insert(self, objects, step):
        if not objects:
            return objects
        model = type(objects[0])
        for start in range(0, len(objects), BATCH):
            chunk = objects[start : start + BATCH]
            model._default_manager.bulk_create(chunk)
            self.progress(len(chunk), step)
        self.written[model._meta.model_name] += len(objects)
        if hasattr(model, "citations") and model is not Source:
            self.cited[model].extend(obj.pk for obj in objects)
        return objects

    def _synthetic(self, model):
        return Citation.objects.filter(
            source=self.source, content_type=ContentType.objects.get_for_model(model)
        ).values("object_id")

    def _links(self, field, pairs, step):
        """Rows of a many-to-many field's table from (owner pk, target pk) pairs."""
        through = field.remote_field.through
        owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [through(**{f"{owner}_id": a, f"{target}_id": b}) for a, b in dict.fromkeys(pairs)]
        self._insert(rows, step)

    def _pick_weighted(self, items, cum_weights):
        return self.rng.choices(items, cum_weights=cum_weights)[0]

    def _date(self, first=FIRST_DAY, last=LAST_DAY, weights=(90, 7, 3)):
        day = first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))
        precision = self.rng.choices([Precision.DAY, Precision.MONTH, Precision.YEAR], weights)[0]
        return truncate(day, precision), precision

    def _theme(self):
        return self.rng.choice(self.industries + self.topics).name

    # --- places ---

    def regions(self):
        """Every region of Russia and Kazakhstan in the reference list (data/reference/);
        those already here are used as they are."""
        rows = [row for row in reference().regions if row.country in self.countries]
        existing = {r.iso_code: r for r in Region.objects.exclude(iso_code="")}
        slugs = _Slugs(Region)
        new = []
        for row in rows:
            if row.iso_code not in existing:
                new.append(
                    Region(
                        country=self.countries[row.country],
                        iso_code=row.iso_code,
                        kind=row.kind,
                        name=row.name,
                        name_en=row.name_en,
                        capital=row.capital,
                        capital_en=row.capital_en,
                        slug=slugs(row.slug or row.name),
                        state=PUBLISHED,
                    )
                )
        self._insert(new, "regions")
        by_iso = {**existing, **{r.iso_code: r for r in new}}
        self.all_regions = [by_iso[row.iso_code] for row in rows]
        self.genitive = {by_iso[row.iso_code].pk: row.genitive for row in rows}
        self.city = {r.pk: r.capital or r.name for r in self.all_regions}
        # A few regions are busy and most are quiet, as in life: weights fall with rank.
        order = list(self.all_regions)
        self.rng.shuffle(order)
        self.weight = {r.pk: 1 / (rank + 1) ** 0.8 for rank, r in enumerate(order)}
        self.by_country = {
            code: [r for r in self.all_regions if r.country_id == country.pk]
            for code, country in self.countries.items()
        }
        self.cum = {}
        for code, regions in self.by_country.items():
            total, cum = 0, []
            for region in regions:
                total += self.weight[region.pk]
                cum.append(total)
            self.cum[code] = cum
        self.country_of = {r.pk: r.country_id for r in self.all_regions}
        self.code_of = {c.pk: code for code, c in self.countries.items()}

    def _region(self, code=None):
        code = code or self.rng.choices(["RU", "KZ"], [70, 30])[0]
        return self._pick_weighted(self.by_country[code], self.cum[code])

    def _partner_region(self, region):
        """Another region, in the other country more often than not."""
        own = self.code_of[region.country_id]
        code = ("KZ" if own == "RU" else "RU") if self.rng.random() < 0.6 else own
        for _attempt in range(10):
            partner = self._region(code)
            if partner.pk != region.pk:
                return partner
        return next(r for r in self.all_regions if r.pk != region.pk)

    # --- organizations and people ---

    def _brand(self, region):
        w, rng = self.words["brands"], self.rng
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(w["roots"]) + rng.choice(w["endings"])
        if roll < 0.5:
            return rng.choice(w["words"])
        if roll < 0.8:
            return f"{rng.choice(w['roots'])}{rng.choice(w['endings'])}-{self.city[region.pk]}"
        return f"{rng.choice(w['words'])}-{self.city[region.pk]}"

    def _industries_for(self, n):
        return self.rng.sample(self.industries, k=min(n, len(self.industries)))

    def organizations(self):
        rng, words = self.rng, self.words
        total = self.counts["organization"]
        templates = words["organizations"]
        # The region's own institutions (its ministry, chamber, legislature) once each, up to
        # 2 % of all organizations; everything else is a business or a named body.
        institutions = [
            (region, kind, template)
            for region in self.all_regions
            for kind, by_country in templates.items()
            for template in by_country[self.code_of[region.country_id]]
            if "{gen}" in template or "{city}" in template
        ]
        rng.shuffle(institutions)
        institutions = institutions[: max(1, total // 50)]
        named_kinds = ["holding", "cluster", "development", "forum_organiser", "association"]
        named_kinds += ["education", "other"]
        plan = [(region, kind, template) for region, kind, template in institutions]
        for _n in range(total - len(plan)):
            region = self._region()
            kind = rng.choices(["enterprise", *named_kinds], [84, 5, 1, 1, 1, 3, 3, 2])[0]
            plan.append((region, kind, None))
        slugs = _Slugs(Organization)
        first, enterprises = [], []
        for region, kind, template in plan:
            code = self.code_of[region.country_id]
            legal_form = ""
            if kind == "enterprise":
                name = self._brand(region)
                legal_form = rng.choice(words["legal_forms"][code])
            elif kind == "holding":
                brand = self._brand(region)
                name = rng.choice([f"Холдинг «{brand}»", f"Группа компаний «{brand}»"])
                legal_form = rng.choice(words["legal_forms"][code])
            else:
                options = [t for t in templates[kind][code] if "{brand}" in t]
                template = template or rng.choice(options or templates[kind][code])
                name = template.format(
                    gen=self.genitive[region.pk],
                    city=self.city[region.pk],
                    brand=self._brand(region),
                )
            theme = self._theme()
            description_kind = "business" if kind in Organization.BUSINESS_KINDS else "other"
            organization = Organization(
                name=name,
                kind=kind,
                legal_form=legal_form,
                country_id=region.country_id,
                region=region,
                description=rng.choice(words["descriptions"][description_kind]).format(
                    theme=theme, year=rng.randrange(1992, 2024)
                ),
                slug=slugs(name),
                state=PUBLISHED,
            )
            (enterprises if kind == "enterprise" else first).append(organization)
        self._insert(first, "organizations")
        holdings = defaultdict(list)
        for organization in first:
            if organization.kind == "holding":
                holdings[organization.country_id].append(organization.pk)
        for organization in enterprises:
            if holdings[organization.country_id] and rng.random() < 0.1:
                organization.parent_id = rng.choice(holdings[organization.country_id])
        self._insert(enterprises, "organizations")
        organizations = first + enterprises
        self.organizations_in = defaultdict(list)
        self.businesses_in = defaultdict(list)
        self.organization_kind = {}
        self.organization_name = {}
        self.organization_country = {}
        for organization in organizations:
            self.organization_country[organization.pk] = organization.country_id
            self.organizations_in[organization.region_id].append(organization.pk)
            if organization.kind in Organization.BUSINESS_KINDS:
                self.businesses_in[organization.region_id].append(organization.pk)
            self.organization_kind[organization.pk] = organization.kind
            self.organization_name[organization.pk] = (
                f"{organization.legal_form} «{organization.name}»"
                if organization.kind == "enterprise"
                else organization.name
            )
        self.business_pks = [o.pk for o in organizations if o.kind in Organization.BUSINESS_KINDS]
        self._insert(
            [
                OrganizationAlias(organization_id=o.pk, name=f"{o.legal_form} «{o.name}»")
                for o in enterprises
                if rng.random() < 0.1
            ],
            "organizations",
        )
        links = []
        for organization in organizations:
            n = rng.choice([1, 1, 2]) if organization.kind in ("enterprise", "holding") else 0
            if organization.kind in ("cluster", "association") or rng.random() < 0.1:
                n = max(n, 1)
            links.extend((organization.pk, i.pk) for i in self._industries_for(n))
        self._links(Organization._meta.get_field("industries"), links, "organizations")

    def _title(self, organization_pk):
        kind = self.organization_kind[organization_pk]
        titles = self.words["titles"]
        if kind in Organization.BUSINESS_KINDS:
            return self.rng.choice(titles["business"])
        return self.rng.choice(titles.get(kind, titles["public"]))

    def people(self):
        rng, names = self.rng, self.words["people"]
        slugs = _Slugs(Person)
        people, homes = [], []
        for _n in range(self.counts["person"]):
            region = self._region()
            code = self.code_of[region.country_id]
            if rng.random() < 0.1:  # Russians working in Kazakhstan and the other way round
                code = "KZ" if code == "RU" else "RU"
            male = rng.random() < 0.7
            words = names[code]
            first_name = rng.choice(words["male" if male else "female"])
            last_name = rng.choice(words["last"]) + ("" if male else "а")
            patronymic = rng.choice(words["patronymic"])[0 if male else 1]
            people.append(
                Person(
                    first_name=first_name,
                    last_name=last_name,
                    patronymic=patronymic,
                    first_name_en=_latin(first_name),
                    last_name_en=_latin(last_name),
                    slug=slugs(f"{first_name} {last_name}"),
                    state=PUBLISHED,
                )
            )
            homes.append(region)
        self._insert(people, "people")
        positions = []
        # Where each person works now: region -> [(person, position)], for events and
        # agreements to draw their participants and signatories from.
        self.people_in = defaultdict(list)
        self.people_at = defaultdict(list)
        for person, region in zip(people, homes, strict=True):
            code = self.code_of[region.country_id]
            organization_pk = None
            if self.organizations_in[region.pk] and rng.random() < 0.95:
                organization_pk = rng.choice(self.organizations_in[region.pk])
                title, title_en = self._title(organization_pk)
            else:
                title, title_en = rng.choice(self.words["titles"]["region"][code])
            start, start_precision = self._date(
                dt.date(2008, 1, 1), dt.date(2025, 12, 31), (15, 25, 60)
            )
            current = Position(
                person=person,
                organization_id=organization_pk,
                region=region,
                place_region=region,
                place_country_id=region.country_id,
                title=title,
                title_en=title_en,
                start_date=start,
                start_precision=start_precision,
                state=PUBLISHED,
            )
            positions.append(current)
            others = [pk for pk in self.organizations_in[region.pk] if pk != organization_pk]
            if others and rng.random() < 0.3 and start.year > 2001:
                earlier_pk = rng.choice(others)
                earlier_title, earlier_title_en = self._title(earlier_pk)
                earlier_start, earlier_precision = self._date(
                    dt.date(1998, 1, 1), dt.date(start.year - 2, 12, 31), (15, 25, 60)
                )
                end = truncate(start - dt.timedelta(days=1), start_precision, end=True)
                positions.append(
                    Position(
                        person=person,
                        organization_id=earlier_pk,
                        region=region,
                        place_region=region,
                        place_country_id=region.country_id,
                        title=earlier_title,
                        title_en=earlier_title_en,
                        start_date=earlier_start,
                        start_precision=earlier_precision,
                        end_date=max(end, earlier_start),
                        end_precision=start_precision,
                        state=PUBLISHED,
                    )
                )
        self._insert(positions, "people")
        for position in positions:
            if position.end_date is None:
                entry = (position.person_id, position.pk, position.title, position.title_en)
                self.people_in[position.region_id].append(entry)
                if position.organization_id:
                    self.people_at[position.organization_id].append(entry)
        self.everyone = [entry for entries in self.people_in.values() for entry in entries]

    # --- what happened ---

    def _people_from(self, region, n, taken):
        pool = self.people_in[region.pk] or self.everyone
        chosen = []
        if not pool:
            return chosen
        for _attempt in range(n * 3):
            if len(chosen) == n:
                break
            entry = self.rng.choice(pool)
            if entry[0] not in taken:
                taken.add(entry[0])
                chosen.append(entry)
        return chosen

    def delegations_and_events(self):
        rng, words = self.rng, self.words
        slugs = _Slugs(Delegation)
        delegations, visits = [], []
        for _n in range(self.counts["delegation"]):
            home = self._region()
            host = self._partner_region(home)
            start, precision = self._date(weights=(92, 8, 0))
            end = None
            if precision == Precision.DAY and rng.random() < 0.7:
                end = start + dt.timedelta(days=rng.randrange(1, 4))
            taken = set()
            travellers = self._people_from(home, rng.randrange(2, 6), taken)
            theme = self._theme()
            title = rng.choice(words["delegations"]["titles"]).format(
                gen_a=self.genitive[home.pk], b=host.name
            )
            delegation = Delegation(
                title=title,
                home_country_id=home.country_id,
                home_region=home,
                host_country_id=host.country_id,
                host_region=host,
                head_id=travellers[0][0] if travellers else None,
                start_date=start,
                start_precision=precision,
                end_date=truncate(end, precision, end=True) if end else None,
                end_precision=precision,
                purpose=rng.choice(words["delegations"]["purposes"]).format(theme=theme),
                slug=slugs(f"{title} {start:%Y}"),
                state=PUBLISHED,
            )
            delegations.append(delegation)
            visits.append((home, host, travellers))
        self._insert(delegations, "delegations")
        members, delegation_organizations = [], []
        plans = []  # (delegation, location, partner, [(person entry, side)], start, precision)
        for delegation, (home, host, travellers) in zip(delegations, visits, strict=True):
            members.extend((delegation.pk, entry[0]) for entry in travellers)
            pool = self.organizations_in[home.pk]
            for pk in rng.sample(pool, k=min(rng.randrange(3), len(pool))):
                delegation_organizations.append((delegation.pk, pk))
            last = delegation.end_date or delegation.start_date
            for _n in range(rng.choice([1, 2, 2, 3, 4])):
                if delegation.start_precision == Precision.DAY:
                    day = delegation.start_date + dt.timedelta(
                        days=rng.randrange((last - delegation.start_date).days + 1)
                    )
                else:
                    day = delegation.start_date
                taken = {entry[0] for entry in travellers}
                hosts = self._people_from(host, rng.randrange(1, 4), taken)
                sides = [(entry, home) for entry in travellers[: rng.randrange(1, 4)]]
                sides += [(entry, host) for entry in hosts]
                plans.append((delegation, host, home, sides, day, delegation.start_precision))
        self._links(Delegation._meta.get_field("members"), members, "delegations")
        self._links(
            Delegation._meta.get_field("organizations"), delegation_organizations, "delegations"
        )
        while len(plans) < self.counts["event"]:
            location = self._region()
            partner = self._partner_region(location)
            taken = set()
            sides = [
                (e, location) for e in self._people_from(location, rng.choice([1, 1, 2, 2]), taken)
            ]
            sides += [
                (e, partner) for e in self._people_from(partner, rng.choice([1, 1, 2, 2]), taken)
            ]
            day, precision = self._date()
            plans.append((None, location, partner, sides, day, precision))
        self._events(plans[: self.counts["event"]])

    def _events(self, plans):
        rng, words = self.rng, self.words["events"]
        slugs = _Slugs(Event)
        kinds = [
            "meeting",
            "round_table",
            "forum",
            "official_visit",
            "signing",
            "ceremony",
            "other",
        ]
        events = []
        for delegation, location, partner, _sides, day, precision in plans:
            kind = rng.choices(kinds, [40, 15, 10, 10, 12, 5, 8])[0]
            if delegation is not None and kind == "forum":
                kind = "meeting"
            end = None
            if kind == "forum" and precision == Precision.DAY:
                end = day + dt.timedelta(days=rng.randrange(1, 3))
            last = end or truncate(day, precision, end=True)
            if last < TODAY:
                status = Event.Status.CANCELLED if rng.random() < 0.03 else Event.Status.HELD
            else:
                status = Event.Status.CANCELLED if rng.random() < 0.05 else Event.Status.PLANNED
            theme = self._theme()
            title = rng.choice(words[kind]).format(
                a=location.name,
                b=partner.name,
                gen_a=self.genitive[partner.pk],
                theme=theme,
                brand=self._brand(location),
                year=day.year,
            )
            attendance = None
            note = ""
            if kind in ("forum", "round_table") and rng.random() < 0.6:
                attendance = rng.randrange(2, 60) * (10 if kind == "forum" else 1) + 5
                note = rng.choice(words["attendance"]).format(n=attendance)
            events.append(
                Event(
                    kind=kind,
                    title=title,
                    start_date=day,
                    start_precision=precision,
                    end_date=end,
                    end_precision=Precision.DAY,
                    status=status,
                    region=location,
                    city=self.city[location.pk],
                    venue=rng.choice(words["venues"]) if rng.random() < 0.3 else "",
                    delegation=delegation,
                    attendance=attendance,
                    attendance_note=note,
                    summary=rng.choice(words["summaries"]).format(theme=theme),
                    slug=slugs(f"{title} {day:%Y}"),
                    state=PUBLISHED,
                )
            )
        self._insert(events, "events")
        participations, organizations, regions, countries = [], [], [], []
        industries, topics = [], []
        self.participants = {}
        self.signings = []
        for event, (delegation, location, partner, sides, _day, _precision) in zip(
            events, plans, strict=True
        ):
            for order, ((person_pk, position_pk, title, title_en), side) in enumerate(sides):
                participations.append(
                    Participation(
                        event=event,
                        person_id=person_pk,
                        position_id=position_pk,
                        role=title,
                        role_en=title_en,
                        side=side,
                        side_country_id=side.country_id,
                        order=order,
                    )
                )
            self.participants[event.pk] = [entry[0] for entry, _side in sides]
            chosen = []
            for region in (location, partner):
                pool = self.organizations_in[region.pk]
                chosen += rng.sample(pool, k=min(rng.choice([0, 1, 1, 2]), len(pool)))
            for n, pk in enumerate(dict.fromkeys(chosen)):
                role = EventOrganization.Role.HOST if n == 0 and rng.random() < 0.3 else None
                organizations.append(
                    EventOrganization(
                        event=event,
                        organization_id=pk,
                        role=role or EventOrganization.Role.PARTICIPANT,
                    )
                )
            # What Event.refresh_regions() would store, without a query per event: where it
            # was held, its participants' sides, its delegation's home and host.
            involved = {location.pk} | {side.pk for _entry, side in sides}
            if delegation is not None:
                involved |= {delegation.home_region_id, delegation.host_region_id}
            regions.extend((event.pk, pk) for pk in sorted(involved))
            countries.extend(
                (event.pk, pk) for pk in sorted({self.country_of[pk] for pk in involved})
            )
            n = rng.choice([0, 1, 1, 1, 2])
            industries.extend((event.pk, i.pk) for i in self._industries_for(n))
            topics.extend(
                (event.pk, t.pk) for t in rng.sample(self.topics, k=rng.choice([0, 1, 1, 2]))
            )
            if event.kind == "signing":
                self.signings.append((event, location, partner))
        self.events = events
        self._insert(participations, "events")
        self._insert(organizations, "events")
        self._links(Event._meta.get_field("regions"), regions, "events")
        self._links(Event._meta.get_field("countries"), countries, "events")
        self._links(Event._meta.get_field("industries"), industries, "events")
        self._links(Event._meta.get_field("topics"), topics, "events")

    def agreements(self):
        rng, words = self.rng, self.words["agreements"]
        slugs = _Slugs(Agreement)
        kinds = ["cooperation", "memorandum", "contract", "road_map", "protocol"]
        agreements, sides = [], []
        # A pair of regions without organizations gives no agreement: another pair is tried.
        for _attempt in range(self.counts["agreement"] * 10):
            if len(agreements) == self.counts["agreement"]:
                break
            event = None
            if self.signings and rng.random() < 0.35:
                event, a, b = rng.choice(self.signings)
                day, precision = event.start_date, event.start_precision
            else:
                a = self._region()
                b = self._partner_region(a)
                day, precision = self._date(last=TODAY - dt.timedelta(days=1), weights=(85, 10, 5))
            parties = []
            for region in (a, b):
                pool = self.businesses_in[region.pk] or self.organizations_in[region.pk]
                if pool:
                    parties.append(rng.choice(pool))
            parties = list(dict.fromkeys(parties))
            if not parties:
                continue
            kind = rng.choices(kinds, [50, 20, 15, 10, 5])[0]
            names = [self.organization_name[pk] for pk in parties]
            title = words[kind].format(a=names[0], b=names[-1] if len(names) > 1 else b.name)
            agreements.append(
                Agreement(
                    title=title[:300],
                    kind=kind,
                    signed_date=day,
                    signed_precision=precision,
                    signed_at=event,
                    status=rng.choices(
                        ["signed", "in_force", "completed", "terminated"], [50, 35, 10, 5]
                    )[0],
                    summary=rng.choice(words["summaries"]).format(theme=self._theme()),
                    slug=slugs(f"{title[:90]} {day:%Y}"),
                    state=PUBLISHED,
                )
            )
            sides.append(parties)
        self._insert(agreements, "agreements")
        parties, industries, topics = [], [], []
        for agreement, organizations in zip(agreements, sides, strict=True):
            for order, pk in enumerate(organizations):
                signatory = rng.choice(self.people_at[pk]) if self.people_at[pk] else None
                parties.append(
                    AgreementParty(
                        agreement=agreement,
                        organization_id=pk,
                        signatory_id=signatory[0] if signatory else None,
                        signatory_title=signatory[2] if signatory else "",
                        signatory_title_en=signatory[3] if signatory else "",
                        order=order,
                    )
                )
            industries.extend(
                (agreement.pk, i.pk) for i in self._industries_for(rng.choice([1, 1, 2]))
            )
            topics.extend(
                (agreement.pk, t.pk) for t in rng.sample(self.topics, k=rng.choice([0, 1]))
            )
        self._insert(parties, "agreements")
        self._links(Agreement._meta.get_field("industries"), industries, "agreements")
        self._links(Agreement._meta.get_field("topics"), topics, "agreements")

    def statements(self):
        rng, words = self.rng, self.words["statements"]
        held = [e for e in self.events if e.status == Event.Status.HELD and self.participants[e.pk]]
        statements, topics = [], []
        for n in range(min(self.counts["statement"], len(held) * 3)):
            event = rng.choice(held)
            verbatim = rng.random() < 0.55
            text = rng.choice(words["verbatim" if verbatim else "reported"])
            statements.append(
                Statement(
                    speaker_id=rng.choice(self.participants[event.pk]),
                    event=event,
                    text=text.format(theme=self._theme(), b=event.region.name),
                    is_verbatim=verbatim,
                    position=n % 5,
                    state=PUBLISHED,
                )
            )
        self._insert(statements, "statements")
        for statement in statements:
            if rng.random() < 0.4:
                topics.append((statement.pk, rng.choice(self.topics).pk))
        self._links(Statement._meta.get_field("topics"), topics, "statements")

    def partnerships(self):
        rng = self.rng
        kinds = [k for k, _label in Partnership.Kind.choices]
        seen, partnerships = set(), []
        codes = {code: c.pk for code, c in self.countries.items()}
        regions_of = {code: self.by_country[code] for code in codes}
        if not self.business_pks:
            return
        for _n in range(self.counts["partnership"]):
            organization_pk = rng.choice(self.business_pks)
            own = self.code_of[self.organization_country[organization_pk]]
            code = ("KZ" if own == "RU" else "RU") if rng.random() < 0.75 else own
            kind = rng.choices(kinds, [35, 10, 10, 20, 10, 15])[0]
            key = (organization_pk, code, kind)
            if key in seen:
                continue
            seen.add(key)
            region = rng.choice(regions_of[code]) if rng.random() < 0.6 else None
            partner = None
            if region is not None and self.businesses_in[region.pk] and rng.random() < 0.25:
                partner = rng.choice(self.businesses_in[region.pk])
                partner = None if partner == organization_pk else partner
            partnerships.append(
                Partnership(
                    organization_id=organization_pk,
                    partner_country_id=codes[code],
                    partner_region=region,
                    partner_organization_id=partner,
                    kind=kind,
                    description=f"Сотрудничество в сфере «{self._theme()}».",
                    state=PUBLISHED,
                )
            )
        self._insert(partnerships, "partnerships")

    def invitations(self):
        rng = self.rng
        forums = [e for e in self.events if e.kind == "forum" and e.status == Event.Status.PLANNED]
        invitations = []
        for event in forums:
            for region in rng.sample(self.all_regions, k=rng.randrange(1, 4)):
                if region.pk == event.region_id:
                    continue
                people = self.participants[event.pk]
                invitations.append(
                    Invitation(
                        event=event,
                        invited_region=region,
                        invited_by_id=people[0] if people else None,
                        note="Приглашение принять участие в форуме.",
                        state=PUBLISHED,
                    )
                )
        self._insert(invitations, "invitations")

    def citations(self):
        citations = []
        for model, pks in self.cited.items():
            content_type = ContentType.objects.get_for_model(model)
            citations.extend(
                Citation(source=self.source, content_type=content_type, object_id=pk) for pk in pks
            )
        self._insert(citations, "citations")


# --- removal ---------------------------------------------------------------------------

# Records that cite sources, the ones that refer to others first.
REMOVAL_ORDER = [
    Invitation,
    Statement,
    Partnership,
    Agreement,
    Event,
    Delegation,
    Position,
    Person,
    Organization,
    RegionFact,
    Region,
]


def demo_data_remove(*, progress=None):
    """Delete every record that cites a synthetic source, and those sources.

    Their parts (participants, parties, aliases) and links go with them; a record of the
    editors' that still refers to a synthetic one stops the removal, which then changes
    nothing. Returns a Counter of the rows deleted per kind.
    """
    progress = progress or (lambda n, step: None)
    sources = demo_data_present()
    deleted = Counter()
    try:
        with transaction.atomic():
            for model in REMOVAL_ORDER:
                synthetic = Citation.objects.filter(
                    source__in=sources, content_type=ContentType.objects.get_for_model(model)
                ).values("object_id")
                for related, field, action in _dependents(model):
                    rows = related._default_manager.filter(**{f"{field}__in": synthetic})
                    n = rows.update(**{field: None}) if action == "null" else _delete(rows)
                    if action == "delete":
                        deleted[related._meta.model_name] += n
                rows = model._default_manager.filter(pk__in=synthetic)
                n = _delete(rows)
                deleted[model._meta.model_name] += n
                progress(n, model._meta.verbose_name_plural)
            # Citations of the removed records, whichever source they cite.
            for model in REMOVAL_ORDER:
                content_type = ContentType.objects.get_for_model(model)
                orphans = Citation.objects.filter(content_type=content_type).exclude(
                    object_id__in=model._default_manager.values("pk")
                )
                deleted["citation"] += _delete(orphans)
            deleted["citation"] += _delete(Citation.objects.filter(source__in=sources))
            deleted["source"] += _delete(Source.objects.filter(kind=Source.Kind.SYNTHETIC))
            # Links are checked when the transaction ends; checked here, a link from an
            # editor's record stops the removal inside it, so that all of it is undone.
            connection.check_constraints()
    except IntegrityError as exc:
        raise DemoDataError(
            "The demo data was not removed: records entered by editors refer to it "
            f"({exc}). Unlink them first; nothing was deleted."
        ) from exc
    page_cache.content_changed()
    return deleted


def _delete(queryset):
    # A plain DELETE: these rows have no history to keep (bulk inserts wrote none), and
    # loading hundreds of thousands of them to send signals would take minutes.
    return queryset._raw_delete(queryset.db)


def _dependents(model):
    """(model, field, "delete" | "null") for what refers to `model` and goes or lets go.

    Parts of a whole (CASCADE) and rows of many-to-many tables are deleted; SET_NULL links
    are cleared; PROTECT links are left for the database to check.
    """
    result = []
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            field = relation.field.m2m_reverse_field_name()
            result.append((through, field, "delete"))
        elif relation.on_delete is models.CASCADE:
            result.append((relation.related_model, relation.field.name, "delete"))
        elif relation.on_delete is models.SET_NULL:
            result.append((relation.related_model, relation.field.name, "null"))
    for field in model._meta.local_many_to_many:
        result.append((field.remote_field.through, field.m2m_field_name(), "delete"))
    return result
