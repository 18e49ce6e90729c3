"""Lays out the home page's overview chart: events per month, as geometry a template draws in SVG."""

from __future__ import annotations

from dataclasses import dataclass

from .dates import PartialDate
from .timeline import Month, Timeline

# A run of this many empty months or more is drawn as one break, so that a single early event
# (a base withdrawn in 2009) does not squeeze the months of the crisis into slivers.
LONG_GAP = 12
PLOT_HEIGHT = 120  # pixels from the baseline to the tallest bar
TOP = 18  # room above the tallest bar for its value
MIN_LABEL_GAP = 12  # percent of the width between year labels: "2024" needs that much on a 320 px phone


@dataclass(frozen=True)
class Bar:
    """One month's column; `x` and `width` are percentages of the chart's width."""

    month: PartialDate  # a month: "January 2024" in words
    anchor: str  # the month's heading on the timeline
    count: int
    slot_x: float  # the whole slot is the link's target
    slot_width: float
    x: float
    width: float
    height: float  # pixels


@dataclass(frozen=True)
class Break:
    """Empty months collapsed into one slot, from the month `first` to the month `last`."""

    first: PartialDate
    last: PartialDate
    x: float
    width: float


@dataclass(frozen=True)
class YearMark:
    year: int
    x: float


@dataclass(frozen=True)
class Overview:
    bars: tuple[Bar, ...]
    breaks: tuple[Break, ...]
    years: tuple[YearMark, ...]
    peak: int
    first: PartialDate  # the first month charted
    last: PartialDate
    undated: tuple[Month, ...]  # events known only to the year have no month to stand in

    @property
    def undated_count(self) -> int:
        return sum(len(month.entries) for month in self.undated)

    @property
    def top(self) -> int:
        return TOP

    @property
    def baseline(self) -> int:
        return TOP + PLOT_HEIGHT

    @property
    def height(self) -> int:
        return self.baseline + 24  # and a line of year labels under the baseline

    @property
    def months(self) -> tuple[Bar, ...]:
        """The months that have events, for the text equivalent."""
        return tuple(bar for bar in self.bars if bar.count)

    @property
    def busiest(self) -> Bar:
        """The month with most events (the earliest of equals)."""
        return max(self.bars, key=lambda bar: bar.count)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_at(index: int) -> PartialDate:
    return PartialDate(index // 12, index % 12 + 1)


def lay_out(timeline: Timeline) -> Overview | None:
    """The chart of every dated month from the first to the last, or None without month-dated events."""
    dated: dict[int, Month] = {}  # the months that have events, by month_index
    undated: list[Month] = []
    for months in timeline.by_year.values():
        for month in months:
            if month.month is None:
                undated.append(month)
            else:
                dated[month_index(month.year, month.month)] = month
    if not dated:
        return None

    slots: list[tuple[str, int, int]] = []  # ("month", index, index) or ("break", first, last)
    first, last = min(dated), max(dated)
    index = first
    while index <= last:
        if index in dated:
            slots.append(("month", index, index))
            index += 1
            continue
        run_end = index
        while run_end + 1 <= last and run_end + 1 not in dated:
            run_end += 1
        if run_end - index + 1 >= LONG_GAP:
            slots.append(("break", index, run_end))
        else:
            slots += [("month", i, i) for i in range(index, run_end + 1)]
        index = run_end + 1

    peak = max(len(month.entries) for month in dated.values())
    step = 100 / len(slots)
    bars, breaks = [], []
    year_slots: dict[int, list[float]] = {}  # where each year's slots start, to place its label
    for position, (kind, start, end) in enumerate(slots):
        x = round(position * step, 3)
        if kind == "break":
            breaks.append(Break(month_at(start), month_at(end), x, round(step, 3)))
            continue
        month = dated.get(start)
        count = len(month.entries) if month else 0
        bars.append(Bar(month_at(start), month.anchor if month else "", count, x, round(step, 3),
                        round(x + step * 0.15, 3), round(step * 0.7, 3), round(PLOT_HEIGHT * count / peak, 1)))
        year_slots.setdefault(start // 12, []).append(x)
    return Overview(tuple(bars), tuple(breaks), _year_marks(year_slots), peak,
                    month_at(first), month_at(last), tuple(undated))


def _year_marks(year_slots: dict[int, list[float]]) -> tuple[YearMark, ...]:
    """A label at the start of each year; where two would overlap on a phone (closer than
    MIN_LABEL_GAP percent), the year with more months on the chart keeps its label."""
    kept: list[tuple[int, float, int]] = []
    for year, xs in year_slots.items():
        if kept and xs[0] - kept[-1][1] < MIN_LABEL_GAP:
            if len(xs) <= kept[-1][2]:
                continue
            kept.pop()
        kept.append((year, xs[0], len(xs)))
    return tuple(YearMark(year, x) for year, x, _ in kept)
