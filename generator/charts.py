"""Lays out each figure as a bar chart: one bar per reported value, in date order, as geometry a template draws in SVG."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Figure, Source, Value

ROW = 48  # pixels per value: a line naming its date and source, then its bar
LINE = 17  # a second line, for a source whose name would not fit beside the date on a phone
SHORT_NAME = 20  # characters: "23 de septiembre de 2024 · " and a name this long fit in 320 pixels
TEXT_BASELINE = 15  # from the top of a row to the baseline of its first line
BAR_TOP = 22  # from the top of a row's last line of text to the top of its bar
BAR_HEIGHT = 16
LONGEST_BAR = 58  # percent of the width for the largest value: the rest holds the value in words after the bar


@dataclass(frozen=True)
class Bar:
    """One value's row. `width` and `range_width` are percentages of the chart's width."""

    value: Value
    source: Source
    y: int  # the top of the row, in pixels
    width: float  # from zero to the value (a range's low end)
    range_width: float  # from the low end to the high end of a range; 0 for one number
    shared_date: bool  # another source gives a value for the same date: the sources disagree or agree
    source_below: bool = False  # the source's name has a line of its own, under the date

    @property
    def text_y(self) -> int:
        return self.y + TEXT_BASELINE

    @property
    def source_y(self) -> int:
        return self.text_y + LINE

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP + (LINE if self.source_below else 0)

    @property
    def label_x(self) -> float:
        return round(self.width + self.range_width + 1.5, 3)

    @property
    def label_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 3

    @property
    def height(self) -> int:
        return ROW + (LINE if self.source_below else 0)


@dataclass(frozen=True)
class Chart:
    figure: Figure
    bars: tuple[Bar, ...]
    sources: tuple[Source, ...]  # the figure's sources, each once, in the order of their first value

    @property
    def height(self) -> int:
        return sum(bar.height for bar in self.bars) + 4

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def first(self) -> Value:
        return self.bars[0].value

    @property
    def last(self) -> Value:
        return self.bars[-1].value


def value_order(value: Value) -> tuple:
    """Chronological and precision-aware, like events (a month after its dated days)."""
    return value.date.sort_key


def lay_out(figure: Figure, sources: dict[str, Source]) -> Chart:
    """The figure's chart: its values in date order (values of one date in the order written),
    each bar's length in proportion to the largest value, from zero. Every value's source must
    be in `sources` (the timeline checked its references)."""
    values = sorted(figure.values, key=value_order)
    largest = max(value.top for value in values) or 1.0  # all zero: bars of no length, labels still shown
    dates = [value.date.sort_key for value in values]
    bars, y = [], 0
    for value in values:
        source = sources[value.source_id]
        bar = Bar(value, source, y, round(LONGEST_BAR * value.value / largest, 3),
                  round(LONGEST_BAR * (value.top - value.value) / largest, 3),
                  dates.count(value.date.sort_key) > 1, len(source.publisher) > SHORT_NAME)
        bars.append(bar)
        y += bar.height
    return Chart(figure, tuple(bars), tuple(sources[source_id] for source_id in figure.source_ids))
