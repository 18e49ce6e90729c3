"""Runs the pipeline, stage after stage: load (with the history), model, timeline, editions, pages, render, write."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import multiprocessing
import multiprocessing.pool
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
    with Helpers() as helpers:
        diagnostics = Diagnostics()
        raw = load.load_content(content_dir, diagnostics, share=helpers.share)
        return _link(raw, content_dir, diagnostics, strict, drafts), diagnostics


def _link(raw: load.RawContent, content_dir: Path, diagnostics: Diagnostics, strict: bool,
          drafts: bool) -> timeline.Timeline | None:
    """The timeline of the records read, or None when there are errors (or, when strict, warnings)."""
    records = model.validate(raw, diagnostics, history=history.read(content_dir))
    graph = timeline.assemble(records, diagnostics, drafts)
    failed = diagnostics.errors or (strict and diagnostics.warnings)
    return None if failed else graph


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
    memory = cache.BuildCache(cache_dir, out_dir)
    part_pages = search_part_pages if with_search else None
    with Helpers(jobs) as helpers:  # done with before the rendering forks its processes
        with collector_paused():
            graph, diagnostics, converting = _read_content(content_dir, strict, drafts, memory.markdown, helpers)
        if graph is None:
            raise ContentError(diagnostics.sorted())
        books = editions.editions(graph)
        plan = pages.plan_site(books, part_pages or search.PART_PAGES)
        renderer = render.Renderer(books, templates_dir, static_dir, base_url, built)
        signature = cache.code_signature(templates_dir, static_dir, (renderer.site_url, built, drafts, part_pages))
        fingerprints = cache.fingerprints(plan, graph, signature)
        to_render = [output for output in plan if not memory.unchanged(out_dir, output.path, fingerprints[output.path])]
        markdown = _convert_markdown([book.timeline for book in books], memory.markdown, converting, helpers) \
            if to_render else None
        del converting  # its texts and their HTML, megabytes that the rendering processes need not carry
    gc.freeze()  # see collector_paused
    try:
        changed, written, index = _write_site(out_dir, plan, renderer, to_render, memory, part_pages, progress, jobs)
    finally:
        gc.unfreeze()
    if changed or to_render:  # otherwise every output is as the cache describes it already
        memory.save(out_dir, fingerprints, markdown, index if changed else memory.search)
    page_count = sum(1 for output in plan if output.path.endswith(".html"))
    return BuildResult(len(plan) + len(renderer.assets), page_count, len(graph.entries), diagnostics.warnings,
                       rendered=len(to_render), written=written)


def _read_content(content_dir: Path, strict: bool, drafts: bool, stored_markdown: dict[str, str], helpers: Helpers
                  ) -> tuple[timeline.Timeline | None, Diagnostics, Callable[[], dict[str, str]]]:
    """The timeline (None when there are errors), the problems found, and a function that waits
    for the Markdown the records hold, converted while they were checked (but for what the cache
    had already)."""
    diagnostics = Diagnostics()
    raw = load.load_content(content_dir, diagnostics, share=helpers.share)
    converting = _convert_ahead(model.markdown_texts(raw), stored_markdown, helpers)
    return _link(raw, content_dir, diagnostics, strict, drafts), diagnostics, converting


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


def _write_site(out_dir: Path, plan: list[pages.Output], renderer: render.Renderer, to_render: list[pages.Output],
                memory: cache.BuildCache, search_part_pages: int | None, progress: Progress,
                jobs: int | None) -> tuple[bool, int, search.IndexState]:
    """Render what changed, stage it beside the rest, index it for search (when search_part_pages,
    the size of the index's parts, is given) and swap the new site in. Returns whether anything
    changed, how many files were written, and the search index."""
    update = write.SiteUpdate(out_dir)
    try:
        for path, data in renderer.asset_files().items():
            update.put(path, data)
        rendering = {output.path for output in to_render}
        for output in plan:
            if output.path not in rendering:
                update.keep(output.path)
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
    return changed, len(update.written), index


PARALLEL_FROM = 400  # below this many files, starting processes costs more than it saves


def _workers(jobs: int | None, tasks: int) -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    wanted = jobs or available
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return wanted if forkable and wanted > 1 and tasks >= PARALLEL_FROM else 1


class Helpers:
    """Processes that share out the work before rendering (reading the files, converting Markdown),
    started the first time a task is large enough to pay for them. They are forked before the
    records exist, so only what a task needs travels to them and back; leaving the `with` block
    stops them, before the rendering forks processes of its own (from one thread, as fork wants)."""

    def __init__(self, jobs: int | None = None):
        self.jobs = jobs
        self._pool: multiprocessing.pool.Pool | None = None

    def share(self, work: Callable[[list], list], items: list) -> Callable[[], list]:
        """Start `work` (a function of a list, giving one result per item) on the items, in pieces
        for the processes when there are enough of them; returns a function that waits for the
        results and gives them in order. Without processes, the work is done when asked for."""
        workers = _workers(self.jobs, len(items))
        if workers == 1:
            return lambda: work(items)
        if self._pool is None:
            self._pool = multiprocessing.get_context("fork").Pool(workers)
        size = -(-len(items) // (workers * 4))  # four pieces each, so that one slow piece holds up little
        pending = self._pool.map_async(work, [items[start:start + size] for start in range(0, len(items), size)])
        return lambda: [result for piece in pending.get() for result in piece]

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._pool is not None:
            self._pool.terminate()  # what is still running is not wanted: the build failed
            self._pool.join()
            self._pool = None


def _convert_ahead(texts: list[str], stored: dict[str, str], helpers: Helpers) -> Callable[[], dict[str, str]]:
    """Start converting the Markdown texts the cache does not hold; returns a function that waits
    for them, by text."""
    missing = sorted({text for text in texts if cache.text_key(text) not in stored})
    converted = helpers.share(markup.convert_all, missing)
    return lambda: dict(zip(missing, converted()))


def _convert_markdown(graphs: list[timeline.Timeline], stored: dict[str, str],
                      ahead: Callable[[], dict[str, str]], helpers: Helpers) -> dict[str, str]:
    """Every Markdown text the site shows, in every edition, converted once: converted ahead, read
    from the cache, or (texts the records' checks changed) now. Returns what the cache should
    keep, by hash of the text."""
    texts = []
    for graph in graphs:
        summaries = [entry.event.summary for entry in graph.entries]
        texts += summaries  # in lists of events, their first paragraph is cut from their HTML
        texts += [record.summary for group in (graph.actors, graph.topics) for record in group.values()
                  if record.summary]
        texts += [page.body for page in graph.pages.values()]
    keys = {text: cache.text_key(text) for text in texts}
    converted = ahead()
    known = {text: converted[text] if text in converted else stored.get(key) for text, key in keys.items()}
    missing = [text for text, html in known.items() if html is None]
    known.update(zip(missing, helpers.share(markup.convert_all, missing)()))
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
    runs = []
    for _, run in itertools.groupby(range(len(outputs)), key=lambda index: outputs[index].template or outputs[index].data):
        indexes = list(run)
        runs.append((indexes[0], indexes[-1] + 1))
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
