"""Plans the site: every output path with the template or data that produces it (pure, no I/O)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from . import charts, maps, opendata, overview, search
from .editions import Edition
from .model import ACTOR_KINDS, FIGURE_QUALIFIERS, SOURCE_KINDS
from .timeline import STATUSES, Entry, Timeline

def N_(message: str) -> str:
    """Marks a message for the catalogs; templates translate it where they show it (_(label))."""
    return message


ACTOR_KIND_LABELS = {
    "person": N_("People"), "criminal-group": N_("Criminal groups"), "government": N_("Governments"),
    "security-force": N_("Security forces"), "institution": N_("Institutions"), "media": N_("Media"),
    "country": N_("Countries"), "international-body": N_("International bodies"),
}
assert set(ACTOR_KIND_LABELS) == set(ACTOR_KINDS)
SOURCE_KIND_LABELS = {
    "wire-agency": N_("Wire agency"), "newspaper": N_("Newspaper"), "magazine": N_("Magazine"),
    "broadcaster": N_("Broadcaster"), "news-website": N_("News website"),
    "official-statement": N_("Official statement"), "ngo-report": N_("NGO report"), "research": N_("Research"),
    "other": N_("Other source"),
}
assert set(SOURCE_KIND_LABELS) == set(SOURCE_KINDS)
STATUS_LABELS = {"confirmed": N_("Confirmed"), "single-source": N_("Single source"), "disputed": N_("Disputed")}
assert set(STATUS_LABELS) == set(STATUSES)
QUALIFIER_WORDS = {"about": N_("about %(number)s"), "nearly": N_("nearly %(number)s"),
                   "at-least": N_("at least %(number)s"), "more-than": N_("more than %(number)s"),
                   "fewer-than": N_("fewer than %(number)s")}
assert set(QUALIFIER_WORDS) == set(FIGURE_QUALIFIERS)


@dataclass(frozen=True)
class Output:
    """One file of the site. `url` is its address below the site root ("events/x/")."""

    path: str  # below the output folder, always with forward slashes
    url: str
    template: str | None = None  # a Jinja2 template in templates/
    data: str | None = None  # or an open-data file: one of opendata.RENDERERS' keys ("json", "csv", ...)
    context: dict[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True
    # The records whose fields the output shows, as (kind, id), and the events it lists, as
    # Entry (standing for entry_inputs); None when it draws on every record (the timeline, indexes,
    # feeds). Beside these, every page shows the site's settings and the free pages' titles (the
    # menu). A rebuild re-renders an output only when one of these changed.
    inputs: tuple | None = None
    language: str = ""  # the edition it belongs to; "" for the files all editions share (data, sitemap)
    edition_url: str | None = None  # its address inside its edition: "events/x/" for /events/x/ and /es/events/x/

    @property
    def mirrored(self) -> bool:
        """Whether every edition has this output, at its own prefix + edition_url."""
        return self.edition_url is not None

    @property
    def address_in_edition(self) -> str:
        """Its address inside its edition ("" for an edition's home page), or its own address for
        a file the editions share. (An edition's home has an empty edition_url, not a missing one.)"""
        return self.edition_url if self.edition_url is not None else self.url


RECENT_CHANGES = 100  # on the changes page; its feed has the newest 50


def entry_inputs(entry: Entry) -> tuple[tuple[str, str], ...]:
    """What an event's entry in a list shows: the event and the names of its place, actors,
    topics and sources."""
    return (("event", entry.id),
            *((("place", entry.place.id),) if entry.place else ()),
            *(("actor", actor.id) for actor in entry.actors),
            *(("topic", topic.id) for topic in entry.topics),
            *(("source", source.id) for source, _ in entry.sources))


def _cited_sources(record, timeline: Timeline) -> list:
    return [timeline.sources[c.source_id] for c in record.citations if c.source_id in timeline.sources]


def _figure_inputs(figure) -> tuple[tuple[str, str], ...]:
    """What a figure's chart shows: the figure and its sources' names and dates."""
    return (("figure", figure.id), *(("source", source_id) for source_id in figure.source_ids))


def _listing_inputs(record: tuple[str, str], entries: tuple[Entry, ...], *more: tuple[str, str]) -> tuple:
    return (record, *more, *entries)  # each entry stands for its entry_inputs()


def plan_site(editions: list[Edition], search_part_pages: int = search.PART_PAGES) -> list[Output]:
    """Every file the site consists of, in a stable order: each edition's pages, then the files
    they share (the open data, robots.txt and the sitemap of every edition)."""
    outputs = [output for edition in editions for output in _edition(edition)]
    parts = search.part_count(sum(output.path.endswith(".html") for output in outputs), search_part_pages)
    outputs = [dataclasses.replace(output, context={**output.context, "merged": search.merged_folders(parts)})
               if output.template == "search.html" else output for output in outputs]
    outputs += [Output(path, path, data=kind, in_sitemap=False) for kind, path in opendata.FILES.items()]
    outputs.append(Output("robots.txt", "robots.txt", "robots.txt", in_sitemap=False))
    sitemap = [output for output in outputs if output.in_sitemap]
    outputs.append(Output("sitemap.xml", "sitemap.xml", "sitemap.xml", context={"pages": sitemap},
                          in_sitemap=False))
    return outputs


def _edition(edition: Edition) -> list[Output]:
    """The pages and feed of one edition, under its prefix."""
    timeline = edition.timeline

    def placed(path: str, url: str, template: str, in_sitemap: bool, inputs: tuple | None, context: dict) -> Output:
        return Output(path=edition.prefix + path, url=edition.prefix + url, template=template, context=context,
                      in_sitemap=in_sitemap, inputs=inputs, language=edition.language, edition_url=url)

    def page(url: str, template: str, in_sitemap: bool = True, inputs: tuple | None = None, **context: Any) -> Output:
        """An HTML page served at a folder address: "events/x/" is written as events/x/index.html."""
        return placed(f"{url}index.html", url, template, in_sitemap, inputs, context)

    def file(path: str, template: str, in_sitemap: bool = True, **context: Any) -> Output:
        return placed(path, path, template, in_sitemap, None, context)

    kinds = {kind: [a for a in timeline.actors.values() if a.kind == kind] for kind in ACTOR_KIND_LABELS}
    actor_groups = [(ACTOR_KIND_LABELS[k], actors) for k, actors in kinds.items() if actors]
    actor_counts = {i: len(timeline.by_actor.get(i, ())) for i in timeline.actors}
    topic_counts = {i: len(timeline.by_topic.get(i, ())) for i in timeline.topics}
    year_counts = {year: sum(len(month.entries) for month in months) for year, months in timeline.by_year.items()}
    status_counts = {status: sum(1 for entry in timeline.entries if entry.status == status) for status in STATUSES}

    outputs = [page("", "timeline.html", timeline=timeline, overview=overview.lay_out(timeline),
                    actor_groups=actor_groups, actor_counts=actor_counts, topic_counts=topic_counts,
                    year_counts=year_counts, status_counts=status_counts)]
    for entry in timeline.entries:
        before, after = timeline.neighbours(entry)
        outputs.append(page(f"events/{entry.id}/", "event.html", entry=entry, before=before, after=after,
                            inputs=entry_inputs(entry) + tuple(("event", n.id) for n in (before, after) if n)))

    outputs.append(page("actors/", "actors.html", groups=actor_groups, counts=actor_counts))
    for actor in timeline.actors.values():
        entries = timeline.by_actor.get(actor.id, ())
        sources = _cited_sources(actor, timeline)
        outputs.append(page(f"actors/{actor.id}/", "actor.html", actor=actor, kind_label=ACTOR_KIND_LABELS[actor.kind],
                            entries=entries, sources=sources,
                            inputs=_listing_inputs(("actor", actor.id), entries, *(("source", s.id) for s in sources))))

    laid_out = {i: charts.lay_out(figure, timeline.sources) for i, figure in timeline.figures.items()}
    outputs.append(page("topics/", "topics.html", topics=list(timeline.topics.values()), counts=topic_counts))
    for topic in timeline.topics.values():
        entries = timeline.by_topic.get(topic.id, ())
        sources = _cited_sources(topic, timeline)
        figures = timeline.figures_by_topic.get(topic.id, ())
        outputs.append(page(f"topics/{topic.id}/", "topic.html", topic=topic, entries=entries, sources=sources,
                            charts=[laid_out[figure.id] for figure in figures],
                            inputs=_listing_inputs(("topic", topic.id), entries, *(("source", s.id) for s in sources),
                                                   *(key for figure in figures for key in _figure_inputs(figure)))))
    if timeline.figures:
        outputs.append(page("figures/", "figures.html", charts=list(laid_out.values()),
                            inputs=tuple(key for figure in timeline.figures.values() for key in _figure_inputs(figure))
                            + tuple(("topic", i) for i in timeline.topics)))

    place_counts = {i: len(timeline.by_place.get(i, ())) for i in timeline.places}
    # a map shows every place's name and number of events: its page changes when any of them does
    on_map = (*(("place", i) for i in timeline.places), ("events-by-place", repr(sorted(place_counts.items()))))
    place_map = maps.lay_out(timeline.places, place_counts)
    outputs.append(page("places/", "places.html", places=list(timeline.places.values()), counts=place_counts,
                        map_layout=place_map))
    outputs += [page(f"places/{place.id}/", "place.html", place=place, entries=timeline.by_place.get(place.id, ()),
                     map_layout=maps.highlight(place_map, place),
                     inputs=_listing_inputs(("place", place.id), timeline.by_place.get(place.id, ()), *on_map))
                for place in timeline.places.values()]

    outputs.append(page("sources/", "sources.html", sources=list(timeline.sources.values()),
                        citing=timeline.by_source))
    outputs += [page(f"{p.id}/", "page.html", page=p, inputs=()) for p in timeline.pages.values()]

    changes = timeline.changes(limit=RECENT_CHANGES)
    outputs.append(page("changes/", "changes.html", changes=changes))
    outputs.append(file("changes/feed.xml", "changes.xml", in_sitemap=False, changes=changes[:50]))
    outputs.append(page("search/", "search.html", in_sitemap=False))
    outputs.append(file("404.html", "404.html", in_sitemap=False))
    outputs.append(file("feed.xml", "feed.xml", in_sitemap=False, timeline=timeline))
    outputs.append(page("data/", "data.html", files=opendata.FILES, columns=opendata.csv_columns(timeline.site.also_in)))
    return outputs
