"""The build at the size of real conflict datasets: it must work at 10,000 events and grow linearly."""

import sys

import pytest

from generator.build import build
from synthetic import write_synthetic


@pytest.mark.slow
def test_ten_thousand_events_build_without_error(tmp_path):
    content = write_synthetic(tmp_path / "content", events=10_000)
    result = build(content, tmp_path / "site", strict=True)
    pages = list((tmp_path / "site" / "events").iterdir())
    assert len(pages) == 10_000
    assert result.warnings == []


def count_calls(content, out) -> int:
    """Python function calls made by a whole build: a measure of work that, unlike time,
    does not depend on the machine or on what else it is doing."""
    calls = 0

    def profiler(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1
    sys.setprofile(profiler)
    try:
        build(content, out)
    finally:
        sys.setprofile(None)
    return calls


def test_build_work_grows_linearly_with_the_number_of_events(tmp_path):
    small = count_calls(write_synthetic(tmp_path / "small", events=300), tmp_path / "small-site")
    large = count_calls(write_synthetic(tmp_path / "large", events=1200), tmp_path / "large-site")
    # Four times the events may cost at most a little over four times the work (fixed costs
    # make the ratio slightly less than 4); anything quadratic would give about 16.
    assert large / small < 4.6, (small, large)
