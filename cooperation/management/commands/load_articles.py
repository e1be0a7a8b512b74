from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cooperation.article_loader import ArticleDataError, article_load

DEFAULT_DIR = Path(settings.BASE_DIR) / "data" / "articles"


class Command(BaseCommand):
    help = (
        "Load the reviewed article data files (data/articles/*.yaml) as published records; "
        "articles already in the database are left as they are unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Data files to load; by default every *.yaml in data/articles/.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also bring articles already loaded in line with their files "
            "(overwrites editors' changes to those records).",
        )

    def handle(self, *args, paths, update, **options):
        paths = paths or sorted(DEFAULT_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"No data files in {DEFAULT_DIR}")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                report = article_load(path=path, update=update)
            except ArticleDataError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path.name}: {report}")
