"""Renders the open data for researchers and newsrooms: the events as JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from .timeline import Entry, Timeline

CSV_COLUMNS = ("event_id", "event_date", "date_precision", "end_date", "approximate", "title", "importance",
               "actors", "topics", "place", "latitude", "longitude", "sources", "source_urls", "url")


def event_record(entry: Entry, site_url: str) -> dict:
    """One event as open data, with everything it refers to resolved."""
    event = entry.event
    return {
        "id": event.id,
        "url": f"{site_url}events/{event.id}/",
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
        "sources": [{"id": s.id, "title": s.title, "publisher": s.publisher, "published": s.published.iso,
                     "url": s.url, "note": cited.note} for s, cited in entry.sources],
    }


def events_json(timeline: Timeline, site_url: str) -> str:
    document = {"title": timeline.site.title, "url": site_url,
                "events": [event_record(entry, site_url) for entry in timeline.entries]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number (a negative latitude) is data, not a formula
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def events_csv(timeline: Timeline, site_url: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in timeline.entries:
        event, place = entry.event, entry.place
        row = (event.id, event.date.iso, event.date.precision, event.end_date.iso if event.end_date else "",
               "true" if event.approximate else "false", event.title, event.importance,
               "; ".join(a.name for a in entry.actors), "; ".join(t.name for t in entry.topics),
               place.name if place else "", place.latitude if place and place.latitude is not None else "",
               place.longitude if place and place.longitude is not None else "",
               "; ".join(f"{s.publisher}: {s.title} ({s.published.iso})" for s, _ in entry.sources),
               " ".join(s.url for s, _ in entry.sources if s.url), f"{site_url}events/{event.id}/")
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


def render(kind: str, timeline: Timeline, site_url: str, updated: dt.datetime) -> str:
    """The text of one open-data file: kind is one of RENDERERS' keys, as planned in pages.plan_site."""
    return RENDERERS[kind](timeline, site_url, updated)


RENDERERS = {
    "json": lambda timeline, site_url, updated: events_json(timeline, site_url),
    "csv": lambda timeline, site_url, updated: events_csv(timeline, site_url),
}
