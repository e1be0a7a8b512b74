"""Backing up the whole database and restoring it into a new, empty one.

PostgreSQL: a custom-format `pg_dump` (compressed, restored by `pg_restore` in one
transaction). SQLite: the engine's online backup, a consistent copy even while the site
writes. A backup holds everything, the records' history included, which `dumpdata`
cannot round-trip. A restore goes only into a database without tables, so that it never
mixes two data sets or overwrites what an editor entered since.
"""

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

from django.utils import timezone

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """The backup or restore cannot be made; the message says why and what to do."""


def default_path(database, folder="backups"):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if database["ENGINE"] == POSTGRESQL else "sqlite3"
    return Path(folder) / f"portal-{stamp}.{suffix}"


def backup(database, path, sqlite_connection=None):
    """Write a backup of `database` (a DATABASES entry) to `path`; returns the path.

    `sqlite_connection`, an open connection to the database, is read instead of opening
    its file (an in-memory database has none).
    """
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if database["ENGINE"] == POSTGRESQL:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], database)
    elif database["ENGINE"] == SQLITE:
        source = sqlite_connection or sqlite3.connect(database["NAME"])
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            if sqlite_connection is None:
                source.close()
    else:
        raise BackupError(f"Backups of {database['ENGINE']} are not supported.")
    return path


def restore(database, path):
    """Restore the backup at `path` into `database`, which must have no tables yet."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    with open(path, "rb") as f:
        head = f.read(16)
    if database["ENGINE"] == POSTGRESQL:
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup made by `make backup`.")
        _refuse_unless_empty(database, _postgresql_tables(database))
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={database['NAME']}",
                str(path),
            ],
            database,
        )
    elif database["ENGINE"] == SQLITE:
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite backup made by `make backup`.")
        target_name = str(database["NAME"])
        target = sqlite3.connect(target_name)
        try:
            _refuse_unless_empty(database, _sqlite_tables(target))
            source = sqlite3.connect(path)
            try:
                source.backup(target)
            finally:
                source.close()
        finally:
            target.close()
    else:
        raise BackupError(f"Backups of {database['ENGINE']} are not supported.")


def checksums(connection, tables):
    """{table: (rows, sha256 of its rows)} over a DB-API connection to PostgreSQL or SQLite.

    Each row is rendered as text by the database itself, so that two connections that
    convert values differently still agree; two databases with the same checksums hold the
    same content, row for row.
    """
    cursor = connection.cursor()
    postgresql = not isinstance(connection, sqlite3.Connection)
    if postgresql:
        cursor.execute("SET TIME ZONE 'UTC'")
    result = {}
    for table in sorted(tables):
        if postgresql:
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')
        else:
            columns = [row[1] for row in cursor.execute(f'PRAGMA table_info("{table}")')]
            row_text = " || ',' || ".join(f'quote("{column}")' for column in columns)
            cursor.execute(f'SELECT {row_text} FROM "{table}"')
        rows = sorted(row[0] for row in cursor.fetchall())
        result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def _refuse_unless_empty(database, tables):
    if tables:
        raise BackupError(
            f"The database {database['NAME']} is not empty ({len(tables)} tables): a backup "
            "is restored only into a new, empty database, so that nothing in it is "
            "overwritten. Create one (createdb, or a new SQLite file name) and point "
            "DATABASE_URL at it."
        )


def _postgresql_tables(database):
    out = _run(
        [
            "psql",
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command=SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
        ],
        database,
    )
    return [line for line in out.splitlines() if line.strip()]


def _sqlite_tables(connection):
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _run(command, database):
    """Run a PostgreSQL client with the connection of `database`; its output, or an error
    that carries what the client said."""
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed; install PostgreSQL's client programs."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout
