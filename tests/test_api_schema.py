"""The API's OpenAPI 3 schema and its documentation page."""

import re

import pytest
from drf_spectacular.validation import validate_schema

from cooperation.listings import LISTINGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def test_the_schema_is_valid_openapi_3_with_a_list_and_a_record_of_each_kind(schema):
    validate_schema(schema)  # raises on an invalid schema
    assert schema["openapi"].startswith("3.")
    kinds = ["regions", "organizations", "people", "delegations", "events", "agreements"]
    kinds += ["sources", "industries", "topics"]
    for kind in kinds:
        assert f"/api/v1/{kind}/" in schema["paths"]
        assert f"/api/v1/{kind}/{{slug}}/" in schema["paths"]
    # Commitments have no slug: they are found by their id.
    assert "/api/v1/commitments/" in schema["paths"]
    assert "/api/v1/commitments/{id}/" in schema["paths"]


def test_a_lists_parameters_are_its_pages_filters_and_paging(schema):
    parameters = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/agreements/"]["get"]["parameters"]
    }
    assert parameters == {*LISTINGS["agreement"].filterset.base_filters, "page", "page_size"}
    responses = schema["paths"]["/api/v1/agreements/"]["get"]["responses"]
    assert set(responses) == {"200", "400", "404", "429"}


def test_the_schema_states_the_licence_and_the_limits(schema):
    assert schema["info"]["license"]["name"] == "CC BY 4.0"
    assert "429" in schema["info"]["description"]
    assert "Retry-After" in schema["info"]["description"]


def test_the_usual_addresses_lead_to_the_schema(client):
    assert client.get("/openapi.json")["Location"] == "/api/schema/?format=json"
    assert client.get("/api/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")


def test_the_documentation_is_served_from_the_portals_own_files(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    assert all(source.startswith("/") for source in sources), sources  # no other site
    assert "<style" not in page and "<script>" not in page  # nothing inline (CSP)
    script = client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_every_page_links_to_the_documentation_and_the_open_data(client, db):
    for path in ("/", "/en/events/", "/open-data/"):
        page = client.get(path).content.decode()
        assert 'href="/api/docs/"' in page
        assert 'href="/open-data/"' in page or 'href="/en/open-data/"' in page
