"""A draft's name appears on no public page, even where a published record mentions it."""

from io import StringIO

import pytest
from django.core.management import call_command

from cooperation.models import Agreement, Organization, Person, PublicationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loaded():
    call_command("load_articles", stdout=StringIO())


def test_a_draft_signatory_is_not_named_on_the_agreement_page(client):
    agreement = Agreement.objects.get()
    assert "Данияр Таханов" in client.get(agreement.get_absolute_url()).content.decode()
    Person.objects.filter(slug="daniyar-takhanov").update(state=PublicationState.DRAFT)
    assert "Данияр Таханов" not in client.get(agreement.get_absolute_url()).content.decode()


def test_a_draft_parent_is_not_named_on_its_subsidiary_page(client):
    engineering = Organization.objects.get(slug="kamaz-inzhiniring")
    Organization.objects.filter(slug="kamaz").update(state=PublicationState.DRAFT)
    html = client.get(engineering.get_absolute_url()).content.decode()
    assert 'href="/organizations/kamaz/"' not in html
    assert "ПАО «КАМАЗ»" not in html
