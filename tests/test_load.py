import os

import pytest
import yaml

from generator import load as load_module
from generator.diagnostics import Diagnostics
from generator.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, load_content
from conftest import write_files


def load(root):
    diagnostics = Diagnostics()
    raw = load_content(root, diagnostics, display_root=root.parent)
    return raw, [p.format() for p in diagnostics.problems]


def event_file(content, text, name="2024-01-09-x.yaml"):
    (content / "events" / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return name


def test_remembers_line_and_column_of_every_key_and_value(content):
    raw, problems = load(content)
    assert problems == []
    [record] = [r for r in raw.records["event"] if r.id == "2024-01-09-tc-television-takeover"]
    assert record.file == "content/events/2024-01-09-tc-television-takeover.yaml"
    assert (record.at("date").line, record.at("date").column) == (2, 7)
    assert (record.key_at("place").line, record.key_at("place").column) == (3, 1)
    assert (record.at("actors", 0).line, record.at("actors", 0).column) == (4, 10)
    assert (record.at("sources", 0, "source").line, record.at("sources", 0, "source").column) == (12, 13)
    assert record.data["date"] == "2024-01-09"  # kept as text, so its precision survives


def test_page_front_matter_positions_count_the_opening_line(content):
    raw, _ = load(content)
    [page] = raw.pages
    assert page.data == {"title": "About", "menu": "About"}
    assert page.at("title").line == 2
    assert page.body.startswith("How this timeline is made.")


def test_duplicate_keys_are_rejected_with_both_lines(content):
    event_file(content, "title: A\ndate: 2024-01-09\ntitle: B\n")
    _, problems = load(content)
    assert "content/events/2024-01-09-x.yaml:3:1: error: the field 'title' is given twice (first on line 1)" in problems[0]


YAML_MISTAKES = [
    ("title: A\nactors:\n\t- x\n",
     "3:1: error: a tab character is used for indentation\n"
     "    hint: YAML indents with spaces only: replace the tab with spaces"),
    ('title: "A broken title\ndate: 2024-01-09\n',
     "1:8: error: a quoted text is not closed\n"
     "    hint: add the closing quote (\" or ') at the end of the text"),
    ("title: A\n  date: 2024-01-09\n",
     "2:1: error: this line is indented more than the field above it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    ("  title: A\ndate: 2024-01-09\n",
     "2:1: error: the indentation of this line does not match the lines around it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    ("sources:\n  - source: a\n    note: x\n - source: b\n",
     "4:2: error: a list item is indented differently from the others\n"
     "    hint: start every item of a list with '- ' at the same column"),
    ("title: Noboa: thanks but no\n",
     "1:13: error: a colon followed by a space starts a new field here\n"
     "    hint: put text that contains ': ' in quotes, for example: title: 'Noboa: thanks but no'"),
    ("title A\n# a comment\ndate: 2024\n",
     "1:1: error: this line has no ':' after its field name\n    hint: write 'field: value'"),
    ("actors: [a, b\ndate: 2024\n",
     "1:9: error: a list opened with '[' is not closed\n"
     "    hint: end the list with ']' on the same line, or write one '- item' per line"),
    ('title: "Noboa" says no\n',
     "1:16: error: more text follows a closing quote\n"
     "    hint: put the whole text in quotes, for example: title: '\"Noboa\" says no'"),
    ("actors:\n  - @noboa's account\n",
     "2:5: error: a value cannot start with '@'\n"
     "    hint: put the whole text in quotes, for example: - \"@noboa's account\""),
    ("title: A\ndate: 2024-01-09\ntitle: B\n",
     "3:1: error: the field 'title' is given twice (first on line 1)\n"
     "    hint: keep one of them; YAML would silently use only the last"),
    # a tab before a field name, not only before a list item
    ("title: A\n\tdate: 2024-01-09\n",
     "2:1: error: a tab character is used for indentation\n"
     "    hint: YAML indents with spaces only: replace the tab with spaces"),
    # an unclosed quote is named where it opens, also when YAML only notices at another quote lines below
    ("title: A\nsummary: 'it is\ndate: 2024-01-09\n",
     "2:10: error: a quoted text is not closed\n"
     "    hint: add the closing quote (\" or ') at the end of the text"),
    ('title: "A broken title\ndate: 2024-01-09\nsummary: "What happened"\n',
     "1:8: error: a quoted text is not closed\n"
     "    hint: add the closing quote (\" or ') at the end of the text"),
    ("title: 'Noboa's plan'\n",
     "1:15: error: more text follows a closing quote\n"
     "    hint: put the whole text in quotes, for example: title: \"'Noboa's plan'\""),
    # list items: one indented deeper than the one above reads as more words of it ('a - b')
    ("actors:\n  - daniel-noboa\n    - tc-television\n",
     "3:5: error: a list item is indented differently from the others\n"
     "    hint: start every item of a list with '- ' at the same column"),
    ("actors:\n  - daniel-noboa\n - tc-television\n",
     "3:2: error: a list item is indented differently from the others\n"
     "    hint: start every item of a list with '- ' at the same column"),
    # a field of a list item not lined up under the one above is not a list item
    ("sources:\n  - source: a\n   note: x\n",
     "3:4: error: the indentation of this line does not match the lines around it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    ("sources:\n  - source: a\n      note: x\n",
     "3:1: error: this line is indented more than the field above it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    # a missing colon is named on its own line, not on the next one where YAML notices
    ("title: A\ndate 2024-01-09\nsummary: S\n",
     "2:1: error: this line has no ':' after its field name\n    hint: write 'field: value'"),
    ("title: A\nsummary: S\nplace guayaquil\n",
     "3:1: error: this line has no ':' after its field name\n    hint: write 'field: value'"),
    ("sources:\n  - source a\n    note: x\n",
     "2:1: error: this line has no ':' after its field name\n    hint: write 'field: value'"),
    ("sources:\n  - source: a\n    note: He said: no\n",
     "3:18: error: a colon followed by a space starts a new field here\n"
     "    hint: put text that contains ': ' in quotes, for example: note: 'He said: no'"),
    ("actors:\n  - daniel-noboa\n   tc-television: x\n",
     "3:4: error: the indentation of this line does not match the lines around it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    ("title: A\nsummary: He said: no\n",
     "2:17: error: a colon followed by a space starts a new field here\n"
     "    hint: put text that contains ': ' in quotes, for example: summary: 'He said: no'"),
    ("title: A\nsources:\n  - source: a\n    source: b\n",
     "4:5: error: the field 'source' is given twice (first on line 3)\n"
     "    hint: keep one of them; YAML would silently use only the last"),
    # characters YAML reserves at the start of a value
    ("summary: *Important* news\n",
     "1:10: error: a value cannot start with '*'\n"
     "    hint: put the whole text in quotes, for example: summary: '*Important* news'"),
    ("title: & Co\n",
     "1:8: error: a value cannot start with '&'\n"
     "    hint: put the whole text in quotes, for example: title: '& Co'"),
    ("summary: | The army said\n",
     "1:10: error: a value cannot start with '|'\n"
     "    hint: for a block of text, end the line after '|' and write the text on the lines below it, indented; "
     "for one line of text, put all of it in quotes, for example: summary: '| The army said'"),
    ("actors: - daniel-noboa\n",
     "1:9: error: a value cannot start with '-'\n"
     "    hint: for a list, write each '- item' on a line of its own below the field, indented; "
     "for text, put all of it in quotes, for example: actors: '- daniel-noboa'"),
    ("title: [Update] Noboa speaks\n",
     "1:17: error: more text follows the closing ']'\n"
     "    hint: a value that starts with '[' ends at its ']'; if it is text, put all of it in quotes, "
     "for example: title: '[Update] Noboa speaks'"),
    ("title: {a: 1\n",
     "1:8: error: a '{' is not closed\n    hint: end it with '}', or write one 'key: value' per line"),
    ("title: !Breaking news\n",
     "1:8: error: the YAML tag '!Breaking' is not allowed\n"
     "    hint: content files use no YAML tags: put text that starts with '!' in quotes"),
    ("title: A\n---\ntitle: B\n",
     "2:1: error: this '---' line starts a second record in the same file\n"
     "    hint: one file holds one record: delete the '---' line, or move what follows it into a file of its own"),
    ("title: A\u0007 siren\n",
     "1:9: error: the file holds an invisible control character (U+0007)\n"
     "    hint: delete it: such characters come with text pasted from PDFs or word processors; "
     "retype the text around here if you cannot see it"),
    ("", "1:1: error: the file is empty\n    hint: see docs/editing.md for the fields to fill in"),
    ("# nothing yet\n\n", "1:1: error: the file is empty\n    hint: see docs/editing.md for the fields to fill in"),
]

LOADERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure Python": yaml.SafeLoader}


@pytest.mark.parametrize("loader", list(LOADERS))
@pytest.mark.parametrize("text, expected", YAML_MISTAKES)
def test_yaml_mistakes_get_a_plain_cause_and_the_line_to_fix(content, text, expected, loader, monkeypatch):
    """The same words and positions whichever parser PyYAML was built with: their errors differ."""
    if LOADERS[loader] is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(load_module, "_Loader", LOADERS[loader])
    event_file(content, text)
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:" + expected]


def test_front_matter_mistakes_count_lines_from_the_top_of_the_page(content):
    (content / "pages" / "about.md").write_text("---\ntitle: About\nmenu About\n---\nText.\n", encoding="utf-8")
    _, problems = load(content)
    assert problems == ["content/pages/about.md:3:1: error: this line has no ':' after its field name\n"
                        "    hint: write 'field: value'"]


def test_an_empty_front_matter_is_named(content):
    (content / "pages" / "about.md").write_text("---\n---\nText.\n", encoding="utf-8")
    _, problems = load(content)
    assert problems == ["content/pages/about.md:2:1: error: the front matter between the '---' lines is empty\n"
                        "    hint: add a line 'title: ...' between them"]


def test_python_tags_are_refused(content):
    event_file(content, "title: !!python/object/apply:os.system ['echo hacked']\n")
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:1:8: error: the YAML tag "
                        "'!!python/object/apply:os.system' is not allowed\n"
                        "    hint: content files use no YAML tags: put text that starts with '!' in quotes"]


def test_alias_bomb_is_stopped(content):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    event_file(content, bomb)
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:2:8: error: the file expands to more than 50000 values\n"
                        "    hint: YAML anchors and aliases (& and *) are not needed in content files; remove them"]


@pytest.mark.parametrize("text, where", [
    ("title: " + "[" * 300_000 + "]" * 300_000 + "\n", "1:107"),  # a 600 kB file: libyaml would crash the process
    ("title:\n" + "- " * 300_000 + "x\n", "2:199"),  # lists in lists, two characters a level
    ("title: &loop [a, *loop]\n", "1:15"),  # a list that holds itself
    ("title: " + "{a: " * 150 + "x" + "}" * 150 + "\n", "1:404"),  # the record itself is the first level
])
def test_values_nested_too_deep_are_refused_at_the_level_that_is_too_deep(content, text, where):
    event_file(content, text)
    _, problems = load(content)
    assert problems == [f"content/events/2024-01-09-x.yaml:{where}: error: lists and fields are nested more than "
                        f"{MAX_DEPTH} levels deep here\n"
                        "    hint: records nest a few levels at most: look for brackets [ or { left open, "
                        "or an alias (*name) inside the value it names"]


def test_nesting_up_to_the_limit_is_read():
    record = load_module.RawRecord("event", "x", "x.yaml", None)
    text = "title: " + "[" * (MAX_DEPTH - 1) + "deep" + "]" * (MAX_DEPTH - 1) + "\n"
    data = load_module._parse_yaml(text, record)
    for _ in range(MAX_DEPTH - 1):
        [data] = data["title"] if isinstance(data, dict) else data
    assert data == "deep"


def test_a_file_of_too_many_values_without_aliases_is_not_blamed_on_aliases(content):
    event_file(content, "title: [" + ", ".join(["1"] * (MAX_NODES + 1)) + "]\n")
    _, problems = load(content)
    assert problems == [f"content/events/2024-01-09-x.yaml:1:1: error: the file holds more than {MAX_NODES} values\n"
                        "    hint: a record holds a few dozen values; remove pasted data, or split it"]


def test_oversized_file_is_refused_before_parsing(content):
    event_file(content, "title: " + "x" * MAX_FILE_BYTES + "\n")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-x.yaml:1:1: error: the file is ")
    assert f"the limit is {MAX_FILE_BYTES}" in problems[0]


@pytest.mark.parametrize("data, expected", [
    (b"title: ok\nsummary: caf\xe9\n",
     "2:13: error: the file is not UTF-8 text (byte 0xe9, probably '\u00e9' saved in an older encoding)"),
    # the column counts characters: the UTF-8 '\u00e9' before the bad byte is one column, not two bytes
    ("title: ok\nsummary: \u00e9l dijo ".encode("utf-8") + b"\x93no\x94\n",
     "2:18: error: the file is not UTF-8 text (byte 0x93, probably '\u201c' saved in an older encoding)"),
    ("title: ok\n".encode("utf-16"), "1:1: error: the file is saved as UTF-16 text, not UTF-8"),
])
def test_non_utf8_file_names_line_and_character(content, data, expected):
    event_file(content, data)
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:" + expected
                        + "\n    hint: save the file with UTF-8 encoding in your editor"]


def test_other_files_and_folders_in_record_folders_are_reported(content):
    (content / "events" / "notes.txt").write_text("x")
    (content / "events" / "folder.yaml").mkdir()
    (content / "events" / ".gitkeep").write_text("")
    (content / "events" / ".2024-01-09-x.yaml.swp").write_text("\x00")  # an editor's swap file
    (content / "events" / "2024-01-09-x.yaml~").write_text("title: [")  # an editor's backup copy
    _, problems = load(content)
    assert problems == ["content/events/folder.yaml:1:1: error: expected a file here",
                        "content/events/notes.txt:1:1: error: only .yaml files belong in events/\n"
                        "    hint: rename it to end in .yaml, or move it out of the content folder"]


def test_files_that_would_be_one_record_are_named_and_left_out(content):
    """Ids are file names, so one folder cannot hold two files of one id; but foo.yml beside
    foo.yaml, or Foo.yaml beside foo.yaml (one file on Windows and macOS), try to."""
    write_files(content, {
        "actors/daniel-noboa.yml": "name: Daniel Noboa\nkind: person\n",
        "actors/Daniel-Noboa.yaml": "name: Daniel Noboa\nkind: person\n",
        "places/QUITO.yaml": "name: Quito\n",
        "places/Quito.yaml": "name: Quito\n",
        "topics/prisons.yml": "name: Prisons\n",
        "pages/About.md": "---\ntitle: About us\n---\nText.\n",
    })
    raw, problems = load(content)
    assert problems == [
        "content/actors/Daniel-Noboa.yaml:1:1: error: the file names Daniel-Noboa.yaml and daniel-noboa.yaml differ "
        "only in capital letters, so they would be the same record\n"
        "    hint: move what this file holds into daniel-noboa.yaml, then delete this file",
        "content/actors/daniel-noboa.yml:1:1: error: only .yaml files belong in actors/, and daniel-noboa.yaml is "
        "already there\n"
        "    hint: move what this file holds into daniel-noboa.yaml, then delete this file",
        "content/topics/prisons.yml:1:1: error: only .yaml files belong in topics/\n"
        "    hint: rename it to end in .yaml, or move it out of the content folder",
        "content/places/Quito.yaml:1:1: error: the file names Quito.yaml and QUITO.yaml differ only in capital "
        "letters, so they would be the same record\n"
        "    hint: keep one of the two files, and name it quito.yaml",
        "content/pages/About.md:1:1: error: the file names About.md and about.md differ only in capital letters, "
        "so they would be the same record\n"
        "    hint: move what this file holds into about.md, then delete this file",
    ]
    assert [r.id for r in raw.records["actor"]] == ["daniel-noboa", "tc-television"]
    assert [r.id for r in raw.records["place"]] == ["QUITO", "ecuador", "guayaquil"]  # the model names QUITO
    assert [r.id for r in raw.pages] == ["about"]


def test_symbolic_links_out_of_the_content_folder_are_refused(content, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n")
    os.symlink(secret, content / "events" / "2024-01-09-link.yaml")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-link.yaml:1:1: error: a symbolic link that leads out")


def test_a_record_folder_linked_from_outside_is_refused(content, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "2024-01-09-x.yaml").write_text("title: from outside\n")
    (content / "places").rename(tmp_path / "old-places")
    os.symlink(outside, content / "places", target_is_directory=True)
    _, problems = load(content)
    assert problems == ["content/places:1:1: error: a symbolic link that leads out of the content folder\n"
                        "    hint: copy the file into the content folder instead of linking to it"]


def test_a_page_linked_from_outside_and_a_site_yaml_that_is_a_folder_are_refused(content, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nPrivate.\n")
    os.symlink(secret, content / "pages" / "secret.md")
    (content / "site.yaml").unlink()
    (content / "site.yaml").mkdir()
    _, problems = load(content)
    assert problems == ["content/site.yaml:1:1: error: expected a file here",
                        "content/pages/secret.md:1:1: error: a symbolic link that leads out of the content folder\n"
                        "    hint: copy the file into the content folder instead of linking to it"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_instead_of_read(content):
    os.mkfifo(content / "events" / "2024-01-09-pipe.yaml")  # reading it would wait for a writer forever
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-pipe.yaml:1:1: error: this is not a regular file "
                        "(a pipe, socket or device)\n    hint: content files are plain text files; remove this one"]


def test_missing_site_yaml(content):
    (content / "site.yaml").unlink()
    _, problems = load(content)
    assert problems[0].startswith("content/site.yaml:1:1: error: the file is missing")


def test_page_without_front_matter(content):
    write_files(content, {"pages/help.md": "# Help\n"})
    _, problems = load(content)
    assert problems[0].startswith("content/pages/help.md:1:1: error: the page has no front matter")


def test_files_read_by_several_processes_are_read_as_by_one(content, monkeypatch):
    """A large site's files are shared out between processes: the records, and the problems in
    the order an editor reads them, must be the same as when one process reads them all."""
    from generator import build
    for number in range(30):
        event_file(content, f"title: Event {number}\ndate: 2024-01-{number % 28 + 1:02d}\n", f"2024-01-{number:02d}-e.yaml")
    event_file(content, "title: [unclosed\n", "2024-02-01-broken.yaml")
    event_file(content, b"title: caf\xe9\n", "2024-02-02-latin.yaml")
    (content / "events" / "notes.txt").write_text("x")
    (content / "pages" / "about.md").write_text("no front matter")

    def records(raw):
        return [(kind, record.id, record.file, record.data, record.body)
                for kind, group in [("site", [raw.site])] + sorted(raw.records.items()) + [("page", raw.pages)]
                for record in group]

    alone = Diagnostics()
    one = load_content(content, alone)
    monkeypatch.setattr(build, "PARALLEL_FROM", 1)
    with build.Helpers(2) as helpers:
        shared = Diagnostics()
        several = load_content(content, shared, share=helpers.share)
        assert helpers._pool is not None  # the files were read by other processes
    assert records(several) == records(one) and len(one.records["event"]) > 30
    assert [p.format() for p in shared.problems] == [p.format() for p in alone.problems]
    assert len(alone.problems) == 4  # the broken, the Latin-1, the stray file, the page
    # and where a value is written is still found, from the text each process read
    assert several.records["event"][0].at("date").line == one.records["event"][0].at("date").line == 2


def test_the_preview_looks_again_only_at_the_files_the_watcher_reported(content, monkeypatch):
    """A save in the preview touches one file: the others are not listed, looked at nor read
    again. What it reports is what a full reading reports: a new file, a deleted one, a stray one."""
    memo = load_module.Remembered()
    load_content(content, Diagnostics(), display_root=content.parent, memo=memo)
    read = []
    original = load_module.load_yaml_file
    monkeypatch.setattr(load_module, "load_yaml_file", lambda path, *args: read.append(path.name) or original(path, *args))
    takeover = content / "events" / "2024-01-09-tc-television-takeover.yaml"
    takeover.write_text(takeover.read_text().replace("title: ", "title: Edited, ", 1))
    prosecutor = content / "events" / "2024-01-17-prosecutor-killed.yaml"
    prosecutor.unlink()
    added = event_file(content, "title: Added\ndate: 2024-01-20\n", "2024-01-20-added.yaml")
    (content / "events" / "notes.txt").write_text("x")
    (content / "figures").mkdir()
    (content / "figures" / "deaths.yaml").write_text("title: [unclosed\n")
    unreported = content / "actors" / "tc-television.yaml"
    unreported.write_text("name: Not seen until reported\nkind: media\n")

    diagnostics = Diagnostics()
    changed = {str(takeover), str(prosecutor), str(content / "events" / added), str(content / "events" / "notes.txt"),
               str(content / "figures"), str(content / "figures" / "deaths.yaml")}
    raw = load_content(content, diagnostics, display_root=content.parent, memo=memo, changed=changed)
    assert sorted(read) == ["2024-01-09-tc-television-takeover.yaml", "2024-01-20-added.yaml", "deaths.yaml"]
    assert [record.data["title"] for record in raw.records["event"]] == [
        "Edited, Gunmen storm TC Televisión's studio during a live broadcast", "Added",
        "Noboa declares an internal armed conflict"]
    assert {record.data["name"] for record in raw.records["actor"]} == {"Daniel Noboa", "TC Televisión"}

    unreported.write_text(unreported.read_text())  # reported now, as the watcher would
    again = Diagnostics()
    raw = load_content(content, again, display_root=content.parent, memo=memo, changed={str(unreported)})
    everything = load(content)
    assert [p.format() for p in again.problems] == [p.format() for p in diagnostics.problems] == everything[1]
    assert "content/events/notes.txt:1:1: error: only .yaml files belong in events/" in everything[1][0]
    assert {record.data["name"] for record in raw.records["actor"]} == {"Daniel Noboa", "Not seen until reported"}
    assert ([(r.kind, r.id, r.data) for records in raw.records.values() for r in records]
            == [(r.kind, r.id, r.data) for records in everything[0].records.values() for r in records])


def test_the_preview_looks_again_at_linked_files_whose_targets_the_watcher_does_not_watch(content, tmp_path):
    shared = content / "shared.yaml"  # inside the content folder, so the link is allowed; but not in a record folder
    shared.write_text("name: Quito\n")
    os.symlink(shared, content / "places" / "quito.yaml")
    memo = load_module.Remembered()
    load_content(content, Diagnostics(), memo=memo)
    shared.write_text("name: San Francisco de Quito\n")
    raw = load_content(content, Diagnostics(), memo=memo, changed=set())
    assert "San Francisco de Quito" in {record.data["name"] for record in raw.records["place"]}
