"""The reference list of regions and their bodies (data/reference/), as read from its files.

`reference()` is what `manage.py load_reference` writes and the demo generator builds on;
`region_named_in()` finds the region an organization's name names ("Акимат Атырауской
области"), through the regions' names in the genitive. Nothing here touches the database.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

COUNTRIES = ("RU", "KZ", "BY")
EXECUTIVE, LEGISLATURE = "executive", "legislature"


@dataclass(frozen=True)
class RegionRow:
    country: str
    iso_code: str
    kind: str
    name: str
    name_en: str
    capital: str
    capital_en: str
    genitive: str
    slug: str = ""


@dataclass(frozen=True)
class Body:
    """A region's executive body or legislature."""

    region: str  # the region's ISO code
    role: str  # EXECUTIVE or LEGISLATURE
    name: str
    name_en: str
    short_name: str = ""
    short_name_en: str = ""
    aliases: tuple = ()

    @property
    def names(self):
        """Every name the body goes by."""
        return [n for n in (self.name, self.short_name, *self.aliases) if n]


@dataclass(frozen=True)
class Reference:
    source: dict
    countries: list  # [(code, name, name_en)]
    regions: list  # [RegionRow]
    bodies: list  # [Body]


def _directory():
    return Path(settings.BASE_DIR) / "data" / "reference"


# libyaml's parser where it is installed: the lists are read on every set-up and test run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(name):
    with open(_directory() / name, encoding="utf-8") as f:
        return yaml.load(f, Loader=_LOADER)


@functools.cache
def reference():
    """The whole reference list, read once per process (the files change with a release)."""
    data = _read("regions.yaml")
    slugs = data.get("slugs") or {}
    regions = [
        RegionRow(code, *row, slug=slugs.get(row[0], ""))
        for code in COUNTRIES
        for row in data[code]
    ]
    bodies = []
    for iso, roles in _read("bodies.yaml").items():
        for role in (EXECUTIVE, LEGISLATURE):
            entry = roles[role]
            if isinstance(entry, list):
                entry = dict(zip(("name", "name_en"), entry, strict=True))
            bodies.append(Body(iso, role, **{**entry, "aliases": tuple(entry.get("aliases", ()))}))
    return Reference(
        source=data["source"],
        countries=[tuple(row) for row in data["countries"]],
        regions=regions,
        bodies=bodies,
    )


def _folded(text):
    # Russian texts often write е for ё ("Могилевской", "Орел").
    return text.replace("ё", "е").replace("Ё", "Е")


@functools.cache
def _genitives():
    """One pattern of every region's genitive, longest first, and the ISO code of each."""
    forms = {}
    for row in reference().regions:
        genitive = _folded(row.genitive)
        forms[genitive] = row.iso_code
        # "Кемеровской области — Кузбасса" is often just "Кемеровской области".
        head = genitive.split(" — ")[0]
        forms.setdefault(head, row.iso_code)
    ordered = sorted(forms, key=len, reverse=True)
    alternatives = [
        r"\s*[-–—]\s*".join(r"\s+".join(map(re.escape, part.split())) for part in form.split(" — "))
        for form in ordered
    ]
    # Whole words only: "Ненецкого автономного округа" is not found in "Ямало-Ненецкого …".
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(f"({a})" for a in alternatives) + r")(?![\w-])",
        re.IGNORECASE,
    )
    return pattern, [forms[form] for form in ordered]


def region_named_in(text):
    """The ISO code of the one region whose genitive `text` contains, else None.

    "Акимат Атырауской области" gives KZ-23; a text naming two regions gives None.
    """
    pattern, codes = _genitives()
    found = {codes[match.lastindex - 1] for match in pattern.finditer(_folded(text or ""))}
    return found.pop() if len(found) == 1 else None
