"""Times the build on a synthetic content set: clean build, unchanged rebuild, one edit, and the preview's save-to-page."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from synthetic import write_synthetic

PROJECT = Path(__file__).resolve().parent.parent
EDIT_MARKER = "Edited for the benchmark"


@dataclass
class Measure:
    step: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    files: int | None = None


def run(step: str, command: list[str], out: Path | None = None, env: dict | None = None) -> Measure:
    """Run a command to its end; its wall time, CPU time and peak memory (the largest process among
    it and its children, as the kernel reports it to wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{step} failed ({process.returncode}): {' '.join(command)}\n{process.stderr.read().decode()}")
    files = sum(len(names) for _, _, names in os.walk(out)) if out else None
    return Measure(step, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, files)


def timeline(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def edit_one_event(content: Path) -> Path:
    """Change the summary of the event in the middle of the timeline, as an editor would."""
    events = sorted((content / "events").glob("*.yaml"))
    event = events[len(events) // 2]
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("summary: |\n", f"summary: |\n  {EDIT_MARKER} {time.time_ns()}.\n", 1),
                     encoding="utf-8")
    return event


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(address: str) -> str:
    try:
        with urllib.request.urlopen(address, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def time_preview(content: Path, work: Path, env: dict) -> Measure:
    """Start `timeline serve`, wait for its first build, save an edit and poll the event's page
    until it shows the edit: the time an editor waits after saving."""
    port = free_port()
    server = subprocess.Popen(timeline("serve", "--content", str(content), "--port", str(port), "--out",
                                       str(work / "preview")), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env)
    try:
        home = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 600
        while "<html" not in fetch(home):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("timeline serve did not start")
            time.sleep(0.2)
        time.sleep(1)  # let the watcher settle after the first build
        event = edit_one_event(content)
        marker = event.read_text(encoding="utf-8").split(EDIT_MARKER, 1)[1].split(".", 1)[0]
        page = f"{home}events/{event.stem}/"
        started = time.perf_counter()
        while marker not in fetch(page):
            if time.perf_counter() - started > 600:
                raise SystemExit("the preview never showed the edit")
            time.sleep(0.01)
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Measure("preview: save to updated page", seconds, float("nan"), float("nan"))


def measure_timeline(content: Path, work: Path, with_preview: bool) -> list[Measure]:
    out = work / "site"
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    env["CI"] = "true"  # no progress output: it is not what is measured
    cache = work / "cache"
    build = timeline("build", "--content", str(content), "--out", str(out), "--cache", str(cache))
    results = []
    for step, command in (("clean build without search", build + ["--no-search"]), ("clean build", build)):
        shutil.rmtree(out, ignore_errors=True)  # no output and no cache: a first build
        shutil.rmtree(cache, ignore_errors=True)
        results.append(run(step, command, out, env))
    results.append(run("unchanged rebuild", build, out, env))
    edit_one_event(content)
    results.append(run("rebuild after one edit", build, out, env))
    if with_preview:
        results.append(time_preview(content, work, env))
    return results


def medians(rounds: list[list[tuple[str, list[Measure]]]]) -> list[tuple[str, list[Measure]]]:
    """Each tool's steps, each the run with the median wall time among the rounds."""
    return [(tool, [sorted((round_[row][1][step] for round_ in rounds), key=lambda m: m.seconds)[len(rounds) // 2]
                    for step in range(len(measures))])
            for row, (tool, measures) in enumerate(rounds[0])]


def table(rows: list[tuple[str, list[Measure]]]) -> str:
    lines = ["| tool | step | wall s | CPU s | peak MB | files |", "|---|---|---:|---:|---:|---:|"]
    for tool, measures in rows:
        for m in measures:
            cpu = "" if m.cpu_seconds != m.cpu_seconds else f"{m.cpu_seconds:.1f}"  # NaN: not measured
            peak = "" if m.peak_mb != m.peak_mb else f"{m.peak_mb:.0f}"
            lines.append(f"| {tool} | {m.step} | {m.seconds:.2f} | {cpu} | {peak} | {m.files or ''} |")
    return "\n".join(lines)


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    return f"{os.cpu_count()} cores {model}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000, help="events in the synthetic set (default 10,000)")
    parser.add_argument("--work", type=Path, help="keep the content and output here (default: a temporary folder)")
    parser.add_argument("--no-preview", dest="preview", action="store_false", help="skip timing the live preview")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="skip Hugo and Pelican even when they are installed")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time everything this many times, the tools taking turns, and show each step's median")
    args = parser.parse_args()
    os.chdir(PROJECT)
    work = args.work or Path(tempfile.mkdtemp(prefix="timeline-benchmark-"))
    try:
        content = work / "content"
        shutil.rmtree(content, ignore_errors=True)
        write_synthetic(content, args.events)
        print(f"{args.events:,} events on {machine()}", flush=True)
        rounds = []
        for _ in range(max(1, args.repeat)):  # in turns, so that a slow minute of the disk hits every tool
            rows = [("timeline", measure_timeline(content, work, args.preview))]
            if args.compare:
                rows += compare_with_others(args.events, work)
            rounds.append(rows)
        if len(rounds) > 1:
            print(f"the median of {len(rounds)} runs of each step, by wall time")
        print(table(medians(rounds)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def compare_with_others(events: int, work: Path) -> list[tuple[str, list[Measure]]]:
    """Hugo and Pelican on the same corpus, when they are installed (see compare.py)."""
    try:
        import compare
    except ImportError:
        return []
    return compare.measure_all(events, work, run)


if __name__ == "__main__":
    main()
