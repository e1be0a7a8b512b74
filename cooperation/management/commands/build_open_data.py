from django.core.management.base import BaseCommand

from cooperation import open_data


class Command(BaseCommand):
    help = (
        "Build the open data package (every public record as CSV tables with a "
        "datapackage.json, zipped) that /open-data/ offers. Run it after loading data and "
        "then daily, e.g. from cron; the package says when it was built."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--homepage", default="", help="The portal's address, named in the package."
        )

    def handle(self, *args, **options):
        counts = open_data.build(options["homepage"])
        package = open_data.built()
        rows = sum(counts.values())
        self.stdout.write(
            f"Open data: {len(counts)} tables, {rows} rows, {package.size} bytes "
            f"in {open_data.PATH}"
        )
