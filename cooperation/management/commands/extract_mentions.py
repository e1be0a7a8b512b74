"""Print what extraction finds in a text file: people, organizations, places, positions, dates.

    python manage.py extract_mentions article.txt
    python manage.py extract_mentions article.txt --format json

The JSON is one list of objects in text order, each with `type` (person, organization,
place, position, date), `name` (nominative, as it would be saved), `start` (where it first
occurs, in characters) and `surfaces` (the forms the text uses). People add `first_name`,
`patronymic` and `last_name`; organizations `legal_form`, and the `kind` and `country` their
name proposes; positions `person` and `of` (the organization or region); dates `date`.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperation.extraction import (
    DATE,
    ORGANIZATION,
    PERSON,
    POSITION,
    extract_mentions,
    plain_text,
)


def as_dict(mention):
    item = {
        "type": mention.type,
        "name": mention.normal,
        "start": mention.start,
        "surfaces": mention.surfaces,
    }
    if mention.type == PERSON:
        item.update(
            first_name=mention.first_name,
            patronymic=mention.patronymic,
            last_name=mention.last_name,
        )
    elif mention.type == ORGANIZATION:
        item.update(legal_form=mention.legal_form, kind=mention.kind, country=mention.country)
    elif mention.type == POSITION:
        item.update(person=mention.person, of=mention.of)
    elif mention.type == DATE:
        item["date"] = list(mention.date)
    return item


class Command(BaseCommand):
    help = "Print the people, organizations, places, positions and dates a text file mentions."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A text (or HTML) file in Russian.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, path, format, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mentions = extract_mentions(plain_text(path.read_text(encoding="utf-8")))
        if format == "json":
            self.stdout.write(
                json.dumps([as_dict(m) for m in mentions], ensure_ascii=False, indent=1)
            )
            return
        for mention in mentions:
            item = as_dict(mention)
            details = [
                f"{key} {item[key]}"
                for key in ("legal_form", "kind", "country", "person", "of")
                if item.get(key)
            ]
            line = f"{mention.type}: {mention.normal}"
            self.stdout.write(line + (f" ({', '.join(details)})" if details else ""))
