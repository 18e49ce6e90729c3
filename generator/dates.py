"""Dates known to a year, a month or a day, kept at that precision from YAML to page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import babel.dates

from .diagnostics import describe

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")

_SHAPE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # not other scripts' digits


class DateError(ValueError):
    """A date that is not a real YYYY, YYYY-MM or YYYY-MM-DD; the message says why."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to "year", "month" or "day" precision."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def iso(self) -> str:
        """The value for <time datetime>: 2024, 2024-01 or 2024-01-09."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @property
    def sort_key(self) -> tuple[int, int, int]:
        # Within a month, day-precise dates come first and month-precise ones after them;
        # within a year, year-precise dates come after every month of that year.
        return (self.year, self.month or 13, self.day or 32)

    @classmethod
    def of(cls, day: dt.date) -> "PartialDate":
        """A calendar day known to the day, such as the day a site was built."""
        return cls(day.year, day.month, day.day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The latest real day this date may stand for (used to check end_date against date)."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def display(self, language: str = "en") -> str:
        """Words at the date's precision, in a language: "9 January 2024", "January 2024" or
        "2024"; "9 de enero de 2024", "enero de 2024" or "2024"."""
        return _words(self, language)

    def __str__(self) -> str:
        return self.iso

    @classmethod
    def parse(cls, value: object) -> "PartialDate":
        """Read a YAML value (the text 2024-01-09 or 2024-01, or the number 2024)."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise DateError(
                f"expected a date, found {describe(value)}",
                "write YYYY, YYYY-MM or YYYY-MM-DD, for example 2024-01-09",
            )
        text = str(value).strip()
        match = _SHAPE.match(text)
        if not match:
            raise DateError(f"'{text}' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
                            _shape_hint(text))
        year, month, day = (int(part) if part else None for part in match.groups())
        if year < 1:
            raise DateError(f"'{text}' has no year 0", "years start at 0001")
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"'{text}' has no month {month}", "months run from 01 to 12")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                raise DateError(f"'{text}' is not a real calendar date",
                                f"{MONTHS[month - 1]} {year} has no day {day}") from None
        return cls(year, month, day)


DATE_LOCALES = {"en": "en_001"}
"""Babel's locale for a language's dates where the bare language would not do: international
English writes the day first ("9 January 2024"), as the site always has and as Spanish does."""


def _locale(language: str) -> str:
    return DATE_LOCALES.get(language, language).replace("-", "_")


@lru_cache(maxsize=65536)
def _words(date: PartialDate, language: str) -> str:
    if date.month is None:
        return str(date.year)
    locale = _locale(language)
    if date.day is None:
        return babel.dates.format_skeleton("yMMMM", date.first_day, locale=locale)
    return babel.dates.format_date(date.first_day, "long", locale=locale)


def month_name(month: int, language: str = "en") -> str:
    """A month's name on its own ("January", "enero"), for navigation that already shows the year."""
    return babel.dates.get_month_names("wide", "stand-alone", locale=_locale(language))[month]


def _shape_hint(text: str) -> str:
    loose = re.match(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$", text)
    if loose:
        fixed = "-".join([loose.group(1)] + [part.zfill(2) for part in loose.groups()[1:] if part])
        return f"write months and days with two digits: {fixed}"
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text):
        return "give the date only, without a time: YYYY-MM-DD"
    if re.match(r"^\d{1,2}[/.]\d{1,2}[/.]\d{4}$", text):
        return "write the year first: YYYY-MM-DD"
    return "write YYYY, YYYY-MM or YYYY-MM-DD, for example 2024-01-09"

