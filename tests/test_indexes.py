"""Every list filter and order has an index to read from.

The database's own catalogue is asked (introspection), so a filter added without an index,
or an index dropped, fails here. Which index PostgreSQL picks at scale is shown by the
benchmark's plans (`make bench`, docs/performance.md): on a test database of a few rows
the planner rightly scans tables whole.
"""

import pytest
from django.db import connection
from django.utils import translation

from cooperation.listings import LISTINGS
from cooperation.models import (
    Agreement,
    Delegation,
    Event,
    Organization,
    Person,
    Region,
    Source,
    localized_order,
)

pytestmark = pytest.mark.django_db

LISTS = ["event", "agreement", "organization", "person", "delegation"]


def _leading_columns(model):
    """Columns that lead an index, a unique constraint or the primary key of `model`."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if c["columns"] and (c["index"] or c["unique"] or c["primary_key"])
    }


def _steps(model, path):
    """(model, column) of each join and comparison that a lookup path makes."""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many:
            through = field.remote_field.through if field.concrete else field.through
            for column in through._meta.get_fields():
                if column.many_to_one:
                    yield through, column.column
        elif field.one_to_many:
            yield field.related_model, field.field.column
        elif field.many_to_one:
            yield model, field.column
        else:
            yield model, field.column
        model = field.related_model or model


def _relation_filters():
    for key in LISTS:
        filterset = LISTINGS[key].filterset
        for name, paths in filterset.paths.items():
            for path in paths:
                yield pytest.param(filterset._meta.model, path, id=f"{key}-{name}-{path}")


@pytest.mark.parametrize(("model", "path"), list(_relation_filters()))
def test_each_step_of_a_related_filter_is_indexed(model, path):
    for table, column in _steps(model, path):
        assert column in _leading_columns(table), f"{table.__name__}.{column} ({path})"


@pytest.mark.parametrize(
    ("model", "column"),
    [
        (Event, "kind"),
        (Event, "status"),
        (Event, "start_date"),
        (Event, "end_date"),  # upcoming: events going on today
        (Agreement, "kind"),
        (Agreement, "status"),
        (Agreement, "signed_date"),
        (Organization, "kind"),
        (Delegation, "start_date"),
    ],
)
def test_each_choice_and_date_filter_is_indexed(model, column):
    assert column in _leading_columns(model)


def _orders():
    for key in LISTS:
        listing = LISTINGS[key]
        default = listing.queryset().query.order_by or listing.queryset().model._meta.ordering
        yield pytest.param(listing.filterset._meta.model, default[0], id=f"{key}-default")
        for _param, field, _label in listing.orderings:
            yield pytest.param(listing.filterset._meta.model, field, id=f"{key}-{field}")


@pytest.mark.parametrize(("model", "field"), list(_orders()))
def test_each_order_of_a_list_is_indexed(model, field):
    column = model._meta.get_field(field.lstrip("-")).column
    assert column in _leading_columns(model)


@pytest.mark.parametrize("key", ["organization", "person"])
def test_the_english_order_of_a_list_of_names_is_indexed(key):
    model = LISTINGS[key].filterset._meta.model
    with translation.override("en"):
        ordering = localized_order(model, model._meta.ordering)
    expressions = [term.expression for term in ordering]
    (index,) = [
        index
        for index in model._meta.indexes
        if index.expressions and list(index.expressions) == expressions[: len(index.expressions)]
    ]
    with connection.cursor() as cursor:
        assert index.name in connection.introspection.get_constraints(cursor, model._meta.db_table)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search index is PostgreSQL's")
@pytest.mark.parametrize(
    "model", [Event, Agreement, Organization, Person, Delegation, Region, Source]
)
def test_search_reads_a_gin_index(model):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [model._meta.db_table]
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("USING gin (search_document)" in d for d in definitions), definitions
