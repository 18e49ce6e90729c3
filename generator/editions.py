"""Makes each language's edition of the timeline: the records with their text in that language, marking what is not yet translated."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .model import (ACTOR_FIELDS, EVENT_FIELDS, FIGURE_FIELDS, PAGE_FIELDS, PLACE_FIELDS, SITE_FIELDS, TOPIC_FIELDS,
                    TRANSLATE, Content, Event, Field, Figure, untranslated_fields)
from .timeline import Timeline, link


@dataclass(frozen=True)
class Edition:
    """The site in one language: under `prefix` ("" for the site's own language, "es/" for Spanish)."""

    language: str
    prefix: str
    timeline: Timeline


def editions(timeline: Timeline) -> list[Edition]:
    """The site's own edition first, then one per language in site.yaml's `translations`."""
    site = timeline.site
    return [Edition(site.language, "", timeline),
            *(Edition(code, f"{code}/", translate(timeline, code)) for code in site.also_in)]


def translate(timeline: Timeline, code: str) -> Timeline:
    """The timeline with every record's text in language `code` where it has it; a record keeps
    its own text for the rest, listed in its `untranslated`."""
    content = Content(site=dataclasses.replace(_translated(timeline.site, SITE_FIELDS, code), language=code))
    content.events = {entry.id: _translated(entry.event, EVENT_FIELDS, code) for entry in timeline.entries}
    content.actors = {i: _translated(record, ACTOR_FIELDS, code) for i, record in timeline.actors.items()}
    content.topics = {i: _translated(record, TOPIC_FIELDS, code) for i, record in timeline.topics.items()}
    content.places = {i: _translated(record, PLACE_FIELDS, code) for i, record in timeline.places.items()}
    content.sources = dict(timeline.sources)  # a source's title is its headline as published
    content.figures = {i: _translated(record, FIGURE_FIELDS, code) for i, record in timeline.figures.items()}
    content.pages = {i: _translated(page, {**PAGE_FIELDS, "body": Field(str, translate=TRANSLATE)}, code)
                     for i, page in timeline.pages.items()}
    return link(content, drafts=True)  # the drafts in the timeline were already chosen


def _translated(record: Any, fields: dict[str, Field], code: str) -> Any:
    text = record.translations.get(code, {})
    # a name the other language does not change is simply the same: only what it has is taken
    changes = {spec.attribute or key: text[spec.attribute or key] for key, spec in fields.items()
               if spec.translate and (spec.attribute or key) in text}
    figure_values, value_notes = (record.values, text.get("notes", ())) if isinstance(record, Figure) else ((), ())
    if value_notes:  # the notes of the values that have one, in order
        noted = iter(value_notes)
        changes["values"] = tuple(dataclasses.replace(value, note=next(noted, value.note)) if value.note else value
                                  for value in figure_values)
    notes = text.get("notes", {}) if isinstance(record, Event) else {}
    citations = record.citations if isinstance(record, Event) else ()  # an event's notes on its sources
    if citations:
        changes["citations"] = tuple(dataclasses.replace(cited, note=notes.get(cited.source_id, cited.note))
                                     for cited in citations)
    corrections = record.corrections if isinstance(record, Event) else ()
    written = text.get("corrections", ())
    if written:  # each correction's what and why, in order; the rest stay as written
        changes["corrections"] = tuple(dataclasses.replace(correction, **written[index]) if index < len(written)
                                       else correction for index, correction in enumerate(corrections))
    untranslated = untranslated_fields(fields, lambda attribute: getattr(record, attribute, None) not in (None, ""),
                                       text, citations, notes, corrections, written, figure_values, value_notes)
    return dataclasses.replace(record, **changes, untranslated=frozenset(untranslated))
