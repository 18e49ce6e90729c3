"""Runs the pipeline, stage after stage: load (with the history), model, timeline, editions, pages, render, write."""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import cache, editions, history, load, markup, model, pages, render, search, timeline, write
from .diagnostics import ContentError, Diagnostics, Problem

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
STATIC_DIR = PROJECT_DIR / "static"


Progress = Callable[[str, int, int], None]
"""Told what the build is doing: (step, done, total), e.g. ("rendering pages", 1200, 10543)."""


@dataclass
class BuildResult:
    files: int
    pages: int
    events: int
    warnings: list[Problem]
    rendered: int = 0  # files rendered this time (the others were unchanged since the last build)
    written: int = 0  # files whose bytes changed


def _silent(step: str, done: int, total: int) -> None:
    pass


def edition_time(environ: dict[str, str]) -> dt.datetime | None:
    """When this edition of the site was made, from SOURCE_DATE_EPOCH (seconds since 1970, as set
    by CI from the commit), so that a rebuild of the same commit is byte-identical; None when unset."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{value}'")
    return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)


def check(content_dir: Path, strict: bool = False, drafts: bool = False) -> tuple[timeline.Timeline | None, Diagnostics]:
    """Load, validate and link the content; the timeline is None when there are errors."""
    diagnostics = Diagnostics()
    raw = load.load_content(content_dir, diagnostics)
    records = model.validate(raw, diagnostics, history=history.read(content_dir))
    graph = timeline.assemble(records, diagnostics, drafts)
    failed = diagnostics.errors or (strict and diagnostics.warnings)
    return (None if failed else graph), diagnostics


def check_output(out_dir: Path, content_dir: Path, templates_dir: Path = TEMPLATES_DIR,
                 static_dir: Path = STATIC_DIR) -> None:
    """Raise OutputError when replacing out_dir would destroy the sources of the site or the project."""
    write.check_output_dir(out_dir, protected=[content_dir, templates_dir, static_dir, PROJECT_DIR])


def build(content_dir: Path, out_dir: Path, base_url: str | None = None, strict: bool = False,
          templates_dir: Path = TEMPLATES_DIR, static_dir: Path = STATIC_DIR, with_search: bool = True,
          drafts: bool = False, built: dt.datetime | None = None, progress: Progress = _silent,
          cache_dir: Path | None = None, jobs: int | None = None,
          search_part_pages: int = search.PART_PAGES) -> BuildResult:
    """Build the whole site into out_dir, or raise ContentError and leave out_dir as it was.
    With a cache_dir, only what changed since the last build is rendered and written again
    (and only the parts of the search index whose pages' text changed are indexed again)."""
    check_output(out_dir, content_dir, templates_dir, static_dir)
    progress("reading content", 0, 1)
    with collector_paused():
        graph, diagnostics = check(content_dir, strict, drafts)
    if graph is None:
        raise ContentError(diagnostics.sorted())
    gc.freeze()  # see collector_paused
    try:
        return _make_site(graph, diagnostics, out_dir, base_url, templates_dir, static_dir,
                          search_part_pages if with_search else None, drafts, built, progress, cache_dir, jobs)
    finally:
        gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the records are made. They live to the end of the
    build, so each of its passes over them (a large site has millions of objects) found nothing
    to free: a tenth of an unchanged rebuild. Frozen afterwards, they are out of its sight, and
    forked workers share their memory instead of copying the pages the collector would mark."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _make_site(graph: timeline.Timeline, diagnostics: Diagnostics, out_dir: Path, base_url: str | None,
               templates_dir: Path, static_dir: Path, search_part_pages: int | None, drafts: bool,
               built: dt.datetime | None, progress: Progress, cache_dir: Path | None, jobs: int | None) -> BuildResult:
    """search_part_pages: the size of the search index's parts; None for a site without one."""
    books = editions.editions(graph)
    plan = pages.plan_site(books, search_part_pages or search.PART_PAGES)
    memory = cache.BuildCache(cache_dir, out_dir)
    renderer = render.Renderer(books, templates_dir, static_dir, base_url, built)
    signature = cache.code_signature(templates_dir, static_dir, (renderer.site_url, built, drafts, search_part_pages))
    fingerprints = cache.fingerprints(plan, graph, signature)
    update = write.SiteUpdate(out_dir)
    try:
        for path, data in renderer.asset_files().items():
            update.put(path, data)
        to_render = []
        for output in plan:
            if memory.unchanged(out_dir, output.path, fingerprints[output.path]):
                update.keep(output.path)
            else:
                to_render.append(output)
        markdown = _convert_markdown([book.timeline for book in books], memory.markdown, jobs) if to_render else None
        documents: dict[str, str | None] | None = {} if search_part_pages else None
        _render_into(update, renderer, to_render, jobs, lambda done: progress("rendering pages", done, len(to_render)),
                     documents)
        progress("writing files", 0, len(plan))

        index = search.IndexState()

        def finish(staging: Path) -> None:
            nonlocal index
            progress("indexing for search", 0, 1)
            searchable = [search.Page(output.path, "/" + output.url, output.address_in_edition)
                          for output in plan if output.path.endswith(".html")]
            index = search.index_site(staging, out_dir, searchable, update.written, memory.search,
                                      search_part_pages, _workers(jobs, len(searchable)), documents)

        changed = update.commit(finish if search_part_pages else None)
    finally:
        update.discard()
    if changed or to_render:  # otherwise every output is as the cache describes it already
        memory.save(out_dir, fingerprints, markdown, index if changed else memory.search)
    page_count = sum(1 for output in plan if output.path.endswith(".html"))
    return BuildResult(len(plan) + len(renderer.assets), page_count, len(graph.entries), diagnostics.warnings,
                       rendered=len(to_render), written=len(update.written))


PARALLEL_FROM = 400  # below this many files, starting processes costs more than it saves


def _workers(jobs: int | None, tasks: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    wanted = jobs or available
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return wanted if forkable and wanted > 1 and tasks >= PARALLEL_FROM else 1


def _convert_markdown(graphs: list[timeline.Timeline], stored: dict[str, str], jobs: int | None) -> dict[str, str]:
    """Every Markdown text the site shows, in every edition, converted once: from the cache where
    it is there, the rest shared between processes. Returns what the cache should keep (by hash
    of the text)."""
    texts = []
    for graph in graphs:
        summaries = [entry.event.summary for entry in graph.entries]
        texts += summaries  # in lists of events, their first paragraph is cut from their HTML
        texts += [record.summary for group in (graph.actors, graph.topics) for record in group.values()
                  if record.summary]
        texts += [page.body for page in graph.pages.values()]
    keys = {text: cache.text_key(text) for text in texts}
    known = {text: stored[key] for text, key in keys.items() if key in stored}
    missing = [text for text in keys if text not in known]
    workers = _workers(jobs, len(missing))
    if workers > 1:
        batches = [missing[start::workers * 4] for start in range(workers * 4)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for batch, converted in zip(batches, pool.map(markup.convert_all, batches)):
                known.update(zip(batch, converted))
    else:
        known.update(zip(missing, markup.convert_all(missing)))
    markup.remember(known)
    return {keys[text]: html for text, html in known.items()}


_job: tuple[write.SiteUpdate, render.Renderer, list[pages.Output], bool] | None = None  # for forked workers


def _render_chunk(bounds: tuple[int, int]) -> tuple[set[str], set[str], dict[str, str | None]]:
    """In a worker (its own copy of the update): stage a chunk, and say what it wrote and kept,
    with each page's search document when the site has a search index."""
    update, renderer, outputs, indexed = _job
    update.written, update.kept = set(), set()
    documents: dict[str, str | None] = {}
    for output in outputs[bounds[0]:bounds[1]]:
        _render_one(update, renderer, output, documents if indexed else None)
    return update.written, update.kept, documents


def _render_one(update: write.SiteUpdate, renderer: render.Renderer, output: pages.Output,
                documents: dict[str, str | None] | None) -> None:
    data = renderer.render(output)
    update.put(output.path, data)
    if documents is not None and output.path.endswith(".html"):
        # cut out here, where the page is at hand and the processors share the work, rather
        # than read back from disk by the search step, one page after the other
        documents[output.path] = search.document(data.decode("utf-8"))


def _chunks(outputs: list[pages.Output], size: int = 100) -> list[tuple[int, int]]:
    """The outputs in the pieces workers take in turn: each output that is the only one of its
    kind (the timeline, a data file, a list of all sources: the long ones) on its own and first,
    then the pages of each kind of record a hundred at a time. In plan order, the data files came
    last, together, and one processor worked through them while the other had nothing to do."""
    runs: list[tuple[int, int]] = []
    for index, output in enumerate(outputs):
        kind = output.template or output.data
        if runs and (outputs[runs[-1][0]].template or outputs[runs[-1][0]].data) == kind:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    alone = [run for run in runs if run[1] - run[0] == 1]
    pieces = [(first, min(first + size, end)) for start, end in runs if end - start > 1
              for first in range(start, end, size)]
    return alone + pieces


def _render_into(update: write.SiteUpdate, renderer: render.Renderer, outputs: list[pages.Output],
                 jobs: int | None, progress: Callable[[int], None],
                 documents: dict[str, str | None] | None = None) -> None:
    """Render the outputs and stage each one that changed, and fill `documents` (when given)
    with each page's search document; with several processors, processes forked from this one
    (sharing the timeline) render chunks of the list side by side."""
    global _job
    workers = _workers(jobs, len(outputs))
    if workers == 1:
        for done, output in enumerate(outputs):
            if done % 100 == 0:
                progress(done)
            _render_one(update, renderer, output, documents)
        return
    chunks = _chunks(outputs)
    _job = (update, renderer, outputs, documents is not None)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = 0
            for written, kept, found in pool.imap_unordered(_render_chunk, chunks):
                update.record(written, kept)
                if documents is not None:
                    documents.update(found)
                done += len(written) + len(kept)
                progress(done)
    finally:
        _job = None
