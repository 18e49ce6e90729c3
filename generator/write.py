"""Writes the rendered files into the output folder atomically: all of the new site, or none of it; only changed files are written."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable

from . import search


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


def write_site(files: dict[str, bytes], out_dir: Path, finish: Callable[[Path], None] | None = None) -> bool:
    """Make out_dir hold exactly `files` (plus what `finish` adds); True when anything changed."""
    update = SiteUpdate(out_dir)
    try:
        for path in sorted(files):
            update.put(path, files[path])
        return update.commit(finish)
    finally:
        update.discard()


class SiteUpdate:
    """The next edition of the output folder, made beside it and swapped in whole by commit().

    Only files whose bytes changed are written; unchanged ones are hard-linked from the current
    edition, so they keep their dates (a sync to a server sends only what changed). When nothing
    changed, the output folder is not touched at all. The previous edition stays in place until
    the new one is complete, so an error or a killed build never leaves a half-written site.
    Several processes may put() into one update: each reports what it wrote.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        parent = self.out_dir.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent, self.out_dir.name)
        if self.out_dir.exists() and (not self.out_dir.is_dir() or self.out_dir.is_symlink()):
            raise OutputError(f"{self.out_dir} exists and is not a folder; remove it or choose another --out")
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}-new-", dir=parent))
        self.written: set[str] = set()
        self.kept: set[str] = set()
        self._folders: set[PurePosixPath] = set()

    def put(self, path: str, data: bytes) -> bool:
        """Stage one file; True when it differs from the current edition's (and so was written)."""
        relative = safe_relative(path)
        try:
            if (self.out_dir / relative).read_bytes() == data:
                self.kept.add(path)
                return False
        except OSError:
            pass  # new, or unreadable: write it
        (self._staged_folder(relative) / relative.name).write_bytes(data)
        self.written.add(path)
        return True

    def keep(self, path: str) -> None:
        """Carry a file over from the current edition unchanged (known to be the same without reading it)."""
        safe_relative(path)
        self.kept.add(path)

    def record(self, written: set[str], kept: set[str]) -> None:
        """Take in what another process put() into this update's staging folder."""
        self.written |= written
        self.kept |= kept

    def commit(self, finish: Callable[[Path], None] | None = None) -> bool:
        """Swap the new edition in; False (and nothing touched) when every file is unchanged.
        `finish` adds to the staged folder (the search index, which carries over from the current
        edition what it can)."""
        current = set(_files_below(self.out_dir)) if self.out_dir.is_dir() else set()
        indexed = {path for path in current if path.startswith(search.BUNDLE + "/")}  # made by `finish`
        stale = current - indexed - self.kept - self.written
        if self.out_dir.is_dir() and not self.written and not stale and bool(indexed) == (finish is not None):
            return False
        for path in sorted(self.kept - self.written):
            relative = PurePosixPath(path)
            os.link(self.out_dir / relative, self._staged_folder(relative) / relative.name)
        if finish is not None:
            finish(self.staging)
        os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a web server must read it
        _swap_in(self.staging, self.out_dir)
        return True

    def _staged_folder(self, relative: PurePosixPath) -> Path:
        """The staging folder that will hold `relative`, made on first use."""
        if relative.parent not in self._folders:
            (self.staging / relative.parent).mkdir(parents=True, exist_ok=True)
            self._folders.add(relative.parent)
        return self.staging / relative.parent

    def discard(self) -> None:
        """Remove the staging folder if it was not swapped in (after an error, or when nothing changed)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _files_below(folder: Path) -> list[str]:
    found = []
    for root, _, names in os.walk(folder):
        base = os.path.relpath(root, folder).replace(os.sep, "/")
        found += [name if base == "." else f"{base}/{name}" for name in names]
    return found


def _remove_leftovers(parent: Path, name: str) -> None:
    """Staging folders of builds that were killed half way. Where two folders cannot be exchanged
    in one step, a build killed between moving the previous site aside and moving the new one in
    leaves no site at all: the previous one is put back first."""
    for leftover in sorted(parent.glob(f".{name}-old-*")):
        if not (parent / name).exists() and (leftover / "site").is_dir():
            os.rename(leftover / "site", parent / name)
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f".{name}-new-*"):
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
