"""What every public page does whatever its content: absolute language alternates, links
only to web pages, empty parameters read alike everywhere, editors' pages kept private."""

import pytest

from cooperation.models import Organization, Source

pytestmark = pytest.mark.django_db


def test_language_alternates_are_absolute_addresses(client, article):
    html = client.get("/events/?region=tatarstan").content.decode()
    assert 'hreflang="en" href="http://testserver/en/events/?region=tatarstan"' in html
    assert 'hreflang="ru" href="http://testserver/events/?region=tatarstan"' in html


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "data:text/html,<b>x</b>", "JaVaScRiPt:x"]
)
def test_an_address_that_is_no_web_page_is_shown_but_never_linked(client, article, address):
    organization = Organization.objects.public().get(slug="kamaz")
    Organization.objects.filter(pk=organization.pk).update(website=address)
    source = Source.objects.public().get()
    Source.objects.filter(pk=source.pk).update(url=address)
    for page in (organization.get_absolute_url(), source.get_absolute_url()):
        html = client.get(page).content.decode()
        assert f'href="{address}' not in html
        assert 'href="javascript' not in html.lower()


def test_a_web_address_is_a_link(client, article):
    Organization.objects.filter(slug="kamaz").update(website="https://kamaz.ru/")
    html = client.get("/organizations/kamaz/").content.decode()
    assert 'href="https://kamaz.ru/"' in html


@pytest.mark.parametrize("path", ["/events/feed/", "/agreements/feed/", "/events/calendar.ics"])
def test_feeds_take_empty_parameters_as_lists_do(client, article, path):
    list_page = client.get("/events/?region=&industry=&date_from=")
    assert list_page.status_code == 200
    assert client.get(f"{path}?region=&industry=&date_from=").status_code == 200


def test_an_editors_preview_is_private(admin_client, article):
    response = admin_client.get("/events/")
    assert "private" in response["Cache-Control"]
