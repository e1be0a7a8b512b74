"""On SQLite, an FTS5 table per searchable model, filled from its rows (cooperation/search.py).

PostgreSQL searches the columns and indexes of migration 0008 and needs nothing here.
"""

from importlib import import_module

from django.db import migrations

from cooperation import search

# What each model is searched by, as migration 0008 fixed it (a module name that starts
# with a digit is imported by name).
SEARCHED = import_module("cooperation.migrations.0008_search_columns").SEARCHED


def create_search_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, spec in SEARCHED.items():
        model = apps.get_model("cooperation", name)
        search.create_fts_table(schema_editor, model)
        search.index(model.objects.all(), spec)


def drop_search_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in SEARCHED:
        model = apps.get_model("cooperation", name)
        schema_editor.execute(f"DROP TABLE IF EXISTS {search.fts_table(model)}")


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0014_agreement_families_and_commitments")]

    operations = [migrations.RunPython(create_search_tables, drop_search_tables)]
