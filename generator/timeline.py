"""Links the records into the timeline: references resolved, events in order, every index built once."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz

from .dates import PartialDate
from .diagnostics import Diagnostics, Location, did_you_mean
from .markup import citations_in
from .model import (CITATION_HINT, Actor, Citation, Content, Correction, Event, Figure, Page, Place, Site, Source,
                    Topic)


@dataclass(frozen=True)
class Entry:
    """An event with everything it refers to resolved, and its neighbours in time."""

    event: Event
    position: int
    place: Place | None
    actors: tuple[Actor, ...]
    topics: tuple[Topic, ...]
    sources: tuple[tuple[Source, Citation], ...]
    independent: int = 0  # how many of the sources are independent of each other: see origin()

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def status(self) -> str:
        """How well the event is established: "disputed" when the editor says so, "confirmed" with
        two or more independent sources, "single-source" otherwise."""
        if self.event.disputed:
            return "disputed"
        return "confirmed" if self.independent >= 2 else "single-source"


STATUSES = ("confirmed", "single-source", "disputed")


@dataclass(frozen=True)
class Change:
    """A change readers may want to know of: an event added to the timeline, or corrected."""

    date: PartialDate
    entry: Entry
    correction: Correction | None = None  # None for an addition
    number: int = 0  # the correction's place in the event's list, from 1

    @property
    def id(self) -> str:
        """Stable for as long as the change is listed: its event, and which change it is."""
        return f"{self.entry.id}-" + (f"correction-{self.number}" if self.correction else "added")


@dataclass(frozen=True)
class Month:
    year: int
    month: int | None  # None holds the events known only to the year
    entries: tuple[Entry, ...]

    @property
    def date(self) -> PartialDate:
        """The month as a date; for the events known only to the year, the year."""
        return PartialDate(self.year, self.month)

    @property
    def anchor(self) -> str:
        return f"y{self.year}" + (f"-{self.month:02d}" if self.month else "-undated")


@dataclass
class Timeline:
    site: Site
    entries: tuple[Entry, ...]
    actors: dict[str, Actor]
    topics: dict[str, Topic]
    places: dict[str, Place]
    sources: dict[str, Source]
    pages: dict[str, Page]
    figures: dict[str, Figure] = field(default_factory=dict)
    by_id: dict[str, Entry] = field(default_factory=dict)
    by_actor: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    by_topic: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    by_place: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    by_source: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    by_year: dict[int, tuple[Month, ...]] = field(default_factory=dict)
    figures_by_topic: dict[str, tuple[Figure, ...]] = field(default_factory=dict)
    figures_by_source: dict[str, tuple[Figure, ...]] = field(default_factory=dict)

    def neighbours(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        before = self.entries[entry.position - 1] if entry.position > 0 else None
        after = self.entries[entry.position + 1] if entry.position + 1 < len(self.entries) else None
        return before, after

    def changes(self, limit: int | None = None) -> list[Change]:
        """The newest additions (from the repository's history) and corrections, newest first."""
        found = [Change(entry.event.first_published, entry) for entry in self.entries if entry.event.first_published]
        found += [Change(correction.date, entry, correction, number)
                  for entry in self.entries for number, correction in enumerate(entry.event.corrections, 1)]
        found.sort(key=lambda change: (change.date.sort_key, change.correction is not None, change.entry.position,
                                       change.id), reverse=True)
        return found[:limit]

    def newest_moment(self) -> dt.datetime:
        """The start of the newest date in the content (events and sources), in UTC: a stand-in for
        the build time that depends only on the content, so that builds stay reproducible."""
        dates = [date for entry in self.entries for date in (entry.event.date, entry.event.end_date) if date]
        dates += [source.published for source in self.sources.values()]
        newest = max((date.first_day for date in dates), default=dt.date(1970, 1, 1))
        return dt.datetime.combine(newest, dt.time(), tzinfo=dt.timezone.utc)


def event_order(event: Event) -> tuple:
    """Chronological, precision-aware and stable: see PartialDate.sort_key; ties broken by id."""
    return (event.date.sort_key, event.id)


def assemble(content: Content, diagnostics: Diagnostics, drafts: bool = False) -> Timeline | None:
    """The linked timeline, reporting every reference that does not resolve; draft events are
    checked like the others but left out unless `drafts` is true."""
    known = known_ids(content)
    _check_references(content, known, diagnostics)
    if not diagnostics.errors:  # a file that failed to load would make its references look unused
        _warn_unreferenced(content, known, diagnostics)
        _warn_without_place(content, diagnostics)  # errors first: one thing at a time for the editor
        _warn_without_address(content, diagnostics)
    _warn_likely_duplicates(content, diagnostics)
    if content.site is None:
        return None
    return link(content, drafts)


def link(content: Content, drafts: bool = False) -> Timeline:
    """The records joined up (their references already checked) and every index built."""
    ordered = sorted((event for event in content.events.values() if drafts or not event.draft), key=event_order)
    origins = {source_id: origin(source, content.sources) for source_id, source in content.sources.items()}
    entries = tuple(
        Entry(
            event=event,
            position=position,
            place=content.places.get(event.place_id) if event.place_id else None,
            actors=tuple(content.actors[i] for i in event.actor_ids if i in content.actors),
            topics=tuple(content.topics[i] for i in event.topic_ids if i in content.topics),
            sources=tuple((content.sources[c.source_id], c) for c in event.citations
                          if c.source_id in content.sources),
            independent=len({origins[c.source_id] for c in event.citations if c.source_id in origins}),
        )
        for position, event in enumerate(ordered)
    )
    timeline = Timeline(content.site, entries, _by_name(content.actors), _by_name(content.topics),
                        _by_name(content.places), _sources_in_order(content.sources), dict(sorted(content.pages.items())),
                        _by_title(content.figures))

    by_actor, by_topic, by_place, by_source = (defaultdict(list) for _ in range(4))
    months: dict[tuple[int, int | None], list[Entry]] = defaultdict(list)
    for entry in entries:  # entries are in order, so every index is too
        timeline.by_id[entry.id] = entry
        for actor in entry.actors:
            by_actor[actor.id].append(entry)
        for topic in entry.topics:
            by_topic[topic.id].append(entry)
        if entry.place:
            by_place[entry.place.id].append(entry)
        for source, _ in entry.sources:
            by_source[source.id].append(entry)
        months[(entry.event.date.year, entry.event.date.month)].append(entry)
    timeline.by_actor = {key: tuple(value) for key, value in by_actor.items()}
    timeline.by_topic = {key: tuple(value) for key, value in by_topic.items()}
    timeline.by_place = {key: tuple(value) for key, value in by_place.items()}
    timeline.by_source = {key: tuple(value) for key, value in by_source.items()}
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), group in months.items():  # insertion order is already chronological
        years[year].append(Month(year, month, tuple(group)))
    timeline.by_year = {year: tuple(group) for year, group in years.items()}
    figures_by_topic: dict[str, list[Figure]] = defaultdict(list)
    figures_by_source: dict[str, list[Figure]] = defaultdict(list)
    for figure in timeline.figures.values():
        for topic_id in figure.topic_ids:
            figures_by_topic[topic_id].append(figure)
        for source_id in figure.source_ids:
            figures_by_source[source_id].append(figure)
    timeline.figures_by_topic = {key: tuple(value) for key, value in figures_by_topic.items()}
    timeline.figures_by_source = {key: tuple(value) for key, value in figures_by_source.items()}
    return timeline


def origin(source: Source, sources: dict[str, Source]) -> str:
    """The newsroom a source's reporting comes from: for a republication, the original's (its
    `original:`, followed to the end); for a story another wrote (`via:`, such as a wire story on
    a newspaper's site), that agency; otherwise its publisher. Sources with one origin are not
    independent of each other: copies of one story, and stories of one newsroom, count once."""
    first = _originals(source, sources)[-1]
    return _organisation(first.via or first.publisher)


def _originals(source: Source, sources: dict[str, Source]) -> list[Source]:
    """The source, the source it republishes, and so on, to one that republishes none (or, in a
    loop, one that republishes a source already in the list)."""
    chain = [source]
    while chain[-1].original_id in sources and sources[chain[-1].original_id] not in chain:
        chain.append(sources[chain[-1].original_id])
    return chain


@lru_cache(maxsize=4096)  # a handful of publishers, compared for every citation in every edition
def _organisation(name: str) -> str:
    """A publisher's name compared loosely: "The Associated Press" is "associated press". A remark
    in brackets is left out, so that "EFE (probably)" counts as EFE: an uncertain attribution
    can only lower the count of independent sources, never raise it."""
    words = re.sub(r"\([^)]*\)", " ", alphabetical(name)).replace("&", " and ").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _by_name(records: dict) -> dict:
    return dict(sorted(records.items(), key=lambda item: (alphabetical(item[1].name), item[0])))


def _by_title(figures: dict[str, Figure]) -> dict[str, Figure]:
    return dict(sorted(figures.items(), key=lambda item: (alphabetical(item[1].title), item[0])))


def alphabetical(name: str) -> str:
    """A name's place in an alphabetical list: without case or accents, so that Álvaro comes
    before Bruno and Suárez before Suazo, as readers of English and Spanish expect."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _sources_in_order(sources: dict[str, Source]) -> dict[str, Source]:
    return dict(sorted(sources.items(), key=lambda item: (item[1].published.sort_key, item[0])))


def _check_references(content: Content, known: dict[str, set[str]], diagnostics: Diagnostics) -> None:
    def check(record, kind: str, wanted: str, *path) -> None:
        if wanted not in known[kind]:
            diagnostics.error(record.at(*path), f"unknown {kind} '{wanted}'",
                              did_you_mean(wanted, known[kind])
                              or f"create content/{kind}s/{wanted}.yaml, or use an existing {kind} id")

    for event in content.events.values():
        record = content.locations[("event", event.id)]
        if event.place_id:
            check(record, "place", event.place_id, "place")
        for index, actor_id in enumerate(event.actor_ids):
            check(record, "actor", actor_id, "actors", index)
        for index, topic_id in enumerate(event.topic_ids):
            check(record, "topic", topic_id, "topics", index)
        for index, cited in enumerate(event.citations):
            check(record, "source", cited.source_id, "sources", index, "source")  # the id, also in "- source: id"
    for kind, records in (("actor", content.actors), ("topic", content.topics)):
        for described in records.values():
            record = content.locations[(kind, described.id)]
            for index, cited in enumerate(described.citations):
                check(record, "source", cited.source_id, "sources", index, "source")
    for figure in content.figures.values():
        record = content.locations[("figure", figure.id)]
        for index, topic_id in enumerate(figure.topic_ids):
            check(record, "topic", topic_id, "topics", index)
        for index, value in enumerate(figure.values):
            check(record, "source", value.source_id, "values", index, "source")
        _check_free_citations(figure.description, lambda offset: record.at("description"), known, diagnostics)
    for page in content.pages.values():  # a free page's citations name any source
        record = content.locations[("page", page.id)]
        _check_free_citations(page.body, lambda offset: Location(
            record.file, record.body_line + page.body[:offset].count("\n")), known, diagnostics)
    for source in content.sources.values():
        if source.original_id:
            record = content.locations[("source", source.id)]
            check(record, "source", source.original_id, "original")
            _check_original_chain(source, content.sources, record, diagnostics)


def _check_free_citations(text: str, where, known: dict[str, set[str]], diagnostics: Diagnostics) -> None:
    """Citations in a text that has no list of sources of its own (a free page, a figure's
    description): each must name a known source; `where(offset)` locates a citation."""
    for citing in citations_in(text):
        for source_id in citing.source_ids or (None,):
            if source_id is None:
                diagnostics.error(where(citing.offset), f"'{citing.written}' is not a citation", CITATION_HINT)
            elif source_id not in known["source"]:
                diagnostics.error(where(citing.offset), f"unknown source '{source_id}'",
                                  did_you_mean(source_id, known["source"]) or "cite an id from content/sources/")


def _check_original_chain(source: Source, sources: dict[str, Source], record, diagnostics: Diagnostics) -> None:
    """A source cannot republish itself, even through others: the chain of originals must end.
    A loop is reported by each source in it, as it comes back to that source."""
    chain = _originals(source, sources)
    if chain[-1].original_id == source.id:
        loop = " -> ".join([*(link.id for link in chain), source.id])
        diagnostics.error(record.at("original"), f"original: the sources republish each other in a loop ({loop})",
                          "'original:' names the source that first published the story; one of them has none")


def known_ids(content: Content) -> dict[str, set[str]]:
    """Ids of every registry file that parsed, by kind, even one with invalid fields, so one
    mistake does not also turn every reference to that record into an error."""
    known: dict[str, set[str]] = {"actor": set(), "topic": set(), "place": set(), "source": set()}
    for kind, record_id in content.locations:
        if kind in known:
            known[kind].add(record_id)
    return known


def _warn_unreferenced(content: Content, known: dict[str, set[str]], diagnostics: Diagnostics) -> None:
    used: dict[str, set[str]] = {"actor": set(), "topic": set(), "place": set(), "source": set()}
    for event in content.events.values():
        used["actor"].update(event.actor_ids)
        used["topic"].update(event.topic_ids)
        used["place"].add(event.place_id)
        used["source"].update(c.source_id for c in event.citations)
    for described in (*content.actors.values(), *content.topics.values()):
        used["source"].update(c.source_id for c in described.citations)
    used["source"].update(source.original_id for source in content.sources.values() if source.original_id)
    for figure in content.figures.values():
        used["topic"].update(figure.topic_ids)
        used["source"].update(figure.source_ids)
        used["source"].update(source_id for citing in citations_in(figure.description)
                              for source_id in citing.source_ids)
    for kind, ids in used.items():
        for record_id in sorted(known[kind] - ids):
            field = {"place": "place", "source": "sources"}.get(kind, kind + "s")
            where = ("an event's, actor's, topic's or figure's" if kind == "source"  # they cite sources too
                     else "an event's or figure's" if kind == "topic" else "an event's")
            diagnostics.warning(content.locations[(kind, record_id)].at(),
                                f"nothing refers to the {kind} '{record_id}'",
                                f"link it from {where} '{field}:', or delete the file")


def _warn_without_place(content: Content, diagnostics: Diagnostics) -> None:
    """Readers look events up by place; one left out is missing from its place's page and the map."""
    for event_id in sorted(content.events):
        if content.events[event_id].place_id is None:
            diagnostics.warning(content.locations[("event", event_id)].at(), "this event has no place",
                                "add 'place:' with an id from content/places/; for an event across the "
                                "whole country, use the country's place")


def _warn_without_address(content: Content, diagnostics: Diagnostics) -> None:
    """Readers cannot check a source they cannot reach; an editor who knows why says so in `offline:`."""
    for source_id in sorted(content.sources):
        source = content.sources[source_id]
        if not (source.url or source.archived_url or source.offline):
            diagnostics.warning(content.locations[("source", source_id)].at(),
                                f"the source '{source_id}' has neither url nor archived_url: readers cannot check it",
                                "add 'url:' or 'archived_url:' (an archived copy); where no copy is online, say why "
                                "in 'offline:', such as 'offline: read in the print edition'")


SIMILAR_TITLES = 0.85  # SequenceMatcher ratio above which two titles on one date read as one event


def _warn_likely_duplicates(content: Content, diagnostics: Diagnostics) -> None:
    """Two events on the same date with nearly the same title are probably one event entered twice."""
    by_date: dict[str, list[Event]] = defaultdict(list)
    for event_id in sorted(content.events):
        event = content.events[event_id]
        by_date[event.date.iso].append(event)
    for events in by_date.values():  # a handful per date, so comparing every pair stays cheap
        for later_id, earlier_id in _similar_titles(tuple((event.id, event.title) for event in events)):
            diagnostics.warning(content.locations[("event", later_id)].at("title"),
                                f"this event looks like a duplicate of '{earlier_id}' (same date, similar title)",
                                "merge the two files, or make the titles say how the events differ")


@lru_cache(maxsize=65536)  # the preview checks again on every save; most dates did not change
def _similar_titles(events: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(later, earlier) ids of events whose titles read as one, each later event named once."""
    found = []
    cutoff = SIMILAR_TITLES * 100 - 1e-6  # rapidfuzz scores from 0 to 100
    titles = [title.casefold() for _, title in events]
    matcher = SequenceMatcher(autojunk=False)
    for later, (later_id, _) in enumerate(events):
        for earlier in range(later):
            # rapidfuzz's ratio counts the longest common subsequence, never shorter than the
            # matching blocks SequenceMatcher counts: a fast upper bound that rules out most pairs
            if not fuzz.ratio(titles[later], titles[earlier], score_cutoff=cutoff):
                continue
            matcher.set_seqs(titles[earlier], titles[later])
            if matcher.ratio() >= SIMILAR_TITLES:
                found.append((later_id, events[earlier][0]))
                break
    return found
