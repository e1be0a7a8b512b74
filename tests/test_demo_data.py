"""Synthetic demo data: the real shape, the same for a seed, marked, and removable."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count

from cooperation.management.demo_data import demo_data_generate, demo_data_remove
from cooperation.models import (
    Agreement,
    Citation,
    Delegation,
    Event,
    Organization,
    Participation,
    Person,
    Position,
    PublicationState,
    Region,
    Source,
    Statement,
)

pytestmark = pytest.mark.django_db

SCALE = 0.002  # 200 organizations, 100 people, 200 events, 40 agreements


def _generate(seed=1, scale=SCALE):
    return demo_data_generate(scale=scale, seed=seed)


def _fingerprint():
    """What a reader would see of the demo data, without the database's own numbering."""
    return {
        "events": sorted(
            Event.objects.values_list("slug", "title", "start_date", "region__iso_code")
        ),
        "people": sorted(Person.objects.values_list("slug", "first_name", "last_name")),
        "agreements": sorted(
            Agreement.objects.values_list("slug", "title", "signed_date", "status")
        ),
        "participants": sorted(
            Participation.objects.values_list("event__slug", "person__slug", "side__iso_code")
        ),
    }


def test_it_writes_every_region_and_linked_published_records(article):
    written = _generate()
    assert Region.objects.filter(country__code="RU").count() == 83
    assert Region.objects.filter(country__code="KZ").count() == 20
    assert written["organization"] == 200 and written["person"] == 100
    assert written["event"] == 200 and written["agreement"] == 40
    # Three participants an event on average, each with the title they held.
    assert 2 <= written["participation"] / written["event"] <= 4
    participation = Participation.objects.exclude(position=None).first()
    assert participation.role == participation.position.title
    assert participation.side_id in set(participation.event.regions.values_list("pk", flat=True))
    # Agreements have two parties from the two regions of a pair.
    parties = Agreement.objects.annotate(n=Count("parties")).values_list("n", flat=True)
    assert set(parties) <= {1, 2} and 2 in set(parties)
    assert Statement.objects.exists() and Delegation.objects.exists()
    assert not Event.objects.exclude(state=PublicationState.PUBLISHED).exists()


def test_every_record_it_writes_cites_the_synthetic_source(article):
    _generate()
    source = Source.objects.get(kind=Source.Kind.SYNTHETIC)
    assert source.is_published
    for model in (Region, Organization, Person, Position, Event, Agreement, Statement):
        content_type = ContentType.objects.get_for_model(model)
        cited = Citation.objects.filter(source=source, content_type=content_type)
        article_records = Citation.objects.filter(content_type=content_type).exclude(source=source)
        uncited = model.objects.exclude(pk__in=cited.values("object_id")).exclude(
            pk__in=article_records.values("object_id")
        )
        assert not uncited.exists(), model


def test_a_demo_page_names_its_source_as_synthetic(client, article):
    _generate()
    event = Event.objects.filter(citations__source__kind=Source.Kind.SYNTHETIC).first()
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Синтетические демонстрационные данные" in html


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(article):
    _generate(seed=7)
    first = _fingerprint()
    demo_data_remove()
    _generate(seed=7)
    assert _fingerprint() == first
    demo_data_remove()
    _generate(seed=8)
    assert _fingerprint()["events"] != first["events"]


def test_removal_leaves_the_articles_records_as_they_were(client, article):
    before = {model: set(model.objects.values_list("pk", flat=True)) for model in _MODELS}
    citations = Citation.objects.count()
    _generate()
    deleted = demo_data_remove()
    assert deleted["event"] == 200 and deleted["region"] == 99
    after = {model: set(model.objects.values_list("pk", flat=True)) for model in _MODELS}
    assert after == before
    assert Citation.objects.count() == citations
    assert not Source.objects.filter(kind=Source.Kind.SYNTHETIC).exists()
    assert client.get("/regions/tatarstan/").status_code == 200


_MODELS = (Region, Organization, Person, Position, Event, Participation, Agreement, Statement)


def test_removal_that_would_break_an_editors_record_changes_nothing(article):
    _generate()
    demo_person = Person.objects.filter(citations__source__kind=Source.Kind.SYNTHETIC).first()
    real_event = Event.objects.get(slug="kazanforum-2025")
    Participation.objects.create(event=real_event, person=demo_person)
    events = Event.objects.count()
    with pytest.raises(CommandError, match="nothing was deleted"):
        call_command("remove_demo_data", stdout=StringIO())
    assert Event.objects.count() == events
    assert Source.objects.filter(kind=Source.Kind.SYNTHETIC).exists()


def test_generating_twice_is_refused_with_a_message(article):
    _generate()
    with pytest.raises(CommandError, match="remove it first"):
        call_command("generate_demo_data", scale=SCALE, stdout=StringIO(), stderr=StringIO())


def test_a_bad_scale_is_refused_with_a_message(article):
    with pytest.raises(CommandError, match="scale must be above 0"):
        call_command("generate_demo_data", scale=0, stdout=StringIO(), stderr=StringIO())


def test_it_needs_the_portals_countries_industries_and_topics():
    with pytest.raises(CommandError, match="load_articles"):
        call_command("generate_demo_data", scale=SCALE, stdout=StringIO(), stderr=StringIO())


def test_the_commands_report_what_they_wrote_and_removed(article):
    out = StringIO()
    call_command("generate_demo_data", scale=SCALE, stdout=out, stderr=StringIO())
    assert "event 200" in out.getvalue()
    out = StringIO()
    call_command("remove_demo_data", stdout=out)
    assert "event 200" in out.getvalue()
    out = StringIO()
    call_command("remove_demo_data", stdout=out)
    assert "no demo data" in out.getvalue()


def test_demo_records_are_found_by_search(client, article):
    _generate()
    person = Person.objects.filter(citations__source__kind=Source.Kind.SYNTHETIC).first()
    html = client.get("/search/", {"q": f"{person.first_name} {person.last_name}"}).content
    assert person.get_absolute_url() in html.decode()
