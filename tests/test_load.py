import os

import pytest

from generator.diagnostics import Diagnostics
from generator.load import MAX_FILE_BYTES, load_content
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
     "4:2: error: the indentation of this line does not match the lines around it\n"
     "    hint: line fields up under each other with the same number of spaces"),
    ("title: Noboa: thanks but no\n",
     "1:13: error: a colon followed by a space starts a new field here\n"
     "    hint: put text that contains ': ' in quotes, or check the indentation of this line"),
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
]


@pytest.mark.parametrize("text, expected", YAML_MISTAKES)
def test_yaml_mistakes_get_a_plain_cause_and_the_line_to_fix(content, text, expected):
    event_file(content, text)
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:" + expected]


def test_front_matter_mistakes_count_lines_from_the_top_of_the_page(content):
    (content / "pages" / "about.md").write_text("---\ntitle: About\nmenu About\n---\nText.\n", encoding="utf-8")
    _, problems = load(content)
    assert problems == ["content/pages/about.md:3:1: error: this line has no ':' after its field name\n"
                        "    hint: write 'field: value'"]


def test_python_tags_are_refused(content):
    event_file(content, "title: !!python/object/apply:os.system ['echo hacked']\n")
    _, problems = load(content)
    assert problems == ["content/events/2024-01-09-x.yaml:1:8: error: the YAML tag "
                        "'!!python/object/apply:os.system' is not allowed\n"
                        "    hint: write plain text, numbers, true/false, lists and mappings only"]


def test_alias_bomb_is_stopped(content):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    event_file(content, bomb)
    _, problems = load(content)
    assert "the file expands to more than 50000 values" in problems[0]


def test_oversized_file_is_refused_before_parsing(content):
    event_file(content, "title: " + "x" * MAX_FILE_BYTES + "\n")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-x.yaml:1:1: error: the file is ")
    assert f"the limit is {MAX_FILE_BYTES}" in problems[0]


def test_non_utf8_file_names_line_and_byte(content):
    event_file(content, b"title: ok\nsummary: caf\xe9\n")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-x.yaml:2:13: error: the file is not UTF-8 text (byte 0xe9)")


def test_empty_file(content):
    event_file(content, "")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-x.yaml:1:1: error: the file is empty")


def test_other_files_and_folders_in_record_folders_are_reported(content):
    (content / "events" / "notes.txt").write_text("x")
    (content / "events" / "folder.yaml").mkdir()
    (content / "events" / ".gitkeep").write_text("")
    (content / "events" / ".2024-01-09-x.yaml.swp").write_text("\x00")  # an editor's swap file
    (content / "events" / "2024-01-09-x.yaml~").write_text("title: [")  # an editor's backup copy
    _, problems = load(content)
    assert "content/events/folder.yaml:1:1: error: expected a file here" in problems
    assert any(p.startswith("content/events/notes.txt:1:1: error: only .yaml files belong in events/") for p in problems)
    assert len(problems) == 2


def test_symbolic_links_out_of_the_content_folder_are_refused(content, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n")
    os.symlink(secret, content / "events" / "2024-01-09-link.yaml")
    _, problems = load(content)
    assert problems[0].startswith("content/events/2024-01-09-link.yaml:1:1: error: a symbolic link that leads out")


def test_missing_site_yaml(content):
    (content / "site.yaml").unlink()
    _, problems = load(content)
    assert problems[0].startswith("content/site.yaml:1:1: error: the file is missing")


def test_page_without_front_matter(content):
    write_files(content, {"pages/help.md": "# Help\n"})
    _, problems = load(content)
    assert problems[0].startswith("content/pages/help.md:1:1: error: the page has no front matter")
