"""`timeline new`: the files it writes, the refusals, and that a file builds once its TODOs are filled."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import build, cli, scaffold
from conftest import PROJECT


@pytest.mark.parametrize("text, slug", [
    ("Fiscal César Suárez asesinado", "fiscal-cesar-suarez-asesinado"),
    ("Ñandú & Co. — 2024!", "nandu-co-2024"),
    ("  Los   Lobos  ", "los-lobos"),
    ("¿Qué pasó?", "que-paso"),
    ("★ ☆", ""),
])
def test_slugs_fold_accents_and_keep_letters_and_digits(text, slug):
    assert scaffold.slugify(text) == slug


def test_long_slugs_are_cut_at_a_word_boundary():
    slug = scaffold.slugify("Gunmen storm the studio of TC Television in Guayaquil during a live broadcast on air")
    assert slug == "gunmen-storm-the-studio-of-tc-television-in-guayaquil-during"
    assert len(slug) <= scaffold.MAX_SLUG


def new(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["new", *args])
    out, err = capsys.readouterr()
    return status, out, err


def check(capsys, content: Path) -> tuple[int, str]:
    status = cli.main(["check", "--content", str(content)])
    return status, capsys.readouterr().err


def test_a_new_event_is_written_where_its_date_and_title_say(content, capsys):
    status, out, err = new(capsys, "event", "Fiscal César Suárez: asesinado en #Guayaquil", "--date", "2024-01-17",
                           "--actors", "daniel-noboa,tc-television", "--topics", "attacks-on-media",
                           "--place", "guayaquil", "--source", "cnn-2024-01-25-terror", "--content", str(content))
    path = content / "events" / "2024-01-17-fiscal-cesar-suarez-asesinado-en-guayaquil.yaml"
    assert (status, err) == (0, "")
    assert out == f"timeline new: wrote {path.as_posix()}; replace every TODO in it, then run: timeline check\n"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["title"] == "Fiscal César Suárez: asesinado en #Guayaquil"
    assert str(record["date"]) == "2024-01-17"
    assert (record["actors"], record["topics"], record["place"]) == (
        ["daniel-noboa", "tc-television"], ["attacks-on-media"], "guayaquil")
    assert record["sources"] == [{"source": "cnn-2024-01-25-terror"}]


def test_the_first_line_points_yaml_language_servers_at_the_schema(content, capsys):
    new(capsys, "topic", "Extortion", "--content", str(content))
    path = content / "topics" / "extortion.yaml"
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# yaml-language-server: $schema=")
    schema = (path.parent / first_line.split("=", 1)[1]).resolve()
    assert schema == PROJECT / "schemas" / "topic.schema.json" and schema.is_file()


def test_the_projects_own_content_gets_the_short_schema_path(tmp_path, monkeypatch):
    monkeypatch.setattr(scaffold, "SCHEMAS_DIR", tmp_path / "schemas")
    path = scaffold.create(scaffold.NewRecord("place", "Durán"), tmp_path / "content")
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "# yaml-language-server: $schema=../../schemas/place.schema.json"


def test_placeholders_fail_the_check_with_their_line_until_they_are_filled(content, capsys):
    new(capsys, "event", "Curfew extended", "--date", "2024-02", "--content", str(content))
    path = content / "events" / "2024-02-curfew-extended.yaml"
    status, err = check(capsys, content)
    shown = path.as_posix()
    assert status == 1
    assert err.splitlines() == [
        f"{shown}:14:10: error: summary: still holds the TODO placeholder",
        "    hint: replace the TODO text with your own",
        f"{shown}:19:13: error: sources: still holds the TODO placeholder",
        "    hint: replace the TODO text with your own",
        "timeline check: 2 errors, 0 warnings",
    ]
    text = path.read_text(encoding="utf-8")
    filled = (text.replace("TODO-a-file-name-from-content-sources", "cnn-2024-01-25-terror")
              .replace("TODO: what happened", "The government extended the curfew [@cnn-2024-01-25-terror]. What happened")
              .replace("# place: guayaquil", "place: ecuador"))
    path.write_text(filled, encoding="utf-8")
    assert check(capsys, content) == (0, "")


@pytest.mark.parametrize("args, filled", [
    (["actor", "Fiscalía General del Estado", "--kind", "institution"], {"TODO: who they are": "The prosecutors"}),
    (["actor", "Los Lobos"], {"kind: TODO": "kind: criminal-group", "TODO: who they are": "A gang"}),
    (["topic", "Extortion"], {"TODO: what this topic covers": "Demands for money"}),
    (["place", "Durán"], {}),
    (["source", "Armed men break into a TV station"], {"publisher: TODO": "publisher: AP",
                                                       "published: TODO": "published: 2024-01-10"}),
    (["source", "Armed men break into a TV station", "--publisher", "AP", "--date", "2024-01-10"], {}),
])
def test_every_kind_builds_once_its_placeholders_are_filled(content, capsys, args, filled, tmp_path):
    status, out, _ = new(capsys, *args, "--content", str(content))
    assert status == 0
    path = Path(out.split("wrote ", 1)[1].split(";", 1)[0])
    text = path.read_text(encoding="utf-8")
    if filled:
        assert check(capsys, content)[0] == 1, "a file with placeholders must not build"
    for placeholder, value in filled.items():
        assert placeholder in text
        text = text.replace(placeholder, value)
    path.write_text(text, encoding="utf-8")
    graph, diagnostics = build.check(content)
    assert graph is not None, [p.format() for p in diagnostics.problems]
    unreachable = [f"the source '{path.stem}' has neither url nor archived_url: readers cannot check it"]
    assert [p.message for p in diagnostics.warnings] == [f"nothing refers to the {args[0]} '{path.stem}'"] + (
        unreachable if args[0] == "source" else [])


def test_a_source_id_starts_with_its_publisher_and_date(content, capsys):
    new(capsys, "source", "Armed men break into a TV station", "--publisher", "AP News", "--date", "2024-01-10",
        "--content", str(content))
    assert (content / "sources" / "ap-news-2024-01-10-armed-men-break-into-a-tv-station.yaml").is_file()


def test_an_existing_file_is_never_overwritten(content, capsys):
    path = content / "events" / "2024-01-09-tc-television-takeover.yaml"
    before = path.read_bytes()
    status, out, err = new(capsys, "event", "TC Televisión takeover", "--date", "2024-01-09",
                           "--content", str(content))
    assert (status, out) == (2, "")
    assert err == (f"timeline new: {path.as_posix()} already exists\n"
                   "    hint: edit that file, or choose a different name\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["event", "A title"], "timeline new: an event needs --date\n    hint: give it as YYYY, YYYY-MM or "
                           "YYYY-MM-DD, at the precision the sources support\n"),
    (["event", "A title", "--date", "2024-13"],
     "timeline new: --date: '2024-13' has no month 13\n    hint: months run from 01 to 12\n"),
    (["event", "A title", "--date", "2024", "--actors", "noboa"],
     "timeline new: unknown actor 'noboa'\n    hint: did you mean 'daniel-noboa'?\n"),
    (["event", "A title", "--date", "2024", "--source", "nowhere"],
     "timeline new: unknown source 'nowhere'\n    hint: create it first: timeline new source \"Its name\"\n"),
    (["actor", "Someone", "--kind", "persn"], "timeline new: 'persn' is not a kind of actor\n"
                                               "    hint: did you mean 'person'?\n"),
    (["actor", "Someone", "--date", "2024"], "timeline new: --date does not apply to a new actor\n"),
    (["topic", "Prisons", "--place", "guayaquil"], "timeline new: --place does not apply to a new topic\n"),
    (["place", "★"], "timeline new: '★' has no letters or digits to make a file name from\n"
                     "    hint: write the name with Latin letters or digits\n"),
    (["topic", "   "], "timeline new: the topic needs a name\n    hint: for example: timeline new topic \"...\"\n"),
])
def test_mistakes_on_the_command_line_write_nothing_and_say_why(content, capsys, args, message):
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    status, out, err = new(capsys, *args, "--content", str(content))
    assert (status, out, err) == (2, "", message)
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before


def test_a_new_figure_names_its_sources_and_builds_once_its_values_are_written(content, capsys, tmp_path):
    status, out, _ = new(capsys, "figure", "People detained", "--topics", "attacks-on-media",
                         "--source", "cnn-2024-01-25-terror,ap-2024-01-10-tv-station", "--content", str(content))
    assert status == 0
    path = content / "figures" / "people-detained.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("source: ") == 2 and "qualifier: more-than" in text  # one value per source to fill in
    assert check(capsys, content)[0] == 1, "a file with placeholders must not build"
    for placeholder, value in (("unit: TODO", "unit: people"), ("date: TODO", "date: 2024-01"),
                               ("value: TODO", "value: 3000")):
        text = text.replace(placeholder, value)
    path.write_text(text, encoding="utf-8")
    graph, diagnostics = build.check(content)
    assert graph is not None and diagnostics.problems == [], [p.format() for p in diagnostics.problems]
    assert [value.source_id for value in graph.figures["people-detained"].values] == [
        "cnn-2024-01-25-terror", "ap-2024-01-10-tv-station"]
