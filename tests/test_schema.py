"""The JSON Schemas for editors' YAML tools: they accept the real content and reject what the build rejects."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator import build, cli, load, schema
from generator.diagnostics import Diagnostics
from conftest import PROJECT, REAL_CONTENT, write_files

COMMITTED = PROJECT / "schemas"
FOLDERS = {"event": "events", "actor": "actors", "topic": "topics", "place": "places", "source": "sources",
           "figure": "figures"}


def validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema.schemas()[kind])


def test_the_schemas_are_valid_draft_7_schemas():
    for kind, one in schema.schemas().items():
        jsonschema.Draft7Validator.check_schema(one)
        assert one["additionalProperties"] is False, kind


def test_every_real_record_satisfies_its_schema():
    # The loader keeps dates as written (2024-01-09 stays text, 2024 a number), which is how a
    # YAML language server, following YAML 1.2, sees them too.
    raw = load.load_content(REAL_CONTENT, Diagnostics())
    checked = 0
    for kind, records in raw.records.items():
        for record in records:
            errors = [error.message for error in validator(kind).iter_errors(record.data)]
            assert errors == [], f"{record.file}: {errors}"
            checked += 1
    assert not list(validator("site").iter_errors(raw.site.data))
    assert checked > 100


def test_the_committed_schemas_are_what_the_model_says_now(tmp_path):
    written = {path.name: path.read_text(encoding="utf-8") for path in schema.write_schemas(tmp_path)}
    committed = {path.name: path.read_text(encoding="utf-8") for path in COMMITTED.glob("*.schema.json")}
    assert committed == written, "the schemas are stale: run 'timeline schema' and commit schemas/"


def test_the_editor_settings_map_every_schema_to_real_files():
    settings = json.loads((PROJECT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert sorted(Path(name).name for name in mapping) == sorted(p.name for p in COMMITTED.glob("*.schema.json"))
    for schema_file, globs in mapping.items():
        assert (PROJECT / schema_file).is_file()
        for pattern in globs:
            assert list(PROJECT.glob(pattern)), f"{pattern} matches no file"


EVENT = """
    title: A title
    date: 2024-01-09
    place: guayaquil
    summary: What happened.
    sources: [ap-2024-01-10-tv-station]
    """

BAD_SHAPES = [
    ("event", EVENT + "titel: A typo\n"),
    ("event", EVENT.replace("    title: A title\n", "")),
    ("event", EVENT.replace("title: A title", "title: [a, list]")),
    ("event", EVENT.replace("date: 2024-01-09", "date: 9 January 2024")),
    ("event", EVENT.replace("date: 2024-01-09", "date: 2024-1-9")),
    ("event", EVENT.replace("place: guayaquil", "place: Guayaquil")),
    ("event", EVENT + "actors: daniel-noboa\n"),
    ("event", EVENT + "actors: [daniel-noboa, daniel-noboa]\n"),
    ("event", EVENT + "topics: [Attacks on media]\n"),
    ("event", EVENT + "importance: huge\n"),
    ("event", EVENT + "approximate: maybe\n"),
    ("event", EVENT + "draft: 1\n"),
    ("event", EVENT.replace("sources: [ap-2024-01-10-tv-station]", "sources: []")),
    ("event", EVENT.replace("sources: [ap-2024-01-10-tv-station]", "sources: ap-2024-01-10-tv-station")),
    ("event", EVENT.replace("sources: [ap-2024-01-10-tv-station]",
                            "sources:\n      - source: ap-2024-01-10-tv-station\n        page: 3")),
    ("event", EVENT.replace("sources: [ap-2024-01-10-tv-station]", "sources:\n      - note: no source named")),
    ("event", EVENT.replace("summary: What happened.", "summary: '   '")),
    ("event", EVENT.replace("summary: What happened.", "summary: TODO write the summary")),
    ("actor", "name: Someone\nkind: persn\n"),
    ("actor", "name: Someone\n"),
    ("actor", "name: Someone\nkind: person\naliases: [a, a]\n"),
    ("actor", "name: Someone\nkind: person\nrole: |\n  two\n  lines\n"),
    ("topic", "name: 42\n"),
    ("topic", "summary: no name\n"),
    ("place", "name: Somewhere\nlatitude: 91\n"),
    ("place", "name: Somewhere\nlongitude: west\n"),
    ("source", "title: A headline\npublisher: AP\npublished: 2024-01-10\nurl: www.example.org/x\n"),
    ("source", "title: A headline\npublisher: AP\npublished: 2024-01-10\nlanguage: Spanish\n"),
    ("source", "title: A headline\npublisher: AP\n"),
    ("source", "- a list\n- where a mapping belongs\n"),
    ("figure", "title: Arrests\nunit: people\nvalues: []\n"),
    ("figure", "title: Arrests\nunit: people\nvalues:\n  - date: 2024\n    value: '3,219'\n    source: x\n"),
    ("figure", "title: Arrests\nunit: people\nvalues:\n  - date: 2024\n    value: 3\n    source: x\n"
               "    qualifier: roughly\n"),
    ("figure", "title: Arrests\nvalues:\n  - date: 2024\n    value: 3\n    source: x\n"),
]


@pytest.mark.parametrize("kind, text", BAD_SHAPES)
def test_a_record_the_build_rejects_for_its_shape_is_rejected_by_its_schema(content, kind, text):
    name = "2024-01-09-x" if kind == "event" else "x"
    path = f"{FOLDERS[kind]}/{name}.yaml"
    write_files(content, {path: text})
    graph, diagnostics = build.check(content)
    assert graph is None and any(p.location.file.endswith(path) for p in diagnostics.errors), \
        "the build must reject this record"
    record = load.load_yaml_file(content / path, kind, name, path, Diagnostics())
    assert list(validator(kind).iter_errors(record.data)), "the schema must reject it too"


def test_the_scaffolds_fail_their_schema_until_filled(content, capsys):
    cli.main(["new", "event", "A title", "--date", "2024-01-09", "--content", str(content)])
    path = content / "events" / "2024-01-09-a-title.yaml"
    record = load.load_yaml_file(path, "event", path.stem, "x.yaml", Diagnostics())
    assert {error.path[0] for error in validator("event").iter_errors(record.data)} == {"summary", "sources"}


def test_the_schema_command_writes_every_schema(tmp_path, capsys):
    assert cli.main(["schema", "--out", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out == f"timeline schema: wrote 7 schemas to {(tmp_path / 's').as_posix()}\n"
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(p.name for p in COMMITTED.iterdir())


def test_only_the_placeholder_word_itself_counts_as_a_placeholder(content):
    accepted = {"name": "TODOS SANTOS", "summary": "Todo bien."}
    assert not list(validator("topic").iter_errors(accepted))
    assert list(validator("topic").iter_errors({"name": "TODO", "summary": "x"}))
    write_files(content, {"topics/todos-santos.yaml": "name: TODOS SANTOS\nsummary: Todo bien.\n"})
    _, diagnostics = build.check(content)
    assert not diagnostics.errors
