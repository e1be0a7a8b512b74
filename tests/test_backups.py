"""A backup restores into a new database with every row, history included, and a restore
never goes into a database that holds anything."""

import sqlite3
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cooperation.management.backups import SQLITE, checksums, restore
from cooperation.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def _content():
    """The article's data and an edit of it, so that history has more than one version."""
    call_command("load_articles", stdout=StringIO())
    event = Event.objects.get(slug="vstrecha-rustama-minnikhanova-i-serika-shapkenova-2025")
    event.title = event.title + " (уточнено)"
    event.save()


def _tables():
    return connection.introspection.table_names()


def test_a_backup_restores_into_a_fresh_database_with_identical_content(tmp_path):
    _content()
    path = tmp_path / "portal.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert "Backed up to" in out.getvalue()
    tables = _tables()
    assert "cooperation_historicalevent" in tables
    connection.ensure_connection()
    before = checksums(connection.connection, tables)
    assert before["cooperation_historicalevent"][0] >= 9  # eight events, one edited

    if connection.vendor == "sqlite":
        fresh = {"ENGINE": SQLITE, "NAME": tmp_path / "fresh.sqlite3"}
        restore(fresh, path)
        with sqlite3.connect(fresh["NAME"]) as restored:
            after = checksums(restored, tables)
    else:
        fresh = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_fresh"}
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{fresh["NAME"]}"')
        try:
            restore(fresh, path)
            params = {k.lower(): fresh[k] for k in ("HOST", "PORT", "USER", "PASSWORD")}
            with psycopg.connect(
                dbname=fresh["NAME"], **{k: v for k, v in params.items() if v}
            ) as restored:
                after = checksums(restored, tables)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}" WITH (FORCE)')
    assert after == before


def test_a_restore_into_a_database_that_is_not_empty_is_refused(tmp_path):
    _content()
    path = tmp_path / "portal.backup"
    call_command("backup", str(path), stdout=StringIO())
    events = Event.objects.count()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(path), stdout=StringIO())
    assert Event.objects.count() == events


def test_a_file_that_is_no_backup_is_refused_with_a_message(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("не резервная копия")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(path), stdout=StringIO())


def test_a_backup_never_overwrites_a_file(tmp_path):
    path = tmp_path / "portal.backup"
    path.write_text("an earlier backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path), stdout=StringIO())
    assert path.read_text() == "an earlier backup"
