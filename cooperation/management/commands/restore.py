from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cooperation.management.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must "
        "be new and empty (no tables): a restore never overwrites anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")

    def handle(self, *args, path, **options):
        database = connections["default"].settings_dict
        connections["default"].close()  # the restore writes through its own connection
        try:
            restore(database, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {path} into {database['NAME']}.")
