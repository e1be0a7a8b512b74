"""Record pages describe their record for search engines and other machines in schema.org
JSON-LD: an event as Event, a government body as GovernmentOrganization, a business as
Organization, a person as Person."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

MEETING = "vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025"


def _jsonld(client, path):
    page = client.get(path).content.decode()
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1, f"{path}: {len(found)} JSON-LD scripts"
    return json.loads(found[0])


def test_an_event_page_describes_an_event_with_its_date_and_place(client, article):
    data = _jsonld(client, f"/events/{MEETING}/")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["startDate"] == "2025-02-21"
    assert data["url"] == f"http://testserver/events/{MEETING}/"
    assert data["location"]["address"]["addressCountry"] == "RU"


def test_a_forum_known_to_the_month_keeps_its_precision(client, article):
    from cooperation.models import Event

    Event.objects.filter(slug="kazanforum-2025").update(
        start_precision="month", end_date=None, start_date="2025-05-01"
    )
    assert _jsonld(client, "/events/kazanforum-2025/")["startDate"] == "2025-05"


def test_a_government_body_is_a_government_organization(client, article):
    data = _jsonld(client, "/organizations/akimat-atyrauskoy-oblasti/")
    assert data["@type"] == "GovernmentOrganization"
    assert data["address"]["addressRegion"] == "Атырауская область"
    assert _jsonld(client, "/organizations/kamaz/")["@type"] == "Organization"


def test_a_person_page_describes_a_person_in_both_scripts(client, article):
    data = _jsonld(client, "/people/rustam-minnikhanov/")
    assert data["@type"] == "Person"
    assert (data["givenName"], data["familyName"]) == ("Рустам", "Минниханов")
    assert data["alternateName"] == "Rustam Minnikhanov"
    english = _jsonld(client, "/en/people/rustam-minnikhanov/")
    assert english["name"] == "Rustam Minnikhanov"


def test_nothing_in_the_data_can_close_the_script(client, article):
    from cooperation.models import Person

    Person.objects.filter(slug="rustam-minnikhanov").update(patronymic="</script><b>")
    page = client.get("/people/rustam-minnikhanov/").content.decode()
    assert "</script><b>" not in page
    assert _jsonld(client, "/people/rustam-minnikhanov/")["additionalName"] == "</script><b>"
