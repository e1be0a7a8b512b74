from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cooperation.services import ArticleDataError, article_load

DEFAULT_DIR = Path(settings.BASE_DIR) / "data" / "articles"


class Command(BaseCommand):
    help = "Load the reviewed article data files (data/articles/*.yaml) as published records."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Data files to load; by default every *.yaml in data/articles/.",
        )

    def handle(self, *args, paths, **options):
        paths = paths or sorted(DEFAULT_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"No data files in {DEFAULT_DIR}")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                report = article_load(path=path)
            except ArticleDataError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path.name}: {report}")
