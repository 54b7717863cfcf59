"""Municipality outlines for maps: the TopoJSON shipped with the package (CBS/PDOK
boundaries of 2025, simplified, via cartomap/nl; see ``data/README.md``) decoded into SVG
paths. TopoJSON decoding is a few lines (delta-encoded, quantised arcs shared by
neighbouring shapes), so it is done here rather than with a library: the PyPI ``topojson``
package builds topologies, it does not render them.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "gemeente_2025.topojson"
WIDTH = 600  # SVG user units; the height follows from the country's shape


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])  # arcs share their end points
    return points


@lru_cache(maxsize=1)
def municipality_paths() -> tuple[dict[str, str], tuple[int, int]]:
    """SVG path data per municipality code, and the map's width and height."""
    topology = json.loads(DATA.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topology["objects"]["gemeente_2025"]["geometries"]:
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        shapes[geometry["id"]] = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
    lons = [p[0] for rings in shapes.values() for ring in rings for p in ring]
    lats = [p[1] for rings in shapes.values() for ring in rings for p in ring]
    # Equirectangular with the longitude shrunk by cos(latitude): right for a country this size.
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    shrink = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * shrink)
    height = round((north - south) * scale)

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - west) * shrink * scale:.1f} {(north - lat) * scale:.1f}"

    paths = {
        code: " ".join("M" + " L".join(xy(*p) for p in ring) + " Z" for ring in rings)
        for code, rings in shapes.items()
    }
    return paths, (WIDTH, height)
