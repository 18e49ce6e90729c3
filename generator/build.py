"""Runs the pipeline, stage after stage: load, model, timeline, pages, render, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import load, model, pages, render, search, timeline, write
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
    records = model.validate(raw, diagnostics)
    graph = timeline.assemble(records, diagnostics, drafts)
    failed = diagnostics.errors or (strict and diagnostics.warnings)
    return (None if failed else graph), diagnostics


def check_output(out_dir: Path, content_dir: Path, templates_dir: Path = TEMPLATES_DIR,
                 static_dir: Path = STATIC_DIR) -> None:
    """Raise OutputError when replacing out_dir would destroy the sources of the site or the project."""
    write.check_output_dir(out_dir, protected=[content_dir, templates_dir, static_dir, PROJECT_DIR])


def build(content_dir: Path, out_dir: Path, base_url: str | None = None, strict: bool = False,
          templates_dir: Path = TEMPLATES_DIR, static_dir: Path = STATIC_DIR, with_search: bool = True,
          drafts: bool = False, built: dt.datetime | None = None, progress: Progress = _silent) -> BuildResult:
    """Build the whole site into out_dir, or raise ContentError and leave out_dir as it was."""
    check_output(out_dir, content_dir, templates_dir, static_dir)
    progress("reading content", 0, 1)
    graph, diagnostics = check(content_dir, strict, drafts)
    if graph is None:
        raise ContentError(diagnostics.sorted())
    plan = pages.plan_site(graph)
    files = render.render_site(plan, graph, templates_dir, static_dir, base_url, built,
                               progress=lambda done, total: progress("rendering pages", done, total))
    progress("writing files", 0, len(files))

    def finish(staging: Path) -> None:
        progress("indexing for search", 0, 1)
        search.index_site(staging)

    write.write_site(files, out_dir, finish=finish if with_search else None)
    page_count = sum(1 for output in plan if output.path.endswith(".html"))
    return BuildResult(len(files), page_count, len(graph.entries), diagnostics.warnings)
