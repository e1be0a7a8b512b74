"""How well extraction finds an article's people and organizations.

The article's reviewed data file (data/articles/<name>.yaml) is the gold standard: the
people, organizations and regions listed there are what the text mentions. Every mention
extracted from the text (<name>.txt) is compared with them by the same name matching the
review screen uses:

- found: gold entities that at least one mention names;
- missed: gold entities no mention names;
- spurious: mentions that name no gold entity (correct or not: the data file lists only what
  the portal records, so a country or "Госдума" counts here);
- matched: gold entities whose record in the database is the best suggestion for a mention
  (needs the article loaded with `manage.py load_articles`).

Precision is the share of mentions that name a gold entity, recall the share of gold
entities found.
"""

from pathlib import Path
from types import SimpleNamespace

import yaml
from django.core.management.base import BaseCommand, CommandError

from cooperation.extraction import (
    ORGANIZATION,
    PERSON,
    PLACE,
    extract_mentions,
    match_mentions,
    rank,
)
from cooperation.models import Organization, Person, Region

SCORED = [(PERSON, "people", Person), (ORGANIZATION, "organizations", Organization)]
REPORTED = [*SCORED, (PLACE, "regions", Region)]


def gold_pool(data):
    """The data file's people, organizations and regions, as records for `rank`."""

    def record(item, **names):
        return SimpleNamespace(pk=item["slug"], slug=item["slug"], **names)

    return {
        PERSON: [
            record(p, first_name=p["first_name"], last_name=p["last_name"])
            for p in data.get("people", [])
        ],
        ORGANIZATION: [
            (
                record(o),
                [o["name"], o.get("short_name", ""), *o.get("aliases", [])],
                [],
            )
            for o in data.get("organizations", [])
        ],
        PLACE: [(record(r), [r["name"]], [r.get("capital", "")]) for r in data.get("regions", [])],
    }


def score(text, data, threshold=0.6):
    """{type: counts and lists} comparing the mentions of `text` with the data file's."""
    mentions = extract_mentions(text)
    pool = gold_pool(data)
    gold_ranked = rank(mentions, pool, limit=1)
    database_ranked = match_mentions(
        [m for m in mentions if m.type in {k for k, *_ in REPORTED}], limit=1
    )
    result = {}
    for kind, _label, _model in REPORTED:
        gold = pool[kind] if kind == PERSON else [r for r, *_ in pool[kind]]
        slugs = {g.slug for g in gold}
        of_kind = [m for m in mentions if m.type == kind]
        found, spurious, correct = set(), [], 0
        for mention in of_kind:
            best = gold_ranked[mention.key]
            if best and best[0].score >= threshold:
                found.add(best[0].record.slug)
                correct += 1
            else:
                spurious.append(mention.normal)
        matched = {
            database_ranked[m.key][0].record.slug
            for m in of_kind
            if database_ranked.get(m.key) and database_ranked[m.key][0].score >= threshold
        } & slugs
        result[kind] = {
            "gold": len(gold),
            "mentions": len(of_kind),
            "found": sorted(found),
            "matched": sorted(matched),
            "missed": sorted(slugs - found),
            "spurious": spurious,
            "precision": correct / len(of_kind) if of_kind else 0.0,
            "recall": len(found) / len(gold) if gold else 0.0,
        }
    return result


class Command(BaseCommand):
    help = (
        "Measure extraction on an article against its reviewed data file: found, matched, "
        "missed and spurious people, organizations and regions, with precision and recall."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "article",
            type=Path,
            help="The article's data file, with or without .yaml "
            "(e.g. data/articles/2025-02-21-minnikhanov-shapkenov).",
        )

    def handle(self, *args, article, **options):
        path = article if article.suffix == ".yaml" else article.with_name(article.name + ".yaml")
        if not path.is_file():
            raise CommandError(f"No such data file: {path}")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text_path = path.with_name(data["source"].get("text_file", path.stem + ".txt"))
        if not text_path.is_file():
            raise CommandError(f"No such text file: {text_path}")
        result = score(text_path.read_text(encoding="utf-8"), data)
        for kind, label, _model in REPORTED:
            counts = result[kind]
            self.stdout.write(
                f"{label}: {counts['mentions']} mentions, {counts['gold']} in the data file; "
                f"found {len(counts['found'])}, matched {len(counts['matched'])}, "
                f"missed {len(counts['missed'])}, spurious {len(counts['spurious'])}"
            )
            for name in ("found", "matched", "missed", "spurious"):
                if counts[name]:
                    self.stdout.write(f"  {name}: {', '.join(counts[name])}")
            if kind in {k for k, *_ in SCORED}:
                self.stdout.write(
                    f"  precision {counts['precision']:.2f}, recall {counts['recall']:.2f}"
                )
