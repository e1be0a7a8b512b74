"""Spreadsheet import and export of organizations, people, events and agreements."""

import pytest
import tablib
from django.contrib.auth.models import Permission, User
from django.utils import translation
from import_export.formats.base_formats import CSV, XLSX

from cooperation.dates import Precision
from cooperation.models import (
    Agreement,
    Citation,
    Event,
    Organization,
    Person,
    PublicationState,
    Source,
)
from cooperation.resources import (
    AgreementResource,
    EventResource,
    OrganizationResource,
    PersonResource,
    may_publish,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("article")]

RESOURCES = [OrganizationResource, PersonResource, EventResource, AgreementResource]
SOURCE = "minnikhanov-vstretilsya-s-akimom-atyrauskoy-oblasti"
ROUND_TABLE = "kruglyy-stol-v-tpp-rt-s-akimom-atyrauskoy-oblasti-2025"


def _snapshot():
    """Everything an import could touch, down to the time each record was last saved."""
    models = [Organization, Person, Event, Agreement, Citation]
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    for model, relations in [
        (Organization, ["industries"]),
        (Event, ["industries", "topics"]),
        (Agreement, ["industries", "topics"]),
    ]:
        for relation in relations:
            through = getattr(model, relation).through
            rows[f"{model.__name__}.{relation}"] = list(through.objects.order_by("pk").values())
    return rows


def _import(resource_class, dataset, *, dry_run=False, user=None):
    # As the admin imports: in a transaction that any invalid row rolls back. In English, so
    # that the messages checked here stay the same when they are translated.
    with translation.override("en"):
        return resource_class().import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )


def _errors(result):
    return {row.number: row.field_specific_errors for row in result.invalid_rows}


def _edit(dataset, index, **values):
    """Change some cells of one row, as an editor would in the spreadsheet."""
    row = dict(zip(dataset.headers, dataset[index], strict=True)) if index < len(dataset) else {}
    row = {header: row.get(header, "") for header in dataset.headers} | values
    if index < len(dataset):
        dataset[index] = [row[header] for header in dataset.headers]
    else:
        dataset.append([row[header] for header in dataset.headers])


def _events_export():
    return EventResource().export()


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda r: r.__name__)
def test_an_export_re_imports_without_changing_anything(resource_class, file_format):
    exported = resource_class().export()
    assert len(exported) == resource_class._meta.model.objects.count() > 0
    before = _snapshot()
    file = file_format().export_data(exported)
    result = _import(resource_class, file_format().create_dataset(file))
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    assert result.totals["skip"] == len(exported)
    assert _snapshot() == before
    assert resource_class().export().dict == exported.dict


def test_an_export_writes_relations_as_slugs_and_dates_as_the_source_gives_them():
    rows = {row["slug"]: row for row in _events_export().dict}
    round_table = rows[ROUND_TABLE]
    assert round_table["start"] == "2025-02-20"
    assert round_table["region"] == "tatarstan"
    assert round_table["sources"] == SOURCE
    forum = rows["kazanforum-2025"]
    assert (forum["start"], forum["end"]) == ("2025-05-15", "2025-05-16")
    assert rows["vstrecha-rustama-minnikhanova-i-nurlana-urankhaeva-2024"]["start"] == "2024-11"
    assert rows["otkrytie-vsemirnykh-igr-kochevnikov-2024"]["topics"] == "kultura|sport"
    organizations = {row["slug"]: row for row in OrganizationResource().export().dict}
    assert organizations["kamaz-inzhiniring"]["parent"] == "kamaz"
    assert organizations["kamaz-inzhiniring"]["country"] == "KZ"


def test_an_import_with_one_bad_row_changes_nothing_and_names_the_row():
    dataset = _events_export()
    _edit(dataset, 0, title="Изменено")
    _edit(dataset, 2, region="xyz", start="2024-13")
    _edit(
        dataset,
        len(dataset),
        kind="meeting",
        title="Новая встреча",
        start="2025-03",
        sources=SOURCE,
    )
    before = _snapshot()

    result = _import(EventResource, dataset)

    assert _errors(result) == {
        3: {
            "region": ["Region «xyz» does not exist."],
            "start": ["Date «2024-13» is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."],
        }
    }
    assert _snapshot() == before
    assert not Event.objects.filter(title__in=["Изменено", "Новая встреча"]).exists()


def test_a_dry_run_shows_what_would_change_and_changes_nothing():
    dataset = _events_export()
    _edit(dataset, 0, title="Изменено")
    _edit(
        dataset,
        len(dataset),
        kind="meeting",
        title="Новая встреча",
        start="2025-03",
        sources=SOURCE,
    )
    before = _snapshot()

    result = _import(EventResource, dataset, dry_run=True)

    assert not result.has_validation_errors(), _errors(result)
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    assert result.totals["skip"] == Event.objects.count() - 1
    assert _snapshot() == before


def test_a_row_without_slug_creates_a_draft_named_from_its_title_citing_its_sources():
    dataset = tablib.Dataset(
        headers=["kind", "title", "start", "end", "region", "state", "sources"]
    )
    dataset.append(
        ["forum", "Форум «Россия — Казахстан»", "2025-09", "", "tatarstan", "published", SOURCE]
    )

    result = _import(EventResource, dataset)

    assert not result.has_validation_errors(), _errors(result)
    event = Event.objects.get(title="Форум «Россия — Казахстан»")
    assert event.slug == "forum-rossiya-kazakhstan-2025"
    assert (event.start_date.isoformat(), event.start_precision) == ("2025-09-01", Precision.MONTH)
    assert event.region.slug == "tatarstan"
    assert [c.source.slug for c in event.citations.all()] == [SOURCE]
    # No one may publish straight from a spreadsheet until publishing is granted.
    assert event.state == PublicationState.DRAFT


def test_an_end_given_to_the_month_is_stored_as_the_last_day_of_that_month():
    dataset = tablib.Dataset(headers=["slug", "kind", "title", "start", "end", "sources"])
    dataset.append(["vystavka-2025", "forum", "Выставка", "2025-02-27", "2025-03", SOURCE])
    result = _import(EventResource, dataset)
    assert not result.has_validation_errors(), _errors(result)
    event = Event.objects.get(slug="vystavka-2025")
    assert event.end_date.isoformat() == "2025-03-31"
    assert event.end.iso() == "2025-03"


def test_a_new_record_must_name_its_sources():
    dataset = tablib.Dataset(headers=["slug", "last_name", "first_name", "sources"])
    dataset.append(["", "Иванов", "Иван", ""])
    dataset.append(["", "Петров", "Пётр", "net-takogo-istochnika"])
    before = Person.objects.count()

    errors = _errors(_import(PersonResource, dataset))

    assert errors[1] == {
        "sources": [
            "Give at least one source: the slugs of the sources that report this, separated by «|»."
        ]
    }
    assert errors[2] == {"sources": ["Source «net-takogo-istochnika» does not exist."]}
    assert Person.objects.count() == before

    without_column = tablib.Dataset(headers=["last_name", "first_name"])
    without_column.append(["Иванов", "Иван"])
    assert _errors(_import(PersonResource, without_column))[1] == {
        "sources": ["The file has no «sources» column: a new record must cite its sources."]
    }


def test_a_wrong_kind_lists_the_kinds_there_are():
    dataset = tablib.Dataset(headers=["slug", "name", "kind", "country", "sources"])
    dataset.append(["", "Завод", "zavod", "KZ", SOURCE])
    dataset.append(["", "Завод", "enterprise", "XX", SOURCE])
    errors = _errors(_import(OrganizationResource, dataset))
    assert errors[1]["kind"][0].startswith("«zavod» is not one of: enterprise (enterprise), ")
    assert errors[2] == {"country": ["Country «XX» does not exist."]}


def test_the_country_of_an_organization_follows_from_its_region():
    dataset = tablib.Dataset(headers=["slug", "name", "kind", "region", "industries", "sources"])
    dataset.append(
        ["", "Атырауский НПЗ", "enterprise", "atyrauskaya-oblast", "neftekhimiya", SOURCE]
    )
    result = _import(OrganizationResource, dataset)
    assert not result.has_validation_errors(), _errors(result)
    refinery = Organization.objects.get(name="Атырауский НПЗ")
    assert refinery.country.code == "KZ"
    assert [i.slug for i in refinery.industries.all()] == ["neftekhimiya"]


def test_an_unknown_industry_is_named_and_nothing_is_saved():
    dataset = OrganizationResource().export()
    _edit(dataset, 0, industries="neftekhimiya|kosmos|luna")
    before = _snapshot()
    errors = _errors(_import(OrganizationResource, dataset))
    assert list(errors) == [1]
    assert errors == {1: {"industries": ["Industries «kosmos», «luna» do not exist."]}}
    assert _snapshot() == before


def test_the_sources_column_sets_the_sources_a_record_cites():
    other = Source.objects.create(title="Другая статья", state=PublicationState.PUBLISHED)
    dataset = AgreementResource().export()
    _edit(dataset, 0, sources=f"{SOURCE}|{other.slug}")
    result = _import(AgreementResource, dataset)
    assert result.totals["update"] == 1, _errors(result)
    agreement = Agreement.objects.get()
    assert {c.source.slug for c in agreement.citations.all()} == {SOURCE, other.slug}
    # The article's citation keeps the passage it quotes.
    assert agreement.citations.get(source__slug=SOURCE).quote


def test_publishing_by_import_needs_the_publish_permission_and_a_published_source():
    user = User.objects.create_user("publisher", is_staff=True)
    permission = Permission.objects.filter(codename="publish_person").first()
    if permission is None:
        assert may_publish(user, Person) is False
        pytest.skip("publishing has no permission of its own yet")
    user.user_permissions.add(permission)
    user = User.objects.get(pk=user.pk)
    assert may_publish(user, Person)
    draft_source = Source.objects.create(title="Черновик", state=PublicationState.DRAFT)
    dataset = tablib.Dataset(headers=["slug", "last_name", "first_name", "state", "sources"])
    dataset.append(["ivan-ivanov", "Иванов", "Иван", "published", SOURCE])
    dataset.append(["petr-petrov", "Петров", "Пётр", "published", draft_source.slug])
    errors = _errors(_import(PersonResource, dataset, user=user))
    assert errors == {
        2: {
            "state": [
                "A published record must cite a published source: import it as a draft "
                "or publish its source first."
            ]
        }
    }
    dataset.pop()
    assert not _import(PersonResource, dataset, user=user).has_validation_errors()
    assert Person.objects.get(slug="ivan-ivanov").state == PublicationState.PUBLISHED


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    user = User.objects.create_user("editor-import", password="not-a-secret-at-all")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_editor_cannot_change_a_published_record_by_importing(editor):
    exported = OrganizationResource().export()
    kamaz = exported.headers.index("slug")
    index = next(i for i, row in enumerate(exported) if row[kamaz] == "kamaz")
    _edit(exported, index, name="ПАО «КАМАЗ» (переименовано)", state="draft")
    before = _snapshot()
    result = _import(OrganizationResource, exported, user=editor)
    assert result.has_validation_errors()
    assert "Only a publisher may change" in str(_errors(result))
    assert _snapshot() == before


def test_an_editor_may_import_an_unchanged_export_of_published_records(editor):
    exported = OrganizationResource().export()
    before = _snapshot()
    result = _import(OrganizationResource, exported, user=editor)
    assert not result.has_validation_errors(), _errors(result)
    assert _snapshot() == before
