"""The reference list: every region of Russia, Kazakhstan and Belarus with its executive body
and legislature, published and cited, loaded by the set-up without undoing an editor."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from cooperation import search
from cooperation.models import (
    Citation,
    Country,
    Organization,
    OrganizationAlias,
    PublicationState,
    Region,
    Source,
)
from cooperation.reference_data import reference

pytestmark = pytest.mark.django_db

GOVERNMENT, LEGISLATURE = Organization.Kind.GOVERNMENT_BODY, Organization.Kind.LEGISLATURE


def _load():
    out = StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def _snapshot():
    """What the list writes, down to the time each record was last saved."""
    return {
        "countries": sorted(Country.objects.values_list("code", "name", "updated_at")),
        "regions": sorted(
            Region.objects.values_list("iso_code", "slug", "name", "state", "updated_at")
        ),
        "organizations": sorted(
            Organization.objects.values_list("slug", "name", "kind", "region", "updated_at")
        ),
        "aliases": sorted(OrganizationAlias.objects.values_list("organization", "name")),
        "citations": Citation.objects.count(),
        "versions": Organization.history.count() + Region.history.count(),
    }


def _bodies_by_region(kind):
    return Counter(
        Organization.objects.filter(kind=kind).values_list("region__iso_code", flat=True)
    )


def test_every_region_of_russia_kazakhstan_and_belarus_is_loaded():
    _load()
    counts = Counter(Region.objects.values_list("country__code", flat=True))
    assert counts == {"RU": 83, "KZ": 20, "BY": 7}
    belarus = Country.objects.get(code="BY")
    assert (belarus.name, belarus.name_en, belarus.is_published) == ("Беларусь", "Belarus", True)
    minsk = Region.objects.get(iso_code="BY-HM")
    assert (minsk.name, minsk.name_en, minsk.kind) == ("Минск", "Minsk", "republican_city")
    assert {o.name for o in minsk.organizations.all()} == {
        "Минский городской исполнительный комитет",
        "Минский городской Совет депутатов",
    }


def test_every_region_has_exactly_one_executive_body_and_one_legislature():
    _load()
    regions = set(Region.objects.values_list("iso_code", flat=True))
    assert _bodies_by_region(GOVERNMENT) == dict.fromkeys(regions, 1)
    assert _bodies_by_region(LEGISLATURE) == dict.fromkeys(regions, 1)
    kabmin = Organization.objects.get(short_name="Кабмин РТ")
    assert (kabmin.name, kabmin.name_en) == (
        "Кабинет Министров Республики Татарстан",
        "Cabinet of Ministers of the Republic of Tatarstan",
    )
    assert (kabmin.region.iso_code, kabmin.country.code) == ("RU-TA", "RU")
    zko = Organization.objects.get(name="Западно-Казахстанский областной маслихат")
    assert set(zko.aliases.values_list("name", flat=True)) == {
        "Маслихат Западно-Казахстанской области",
        "Маслихат ЗКО",
    }
    assert Organization.objects.get(short_name="Брестский облисполком").kind == GOVERNMENT


def test_everything_it_writes_is_published_and_cites_the_reference_list():
    _load()
    source = Source.objects.get(kind=Source.Kind.REFERENCE)
    assert source.is_published and source.title.startswith("Справочник регионов")
    for model in (Region, Organization):
        assert not model.objects.exclude(state=PublicationState.PUBLISHED).exists()
        assert not model.objects.exclude(citations__source=source).exists()
    assert not Country.objects.exclude(state=PublicationState.PUBLISHED).exists()
    # Editors see where each version came from.
    version = Organization.history.get(short_name="Кабмин РТ")
    assert version.history_change_reason == "Загружено из справочника регионов и органов власти"


def test_a_second_load_changes_nothing_and_says_so():
    first = _load()
    assert "created: bodies 220, countries 3, regions 110, source 1" in first
    before = _snapshot()

    second = _load()

    assert _snapshot() == before
    assert second.startswith("Reference list: nothing to add")
    assert "bodies 220" in second and "regions 110" in second


def test_an_editors_change_survives_a_reload():
    _load()
    kabmin = Organization.objects.get(short_name="Кабмин РТ")
    kabmin.name, kabmin.short_name = "Кабинет министров Татарстана", ""
    kabmin.save()
    tatarstan = Region.objects.get(iso_code="RU-TA")
    tatarstan.name_en, tatarstan.capital_en = "Tatarstan", "Qazan"
    tatarstan.save()
    maslikhat = Organization.objects.get(name="Атырауский областной маслихат")
    maslikhat.state = PublicationState.DRAFT
    maslikhat.save()

    _load()

    kabmin.refresh_from_db()
    assert (kabmin.name, kabmin.short_name) == ("Кабинет министров Татарстана", "")
    tatarstan.refresh_from_db()
    assert (tatarstan.name_en, tatarstan.capital_en) == ("Tatarstan", "Qazan")
    assert Organization.objects.get(pk=maslikhat.pk).state == PublicationState.DRAFT
    assert _bodies_by_region(GOVERNMENT)["RU-TA"] == 1
    assert _bodies_by_region(LEGISLATURE)["KZ-23"] == 1


def test_a_body_or_region_an_editor_deleted_is_not_brought_back():
    _load()
    Organization.objects.get(short_name="Мосгордума").delete()
    minsk = Region.objects.get(iso_code="BY-HM")
    for organization in minsk.organizations.all():
        organization.delete()
    minsk.delete()

    report = _load()

    assert "nothing to add" in report and "deleted by editors, not restored" in report
    assert not Organization.objects.filter(name="Московская городская Дума").exists()
    assert not Region.objects.filter(iso_code="BY-HM").exists()


def test_the_articles_records_are_matched_not_made_twice(article):
    tatarstan = Region.objects.get(slug="tatarstan")
    gossovet = Organization.objects.get(slug="gossovet-rt")

    _load()

    assert Region.objects.filter(iso_code="RU-TA").get() == tatarstan
    assert Region.objects.get(iso_code="KZ-23").slug == "atyrauskaya-oblast"
    for name in ("Государственный Совет Республики Татарстан", "Акимат Атырауской области"):
        assert Organization.objects.filter(name=name).count() == 1, name
    # Left as the article has them, citing the article only.
    gossovet.refresh_from_db()
    assert [c.source.kind for c in gossovet.citations.all()] == [Source.Kind.NEWS]
    # Tatarstan's press service is a government body too, but not its executive body.
    assert Organization.objects.filter(
        region=tatarstan, kind=GOVERNMENT, name="Кабинет Министров Республики Татарстан"
    ).exists()
    regions = Region.objects.values_list("iso_code", flat=True)
    assert len(regions) == 110 and len(set(regions)) == 110


def test_the_article_loads_onto_the_reference_list_as_the_set_up_runs_them(client):
    _load()
    kabmin = Organization.objects.get(short_name="Кабмин РТ")

    call_command("load_articles", stdout=StringIO())

    assert Region.objects.count() == 110
    tatarstan = Region.objects.get(slug="tatarstan")
    assert tatarstan.iso_code == "RU-TA"
    assert tatarstan.summary.startswith("Республика в составе России")
    assert {c.source.kind for c in tatarstan.citations.all()} == {"reference", "news"}
    assert Organization.objects.filter(name="Акимат Атырауской области").count() == 1
    assert Organization.objects.get(slug="gossovet-rt").region == tatarstan
    assert Organization.objects.get(short_name="Кабмин РТ") == kabmin
    assert client.get("/regions/tatarstan/").status_code == 200


def test_a_region_entered_by_an_editor_under_another_slug_is_the_articles_region():
    _load()
    atyrau = Region.objects.get(iso_code="KZ-23")
    atyrau.slug = "atyrau"
    atyrau.save()

    call_command("load_articles", stdout=StringIO())

    assert Region.objects.filter(iso_code="KZ-23").get().slug == "atyrau"
    akimat = Organization.objects.get(name="Акимат Атырауской области")
    assert akimat.region == atyrau
    assert akimat.citations.filter(source__kind=Source.Kind.NEWS).exists()


def test_bodies_are_found_by_their_names_short_names_and_aliases():
    _load()
    published = Organization.objects.published()
    for query, name in [
        ("Курултай Башкортостана", "Государственное Собрание — Курултай Республики Башкортостан"),
        ("Кабмин РТ", "Кабинет Министров Республики Татарстан"),
        ("Акимат ЗКО", "Акимат Западно-Казахстанской области"),
        ("Мингорисполком", "Минский городской исполнительный комитет"),
    ]:
        assert name in [o.name for o in search.search(published, query)], query


def test_loading_takes_a_few_bulk_queries_however_many_records(django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        _load()
    with django_assert_max_num_queries(12):
        _load()


def test_no_two_bodies_share_a_name_and_every_region_has_both():
    data = reference()
    names = [name for body in data.bodies for name in (*body.names, body.name_en)]
    assert [name for name, n in Counter(names).items() if n > 1] == []
    roles = Counter((body.region, body.role) for body in data.bodies)
    assert set(roles.values()) == {1}
    assert len(roles) == 2 * len(data.regions)
