"""The map of places: Natural Earth's outline of Ecuador with a circle per place that has events,
sized by their number, linked to the place's page, and highlighted on that page."""

from __future__ import annotations

import json
import re

import pytest
from lxml import html

from conftest import write_files
from generator import maps
from generator.build import build
from generator.model import Place

QUITO = Place("quito", "quito.yaml", "Quito", latitude=-0.22, longitude=-78.51)
GUAYAQUIL = Place("guayaquil", "guayaquil.yaml", "Guayaquil", latitude=-2.19, longitude=-79.89)
NATIONWIDE = Place("ecuador", "ecuador.yaml", "Ecuador (nationwide)")
FLORIDA = Place("florida", "florida.yaml", "Florida, United States", latitude=27.99, longitude=-81.76)
SANTA_CRUZ = Place("santa-cruz", "santa-cruz.yaml", "Santa Cruz, Galápagos", latitude=-0.74, longitude=-90.31)
IPIALES = Place("ipiales", "ipiales.yaml", "Ipiales, Colombia", latitude=0.83, longitude=-77.64)


def rings_of(path_data: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path made of M, L and Z commands, as the template writes them."""
    return [[tuple(map(float, point.split())) for point in ring.split("L")]
            for ring in re.findall(r"M([^MZ]+)Z", path_data)]


def in_outline(x: float, y: float, path_data: str) -> bool:
    return any(maps.inside(x, y, ring) for ring in rings_of(path_data))


def test_the_bundled_outline_is_natural_earths_and_credits_it():
    data = json.loads(maps.MAP_FILE.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["attribution"] and "Natural Earth" in data["source"]
    assert any(maps.inside(-78.51, -0.22, ring) for ring in data["outline"])  # Quito
    assert not any(maps.inside(-81.5, -1.0, ring) for ring in data["outline"])  # the Pacific
    assert maps.MAP_FILE.stat().st_size < 40_000  # a small extract, not the world


def test_places_with_events_are_circles_that_grow_with_their_count():
    places = {"quito": QUITO, "guayaquil": GUAYAQUIL, "ecuador": NATIONWIDE, "florida": FLORIDA}
    laid_out = maps.lay_out(places, {"quito": 1, "guayaquil": 9, "ecuador": 20, "florida": 1})
    by_id = {point.place.id: point for point in laid_out.points}
    assert set(by_id) == {"quito", "guayaquil"}
    assert by_id["guayaquil"].r > by_id["quito"].r
    assert by_id["guayaquil"].r ** 2 / by_id["quito"].r ** 2 == pytest.approx(
        ((maps.RADIUS[0] + maps.RADIUS[1] * 3) / (maps.RADIUS[0] + maps.RADIUS[1])) ** 2)
    assert laid_out.points[0].place.id == "guayaquil"  # drawn first, so the small one stays on top
    assert by_id["quito"].x > by_id["guayaquil"].x and by_id["quito"].y < by_id["guayaquil"].y  # north-east of it
    assert laid_out.unmapped == ((NATIONWIDE, 20),) and laid_out.elsewhere == ((FLORIDA, 1),)
    assert maps.lay_out(places, {"quito": 0, "guayaquil": 3}).points[0].place.id == "guayaquil"
    assert [p.place.id for p in maps.lay_out(places, {"guayaquil": 3}).points] == ["guayaquil"]  # no events, no circle


def test_every_drawn_point_falls_inside_the_outline_it_belongs_to():
    """Guayaquil's coordinates fall in the Guayas River at this scale: its circle is drawn on the
    shore, inside Ecuador. A town in Colombia stays where it is; the Galápagos go in their box."""
    places = {place.id: place for place in (QUITO, GUAYAQUIL, SANTA_CRUZ, IPIALES)}
    laid_out = maps.lay_out(places, dict.fromkeys(places, 2))
    by_id = {point.place.id: point for point in laid_out.points}
    assert not any(maps.inside(GUAYAQUIL.longitude, GUAYAQUIL.latitude, ring) for ring in maps.base().outline)
    for place_id in ("quito", "guayaquil"):
        assert in_outline(by_id[place_id].x, by_id[place_id].y, laid_out.outline), place_id
    assert in_outline(by_id["santa-cruz"].x, by_id["santa-cruz"].y, laid_out.galapagos)
    x, y, width, height = laid_out.inset
    assert x <= by_id["santa-cruz"].x <= x + width and y <= by_id["santa-cruz"].y <= y + height
    assert not in_outline(by_id["ipiales"].x, by_id["ipiales"].y, laid_out.outline)
    assert any(in_outline(by_id["ipiales"].x, by_id["ipiales"].y, path) for name, path in laid_out.neighbours
               if name == "Colombia")


def test_labels_stay_on_the_map_and_do_not_overlap():
    names = {f"p{n}": Place(f"p{n}", "x.yaml", f"A place with a long name {n}", latitude=-1.0 - n * 0.05,
                            longitude=-79.0) for n in range(6)}
    whole = maps.lay_out({**names, "quito": QUITO}, dict.fromkeys([*names, "quito"], 1))
    for laid_out in (whole, maps.highlight(whole, names["p3"])):
        labelled = [point for point in laid_out.points if point.label_x is not None]
        assert 0 < len(labelled) < len(laid_out.points)  # crowded points go without a label rather than overlap
        boxes = []
        for point in labelled:
            width = len(point.place.name) * maps.LABEL_SIZE * 0.56
            left = point.label_x if point.anchor == "start" else point.label_x - width
            assert 0 <= left and left + width <= laid_out.width
            boxes.append((left, point.y - 7, left + width, point.y + 7))
        assert not any(maps._overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    marked = maps.highlight(whole, names["p3"])
    assert marked.current_point.place.id == "p3" and marked.current_point.label_x is not None
    assert [point.place.id for point in marked.points] == [point.place.id for point in whole.points]
    assert [point for point in whole.points if point.current] == []
    assert maps.highlight(whole, FLORIDA).current_point is None


# --- On the site ------------------------------------------------------------------------------------

def map_of(site, page: str):
    root = html.fromstring((site / page).read_bytes())
    found = root.xpath("//figure[@class='place-map']")
    assert len(found) == 1, page
    return found[0]


def test_the_places_page_maps_every_place_with_coordinates_and_lists_the_rest(real_site):
    figure = map_of(real_site, "places/index.html")
    svg = figure.xpath(".//svg")[0]
    title, desc = svg.xpath("./title"), svg.xpath("./desc")
    assert title and desc and title[0].text_content().strip() and desc[0].text_content().strip()
    assert svg.get("aria-labelledby") == title[0].get("id") and svg.get("aria-describedby") == desc[0].get("id")
    outline = svg.xpath(".//path[@class='map-country']/@d")[0]
    links = svg.xpath(".//a")
    assert {link.get("href") for link in links} == {"/places/guayaquil/", "/places/quito/", "/places/manta/",
                                                     "/places/riobamba/", "/places/pascuales/"}
    for link in links:  # each circle inside the outline, named by its place and its count
        circle = link.xpath("./circle")[0]
        assert in_outline(float(circle.get("cx")), float(circle.get("cy")), outline), link.get("href")
        assert re.fullmatch(r".+: \d+ events?", link.get("aria-label"))
    note = figure.xpath("string(.//p[@class='map-note'])")
    assert "Ecuador (nationwide)" in note and "Florida, United States" in note
    assert "Natural Earth" in figure.xpath("string(.//p[@class='map-credit'])")


def test_a_place_page_highlights_its_place_and_links_the_others(real_site):
    svg = map_of(real_site, "places/riobamba/index.html").xpath(".//svg")[0]
    current = svg.xpath(".//a[@aria-current='page']")
    assert [link.get("href") for link in current] == ["/places/riobamba/"]
    assert current[0].xpath("./circle/@class") == ["map-point map-current"]
    assert "Riobamba" in svg.xpath("string(./title)")
    assert svg.xpath("string(.//text[contains(@class, 'map-current')])") == "Riobamba"
    assert len(svg.xpath(".//a")) == 5
    assert not html.fromstring((real_site / "places/florida/index.html").read_bytes()).xpath("//svg[@class='map']")


def test_the_spanish_map_speaks_spanish(real_site):
    figure = map_of(real_site, "es/places/quito/index.html")
    assert figure.xpath("string(.//h2)") == "Quito en el mapa"
    assert all(link.get("href").startswith("/es/places/") for link in figure.xpath(".//svg//a"))
    assert re.search(r": \d+ hechos?$", figure.xpath(".//svg//a/@aria-label")[0])


def test_a_new_event_in_a_place_grows_its_circle_on_a_rebuild(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    before = float(map_of(out, "places/index.html").xpath(".//a[@href='/places/guayaquil/']/circle/@r")[0])
    write_files(content, {"events/2024-01-20-another.yaml": """
        title: Another event in Guayaquil
        date: 2024-01-20
        place: guayaquil
        summary: It happened [@ap-2024-01-10-tv-station].
        sources: [ap-2024-01-10-tv-station]
        """})
    build(content, out)
    after = float(map_of(out, "places/index.html").xpath(".//a[@href='/places/guayaquil/']/circle/@r")[0])
    assert after > before
    on_its_page = map_of(out, "places/guayaquil/index.html").xpath(".//a[@href='/places/guayaquil/']/@aria-label")
    assert on_its_page == ["Guayaquil: 3 events"]
