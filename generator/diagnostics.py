"""Collects the errors and warnings found in the content, each tied to a file, line and column."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file; line and column count from 1."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Diagnostics:
    """Every stage reports here, so that one run shows the editor every problem at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(location, message, hint, "error"))

    def warning(self, location: Location, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(location, message, hint, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.location, p.severity, p.message))


class ContentError(Exception):
    """Raised when the content cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the content")


def did_you_mean(wrong: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest known value, or None when nothing is close."""
    candidates = list(candidates)
    close = difflib.get_close_matches(wrong, candidates, n=1, cutoff=0.6)
    if not close:
        # "noboa" should still find "daniel-noboa": try whole hyphen-separated words.
        words = {w for w in wrong.split("-") if len(w) >= 3 and not w.isdigit()}
        close = [c for c in sorted(candidates) if words & set(c.split("-"))][:1]
    return f"did you mean '{close[0]}'?" if close else None


def count(number: int, noun: str) -> str:
    """A number of things in words: "1 error", "2 errors"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe(value: object) -> str:
    """How an editor would name a YAML value's type, for error messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return type(value).__name__
