"""Lists as CSV and JSON, with the same filters as the pages.

Rows are streamed from the database in chunks, so an export of any size is written in
flat memory. Names are given in both languages and every row carries its page's address
and the addresses of its sources, so that a spreadsheet keeps the citations.

An export of every event is a hundred thousand rows with half a million related names, so
it reads plain values rather than model instances: the list's records a chunk at a time,
and for each chunk one query per related column, keyed by the record. Names are still
made by the models' own __str__, given the fields they read.
"""

import csv
import json
from collections import defaultdict
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from .dates import PartialDate
from .models import (
    Agreement,
    AgreementParty,
    Citation,
    Event,
    EventOrganization,
    Organization,
    Participation,
    Person,
    Position,
    PublicationState,
    localized,
)

CHUNK = 1000
PUBLISHED = PublicationState.PUBLISHED

# Fields of related records that their names are made from.
PERSON_NAME = ["first_name", "last_name", "first_name_en", "last_name_en"]
ORGANIZATION_NAME = ["name", "name_en", "short_name", "short_name_en"]


def _person(row, prefix=""):
    return Person.__str__(SimpleNamespace(**{f: row[prefix + f] for f in PERSON_NAME}))


def _organization(row, prefix=""):
    fields = {f: row[prefix + f] for f in ORGANIZATION_NAME}
    return Organization.__str__(SimpleNamespace(**fields))


def _partial(value, precision):
    return PartialDate(value, precision).iso() if value else ""


def _published(row, prefix, value):
    """`value` of a related record the public may see; "" for a draft or none."""
    return row[f"{prefix}__{value}"] if row[f"{prefix}__state"] == PUBLISHED else ""


def _joined(values):
    return "; ".join(values)


class _Related:
    """For a chunk of records: {record pk: [values]} of one related column, in one query."""

    def __init__(self, queryset, owner, *fields, make=None):
        self.queryset, self.owner, self.fields = queryset, owner, fields
        self.make = make or (lambda row: row[fields[0]])

    def load(self, pks):
        found = defaultdict(list)
        for row in self.queryset.filter(**{f"{self.owner}__in": pks}).values(
            self.owner, *self.fields
        ):
            found[row[self.owner]].append(self.make(row))
        return found


def _slugs_of(model, relation):
    """Published related records' slugs, through a many-to-many field, in name order."""
    field = model._meta.get_field(relation)
    owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = field.remote_field.through.objects.filter(**{f"{target}__state": PUBLISHED})
    return _Related(links.order_by(f"{target}__name"), owner, f"{target}__slug")


def _citations(model):
    """The addresses of a record's published sources: their own, or their page here."""
    citations = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(model), source__state=PUBLISHED
    ).order_by("source__title", "id")
    pages = {}

    def address(row):
        slug = row["source__slug"]
        if slug not in pages:
            pages[slug] = reverse("cooperation:source-detail", kwargs={"slug": slug})
        return row["source__url"] or pages[slug]

    return _Related(citations, "object_id", "source__url", "source__slug", make=address)


# Per list: the record's own fields to read, the related columns (loaded per chunk), and
# the columns of the file as (header, value of (record, related)).
EXPORTS = {
    "event": {
        "fields": [
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "region__slug",
            "region__state",
            "city",
            "venue",
            "summary",
            "summary_en",
        ],
        "related": lambda: {
            "regions": _slugs_of(Event, "regions"),
            "participants": _Related(
                Participation.objects.filter(person__state=PUBLISHED).order_by("order", "id"),
                "event",
                *[f"person__{f}" for f in PERSON_NAME],
                make=lambda row: _person(row, "person__"),
            ),
            "organizations": _Related(
                EventOrganization.objects.filter(organization__state=PUBLISHED).order_by(
                    "role", "organization__name"
                ),
                "event",
                *[f"organization__{f}" for f in ORGANIZATION_NAME],
                make=lambda row: _organization(row, "organization__"),
            ),
            "industries": _slugs_of(Event, "industries"),
            "topics": _slugs_of(Event, "topics"),
        },
        "columns": [
            ("slug", lambda e, r: e["slug"]),
            ("title", lambda e, r: e["title"]),
            ("title_en", lambda e, r: e["title_en"]),
            ("kind", lambda e, r: e["kind"]),
            ("status", lambda e, r: e["status"]),
            ("start", lambda e, r: _partial(e["start_date"], e["start_precision"])),
            ("end", lambda e, r: _partial(e["end_date"], e["end_precision"])),
            ("region", lambda e, r: _published(e, "region", "slug")),
            ("regions_involved", lambda e, r: _joined(r["regions"])),
            ("city", lambda e, r: e["city"]),
            ("venue", lambda e, r: e["venue"]),
            ("participants", lambda e, r: _joined(r["participants"])),
            ("organizations", lambda e, r: _joined(r["organizations"])),
            ("industries", lambda e, r: _joined(r["industries"])),
            ("topics", lambda e, r: _joined(r["topics"])),
            ("summary", lambda e, r: localized(SimpleNamespace(**e), "summary")),
        ],
    },
    "agreement": {
        "fields": [
            "slug",
            "title",
            "title_en",
            "kind",
            "status",
            "signed_date",
            "signed_precision",
            "signed_at__slug",
            "signed_at__state",
            "summary",
            "summary_en",
        ],
        "related": lambda: {
            "parties": _Related(
                AgreementParty.objects.filter(organization__state=PUBLISHED).order_by(
                    "order", "id"
                ),
                "agreement",
                *[f"organization__{f}" for f in ORGANIZATION_NAME],
                "organization__region__slug",
                "organization__region__state",
                "signatory__state",
                *[f"signatory__{f}" for f in PERSON_NAME],
                make=lambda row: row,
            ),
            "industries": _slugs_of(Agreement, "industries"),
            "topics": _slugs_of(Agreement, "topics"),
        },
        "columns": [
            ("slug", lambda a, r: a["slug"]),
            ("title", lambda a, r: a["title"]),
            ("title_en", lambda a, r: a["title_en"]),
            ("kind", lambda a, r: a["kind"]),
            ("status", lambda a, r: a["status"]),
            ("signed", lambda a, r: _partial(a["signed_date"], a["signed_precision"])),
            ("signed_at", lambda a, r: _published(a, "signed_at", "slug")),
            (
                "parties",
                lambda a, r: _joined(_organization(p, "organization__") for p in r["parties"]),
            ),
            (
                "regions",
                lambda a, r: _joined(
                    dict.fromkeys(
                        _published(p, "organization__region", "slug")
                        for p in r["parties"]
                        if p["organization__region__state"] == PUBLISHED
                    )
                ),
            ),
            (
                "signatories",
                lambda a, r: _joined(
                    _person(p, "signatory__")
                    for p in r["parties"]
                    if p["signatory__state"] == PUBLISHED
                ),
            ),
            ("industries", lambda a, r: _joined(r["industries"])),
            ("topics", lambda a, r: _joined(r["topics"])),
            ("summary", lambda a, r: localized(SimpleNamespace(**a), "summary")),
        ],
    },
    "organization": {
        "fields": [
            "slug",
            "name",
            "name_en",
            "short_name",
            "kind",
            "country__code",
            "country__state",
            "region__slug",
            "region__state",
            "parent__slug",
            "parent__state",
            "website",
        ],
        "related": lambda: {"industries": _slugs_of(Organization, "industries")},
        "columns": [
            ("slug", lambda o, r: o["slug"]),
            ("name", lambda o, r: o["name"]),
            ("name_en", lambda o, r: o["name_en"]),
            ("short_name", lambda o, r: o["short_name"]),
            ("kind", lambda o, r: o["kind"]),
            ("country", lambda o, r: _published(o, "country", "code")),
            ("region", lambda o, r: _published(o, "region", "slug")),
            ("parent", lambda o, r: _published(o, "parent", "slug")),
            ("industries", lambda o, r: _joined(r["industries"])),
            ("website", lambda o, r: o["website"]),
        ],
    },
    "person": {
        "fields": ["slug", *PERSON_NAME],
        "related": lambda: {
            "positions": _Related(
                Position.objects.published().order_by("-start_date", "title"),
                "person",
                "title",
                "title_en",
                make=lambda row: localized(SimpleNamespace(**row), "title"),
            )
        },
        "columns": [
            ("slug", lambda p, r: p["slug"]),
            ("first_name", lambda p, r: p["first_name"]),
            ("last_name", lambda p, r: p["last_name"]),
            ("first_name_en", lambda p, r: p["first_name_en"]),
            ("last_name_en", lambda p, r: p["last_name_en"]),
            ("positions", lambda p, r: _joined(r["positions"])),
        ],
    },
    "delegation": {
        "fields": [
            "slug",
            "title",
            "title_en",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "home_region__slug",
            "home_region__state",
            "host_region__slug",
            "host_region__state",
            "head__state",
            *[f"head__{f}" for f in PERSON_NAME],
        ],
        "columns": [
            ("slug", lambda d, r: d["slug"]),
            ("title", lambda d, r: d["title"]),
            ("title_en", lambda d, r: d["title_en"]),
            ("start", lambda d, r: _partial(d["start_date"], d["start_precision"])),
            ("end", lambda d, r: _partial(d["end_date"], d["end_precision"])),
            ("home_region", lambda d, r: _published(d, "home_region", "slug")),
            ("host_region", lambda d, r: _published(d, "host_region", "slug")),
            ("head", lambda d, r: _person(d, "head__") if d["head__state"] == PUBLISHED else ""),
        ],
    },
    "region": {
        "fields": [
            "slug",
            "name",
            "name_en",
            "country__code",
            "country__state",
            "kind",
            "iso_code",
            "capital",
            "capital_en",
        ],
        "columns": [
            ("slug", lambda g, r: g["slug"]),
            ("name", lambda g, r: g["name"]),
            ("name_en", lambda g, r: g["name_en"]),
            ("country", lambda g, r: _published(g, "country", "code")),
            ("kind", lambda g, r: g["kind"]),
            ("iso_code", lambda g, r: g["iso_code"]),
            ("capital", lambda g, r: localized(SimpleNamespace(**g), "capital")),
        ],
    },
    "source": {
        "fields": ["slug", "title", "publisher", "url", "published_on", "language", "kind"],
        "cites": False,
        "columns": [
            ("slug", lambda s, r: s["slug"]),
            ("title", lambda s, r: s["title"]),
            ("publisher", lambda s, r: s["publisher"]),
            ("url", lambda s, r: s["url"]),
            (
                "published_on",
                lambda s, r: s["published_on"].isoformat() if s["published_on"] else "",
            ),
            ("language", lambda s, r: s["language"]),
            ("kind", lambda s, r: s["kind"]),
        ],
    },
}


def _headers(key):
    spec = EXPORTS[key]
    return ["url", *[header for header, _value in spec["columns"]]] + (
        ["sources"] if spec.get("cites", True) else []
    )


def _rows(request, queryset, key):
    spec = EXPORTS[key]
    related = spec.get("related", dict)()
    if spec.get("cites", True):
        related["sources"] = _citations(queryset.model)
    # Every record's address has the same shape: made once, the slug put in per row.
    page = request.build_absolute_uri(
        reverse(f"cooperation:{key}-detail", kwargs={"slug": "SLUG"})
    ).replace("SLUG", "{}")
    records = queryset.select_related(None).prefetch_related(None).values("pk", *spec["fields"])
    chunk = []
    for record in records.iterator(chunk_size=CHUNK):
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, spec, related, page)
            chunk = []
    yield from _chunk_rows(chunk, spec, related, page)


def _chunk_rows(chunk, spec, related, page):
    if not chunk:
        return
    pks = [record["pk"] for record in chunk]
    loaded = {name: column.load(pks) for name, column in related.items()}
    for record in chunk:
        values = {name: found.get(record["pk"], []) for name, found in loaded.items()}
        row = {"url": page.format(record["slug"])}
        row.update((header, value(record, values)) for header, value in spec["columns"])
        if "sources" in values:
            row["sources"] = _joined(values["sources"])
        yield row


def _filename(key, extension):
    return f"{key}s-{timezone.localdate().isoformat()}.{extension}"


def _inert(value):
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(request, queryset, key):
    writer = csv.writer(_Echo())
    headers = _headers(key)

    def lines():
        # The byte order mark makes spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(headers)
        for row in _rows(request, queryset, key):
            yield writer.writerow([_inert(row[header]) for header in headers])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(key, "csv")}"'
    return response


def json_response(request, queryset, key):
    def chunks():
        yield "["
        for n, row in enumerate(_rows(request, queryset, key)):
            yield ("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(key, "json")}"'
    return response
