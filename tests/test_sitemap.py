"""sitemap.xml lists every published page in both languages; robots.txt points at it."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from cooperation.models import (
    Agreement,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    PublicationState,
    Region,
    Source,
    Topic,
)

from .factories import EventFactory, OrganizationFactory, SourceFactory

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _sitemap(client):
    """Every entry of every section the index at /sitemap.xml names."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    root = ET.Element(f"{SITEMAP}urlset")
    for location in index.iter(f"{SITEMAP}loc"):
        section = client.get(location.text.removeprefix("http://testserver"))
        assert section.status_code == 200
        root.extend(ET.fromstring(section.content))
    return root


def _text(client):
    return ET.tostring(_sitemap(client), encoding="unicode")


def _locations(root):
    return [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]


def test_every_published_page_is_listed_in_russian_and_in_english(client, article):
    locations = set(_locations(_sitemap(client)))
    models = (Region, Organization, Person, Delegation, Event, Agreement, Industry, Topic, Source)
    for model in models:
        for record in model.objects.published():
            path = record.get_absolute_url()
            assert f"http://testserver{path}" in locations
            assert f"http://testserver/en{path}" in locations
    assert "http://testserver/regions/tatarstan/" in locations
    assert "http://testserver/en/people/rustam-minnikhanov/" in locations


def test_the_lists_and_the_home_page_are_listed(client):
    locations = set(_locations(_sitemap(client)))
    for path in ("/", "/events/", "/agreements/", "/regions/", "/organizations/", "/people/"):
        assert f"http://testserver{path}" in locations
        assert f"http://testserver/en{path}" in locations


def test_each_page_names_its_other_language_twin(client):
    event = EventFactory(slug="vstrecha")
    root = _sitemap(client)
    [url] = [
        u
        for u in root.iter(f"{SITEMAP}url")
        if u.findtext(f"{SITEMAP}loc").endswith("/events/vstrecha/")
        and "/en/" not in u.findtext(f"{SITEMAP}loc")
    ]
    alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
    assert alternates["en"] == "http://testserver/en/events/vstrecha/"
    assert alternates["ru"] == alternates["x-default"] == "http://testserver/events/vstrecha/"
    # The day of the last change on the site's clock (Moscow): from 21:00 UTC, the next day.
    assert url.findtext(f"{SITEMAP}lastmod") == timezone.localdate(event.updated_at).isoformat()


def test_drafts_are_not_in_the_sitemap(client):
    OrganizationFactory(slug="chernovik", state=DRAFT)
    SourceFactory(slug="chernovaya-statya", state=DRAFT)
    EventFactory(slug="opublikovano")
    text = _text(client)
    assert "/events/opublikovano/" in text
    assert "chernovik" not in text and "chernovaya-statya" not in text


def test_a_large_section_is_split_into_pages_the_index_names(client):
    from cooperation.sitemaps import sitemaps

    for n in range(3):
        EventFactory(slug=f"vstrecha-{n}")
    sitemaps["event"].limit = 2
    try:
        index = client.get("/sitemap.xml").content.decode()
        assert "/sitemap-event.xml?p=2" in index
        second = client.get("/sitemap-event.xml?p=2").content.decode()
        assert second.count("<url>") == 2  # one event, in two languages
    finally:
        sitemaps["event"].limit = 5000


def test_pages_of_a_section_list_each_record_once_in_each_language(client):
    """Even where a page ends between a record's two languages."""
    from cooperation.sitemaps import sitemaps

    for n in range(4):
        EventFactory(slug=f"vstrecha-{n}")
    sitemaps["event"].limit = 3
    try:
        index = client.get("/sitemap.xml").content.decode()
        assert "/sitemap-event.xml?p=3" in index and "/sitemap-event.xml?p=4" not in index
        locations = []
        for page in (1, 2, 3):
            text = client.get(f"/sitemap-event.xml?p={page}").content.decode()
            locations += re.findall(r"<loc>(.*?)</loc>", text)
        expected = {
            f"http://testserver{prefix}/events/vstrecha-{n}/"
            for n in range(4)
            for prefix in ("", "/en")
        }
        assert sorted(locations) == sorted(expected)
    finally:
        sitemaps["event"].limit = 5000


def test_the_sitemap_lives_at_the_root_only(client):
    assert client.get("/en/sitemap.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Disallow: /en/admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
