import pytest

from cooperation.models import Source

from .factories import SourceFactory

pytestmark = pytest.mark.django_db


def _stored_text(text):
    return Source.objects.get(pk=SourceFactory(text=text).pk).text


def test_it_drops_script_tags_and_their_content():
    stored = _stored_text('<p>До</p><script>alert("x")</script><p>После</p>')

    assert stored == "<p>До</p><p>После</p>"


def test_it_drops_event_handler_attributes():
    stored = _stored_text('<p onclick="steal()">Раис принял делегацию</p>')

    assert stored == "<p>Раис принял делегацию</p>"


def test_it_keeps_harmless_paragraphs_and_emphasis():
    text = "<p>Около <strong>50</strong> представителей бизнеса.</p>"

    assert _stored_text(text) == text


def test_it_drops_links_with_javascript_addresses():
    stored = _stored_text('<p><a href="javascript:alert(1)">ссылка</a></p>')

    assert "javascript" not in stored
    assert stored == "<p>ссылка</p>"
