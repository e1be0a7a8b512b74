"""The map of cooperation, laid out for the template to draw as SVG on the server.

The geometry is data/map/map.json, built once by `manage.py build_map` from packaged data:
Russia's regions as shapes (DCW-GMT), Kazakhstan and Belarus as outlines with their regions
as points, each region placed at its administrative centre (GeoNames), all projected and
simplified already. A region is found there by its ISO 3166-2 code; a region without one,
or of another country, is listed beside the map as not drawn.

`drawing()` turns ranked pairs of regions (cooperation.statistics) into links weighted by
their events and agreements, and points sized by the same; with a `focus` region it zooms to
that region and its partners. Nothing here queries the database.
"""

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# At most this many links are drawn, the heaviest; the table beside the map has them all.
MOST_LINKS = 60
MOST_LABELS = 8
_ASPECT = 0.6  # height / width of a zoomed view, as of the whole map
_MIN_VIEW = 240  # the narrowest zoomed view, in the map's units (the whole map is 1000)


@functools.cache
def geometry():
    path = Path(settings.BASE_DIR) / "data" / "map" / "map.json"
    return json.loads(path.read_text(encoding="utf-8"))


def weight(row):
    """What a link between two regions weighs: their events and agreements together."""
    return row.get("events") + row.get("agreements")


@dataclass(frozen=True)
class Shape:
    code: str
    path: str
    css: str


@dataclass(frozen=True)
class Point:
    region: object
    x: float
    y: float
    r: float
    weight: int
    css: str
    label: bool


@dataclass(frozen=True)
class Link:
    row: object
    d: str
    width: float
    weight: int


@dataclass
class Drawing:
    view_box: str
    font: float
    countries: list
    shapes: list
    points: list
    links: list
    rows: list = field(default_factory=list)  # every pair drawn or not, heaviest first
    missing: list = field(default_factory=list)  # regions that have no place on the map
    sources: dict = field(default_factory=dict)
    focus: object = None  # the region zoomed to, first in each of its pairs

    @property
    def label_points(self):
        return [point for point in self.points if point.label]


def _place(region):
    return geometry()["regions"].get(region.iso_code) if region.iso_code else None


def _view(places, full_width, full_height):
    """A view box around the places (x, y, and bounds where they have shapes)."""
    xs, ys = [], []
    for place in places:
        xs.append(place["x"])
        ys.append(place["y"])
        if "bounds" in place:
            x0, y0, x1, y1 = place["bounds"]
            xs += [x0, x1]
            ys += [y0, y1]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 0.12 * max(x1 - x0, (y1 - y0) / _ASPECT, _MIN_VIEW)
    width = max(x1 - x0 + 2 * pad, (y1 - y0 + 2 * pad) / _ASPECT, _MIN_VIEW)
    width = min(width, full_width)
    height = min(width * _ASPECT, full_height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - width / 2, 0), full_width - width)
    top = min(max(cy - height / 2, 0), full_height - height)
    return left, top, width, height


def _curve(a, b):
    """A gentle arc from a to b, so that links between neighbours do not hide each other."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    bend = 0.18
    cx, cy = (x1 + x2) / 2 - dy * bend, (y1 + y2) / 2 + dx * bend
    return f"M{x1:.1f} {y1:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


def drawing(rows, focus=None):
    """Lay out the pairs `rows` (statistics.Row) as links between their regions' places.

    Only pairs with events or agreements are drawn, the heaviest `MOST_LINKS`. With a
    `focus` region, the view is zoomed to it and its partners, and it is marked.
    """
    data = geometry()
    rows = sorted(
        (row for row in rows if weight(row)),
        key=lambda row: (-weight(row), [str(r) for r in row.regions]),
    )
    weights, missing = {}, {}
    for row in rows:
        for region in row.regions:
            weights[region.pk] = weights.get(region.pk, 0) + weight(row)
            if _place(region) is None:
                missing[region.pk] = region
    regions = {region.pk: region for row in rows for region in row.regions}
    if focus is not None:
        regions.setdefault(focus.pk, focus)
        if _place(focus) is None:
            missing[focus.pk] = focus
    placed = {pk: _place(region) for pk, region in regions.items() if _place(region)}

    full_width, full_height = data["width"], data["height"]
    if focus is not None and placed:
        left, top, width, height = _view(placed.values(), full_width, full_height)
    else:
        left, top, width, height = 0, 0, full_width, full_height
    scale = width / full_width  # sizes below are for the whole map; a zoomed one keeps them

    heaviest = max(weights.values(), default=1)
    focus_pk = focus.pk if focus is not None else None
    active = {regions[pk].iso_code for pk in placed}
    shapes = []
    for code, place in data["regions"].items():
        if "path" not in place:
            continue
        x0, y0, x1, y1 = place["bounds"]
        if x1 < left or x0 > left + width or y1 < top or y0 > top + height:
            continue  # outside a zoomed view
        css = "map-region"
        if code in active:
            css += " map-active"
        if focus is not None and code == focus.iso_code:
            css += " map-focus"
        shapes.append(Shape(code, place["path"], css))

    by_weight = sorted(placed, key=lambda pk: (pk != focus_pk, -weights.get(pk, 0)))
    labelled = set(by_weight[:MOST_LABELS])
    points = [
        Point(
            region=regions[pk],
            x=placed[pk]["x"],
            y=placed[pk]["y"],
            r=round(scale * (2.5 + 5 * math.sqrt(weights.get(pk, 0) / heaviest)), 2),
            weight=weights.get(pk, 0),
            css="map-point map-point-focus" if pk == focus_pk else "map-point",
            label=pk in labelled,
        )
        for pk in sorted(placed, key=lambda pk: -weights.get(pk, 0))
    ]
    links = []
    for row in rows[:MOST_LINKS]:
        a, b = (placed.get(region.pk) for region in row.regions)
        if a is None or b is None:
            continue
        links.append(
            Link(
                row=row,
                d=_curve((a["x"], a["y"]), (b["x"], b["y"])),
                width=round(1.2 + 5 * math.sqrt(weight(row) / max(weight(rows[0]), 1)), 2),
                weight=weight(row),
            )
        )
    links.reverse()  # the heaviest drawn last, on top
    return Drawing(
        view_box=f"{left:.1f} {top:.1f} {width:.1f} {height:.1f}",
        font=round(18 * scale, 2),
        countries=sorted(data["countries"].items()),
        shapes=shapes,
        points=points,
        links=links,
        rows=rows,
        missing=sorted(missing.values(), key=str),
        sources=data["sources"],
        focus=focus,
    )
