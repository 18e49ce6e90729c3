"""The search index: what Pagefind is given of each page, the index in parts that the search page
merges, and a rebuild that indexes again only the part whose text changed."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pagefind_bin
import pytest

from generator import build, search
from synthetic import write_synthetic

from conftest import REAL_CONTENT


def records(bundle: Path) -> dict[str, dict]:
    """Pagefind's per-page records in a bundle (all its parts), by address: gzip, then the 12
    bytes "pagefind_dcd", then JSON."""
    found = {}
    for path in sorted(bundle.rglob("*.pf_fragment")):
        record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        found[record["url"]] = record
    return found


def pagefind_on_whole_pages(site: Path, out: Path) -> dict[str, dict]:
    """What Pagefind itself makes of the full pages, as its command line indexes a folder."""
    subprocess.run([str(pagefind_bin.get_executable()), "--site", str(site), "--output-path", str(out)],
                   check=True, capture_output=True)
    return records(out)


def test_pagefind_given_only_the_indexed_part_makes_the_same_records_as_from_whole_pages(real_site, tmp_path):
    ours = records(real_site / "pagefind")
    assert len(ours) > 150 and any(url.startswith("/es/events/") for url in ours)
    assert pagefind_on_whole_pages(real_site, tmp_path / "whole") == ours


def test_maps_and_figures_stay_out_of_place_and_topic_records(real_site):
    """A place's map names every place, and a topic's figures come with their tables: in the
    search index, the one would make every place match any place's name, the other would fill
    the topic's excerpt. Figures are found on /figures/."""
    found = records(real_site / "pagefind")
    places = [record for url, record in found.items() if url.startswith("/places/")]
    topics = [record for url, record in found.items() if url.startswith("/topics/")]
    assert places and topics
    assert not [record["url"] for record in places if "Natural Earth" in record["content"]]
    assert not [record["url"] for record in topics if "All figures" in record["content"]]
    assert "Homicide rate" in found["/figures/"]["content"]


@pytest.mark.parametrize("html, kept, dropped", [
    # text that only looks like the markers stays text
    ('<main data-pagefind-body><p>the words data-pagefind-ignore in prose</p></main>',
     "the words data-pagefind-ignore in prose", None),
    ('<main data-pagefind-body><p><a href="/x?data-pagefind-ignore" title="data-pagefind-ignore">link</a> after</p></main>',
     "link</a> after", None),
    # an ignored element ends at its own end tag, past nested ones of the same name
    ('<main data-pagefind-body><div data-pagefind-ignore><div>in</div><div>in</div></div><p>out</p></main>',
     "<p>out</p>", ">in<"),
    ('<main data-pagefind-body><section data-pagefind-ignore class="x"><section></section>INSIDE</section>after</main>',
     "after", "INSIDE"),
    # a void element marked ignored is only itself
    ('<main data-pagefind-body><img alt="a" data-pagefind-ignore><p>kept</p></main>', "<p>kept</p>", "<img"),
])
def test_the_document_keeps_the_indexed_element_less_the_ignored_ones(html, kept, dropped):
    document = search.document(f'<!doctype html><html lang="es"><head><title>T</title></head><body>{html}</body></html>')
    assert document.startswith('<!doctype html><html lang="es"><head><title>T</title></head><body><main')
    assert kept in document
    assert dropped is None or dropped not in document


def test_a_page_without_an_indexed_element_has_no_document():
    assert search.document('<html lang="en"><body><main><p>data-pagefind-body</p></main></body></html>') is None


def test_parts_come_in_powers_of_two_and_a_page_keeps_its_part_in_every_language():
    assert [search.part_count(pages, 100) for pages in (0, 100, 101, 399, 401)] == [1, 1, 2, 4, 8]
    assert search.part_of("events/x/", 8) == search.part_of("events/x/", 8)
    assert search.merged_folders(4) == ["pagefind/part-1/", "pagefind/part-2/", "pagefind/part-3/"]


def test_a_site_in_parts_holds_each_page_once_and_its_search_page_names_the_parts(tmp_path):
    whole = records(build_real(tmp_path / "whole") / "pagefind")
    site = build_real(tmp_path / "parts", search_part_pages=30)
    assert records(site / "pagefind") == whole  # the same records, spread over the parts
    folders = search.merged_folders(8)
    for folder in folders:
        part = site / folder
        assert (part / "pagefind-entry.json").is_file() and list(part.glob("fragment/*.pf_fragment"))
        assert not list(part.glob("*.js")) and not list(part.glob("wasm.*"))  # the first part's are used
    assert (site / "pagefind/pagefind.js").is_file() and (site / "pagefind/wasm.es.pagefind").is_file()
    for search_page in ("search/index.html", "es/search/index.html"):
        html = (site / search_page).read_text(encoding="utf-8")
        assert f'data-merged="{" ".join("/" + folder for folder in folders)}"' in html
    part_of_page = {url: part_of_file(path.relative_to(site / "pagefind").as_posix())
                    for path in (site / "pagefind").rglob("*.pf_fragment")
                    for url in [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])["url"]]}
    spanish = [url for url in part_of_page if url.startswith("/es/")]
    assert len({part_of_page[url] for url in spanish}) > 1
    for url in spanish:  # each page's two languages in one part
        assert part_of_page[url] == part_of_page["/" + url.removeprefix("/es/")], url
    one = (site / "pagefind/pagefind-entry.json").read_bytes()
    assert build_real(tmp_path / "again", search_part_pages=30) and (
        tmp_path / "again/pagefind/pagefind-entry.json").read_bytes() == one  # byte-identical builds


def build_real(out: Path, **options) -> Path:
    build.build(REAL_CONTENT, out, **options)
    return out


def part_of_file(path: str) -> int:
    """The part a file of the bundle belongs to: pagefind/part-3/... to the fourth, the rest to the first."""
    return int(path.split("/")[0].removeprefix("part-")) if path.startswith("part-") else 0


def identities(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_a_rebuild_indexes_again_only_the_part_whose_text_changed(tmp_path):
    content = write_synthetic(tmp_path / "content", 120)
    options = dict(cache_dir=tmp_path / "cache", search_part_pages=40)
    site = tmp_path / "site"
    build.build(content, site, **options)
    parts = search.part_count(sum(1 for _ in site.rglob("*.html")), 40)
    assert parts >= 4
    before = identities(site / "pagefind")

    event = sorted((content / "events").glob("*.yaml"))[60]
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("summary: |\n", "summary: |\n  Quetzalcoatl was here.\n", 1), encoding="utf-8")
    build.build(content, site, **options)
    after = identities(site / "pagefind")
    address = f"/events/{event.stem}/"
    changed = {path for path in after if before.get(path) != after[path]}
    assert {part_of_file(path) for path in changed} == {search.part_of(address.lstrip("/"), parts)}
    assert "Quetzalcoatl" in records(site / "pagefind")[address]["content"]

    whole = tmp_path / "clean"
    build.build(content, whole, search_part_pages=40)  # the same index as a build from nothing
    assert {path: (whole / "pagefind" / path).read_bytes() for path in identities(whole / "pagefind")} == {
        path: (site / "pagefind" / path).read_bytes() for path in after}


def test_a_folder_holding_another_index_than_the_cache_says_is_indexed_again(tmp_path):
    content = write_synthetic(tmp_path / "content", 60)
    options = dict(cache_dir=tmp_path / "cache", search_part_pages=40)
    site = tmp_path / "site"
    build.build(content, site, **options)
    entry = site / "pagefind/part-1/pagefind-entry.json"
    entry.unlink()  # someone tidied the folder by hand
    event = sorted((content / "events").glob("*.yaml"))[0]
    event.write_text(event.read_text(encoding="utf-8").replace("summary: |\n", "summary: |\n  Changed.\n", 1),
                     encoding="utf-8")
    build.build(content, site, **options)
    assert entry.is_file()
