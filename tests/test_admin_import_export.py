"""An editor imports and exports spreadsheets in the admin: dry run first, all or nothing."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import translation
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import TempFolderStorage

from cooperation.models import Event, Organization

pytestmark = pytest.mark.django_db

MODELS = ["organization", "person", "event", "agreement"]
ROUND_TABLE = "kruglyy-stol-v-tpp-rt-s-akimom-atyrauskoy-oblasti-2025"


@pytest.fixture
def editor(client, article):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def _url(model, view):
    return reverse(f"admin:cooperation_{model}_{view}")


def _export(client, model, file_format=0):
    form = client.get(_url(model, "export")).context["form"]
    # Every column, as the form offers them ticked.
    columns = {name: "on" for name, field in form.fields.items() if field.initial is True}
    response = client.post(
        _url(model, "export"), {"format": str(file_format), "resource": "0", **columns}
    )
    assert response.status_code == 200
    return b"".join(response) if response.streaming else response.content


def _csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_file(rows, name="events.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    file = io.BytesIO(out.getvalue().encode("utf-8"))
    file.name = name
    return file


def _upload(client, model, file, file_format=0):
    return client.post(
        _url(model, "import"), {"import_file": file, "format": str(file_format), "resource": "0"}
    )


def test_the_four_lists_offer_import_and_export_to_an_editor(client, editor):
    for model in MODELS:
        listing = client.get(_url(model, "changelist")).content.decode()
        assert _url(model, "import") in listing and _url(model, "export") in listing
        assert client.get(_url(model, "import")).status_code == 200
        assert client.get(_url(model, "export")).status_code == 200


def test_the_export_offers_csv_and_xlsx_only(client, editor):
    page = client.get(_url("event", "export")).content.decode()
    assert ">csv<" in page and ">xlsx<" in page
    assert ">json<" not in page and ">xls<" not in page


def test_an_exported_csv_uploaded_again_shows_every_row_unchanged_and_saves_nothing(client, editor):
    rows = _csv_rows(_export(client, "event"))
    assert {row["slug"] for row in rows} == set(Event.objects.values_list("slug", flat=True))

    with translation.override("en"):
        response = _upload(client, "event", _csv_file(rows))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This is a dry run: nothing has been saved yet." in html
    assert f"change 0 and leave {len(rows)} as they are" in html
    assert html.count('class="skip"') == len(rows)
    assert 'name="confirm"' in html


def test_confirming_an_import_saves_the_changes_shown_in_the_dry_run(client, editor):
    rows = _csv_rows(_export(client, "event"))
    # Editors change drafts; a published record is a publisher's (see the next test).
    Event.objects.filter(slug=rows[0]["slug"]).update(state="draft")
    rows[0]["state"] = "draft"
    rows[0]["venue"] = "Казанская ратуша"
    response = _upload(client, "event", _csv_file(rows))
    assert Event.objects.filter(venue="Казанская ратуша").count() == 0
    confirm = response.context["confirm_form"].initial

    response = client.post(_url("event", "process_import"), confirm)

    assert response.status_code == 302
    assert Event.objects.get(slug=rows[0]["slug"]).venue == "Казанская ратуша"


def test_an_editor_importing_a_change_to_a_published_record_is_told_it_is_a_publishers(
    client, editor
):
    rows = _csv_rows(_export(client, "event"))
    rows[0]["venue"] = "Казанская ратуша"
    with translation.override("en"):
        html = _upload(client, "event", _csv_file(rows)).content.decode()
    assert "Only a publisher may change a record that is in review or published." in html
    assert 'name="confirm"' not in html
    assert Event.objects.filter(venue="Казанская ратуша").count() == 0


def test_an_upload_with_a_bad_row_names_its_spreadsheet_row_and_column_and_offers_no_confirm(
    client, editor
):
    rows = _csv_rows(_export(client, "organization"))
    rows[2]["region"] = "xyz"

    with translation.override("en"):
        html = _upload(client, "organization", _csv_file(rows)).content.decode()

    assert "Nothing was imported: 1 row needs correcting" in html
    # The header is the spreadsheet's row 1, so the third data row is row 4.
    assert "<td>4</td>" in html and "<code>region</code>" in html
    assert "Region «xyz» does not exist." in html
    assert 'name="confirm"' not in html


def test_a_row_that_fails_at_confirmation_rolls_back_the_whole_import(client, editor):
    # The data can change between the dry run and the confirmation; nothing is saved half.
    rows = _csv_rows(_export(client, "organization"))
    rows[0]["description"] = "Изменено"
    rows[1]["industries"] = "net-takoy-otrasli"
    storage = TempFolderStorage(encoding="utf-8", read_mode="r")
    storage.save(_csv_file(rows).getvalue())
    before = list(Organization.objects.order_by("pk").values())

    with translation.override("en"):
        response = client.post(
            _url("organization", "process_import"),
            {
                "import_file_name": storage.name,
                "original_file_name": "organizations.csv",
                "format": "0",
                "resource": "0",
            },
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the file has errors." in html
    assert "«net-takoy-otrasli»" in html
    assert list(Organization.objects.order_by("pk").values()) == before


def test_an_xlsx_export_uploads_again_unchanged(client, editor):
    content = _export(client, "agreement", file_format=1)
    dataset = XLSX().create_dataset(content)
    assert dataset.headers[0] == "slug" and "sources" in dataset.headers
    file = io.BytesIO(content)
    file.name = "agreements.xlsx"

    response = _upload(client, "agreement", file, file_format=1)

    assert response.context["result"].totals["skip"] == 1
    assert "confirm_form" in response.context


def test_someone_who_may_only_view_can_export_but_not_import(client, editor):
    viewer = User.objects.create_user("chitatel", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    assert client.get(_url("event", "import")).status_code == 403
    rows = _csv_rows(_export(client, "event"))
    assert any(row["slug"] == ROUND_TABLE for row in rows)
    assert CSV().get_title() == "csv"
