"""The editors' admin site: its titles, and the deleted-records page its index leads to."""

import pytest

from .admin_forms import user_in

pytestmark = pytest.mark.django_db


def test_the_index_is_titled_for_the_editorial_office_and_leads_to_deleted_records(client):
    client.force_login(user_in("Editors", "redaktor"))
    index = client.get("/admin/").content.decode()
    assert "<title>Редакция | Межрегиональное сотрудничество</title>" in index
    assert 'href="/admin/deleted/"' in index
    page = client.get("/admin/deleted/")
    assert page.status_code == 200
    assert "<h1>Удалённые записи</h1>" in page.content.decode()


def test_the_english_index_leads_to_the_english_deleted_records_page(client):
    client.force_login(user_in("Editors", "redaktor"))
    assert 'href="/en/admin/deleted/"' in client.get("/en/admin/").content.decode()
    assert "<h1>Deleted records</h1>" in client.get("/en/admin/deleted/").content.decode()


def test_the_deleted_records_page_asks_a_visitor_to_log_in(client):
    response = client.get("/admin/deleted/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
