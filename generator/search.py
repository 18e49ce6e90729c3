"""Indexes the written pages for full-text search with Pagefind, before the new site is swapped in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pagefind_bin

BUNDLE = "pagefind"  # the folder of the index, below the site root
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message carries its own words."""


def index_site(site_dir: Path) -> None:
    """Write the search index into site_dir/pagefind/ (only pages marked data-pagefind-body are indexed)."""
    command = [str(pagefind_bin.get_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed to index the site:\n{result.stdout}{result.stderr}".rstrip())
    bundle = site_dir / BUNDLE
    for name in UNUSED:  # the site has its own search page; Pagefind's ready-made interfaces are not served
        (bundle / name).unlink(missing_ok=True)
    _normalise_entry(bundle / "pagefind-entry.json")


def _normalise_entry(path: Path) -> None:
    """Pagefind may list the index's languages in any order; sorted keys keep builds byte-identical."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), encoding="utf-8")
