"""Renders the site plan into bytes: HTML and XML through Jinja2 (autoescaped), JSON and CSV directly."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import jinja2
from dateutil import tz

from . import linkeddata, markup, opendata
from .dates import PartialDate
from .diagnostics import count
from .pages import Output
from .timeline import Entry, Timeline


class Renderer:
    """Renders one planned output at a time, so that a build can stream files to disk (or share
    the work between processes) instead of holding the whole site in memory."""

    def __init__(self, timeline: Timeline, templates_dir: Path, static_dir: Path,
                 base_url: str | None = None, built: dt.datetime | None = None,
                 fragments: dict | None = None, entry_stamp: Callable[[Entry], str] | None = None,
                 compiled: CompiledTemplates | None = None):
        """`fragments` and `entry_stamp` let the preview keep rendered list entries from one
        rebuild to the next: an entry is reused while its stamp (a hash of what it shows) holds;
        `compiled` keeps compiled templates likewise."""
        self.timeline = timeline
        self.updated = built or timeline.newest_moment()
        self.site_url = (base_url or timeline.site.base_url).rstrip("/") + "/"
        self.assets = fingerprint(_read_assets(static_dir))
        self.env = _environment(templates_dir, timeline, self.site_url, self.assets,
                                {} if fragments is None else fragments, entry_stamp or (lambda entry: ""), compiled)
        self.env.globals.update(built=built, updated=self.updated)

    def asset_files(self) -> dict[str, bytes]:
        """The static assets under their fingerprinted names."""
        return {f"static/{name}": data for name, data in self.assets.values()}

    def render(self, output: Output) -> bytes:
        if output.template:
            text = self.env.get_template(output.template).render(output=output, **output.context)
        else:
            text = opendata.render(output.data, self.timeline, self.site_url, self.updated)
        return text.encode("utf-8")


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


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and checksum of their source, for the preview,
    which makes a new environment on every save (its globals name that save's timeline)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])  # ignored when the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def _environment(templates_dir: Path, timeline: Timeline, site_url: str, assets: dict[str, tuple[str, bytes]],
                 fragments: dict, entry_stamp: Callable[[Entry], str],
                 compiled: jinja2.BytecodeCache | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=compiled,
    )
    base_path = urlsplit(site_url).path or "/"
    zone = tz.gettz(timeline.site.time_zone) or tz.UTC

    def url(path: str = "") -> str:
        return base_path + path.lstrip("/")

    def asset(name: str) -> str:
        return url("static/" + assets[name][0])

    def asset_address(name: str) -> str | None:
        """An asset's absolute address, for link previews; None when static/ does not have it."""
        return site_url + "static/" + assets[name][0] if name in assets else None

    def entry_html(entry, level: int = 3, filterable: bool = False) -> str:
        """An event's entry in a list, rendered once and reused: one event is listed on the timeline
        and on each of its actors', topics', place's pages, so without this most of a large site's
        rendering would repeat the same entries."""
        key = (entry.id, entry_stamp(entry), level, filterable)
        if key not in fragments:
            fragments[key] = env.get_template("_macros.html").module.entry_item(entry, level, filterable)
        return fragments[key]

    env.globals.update(site=timeline.site, url=url, entry_html=entry_html, abs_url=lambda path="": site_url + path.lstrip("/"),
                       asset=asset, asset_address=asset_address, timeline=timeline, site_url=site_url, linked_data=linkeddata)
    # JSON-LD keeps its fields in the order written; |tojson still escapes < > & ' so that no text
    # can close the <script> element it sits in.
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    env.filters.update(
        markdown=markup.to_html,
        excerpt=markup.excerpt,
        plain=markup.plain_text,
        date_words=PartialDate.display,
        events=event_count,
        atom_time=lambda date: _atom_time(date, zone),
        day_words=lambda moment: _day(moment, zone).display(),
        day_iso=lambda moment: _day(moment, zone).iso,
    )
    return env


def event_count(number: int) -> str:
    """How many events, in words ("1 event", "2 events"), for every template that counts them."""
    return count(number, "event")


def _atom_time(date: PartialDate, zone) -> str:
    # The last day a partial date stands for, so that a feed reader sorting by time keeps the
    # timeline's order: an event known to the month comes after that month's dated events.
    moment = dt.datetime.combine(date.last_day, dt.time(), tzinfo=zone)
    return moment.isoformat()


def _day(moment: dt.datetime, zone) -> PartialDate:
    return PartialDate.of(moment.astimezone(zone).date())


def _read_assets(static_dir: Path) -> dict[str, bytes]:
    if not static_dir.is_dir():
        return {}
    return {path.relative_to(static_dir).as_posix(): path.read_bytes()
            for path in sorted(static_dir.rglob("*")) if path.is_file() and not path.name.startswith(".")}
