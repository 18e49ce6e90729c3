"""Writes new record files for editors: pre-filled, commented, and invalid until their TODOs are filled."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .dates import DateError, PartialDate
from .diagnostics import did_you_mean
from .model import ACTOR_KINDS, FIGURE_QUALIFIERS, IMPORTANCE, PLACEHOLDER, SOURCE_KINDS

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
MAX_SLUG = 60
"""Long enough to tell events apart, short enough for an address someone can read out."""


class ScaffoldError(Exception):
    """The record cannot be created as asked; the message and hint say why."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, accents folded: 'César Suárez' gives 'cesar-suarez'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG + 1].rsplit("-", 1)[0]  # cut at a word boundary
    return slug


@dataclass(frozen=True)
class NewRecord:
    """What an editor asked for on the command line."""

    kind: str  # "event", "actor", "topic", "place", "source" or "figure"
    name: str  # the event's or source's title, or the record's name
    date: str | None = None  # an event's date or a source's publication date
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    place: str | None = None
    sources: tuple[str, ...] = ()
    kind_of_actor: str | None = None
    publisher: str | None = None


def create(request: NewRecord, content_dir: Path) -> Path:
    """Write the new record's file and return its path; refuse to overwrite anything."""
    name = " ".join(request.name.split())
    if not name:
        raise ScaffoldError(f"the {request.kind} needs a name", f"for example: timeline new {request.kind} \"...\"")
    date = _parse_date(request.date) if request.date else None
    if request.kind == "event" and date is None:
        raise ScaffoldError("an event needs --date", "give it as YYYY, YYYY-MM or YYYY-MM-DD, at the precision "
                                                     "the sources support")
    for kind, ids in (("actor", request.actors), ("topic", request.topics), ("place", (request.place or "",)),
                      ("source", request.sources)):
        _check_known(content_dir, kind, [i for i in ids if i])
    if request.kind_of_actor and request.kind_of_actor not in ACTOR_KINDS:
        raise ScaffoldError(f"'{request.kind_of_actor}' is not a kind of actor",
                            did_you_mean(request.kind_of_actor, ACTOR_KINDS)
                            or f"use one of: {', '.join(ACTOR_KINDS)}")

    record_id = _record_id(request, name, date)
    path = content_dir / f"{request.kind}s" / f"{record_id}.yaml"
    text = _header(request.kind, path) + _BODIES[request.kind](request, name, date)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fail rather than replace an editor's work
            file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists", "edit that file, or choose a different name") from None
    return path


def _parse_date(value: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except DateError as error:
        raise ScaffoldError(f"--date: {error}", error.hint) from None


def _check_known(content_dir: Path, kind: str, ids: list[str]) -> None:
    folder = content_dir / f"{kind}s"
    known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    for wanted in ids:
        if wanted not in known:
            raise ScaffoldError(f"unknown {kind} '{wanted}'",
                                did_you_mean(wanted, known) or f"create it first: timeline new {kind} \"Its name\"")


def _record_id(request: NewRecord, name: str, date: PartialDate | None) -> str:
    slug = slugify(name)
    if not slug:
        raise ScaffoldError(f"'{name}' has no letters or digits to make a file name from",
                            "write the name with Latin letters or digits")
    if request.kind == "event":
        return f"{date.iso}-{slug}"
    if request.kind == "source" and request.publisher and date:
        return f"{slugify(request.publisher)}-{date.iso}-{slug}"[:MAX_SLUG * 2].strip("-")
    return slug


def _header(kind: str, path: Path) -> str:
    schema = Path(os.path.relpath(SCHEMAS_DIR / f"{kind}.schema.json", path.parent.resolve())).as_posix()
    return (f"# yaml-language-server: $schema={schema}\n"
            f"# A new {kind}. Replace every {PLACEHOLDER}, then run: timeline check\n"
            "# Lines starting with # are comments; remove the # to use an optional field.\n"
            "# Every field is explained in docs/editing.md.\n")


def _field(key: str, value) -> str:
    """One 'key: value' line, quoted by YAML itself wherever the value needs it."""
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000)


def _ids(key: str, ids: tuple[str, ...], comment: str) -> str:
    return f"{key}: [{', '.join(ids)}]  # {comment}\n"


def _event(request: NewRecord, title: str, date: PartialDate) -> str:
    place = f"place: {request.place}" if request.place else "# place: guayaquil"
    if request.sources:
        sources = "".join(f"  - source: {source_id}\n    # note: what this source supports\n"
                          for source_id in request.sources)
    else:
        sources = (f"  - source: {PLACEHOLDER}-a-file-name-from-content-sources\n"
                   "    # note: what this source supports\n")
    return (
        _field("title", title).rstrip("\n") + "  # a one-line headline in our own words\n"
        + f"date: {date.iso}  # YYYY, YYYY-MM or YYYY-MM-DD: only the precision the sources support\n"
        + "# end_date: 2024-01-10  # for an event that spans time\n"
        + "# approximate: true  # when the sources give the date only roughly\n"
        + f"{place}  # an id from content/places/\n"
        + _ids("actors", request.actors, "ids from content/actors/")
        + _ids("topics", request.topics, "ids from content/topics/")
        + f"importance: notable  # {', '.join(IMPORTANCE)}\n"
        + "# After each claim in the summary, cite the source that supports it: [@source-id], or [@a; @b].\n"
        + "summary: |\n"
        + f"  {PLACEHOLDER}: what happened, in 60 to 200 words of your own. The first paragraph is\n"
        + "  shown on the timeline. State only what the sources below support; a short quotation\n"
        + "  of what someone said, in quotation marks and attributed, is fine.\n"
        + "sources:  # at least one, each an id from content/sources/\n"
        + sources
    )


def _actor(request: NewRecord, name: str, _date) -> str:
    return (
        _field("name", name)
        + f"kind: {request.kind_of_actor or PLACEHOLDER}  # one of: {', '.join(ACTOR_KINDS)}\n"
        + "# role: President of Ecuador since November 2023  # one line\n"
        + "# aliases: [other names the sources use]\n"
        + "summary: |\n"
        + f"  {PLACEHOLDER}: who they are, in a few sentences of your own, or delete the summary.\n"
        + "# sources: [a source id that supports the summary]\n"
    )


def _topic(_request: NewRecord, name: str, _date) -> str:
    return (
        _field("name", name)
        + "summary: |\n"
        + f"  {PLACEHOLDER}: what this topic covers, or delete the summary. Give any figure\n"
        + "  together with the source that states it.\n"
    )


def _place(_request: NewRecord, name: str, _date) -> str:
    return (
        _field("name", name)
        + "# province: Guayas\n"
        + "# latitude: -2.19  # decimal degrees, -90 to 90\n"
        + "# longitude: -79.89  # decimal degrees, -180 to 180\n"
    )


def _source(request: NewRecord, title: str, date: PartialDate | None) -> str:
    publisher = _field("publisher", request.publisher) if request.publisher else f"publisher: {PLACEHOLDER}\n"
    published = f"published: {date.iso}" if date else f"published: {PLACEHOLDER}"
    return (
        _field("title", title).rstrip("\n") + "  # the headline exactly as published\n"
        + publisher
        + f"{published}  # YYYY, YYYY-MM or YYYY-MM-DD, as precise as the article says\n"
        + "# url: https://...  # only the article's real address; never guess one\n"
        + "# author: Name Surname\n"
        + "# language: es  # en, es, ...\n"
        + "# archived_url: https://...  # an archived copy, if there is one\n"
        + "# offline: read in the print edition  # without url or archived_url: why readers cannot follow a link\n"
        + f"# kind: newspaper  # {', '.join(SOURCE_KINDS)}\n"
        + "# via: AFP  # when this copy republishes another's story (a wire story): who wrote it\n"
        + "# original: a-source-id  # when this republishes or translates a source in content/sources/\n"
    )


def _figure(request: NewRecord, title: str, _date) -> str:
    sources = request.sources or (f"{PLACEHOLDER}-a-file-name-from-content-sources",)
    values = "".join(
        f"  - date: {PLACEHOLDER}  # the year, month or day the value is for: YYYY, YYYY-MM or YYYY-MM-DD\n"
        f"    value: {PLACEHOLDER}  # the number as the source gives it, without separators: 3219\n"
        f"    source: {source_id}\n"
        f"    # qualifier: more-than  # {', '.join(FIGURE_QUALIFIERS)}: when the source gives no exact number\n"
        "    # to: 39  # the top of a range the source gives, such as 32 to 39\n"
        "    # note: what exactly the source counts, or whose number it is\n"
        for source_id in sources)
    return (
        _field("title", title).rstrip("\n") + "  # what is measured, in a few words\n"
        + f"unit: {PLACEHOLDER}  # what the numbers count, shown after them: people, per 100,000 inhabitants\n"
        + "# description: what the figure counts, and how far its numbers can be compared  # Markdown\n"
        + _ids("topics", request.topics, "ids from content/topics/: their pages show the chart")
        + "# One value per source and date; where sources disagree, give each source's value.\n"
        + "values:\n" + values
    )


_BODIES = {"event": _event, "actor": _actor, "topic": _topic, "place": _place, "source": _source,
           "figure": _figure}
KINDS = tuple(_BODIES)
