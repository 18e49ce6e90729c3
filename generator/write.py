"""Writes the rendered files into the output folder atomically: all of the new site, or none of it."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable


class OutputError(Exception):
    """The output folder cannot be written as asked; the message says why."""


def check_output_dir(out_dir: Path, protected: list[Path]) -> None:
    """Refuse output folders whose replacement would destroy something that is not a built site."""
    out = out_dir.resolve()
    for folder in protected:
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            raise OutputError(f"the output folder {out_dir} would replace {folder}; choose another --out")
    if out == Path(out.anchor) or out == Path.home().resolve():
        raise OutputError(f"refusing to use {out_dir} as the output folder; choose another --out")


def safe_relative(path: str) -> PurePosixPath:
    """A planned path, proven to stay inside the output folder."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in path or "\x00" in path:
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return PurePosixPath(path)


def write_site(files: dict[str, bytes], out_dir: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Write `files` to a fresh folder beside out_dir, let `finish` add to it (the search index),
    then swap it in with renames.

    The previous site stays in place until the new one is complete, so an error or a killed
    build never leaves a half-written site behind.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out_dir.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=parent))
    try:
        made: set[PurePosixPath] = set()
        for path in sorted(files):
            relative = safe_relative(path)
            if relative.parent not in made:
                (staging / relative.parent).mkdir(parents=True, exist_ok=True)
                made.add(relative.parent)
            (staging / relative).write_bytes(files[path])
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _remove_leftovers(parent: Path, name: str) -> None:
    """Staging folders of builds that were killed half way."""
    for pattern in (f".{name}-new-*", f".{name}-old-*"):
        for leftover in parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if not out_dir.is_dir() or out_dir.is_symlink():
        raise OutputError(f"{out_dir} exists and is not a folder; remove it or choose another --out")
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=staging.parent))
    os.rename(out_dir, retired / "site")
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(retired / "site", out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
