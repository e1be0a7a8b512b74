"""What the portal is, how complete, how accessible, and how to reach its editors."""

import datetime
import re

import pytest

from cooperation.models import Agreement, Country, Event, PublicationState, Region

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "russian", "english"),
    [
        ("/about/", "О портале", "About the portal"),
        ("/contact/", "Контакты", "Contact"),
        ("/accessibility/", "Заявление о доступности", "Accessibility statement"),
        ("/coverage/", "Полнота данных", "Coverage"),
    ],
)
def test_each_page_is_in_russian_and_english_and_linked_from_every_page(
    client, article, path, russian, english
):
    page = client.get(path).content.decode()
    assert f"<h1>{russian}</h1>" in page
    english_page = client.get(f"/en{path}").content.decode()
    assert f"<h1>{english}</h1>" in english_page
    # The footer of any page leads there.
    assert f'href="{path}"' in client.get("/events/").content.decode()
    assert f'href="/en{path}"' in client.get("/en/").content.decode()


def _row(page, label):
    """The cells of the table row whose heading holds `label`."""
    match = re.search(
        rf"<tr><th scope=\"row\">(?:(?!</tr>).)*?{re.escape(label)}(?:(?!</tr>).)*?</tr>",
        page,
        re.S,
    )
    assert match, f"no row for {label}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match[0], re.S)
    ]


def test_coverage_counts_what_the_public_can_see(client, article):
    atyrau = Region.objects.get(slug="atyrauskaya-oblast")
    events = Event.objects.public().for_region(atyrau).count()
    page = client.get("/coverage/").content.decode()
    assert _row(page, "Атырауская область")[0] == str(events)

    EventFactory(title="Черновик", region=atyrau, state=PublicationState.DRAFT)
    assert _row(client.get("/coverage/").content.decode(), "Атырауская область")[0] == str(events)

    EventFactory(title="Форум 2019 года", region=atyrau, start_date=datetime.date(2019, 5, 14))
    page = client.get("/coverage/").content.decode()
    assert _row(page, "Атырауская область")[0] == str(events + 1)
    assert _row(page, "Атырауская область")[-1].startswith("2019–")
    assert _row(page, "2019</th>")[0] == "1"


def test_coverage_says_how_many_regions_of_each_country_have_records(client, article):
    page = client.get("/coverage/").content.decode()
    for country in Country.objects.public():
        regions = Region.objects.public().filter(country=country)
        covered = [
            region
            for region in regions
            if Event.objects.public().for_region(region).exists()
            or Agreement.objects.public().for_region(region).exists()
        ]
        if regions:
            assert _row(page, str(country))[:2] == [str(len(regions)), str(len(covered))]


def test_coverage_says_how_precisely_events_are_dated(client, article):
    public = Event.objects.public()
    to_the_day = public.filter(start_precision="day").count()
    cells = _row(client.get("/coverage/").content.decode(), "Мероприятия с точной датой")
    assert cells[:2] == [str(to_the_day), str(public.count())]
    assert cells[2] == str(round(100 * to_the_day / public.count()))


def test_the_contact_page_gives_the_editors_address_when_there_is_one(client, settings):
    assert "mailto:" not in client.get("/contact/").content.decode()
    settings.CONTACT_EMAIL = "editors@portal.example"
    assert 'href="mailto:editors@portal.example"' in client.get("/contact/").content.decode()
