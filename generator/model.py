"""Checks raw records against the content model and turns them into typed records."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Collection
from urllib.parse import urlsplit

import babel
from dateutil import tz

from .dates import DateError, PartialDate
from .diagnostics import Diagnostics, Location, describe, did_you_mean
from .markup import citations_in
from .load import CONTROL_CHARACTER, CONTROL_CHARACTERS as _CONTROL, RawContent, RawRecord

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IMPORTANCE = ("major", "notable", "minor")
SOURCE_KINDS = ("wire-agency", "newspaper", "magazine", "broadcaster", "news-website", "official-statement",
                "ngo-report", "research", "other")
FIGURE_QUALIFIERS = ("about", "nearly", "at-least", "more-than", "fewer-than")
"""How exact a reported value is: "about 200", "nearly 90", "at least 30,000"; none for an exact one."""
ACTOR_KINDS = ("person", "criminal-group", "government", "security-force", "institution",
               "media", "country", "international-body")
RESERVED_PAGE_IDS = {"events", "actors", "topics", "places", "sources", "data", "static", "feed",
                     "sitemap", "robots", "404", "index", "pagefind", "es", "changes", "figures",
                     "search"}
_FILE_DATE_PREFIX = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)-")
CITATION_HINT = "write [@source-id], or [@a; @b] for several, with ids as in content/sources/"
"""What a citation that is not well formed should look like (summaries here, free pages in timeline)."""
PLACEHOLDER = "TODO"
"""How `timeline new` marks what an editor still has to write; a record holding it does not build."""


# --- Typed records -----------------------------------------------------------------------

Translations = dict
"""A record's text in the site's other languages: {"es": {"title": ..., "summary": ...}}, by the
record's attribute names; an event's notes on its sources are {"notes": {source id: note}}."""

@dataclass(frozen=True)
class Citation:
    source_id: str
    note: str | None = None


@dataclass(frozen=True)
class Correction:
    """A change to an event after it was published: when, what changed, and why."""

    date: PartialDate
    what: str
    why: str


@dataclass(frozen=True)
class Value:
    """One value of a figure, as one source reports it for one date or period."""

    date: PartialDate
    value: float
    source_id: str
    to: float | None = None  # the top of a reported range: "32 to 39"
    qualifier: str | None = None  # one of FIGURE_QUALIFIERS; None for an exact value
    note: str | None = None  # what exactly the source counts, or whose number it is

    @property
    def top(self) -> float:
        return self.value if self.to is None else self.to


@dataclass(frozen=True)
class Event:
    id: str
    file: str
    title: str
    date: PartialDate
    summary: str
    citations: tuple[Citation, ...]
    end_date: PartialDate | None = None
    approximate: bool = False
    place_id: str | None = None
    actor_ids: tuple[str, ...] = ()
    topic_ids: tuple[str, ...] = ()
    importance: str = "notable"
    draft: bool = False  # built only on request (--drafts), never published
    disputed: str | None = None  # what the editor found disputed; None when nothing is
    corrections: tuple[Correction, ...] = ()
    first_published: PartialDate | None = None  # from the repository's history, when there is one
    last_updated: PartialDate | None = None  # from the history, or else the newest correction
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language


@dataclass(frozen=True)
class Actor:
    id: str
    file: str
    name: str
    kind: str
    role: str | None = None
    aliases: tuple[str, ...] = ()
    summary: str = ""
    citations: tuple[Citation, ...] = ()
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language


@dataclass(frozen=True)
class Topic:
    id: str
    file: str
    name: str
    summary: str = ""
    citations: tuple[Citation, ...] = ()
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language


@dataclass(frozen=True)
class Figure:
    """A quantity the sources report (homicides per 100,000 people, arrests), value by value."""

    id: str
    file: str
    title: str
    unit: str
    values: tuple[Value, ...]
    description: str = ""
    topic_ids: tuple[str, ...] = ()
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The sources of its values, each once, in the order of their first value."""
        return tuple(dict.fromkeys(value.source_id for value in self.values))


@dataclass(frozen=True)
class Place:
    id: str
    file: str
    name: str
    province: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    title: str
    publisher: str
    published: PartialDate
    url: str | None = None
    author: str | None = None
    language: str | None = None
    archived_url: str | None = None
    kind: str | None = None  # one of SOURCE_KINDS
    via: str | None = None  # the agency or outlet that wrote the story, when the publisher republished it
    original_id: str | None = None  # the source this one republishes or translates
    offline: str | None = None  # why there is no address to give readers


@dataclass(frozen=True)
class Site:
    title: str
    description: str
    base_url: str
    language: str = "en"
    time_zone: str = "UTC"
    repository: str | None = None
    edit_url: str | None = None
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language
    also_in: tuple[str, ...] = ()  # the other languages the site is published in (site.yaml's `translations`)

    def edit_address(self, path: str) -> str | None:
        """Where an editor changes the record at `path` (below content/), or None without a repository."""
        if self.edit_url:
            return self.edit_url.rstrip("/") + "/" + path
        if self.repository:
            return self.repository.rstrip("/") + "/edit/main/content/" + path
        return None


@dataclass(frozen=True)
class Page:
    id: str
    file: str
    title: str
    body: str
    description: str | None = None
    menu: str | None = None  # the page's label in the site navigation; None keeps it out of the menu
    translations: Translations = field(default_factory=dict, hash=False)
    untranslated: frozenset[str] = frozenset()  # in a translated edition: the fields still in the site's language


@dataclass
class Content:
    """Every valid record, by kind and id, plus the site settings."""

    site: Site | None = None
    events: dict[str, Event] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    locations: dict[tuple[str, str], RawRecord] = field(default_factory=dict)
    """(kind, id) -> the raw record, so later stages can point editors at a line."""


# --- Field checks ------------------------------------------------------------------------

class FieldError(ValueError):
    """A value that breaks the content model; `path` leads from the field to the bad part."""

    def __init__(self, message: str, hint: str | None = None, path: tuple = (), on_key: bool = False):
        super().__init__(message)
        self.hint, self.path, self.on_key = hint, path, on_key


def accepts(json_schema: dict) -> Callable:
    """Record, beside a check, the JSON Schema of the values it accepts, so that the schemas
    given to editors' YAML tools (generator/schema.py) come from the same rules as the build."""
    def attach(check: Callable) -> Callable:
        check.json_schema = json_schema
        return check
    return attach


_PLACEHOLDER_START = re.compile(rf"\s*{PLACEHOLDER}\b")  # "TODO: ..." but not "Todos Santos" or "TODOS"
_NOT_A_PLACEHOLDER = rf"^(?!\s*{PLACEHOLDER}\b)"
_ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN.pattern}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
LANGUAGE_BLOCK = _LANGUAGE.pattern  # the keys of a record's blocks in other languages, for editors' schemas


@accepts({"type": "string", "pattern": _NOT_A_PLACEHOLDER + rf"[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"})
def text(value: Any) -> str:
    if not isinstance(value, str):
        hint = "put the text in quotes" if isinstance(value, (int, float, bool)) else None
        raise FieldError(f"expected text, found {describe(value)}", hint)
    if not value.strip():
        raise FieldError("the text is empty", "write something, or remove the field if it is optional")
    control = CONTROL_CHARACTER.search(value)  # a YAML escape in quotes ("\x1b") writes one
    if control:
        raise FieldError(f"the text holds an invisible control character (U+{ord(control.group()):04X})",
                         "remove the escape in quotes (such as \\x1b or \\u0007) that writes it")
    return value.strip()


@accepts({"type": "string", "pattern": _NOT_A_PLACEHOLDER + rf"[^\S{_CONTROL}]*[^\s{_CONTROL}][^\n{_CONTROL}]*\n?$"})
def line(value: Any) -> str:
    value = text(value)
    if "\n" in value:
        raise FieldError("expected a single line of text", "remove the line breaks (and any '|' or '>')")
    return value


@accepts({"type": "boolean"})
def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, found {describe(value)}", "write true or false, without quotes")
    return value


@accepts({"anyOf": [  # YAML reads 2024 as a number, 2024-01 and 2024-01-09 as text
    {"type": "string", "pattern": r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"},
    {"type": "integer", "minimum": 1000, "maximum": 9999},
]})
def date(value: Any) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except DateError as error:
        raise FieldError(str(error), error.hint) from None


@accepts(_ID_SCHEMA)
def record_id(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        raise FieldError(f"{shown} is not a record id",
                         "ids are file names without .yaml: lower-case letters, digits and hyphens")
    return value


def one_of(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            shown = f"'{value}'" if isinstance(value, str) else describe(value)
            hint = did_you_mean(value, allowed) if isinstance(value, str) else None
            raise FieldError(f"{shown} is not allowed here; use one of: {', '.join(allowed)}",
                             hint or "write one of the words listed, exactly as shown")
        return value
    return accepts({"enum": list(allowed)})(check)


def list_of(item: Callable[[Any], Any], unique: bool = True) -> Callable[[Any], tuple]:
    def check(value: Any) -> tuple:
        if not isinstance(value, list):
            hint = f"write a list: [{value}]" if isinstance(value, str) else "write a list: [a, b]"
            raise FieldError(f"expected a list, found {describe(value)}", hint)
        items = []
        for index, element in enumerate(value):
            try:
                checked = item(element)
            except FieldError as error:
                raise FieldError(str(error), error.hint, (index,) + error.path, error.on_key) from None
            if unique and checked in items:
                raise FieldError(f"'{element}' is listed twice", "remove the repeated item", (index,))
            items.append(checked)
        return tuple(items)
    return accepts({"type": "array", "items": item.json_schema, **({"uniqueItems": True} if unique else {})})(check)


@accepts({"type": "string", "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"})
def web_address(value: Any) -> str:
    value = line(value)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise FieldError(f"'{value}' is not a web address",
                         "addresses start with https:// or http://; leave the field out if it is not known")
    return value


def number(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise FieldError(f"expected a number, found {describe(value)}")
        if not low <= value <= high:
            raise FieldError(f"{value} is outside {low} to {high}")
        return float(value)
    return accepts({"type": "number", "minimum": low, "maximum": high})(check)


@accepts({"type": "string", "pattern": _LANGUAGE.pattern})
def language(value: Any) -> str:
    value = line(value)
    if not _LANGUAGE.fullmatch(value):
        raise FieldError(f"'{value}' is not a language code", "use a code such as en, es or pt-BR")
    return value


@accepts({"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_+\-/]*$"})
def time_zone(value: Any) -> str:
    value = line(value)
    if tz.gettz(value) is None:
        raise FieldError(f"'{value}' is not a known time zone", "use a name such as America/Guayaquil or UTC")
    return value


@accepts({"anyOf": [
    _ID_SCHEMA,
    {"type": "object", "properties": {"source": _ID_SCHEMA, "note": line.json_schema},
     "required": ["source"], "additionalProperties": False},
]})
def citation(value: Any) -> Citation:
    if isinstance(value, str):
        return Citation(record_id(value))
    if not isinstance(value, dict):
        raise FieldError(f"expected a source id or 'source: id', found {describe(value)}")
    unknown = sorted(set(value) - {"source", "note"})
    if unknown:
        raise FieldError(f"unknown field '{unknown[0]}' in a source entry",
                         did_you_mean(unknown[0], ["source", "note"]) or "a source entry has 'source' and 'note'",
                         (unknown[0],), on_key=True)
    if "source" not in value:
        raise FieldError("a source entry needs 'source: <source id>'")
    try:
        source_id = record_id(value["source"])
    except FieldError as error:
        raise FieldError(str(error), error.hint, ("source",)) from None
    try:
        note = line(value["note"]) if "note" in value else None
    except FieldError as error:
        raise FieldError(str(error), error.hint, ("note",)) from None
    return Citation(source_id, note)


_citation_list = list_of(citation, unique=False)


@accepts(_citation_list.json_schema)
def citations(value: Any) -> tuple[Citation, ...]:
    checked = _citation_list(value)
    seen = set()
    for index, entry in enumerate(checked):
        if entry.source_id in seen:
            raise FieldError(f"the source '{entry.source_id}' is cited twice",
                             "cite each source once; put what it supports in one 'note'", (index,))
        seen.add(entry.source_id)
    return checked


_CORRECTION_KEYS = {"date": "the day it was corrected, YYYY-MM-DD", "what": "what changed, in one line",
                    "why": "why, in one line"}


def _entry_fields(value: Any, keys: dict[str, str], what: str, optional: dict[str, str] | None = None) -> dict:
    """A list item written as a mapping with these keys (their help text as values), and perhaps
    some of the `optional` ones."""
    if not isinstance(value, dict):
        raise FieldError(f"expected {what} with {', '.join(repr(key + ':') for key in keys)}, found {describe(value)}")
    allowed = {**keys, **(optional or {})}
    for key in value:
        if key not in allowed:
            raise FieldError(f"unknown field '{key}' in {what}",
                             did_you_mean(str(key), allowed) or f"{what} has {', '.join(allowed)}", (key,), on_key=True)
    for key, help_text in keys.items():
        if key not in value:
            raise FieldError(f"{what} needs '{key}:'", f"add '{key}:' ({help_text})")
    return value


def _checked_entry(item: Any, index: int, keys: dict[str, str], what: str, checks: dict[str, Callable],
                   optional: dict[str, str] | None = None) -> dict:
    """A list item's fields (see _entry_fields), each through its check, in the order of `checks`;
    a problem's path leads from the list to the item and the field."""
    try:
        item = _entry_fields(item, keys, what, optional)
    except FieldError as error:
        raise FieldError(str(error), error.hint, (index,) + error.path, error.on_key) from None
    values = {}
    for key, check in checks.items():
        if key in item:
            try:
                values[key] = check(item[key])
            except FieldError as error:
                raise FieldError(str(error), error.hint, (index, key) + error.path) from None
    return values


@accepts({"type": "array", "items": {
    "type": "object", "required": list(_CORRECTION_KEYS), "additionalProperties": False,
    "properties": {"date": {"type": "string", "pattern": r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"},
                   "what": line.json_schema, "why": line.json_schema}}})
def corrections(value: Any) -> tuple[Correction, ...]:
    if not isinstance(value, list):
        raise FieldError(f"expected a list of corrections, found {describe(value)}",
                         "write each correction as '- date: YYYY-MM-DD' with 'what:' and 'why:' under it")
    checked = []
    for index, item in enumerate(value):
        values = _checked_entry(item, index, _CORRECTION_KEYS, "a correction",
                                {"date": date, "what": line, "why": line})
        if values["date"].precision != "day":
            raise FieldError(f"a correction's date needs the day, not only {values['date']}",
                             "write the day it was corrected: YYYY-MM-DD", (index, "date"))
        checked.append(Correction(**values))
    return tuple(checked)


_VALUE_KEYS = {"date": "the date or period the value is for: YYYY, YYYY-MM or YYYY-MM-DD",
               "value": "the number as the source gives it, such as 47 or 3219",
               "source": "the id of the source that reports it: a file name in content/sources/"}
_VALUE_OPTIONAL = {"to": "the top of a reported range, such as 39 for '32 to 39'",
                   "qualifier": "about, nearly, at-least, more-than or fewer-than, when the source gives "
                                "no exact number",
                   "note": "one line: what exactly the source counts, or whose number it is"}
_AMOUNT_SCHEMA = {"type": "number", "minimum": 0}


@accepts(_AMOUNT_SCHEMA)
def amount(value: Any) -> float:
    """A figure's number: a count, an amount or a rate, zero or more."""
    if isinstance(value, str) and re.fullmatch(r"\s*[\d.,\s]*\d[\d.,\s]*", value):
        raise FieldError(f"expected a number, found the text '{value}'",
                         "write the number without quotes or thousands separators, such as 3219 or 55.6")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (
            float("inf"), float("-inf")):
        raise FieldError(f"expected a number, found {describe(value)}",
                         "write the number as the source gives it, such as 47 or 3219")
    if value < 0:
        raise FieldError(f"{value} is below zero", "figures are counts, amounts or rates: zero or more")
    return float(value)


@accepts({"type": "array", "minItems": 1, "items": {
    "type": "object", "required": list(_VALUE_KEYS), "additionalProperties": False,
    "properties": {"date": date.json_schema, "value": _AMOUNT_SCHEMA, "source": _ID_SCHEMA, "to": _AMOUNT_SCHEMA,
                   "qualifier": {"enum": list(FIGURE_QUALIFIERS)}, "note": line.json_schema}}})
def figure_values(value: Any) -> tuple[Value, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError("a figure needs at least one value" if value == [] else
                         f"expected a list of values, found {describe(value)}",
                         "write each value as '- date: YYYY' with 'value:' and 'source:' under it")
    checks = {"date": date, "value": amount, "source": record_id, "to": amount,
              "qualifier": one_of(*FIGURE_QUALIFIERS), "note": line}
    checked: list[Value] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(value):
        values = _checked_entry(item, index, _VALUE_KEYS, "a value", checks, _VALUE_OPTIONAL)
        if "to" in values and values["to"] <= values["value"]:
            written = value[index]
            raise FieldError(f"the range's top ({written['to']}) is not above its value ({written['value']})",
                             "'value' is the low end of a range and 'to' the high end; for one number, remove 'to'",
                             (index, "to"))
        key = (values["date"].iso, values["source"])
        if key in seen:
            raise FieldError(f"the source '{values['source']}' gives a value for {values['date'].iso} twice "
                             f"(values {seen[key] + 1} and {index + 1})",
                             "keep one value per source and date; for a range, write 'value:' and 'to:'", (index,))
        seen[key] = index
        values["source_id"] = values.pop("source")
        checked.append(Value(**values))
    return tuple(checked)


@dataclass(frozen=True)
class Field:
    check: Callable[[Any], Any]
    required: bool = False
    attribute: str | None = None  # the record's attribute name when it differs from the YAML key
    help: str = ""
    translate: str | None = None  # TRANSLATE: each language needs its own text; NAME: only where it differs


TRANSLATE, NAME = "text", "name"


EVENT_FIELDS = {
    "title": Field(line, True, help="a headline in our own words", translate=TRANSLATE),
    "date": Field(date, True, help="YYYY, YYYY-MM or YYYY-MM-DD"),
    "end_date": Field(date, help="for an event that spans time: YYYY, YYYY-MM or YYYY-MM-DD, not before date"),
    "approximate": Field(flag, help="true when the sources give the date only roughly"),
    "place": Field(record_id, attribute="place_id", help="a place id: a file name in content/places/"),
    "actors": Field(list_of(record_id), attribute="actor_ids", help="actor ids: file names in content/actors/"),
    "topics": Field(list_of(record_id), attribute="topic_ids", help="topic ids: file names in content/topics/"),
    "importance": Field(one_of(*IMPORTANCE), help="major (the turning points), notable (the default) or minor"),
    "draft": Field(flag, help="true keeps the event out of the published site"),
    "summary": Field(text, True, help="Markdown, in our own words; cite sources as [@source-id]", translate=TRANSLATE),
    "sources": Field(citations, True, attribute="citations", help="at least one source"),
    "disputed": Field(line, help="what is disputed about this event, when sources or parties disagree",
                      translate=TRANSLATE),
    "corrections": Field(corrections, help="changes after publication: date, what and why"),
}
ACTOR_FIELDS = {
    "name": Field(line, True, help="the name the sources use", translate=NAME),
    "kind": Field(one_of(*ACTOR_KINDS), True, help="what sort of actor this is"),
    "role": Field(line, help="one line: who they are", translate=TRANSLATE), "aliases": Field(list_of(line), help="other names"),
    "summary": Field(text, help="Markdown, in our own words; cite sources as [@source-id]", translate=TRANSLATE),
    "sources": Field(citations, attribute="citations", help="the sources of the summary"),
}
TOPIC_FIELDS = {"name": Field(line, True, help="the topic's name", translate=TRANSLATE),
                "summary": Field(text, help="Markdown; give figures with the source that states them, as [@source-id]",
                                 translate=TRANSLATE),
                "sources": Field(citations, attribute="citations", help="the sources of the summary")}
FIGURE_FIELDS = {
    "title": Field(line, True, help="what is measured, in a few words: 'Homicide rate'", translate=TRANSLATE),
    "unit": Field(line, True, help="what the numbers count, shown after each: 'per 100,000 inhabitants', 'people'",
                  translate=TRANSLATE),
    "description": Field(text, help="Markdown: what the figure measures and how far the numbers can be compared",
                         translate=TRANSLATE),
    "topics": Field(list_of(record_id), attribute="topic_ids", help="topic ids whose pages show the figure"),
    "values": Field(figure_values, True, help="each value with its date and the source that reports it; where "
                                              "sources disagree, give each source's value"),
}
PLACE_FIELDS = {
    "name": Field(line, True, help="the place's name", translate=NAME), "province": Field(line, help="the province it is in"),
    "latitude": Field(number(-90, 90), help="decimal degrees"),
    "longitude": Field(number(-180, 180), help="decimal degrees"),
}
SOURCE_FIELDS = {
    "title": Field(line, True, help="the headline as published"),
    "publisher": Field(line, True, help="the outlet or agency whose copy you read"),
    "published": Field(date, True, help="YYYY, YYYY-MM or YYYY-MM-DD"),
    "url": Field(web_address, help="the article's address, only where known"),
    "author": Field(line), "language": Field(language, help="a code such as en or es"),
    "archived_url": Field(web_address, help="an archived copy, such as one in the Wayback Machine"),
    "kind": Field(one_of(*SOURCE_KINDS), help="what sort of source this is"),
    "via": Field(line, help="the agency or outlet that wrote the story, when the publisher republished it "
                            "(a wire story): the two count as one source"),
    "original": Field(record_id, attribute="original_id",
                      help="the id of the source this one republishes or translates: the two count as one"),
    "offline": Field(line, help="why there is no address for readers, when neither url nor archived_url is known"),
}
SITE_FIELDS = {
    "title": Field(line, True, help="the site's name", translate=TRANSLATE),
    "description": Field(line, True, help="one sentence", translate=TRANSLATE),
    "base_url": Field(web_address, True, help="the address the site is published at"),
    "language": Field(language, help="the language of the text in these files"),
    "translations": Field(list_of(language), attribute="also_in",
                          help="the other languages the site is published in, such as [es]"),
    "time_zone": Field(time_zone, help="such as America/Guayaquil"),
    "repository": Field(web_address, help="the repository's address; pages then link to their files for editing"),
    "edit_url": Field(web_address, help="the address that a record's path below content/ is added to, to edit it "
                                        "(default: <repository>/edit/main/content/, as on GitHub)"),
}
PAGE_FIELDS = {"title": Field(line, True, translate=TRANSLATE), "description": Field(line, translate=TRANSLATE),
               "menu": Field(line, translate=TRANSLATE)}

SCHEMAS = {
    "event": (Event, EVENT_FIELDS), "actor": (Actor, ACTOR_FIELDS), "topic": (Topic, TOPIC_FIELDS),
    "place": (Place, PLACE_FIELDS), "source": (Source, SOURCE_FIELDS), "figure": (Figure, FIGURE_FIELDS),
}


# --- Validation --------------------------------------------------------------------------

History = dict
"""When each content file was first published and last changed, from the repository's history:
{"events/x.yaml": (first, last)} as datetimes in UTC (see generator/history.py)."""


def validate(raw: RawContent, diagnostics: Diagnostics, memo: dict | None = None,
             history: History | None = None) -> Content:
    """Every record that has the right shape, typed; every problem reported to diagnostics.
    With a memo (the preview keeps one), a raw record seen last time is not checked again.
    Events take their dates of publication from `history`."""
    content = Content()
    languages: tuple[str, ...] = ()
    zone = dt.timezone.utc
    if raw.site is not None:
        values = _check_fields(raw.site, SITE_FIELDS, diagnostics, _site_languages(raw.site, diagnostics))
        if values is not None and _has_required(values, SITE_FIELDS):
            values["base_url"] = values["base_url"].rstrip("/") + "/"
            content.site = Site(**values)
            languages = content.site.also_in
            zone = tz.gettz(content.site.time_zone) or zone
    previous = dict(memo or {})
    if memo is not None:
        memo.clear()
    for kind, (cls, fields) in SCHEMAS.items():
        target = getattr(content, kind + "s")
        for record in raw.records.get(kind, []):
            known = previous.get(id(record))
            dates = (history or {}).get(f"{kind}s/{record.id}.yaml") if kind == "event" else None
            if known is None or known[0] is not record or known[1] != (languages, dates, zone):
                found = Diagnostics()
                known = (record, (languages, dates, zone),
                         *_validate_record(record, kind, cls, fields, found, languages, dates, zone), found.problems)
            if memo is not None:
                memo[id(record)] = known
            _, _, located, typed, problems = known
            diagnostics.problems.extend(problems)
            if located:
                content.locations[(kind, record.id)] = record
            if typed is not None:
                target[record.id] = typed
    pages, translated_pages = _split_page_translations(raw.pages, languages, diagnostics)
    for record in pages:
        if not _check_id(record, diagnostics):
            continue
        if record.id in RESERVED_PAGE_IDS:
            diagnostics.error(Location(record.file), f"the page name '{record.id}' is taken by the site's own pages",
                              "rename the file, for example to about.md or methodology.md")
            continue
        values = _check_fields(record, PAGE_FIELDS, diagnostics)
        if values is not None and _has_required(values, PAGE_FIELDS):
            values["translations"] = _page_translations(record, values, translated_pages.pop(record.id, {}),
                                                        languages, diagnostics)
            content.locations[("page", record.id)] = record
            content.pages[record.id] = Page(id=record.id, file=record.file, body=record.body, **values)
    for page_id, versions in sorted(translated_pages.items()):
        for language_code, record in sorted(versions.items()):
            diagnostics.error(Location(record.file), f"there is no page '{page_id}' for this {_language_name(language_code)} "
                              "version to translate", f"add content/pages/{page_id}.md, or rename this file "
                              f"to <page>.{language_code}.md after an existing page")
    return content


def markdown_texts(raw: RawContent) -> list[str]:
    """The Markdown the records will show, as their checks will keep it: every summary, in every
    language, and every page's body. Read ahead of the checks, so that converting it can start
    while they run; a value that is not text is left to them."""
    texts = []
    for kind in ("event", "actor", "topic"):
        for record in raw.records.get(kind, []):
            data = record.data if isinstance(record.data, dict) else {}
            blocks = [data] + [block for key, block in data.items()
                               if isinstance(block, dict) and isinstance(key, str) and _LANGUAGE.fullmatch(key)]
            texts += [block["summary"].strip() for block in blocks if isinstance(block.get("summary"), str)]
    return texts + [record.body for record in raw.pages]


def _split_page_translations(records: list[RawRecord], languages: tuple[str, ...], diagnostics: Diagnostics
                             ) -> tuple[list[RawRecord], dict[str, dict[str, RawRecord]]]:
    """Free pages apart from their translations (about.es.md translates about.md), the
    translations by page id and language."""
    pages, translations = [], {}
    for record in records:
        page_id, dot, language_code = record.id.rpartition(".")
        if not dot:
            pages.append(record)
        elif language_code in languages:
            translations.setdefault(page_id, {})[language_code] = record
        elif _LANGUAGE.fullmatch(language_code):
            diagnostics.error(Location(record.file), f"the site is not published in '{language_code}'",
                              f"add {language_code} to 'translations:' in content/site.yaml, or rename the file")
        else:
            pages.append(record)  # its id is refused as such
    return pages, translations


def _page_translations(page: RawRecord, values: dict, versions: dict[str, RawRecord], languages: tuple[str, ...],
                       diagnostics: Diagnostics) -> Translations:
    """A page's translations, from its files in other languages; a missing one is a warning."""
    translations = {}
    for language_code in languages:
        record = versions.get(language_code)
        if record is None:
            diagnostics.warning(page.at(), f"not yet translated into {_language_name(language_code)}",
                                f"add content/pages/{page.id}.{language_code}.md with the same front matter "
                                "fields; the English page is shown until then")
            continue
        translated = _check_fields(record, PAGE_FIELDS, diagnostics)
        if translated is None or not _has_required(translated, PAGE_FIELDS):
            continue
        missing = [key for key in PAGE_FIELDS if key in values and key not in translated]
        if missing:
            diagnostics.warning(record.at(), f"not yet translated: {', '.join(missing)}",
                                f"add {' and '.join(repr(key + ':') for key in missing)} to the front matter")
        translations[language_code] = {**translated, "body": record.body}
    return translations


def _site_languages(site: RawRecord, diagnostics: Diagnostics) -> tuple[str, ...]:
    """The languages whose blocks site.yaml may hold: its `translations`, read ahead of the rest."""
    data = site.data if isinstance(site.data, dict) else {}
    try:
        return list_of(language)(data["translations"]) if "translations" in data else ()
    except FieldError:
        return ()  # reported with the other fields


def _validate_record(record: RawRecord, kind: str, cls: type, fields: dict, diagnostics: Diagnostics,
                     languages: tuple[str, ...] = (), dates: tuple | None = None,
                     zone: dt.tzinfo | None = None) -> tuple[bool, Any]:
    """Whether the record is known by its id (its references count), and the typed record if it is valid."""
    if not _check_id(record, diagnostics):
        return False, None
    values = _check_fields(record, fields, diagnostics, languages)
    if values is None:
        return False, None
    if kind == "event":
        _check_event(record, values, diagnostics)
        _date_publication(values, dates, zone)
    if "summary" in fields and "sources" in fields:
        _check_citation_marks(record, values, diagnostics)
    if _has_required(values, fields):
        return True, cls(id=record.id, file=record.file, **values)
    return True, None


def _date_publication(values: dict, dates: tuple | None, zone: dt.tzinfo | None) -> None:
    """An event's days of first publication and last change, in the site's time zone, from the
    repository's history; without one, its newest correction (if any) is its last change."""
    newest_correction = max((correction.date for correction in values.get("corrections", ())),
                            key=lambda day: day.sort_key, default=None)
    if dates:
        first, last = (PartialDate.of(moment.astimezone(zone).date()) for moment in dates)
        values["first_published"] = first
        values["last_updated"] = max(last, newest_correction, key=lambda day: day.sort_key) if newest_correction else last
    elif newest_correction:
        values["last_updated"] = newest_correction


def _check_id(record: RawRecord, diagnostics: Diagnostics) -> bool:
    if ID_PATTERN.fullmatch(record.id):
        return True
    suggestion = re.sub(r"[^a-z0-9]+", "-", record.id.lower()).strip("-") or "my-record"
    diagnostics.error(Location(record.file), f"the file name '{record.id}' cannot be an id",
                      f"use lower-case letters, digits and hyphens only, for example '{suggestion}'")
    return False


def _check_fields(record: RawRecord, fields: dict[str, Field], diagnostics: Diagnostics,
                 languages: tuple[str, ...] = ()) -> dict | None:
    """The record's values checked one by one, with their text in each of `languages` (blocks
    such as `es:`) under "translations"; None when it is not a mapping at all."""
    if not isinstance(record.data, dict):
        diagnostics.error(record.at(), f"expected fields (key: value pairs), found {describe(record.data)}",
                          f"{'an' if record.kind[0] in 'aeiou' else 'a'} {record.kind} file holds fields such as: "
                          + ", ".join(sorted(fields, key=lambda key: not fields[key].required)[:4]))
        return None
    values: dict[str, Any] = {}
    for key in record.data:
        if key not in fields and key not in languages:
            hint = did_you_mean(str(key), [*fields, *languages]) or f"the fields are: {', '.join(fields)}"
            if isinstance(key, str) and _LANGUAGE.fullmatch(key) and any(spec.translate for spec in fields.values()):
                hint = (f"to publish this {record.kind} in {_language_name(key)}, add {key} to "
                        "'translations:' in content/site.yaml")
            diagnostics.error(record.key_at(key), f"unknown field '{key}' in {record.kind} '{record.id}'", hint)
    for key, spec in fields.items():
        if key not in record.data:
            if spec.required:
                help_text = f" ({spec.help})" if spec.help else ""
                diagnostics.error(record.at(), f"the required field '{key}' is missing",
                                  f"add '{key}:'{help_text}")
            continue
        placeholder = _placeholder_path(record.data[key])
        if placeholder is not None:
            diagnostics.error(record.at(key, *placeholder), f"{key}: still holds the {PLACEHOLDER} placeholder",
                              f"replace the {PLACEHOLDER} text with your own"
                              + ("" if spec.required else ", or delete the field"))
            continue
        try:
            values[spec.attribute or key] = spec.check(record.data[key])
        except FieldError as error:
            where = record.key_at(key, *error.path) if error.on_key else record.at(key, *error.path)
            diagnostics.error(where, f"{key}: {error}", error.hint)
    if any(spec.translate for spec in fields.values()) and record.kind != "page":
        values["translations"] = {code: _check_translation(record, code, fields, values, diagnostics)
                                  for code in languages}
    return values


def _check_translation(record: RawRecord, code: str, fields: dict[str, Field], values: dict,
                       diagnostics: Diagnostics) -> dict[str, Any]:
    """The record's text in one other language, from its block (`es:`); a field that the record
    has in its own language but not in this block is reported as not yet translated."""
    block = record.data.get(code, {})
    translated: dict[str, Any] = {}
    if not isinstance(block, dict):
        diagnostics.error(record.at(code), f"{code}: expected fields (key: value pairs), found {describe(block)}",
                          f"indent the {_language_name(code)} text under '{code}:', such as '  title: ...'")
        return translated
    translatable = {key: spec for key, spec in fields.items() if spec.translate}
    allowed = [*translatable, *(["notes", "corrections"] if record.kind == "event" else
                                ["notes"] if record.kind == "figure" else [])]
    for key, value in block.items():
        if key == "notes" and record.kind == "figure":
            translated["notes"] = _check_value_notes(record, code, value, values.get("values"), diagnostics)
            continue
        if key == "notes" and record.kind == "event":
            translated["notes"] = _check_notes(record, code, value, values.get("citations", ()), diagnostics)
            continue
        if key == "corrections" and record.kind == "event":
            translated["corrections"] = _check_translated_corrections(record, code, value,
                                                                      values.get("corrections", ()), diagnostics)
            continue
        spec = translatable.get(key)
        if spec is None:
            hint = (f"'{key}' is the same in every language: set it once, outside '{code}:'" if key in fields
                    else did_you_mean(str(key), allowed) or f"'{code}:' may hold: {', '.join(allowed)}")
            diagnostics.error(record.key_at(code, key), f"{code}: '{key}' cannot be translated", hint)
            continue
        attribute = spec.attribute or key
        if _placeholder_path(value) is not None:
            diagnostics.error(record.at(code, key), f"{code}.{key}: still holds the {PLACEHOLDER} placeholder",
                              f"replace the {PLACEHOLDER} text with your own, or delete the field")
            continue
        if attribute not in values and key in record.data:
            continue  # the field itself is wrong; that is reported already
        if attribute not in values:
            diagnostics.error(record.key_at(code, key), f"{code}.{key}: there is no '{key}' to translate",
                              f"write '{key}:' in the record's own language first, outside '{code}:'")
            continue
        try:
            translated[attribute] = spec.check(value)
        except FieldError as error:
            diagnostics.error(record.at(code, key, *error.path), f"{code}.{key}: {error}", error.hint)
    written_notes = block.get("notes") if isinstance(block.get("notes"), dict) else {}
    is_event = record.kind == "event"
    missing = untranslated_fields(fields, lambda attribute: attribute in values, block,
                                  values.get("citations", ()) if is_event else (), written_notes,
                                  values.get("corrections", ()) if is_event else (),
                                  translated.get("corrections", ()), values.get("values", ()),
                                  translated.get("notes", ()) if record.kind == "figure" else ())
    if missing:
        where = record.key_at(code) if code in record.data else record.at()
        diagnostics.warning(where, f"not yet translated into {_language_name(code)}: {', '.join(missing)}",
                            f"add {' and '.join(repr(key + ':') for key in missing)} under '{code}:'; "
                            f"the {_language_name(code)} edition shows the original text, marked, until then")
    return translated


def untranslated_fields(fields: dict[str, Field], has: Callable[[str], bool], written: Collection[str],
                        citations: tuple[Citation, ...] = (), notes: Collection[str] = (),
                        corrections: tuple[Correction, ...] = (), corrections_written: tuple = (),
                        figure_values: tuple[Value, ...] = (), value_notes_written: tuple = ()) -> list[str]:
    """What a record has in its own language but not yet in another: each field that needs its
    own text there (`has` it, not `written` in the other language), "notes" when a source's
    note (or a figure's value's note) is not in `notes` (`value_notes_written`), and "corrections"
    when there are fewer corrections written than there are. One rule for the editor's warning
    and the edition's marks."""
    missing = [spec.attribute or key for key, spec in fields.items()
               if spec.translate == TRANSLATE and has(spec.attribute or key) and (spec.attribute or key) not in written]
    if any(cited.note and cited.source_id not in notes for cited in citations) or (
            len(value_notes_written) < sum(1 for value in figure_values if value.note)):
        missing.append("notes")
    if len(corrections_written) < len(corrections):
        missing.append("corrections")
    return missing


def _check_translated_corrections(record: RawRecord, code: str, value: Any, originals: tuple[Correction, ...],
                                  diagnostics: Diagnostics) -> tuple[dict[str, str], ...]:
    """An event's corrections in one other language: 'what' and 'why' of each, in the same order."""
    keys = {"what": _CORRECTION_KEYS["what"], "why": _CORRECTION_KEYS["why"]}
    if not isinstance(value, list):
        diagnostics.error(record.at(code, "corrections"), f"{code}.corrections: expected a list, found {describe(value)}",
                          "write one '- what: ...' with 'why: ...' for each correction, in the same order")
        return ()
    if len(value) > len(originals):
        diagnostics.error(record.at(code, "corrections", len(originals)),
                          f"{code}.corrections: there are {len(value)} here but {len(originals)} in 'corrections:'",
                          "translate each correction once, in the same order; remove the extra ones")
        return ()
    translated = []
    for index, item in enumerate(value):
        try:
            item = _entry_fields(item, keys, "a translated correction")
            translated.append({key: line(item[key]) for key in keys})
        except FieldError as error:
            where = record.key_at if error.on_key else record.at
            diagnostics.error(where(code, "corrections", index, *error.path),
                              f"{code}.corrections[{index + 1}]: {error}", error.hint)
            return ()
    return tuple(translated)


def _check_value_notes(record: RawRecord, code: str, value: Any, originals: tuple[Value, ...] | None,
                       diagnostics: Diagnostics) -> tuple[str, ...]:
    """A figure's notes on its values in one other language: one line per value that has a note, in order."""
    if originals is None:
        return ()  # the values themselves are wrong: that is the problem to fix first
    noted = sum(1 for original in originals if original.note)
    if not isinstance(value, list):
        diagnostics.error(record.at(code, "notes"), f"{code}.notes: expected a list, found {describe(value)}",
                          "write one '- ...' line for each value that has a 'note:', in the same order")
        return ()
    if len(value) > noted:
        diagnostics.error(record.at(code, "notes", noted) if noted < len(value) else record.at(code, "notes"),
                          f"{code}.notes: there are {len(value)} here but {noted} values with a 'note:'",
                          "translate each value's note once, in the order of the values; remove the extra ones")
        value = value[:noted]  # the error stands for the rest: they are not also reported as missing
    translated = []
    for index, note in enumerate(value):
        try:
            translated.append(line(note))
        except FieldError as error:
            diagnostics.error(record.at(code, "notes", index), f"{code}.notes[{index + 1}]: {error}", error.hint)
            return ()
    return tuple(translated)


def _check_citation_marks(record: RawRecord, values: dict, diagnostics: Diagnostics) -> None:
    """The summary's citations, and each translation's, against the record's `sources:`: citing
    a source it does not list is an error; a listed source that a summary never cites, a warning."""
    if "sources" in record.data and "citations" not in values:
        return  # the list itself is wrong (or empty): that is the problem to fix first
    if record.kind == "event" and not values.get("citations"):
        return
    listed = [cited.source_id for cited in values.get("citations", ())]
    texts = [(("summary",), record.data.get("summary"))]
    for code in values.get("translations", {}):
        block = record.data.get(code)
        if isinstance(block, dict) and "summary" in block:
            texts.append(((code, "summary"), block["summary"]))
    for path, written in texts:
        if not isinstance(written, str):
            continue  # reported as a wrong value already
        name = ".".join(path)
        cited = set()
        for citing in citations_in(written):
            # Where a mark is written is found only for a mark that is wrong: finding positions
            # means reading the YAML again, which for every mark took a third of a rebuild.
            if not citing.source_ids:
                diagnostics.error(_within(record, path, written, citing.offset),
                                  f"{name}: '{citing.written}' is not a citation", CITATION_HINT)
                continue
            for source_id in citing.source_ids:
                cited.add(source_id)
                if source_id not in listed:
                    diagnostics.error(_within(record, path, written, citing.offset),
                                      f"{name}: cites '{source_id}', which the {record.kind} does not list "
                                      "under 'sources:'", did_you_mean(source_id, listed)
                                      or f"add '- source: {source_id}' to 'sources:', or cite one of its sources")
        if "citations" not in values or not written.strip():
            continue
        for index, source_id in enumerate(listed):
            if source_id not in cited:
                where = record.at("sources", index, "source") if path == ("summary",) else record.key_at(*path)
                diagnostics.warning(where, f"{name} never cites the source '{source_id}'",
                                    f"add [@{source_id}] after the claim it supports"
                                    + ("" if path == ("summary",) else ", as the original summary does"))


def _within(record: RawRecord, path: tuple, written: str, offset: int) -> Location:
    """Where a character of a text value is written: exact in a literal block (|), where lines are
    kept as written; the value's start otherwise."""
    start = record.at(*path)
    lines = record.yaml_text.splitlines()
    line_index = start.line - 1 - record.yaml_line
    style = lines[line_index][start.column - 1:start.column] if 0 <= line_index < len(lines) else ""
    if style != "|":
        return start
    before = written[:offset]
    row = before.count("\n")
    first_line = start.line + 1
    content_line = lines[first_line - 1 - record.yaml_line] if first_line - 1 - record.yaml_line < len(lines) else ""
    indent = len(content_line) - len(content_line.lstrip(" "))
    return Location(record.file, first_line + row, indent + len(before) - (before.rfind("\n") + 1) + 1)


def _check_notes(record: RawRecord, code: str, value: Any, cited: tuple[Citation, ...],
                 diagnostics: Diagnostics) -> dict[str, str]:
    """An event's notes on its sources in one other language: {source id: note}."""
    if not isinstance(value, dict):
        diagnostics.error(record.at(code, "notes"), f"{code}.notes: expected 'source id: note' pairs, "
                          f"found {describe(value)}", "write one line per source, such as '  ap-2024-01-10: ...'")
        return {}
    with_notes = [citation.source_id for citation in cited if citation.note]
    notes = {}
    for source_id, note in value.items():
        if source_id not in with_notes:
            listed = any(citation.source_id == source_id for citation in cited)
            diagnostics.error(record.key_at(code, "notes", source_id),
                              f"{code}.notes: the source '{source_id}' has no note to translate" if listed else
                              f"{code}.notes: the event does not cite '{source_id}'",
                              did_you_mean(str(source_id), with_notes)
                              or ("write its 'note:' under 'sources:' first" if listed
                                  else f"the sources with notes are: {', '.join(with_notes) or 'none'}"))
            continue
        try:
            notes[source_id] = line(note)
        except FieldError as error:
            diagnostics.error(record.at(code, "notes", source_id), f"{code}.notes.{source_id}: {error}", error.hint)
    return notes


def language_name(code: str, in_language: str = "en") -> str | None:
    """A language's name in another ("Spanish") or in itself (language_name("es", "es"):
    "español"); None for a code Babel does not know."""
    try:
        return babel.Locale.parse(code.replace("-", "_")).get_display_name(in_language.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return None


def _language_name(code: str) -> str:
    """A language as messages to editors name it: "Spanish (es)"."""
    name = language_name(code)
    return f"{name} ({code})" if name else f"'{code}'"


def _placeholder_path(value: Any, path: tuple = ()) -> tuple | None:
    """Where inside a value a placeholder is left, or None."""
    if isinstance(value, str):
        return path if _PLACEHOLDER_START.match(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _placeholder_path(item, path + (key,))
        if found is not None:
            return found
    return None


def _has_required(values: dict, fields: dict[str, Field]) -> bool:
    return all((spec.attribute or key) in values for key, spec in fields.items() if spec.required)


def _check_event(record: RawRecord, values: dict, diagnostics: Diagnostics) -> None:
    start, end = values.get("date"), values.get("end_date")
    if start and end and end.last_day < start.first_day:
        diagnostics.error(record.at("end_date"), f"end_date {end} is before date {start}",
                          "swap them, or correct the end date")
    if start and end and end.sort_key == start.sort_key:
        diagnostics.error(record.at("end_date"), "end_date is the same as date", "remove end_date")
    if "citations" in values and not values["citations"]:
        diagnostics.error(record.at("sources"), "an event needs at least one source",
                          "add '- source: <id>' naming a file in content/sources/")
    prefix = _FILE_DATE_PREFIX.match(record.id)
    if start and prefix and prefix.group(1) != start.iso:
        diagnostics.error(record.at("date"),
                          f"the file name starts with {prefix.group(1)} but date is {start}",
                          f"rename the file to start with {start.iso}-, or correct the date")
