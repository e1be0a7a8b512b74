"""How well extraction finds an article's people, organizations and positions.

    python manage.py extraction_score data/articles/2025-02-21-minnikhanov-shapkenov
    python manage.py extraction_score tests/data/extraction/heldout   # a folder: with totals

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
entities found. A position (a person's `positions` in the data file) is found when a
position mention names both the person and the organization or region the post is held in.
"""

from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import yaml
from django.core.management.base import BaseCommand, CommandError

from cooperation.extraction import (
    ORGANIZATION,
    PERSON,
    PLACE,
    POSITION,
    extract_mentions,
    match_mentions,
    rank,
)
from cooperation.models import Organization, Person, Region

SCORED = [
    (PERSON, "people", Person),
    (ORGANIZATION, "organizations", Organization),
    (POSITION, "positions", None),
]
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
    result = {POSITION: _score_positions(mentions, data, gold_ranked, threshold)}
    for kind, _label, _model in REPORTED:
        if kind == POSITION:
            continue
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


def _score_positions(mentions, data, gold_ranked, threshold):
    """Positions are right when both the person and what they hold a post in are right.

    A gold position is (person, organization or region) from the data file's people; a
    position mention names the person's mention and the mention of what the post is "of".
    """
    gold = {
        (person["slug"], place)
        for person in data.get("people", [])
        for position in person.get("positions", [])
        for place in [position.get("organization") or position.get("region")]
        if place
    }
    accepted = {
        (person["slug"], slug)
        for person in data.get("people", [])
        for position in person.get("positions", [])
        for slug in (position.get("organization"), position.get("region"))
        if slug
    }

    def best(key):
        ranked = gold_ranked.get(key) or []
        return ranked[0].record.slug if ranked and ranked[0].score >= threshold else None

    of_kind = [m for m in mentions if m.type == POSITION]
    found, spurious = set(), []
    for mention in of_kind:
        pair = (best(mention.person_key), best(mention.of_key))
        if pair in accepted:
            person_slug = pair[0]
            found |= {g for g in gold if g[0] == person_slug}
        else:
            spurious.append(f"{mention.person} – {mention.normal} – {mention.of}")
    correct = len(of_kind) - len(spurious)
    return {
        "gold": len(gold),
        "mentions": len(of_kind),
        "found": sorted(f"{p}@{o}" for p, o in found),
        "matched": [],
        "missed": sorted(f"{p}@{o}" for p, o in gold - found),
        "spurious": spurious,
        "precision": correct / len(of_kind) if of_kind else 0.0,
        "recall": len(found) / len(gold) if gold else 0.0,
    }


def data_files(paths):
    """The data files named, or found in the folders named, in order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("*.yaml"))
        elif path.suffix == ".yaml":
            yield path
        else:
            yield path.with_name(path.name + ".yaml")


class Command(BaseCommand):
    help = (
        "Measure extraction on an article against its reviewed data file: found, matched, "
        "missed and spurious people, organizations and regions, with precision and recall."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "articles",
            nargs="+",
            type=Path,
            help="Articles' data files, with or without .yaml "
            "(e.g. data/articles/2025-02-21-minnikhanov-shapkenov), or folders of them.",
        )

    def handle(self, *args, articles, **options):
        paths = list(data_files(articles))
        totals = {kind: Counter() for kind, *_ in SCORED}
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such data file: {path}")
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            text_path = path.with_name(data["source"].get("text_file", path.stem + ".txt"))
            if not text_path.is_file():
                raise CommandError(f"No such text file: {text_path}")
            result = score(text_path.read_text(encoding="utf-8"), data)
            if len(paths) > 1:
                self.stdout.write(f"== {path.stem}")
            self._report(result)
            for kind, counts in totals.items():
                counts["gold"] += result[kind]["gold"]
                counts["mentions"] += result[kind]["mentions"]
                counts["found"] += len(result[kind]["found"])
                counts["correct"] += result[kind]["mentions"] - len(result[kind]["spurious"])
        if len(paths) > 1:
            self.stdout.write(f"== total of {len(paths)} articles")
            for kind, label, _model in SCORED:
                counts = totals[kind]
                precision = counts["correct"] / counts["mentions"] if counts["mentions"] else 0
                recall = counts["found"] / counts["gold"] if counts["gold"] else 0
                self.stdout.write(
                    f"{label}: {counts['mentions']} mentions, {counts['gold']} in the data "
                    f"files; precision {precision:.2f}, recall {recall:.2f}"
                )

    def _report(self, result):
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
