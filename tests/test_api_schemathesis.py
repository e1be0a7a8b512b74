"""The API proved against its own OpenAPI schema by Schemathesis: every operation is called
with requests generated from the schema (valid and invalid query parameters, slugs), on
the article's data, and every answer must match what the schema promises (status codes,
content types, bodies and headers), and never be a server error.

The number of examples per operation is bounded so that the run takes about a minute;
the generated requests differ from run to run, which is the point.

One check is left out: that every request the schema allows is accepted. A filter's value
is a slug or a code, and one that names no public record is answered 400 with what was
wrong, which the schema cannot foresee (it would have to list every slug).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.wsgi import application

EXAMPLES = 12


@pytest.fixture
def connection_kept():
    """The requests go to the WSGI application itself, which closes the database connection
    when a request ends; the test's transaction lives on it, so it is kept open, as Django's
    test client keeps it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_the_api_answers_as_its_schema_says(article, connection_kept):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20  # a list and a record of each of ten kinds

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        answers()
