"""The benchmark's driver (benchmarks/run.py) runs end to end on a small synthetic set and prints its table."""

import re
import subprocess
import sys

from conftest import PROJECT


def test_the_benchmark_times_every_step_and_prints_a_table(tmp_path):
    result = subprocess.run([sys.executable, "benchmarks/run.py", "--events", "30", "--no-compare",
                             "--work", str(tmp_path)], cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^\| timeline \| ([^|]+) \| (\d+\.\d\d) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$", result.stdout, re.M)
    steps = [row[0] for row in rows]
    assert steps == ["clean build without search", "clean build", "unchanged rebuild", "rebuild after one edit", "preview: save to updated page"]
    files = {p for p in (tmp_path / "site").rglob("*") if p.is_file()}
    without_search = {p for p in files if "pagefind" not in p.parts}
    for step, seconds, cpu, peak, count in rows[:4]:
        assert float(seconds) > 0 and float(cpu) > 0 and float(peak) > 10  # MB: a Python process at least
        assert int(count) == len(without_search if step == "clean build without search" else files)
    edited = [p for p in (tmp_path / "content/events").glob("*.yaml") if "Edited for the benchmark" in p.read_text()]
    assert len(edited) == 1  # the same event, edited twice: once for the rebuild, once in the preview


def test_repeated_runs_show_the_median_of_each_step(tmp_path):
    result = subprocess.run([sys.executable, "benchmarks/run.py", "--events", "20", "--no-compare", "--no-preview",
                             "--repeat", "3", "--work", str(tmp_path)], cwd=PROJECT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert "the median of 3 runs of each step, by wall time" in result.stdout
    steps = re.findall(r"^\| timeline \| ([^|]+) \|", result.stdout, re.M)
    assert steps == ["clean build without search", "clean build", "unchanged rebuild", "rebuild after one edit"]
