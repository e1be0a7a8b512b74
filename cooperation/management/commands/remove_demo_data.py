from django.core.management.base import BaseCommand, CommandError

from cooperation.management.demo_data import DemoDataError, demo_data_present, demo_data_remove


class Command(BaseCommand):
    help = (
        "Delete the synthetic demo data: every record citing a source of kind 'synthetic demo "
        "data', with its parts and links, and those sources. Editors' records stay."
    )

    def handle(self, *args, verbosity, **options):
        if not demo_data_present().exists():
            self.stdout.write("There is no demo data in the database.")
            return
        try:
            deleted = demo_data_remove()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Deleted {sum(deleted.values()):,} rows: "
            + ", ".join(f"{name} {n:,}" for name, n in sorted(deleted.items()) if n)
        )
