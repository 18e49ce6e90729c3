"""Reads from the repository's history when each content file was first published and last changed."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

Dates = tuple[dt.datetime, dt.datetime]  # (first published, last changed), in UTC


def read(content_dir: Path) -> dict[str, Dates]:
    """{path below content_dir: dates} for every file committed under it, from one `git log`.

    The dates are the committer dates of the commits that added and last changed each file, so a
    rebuild of the same commit shows the same dates (a reproducible build), and a change not yet
    committed is not a publication. Empty when there is no history to read: no git, a folder
    outside any repository, or a shallow clone, whose oldest commit would pass for every file's
    first publication."""
    content_dir = Path(content_dir).resolve()
    shallow = _git(content_dir, "rev-parse", "--is-shallow-repository")
    if shallow is None or shallow.strip() == "true":
        return {}
    log = _git(content_dir, "-c", "core.quotepath=off", "log", "--no-renames", "--format=%x00%ct",
               "--name-only", "--relative", "--", ".")
    if log is None:
        return {}
    dates: dict[str, Dates] = {}
    moment = None
    for line in log.splitlines():  # newest commit first
        if line.startswith("\0"):
            moment = dt.datetime.fromtimestamp(int(line[1:]), dt.timezone.utc)
        elif line and moment is not None:
            first_seen = dates.get(line)
            dates[line] = (moment, first_seen[1] if first_seen else moment)
    return dates


def _git(folder: Path, *arguments: str) -> str | None:
    """git's output, run in `folder`; None when git is missing or fails (not a repository)."""
    try:
        done = subprocess.run(["git", *arguments], cwd=folder, capture_output=True, text=True, encoding="utf-8",
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
