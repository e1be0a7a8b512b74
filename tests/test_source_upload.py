"""Adding a source in the admin by pasting its text or uploading a .txt or .html file."""

import codecs

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation.forms import MAX_UPLOAD_SIZE
from cooperation.models import Source

pytestmark = pytest.mark.django_db

TEXT = "Глава Татарстана Рустам Минниханов встретился с акимом Атырауской области."


@pytest.fixture
def editor(client):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def _post(client, text="", upload=None, **extra):
    data = {
        "title": "Минниханов встретился с акимом",
        "kind": "news",
        "language": "ru",
        "state": "draft",
        "text": text,
        **extra,
    }
    if upload is not None:
        data["upload"] = upload
    return client.post(reverse("admin:cooperation_source_add"), data)


def _errors(response):
    """The codes of the form's errors: the messages are translated, the codes are not."""
    errors = response.context["adminform"].form.errors.as_data()
    return {e.code for field_errors in errors.values() for e in field_errors}


def test_a_pasted_text_is_saved_and_leads_on_to_what_it_mentions(client, editor):
    response = _post(client, text=TEXT)
    source = Source.objects.get()
    assert source.text == TEXT
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cooperation_source_extract", args=[source.pk])


def test_save_and_continue_editing_stays_on_the_source(client, editor):
    response = _post(client, text=TEXT, _continue="1")
    source = Source.objects.get()
    assert response["Location"] == reverse("admin:cooperation_source_change", args=[source.pk])


def test_an_uploaded_text_file_becomes_the_text(client, editor):
    _post(client, upload=SimpleUploadedFile("statya.txt", TEXT.encode("utf-8")))
    assert Source.objects.get().text == TEXT


def test_a_windows_1251_text_file_is_read_as_such(client, editor):
    _post(client, upload=SimpleUploadedFile("statya.txt", TEXT.encode("cp1251")))
    assert Source.objects.get().text == TEXT


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_unicode_file_with_a_byte_order_mark_is_read_as_such(client, editor, encoding):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    _post(client, upload=SimpleUploadedFile("statya.txt", data))
    assert Source.objects.get().text == TEXT


def test_an_uploaded_html_page_is_sanitized(client, editor):
    page = (
        "<html><head><title>Заголовок сайта</title><style>p{color:red}</style></head>"
        '<body><nav>Меню</nav><p onclick="steal()">Глава <b>Татарстана</b> '
        '<a href="https://example.org">встретился</a> с акимом.</p>'
        "<script>alert('x')</script><img src=x onerror=alert(1)></body></html>"
    )
    _post(client, upload=SimpleUploadedFile("statya.html", page.encode("utf-8")))
    text = Source.objects.get().text
    assert text == "<p>Глава <b>Татарстана</b> встретился с акимом.</p>"


@pytest.mark.parametrize(
    "upload, error",
    [
        (SimpleUploadedFile("pusto.txt", b"  \n "), "file_empty"),
        (SimpleUploadedFile("foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "file_binary"),
        (SimpleUploadedFile("foto.png", b"\x89PNG"), "file_type"),
        (SimpleUploadedFile("ogromnyy.txt", b"a" * (MAX_UPLOAD_SIZE + 1)), "file_size"),
        (SimpleUploadedFile("pusto.html", b"<script>alert(1)</script>"), "file_empty"),
    ],
)
def test_a_file_that_is_no_article_is_refused_with_a_message(client, editor, upload, error):
    response = _post(client, upload=upload)
    assert response.status_code == 200
    assert _errors(response) == {error}
    assert not Source.objects.exists()


def test_a_new_source_without_text_is_refused_with_a_message(client, editor):
    response = _post(client, text="  \n ")
    assert _errors(response) == {"no_text"}
    assert not Source.objects.exists()


def test_pasting_and_uploading_at_once_is_refused(client, editor):
    response = _post(
        client, text=TEXT, upload=SimpleUploadedFile("statya.txt", "Другой текст".encode())
    )
    assert _errors(response) == {"both"}
    assert not Source.objects.exists()


def test_an_upload_replaces_the_text_of_an_existing_source(client, editor):
    source = Source.objects.create(title="Статья", text="Старый текст")
    url = reverse("admin:cooperation_source_change", args=[source.pk])
    data = {"title": "Статья", "kind": "news", "language": "ru", "state": "draft"}
    data["text"] = "Старый текст"
    data["upload"] = SimpleUploadedFile("novyy.txt", "Новый текст".encode())
    response = client.post(url, {**data, "_continue": "1"})
    assert response.status_code == 302, _errors(response)
    source.refresh_from_db()
    assert source.text == "Новый текст"
