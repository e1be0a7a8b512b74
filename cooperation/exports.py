"""Lists as CSV and JSON, with the same filters as the pages.

Rows are streamed from the database in chunks, so an export of any size is written in
flat memory. Names are given in both languages and every row carries its page's address
and the addresses of its sources, so that a spreadsheet keeps the citations. What each
list's file holds is its listing's `Export` (cooperation/listings.py).

An export of every event is a hundred thousand rows with half a million related names, so
it reads plain values rather than model instances: the list's records a chunk at a time,
and for each chunk one query per related column, keyed by the record. Names are still
made by the models' own __str__, given the fields they read.
"""

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, Value, When
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from .dates import PartialDate
from .models import Citation, Organization, Person, public_condition

CHUNK = 1000

# Fields of related records that their names are made from.
PERSON_NAME = ["first_name", "last_name", "first_name_en", "last_name_en"]
ORGANIZATION_NAME = ["name", "name_en", "short_name", "short_name_en"]


@dataclass(frozen=True)
class Export:
    """What a list's CSV and JSON files hold.

    `fields`: the record's own values to read; `public`: values of related records read only
    where those are public ({name: "region__slug"}, "" otherwise); `related`: columns of
    related rows, each loaded for a chunk of records in one query ({name: Related}); and
    `columns`: the file's columns as (header, value of (record, related)). Every row also
    has its page's address first and, if `cites`, its sources' addresses last.
    """

    fields: list
    columns: list
    public: dict = field(default_factory=dict)
    related: Callable[[], dict] = dict
    cites: bool = True
    # The path of a row's page, for records shown on another record's page (a commitment
    # on its agreement's); by default the list's detail page for the row's slug.
    page: Callable[[dict], str] | None = None

    def headers(self):
        return ["url", *[header for header, _value in self.columns]] + (
            ["sources"] if self.cites else []
        )


def person_name(row, prefix=""):
    return Person.__str__(SimpleNamespace(**{f: row[prefix + f] for f in PERSON_NAME}))


def organization_name(row, prefix=""):
    fields = {f: row[prefix + f] for f in ORGANIZATION_NAME}
    return Organization.__str__(SimpleNamespace(**fields))


def partial(value, precision):
    return PartialDate(value, precision).iso() if value else ""


def joined(values):
    return "; ".join(values)


def if_public(model, path):
    """The value at `path` ("region__slug") when the record it is read from is public, else
    "" (a value read with `.values()`, where no template can ask)."""
    relation = path.rsplit("__", 1)[0]
    return Case(
        When(public_condition(model, relation), then=F(path)),
        default=Value(""),
        output_field=CharField(),
    )


def public_flag(model, path):
    """True where the record at `path` is public."""
    return ExpressionWrapper(public_condition(model, path), output_field=BooleanField())


class Related:
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


def slugs_of(model, relation):
    """Public related records' slugs, through a many-to-many field, in name order."""
    field = model._meta.get_field(relation)
    through = field.remote_field.through
    owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    links = through.objects.filter(public_condition(through, target))
    return Related(links.order_by(f"{target}__name"), owner, f"{target}__slug")


def _citations(model, request):
    """The addresses of a record's public sources: their own, or their page here (absolute,
    so that a file saved elsewhere still leads to it)."""
    citations = (
        Citation.objects.public()
        .filter(content_type=ContentType.objects.get_for_model(model))
        .order_by("source__title", "id")
    )
    pages = {}

    def address(row):
        slug = row["source__slug"]
        if slug not in pages:
            pages[slug] = request.build_absolute_uri(
                reverse("cooperation:source-detail", kwargs={"slug": slug})
            )
        return row["source__url"] or pages[slug]

    return Related(citations, "object_id", "source__url", "source__slug", make=address)


def _rows(request, queryset, listing):
    spec = listing.export
    related = spec.related()
    if spec.cites:
        related["sources"] = _citations(queryset.model, request)
    # Every record's address has the same shape: made once, the slug put in per row.
    if spec.page:
        root = request.build_absolute_uri("/")[:-1]
        page = lambda record: root + spec.page(record)  # noqa: E731
    else:
        page = request.build_absolute_uri(
            reverse(f"cooperation:{listing.key}-detail", kwargs={"slug": "SLUG"})
        ).replace("SLUG", "{}")
        page = lambda record, address=page: address.format(record["slug"])  # noqa: E731
    public = {name: if_public(queryset.model, path) for name, path in spec.public.items()}
    records = (
        queryset.select_related(None).prefetch_related(None).values("pk", *spec.fields, **public)
    )
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
        row = {"url": page(record)}
        row.update((header, value(record, values)) for header, value in spec.columns)
        if "sources" in values:
            row["sources"] = joined(values["sources"])
        yield row


def _filename(listing, extension):
    return f"{listing.key}s-{timezone.localdate().isoformat()}.{extension}"


def _inert(value):
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(request, queryset, listing):
    writer = csv.writer(_Echo())
    headers = listing.export.headers()

    def lines():
        # The byte order mark makes spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(headers)
        for row in _rows(request, queryset, listing):
            yield writer.writerow([_inert(row[header]) for header in headers])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(listing, "csv")}"'
    return response


def json_response(request, queryset, listing):
    def chunks():
        yield "["
        for n, row in enumerate(_rows(request, queryset, listing)):
            yield ("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(listing, "json")}"'
    return response


FORMATS = {"csv": csv_response, "json": json_response}
