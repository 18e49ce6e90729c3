from generator.build import check
from generator.overview import LONG_GAP, lay_out
from conftest import write_files


def event(date: str, title: str) -> str:
    return f"title: {title}\ndate: {date}\nsummary: Something happened.\nsources: [cnn-2024-01-25-terror]\n"


def chart_of(content):
    graph, diagnostics = check(content)
    assert graph is not None, diagnostics.sorted()
    return lay_out(graph)


def test_each_month_from_first_to_last_gets_a_bar_with_its_count(content):
    write_files(content, {"events/2024-03-05-later.yaml": event("2024-03-05", "Later")})
    chart = chart_of(content)
    assert [(bar.month.display(), bar.count) for bar in chart.bars] == [
        ("January 2024", 3), ("February 2024", 0), ("March 2024", 1)]
    assert [bar.anchor for bar in chart.months] == ["y2024-01", "y2024-03"]
    assert chart.peak == 3 and chart.busiest.month.display() == "January 2024"
    tallest, _, shorter = chart.bars
    assert tallest.height == 3 * shorter.height
    assert chart.first.display() == "January 2024" and chart.last.display() == "March 2024"


def test_a_long_empty_stretch_is_one_break_not_a_row_of_empty_months(content):
    write_files(content, {"events/2009-05-base.yaml": event("2009-05", "Long before")})
    chart = chart_of(content)
    assert [bar.month.display() for bar in chart.bars] == ["May 2009", "January 2024"]
    (gap,) = chart.breaks
    assert (gap.first.display(), gap.last.display()) == ("June 2009", "December 2023")
    assert [mark.year for mark in chart.years] == [2009, 2024]
    slots = sorted([(bar.slot_x, bar.slot_width) for bar in chart.bars] + [(gap.x, gap.width)])
    assert slots[0][0] == 0 and abs(sum(width for _, width in slots) - 100) < 0.01


def test_a_short_empty_stretch_keeps_its_months(content):
    write_files(content, {"events/2023-06-05-before.yaml": event("2023-06-05", "Half a year before")})
    chart = chart_of(content)
    assert len(chart.bars) == 8 and not chart.breaks
    assert LONG_GAP > 6


def test_events_known_only_to_the_year_are_counted_beside_the_chart(content):
    write_files(content, {"events/2023-sometime.yaml": event("2023", "Some time in 2023")})
    chart = chart_of(content)
    assert [bar.month.display() for bar in chart.bars] == ["January 2024"]
    assert [(m.year, m.month, len(m.entries)) for m in chart.undated] == [(2023, None, 1)]


def test_no_chart_without_month_dated_events(content):
    for path in (content / "events").iterdir():
        path.unlink()
    write_files(content, {"events/2023-sometime.yaml": event("2023", "Some time in 2023")})
    assert chart_of(content) is None


def test_year_labels_never_crowd_each_other_and_the_fuller_year_keeps_its_label(content):
    write_files(content, {"events/2023-12-05-before.yaml": event("2023-12-05", "Just before"),
                          "events/2024-10-05-later.yaml": event("2024-10-05", "Later")})
    chart = chart_of(content)
    assert [bar.month.display() for bar in chart.bars][:2] == ["December 2023", "January 2024"]
    assert [mark.year for mark in chart.years] == [2024]  # one month of 2023 against ten of 2024
