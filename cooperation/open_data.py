"""The whole public data set as one Frictionless Data Package: a CSV per table and
`datapackage.json` with each table's schema, zipped (`manage.py build_open_data`).

Each table holds the public rows of one model (the same `public()` verb as the pages and
the API) or one many-to-many relation; a row names other records by their key (a slug, a
country's code, else an id), and only where those are public, so every reference resolves
within the package. The tables' columns are listed here, never taken wholesale from the
models, so that an editor's field (a source's notes) cannot slip into the download.
"""

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.utils import timezone

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
    public_condition,
)

PATH = "open-data/interregional-cooperation.zip"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
CHUNK = 2000


@dataclass
class Table:
    """The public rows of `model` with `fields`; a foreign key's column holds the key of
    the record it names (null where that is not public)."""

    name: str
    model: type
    fields: list
    key: str = "slug"
    title: str = ""
    # Relations the row needs public, for a model without `public_requires`.
    requires: tuple = ()

    def rows(self):
        rows = self.model._default_manager.filter(public_condition(self.model))
        for relation in self.requires:
            rows = rows.filter(public_condition(self.model, relation))
        return rows


@dataclass
class Links(Table):
    """A many-to-many relation of `model` (`fields[0]`): one row per public pair."""

    key: str = ""

    @property
    def through(self):
        return self.model._meta.get_field(self.fields[0]).remote_field.through


TABLES = [
    Table("countries", Country, ["code", "name", "name_en"], key="code"),
    Table(
        "regions",
        Region,
        ["slug", "name", "name_en", "country", "kind", "iso_code", "capital", "capital_en"]
        + ["established_year", "summary", "summary_en"],
    ),
    Table("region_facts", RegionFact, ["id", "region", "text", "text_en", "position"], key="id"),
    Table("industries", Industry, ["slug", "name", "name_en", "parent", "code", "description"]),
    Table("topics", Topic, ["slug", "name", "name_en", "description"]),
    Table(
        "organizations",
        Organization,
        ["slug", "name", "name_en", "short_name", "short_name_en", "kind", "legal_form"]
        + ["country", "region", "parent", "website", "description", "description_en"],
    ),
    Table(
        "organization_aliases",
        OrganizationAlias,
        ["id", "organization", "name"],
        key="id",
        requires=("organization",),
    ),
    Table(
        "people",
        Person,
        ["slug", "last_name", "first_name", "patronymic", "last_name_en", "first_name_en"]
        + ["bio", "bio_en"],
    ),
    Table(
        "positions",
        Position,
        ["id", "person", "organization", "region", "country", "title", "title_en"]
        + ["start_date", "start_precision", "end_date", "end_precision"],
        key="id",
    ),
    Table(
        "delegations",
        Delegation,
        ["slug", "title", "title_en", "home_country", "home_region", "host_country"]
        + ["host_region", "head", "start_date", "start_precision", "end_date", "end_precision"]
        + ["purpose", "purpose_en"],
    ),
    Table(
        "events",
        Event,
        ["slug", "title", "title_en", "kind", "status", "start_date", "start_precision"]
        + ["end_date", "end_precision", "region", "city", "city_en", "venue", "venue_en"]
        + ["delegation", "attendance", "attendance_note", "attendance_note_en", "summary"]
        + ["summary_en"],
    ),
    Table(
        "participants",
        Participation,
        ["id", "event", "person", "position", "role", "role_en", "side", "side_country", "order"],
        key="id",
    ),
    Table(
        "event_organizations", EventOrganization, ["id", "event", "organization", "role"], key="id"
    ),
    Table(
        "invitations",
        Invitation,
        ["id", "event", "invited_region", "invited_organization", "invited_by", "extended_at"]
        + ["note", "note_en"],
        key="id",
    ),
    Table(
        "statements",
        Statement,
        ["id", "speaker", "event", "text", "text_en", "is_verbatim", "position"],
        key="id",
    ),
    Table(
        "agreements",
        Agreement,
        ["slug", "title", "title_en", "kind", "status", "signed_date", "signed_precision"]
        + ["signed_at", "valid_from", "valid_from_precision", "valid_until"]
        + ["valid_until_precision", "auto_extends", "implements", "replaces", "amends"]
        + ["summary", "summary_en"],
    ),
    Table(
        "agreement_parties",
        AgreementParty,
        ["id", "agreement", "organization", "signatory", "signatory_title"]
        + ["signatory_title_en", "order"],
        key="id",
    ),
    # A commitment's status is its latest progress update's, as on the pages.
    Table(
        "commitments",
        Commitment,
        ["id", "agreement", "number", "text", "text_en", "due_date", "due_precision", "order"],
        key="id",
    ),
    Table(
        "progress_updates",
        ProgressUpdate,
        ["id", "commitment", "date", "precision", "status", "note", "note_en"],
        key="id",
    ),
    Table(
        "partnerships",
        Partnership,
        ["id", "organization", "partner_country", "partner_region", "partner_organization"]
        + ["kind", "description", "description_en"],
        key="id",
    ),
    # A source's text belongs to its publisher: the package gives its address.
    Table(
        "sources",
        Source,
        ["slug", "title", "title_en", "publisher", "url", "published_on", "language", "kind"]
        + ["photo_credits"],
    ),
    Links("region_industries", Region, ["industries"]),
    Links("organization_industries", Organization, ["industries"]),
    Links("delegation_members", Delegation, ["members"]),
    Links("delegation_organizations", Delegation, ["organizations"]),
    Links("event_regions", Event, ["regions"]),
    Links("event_industries", Event, ["industries"]),
    Links("event_topics", Event, ["topics"]),
    Links("agreement_industries", Agreement, ["industries"]),
    Links("agreement_topics", Agreement, ["topics"]),
    Links("commitment_responsible", Commitment, ["responsible"]),
    Links("commitment_industries", Commitment, ["industries"]),
    Links("commitment_topics", Commitment, ["topics"]),
    Links("commitment_events", Commitment, ["events"]),
    Links("commitment_delegations", Commitment, ["delegations"]),
]
_BY_MODEL = {table.model: table for table in TABLES if not isinstance(table, Links)}
CITATIONS = "citations"


# --- columns ----------------------------------------------------------------------------


def _type(field):
    if isinstance(field, models.ForeignKey):
        target = _BY_MODEL[field.related_model]
        return _type(field.related_model._meta.get_field(target.key))
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.IntegerField | models.AutoField):
        return "integer"
    return "string"


def _column(model, name):
    """(descriptor of the column, the value to read: a field name or an expression)."""
    field = model._meta.get_field(name)
    descriptor = {"name": name, "type": _type(field)}
    if field.verbose_name and not field.is_relation:
        descriptor["title"] = str(field.verbose_name)
    if field.choices:
        descriptor["constraints"] = {"enum": [value for value, _label in field.choices]}
    if not isinstance(field, models.ForeignKey):
        return descriptor, name
    key = _BY_MODEL[field.related_model].key
    # The related record's key where it is public: then it is a row of its table.
    value = Case(
        When(public_condition(model, name), then=F(f"{name}__{key}")),
        default=Value(None),
        output_field=field.related_model._meta.get_field(key),
    )
    return descriptor, value


def _foreign_keys(table, fields):
    keys = []
    for name in fields:
        field = table.model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            target = _BY_MODEL[field.related_model]
            reference = "" if target is table else target.name
            keys.append(
                {"fields": name, "reference": {"resource": reference, "fields": target.key}}
            )
    return keys


def _schema(table):
    if isinstance(table, Links):
        through = table.through
        field = table.model._meta.get_field(table.fields[0])
        ends = [field.m2m_field_name(), field.m2m_reverse_field_name()]
        fields = [_column(through, end)[0] for end in ends]
        return {
            "fields": fields,
            "primaryKey": ends,
            "foreignKeys": [
                {
                    "fields": end,
                    "reference": {
                        "resource": _BY_MODEL[through._meta.get_field(end).related_model].name,
                        "fields": _BY_MODEL[through._meta.get_field(end).related_model].key,
                    },
                }
                for end in ends
            ],
        }
    return {
        "fields": [_column(table.model, name)[0] for name in table.fields],
        "primaryKey": [table.key],
        "foreignKeys": _foreign_keys(table, table.fields),
    }


def _values(table):
    """The table's rows as tuples, in the order of its columns and by its key."""
    if isinstance(table, Links):
        through = table.through
        field = table.model._meta.get_field(table.fields[0])
        model, names = through, [field.m2m_field_name(), field.m2m_reverse_field_name()]
        rows = through.objects.filter(public_condition(through))
        order = ["pk"]
    else:
        model, names, rows, order = table.model, table.fields, table.rows(), [table.key]
    columns = {f"c{n}": _column(model, name)[1] for n, name in enumerate(names)}
    expressions = {k: v if not isinstance(v, str) else F(v) for k, v in columns.items()}
    return rows.order_by(*order).annotate(**expressions).values_list(*columns)


def _citation_values():
    """Every public record's citations: (source, table, record key, quote)."""
    for table in TABLES:
        if isinstance(table, Links) or not issubclass(table.model, Record):
            continue
        records = table.rows()
        key = Subquery(records.filter(pk=OuterRef("object_id")).values(table.key)[:1])
        citations = (
            Citation.objects.public()
            .filter(
                content_type=ContentType.objects.get_for_model(table.model),
                object_id__in=records.values("pk"),
            )
            .annotate(record=key)
            .order_by("source__slug", "object_id", "pk")
        )
        for source, record, quote in citations.values_list("source__slug", "record", "quote"):
            yield source, table.name, str(record), quote


CITATION_SCHEMA = {
    "fields": [
        {"name": "source", "type": "string"},
        {
            "name": "record_table",
            "type": "string",
            "description": "The table of the record citing the source.",
        },
        {"name": "record", "type": "string", "description": "That record's key in its table."},
        {"name": "quote", "type": "string", "description": "The passage supporting the record."},
    ],
    "foreignKeys": [{"fields": "source", "reference": {"resource": "sources", "fields": "slug"}}],
}


# --- the package ------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_csv(archive, name, header, rows):
    with archive.open(f"{name}.csv", "w") as raw:
        # The byte order mark makes spreadsheet programs read the file as UTF-8.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
        text.flush()
        text.detach()
    return count


def _resource(name, schema, title=""):
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        **({"title": title} if title else {}),
        "schema": schema,
    }


def write_package(target, homepage=""):
    """Writes the zipped package to the file object `target`; returns its descriptor."""
    created = timezone.now().replace(microsecond=0)
    resources, counts = [], {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            schema = _schema(table)
            header = [field["name"] for field in schema["fields"]]
            counts[table.name] = _write_csv(
                archive, table.name, header, _values(table).iterator(chunk_size=CHUNK)
            )
            resources.append(_resource(table.name, schema, table.title))
        header = [field["name"] for field in CITATION_SCHEMA["fields"]]
        counts[CITATIONS] = _write_csv(archive, CITATIONS, header, _citation_values())
        resources.append(_resource(CITATIONS, CITATION_SCHEMA))
        descriptor = {
            "name": "interregional-cooperation",
            "title": "Interregional cooperation: delegations, meetings, agreements, enterprises",
            "description": (
                "Every published record of the interregional cooperation portal. Records "
                "name each other by key; a partial date is a date column (the first day of "
                "its month or year) with a precision column (day, month or year). The "
                "citations table ties each record to its sources."
            ),
            "licenses": [LICENSE],
            "created": created.isoformat(),
            **({"homepage": homepage} if homepage else {}),
            "resources": resources,
        }
        archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
    return descriptor, counts


def build(homepage=""):
    """Builds the package and puts it where /open-data/ serves it; returns the row counts."""
    with tempfile.TemporaryFile() as target:
        _descriptor, counts = write_package(target, homepage)
        target.seek(0)
        if default_storage.exists(PATH):
            default_storage.delete(PATH)
        default_storage.save(PATH, File(target, name=PATH))
    return counts


@dataclass
class Built:
    url: str
    size: int
    created: object


def built():
    """The package as last built: its address, size in bytes and time; None before the
    first build."""
    if not default_storage.exists(PATH):
        return None
    return Built(
        url=PATH.rsplit("/", 1)[1],
        size=default_storage.size(PATH),
        created=default_storage.get_modified_time(PATH),
    )


def open_package():
    return default_storage.open(PATH, "rb")
