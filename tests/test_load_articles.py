"""The article's data, loaded by `manage.py load_articles`, says what the article says."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cooperation.dates import Precision
from cooperation.models import (
    Agreement,
    Citation,
    Delegation,
    Event,
    Invitation,
    Organization,
    Person,
    Position,
    PublicationState,
    Record,
    Region,
    Source,
    Statement,
)

pytestmark = pytest.mark.django_db


def _counts():
    from django.apps import apps

    return {
        m._meta.label: m.objects.count() for m in apps.get_app_config("cooperation").get_models()
    }


def test_loading_twice_changes_nothing(article):
    before = _counts()
    stamps = list(Event.objects.order_by("pk").values_list("updated_at", flat=True))
    out = StringIO()
    call_command("load_articles", "--update", stdout=out)
    assert "created: nothing; updated: nothing" in out.getvalue()
    assert _counts() == before
    assert list(Event.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_the_agreement_has_the_cluster_and_spk_atyrau_as_parties_with_their_signatories(article):
    agreement = Agreement.objects.get(
        slug="soglashenie-o-sotrudnichestve-promyshlennogo-klastera-tatarstana-i-spk-atyrau-2025"
    )
    parties = [
        (p.organization.slug, p.signatory.slug, p.signatory_title)
        for p in agreement.parties.select_related("organization", "signatory")
    ]
    assert parties == [
        (
            "promyshlennyy-klaster-tatarstana",
            "sergey-mayorov",
            "председатель правления Промышленного кластера Татарстана",
        ),
        (
            "spk-atyrau",
            "daniyar-takhanov",
            "председатель правления социально-предпринимательской корпорации «Атырау»",
        ),
    ]
    assert agreement.signed_date == dt.date(2025, 2, 20)
    assert agreement.signed_precision == Precision.DAY
    assert agreement.signed_at.kind == Event.Kind.SIGNING
    assert agreement.signed_at.delegation.slug == "delegatsiya-atyrauskoy-oblasti-v-tatarstane-2025"
    assert {r.slug for r in agreement.regions()} == {"tatarstan", "atyrauskaya-oblast"}
    assert list(Agreement.objects.for_region(Region.objects.get(slug="atyrauskaya-oblast"))) == [
        agreement
    ]


def test_atyrau_region_carries_its_sourced_facts(article):
    atyrau = Region.objects.get(slug="atyrauskaya-oblast")
    assert atyrau.country.code == "KZ"
    assert atyrau.established_year == 1938
    assert atyrau.iso_code == "KZ-23"
    facts = [f.text for f in atyrau.facts.all()]
    assert "Расположена на западе Казахстана." in facts
    assert any("24\u00a0%" in f and "промышленного производства" in f for f in facts)
    assert any("природными ресурсами" in f for f in facts)
    assert [i.slug for i in atyrau.industries.all()] == ["neftegazovaya-promyshlennost"]
    for fact in atyrau.facts.all():
        assert fact.citations.get().source == article


def test_the_visit_has_the_round_table_on_the_20th_and_the_meeting_on_the_21st(article):
    delegation = Delegation.objects.get(slug="delegatsiya-atyrauskoy-oblasti-v-tatarstane-2025")
    assert delegation.head.slug == "serik-shapkenov"
    assert (delegation.home_region.slug, delegation.host_region.slug) == (
        "atyrauskaya-oblast",
        "tatarstan",
    )
    events = {e.kind: e for e in delegation.events.all()}
    assert events[Event.Kind.ROUND_TABLE].start_date == dt.date(2025, 2, 20)
    assert events[Event.Kind.ROUND_TABLE].attendance == 50
    assert events[Event.Kind.MEETING].start_date == dt.date(2025, 2, 21)
    assert {p.person.slug for p in events[Event.Kind.MEETING].participations.all()} == {
        "rustam-minnikhanov",
        "serik-shapkenov",
    }
    assert {p.person.slug for p in events[Event.Kind.ROUND_TABLE].participations.all()} == {
        "serik-shapkenov",
        "marat-akhmetov",
        "shamil-ageev",
        "rafinat-yarullin",
    }
    assert {p.person.slug for p in events[Event.Kind.SIGNING].participations.all()} == {
        "sergey-mayorov",
        "daniyar-takhanov",
    }


def test_the_three_earlier_meetings_keep_the_precision_the_article_gave(article):
    earlier = {
        slug: Event.objects.get(slug=slug)
        for slug in (
            "vstrecha-rustama-minnikhanova-i-nurlana-urankhaeva-2024",
            "vstrecha-rustama-minnikhanova-i-kasym-zhomarta-tokaeva-2024",
            "vstrecha-rustama-minnikhanova-i-erlana-koshanova-2024",
        )
    }
    dates = {slug: (e.start_date, e.start_precision, e.dates) for slug, e in earlier.items()}
    assert dates == {
        "vstrecha-rustama-minnikhanova-i-nurlana-urankhaeva-2024": (
            dt.date(2024, 11, 1),
            Precision.MONTH,
            "ноябрь 2024",
        ),
        "vstrecha-rustama-minnikhanova-i-kasym-zhomarta-tokaeva-2024": (
            dt.date(2024, 9, 1),
            Precision.MONTH,
            "сентябрь 2024",
        ),
        "vstrecha-rustama-minnikhanova-i-erlana-koshanova-2024": (
            dt.date(2024, 3, 1),
            Precision.MONTH,
            "март 2024",
        ),
    }
    koshanov = earlier["vstrecha-rustama-minnikhanova-i-erlana-koshanova-2024"]
    assert koshanov.venue == "Казанский Кремль"
    assert koshanov.delegation.host_country.code == "RU"
    tokayev = earlier["vstrecha-rustama-minnikhanova-i-kasym-zhomarta-tokaeva-2024"]
    assert tokayev.region.slug == "astana"
    assert tokayev.delegation.events.filter(title__contains="Всемирных игр кочевников").exists()


def test_the_ten_people_hold_the_titles_the_article_gives_them(article):
    titles = dict(Position.objects.values_list("person__slug", "title"))
    assert titles == {
        "rustam-minnikhanov": "Раис Республики Татарстан",
        "serik-shapkenov": "аким Атырауской области",
        "marat-akhmetov": "заместитель председателя Государственного Совета Республики Татарстан",
        "shamil-ageev": "председатель Торгово-промышленной палаты Республики Татарстан",
        "rafinat-yarullin": "генеральный директор ОАО «Татнефтехиминвест-холдинг»",
        "sergey-mayorov": "председатель правления Промышленного кластера Татарстана",
        "daniyar-takhanov": (
            "председатель правления социально-предпринимательской корпорации «Атырау»"
        ),
        "nurlan-urankhaev": "аким области Абай",
        "kasym-zhomart-tokaev": "Президент Республики Казахстан",
        "erlan-koshanov": "председатель Мажилиса Парламента Республики Казахстан",
    }
    minnikhanov = Person.objects.get(slug="rustam-minnikhanov")
    assert (minnikhanov.first_name_en, minnikhanov.last_name_en) == ("Rustam", "Minnikhanov")


def test_kazanforum_is_planned_for_15_16_may_with_atyrau_invited(article):
    forum = Event.objects.get(slug="kazanforum-2025")
    assert forum.status == Event.Status.PLANNED
    assert forum.dates == "15–16 мая 2025"
    invitation = Invitation.objects.get(event=forum)
    assert invitation.invited_region.slug == "atyrauskaya-oblast"
    assert invitation.invited_by.slug == "rustam-minnikhanov"


def test_organizations_are_linked_to_regions_parents_industries_and_aliases(article):
    tpp = Organization.objects.get(aliases__name="ТПП РТ")
    assert tpp.slug == "tpp-rt"
    engineering = Organization.objects.get(slug="kamaz-inzhiniring")
    assert engineering.parent.slug == "kamaz"
    assert engineering.country.code == "KZ"
    assert engineering.region is None  # the article does not say where in Kazakhstan
    machine_building = Organization.objects.businesses().filter(
        industries__parent__slug="mashinostroenie", region__slug="tatarstan"
    )
    assert {"kamaz", "kazanskiy-vertoletnyy-zavod", "kazankompressormash", "pozis"} <= set(
        machine_building.values_list("slug", flat=True)
    )
    working_with_kz = Organization.objects.filter(partnerships__partner_country__code="KZ")
    assert working_with_kz.distinct().count() == 9


def test_quotes_keep_their_speakers_and_verbatim_flags(article):
    tokayev = Statement.objects.get(speaker__slug="kasym-zhomart-tokaev")
    assert tokayev.text == "Все проекты, реализуемые с Татарстаном, идут по плану."
    assert not tokayev.is_verbatim
    koshanov = Statement.objects.get(speaker__slug="erlan-koshanov")
    assert "стратегический партнёр" in koshanov.text
    verbatim = Statement.objects.filter(is_verbatim=True)
    assert verbatim.filter(speaker__slug="serik-shapkenov").count() == 2
    assert verbatim.filter(speaker__slug="rustam-minnikhanov").count() == 2


def test_every_fact_bearing_record_is_published_and_cites_the_article(article):
    from django.apps import apps

    for model in apps.get_app_config("cooperation").get_models():
        if not issubclass(model, Record):
            continue
        for obj in model.objects.all():
            assert obj.state == PublicationState.PUBLISHED, obj
            assert [c.source for c in obj.citations.all()] == [article], obj
    assert all(q in _flat(article.text) for q in Citation.objects.values_list("quote", flat=True))


def _flat(text):
    return " ".join(text.split())


def test_a_broken_data_file_names_the_record_and_loads_nothing(tmp_path):
    (tmp_path / "a.txt").write_text("Текст статьи.", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(
        "source: {slug: s, title: T, text_file: a.txt}\n"
        "countries: [{code: KZ, name: Казахстан}]\n"
        "regions: [{slug: r, country: XX, name: Н, kind: oblast}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"regions\[0\]: no country with code 'XX'"):
        call_command("load_articles", str(tmp_path / "bad.yaml"), stdout=StringIO())
    assert not Source.objects.exists()


def test_set_up_keeps_what_editors_changed_and_update_brings_the_file_back(article):
    forum = Event.objects.get(slug="kazanforum-2025")
    forum.title = "KazanForum 2025"
    forum.save()
    out = StringIO()
    call_command("load_articles", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Event.objects.get(slug="kazanforum-2025").title == "KazanForum 2025"
    call_command("load_articles", "--update", stdout=StringIO())
    assert Event.objects.get(slug="kazanforum-2025").title == "KazanForum"


def test_a_fact_taken_out_of_the_file_is_removed_and_the_others_keep_their_records(
    article, tmp_path
):
    from django.conf import settings

    folder = settings.BASE_DIR / "data" / "articles"
    name = "2025-02-21-minnikhanov-shapkenov"
    (tmp_path / f"{name}.txt").write_text(
        (folder / f"{name}.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    data = (folder / f"{name}.yaml").read_text(encoding="utf-8")
    removed = (
        "      - text: Расположена на западе Казахстана.\n"
        "        text_en: Lies in the west of Kazakhstan.\n"
        "        quote: Расположена на западе Казахстана.\n"
    )
    assert removed in data
    (tmp_path / f"{name}.yaml").write_text(data.replace(removed, ""), encoding="utf-8")
    atyrau = Region.objects.get(slug="atyrauskaya-oblast")
    before = {f.text: f.pk for f in atyrau.facts.all()}

    call_command("load_articles", str(tmp_path / f"{name}.yaml"), "--update", stdout=StringIO())

    after = {f.text: f.pk for f in atyrau.facts.all()}
    del before["Расположена на западе Казахстана."]
    assert after == before


def test_an_article_with_ampersands_loads_once_and_its_quotes_are_found(tmp_path):
    (tmp_path / "a.txt").write_text("Компания Procter & Gamble открыла завод.", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "source: {slug: pg, title: P&G, text_file: a.txt}\n"
        "countries: [{code: KZ, name: Казахстан}]\n"
        "regions: [{slug: r, country: KZ, name: Н, kind: oblast, quote: 'Procter & Gamble'}]\n",
        encoding="utf-8",
    )
    call_command("load_articles", str(tmp_path / "a.yaml"), stdout=StringIO())
    out = StringIO()
    call_command("load_articles", str(tmp_path / "a.yaml"), "--update", stdout=out)
    assert "created: nothing; updated: nothing" in out.getvalue()
    assert Region.objects.get(slug="r").citations.get().quote == "Procter & Gamble"
