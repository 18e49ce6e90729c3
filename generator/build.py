"""Runs the pipeline, stage after stage: load, model, timeline, pages, render, write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import load, model, pages, render, search, timeline, write
from .diagnostics import ContentError, Diagnostics, Problem

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
STATIC_DIR = PROJECT_DIR / "static"


@dataclass
class BuildResult:
    files: int
    warnings: list[Problem]


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
          drafts: bool = False, built: dt.datetime | None = None) -> BuildResult:
    """Build the whole site into out_dir, or raise ContentError and leave out_dir as it was."""
    check_output(out_dir, content_dir, templates_dir, static_dir)
    graph, diagnostics = check(content_dir, strict, drafts)
    if graph is None:
        raise ContentError(diagnostics.sorted())
    plan = pages.plan_site(graph)
    files = render.render_site(plan, graph, templates_dir, static_dir, base_url, built)
    write.write_site(files, out_dir, finish=search.index_site if with_search else None)
    return BuildResult(len(files), diagnostics.warnings)
