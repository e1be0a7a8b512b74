"""A draft's name appears on no public page, even where a published record mentions it."""

import pytest

from cooperation.models import Agreement, Organization, Person, PublicationState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]


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


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.REVIEW])
def test_a_record_awaiting_publication_has_no_public_page_nor_mention(client, state):
    person = Person.objects.get(slug="daniyar-takhanov")
    agreement = Agreement.objects.get()
    assert client.get(person.get_absolute_url()).status_code == 200
    Person.objects.filter(pk=person.pk).update(state=state)
    assert client.get(person.get_absolute_url()).status_code == 404
    assert "Данияр Таханов" not in client.get(agreement.get_absolute_url()).content.decode()


def test_a_record_in_review_is_left_out_of_published_lists():
    organization = Organization.objects.get(slug="kamaz")
    assert organization in Organization.objects.published()
    Organization.objects.filter(pk=organization.pk).update(state=PublicationState.REVIEW)
    assert organization not in Organization.objects.published()
