"""schema.org descriptions of records for search engines and other machines, embedded in
their pages as JSON-LD: an event as `Event`, an organization as `Organization` (a
government body or legislature as `GovernmentOrganization`), a person as `Person`."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .dates import PartialDate
from .models import Event, Organization, Person, is_public, localized

# As Django's json_script: nothing in the data can close the script element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

EVENT_STATUS = {
    Event.Status.PLANNED: "https://schema.org/EventScheduled",
    Event.Status.HELD: "https://schema.org/EventScheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}
GOVERNMENT = {Organization.Kind.GOVERNMENT_BODY, Organization.Kind.LEGISLATURE}


def _date(value, precision):
    return PartialDate(value, precision).iso() if value else None


def _public(record):
    return record if record is not None and is_public(record) else None


def _address(region, country):
    """Only what the public may see: a draft region or country is left out, as on pages."""
    address = {"@type": "PostalAddress"}
    region = _public(region)
    if region is not None:
        address["addressRegion"] = str(region)
        country = country or region.country
    country = _public(country)
    if country is not None:
        address["addressCountry"] = country.code
    return address if len(address) > 1 else None


def _event(request, event):
    region = _public(event.region)
    place = {"@type": "Place", "name": event.venue or event.city or str(region or "")}
    address = _address(region, None)
    if address:
        place["address"] = address
    return {
        "@type": "Event",
        "name": str(event),
        "startDate": _date(event.start_date, event.start_precision),
        "endDate": _date(event.end_date, event.end_precision),
        "eventStatus": EVENT_STATUS.get(event.status),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "description": localized(event, "summary"),
    }


def _organization(request, organization):
    kind = "GovernmentOrganization" if organization.kind in GOVERNMENT else "Organization"
    parent = organization.parent
    return {
        "@type": kind,
        "name": str(organization),
        "legalName": organization.name,
        "alternateName": [name for name in (organization.short_name, organization.name_en) if name],
        "sameAs": organization.website or None,
        "address": _address(organization.region, organization.country),
        "parentOrganization": {
            "@type": "Organization",
            "name": str(parent),
            "url": request.build_absolute_uri(parent.get_absolute_url()),
        }
        if parent is not None and is_public(parent)
        else None,
    }


def _person(request, person):
    return {
        "@type": "Person",
        "name": str(person),
        "givenName": person.first_name,
        "familyName": person.last_name,
        "additionalName": person.patronymic or None,
        "alternateName": f"{person.first_name_en} {person.last_name_en}".strip() or None,
    }


DESCRIBE = {Event: _event, Organization: _organization, Person: _person}


def describe(request, obj):
    """The record's JSON-LD script element, or "" for a kind schema.org is not asked of."""
    make = DESCRIBE.get(type(obj))
    if make is None:
        return ""
    data = {
        "@context": "https://schema.org",
        "url": request.build_absolute_uri(obj.get_absolute_url()),
        **make(request, obj),
    }
    data = {key: value for key, value in data.items() if value not in (None, "", [])}
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
