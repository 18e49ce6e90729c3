"""Rebuilds: with the cache, a rebuild renders and writes only what changed, and its output is
byte-identical to a clean build of the same content, whatever was edited."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator import build, markup
from synthetic import write_synthetic

EVENTS = 60


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def identities(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: the same pair means the file was not rewritten."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


@pytest.fixture
def project(tmp_path):
    content = write_synthetic(tmp_path / "content", EVENTS)
    templates = tmp_path / "templates"
    shutil.copytree(build.TEMPLATES_DIR, templates)
    return tmp_path, content, templates


def incremental(project, **options):
    root, content, templates = project
    return build.build(content, root / "site", templates_dir=templates, cache_dir=root / "cache",
                       with_search=False, **options)


def clean(project) -> dict[str, bytes]:
    root, content, templates = project
    shutil.rmtree(root / "clean", ignore_errors=True)
    build.build(content, root / "clean", templates_dir=templates, with_search=False)
    return tree(root / "clean")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def event_file(content: Path, number: int) -> Path:
    return next((content / "events").glob(f"*-event-{number:05d}.yaml"))


EDITS = {
    "an event's summary": lambda c: edit(event_file(c, 7), "summary: |\n", "summary: |\n  Newly reported detail.\n"),
    "an event's title": lambda c: edit(event_file(c, 8), 'title: "Event 8:', 'title: "Event eight, retitled:'),
    "an event's date (it moves, and so do its neighbours)": lambda c: _move_event(c, 9),
    "an actor's name": lambda c: edit(c / "actors/actor-00001.yaml", "name: Actor 1", "name: Renamed Actor"),
    "a topic's name": lambda c: edit(c / "topics/topic-001.yaml", "name: Topic 1", "name: Renamed Topic"),
    "a place's name": lambda c: edit(c / "places/place-0001.yaml", "name: Place 1", "name: Renamed Place"),
    "a source's publisher": lambda c: edit(c / "sources/source-00003.yaml", "publisher: Publisher 3", "publisher: Other Desk"),
    "the site's title": lambda c: edit(c / "site.yaml", "title: Synthetic timeline", "title: Another title"),
    "a free page": lambda c: edit(c / "pages/about.md", "title: About", "title: About this timeline"),
    "an event removed": lambda c: event_file(c, 11).unlink(),
    "an event added": lambda c: event_file(c, 12).with_name(event_file(c, 12).stem + "-added.yaml").write_text(
        event_file(c, 12).read_text(encoding="utf-8").replace('title: "Event 12:', 'title: "An added event:'),
        encoding="utf-8"),
}


def _move_event(content: Path, number: int) -> None:
    path = event_file(content, number)
    text = re.sub(r"^date: .*$", "date: 2021-06-15", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    path.unlink()
    (content / "events" / f"2021-06-15-event-{number:05d}.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("change", list(EDITS))
def test_a_rebuild_after_an_edit_is_byte_identical_to_a_clean_build(project, change):
    root, content, _ = project
    incremental(project)
    before = identities(root / "site")
    EDITS[change](content)
    result = incremental(project)
    assert tree(root / "site") == clean(project)
    after = identities(root / "site")
    rewritten = {path for path in after if after[path] != before.get(path)}
    assert 0 < result.written == len(rewritten) < len(after)  # only what changed was written


def test_every_edit_in_a_row_still_matches_a_clean_build(project):
    root, content, _ = project
    incremental(project)
    for change in EDITS.values():
        change(content)
        incremental(project)
    assert tree(root / "site") == clean(project)


def test_a_template_change_rerenders_the_pages_that_use_it(project):
    root, _, templates = project
    incremental(project)
    edit(templates / "event.html", "Cite this event", "How to cite this event")
    result = incremental(project)
    assert result.rendered >= EVENTS
    assert tree(root / "site") == clean(project)
    assert b"How to cite this event" in (root / "site" / next(iter(
        p for p in tree(root / "site") if p.startswith("events/")))).read_bytes()


def test_an_unchanged_rebuild_renders_nothing_and_touches_no_file(project):
    root, _, _ = project
    first = incremental(project)
    assert first.rendered == first.files - len(list((build.STATIC_DIR).rglob("*.*"))) and first.written == first.files
    before = identities(root / "site")
    again = incremental(project)
    assert (again.rendered, again.written) == (0, 0)
    assert identities(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == ["cache", "content", "site", "templates"]  # no staging left


def test_files_no_longer_produced_are_removed(project):
    root, content, _ = project
    incremental(project)
    gone = event_file(content, 5)
    page = root / "site/events" / gone.stem / "index.html"
    assert page.exists()
    gone.unlink()
    incremental(project)
    assert not page.exists() and not page.parent.exists()


def test_a_file_changed_by_hand_in_the_output_is_restored(project):
    root, _, _ = project
    incremental(project)
    page = root / "site/about/index.html"
    original = page.read_bytes()
    page.write_bytes(b"defaced")
    result = incremental(project)
    assert page.read_bytes() == original and result.written == 1


def test_without_the_cache_a_rebuild_renders_all_but_still_writes_only_changes(project):
    root, content, templates = project
    incremental(project)
    shutil.rmtree(root / "cache")
    before = identities(root / "site")
    result = incremental(project)
    assert result.rendered > EVENTS and result.written == 0
    assert identities(root / "site") == before


def test_a_damaged_cache_is_ignored(project):
    root, _, _ = project
    incremental(project)
    for path in (root / "cache").iterdir():
        path.write_bytes(b"\x80not a cache")
    result = incremental(project)
    assert result.rendered > EVENTS and result.written == 0
    assert tree(root / "site") == clean(project)


def test_markdown_is_converted_once_and_then_read_from_the_cache(project, monkeypatch):
    root, content, _ = project
    incremental(project)
    converted = []
    original = markup.convert
    monkeypatch.setattr(markup, "convert", lambda text: converted.append(text) or original(text))
    markup.to_html.cache_clear()
    markup.plain_text.cache_clear()
    markup._rendered.clear()
    EDITS["an event's summary"](content)
    incremental(project)
    assert converted and all("Newly reported detail." in text for text in converted)
    assert tree(root / "site") == clean(project)


def test_a_rebuild_that_fails_half_way_changes_nothing(project, monkeypatch):
    root, content, _ = project
    incremental(project)
    before = tree(root / "site")
    EDITS["an actor's name"](content)
    calls = []

    def failing(self, output):
        calls.append(output.path)
        if len(calls) > 5:
            raise RuntimeError("the disk is full")
        return original(self, output)

    original = build.render.Renderer.render
    monkeypatch.setattr(build.render.Renderer, "render", failing)
    with pytest.raises(RuntimeError):
        incremental(project, jobs=1)
    assert tree(root / "site") == before
    assert sorted(p.name for p in root.iterdir()) == ["cache", "content", "site", "templates"]
    monkeypatch.undo()
    incremental(project)
    assert tree(root / "site") == clean(project)


def test_processes_side_by_side_build_the_same_site_as_one(project, monkeypatch):
    root, content, templates = project
    monkeypatch.setattr(build, "PARALLEL_FROM", 1)
    build.build(content, root / "two", templates_dir=templates, with_search=False, jobs=2)
    assert tree(root / "two") == clean(project)
    # with the search index, which takes the pages' text from the processes that rendered them
    build.build(content, root / "two", templates_dir=templates, jobs=2, search_part_pages=40)
    build.build(content, root / "one", templates_dir=templates, jobs=1, search_part_pages=40)
    assert tree(root / "two") == tree(root / "one") and "pagefind/part-1/pagefind-entry.json" in tree(root / "one")


def test_processes_side_by_side_read_the_content_and_convert_its_markdown_as_one(project, monkeypatch):
    """The files are read, and their Markdown converted, by processes started before the records
    are checked: the site is the same, the cache holds every text, and an error in the content
    stops those processes with the build."""
    import multiprocessing
    root, content, templates = project
    monkeypatch.setattr(build, "PARALLEL_FROM", 1)
    log = root / "converted-by"  # each process that converts a text says so here
    original = markup.convert

    def convert(text: str) -> str:
        with open(log, "a") as file:
            file.write(f"{os.getpid()}\n")
        return original(text)

    def converters() -> set[int]:
        return {int(line) for line in log.read_text().split()} if log.exists() else set()

    monkeypatch.setattr(markup, "convert", convert)
    incremental(project, jobs=2)
    assert converters() and os.getpid() not in converters()  # all of it by the other processes
    monkeypatch.setattr(markup, "convert", original)
    assert tree(root / "site") == clean(project)
    monkeypatch.setattr(markup, "convert", convert)
    edit(event_file(content, 3), "title:", "title: [unclosed")
    with pytest.raises(build.ContentError):
        incremental(project, jobs=2)
    assert not multiprocessing.active_children()
    edit(event_file(content, 3), "title: [unclosed", "title:")
    log.unlink()
    assert incremental(project, jobs=2).rendered == 0 and not converters()  # each text was kept in the cache


def test_processes_take_each_output_once_the_long_ones_first():
    from types import SimpleNamespace
    kinds = ["timeline.html"] + ["event.html"] * 250 + ["actors.html"] + ["actor.html"] * 3 + ["json", "csv"]
    outputs = [SimpleNamespace(template=None if kind in ("json", "csv") else kind,
                               data=kind if kind in ("json", "csv") else None) for kind in kinds]
    chunks = build._chunks(outputs, size=100)
    covered = [index for start, end in chunks for index in range(start, end)]
    assert sorted(covered) == list(range(len(outputs)))  # every output, once
    assert chunks[:4] == [(0, 1), (251, 252), (255, 256), (256, 257)]  # those alone of their kind first
    assert all(end - start <= 100 for start, end in chunks)
    assert {kinds[start] for start, end in chunks[4:]} == {"event.html", "actor.html"}


def test_the_search_index_follows_the_pages(project):
    root, content, templates = project
    options = dict(templates_dir=templates, cache_dir=root / "cache")
    build.build(content, root / "site", **options)
    index = tree(root / "site/pagefind")
    build.build(content, root / "site", **options)
    assert tree(root / "site/pagefind") == index  # unchanged pages: the same index, not re-run
    EDITS["an event's title"](content)
    build.build(content, root / "site", **options)
    assert tree(root / "site/pagefind") != index
    build.build(content, root / "site", with_search=False, **options)
    assert not (root / "site/pagefind").exists()
