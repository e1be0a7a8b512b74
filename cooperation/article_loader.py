"""Writes that span several models.

`article_load` turns one reviewed data file (data/articles/*.yaml) into published records
that cite the article. A file whose source is already in the database is left alone, so
that set-up never undoes what editors did since; `update=True` brings the database in line
with the file: records are matched by slug or natural key and saved only where a value
differs, and the facts and statements the file no longer has are removed.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nh3
import yaml
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .dates import PartialDate
from .models import (
    SOURCE_TAGS,
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
    PublicationState,
    Publishable,
    Record,
    Region,
    RegionFact,
    Source,
    Statement,
    Topic,
)

# Written to each record's history, so that editors see where a version came from; in the
# site's language, as the history stores the text.
LOADED_REASON = _("Loaded from the article's data file")


def _loaded_reason():
    with translation.override(settings.LANGUAGE_CODE):
        return str(LOADED_REASON)


class ArticleDataError(Exception):
    """The data file says something that cannot be loaded; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    skipped: bool = False

    def __str__(self):
        if self.skipped:
            return "already loaded, left as editors keep it (--update to apply the file)"

        def _fmt(counter):
            return ", ".join(f"{name} {n}" for name, n in sorted(counter.items())) or "nothing"

        text = f"created: {_fmt(self.created)}; updated: {_fmt(self.updated)}"
        return text + (f"; removed: {_fmt(self.deleted)}" if self.deleted else "")


def article_load(*, path, update=False):
    """Load one article's data file; all or nothing."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ArticleDataError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise ArticleDataError(f"{path.name}: expected a mapping with a 'source' section")
    slug = data["source"].get("slug")
    if not update and Source.objects.filter(slug=slug).exists():
        return LoadReport(skipped=True)
    loader = _ArticleLoader(path, data)
    with transaction.atomic():
        loader.run()
    return loader.report


def _normalized(text):
    return re.sub(r"\s+", " ", text).strip()


class _ArticleLoader:
    def __init__(self, path, data):
        self.path = path
        self.data = data
        self.report = LoadReport()
        self.source = None
        self._source_text = ""
        self._cache = {}
        self._statements = {}  # event -> primary keys of its statements in this file

    def run(self):
        self._load_source(self.data["source"])
        for section in (
            "countries",
            "industries",
            "topics",
            "regions",
            "organizations",
            "people",
            "delegations",
            "events",
            "invitations",
            "agreements",
            "commitments",
            "progress",
            "statements",
            "partnerships",
        ):
            handler = getattr(self, f"_load_{section}")
            for index, item in enumerate(self.data.get(section) or []):
                where = f"{self.path.name}: {section}[{index}]"
                try:
                    handler(item, where)
                except ValidationError as exc:
                    raise ArticleDataError(f"{where}: {_messages(exc)}") from exc
                except KeyError as exc:
                    raise ArticleDataError(f"{where}: missing field {exc}") from exc
        for event, kept in self._statements.items():
            self._prune(Statement.objects.filter(event=event), kept)

    # --- generic machinery ---------------------------------------------------------------

    def _upsert(self, model, lookup, values, *, m2m=None):
        values = dict(values)
        obj = model._default_manager.filter(**lookup).first()
        name = model._meta.model_name
        created = obj is None
        if created:
            if issubclass(model, Publishable):
                values.setdefault("state", PublicationState.PUBLISHED)
            obj = model(**lookup, **values)
            obj.full_clean()
            obj._change_reason = _loaded_reason()
            obj.save()
            self.report.created[name] += 1
        else:
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                obj.full_clean()
                obj._change_reason = _loaded_reason()
                obj.save()
                self.report.updated[name] += 1
        for relation, targets in (m2m or {}).items():
            manager = getattr(obj, relation)
            wanted = {t.pk for t in targets}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(targets)
                if not created:
                    self.report.updated[f"{name}.{relation}"] += 1
        return obj

    def _cite(self, obj, item, where):
        """Every fact-bearing record cites the article, with the passage when given."""
        quote = _normalized(str(item.get("quote", "")))
        if quote and quote not in self._source_text:
            raise ArticleDataError(f"{where}: the quote is not in the article's text: {quote!r}")
        self._upsert(
            Citation,
            {
                "source": self.source,
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": obj.pk,
            },
            {"quote": quote},
        )

    def _prune(self, queryset, kept):
        """Remove the records this article gave that its file no longer has."""
        stale = queryset.filter(citations__source=self.source).exclude(pk__in=kept)
        for obj in stale:
            obj.citations.all().delete()
            obj.delete()
            self.report.deleted[obj._meta.model_name] += 1

    def _save_record(self, model, lookup, values, item, where, *, m2m=None):
        obj = self._upsert(model, lookup, values, m2m=m2m)
        if isinstance(obj, Record):
            self._cite(obj, item, where)
        return obj

    def _ref(self, model, key, where, *, field_name="slug"):
        if key in (None, ""):
            return None
        cache_key = (model, field_name, key)
        if cache_key not in self._cache:
            try:
                self._cache[cache_key] = model._default_manager.get(**{field_name: key})
            except model.DoesNotExist:
                label = model._meta.model_name
                raise ArticleDataError(f"{where}: no {label} with {field_name} {key!r}") from None
        return self._cache[cache_key]

    def _lookup(self, model, slug, natural):
        """How to find the record an item describes: by its slug, else by its natural key
        (`natural`), so that a record the database has under another slug (a region of the
        reference list, a body an editor entered) is matched rather than made twice."""
        manager = model._default_manager
        if not manager.filter(slug=slug).exists():
            match = manager.filter(**natural).first()
            if match is not None:
                return {"pk": match.pk}
        return {"slug": slug}

    def _known_as(self, model, slug, obj):
        """Later items refer to `obj` by the slug this file gives it."""
        self._cache[(model, "slug", slug)] = obj

    def _refs(self, model, keys, where):
        return [self._ref(model, key, where) for key in keys or []]

    def _industries_and_topics(self, item, where):
        return {
            "industries": self._refs(Industry, item.get("industries"), where),
            "topics": self._refs(Topic, item.get("topics"), where),
        }

    def _country(self, code, where):
        return self._ref(Country, code, where, field_name="code")

    def _partial(self, value, where):
        if value in (None, ""):
            return None
        try:
            return PartialDate.parse(str(value))
        except ValueError as exc:
            raise ArticleDataError(f"{where}: {exc}") from None

    def _dates(self, item, where):
        values = {}
        for name in ("start", "end"):
            partial = self._partial(item.get(name), where)
            if partial is None:
                values[f"{name}_date"] = None
            else:
                values[f"{name}_date"] = partial.last_day() if name == "end" else partial.date
                values[f"{name}_precision"] = partial.precision
        return values

    @staticmethod
    def _text(item, *names):
        return {name: str(item.get(name) or "").strip() for name in names}

    # --- sections ------------------------------------------------------------------------

    def _load_source(self, item):
        where = f"{self.path.name}: source"
        text_file = item.get("text_file")
        text = (self.path.parent / text_file).read_text(encoding="utf-8") if text_file else ""
        # Compare with the text as it is stored (sanitized), so that a reload changes nothing.
        text = nh3.clean(text.strip(), tags=SOURCE_TAGS)
        published = item.get("published_on")
        values = {
            **self._text(item, "title", "title_en", "publisher", "url", "photo_credits", "notes"),
            "kind": item.get("kind", Source.Kind.NEWS),
            "language": item.get("language", Source.Language.RU),
            "published_on": self._partial(published, where).date if published else None,
            "text": text,
        }
        try:
            self.source = self._upsert(Source, {"slug": item["slug"]}, values)
        except ValidationError as exc:
            raise ArticleDataError(f"{where}: {_messages(exc)}") from exc
        # Quotes are plain text; the stored text has & and < escaped.
        self._source_text = _normalized(html.unescape(self.source.text))

    def _load_countries(self, item, where):
        self._upsert(Country, {"code": item["code"]}, self._text(item, "name", "name_en"))

    def _load_industries(self, item, where):
        values = self._text(item, "name", "name_en", "code", "description")
        values["parent"] = self._ref(Industry, item.get("parent"), where)
        self._upsert(Industry, {"slug": item["slug"]}, values)

    def _load_topics(self, item, where):
        values = self._text(item, "name", "name_en", "description")
        self._upsert(Topic, {"slug": item["slug"]}, values)

    def _load_regions(self, item, where):
        values = {
            **self._text(
                item,
                "name",
                "name_en",
                "kind",
                "iso_code",
                "capital",
                "capital_en",
                "summary",
                "summary_en",
            ),
            "country": self._country(item["country"], where),
            "established_year": item.get("established_year"),
        }
        industries = self._refs(Industry, item.get("industries"), where)
        natural = (
            {"iso_code": values["iso_code"]}
            if values["iso_code"]
            else {"country": values["country"], "name": values["name"]}
        )
        region = self._save_record(
            Region,
            self._lookup(Region, item["slug"], natural),
            values,
            item,
            where,
            m2m={"industries": industries},
        )
        self._known_as(Region, item["slug"], region)
        kept = []
        for position, fact in enumerate(item.get("facts") or []):
            fact_where = f"{where}.facts[{position}]"
            obj = self._save_record(
                RegionFact,
                {"region": region, "text": str(fact["text"]).strip()},
                {"text_en": str(fact.get("text_en") or "").strip(), "position": position},
                fact,
                fact_where,
            )
            kept.append(obj.pk)
        self._prune(region.facts.all(), kept)

    def _load_organizations(self, item, where):
        region = self._ref(Region, item.get("region"), where)
        country = self._country(item.get("country"), where) if item.get("country") else None
        values = {
            **self._text(
                item,
                "name",
                "name_en",
                "short_name",
                "short_name_en",
                "kind",
                "legal_form",
                "website",
                "description",
                "description_en",
            ),
            "region": region,
            "country": country or (region.country if region else None),
            "parent": self._ref(Organization, item.get("parent"), where),
        }
        if region is None:
            # Only the country is known: the region stays as saving derives it from the
            # name (Organization.fill_place), so that loading again finds nothing changed.
            del values["region"]
        industries = self._refs(Industry, item.get("industries"), where)
        natural = {"name": values["name"], "country": values["country"]}
        organization = self._save_record(
            Organization,
            self._lookup(Organization, item["slug"], natural),
            values,
            item,
            where,
            m2m={"industries": industries},
        )
        self._known_as(Organization, item["slug"], organization)
        for alias in item.get("aliases") or []:
            self._upsert(OrganizationAlias, {"organization": organization, "name": alias}, {})

    def _load_people(self, item, where):
        values = self._text(
            item,
            "first_name",
            "last_name",
            "patronymic",
            "first_name_en",
            "last_name_en",
            "bio",
            "bio_en",
        )
        person = self._save_record(Person, {"slug": item["slug"]}, values, item, where)
        for index, position in enumerate(item.get("positions") or []):
            position_where = f"{where}.positions[{index}]"
            values = {
                "title_en": str(position.get("title_en") or ""),
                "organization": self._ref(Organization, position.get("organization"), where),
                "region": self._ref(Region, position.get("region"), where),
                "country": self._country(position.get("country"), where)
                if position.get("country")
                else None,
                **self._dates(position, position_where),
            }
            self._save_record(
                Position,
                {"person": person, "title": position["title"]},
                values,
                position,
                position_where,
            )

    def _load_delegations(self, item, where):
        home_region = self._ref(Region, item.get("home_region"), where)
        host_region = self._ref(Region, item.get("host_region"), where)
        values = {
            **self._text(item, "title", "title_en", "purpose", "purpose_en"),
            "home_region": home_region,
            "host_region": host_region,
            "home_country": self._country(item["home_country"], where)
            if item.get("home_country")
            else home_region.country,
            "host_country": self._country(item["host_country"], where)
            if item.get("host_country")
            else host_region.country,
            "head": self._ref(Person, item.get("head"), where),
            **self._dates(item, where),
        }
        self._save_record(
            Delegation,
            {"slug": item["slug"]},
            values,
            item,
            where,
            m2m={
                "members": self._refs(Person, item.get("members"), where),
                "organizations": self._refs(Organization, item.get("organizations"), where),
            },
        )

    def _load_events(self, item, where):
        values = {
            **self._text(
                item,
                "kind",
                "title",
                "title_en",
                "status",
                "city",
                "city_en",
                "venue",
                "venue_en",
                "attendance_note",
                "attendance_note_en",
                "summary",
                "summary_en",
            ),
            "region": self._ref(Region, item.get("region"), where),
            "delegation": self._ref(Delegation, item.get("delegation"), where),
            "attendance": item.get("attendance"),
            **self._dates(item, where),
        }
        event = self._save_record(
            Event,
            {"slug": item["slug"]},
            values,
            item,
            where,
            m2m=self._industries_and_topics(item, where),
        )
        for order, participant in enumerate(item.get("participants") or []):
            p_where = f"{where}.participants[{order}]"
            person = self._ref(Person, participant["person"], p_where)
            position = None
            if participant.get("position"):
                position = Position.objects.filter(
                    person=person, title=participant["position"]
                ).first()
                if position is None:
                    raise ArticleDataError(
                        f"{p_where}: {person.slug} has no position {participant['position']!r}"
                    )
            side = self._ref(Region, participant.get("side"), p_where)
            side_country = (
                self._country(participant["side_country"], p_where)
                if participant.get("side_country")
                else (side.country if side else None)
            )
            self._upsert(
                Participation,
                {"event": event, "person": person},
                {
                    "position": position,
                    "role": str(participant.get("role") or (position.title if position else "")),
                    "role_en": str(
                        participant.get("role_en") or (position.title_en if position else "")
                    ),
                    "side": side,
                    "side_country": side_country,
                    "order": order,
                },
            )
        for entry in item.get("organizations") or []:
            self._upsert(
                EventOrganization,
                {
                    "event": event,
                    "organization": self._ref(Organization, entry["organization"], where),
                },
                {"role": entry.get("role", EventOrganization.Role.PARTICIPANT)},
            )

    def _load_invitations(self, item, where):
        event = self._ref(Event, item["event"], where)
        lookup = {
            "event": event,
            "invited_region": self._ref(Region, item.get("invited_region"), where),
            "invited_organization": self._ref(
                Organization, item.get("invited_organization"), where
            ),
        }
        values = {
            "invited_by": self._ref(Person, item.get("invited_by"), where),
            "extended_at": self._ref(Event, item.get("extended_at"), where),
            "note": str(item.get("note") or ""),
            "note_en": str(item.get("note_en") or ""),
        }
        self._save_record(Invitation, lookup, values, item, where)

    def _load_agreements(self, item, where):
        signed = self._partial(item.get("signed"), where)
        values = {
            **self._text(item, "kind", "title", "title_en", "status", "summary", "summary_en"),
            "signed_date": signed.date if signed else None,
            "signed_at": self._ref(Event, item.get("signed_at"), where),
            "auto_extends": bool(item.get("auto_extends", False)),
            # An agreement named here is loaded earlier in the file, or is in the database.
            **{
                link: self._ref(Agreement, item.get(link), where)
                for link in ("implements", "replaces", "amends")
            },
        }
        if signed:
            values["signed_precision"] = signed.precision
        for name, end in (("valid_from", False), ("valid_until", True)):
            partial = self._partial(item.get(name), where)
            values[name] = (partial.last_day() if end else partial.date) if partial else None
            if partial:
                values[f"{name}_precision"] = partial.precision
        agreement = self._save_record(
            Agreement,
            {"slug": item["slug"]},
            values,
            item,
            where,
            m2m=self._industries_and_topics(item, where),
        )
        for order, party in enumerate(item.get("parties") or []):
            p_where = f"{where}.parties[{order}]"
            self._upsert(
                AgreementParty,
                {
                    "agreement": agreement,
                    "organization": self._ref(Organization, party["organization"], p_where),
                },
                {
                    "signatory": self._ref(Person, party.get("signatory"), p_where),
                    "signatory_title": str(party.get("signatory_title") or ""),
                    "signatory_title_en": str(party.get("signatory_title_en") or ""),
                    "order": order,
                },
            )

    def _commitment(self, item, where):
        """A commitment named by its agreement's slug and its item number."""
        agreement = self._ref(Agreement, item["agreement"], where)
        number = str(item["number"]).strip()
        key = (Commitment, "number", (agreement.pk, number))
        if key not in self._cache:
            found = Commitment.objects.filter(agreement=agreement, number=number).first()
            if found is None:
                raise ArticleDataError(
                    f"{where}: {agreement.slug} has no commitment numbered {number!r}"
                )
            self._cache[key] = found
        return self._cache[key]

    def _load_commitments(self, item, where):
        # Known by agreement and item number, as road maps number their items.
        due = self._partial(item.get("due"), where)
        values = {
            **self._text(item, "text", "text_en"),
            "due_date": due.last_day() if due else None,
            "order": int(item.get("order", 0)),
        }
        if due:
            values["due_precision"] = due.precision
        agreement = self._ref(Agreement, item["agreement"], where)
        number = str(item["number"]).strip()
        commitment = self._save_record(
            Commitment,
            {"agreement": agreement, "number": number},
            values,
            item,
            where,
            m2m={
                "responsible": self._refs(Organization, item.get("responsible"), where),
                **self._industries_and_topics(item, where),
                "events": self._refs(Event, item.get("events"), where),
                "delegations": self._refs(Delegation, item.get("delegations"), where),
            },
        )
        self._cache[(Commitment, "number", (agreement.pk, number))] = commitment

    def _load_progress(self, item, where):
        # A later article reports on a commitment an earlier one (or an editor) recorded.
        when = self._partial(item["date"], where)
        self._save_record(
            ProgressUpdate,
            {
                "commitment": self._commitment(item, where),
                "date": when.date,
                "status": str(item["status"]).strip(),
            },
            {"precision": when.precision, **self._text(item, "note", "note_en")},
            item,
            where,
        )

    def _load_statements(self, item, where):
        # A statement is known by its event, speaker and words; reworded in the file, it
        # replaces the old wording (which is removed once the whole file is loaded).
        event = self._ref(Event, item.get("event"), where)
        kept = self._statements.setdefault(event, [])
        lookup = {
            "event": event,
            "speaker": self._ref(Person, item["speaker"], where),
            "text": str(item["text"]).strip(),
        }
        values = {
            "text_en": str(item.get("text_en") or "").strip(),
            "is_verbatim": bool(item.get("verbatim", False)),
            "position": len(kept),
        }
        statement = self._save_record(
            Statement,
            lookup,
            values,
            item,
            where,
            m2m={
                "organizations": self._refs(Organization, item.get("organizations"), where),
                "topics": self._refs(Topic, item.get("topics"), where),
            },
        )
        kept.append(statement.pk)

    def _load_partnerships(self, item, where):
        lookup = {
            "organization": self._ref(Organization, item["organization"], where),
            "partner_country": self._country(item["partner_country"], where),
            "kind": item.get("kind", Partnership.Kind.OTHER),
        }
        values = {
            **self._text(item, "description", "description_en"),
            "partner_region": self._ref(Region, item.get("partner_region"), where),
            "partner_organization": self._ref(
                Organization, item.get("partner_organization"), where
            ),
        }
        self._save_record(Partnership, lookup, values, item, where)


def _messages(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
