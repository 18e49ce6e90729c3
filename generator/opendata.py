"""Renders the open data for researchers and newsrooms: the events as JSON (with its JSON Schema), CSV and iCalendar."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from . import markup
from .dates import PartialDate
from .model import ACTOR_KINDS, ID_PATTERN, IMPORTANCE, SOURCE_KINDS, Source
from .timeline import STATUSES, Entry, Timeline

FILES = {"json": "data/events.json", "schema": "data/events.schema.json", "csv": "data/events.csv",
         "ics": "data/events.ics", "figures": "data/figures.json"}
"""Each open-data file by the kind that renders it (RENDERERS' keys), below the site root."""

PRECISIONS = ("day", "month", "year")
LIST_SEPARATOR = "; "  # between names in one CSV cell, as ACLED separates its sources


def event_url(entry: Entry, site_url: str) -> str:
    return f"{site_url}events/{entry.id}/"


def iso_time(moment: dt.datetime) -> str:
    """2025-04-13T00:00:00Z: UTC to the second, one spelling for every file."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- JSON and its schema ---------------------------------------------------------------------

def event_record(entry: Entry, site_url: str) -> dict:
    """One event as open data, with everything it refers to resolved."""
    event = entry.event
    return {
        "id": event.id,
        "url": event_url(entry, site_url),
        "title": event.title,
        "date": event.date.iso,
        "date_precision": event.date.precision,
        "end_date": event.end_date.iso if event.end_date else None,
        "approximate": event.approximate,
        "importance": event.importance,
        "summary": event.summary,
        "place": None if entry.place is None else {
            "id": entry.place.id, "name": entry.place.name, "province": entry.place.province,
            "latitude": entry.place.latitude, "longitude": entry.place.longitude},
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind} for a in entry.actors],
        "topics": [{"id": t.id, "name": t.name} for t in entry.topics],
        "sources": [{**_source_record(s), "kind": s.kind, "via": s.via, "original": s.original_id,
                     "note": cited.note} for s, cited in entry.sources],
        "status": entry.status,
        "independent_sources": entry.independent,
        "disputed": event.disputed,
        "corrections": [{"date": c.date.iso, "what": c.what, "why": c.why} for c in event.corrections],
        "first_published": event.first_published.iso if event.first_published else None,
        "last_updated": event.last_updated.iso if event.last_updated else None,
    }


def translations_record(entry: Entry, site_url: str, languages: tuple[str, ...]) -> dict:
    """The event's text in each of the site's other languages: null where not yet translated."""
    translated = {}
    for code in languages:
        text = entry.event.translations.get(code, {})
        notes = text.get("notes", {})
        corrections = text.get("corrections", ())
        translated[code] = {"url": f"{site_url}{code}/events/{entry.id}/", "title": text.get("title"),
                            "summary": text.get("summary"),
                            "notes": [notes.get(cited.source_id) for _, cited in entry.sources],
                            "disputed": text.get("disputed"),
                            "corrections": [corrections[i] if i < len(corrections) else None
                                            for i in range(len(entry.event.corrections))]}
    return translated


def events_json(timeline: Timeline, site_url: str, updated: dt.datetime) -> str:
    site = timeline.site
    document = {"$schema": site_url + FILES["schema"], "title": site.title, "description": site.description,
                "language": site.language, "translations": list(site.also_in), "url": site_url,
                "updated": iso_time(updated), "events": []}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if not timeline.entries:
        return text + "\n"
    # Event by event: indented JSON is made in Python, piece by piece, and the pieces of a whole
    # large timeline at once took more memory than the rest of the build. Same bytes either way.
    # One join of all the pieces: joining the events first, then the whole, held two copies.
    def pieces() -> Iterator[str]:
        yield text.removesuffix("[]\n}") + "[\n"
        for number, entry in enumerate(timeline.entries):
            record = {**event_record(entry, site_url),
                      "translations": translations_record(entry, site_url, site.also_in)}
            yield (",\n  " if number else "  ") + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        yield "\n ]\n}\n"
    return "".join(pieces())


def figures_json(timeline: Timeline, site_url: str, updated: dt.datetime) -> str:
    """Every figure with each of its values, as the figures page shows them: each value with its
    date (and its precision), its exactness and the source that states it."""
    def number(amount: float | None) -> float | int | None:
        return int(amount) if amount is not None and amount.is_integer() else amount

    figures = []
    for figure in timeline.figures.values():
        translated = {code: {"title": text.get("title"), "unit": text.get("unit"),
                             "description": text.get("description"), "notes": list(text.get("notes", ()))}
                      for code, text in sorted(figure.translations.items())}
        figures.append({
            "id": figure.id, "url": f"{site_url}figures/#figure-{figure.id}", "title": figure.title,
            "unit": figure.unit, "description": figure.description or None, "topics": list(figure.topic_ids),
            "values": [{"date": value.date.iso, "date_precision": value.date.precision, "value": number(value.value),
                        "to": number(value.to), "qualifier": value.qualifier, "note": value.note,
                        "source": _source_record(timeline.sources[value.source_id])} for value in figure.values],
            "translations": translated})
    return json.dumps({"updated": iso_time(updated), "figures": figures}, ensure_ascii=False, indent=1) + "\n"


def _source_record(source: Source) -> dict:
    """What a source is, as events.json and figures.json both give it."""
    return {"id": source.id, "title": source.title, "publisher": source.publisher, "published": source.published.iso,
            "url": source.url, "archived_url": source.archived_url}


_YEAR = r"[0-9]{4}"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
UTC_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
DATE_PATTERNS = {"year": f"^{_YEAR}$", "month": f"^{_YEAR}-{_MONTH}$", "day": f"^{_YEAR}-{_MONTH}-{_DAY}$"}


def events_schema(timeline: Timeline, site_url: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that events.json follows, field for field."""
    def strict(required: list[str], properties: dict[str, Any], **more: Any) -> dict[str, Any]:
        # Every field is always present (null when unknown), so a consumer never has to guess.
        return {"type": "object", "required": required, "additionalProperties": False,
                "properties": properties, **more}

    def nullable(reference: str) -> dict[str, Any]:
        return {"anyOf": [{"$ref": reference}, {"type": "null"}]}

    schema_url = site_url + FILES["schema"]
    event = strict(
        ["id", "url", "title", "date", "date_precision", "end_date", "approximate", "importance", "summary",
         "place", "actors", "topics", "sources", "status", "independent_sources", "disputed", "corrections",
         "first_published", "last_updated", "translations"],
        {
            "id": {"$ref": "#/$defs/id", "description": "The event's id, also its address below /events/."},
            "url": {"$ref": "#/$defs/web_address", "description": "The event's page."},
            "title": {"$ref": "#/$defs/text"},
            "date": {"$ref": "#/$defs/date", "description": "When it happened, at date_precision: never padded."},
            "date_precision": {"enum": list(PRECISIONS)},
            "end_date": {**nullable("#/$defs/date"),
                         "description": "The last date of an event over several days, at its own precision."},
            "approximate": {"type": "boolean", "description": "The sources date the event only vaguely."},
            "importance": {"enum": list(IMPORTANCE)},
            "summary": {"$ref": "#/$defs/text", "description": "What the sources support, in Markdown."},
            "place": {"anyOf": [{"$ref": "#/$defs/place"}, {"type": "null"}]},
            "actors": {"type": "array", "items": {"$ref": "#/$defs/actor"}},
            "topics": {"type": "array", "items": {"$ref": "#/$defs/topic"}},
            "sources": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/source"}},
            "status": {"enum": list(STATUSES),
                       "description": "confirmed: two or more independent sources; single-source: one; "
                                      "disputed: the editors found it disputed (see disputed)."},
            "independent_sources": {"type": "integer", "minimum": 1,
                                    "description": "The sources counted once per newsroom: copies of one story "
                                                   "and stories of one publisher count once."},
            "disputed": {**nullable("#/$defs/text"), "description": "What is disputed; null when nothing is."},
            "corrections": {"type": "array", "items": {"$ref": "#/$defs/correction"},
                            "description": "Changes made after the event was published, oldest first."},
            "first_published": {**nullable("#/$defs/day"),
                                "description": "When the event was added, from the repository's history; null "
                                               "when the data was built without it."},
            "last_updated": {**nullable("#/$defs/day"),
                             "description": "When the event last changed: from the history, or its newest "
                                            "correction; null when neither is known."},
            "translations": {
                "type": "object", "additionalProperties": {"$ref": "#/$defs/translation"},
                "propertyNames": {"enum": list(timeline.site.also_in)},
                "required": list(timeline.site.also_in),
                "description": "The event in each of the site's other languages (the top level's translations)."},
        },
        # The date's shape and its stated precision must agree: "2024-01" is a month, never a day.
        allOf=[{"if": {"properties": {"date_precision": {"const": precision}}},
                "then": {"properties": {"date": {"pattern": pattern}}}}
               for precision, pattern in DATE_PATTERNS.items()],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": f"{timeline.site.title}: events",
        "description": "The events of the timeline, each with its place, actors, topics and sources resolved.",
        **strict(
            ["$schema", "title", "description", "language", "translations", "url", "updated", "events"],
            {
                "$schema": {"const": schema_url},
                "title": {"$ref": "#/$defs/text"},
                "description": {"$ref": "#/$defs/text"},
                "language": {"$ref": "#/$defs/text", "description": "The language of the text (BCP 47)."},
                "translations": {"type": "array", "items": {"$ref": "#/$defs/text"},
                                 "description": "The other languages the site is published in (BCP 47)."},
                "url": {"$ref": "#/$defs/web_address", "description": "The site's address."},
                "updated": {"type": "string", "format": "date-time", "pattern": UTC_TIME_PATTERN,
                            "description": "When this edition of the data was made, in UTC."},
                "events": {"type": "array", "items": {"$ref": "#/$defs/event"},
                           "description": "In timeline order: by date, day-precise dates before the month's others."},
            },
        ),
        "$defs": {
            "id": {"type": "string", "pattern": ID_PATTERN.pattern},
            "text": {"type": "string", "minLength": 1},
            "web_address": {"type": "string", "format": "uri", "pattern": "^https?://"},
            "date": {"type": "string", "anyOf": [{"pattern": pattern} for pattern in DATE_PATTERNS.values()],
                     "description": "YYYY, YYYY-MM or YYYY-MM-DD: as precise as the sources allow, no more."},
            "event": event,
            "place": strict(["id", "name", "province", "latitude", "longitude"], {
                "id": {"$ref": "#/$defs/id"}, "name": {"$ref": "#/$defs/text"},
                "province": {**nullable("#/$defs/text"), "description": "The province (admin1), where known."},
                "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
                "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
            }),
            "actor": strict(["id", "name", "kind"], {
                "id": {"$ref": "#/$defs/id"}, "name": {"$ref": "#/$defs/text"}, "kind": {"enum": list(ACTOR_KINDS)},
            }),
            "topic": strict(["id", "name"], {"id": {"$ref": "#/$defs/id"}, "name": {"$ref": "#/$defs/text"}}),
            "day": {"type": "string", "pattern": DATE_PATTERNS["day"]},
            "correction": strict(["date", "what", "why"], {
                "date": {"$ref": "#/$defs/day"}, "what": {"$ref": "#/$defs/text"}, "why": {"$ref": "#/$defs/text"}}),
            "translation": strict(["url", "title", "summary", "notes", "disputed", "corrections"], {
                "url": {"$ref": "#/$defs/web_address", "description": "The event's page in that language."},
                "title": {**nullable("#/$defs/text"), "description": "Null until it is translated."},
                "summary": {**nullable("#/$defs/text"), "description": "In Markdown; null until it is translated."},
                "notes": {"type": "array", "items": nullable("#/$defs/text"),
                          "description": "Each source's note, in the order of sources; null where not translated."},
                "disputed": {**nullable("#/$defs/text"), "description": "Null when nothing is disputed or it is "
                                                                         "not yet translated."},
                "corrections": {"type": "array", "items": {"anyOf": [
                    strict(["what", "why"], {"what": {"$ref": "#/$defs/text"}, "why": {"$ref": "#/$defs/text"}}),
                    {"type": "null"}]}, "description": "Each correction's what and why, in the order of "
                                                       "corrections; null where not translated."},
            }),
            "source": strict(["id", "title", "publisher", "published", "url", "archived_url", "kind", "via",
                              "original", "note"], {
                "id": {"$ref": "#/$defs/id"},
                "title": {"$ref": "#/$defs/text", "description": "The headline."},
                "publisher": {"$ref": "#/$defs/text", "description": "The outlet whose copy was read."},
                "published": {"$ref": "#/$defs/date"},
                "url": {**nullable("#/$defs/web_address"), "description": "Null where the address is not known."},
                "archived_url": {**nullable("#/$defs/web_address"), "description": "An archived copy, where known."},
                "kind": {"anyOf": [{"enum": list(SOURCE_KINDS)}, {"type": "null"}]},
                "via": {**nullable("#/$defs/text"), "description": "The agency or outlet that wrote the story, "
                                                                   "when the publisher republished it."},
                "original": {**nullable("#/$defs/id"), "description": "The id of the source this one republishes."},
                "note": {**nullable("#/$defs/text"), "description": "What this source supports in the event."},
            }),
        },
    }


def schema_json(timeline: Timeline, site_url: str) -> str:
    return json.dumps(events_schema(timeline, site_url), ensure_ascii=False, indent=1) + "\n"


# --- CSV -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One CSV column: its name, what it holds (for the data page and docs), and how it is filled."""

    name: str
    meaning: str
    example: str
    value: Callable[[Entry, str], object]


# The catalogs' extraction reads Column()'s second argument as a message, and takes a name `_`
# inside the call for gettext: the values below never call a throwaway variable `_`.
def _publisher(source: Source) -> str:
    """The outlet, with the agency that wrote the story when it republished another's."""
    return f"{source.publisher} (via {source.via})" if source.via else source.publisher


def _source_words(source: Source) -> str:
    return f"{_publisher(source)}: {source.title} ({source.published.iso})"


def _addresses(entry: Entry) -> str:
    return " ".join(source.url for source, _ in entry.sources if source.url)


def _place_field(name: str) -> Callable[[Entry, str], object]:
    return lambda entry, site_url: getattr(entry.place, name) if entry.place else None


CSV_COLUMNS = (
    Column("event_id", "The event's id, also the last part of its page's address.",
           "2024-01-09-tc-television-studio-takeover", lambda e, u: e.id),
    Column("event_date", "When it happened, as precise as the sources allow: YYYY-MM-DD, YYYY-MM or YYYY. "
                         "A month is never written as its first day.", "2024-01-09", lambda e, u: e.event.date.iso),
    Column("year", "The year of event_date, as a number.", "2024", lambda e, u: e.event.date.year),
    Column("date_precision", "How much of event_date is known: day, month or year.", "day",
           lambda e, u: e.event.date.precision),
    Column("end_date", "For an event over several days, its last date, at its own precision; empty otherwise.",
           "2024-01-12", lambda e, u: e.event.end_date.iso if e.event.end_date else None),
    Column("approximate", "Whether the sources date the event only vaguely (\"in early January\"): true or false.", "false",
           lambda e, u: "true" if e.event.approximate else "false"),
    Column("title", "A one-line description of the event.",
           "Gunmen storm TC Televisión's studio in Guayaquil during a live broadcast", lambda e, u: e.event.title),
    Column("importance", "How much the event matters to the story: major, notable or minor.", "major", lambda e, u: e.event.importance),
    Column("actors", "The names of the people and organisations involved, separated by semicolons.",
           "TC Televisión; National Police of Ecuador",
           lambda e, u: LIST_SEPARATOR.join(actor.name for actor in e.actors)),
    Column("topics", "The names of the timeline's topics the event belongs to, separated by semicolons.",
           "Attacks on the press and the justice system",
           lambda e, u: LIST_SEPARATOR.join(topic.name for topic in e.topics)),
    Column("place", "Where it happened: a city, a town, or a whole country for what happened across it.",
           "Guayaquil", _place_field("name")),
    Column("admin1", "The place's province (ACLED's admin1); empty where it has none.", "Guayas",
           _place_field("province")),
    Column("latitude", "The place's latitude in decimal degrees (WGS 84); empty where not known.", "-2.19",
           _place_field("latitude")),
    Column("longitude", "The place's longitude in decimal degrees (WGS 84); empty where not known.", "-79.89",
           _place_field("longitude")),
    Column("notes", "The summary, as plain text on one line (ACLED's notes).",
           "On 9 January 2024 armed men in hoods burst into TC Televisión's studio…",
           lambda e, u: markup.plain_text(e.event.summary)),
    Column("sources", "Each source as “publisher: headline (date published)”, separated by semicolons; a "
                      "story republished from an agency names it: “publisher (via agency)”.",
           "Arkansas Democrat-Gazette (via AP): Armed men break into Ecuador TV station (2024-01-10); …",
           lambda e, u: LIST_SEPARATOR.join(_source_words(source) for source, cited in e.sources)),
    Column("source_urls", "The addresses of the sources that have one, separated by spaces.",
           "https://eluniverso.com/noticias/ecuador/… https://…",
           lambda e, u: _addresses(e)),
    Column("status", "How well sourced the event is: confirmed (two or more independent sources), single-source, "
                     "or disputed.", "confirmed", lambda e, u: e.status),
    Column("independent_sources", "How many of the sources are independent: copies of one story, and stories "
                                  "of one publisher, count once.", "2", lambda e, u: e.independent),
    Column("url", "The event's page on this site, with every source and what it supports.",
           "https://…/events/2024-01-09-tc-television-studio-takeover/", event_url),
)

TRANSLATED_COLUMNS = (
    Column("title_", "The title in the language the column's name ends with (title_es: Spanish); empty until "
                     "it is translated.", "Hombres armados irrumpen en el estudio de TC Televisión…",
           lambda e, u: None),
    Column("notes_", "The summary in that language, as plain text on one line; empty until it is translated.",
           "El 9 de enero de 2024, hombres armados…", lambda e, u: None),
    Column("url_", "The event's page in that language.", "https://…/es/events/2024-01-09-tc-television-studio-takeover/",
           lambda e, u: None),
)


def csv_columns(languages: tuple[str, ...]) -> tuple[Column, ...]:
    """The CSV's columns: CSV_COLUMNS, then title, notes and page address in each other language."""
    def translated(code: str) -> tuple[Column, ...]:
        def text(entry: Entry, field: str) -> str | None:
            return entry.event.translations.get(code, {}).get(field)
        title, notes, url = TRANSLATED_COLUMNS
        return (dataclasses.replace(title, name=f"title_{code}", value=lambda e, u: text(e, "title")),
                dataclasses.replace(notes, name=f"notes_{code}", value=lambda e, u: markup.plain_text(
                    text(e, "summary")) if text(e, "summary") else None),
                dataclasses.replace(url, name=f"url_{code}", value=lambda e, u: f"{u}{code}/events/{e.id}/"))
    return CSV_COLUMNS + tuple(column for code in languages for column in translated(code))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number (a negative latitude) is data, not a formula
    text = "" if value is None else str(value)
    # Spreadsheets skip leading spaces and line breaks before deciding that a cell is a formula.
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def events_csv(timeline: Timeline, site_url: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = csv_columns(timeline.site.also_in)
    writer.writerow([column.name for column in columns])
    for entry in timeline.entries:
        writer.writerow([spreadsheet_safe(column.value(entry, site_url)) for column in columns])
    return buffer.getvalue()


# --- iCalendar -------------------------------------------------------------------------------

def date_notes(entry: Entry) -> str:
    """What a calendar cannot show by itself: a date known only to the month or year, or approximate.
    Calendars have no partial dates, so such an entry covers the whole period the date may stand for."""
    date, end, approximate = entry.event.date, entry.event.end_date, entry.event.approximate
    notes = []
    if date.precision != "day":
        notes.append(f"Date known only to the {date.precision}{', and approximate' if approximate else ''}: "
                     f"{date.display()}.")
    elif approximate:
        notes.append(f"Approximate date: {date.display()}.")
    if end and end.precision != "day":
        notes.append(f"End known only to the {end.precision}: {end.display()}.")
    if end is None and date.precision != "day":
        notes.append(f"The calendar entry covers the whole {date.precision}.")
    elif end is not None and (date.precision != "day" or end.precision != "day"):
        notes.append(f"The calendar entry runs from {_day_words(date.first_day)} to {_day_words(end.last_day)}.")
    return " ".join(notes)


def _day_words(day: dt.date) -> str:
    return PartialDate.of(day).display()


def calendar_description(entry: Entry, site_url: str) -> str:
    parts = [date_notes(entry), markup.plain_text(entry.event.summary),
             "Sources:\n" + "\n".join(f"{_publisher(s)}, {s.title}, {s.published.display()}" for s, _ in entry.sources),
             f"Event page: {event_url(entry, site_url)}"]
    return "\n\n".join(part for part in parts if part)


def events_ics(timeline: Timeline, site_url: str, updated: dt.datetime) -> str:
    site = timeline.site
    host = urlsplit(site_url).hostname
    stamp = updated.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [("BEGIN", "VCALENDAR"),
             ("PRODID", _ical_text(f"-//{site.title}//Events//{site.language.upper()}")),
             ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH"),
             ("NAME", _ical_text(site.title)),
             # Calendar programs read these older, unofficial names as they stand, without unescaping.
             ("X-WR-CALNAME", _one_line(site.title)), ("X-WR-CALDESC", _one_line(site.description)),
             ("URL", site_url)]
    for entry in timeline.entries:
        event, place = entry.event, entry.place
        lines += [("BEGIN", "VEVENT"),
                  ("SUMMARY", _ical_text(event.title)),
                  # All-day dates; DTEND is exclusive, so the day after the last day the date may stand for.
                  ("DTSTART;VALUE=DATE", event.date.first_day.strftime("%Y%m%d")),
                  ("DTEND;VALUE=DATE", ((event.end_date or event.date).last_day + dt.timedelta(days=1)).strftime("%Y%m%d")),
                  ("DTSTAMP", stamp),
                  ("UID", _ical_text(f"{event.id}@{host}")),
                  ("CATEGORIES", ",".join(_ical_text(topic.name) for topic in entry.topics)) if entry.topics else None,
                  ("DESCRIPTION", _ical_text(calendar_description(entry, site_url))),
                  ("GEO", f"{place.latitude};{place.longitude}")
                  if place and place.latitude is not None and place.longitude is not None else None,
                  ("LOCATION", _ical_text(place.name + (f", {place.province}" if place.province and
                                                        place.province != place.name else ""))) if place else None,
                  ("TRANSP", "TRANSPARENT"),  # a record of the past, not a time the reader is busy
                  ("URL", event_url(entry, site_url)),
                  ("END", "VEVENT")]
    lines.append(("END", "VCALENDAR"))
    return "".join(_fold(f"{name}:{value}") for name, value in filter(None, lines))


# Written by hand rather than with the icalendar library (which the tests use to read the file
# back): its encoder needed 3 s for 10,000 events, longer than rendering all their pages.

def _ical_text(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fold(line: str) -> str:
    """One content line, folded at 75 octets without splitting a UTF-8 character, ending in CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    pieces, start, width = [], 0, 75
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character: fold before it
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, width = end, 74  # a continuation line starts with a space, which counts
    return "\r\n ".join(pieces) + "\r\n"


# --- Dispatch --------------------------------------------------------------------------------

def render(kind: str, timeline: Timeline, site_url: str, updated: dt.datetime) -> str:
    """The text of one open-data file: kind is one of RENDERERS' keys, as planned in pages.plan_site."""
    return RENDERERS[kind](timeline, site_url, updated)


RENDERERS = {
    "json": events_json,
    "schema": lambda timeline, site_url, updated: schema_json(timeline, site_url),
    "csv": lambda timeline, site_url, updated: events_csv(timeline, site_url),
    "ics": events_ics,
    "figures": figures_json,
}
assert set(RENDERERS) == set(FILES)
