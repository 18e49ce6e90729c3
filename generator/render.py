"""Renders the site plan into bytes: HTML and XML through Jinja2 (autoescaped), JSON and CSV directly."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from dateutil import tz

from . import markup
from .dates import PartialDate
from .diagnostics import count
from .pages import Output
from .timeline import Entry, Timeline

CSV_COLUMNS = ("event_id", "event_date", "date_precision", "end_date", "approximate", "title", "importance",
               "actors", "topics", "place", "latitude", "longitude", "sources", "source_urls", "url")


def render_site(outputs: list[Output], timeline: Timeline, templates_dir: Path, static_dir: Path,
                base_url: str | None = None) -> dict[str, bytes]:
    """Every output file's path and bytes, including the static assets."""
    site_url = (base_url or timeline.site.base_url).rstrip("/") + "/"
    assets = fingerprint(_read_assets(static_dir))
    env = _environment(templates_dir, timeline, site_url, assets)
    files: dict[str, bytes] = {f"static/{name}": data for name, data in assets.values()}
    for output in outputs:
        if output.template:
            template = env.get_template(output.template)
            text = template.render(output=output, **output.context)
        elif output.data == "json":
            text = events_json(timeline, site_url)
        elif output.data == "csv":
            text = events_csv(timeline, site_url)
        else:  # pragma: no cover - pages.plan_site only makes the kinds above
            raise ValueError(f"no renderer for {output.path}")
        files[output.path] = text.encode("utf-8")
    return files


def fingerprint(assets: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """Each asset under a name that changes with its bytes (style.css -> style.1a2b3c4d5e.css), so
    that browsers may cache it for ever and still never see a stale copy."""
    named = {}
    for name, data in assets.items():
        folder, _, file_name = name.rpartition("/")
        stem, dot, suffix = file_name.partition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        named[name] = ((folder + "/" if folder else "") + f"{stem}.{digest}{dot}{suffix}", data)
    return named


def _environment(templates_dir: Path, timeline: Timeline, site_url: str,
                 assets: dict[str, tuple[str, bytes]]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    base_path = urlsplit(site_url).path or "/"
    zone = tz.gettz(timeline.site.time_zone) or tz.UTC

    def url(path: str = "") -> str:
        return base_path + path.lstrip("/")

    def asset(name: str) -> str:
        return url("static/" + assets[name][0])

    env.globals.update(site=timeline.site, url=url, abs_url=lambda path="": site_url + path.lstrip("/"),
                       asset=asset, timeline=timeline)
    env.filters.update(
        markdown=markup.to_html,
        excerpt=markup.excerpt,
        plain=markup.plain_text,
        date_words=PartialDate.display,
        events=event_count,
        atom_time=lambda date: _atom_time(date, zone),
    )
    return env


def event_count(number: int) -> str:
    """How many events, in words ("1 event", "2 events"), for every template that counts them."""
    return count(number, "event")


def _atom_time(date: PartialDate, zone) -> str:
    moment = dt.datetime.combine(date.first_day, dt.time(), tzinfo=zone)
    return moment.isoformat()


def _read_assets(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {path.relative_to(static_dir).as_posix(): path.read_bytes()
            for path in sorted(static_dir.rglob("*")) if path.is_file() and not path.name.startswith(".")}


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
