"""Atom feeds of events and agreements and the iCalendar feed: published only, filtered."""

import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest

from cooperation.models import PublicationState

from .factories import EventFactory, IndustryFactory, RegionFactory

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _entries(feed):
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"))
        for entry in feed.iter(f"{ATOM}entry")
    ]


def _calendar(client, url="/events/calendar.ics"):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _vevents(calendar):
    return {str(vevent["uid"]): vevent for vevent in calendar.walk("VEVENT")}


def test_the_events_feed_lists_the_articles_events_with_absolute_links(client, article):
    feed = _atom(client, "/events/feed/")
    entries = dict(_entries(feed))
    assert len(entries) == 8
    assert entries["KazanForum"] == "http://testserver/events/kazanforum-2025/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/events/feed/"


def test_an_entry_is_dated_by_its_event_and_says_when_and_where(client, article):
    feed = _atom(client, "/events/feed/")
    forum = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "KazanForum")
    assert forum.findtext(f"{ATOM}published").startswith("2025-05-15T00:00:00")
    summary = forum.findtext(f"{ATOM}summary")
    assert summary.startswith("15–16 мая 2025, Казань, Республика Татарстан")


def test_the_english_feed_has_english_titles_and_links(client, article):
    entries = dict(_entries(_atom(client, "/en/events/feed/")))
    meeting = "Rustam Minnikhanov meets Serik Shapkenov, Akim of Atyrau Region"
    assert entries[meeting].startswith("http://testserver/en/events/")


def test_draft_events_stay_out_of_the_feed(client):
    EventFactory(title="Опубликованная встреча")
    EventFactory(title="Черновая встреча", state=DRAFT)
    titles = [title for title, _link in _entries(_atom(client, "/events/feed/"))]
    assert titles == ["Опубликованная встреча"]


def test_a_filtered_feed_has_only_what_the_filtered_list_has(client, article):
    feed = _atom(client, "/events/feed/?industry=mashinostroenie&page=2")
    # Machine building includes automotive below it: the Abai meeting is about KAMAZ.
    assert sorted(title for title, _link in _entries(feed)) == [
        "Встреча Рустама Минниханова с акимом Атырауской области Сериком Шапкеновым",
        "Встреча Рустама Минниханова с акимом области Абай Нурланом Уранхаевым",
    ]
    # The feed points at the list with the same filters, and drops the page.
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/events/?industry=mashinostroenie"


def test_a_feed_of_a_region_and_a_year_is_a_saved_search(client, article):
    feed = _atom(client, "/events/feed/?region=atyrauskaya-oblast&date_from=2025&date_to=2025")
    assert len(_entries(feed)) == 3


def test_a_bad_filter_value_is_explained_not_ignored(client, article):
    response = client.get("/events/feed/?date_from=yesterday")
    assert response.status_code == 400
    assert "date_from" in response.content.decode()
    assert client.get("/agreements/feed/?region=nowhere").status_code == 400


def test_the_agreements_feed_lists_the_signed_agreement_with_its_industries(client, article):
    feed = _atom(client, "/agreements/feed/")
    [entry] = feed.iter(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").startswith("Соглашение о сотрудничестве")
    assert entry.findtext(f"{ATOM}published").startswith("2025-02-20")
    assert entry.findtext(f"{ATOM}summary").startswith(
        "20 февраля 2025, соглашение о сотрудничестве"
    )


def test_the_agreements_feed_filters_like_the_agreements_list(client, article):
    assert _entries(_atom(client, "/agreements/feed/?region=atyrauskaya-oblast"))
    assert _entries(_atom(client, "/agreements/feed/?region=oblast-abay")) == []


def test_pages_announce_the_feeds_in_their_head(client, article):
    html = client.get("/regions/tatarstan/").content.decode()
    assert 'type="application/atom+xml"' in html and 'href="/events/feed/"' in html
    assert 'href="/agreements/feed/"' in html
    assert 'type="text/calendar"' in html and 'href="/events/calendar.ics"' in html


# --- iCalendar ---------------------------------------------------------------------------


def test_the_calendar_has_the_events_dated_to_the_day_as_all_day_entries(client, article):
    events = _vevents(_calendar(client))
    # The four events the article dates only to a month have no day to put in a calendar.
    assert len(events) == 4
    forum = events["kazanforum-2025@testserver"]
    assert forum.decoded("dtstart") == dt.date(2025, 5, 15)
    assert forum.decoded("dtend") == dt.date(2025, 5, 17)  # exclusive: through the 16th
    assert str(forum["summary"]) == "KazanForum"
    assert str(forum["location"]) == "Казань, Республика Татарстан"
    assert str(forum["url"]) == "http://testserver/events/kazanforum-2025/"
    assert "Атырауской" in str(forum["description"])


def test_a_one_day_event_lasts_its_day(client, article):
    events = _vevents(_calendar(client))
    meeting = events["vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025@testserver"]
    assert meeting.decoded("dtstart") == dt.date(2025, 2, 21)
    assert meeting.decoded("dtend") == dt.date(2025, 2, 22)


def test_the_calendar_keeps_uids_when_a_title_is_edited(client):
    event = EventFactory(title="Встреча")
    before = set(_vevents(_calendar(client)))
    event.title = "Встреча с акимом"
    event.save()
    assert set(_vevents(_calendar(client))) == before == {f"{event.slug}@testserver"}


def test_the_calendar_leaves_out_drafts_and_cancelled_events_say_so(client):
    EventFactory(title="Черновик", state=DRAFT)
    EventFactory(title="Отменено", status="cancelled")
    [vevent] = _vevents(_calendar(client)).values()
    assert (str(vevent["summary"]), str(vevent["status"])) == ("Отменено", "CANCELLED")


def test_the_calendar_takes_the_list_filters(client):
    region = RegionFactory(slug="oblast")
    industry = IndustryFactory(slug="energetika")
    EventFactory(title="В области", region=region).industries.set([industry])
    EventFactory(title="В другом месте")
    summaries = [
        str(vevent["summary"])
        for vevent in _calendar(client, "/events/calendar.ics?region=oblast").walk("VEVENT")
    ]
    assert summaries == ["В области"]
    assert client.get("/events/calendar.ics?industry=unknown").status_code == 400
