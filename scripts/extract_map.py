"""Extracts a small map of Ecuador, the Galápagos and the neighbours around it from Natural Earth's TopoJSON.

To rerun it, from the repository's root (the input is the npm package world-atlas 2.0.2, which
holds Natural Earth 4.1.0's Admin 0 countries as TopoJSON):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/extract_map.py package/countries-10m.json > generator/maps/ecuador.json

Python 3.11, standard library only. What it does, step by step:

1. decodes the TopoJSON: the quantized, delta-encoded arcs become longitudes and latitudes
   (transform: scale and translate); a ring is its arcs joined end to end, a negative index ~i
   meaning arc i reversed, and the point where two arcs meet is kept once;
2. simplifies each arc with Douglas–Peucker (0.01 degrees; 0.005 for the Galápagos). Borders are
   arcs shared by two countries, so Ecuador and its neighbours are simplified along the same line
   and no gap or overlap opens between them;
3. splits Ecuador (id "218") into the mainland with its coastal islands such as Puná (east of
   longitude -85) and the Galápagos (west of it), dropping islets too small to see;
4. frames the mainland (its bounding box and a margin of 0.25 degrees) and the Galápagos (0.15),
   counting only the islands that are drawn (not Darwin and Wolf, too small at this scale);
5. clips Colombia ("170") and Peru ("604") to the mainland's frame (Sutherland–Hodgman against the
   rectangle), dropping what falls outside;
6. rounds coordinates to 3 decimals and writes deterministic JSON (sorted keys, compact) to stdout.

Rings are lists of [lon, lat], closed implicitly (the first point is not repeated at the end).
A polygon's outer ring goes in "outline"; its holes, if any, in "holes" (Ecuador has none).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ECUADOR, COLOMBIA, PERU = "218", "170", "604"
NEIGHBOURS = (COLOMBIA, PERU)

GALAPAGOS_WEST_OF = -85.0  # longitude: Ecuador's polygons west of it are the Galápagos
TOLERANCE = 0.01  # Douglas–Peucker tolerance, degrees
GALAPAGOS_TOLERANCE = 0.005
MIN_ISLET = 0.02  # drop a mainland (or neighbour's) polygon whose bounding box is smaller, degrees
MIN_GALAPAGOS_ISLET = 0.03
MAINLAND_MARGIN = 0.25  # degrees around the mainland's bounding box
GALAPAGOS_MARGIN = 0.15
DECIMALS = 3

ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."
SOURCE = "Natural Earth 4.1.0, Admin 0 countries, 1:10m, via the npm package world-atlas 2.0.2"

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[list[int]]  # rings as lists of arc indices; the first ring is the outer one


def decode_arcs(topology: dict) -> list[Ring]:
    """Every arc as absolute [lon, lat] points: undo the delta encoding, then the quantization."""
    transform = topology.get("transform")
    (sx, sy), (tx, ty) = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
            else:  # an unquantized topology holds absolute positions
                x, y = dx, dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def polygons_of(geometry: dict) -> list[Polygon]:
    """A Polygon or MultiPolygon geometry's polygons, each a list of rings of arc indices."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    raise ValueError(f"expected a Polygon or a MultiPolygon, not {geometry['type']}")


def arc_index(i: int) -> int:
    return i if i >= 0 else ~i


def join_ring(arc_ids: list[int], arcs: list[Ring]) -> Ring:
    """A ring from its arcs (a negative index ~i is arc i reversed), without the repeated last point."""
    ring: Ring = []
    for i in arc_ids:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)  # each arc starts where the last one ended
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def bbox(rings: list[Ring]) -> tuple[float, float, float, float]:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def size(ring: Ring) -> float:
    """The larger side of the ring's bounding box, degrees."""
    west, south, east, north = bbox([ring])
    return max(east - west, north - south)


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """The distance from p to the segment ab (to a itself when a and b coincide, as on a closed arc)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """The points Douglas–Peucker keeps at this tolerance; the first and last are always kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, -1.0
        for i in range(first + 1, last):
            d = segment_distance(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [p for p, kept in zip(points, keep) if kept]


def clip(ring: Ring, frame: tuple[float, float, float, float]) -> Ring:
    """Sutherland–Hodgman: the part of the ring inside the rectangle (west, south, east, north).

    Where a concave ring leaves the rectangle and comes back, the result runs along the
    rectangle's edge between the two crossings; filled, it covers exactly the inside part.
    """
    west, south, east, north = frame
    edges = (
        (lambda p: p[0] >= west, lambda p, q: _at_x(p, q, west)),
        (lambda p: p[0] <= east, lambda p, q: _at_x(p, q, east)),
        (lambda p: p[1] >= south, lambda p, q: _at_y(p, q, south)),
        (lambda p: p[1] <= north, lambda p, q: _at_y(p, q, north)),
    )
    for inside, crossing in edges:
        if not ring:
            break
        clipped: Ring = []
        previous = ring[-1]
        for current in ring:
            if inside(current):
                if not inside(previous):
                    clipped.append(crossing(previous, current))
                clipped.append(current)
            elif inside(previous):
                clipped.append(crossing(previous, current))
            previous = current
        ring = clipped
    return ring


def _at_x(p: Point, q: Point, x: float) -> Point:
    t = (x - p[0]) / (q[0] - p[0])
    return x, p[1] + t * (q[1] - p[1])


def _at_y(p: Point, q: Point, y: float) -> Point:
    t = (y - p[1]) / (q[1] - p[1])
    return p[0] + t * (q[0] - p[0]), y


def area(ring: Ring) -> float:
    """The ring's signed area (shoelace), square degrees."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def rounded(ring: Ring) -> list[list[float]] | None:
    """The ring rounded to DECIMALS, without repeated points; None when nothing with an area is left."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS) or 0.0, round(y, DECIMALS) or 0.0]  # "or 0.0": no -0.0
        if not out or point != out[-1]:
            out.append(point)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3 or area([tuple(p) for p in out]) == 0:
        return None
    return out


def with_margin(box: tuple[float, float, float, float], margin: float) -> list[float]:
    west, south, east, north = box
    return [round(west - margin, 2), round(south - margin, 2), round(east + margin, 2), round(north + margin, 2)]


def part(polygons: list[list[Ring]], frame: tuple[float, float, float, float] | None = None) -> dict:
    """{"outline": outer rings, "holes": holes if there are any}, clipped to the frame if one is given."""
    outline, holes = [], []
    for polygon in polygons:
        for n, ring in enumerate(polygon):
            out = rounded(clip(ring, frame) if frame else ring)
            if out is not None:
                (holes if n else outline).append(out)
    return {"outline": outline, "holes": holes} if holes else {"outline": outline}


def extract(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    countries = {g.get("id"): g for g in topology["objects"]["countries"]["geometries"]}
    for needed in (ECUADOR, *NEIGHBOURS):
        if needed not in countries:
            raise SystemExit(f"no country with id {needed!r} in the topology")

    def rings(polygon: Polygon, source: list[Ring]) -> list[Ring]:
        return [join_ring(ring, source) for ring in polygon]

    # Sort Ecuador's polygons into mainland and Galápagos, and keep those large enough to see,
    # judging on the full-resolution rings; likewise the neighbours'.
    mainland, galapagos = [], []
    for polygon in polygons_of(countries[ECUADOR]):
        outer = join_ring(polygon[0], arcs)
        if bbox([outer])[2] < GALAPAGOS_WEST_OF:
            if size(outer) >= MIN_GALAPAGOS_ISLET:
                galapagos.append(polygon)
        elif size(outer) >= MIN_ISLET:
            mainland.append(polygon)
    neighbours = {
        code: [p for p in polygons_of(countries[code]) if size(join_ring(p[0], arcs)) >= MIN_ISLET]
        for code in NEIGHBOURS
    }

    # Frames, from the full-resolution rings of the polygons that are drawn.
    frame = with_margin(bbox([r for p in mainland for r in rings(p, arcs)]), MAINLAND_MARGIN)
    galapagos_frame = with_margin(bbox([r for p in galapagos for r in rings(p, arcs)]), GALAPAGOS_MARGIN)

    # Simplify arc by arc, so that a border shared by two countries stays one line. An arc used
    # by both the Galápagos and something else would take the finer tolerance (none does).
    tolerance: dict[int, float] = {}
    groups = [(mainland, TOLERANCE), (galapagos, GALAPAGOS_TOLERANCE)]
    groups += [(polygons, TOLERANCE) for polygons in neighbours.values()]
    for polygons, tol in groups:
        for polygon in polygons:
            for ring in polygon:
                for i in ring:
                    tolerance[arc_index(i)] = min(tol, tolerance.get(arc_index(i), tol))
    simple = [douglas_peucker(arc, tolerance[i]) if i in tolerance else arc for i, arc in enumerate(arcs)]

    neighbour_parts = []
    for code in NEIGHBOURS:
        clipped = part([rings(p, simple) for p in neighbours[code]], tuple(frame))
        if clipped["outline"]:
            neighbour_parts.append({"name": countries[code]["properties"]["name"], **clipped})

    return {
        "name": countries[ECUADOR]["properties"]["name"],
        "attribution": ATTRIBUTION,
        "source": SOURCE,
        "frame": frame,
        **part([rings(p, simple) for p in mainland]),
        "galapagos": {"frame": galapagos_frame, **part([rings(p, simple) for p in galapagos])},
        "neighbours": neighbour_parts,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topology", type=Path, help="countries-10m.json from the npm package world-atlas 2.0.2")
    args = parser.parse_args(argv)
    result = extract(json.loads(args.topology.read_text(encoding="utf-8")))
    sys.stdout.write(json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
