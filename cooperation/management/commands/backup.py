from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cooperation.management.backups import SQLITE, BackupError, backup, default_path


class Command(BaseCommand):
    help = (
        "Back up the whole database, history included: a custom-format pg_dump on PostgreSQL, "
        "SQLite's online backup otherwise. Written to backups/portal-<time>.dump|.sqlite3 "
        "unless a file is named."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the file to write (must not exist)")

    def handle(self, *args, path=None, **options):
        database = connections["default"].settings_dict
        path = path or default_path(database)
        connection = None
        if database["ENGINE"] == SQLITE:
            connections["default"].ensure_connection()
            connection = connections["default"].connection
        try:
            written = backup(database, path, sqlite_connection=connection)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size:,} bytes).")
