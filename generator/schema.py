"""Describes the content model as JSON Schemas, for the completion and inline errors of editors' YAML tools."""

from __future__ import annotations

import json
from pathlib import Path

from .model import (ACTOR_FIELDS, EVENT_FIELDS, FIGURE_FIELDS, LANGUAGE_BLOCK, PLACE_FIELDS, SITE_FIELDS,
                    SOURCE_FIELDS, TOPIC_FIELDS, Field, line, record_id)

DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft YAML language servers support best
RECORDS = {
    "event": ("Timeline event", "One event: content/events/<date>-<slug>.yaml", EVENT_FIELDS),
    "actor": ("Timeline actor", "A person, group, institution or country: content/actors/<id>.yaml", ACTOR_FIELDS),
    "topic": ("Timeline topic", "A theme events share: content/topics/<id>.yaml", TOPIC_FIELDS),
    "place": ("Timeline place", "Where events happened: content/places/<id>.yaml", PLACE_FIELDS),
    "source": ("Timeline source", "An article events cite: content/sources/<id>.yaml", SOURCE_FIELDS),
    "figure": ("Timeline figure", "A number the sources report, value by value: content/figures/<id>.yaml",
               FIGURE_FIELDS),
    "site": ("Timeline site settings", "The site's title, address and language: content/site.yaml", SITE_FIELDS),
}
EXTRA_RULES = {("event", "sources"): {"minItems": 1}}
"""Rules the model checks outside the field table (an event needs at least one source)."""


def schemas() -> dict[str, dict]:
    """Each kind of record file's JSON Schema, by kind."""
    return {kind: _object_schema(kind, title, description, fields)
            for kind, (title, description, fields) in RECORDS.items()}


def _object_schema(kind: str, title: str, description: str, fields: dict[str, Field]) -> dict:
    properties = {}
    for key, field in fields.items():
        properties[key] = {**field.check.json_schema, **EXTRA_RULES.get((kind, key), {})}
        if field.help:
            properties[key] = {"description": field.help, **properties[key]}
    schema = {
        "$schema": DRAFT,
        "title": title,
        "description": description + " (docs/editing.md explains every field)",
        "type": "object",
        "properties": properties,
        "required": [key for key, field in fields.items() if field.required],
        "additionalProperties": False,
    }
    translated = {key: properties[key] for key, field in fields.items() if field.translate}
    if kind == "event":
        translated["notes"] = {"description": "each source's note in this language, by source id",
                               "type": "object", "propertyNames": record_id.json_schema,
                               "additionalProperties": line.json_schema}
        translated["corrections"] = {"description": "each correction's what and why in this language, in order",
                                     "type": "array", "items": {
                                         "type": "object", "required": ["what", "why"], "additionalProperties": False,
                                         "properties": {"what": line.json_schema, "why": line.json_schema}}}
    if kind == "figure":
        translated["notes"] = {"description": "the notes of the values that have one, in this language, in order",
                               "type": "array", "items": line.json_schema}
    if translated:  # a block such as `es:` holds the record's text in one of the site's other languages
        schema["patternProperties"] = {LANGUAGE_BLOCK: {
            "description": "the text in another language listed in site.yaml's translations",
            "type": "object", "properties": translated, "additionalProperties": False}}
    return schema


def write_schemas(out_dir: Path) -> list[Path]:
    """Write <kind>.schema.json for every kind; the same model always gives the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas().items():
        path = out_dir / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
