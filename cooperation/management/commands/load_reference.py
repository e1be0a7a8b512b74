from django.core.management.base import BaseCommand

from cooperation.reference_loader import reference_load


class Command(BaseCommand):
    help = (
        "Load the reference list (data/reference/): every region of Russia, Kazakhstan and "
        "Belarus with its executive body and legislature, published and citing the list. "
        "Only what the database lacks is written; records already there, editors' changes "
        "and deletions included, are left as they are."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Reference list: {reference_load()}")
