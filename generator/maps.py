"""Places the timeline's places on a map of Ecuador: the bundled outline projected, and a point per place, as geometry a template draws in SVG."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import Place

MAP_FILE = Path(__file__).with_name("maps") / "ecuador.json"
"""Natural Earth's outline of Ecuador, extracted by scripts/extract_map.py."""

WIDTH = 400  # the map's width in SVG units; its height follows from the frame
INSET_COLUMN = 1.9  # degrees of ocean added west of the mainland, where the Galápagos are drawn
INSET_SCALE = 0.5  # the Galápagos are drawn at half the mainland's scale
SNAP = 0.1  # degrees: a place this close to the coast but in the water is drawn on the shore
LABEL_SIZE = 12  # the labels' font size, in SVG units
RADIUS = (3.5, 3.0)  # a point's radius is 3.5 + 3 × √(its events): its area grows with the count


@dataclass(frozen=True)
class Point:
    """A place on the map: where its point is drawn, how big, and where its label goes."""

    place: Place
    count: int  # the events there
    x: float
    y: float
    r: float
    current: bool  # the place whose page this is
    label_x: float | None = None  # None: no room for a label (the point still has its name)
    label_y: float | None = None
    anchor: str = "start"


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    outline: str  # SVG path data: Ecuador's mainland
    neighbours: tuple[tuple[str, str], ...]  # (name, path data), clipped to the frame
    inset: tuple[float, float, float, float]  # the Galápagos box: x, y, width, height
    galapagos: str  # path data, inside the inset
    points: tuple[Point, ...]  # largest first, so that small points are drawn on top
    elsewhere: tuple[tuple[Place, int], ...]  # places with coordinates outside the map, and their events
    unmapped: tuple[tuple[Place, int], ...]  # places without coordinates (a whole country), and their events
    attribution: str
    current: Place | None = None

    @property
    def current_point(self) -> Point | None:
        return next((point for point in self.points if point.current), None)


@dataclass(frozen=True)
class _Base:
    """The map without its places: the same for every page, so it is projected once."""

    frame: tuple[float, float, float, float]  # west, south, east, north of what is drawn, degrees
    scale: float  # SVG units per degree
    height: int
    outline: tuple[tuple[tuple[float, float], ...], ...]  # Ecuador's rings, in degrees
    outline_path: str
    neighbour_paths: tuple[tuple[str, str], ...]
    galapagos_frame: tuple[float, float, float, float]
    galapagos: tuple[tuple[tuple[float, float], ...], ...]
    galapagos_path: str
    inset: tuple[float, float, float, float]
    land: tuple[tuple[tuple[float, float], ...], ...]  # every ring of land drawn, Ecuador's and its neighbours'
    attribution: str

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a point of the mainland's frame is drawn (equirectangular: Ecuador is on the equator)."""
        west, _, _, north = self.frame
        return (lon - west) * self.scale, (north - lat) * self.scale

    def project_inset(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a point of the Galápagos is drawn, in their box at INSET_SCALE."""
        g_west, _, _, g_north = self.galapagos_frame
        scale = self.scale * INSET_SCALE
        return self.inset[0] + (lon - g_west) * scale, self.inset[1] + (g_north - lat) * scale


@lru_cache(maxsize=1)
def base() -> _Base:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    west, south, east, north = data["frame"]
    west -= INSET_COLUMN
    scale = WIDTH / (east - west)
    height = round((north - south) * scale)
    g_west, g_south, g_east, g_north = data["galapagos"]["frame"]
    inset_scale = scale * INSET_SCALE
    inset = (6.0, 6.0, round((g_east - g_west) * inset_scale, 1), round((g_north - g_south) * inset_scale, 1))
    outline = _rings(data["outline"])
    galapagos = _rings(data["galapagos"]["outline"])
    neighbours = [(item["name"], _rings(item["outline"])) for item in data["neighbours"]]
    geography = _Base((west, south, east, north), scale, height, outline, "", (), (g_west, g_south, g_east, g_north),
                      galapagos, "", inset, outline + tuple(ring for _, rings in neighbours for ring in rings),
                      data["attribution"])
    return dataclasses.replace(
        geography, outline_path=_path(outline, geography.project),
        galapagos_path=_path(galapagos, geography.project_inset),
        neighbour_paths=tuple((name, _path(rings, geography.project)) for name, rings in neighbours))


def _rings(rings: list) -> tuple[tuple[tuple[float, float], ...], ...]:
    return tuple(tuple((float(lon), float(lat)) for lon, lat in ring) for ring in rings)


def _path(rings, project) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def lay_out(places: dict[str, Place], counts: dict[str, int]) -> Map:
    """The map of every place that has events: a point sized by its number of events, labelled
    where there is room. Laid out once per edition; each place's page then `highlight`s it."""
    geography = base()
    points, elsewhere, unmapped = [], [], []
    for place_id, place in places.items():
        count = counts.get(place_id, 0)
        if not count:
            continue
        if place.latitude is None or place.longitude is None:
            unmapped.append((place, count))
            continue
        position = _position(place.longitude, place.latitude, geography)
        if position is None:
            elsewhere.append((place, count))
            continue
        r = round(RADIUS[0] + RADIUS[1] * math.sqrt(count), 1)
        points.append(Point(place, count, round(position[0], 1), round(position[1], 1), r, False))
    points.sort(key=lambda point: (-point.r, point.place.id))
    return Map(WIDTH, geography.height, geography.outline_path, geography.neighbour_paths, geography.inset,
               geography.galapagos_path, _labelled(points, geography), tuple(elsewhere), tuple(unmapped),
               geography.attribution)


def highlight(laid_out: Map, place: Place) -> Map:
    """The map for one place's page: that place's point marked and labelled (other labels in the
    way of its label give way). It keeps its place in the drawing order, so that a smaller place
    beside it stays on top, within reach. A place not on the map has no point to mark."""
    point = next((point for point in laid_out.points if point.place.id == place.id), None)
    if point is None:
        return dataclasses.replace(laid_out, current=place)
    if point.label_x is None:
        point = _labelled_at(point, "start")
        if _label_box(point)[2] > laid_out.width - 2:
            point = _labelled_at(point, "end")
    marked = dataclasses.replace(point, current=True)
    box = _label_box(marked)
    points = tuple(marked if other.place.id == place.id
                   else other if other.label_x is None or not _overlap(_label_box(other), box)
                   else dataclasses.replace(other, label_x=None, label_y=None)
                   for other in laid_out.points)
    return dataclasses.replace(laid_out, points=points, current=place)


def _position(lon: float, lat: float, geography: _Base) -> tuple[float, float] | None:
    """Where a place is drawn, or None when it is off the map: on the mainland frame, or in the
    Galápagos inset. A place in the water just off the coast (the outline is simplified, and a
    city's point may fall in its river) is drawn on the nearest shore of Ecuador."""
    west, south, east, north = geography.frame
    g_west, g_south, g_east, g_north = geography.galapagos_frame
    if g_west <= lon <= g_east and g_south <= lat <= g_north:
        return geography.project_inset(*_on_land(lon, lat, geography.galapagos, geography.galapagos))
    if not (west + INSET_COLUMN <= lon <= east and south <= lat <= north):
        return None
    return geography.project(*_on_land(lon, lat, geography.outline, geography.land))


def _on_land(lon: float, lat: float, rings, land) -> tuple[float, float]:
    """The point itself when it is on land (Ecuador's or a neighbour's); else, when it is within
    SNAP of Ecuador's outline, the nearest point a little inside that outline."""
    if any(inside(lon, lat, ring) for ring in land):
        return lon, lat
    best = None
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((lon - ax) * dx + (lat - ay) * dy) / (dx * dx + dy * dy or 1.0)))
            nx, ny = ax + t * dx, ay + t * dy
            distance = math.hypot(lon - nx, lat - ny)
            if best is None or distance < best[0]:
                best = (distance, nx, ny)
    if best is None or best[0] > SNAP:
        return lon, lat
    distance, nx, ny = best
    for step in (0.01, 0.005):  # a little past the shore, along the way from the water
        sx = nx + (nx - lon) / (distance or 1.0) * step
        sy = ny + (ny - lat) / (distance or 1.0) * step
        if any(inside(sx, sy, ring) for ring in rings):
            return sx, sy
    return nx, ny


def inside(lon: float, lat: float, ring) -> bool:
    """Whether a point is inside a ring (even-odd rule)."""
    found = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
        if (ay > lat) != (by > lat) and lon < ax + (lat - ay) * (bx - ax) / (by - ay):
            found = not found
    return found


def _labelled(points: list[Point], geography: _Base) -> tuple[Point, ...]:
    """Each point with a label beside it, right or else left, where it overlaps no other label or
    point and stays on the map; the busiest places are labelled first."""
    taken = [_disc(point) for point in points]
    x, y, width, height = geography.inset
    taken.append((x, y, x + width, y + height + 16))  # the Galápagos box and its name under it
    labelled: dict[str, Point] = {}
    for point in sorted(points, key=lambda point: (-point.count, point.place.id)):
        for anchor in ("start", "end"):
            candidate = _labelled_at(point, anchor)
            box = _label_box(candidate)
            if box[0] < 2 or box[2] > WIDTH - 2:
                continue
            if any(_overlap(box, other) for other in taken if other != _disc(point)):
                continue
            taken.append(box)
            labelled[point.place.id] = candidate
            break
    return tuple(labelled.get(point.place.id, point) for point in points)


def _labelled_at(point: Point, anchor: str) -> Point:
    """The point with its label beside it: to the right ("start") or to the left ("end")."""
    x = point.x + point.r + 3 if anchor == "start" else point.x - point.r - 3
    return dataclasses.replace(point, label_x=round(x, 1), label_y=round(point.y + LABEL_SIZE * 0.35, 1),
                               anchor=anchor)


def _label_width(point: Point) -> float:
    return len(point.place.name) * LABEL_SIZE * 0.56  # an average letter of the sans-serif font


def _label_box(point: Point) -> tuple[float, float, float, float]:
    left = point.label_x if point.anchor == "start" else point.label_x - _label_width(point)
    return (left, point.y - LABEL_SIZE * 0.6, left + _label_width(point), point.y + LABEL_SIZE * 0.6)


def _disc(point: Point) -> tuple[float, float, float, float]:
    return (point.x - point.r, point.y - point.r, point.x + point.r, point.y + point.r)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
