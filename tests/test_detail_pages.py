import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import PublicationState

from .factories import (
    AgreementFactory,
    CitationFactory,
    DelegationFactory,
    EventFactory,
    IndustryFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    RegionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT

DETAIL_FACTORIES = [
    RegionFactory,
    OrganizationFactory,
    PersonFactory,
    DelegationFactory,
    EventFactory,
    AgreementFactory,
    IndustryFactory,
    TopicFactory,
    SourceFactory,
]


@pytest.fixture
def staff_client(client, django_user_model):
    editor = django_user_model.objects.create_user(
        username="editor", password="not-a-secret", is_staff=True
    )
    client.force_login(editor)
    return client


def _event_with_participants(count):
    event = EventFactory()
    for n in range(count):
        person = PersonFactory()
        ParticipationFactory(event=event, person=person, role=f"Глава {n}", side=RegionFactory())
        StatementFactory(event=event, speaker=person, is_verbatim=n % 2 == 0)
        CitationFactory(content_object=person)
    CitationFactory(content_object=event, quote="Глава Татарстана встретился с акимом.")
    return event


def _queries_for(client, url):
    # Content types are cached after the first lookup; start each count from the same place.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_published_event_page_shows_its_participants_and_the_cited_source(client):
    event = EventFactory(title="Встреча Рустама Минниханова и Серика Шапкенова")
    minnikhanov = PersonFactory(first_name="Рустам", last_name="Минниханов")
    ParticipationFactory(event=event, person=minnikhanov, role="Раис Республики Татарстан")
    source = SourceFactory(title="Минниханов встретился с акимом Атырауской области")
    CitationFactory(source=source, content_object=event, quote="Они обсудили развитие партнерства")

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "Рустам Минниханов" in response.text
    assert minnikhanov.get_absolute_url() in response.text
    assert "Раис Республики Татарстан" in response.text
    assert source.get_absolute_url() in response.text
    assert "Они обсудили развитие партнерства" in response.text


def test_an_event_page_leaves_out_draft_participants_and_draft_sources(client):
    event = EventFactory()
    ParticipationFactory(event=event, person=PersonFactory(last_name="Черновиков", state=DRAFT))
    CitationFactory(
        source=SourceFactory(title="Неопубликованная статья", state=DRAFT), content_object=event
    )

    response = client.get(event.get_absolute_url())

    assert "Черновиков" not in response.text
    assert "Неопубликованная статья" not in response.text


@pytest.mark.parametrize("factory", DETAIL_FACTORIES)
def test_a_published_record_has_a_page(client, factory):
    record = factory()

    response = client.get(record.get_absolute_url())

    assert response.status_code == 200
    assert str(record) in response.text


@pytest.mark.parametrize("factory", DETAIL_FACTORIES)
def test_a_draft_is_not_found_for_the_public(client, factory):
    record = factory(state=DRAFT)

    assert client.get(record.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", DETAIL_FACTORIES)
def test_staff_can_preview_a_draft_with_a_banner(staff_client, factory):
    record = factory(state=DRAFT)

    response = staff_client.get(record.get_absolute_url())

    assert response.status_code == 200
    assert 'class="draft-banner"' in response.text


def test_a_published_page_has_no_draft_banner_for_staff(staff_client):
    response = staff_client.get(EventFactory().get_absolute_url())

    assert 'class="draft-banner"' not in response.text


def test_event_page_queries_do_not_grow_with_its_participants(client):
    few = _queries_for(client, _event_with_participants(2).get_absolute_url())
    many = _queries_for(client, _event_with_participants(10).get_absolute_url())

    assert few == many


def test_person_page_queries_do_not_grow_with_their_events(client):
    def person_at(count):
        person = PersonFactory()
        for _ in range(count):
            ParticipationFactory(person=person, event=EventFactory(region=RegionFactory()))
            StatementFactory(speaker=person)
        return person

    few = _queries_for(client, person_at(2).get_absolute_url())
    many = _queries_for(client, person_at(10).get_absolute_url())

    assert few == many


def test_source_page_lists_what_cites_it_and_shows_its_text_as_formatted(client):
    source = SourceFactory(text="<p>Первый абзац.</p><p>Второй <strong>абзац</strong>.</p>")
    event = EventFactory(title="Круглый стол в ТПП РТ")
    CitationFactory(source=source, content_object=event, quote="вчера аким встречался")
    CitationFactory(source=source, content_object=EventFactory(title="Скрытая", state=DRAFT))

    response = client.get(source.get_absolute_url())

    assert event.get_absolute_url() in response.text
    assert "вчера аким встречался" in response.text
    assert "Скрытая" not in response.text
    assert "<p>Второй <strong>абзац</strong>.</p>" in response.text
    assert "&lt;p&gt;" not in response.text


def test_source_text_cannot_inject_markup_even_if_stored_unsanitized(client):
    source = SourceFactory()
    # Bypass Source.save(), as a raw import or a database edit might.
    type(source).objects.filter(pk=source.pk).update(text='<script>alert("x")</script>Текст')

    response = client.get(source.get_absolute_url())

    assert "<script>alert" not in response.text
    assert "Текст" in response.text


def test_home_lists_published_events_and_regions_only(client):
    event = EventFactory(title="Опубликованная встреча")
    EventFactory(title="Черновая встреча", state=DRAFT)
    region = RegionFactory(name="Атырауская область")
    RegionFactory(name="Черновая область", state=DRAFT)

    response = client.get("/")

    assert event.get_absolute_url() in response.text
    assert region.get_absolute_url() in response.text
    assert "Черновая" not in response.text
