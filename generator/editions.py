"""Makes each language's edition of the timeline: the records with their text in that language, marking what is not yet translated."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .model import (ACTOR_FIELDS, EVENT_FIELDS, NAME, PAGE_FIELDS, PLACE_FIELDS, SITE_FIELDS, TOPIC_FIELDS,
                    Content, Event, Field)
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
    content.pages = {i: _translated(page, {**PAGE_FIELDS, "body": Field(str, translate="text")}, code)
                     for i, page in timeline.pages.items()}
    return link(content, drafts=True)  # the drafts in the timeline were already chosen


def _translated(record: Any, fields: dict[str, Field], code: str) -> Any:
    text = record.translations.get(code, {})
    changes: dict[str, Any] = {}
    untranslated = set()
    for key, spec in fields.items():
        attribute = spec.attribute or key
        if not spec.translate or getattr(record, attribute, None) in (None, ""):
            continue
        if attribute in text:
            changes[attribute] = text[attribute]
        elif spec.translate != NAME:  # a name the other language does not change is simply the same
            untranslated.add(attribute)
    if isinstance(record, Event):  # its notes on what each source supports
        notes = text.get("notes", {})
        if any(cited.note and cited.source_id not in notes for cited in record.citations):
            untranslated.add("notes")
        changes["citations"] = tuple(dataclasses.replace(cited, note=notes.get(cited.source_id, cited.note))
                                     for cited in record.citations)
    return dataclasses.replace(record, **changes, untranslated=frozenset(untranslated))
