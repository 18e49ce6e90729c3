import pytest

from generator.dates import DateError, PartialDate


@pytest.mark.parametrize("value, precision, iso, words", [
    ("2024-01-09", "day", "2024-01-09", "9 January 2024"),
    ("2024-01", "month", "2024-01", "January 2024"),
    (2024, "year", "2024", "2024"),
    ("2024", "year", "2024", "2024"),
])
def test_dates_keep_their_precision(value, precision, iso, words):
    date = PartialDate.parse(value)
    assert (date.precision, date.iso, date.display()) == (precision, iso, words)


@pytest.mark.parametrize("value, message, hint", [
    ("2024-02-30", "'2024-02-30' is not a real calendar date", "February 2024 has no day 30"),
    ("2023-02-29", "'2023-02-29' is not a real calendar date", "February 2023 has no day 29"),
    ("2024-13", "'2024-13' has no month 13", "months run from 01 to 12"),
    ("2024-1-9", "'2024-1-9' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
     "write months and days with two digits: 2024-01-09"),
    ("09/01/2024", "'09/01/2024' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
     "write the year first: YYYY-MM-DD"),
    ("2024-01-09 10:00", "'2024-01-09 10:00' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
     "give the date only, without a time: YYYY-MM-DD"),
    (True, "expected a date, found true/false (true)", "write YYYY, YYYY-MM or YYYY-MM-DD, for example 2024-01-09"),
])
def test_impossible_dates_are_explained(value, message, hint):
    with pytest.raises(DateError) as error:
        PartialDate.parse(value)
    assert (str(error.value), error.value.hint) == (message, hint)


def test_leap_day_is_a_real_date():
    assert PartialDate.parse("2024-02-29").display() == "29 February 2024"


def test_month_precise_dates_sort_after_the_days_of_their_month_and_year_dates_after_the_year():
    dates = [PartialDate.parse(v) for v in ("2024", "2024-02-01", "2024-01", "2024-01-31", "2023-12")]
    ordered = sorted(dates, key=lambda d: d.sort_key)
    assert [d.iso for d in ordered] == ["2023-12", "2024-01-31", "2024-01", "2024-02-01", "2024"]


def test_last_day_of_a_month_or_year():
    assert PartialDate.parse("2024-02").last_day.isoformat() == "2024-02-29"
    assert PartialDate.parse("2024-12").last_day.isoformat() == "2024-12-31"
    assert PartialDate.parse("2025").last_day.isoformat() == "2025-12-31"
