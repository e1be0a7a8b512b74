"""Lists as CSV and JSON, with the same filters as the pages.

Rows are streamed from the database in chunks, so an export of any size is written in
flat memory. Names are given in both languages and every row carries its page's address
and the addresses of its sources, so that a spreadsheet keeps the citations.
"""

import csv
import json

from django.http import StreamingHttpResponse
from django.utils import timezone

from .models import localized, published_or_none

CHUNK = 1000


def _names(objects):
    return "; ".join(str(obj) for obj in objects)


def _slugs(objects):
    return "; ".join(obj.slug for obj in objects)


def _public(obj):
    return published_or_none(obj)


def _slug(obj):
    """A related record's slug, if the public may see it."""
    return obj.slug if _public(obj) else ""


def _partial(value):
    return value.iso() if value else ""


def _sources(record):
    return "; ".join(
        citation.source.url or citation.source.get_absolute_url()
        for citation in record.citations.all()
    )


# Columns per list: (header, value of a record). Related lists rely on the prefetching
# done by the list's queryset, so that a chunk of rows costs a fixed number of queries.
COLUMNS = {
    "event": [
        ("slug", lambda e: e.slug),
        ("title", lambda e: e.title),
        ("title_en", lambda e: e.title_en),
        ("kind", lambda e: e.kind),
        ("status", lambda e: e.status),
        ("start", lambda e: _partial(e.start)),
        ("end", lambda e: _partial(e.end)),
        ("region", lambda e: _slug(e.region)),
        ("regions_involved", lambda e: _slugs(e.regions.all())),
        ("city", lambda e: e.city),
        ("venue", lambda e: e.venue),
        (
            "participants",
            lambda e: "; ".join(str(p.person) for p in e.participations.all()),
        ),
        (
            "organizations",
            lambda e: "; ".join(str(o.organization) for o in e.event_organizations.all()),
        ),
        ("industries", lambda e: _slugs(e.industries.all())),
        ("topics", lambda e: _slugs(e.topics.all())),
        ("summary", lambda e: localized(e, "summary")),
    ],
    "agreement": [
        ("slug", lambda a: a.slug),
        ("title", lambda a: a.title),
        ("title_en", lambda a: a.title_en),
        ("kind", lambda a: a.kind),
        ("status", lambda a: a.status),
        ("signed", lambda a: _partial(a.signed)),
        ("signed_at", lambda a: _slug(a.signed_at)),
        ("parties", lambda a: "; ".join(str(p.organization) for p in a.parties.all())),
        (
            "regions",
            lambda a: "; ".join(
                dict.fromkeys(
                    _slug(p.organization.region)
                    for p in a.parties.all()
                    if _public(p.organization.region)
                )
            ),
        ),
        (
            "signatories",
            lambda a: "; ".join(str(p.signatory) for p in a.parties.all() if _public(p.signatory)),
        ),
        ("industries", lambda a: _slugs(a.industries.all())),
        ("topics", lambda a: _slugs(a.topics.all())),
        ("summary", lambda a: localized(a, "summary")),
    ],
    "organization": [
        ("slug", lambda o: o.slug),
        ("name", lambda o: o.name),
        ("name_en", lambda o: o.name_en),
        ("short_name", lambda o: o.short_name),
        ("kind", lambda o: o.kind),
        ("country", lambda o: o.country.code if _public(o.country) else ""),
        ("region", lambda o: _slug(o.region)),
        ("parent", lambda o: _slug(o.parent)),
        ("industries", lambda o: _slugs(o.industries.all())),
        ("website", lambda o: o.website),
    ],
    "person": [
        ("slug", lambda p: p.slug),
        ("first_name", lambda p: p.first_name),
        ("last_name", lambda p: p.last_name),
        ("first_name_en", lambda p: p.first_name_en),
        ("last_name_en", lambda p: p.last_name_en),
        ("positions", lambda p: "; ".join(localized(x, "title") for x in p.positions.all())),
    ],
    "delegation": [
        ("slug", lambda d: d.slug),
        ("title", lambda d: d.title),
        ("title_en", lambda d: d.title_en),
        ("start", lambda d: _partial(d.start)),
        ("end", lambda d: _partial(d.end)),
        ("home_region", lambda d: _slug(d.home_region)),
        ("host_region", lambda d: _slug(d.host_region)),
        ("head", lambda d: str(d.head) if _public(d.head) else ""),
    ],
    "region": [
        ("slug", lambda r: r.slug),
        ("name", lambda r: r.name),
        ("name_en", lambda r: r.name_en),
        ("country", lambda r: r.country.code if _public(r.country) else ""),
        ("kind", lambda r: r.kind),
        ("iso_code", lambda r: r.iso_code),
        ("capital", lambda r: localized(r, "capital")),
    ],
    "source": [
        ("slug", lambda s: s.slug),
        ("title", lambda s: s.title),
        ("publisher", lambda s: s.publisher),
        ("url", lambda s: s.url),
        ("published_on", lambda s: s.published_on.isoformat() if s.published_on else ""),
        ("language", lambda s: s.language),
        ("kind", lambda s: s.kind),
    ],
}


def _rows(request, queryset, key):
    columns = COLUMNS[key]
    cites = key != "source"
    for record in queryset.iterator(chunk_size=CHUNK):
        row = {"url": request.build_absolute_uri(record.get_absolute_url())}
        row.update((header, value(record)) for header, value in columns)
        if cites:
            row["sources"] = _sources(record)
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
    headers = ["url", *[header for header, _value in COLUMNS[key]]]
    if key != "source":
        headers.append("sources")

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
