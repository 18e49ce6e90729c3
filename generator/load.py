"""Reads the content folder into raw records that can tell the file, line and column of every value."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .diagnostics import Diagnostics, Location, Problem

try:  # libyaml's parser is more than ten times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

KINDS = {"events": "event", "actors": "actor", "topics": "topic", "places": "place", "sources": "source",
         "figures": "figure"}

MAX_FILE_BYTES = 1024 * 1024
"""A record is a few kilobytes; a larger file is a mistake or an attack."""

MAX_NODES = 50_000
"""YAML aliases can expand a small file into billions of values ("billion laughs")."""

MAX_DEPTH = 100
"""Records nest three or four levels; libyaml's composer crashes the whole process (it recurses
in C) on brackets nested tens of thousands deep, which a 100 KB file can hold."""

CONTROL_CHARACTERS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\ufffe\\uffff"  # as JSON Schema and re write them
CONTROL_CHARACTER = re.compile(f"[{CONTROL_CHARACTERS}]")
"""Invisible characters no text may hold: XML forbids most of them (one would make the whole feed
unreadable), and HTML and calendars have no use for any. libyaml refuses them written as they
are; the model refuses them written as escapes in quotes, and pages' Markdown is checked here."""

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_constructor = yaml.constructor.SafeConstructor()

FieldPath = tuple  # a path into a record: ("sources", 0, "source")


@dataclass
class RawRecord:
    """One content file as plain Python values, able to say where each key and value is written."""

    kind: str  # "event", "actor", "topic", "place", "source", "site" or "page"
    id: str
    file: str  # the path shown to editors
    data: Any
    body: str = ""  # the Markdown after a page's front matter
    body_line: int = 1
    yaml_text: str = ""  # the YAML the data was read from
    yaml_line: int = 0  # lines of the file before yaml_text (a page's front matter starts on line 2)
    # Positions are found again from yaml_text when a problem first needs one: holding them for
    # every value of every record took most of the memory of a large build.
    _marks: tuple[dict, dict] | None = field(default=None, repr=False, compare=False)

    def at(self, *path: Any) -> Location:
        """Where the value at `path` starts, or the nearest enclosing value that exists."""
        return self._locate(self._positions()[0], path)

    def key_at(self, *path: Any) -> Location:
        """Where the key of the value at `path` is written."""
        values, keys = self._positions()
        return self._locate(keys, path) if path in keys else self._locate(values, path)

    def _locate(self, marks: dict, path: tuple) -> Location:
        while path not in marks and path:
            path = path[:-1]
        line, column = marks.get(path, (1, 1))
        return Location(self.file, line, column)

    def _positions(self) -> tuple[dict[FieldPath, tuple[int, int]], dict[FieldPath, tuple[int, int]]]:
        """(where each value starts, where each key is written), by path."""
        if self._marks is None:
            self._marks = ({}, {})
            node = yaml.compose(self.yaml_text, Loader=_Loader) if self.yaml_text else None  # it was read before
            if node is not None:
                _mark(node, (), self._marks, self.yaml_line)
        return self._marks


def _mark(node: yaml.Node, path: tuple, marks: tuple[dict, dict], offset: int) -> None:
    marks[0][path] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark(item, path + (index,), marks, offset)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            marks[1][child] = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            _mark(value_node, child, marks, offset)


@dataclass
class RawContent:
    records: dict[str, list[RawRecord]] = field(default_factory=dict)  # kind -> records
    site: RawRecord | None = None
    pages: list[RawRecord] = field(default_factory=list)


class _YamlProblem(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


@dataclass
class Remembered:
    """What the preview keeps between saves, so that a save costs only the files it touched."""

    files: dict = field(default_factory=dict)  # path (a string) -> (its size, time and inode, the record, its problems)
    folders: dict = field(default_factory=dict)  # folder (a string) -> _Listing


@dataclass(frozen=True)
class _Listing:
    """A content folder as last listed."""

    names: frozenset  # every name in it, records or not
    files: list  # the record files, as Paths, in order
    problems: list  # about the names
    plain: bool  # no links, whose targets may change without a change in the folder


Share = Callable[[Callable[[list], list], list], Callable[[], list]]
"""Runs a function of a list over a list, perhaps split between processes; gives back a function
that waits for the results, in order (see build.Helpers)."""


def load_content(content_dir: Path, diagnostics: Diagnostics, display_root: Path | None = None,
                 memo: Remembered | None = None, changed: Iterable[str] | None = None,
                 share: Share | None = None) -> RawContent:
    """Read every record under content_dir; unreadable files are reported, never raised. With a
    memo (the preview keeps one), a file unchanged since the last call is not read again, and
    with `changed` (the paths the file watcher reported since), no other file is even looked at.
    With `share`, the files are read by other processes too."""
    content_dir = Path(content_dir)
    shown = _display(display_root, os.getcwd())
    settled: set[str] = set()  # files the memo holds as they are: not changed, in a folder not changed
    if memo is not None:
        previous, listed = memo.files, memo.folders
        memo.files, memo.folders = {}, {}  # refilled below with what is still there
        load_yaml_file_, load_page_file_ = (_remembered(load_yaml_file, previous, memo.files, settled),
                                            _remembered(load_page_file, previous, memo.files, settled))
        touched = _by_folder(changed) if changed is not None else None
    else:
        load_yaml_file_, load_page_file_ = load_yaml_file, load_page_file
    raw = RawContent()
    if not content_dir.is_dir():
        diagnostics.error(Location(shown(content_dir)), "the content folder does not exist",
                          "pass the folder that holds site.yaml and events/ with --content")
        return raw
    root = content_dir.resolve()

    def listing(folder: Path, suffix: str) -> _Listing:
        if memo is None:
            return _listing(folder, suffix, root, shown)
        key = str(folder)
        known = listed.get(key)
        if known is None or touched is None or not _still(known, folder, touched):
            known = _listing(folder, suffix, root, shown)
        else:
            names = touched.get(os.path.realpath(folder), ())
            settled.update(str(path) for path in known.files if path.name not in names)
        memo.folders[key] = known
        return known

    # First every folder is listed, then every file read (by several processes when shared);
    # the problems are reported in the order that reading one file after another gives.
    steps: list[tuple[str, list[Problem], list[tuple]]] = []  # (kind, the listing's problems, reads)
    site_file = content_dir / "site.yaml"
    found = Diagnostics()
    site_reads = [(load_yaml_file_, site_file, "site", "site", shown(site_file))] \
        if _readable(site_file, root, shown, found, required=True) else []
    steps.append(("site", found.problems, site_reads))
    for folder, kind in KINDS.items():
        listed_here = listing(content_dir / folder, ".yaml")
        steps.append((kind, listed_here.problems,
                      [(load_yaml_file_, path, kind, path.stem, shown(path)) for path in listed_here.files]))
    listed_here = listing(content_dir / "pages", ".md")
    steps.append(("page", listed_here.problems, [(load_page_file_, path, shown(path)) for path in listed_here.files]))

    reads = [read for _, _, step_reads in steps for read in step_reads]
    # the memo's readers stay in this process, with the memo
    results = iter(_read_files(reads) if share is None or memo is not None else share(_read_files, reads)())
    for kind, listing_problems, step_reads in steps:
        diagnostics.problems.extend(listing_problems)
        records = []
        for _ in step_reads:
            record, problems = next(results)
            diagnostics.problems.extend(problems)
            if record is not None:
                records.append(record)
        if kind == "site":
            raw.site = records[0] if records else None
        elif kind == "page":
            raw.pages = records
        else:
            raw.records[kind] = records
    return raw


def _by_folder(changed: Iterable[str]) -> dict[str, set[str]]:
    """The watcher's paths as {folder, its links resolved: the names changed in it}."""
    by_folder: dict[str, set[str]] = {}
    for path in changed:
        by_folder.setdefault(os.path.realpath(os.path.dirname(path)), set()).add(os.path.basename(path))
    return by_folder


def _still(known: _Listing, folder: Path, touched: dict[str, set[str]]) -> bool:
    """Whether a folder still holds what it held when listed: the watcher saw no name in it come
    or go, nor the folder itself; and it holds no link, whose target the watcher does not watch."""
    if not known.plain or folder.name in touched.get(os.path.realpath(folder.parent), ()):
        return False
    return all(os.path.lexists(folder / name) == (name in known.names)
               for name in touched.get(os.path.realpath(folder), ()))


def _read_files(reads: list[tuple]) -> list[tuple[RawRecord | None, list[Problem]]]:
    """Each (reader, path, arguments...) read: the record (None when it cannot be read) and its problems."""
    results = []
    for reader, path, *arguments in reads:
        found = Diagnostics()
        results.append((reader(path, *arguments, found), found.problems))
    return results


def _remembered(read, previous: dict, memo: dict, settled: set[str]):
    """`read`, skipped for a file that is `settled`, or whose size, time and inode are as last
    time; its problems are reported again, since they still stand."""
    def remembered(path: Path, *args):
        diagnostics = args[-1]
        name = str(path)  # a string hashes faster than a Path, and there is one per file
        known = previous.get(name)
        if known is None or name not in settled:
            try:
                stat = os.stat(name)
                stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino, args[:-1])
            except OSError:
                return read(path, *args)
            if known is None or known[0] != stamp:
                found = Diagnostics()
                known = (stamp, read(path, *args[:-1], found), found.problems)
        memo[name] = known
        diagnostics.problems.extend(known[2])
        return known[1]
    return remembered


def load_yaml_file(path: Path, kind: str, record_id: str, shown: str,
                   diagnostics: Diagnostics) -> RawRecord | None:
    text = _read_text(path, shown, diagnostics)
    if text is None:
        return None
    record = RawRecord(kind, record_id, shown, None)
    try:
        record.data = _parse_yaml(text, record)
    except _YamlProblem as problem:
        diagnostics.error(Location(shown, problem.line, problem.column), problem.message, problem.hint)
        return None
    return record


def load_page_file(path: Path, shown: str, diagnostics: Diagnostics) -> RawRecord | None:
    """A Markdown page with a YAML front matter block between two '---' lines."""
    text = _read_text(path, shown, diagnostics)
    if text is None:
        return None
    record = RawRecord("page", path.stem, shown, None)
    match = re.match(r"^---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", text, re.S)
    if not match:
        diagnostics.error(Location(shown, 1, 1), "the page has no front matter",
                          "start the file with '---', a line 'title: ...', and '---'")
        return None
    try:
        record.data = _parse_yaml(match.group(1) or "", record, line_offset=1,
                                  empty=("the front matter between the '---' lines is empty",
                                         "add a line 'title: ...' between them"))
    except _YamlProblem as problem:
        diagnostics.error(Location(shown, problem.line, problem.column), problem.message, problem.hint)
        return None
    record.body = text[match.end():]
    record.body_line = text.count("\n", 0, match.end()) + 1
    control = CONTROL_CHARACTER.search(text, match.end())
    if control:
        problem = _invisible_character(text, control.start(), ord(control.group()), "page")
        diagnostics.error(Location(shown, problem.line, problem.column), problem.message, problem.hint)
        return None
    return record


def _parse_yaml(text: str, record: RawRecord, line_offset: int = 0,
                empty: tuple[str, str] = ("the file is empty", "see docs/editing.md for the fields to fill in")) -> Any:
    try:
        _refuse_deep_nesting(text, line_offset)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        message, hint, (line, column) = explain_yaml_error(error, text)
        raise _YamlProblem(line + line_offset, column, message, hint) from None
    except yaml.reader.ReaderError as error:  # a control character; its position is counted differently by libyaml
        character = error.character if isinstance(error.character, int) else None
        index = max(text.find(chr(character)), 0) if character is not None else 0
        raise _invisible_character(text, index, character, "file", line_offset) from None
    except yaml.YAMLError as error:  # pragma: no cover - composing raises MarkedYAMLError or ReaderError
        raise _YamlProblem(1 + line_offset, 1, f"YAML cannot read this file: {error}",
                           "see 'YAML in brief' in docs/editing.md") from None
    if node is None:
        raise _YamlProblem(1 + line_offset, 1, *empty)
    budget = [MAX_NODES]
    try:
        data = _to_python(node, budget, line_offset, text.splitlines())
    except _TooManyValues:
        alias = _first_alias(text)
        if alias is None:
            raise _YamlProblem(1 + line_offset, 1, f"the file holds more than {MAX_NODES} values",
                               "a record holds a few dozen values; remove pasted data, or split it") from None
        raise _YamlProblem(alias[0] + line_offset, alias[1], f"the file expands to more than {MAX_NODES} values",
                           "YAML anchors and aliases (& and *) are not needed in content files; remove them") from None
    record.yaml_text, record.yaml_line = text, line_offset
    return data


def _invisible_character(text: str, index: int, character: int | None, what: str,
                         line_offset: int = 0) -> _YamlProblem:
    """An invisible control character at text[index], where an editor counts lines and columns."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = f" (U+{character:04X})" if character is not None else ""
    return _YamlProblem(line + line_offset, column, f"the {what} holds an invisible control character{code}",
                        "delete it: such characters come with text pasted from PDFs or word processors; "
                        "retype the text around here if you cannot see it")


class _TooManyValues(Exception):
    """A file holds more than MAX_NODES values, or its aliases expand past them."""


def _first_alias(text: str) -> tuple[int, int] | None:
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1, token.start_mark.column + 1
    except yaml.YAMLError:  # pragma: no cover - the text was composed without error just before
        pass
    return None


_NESTING_MARKS = ("[", "{", "- ", "-\n", "-\t", ":", "?")  # every list or mapping starts with one


def _refuse_deep_nesting(text: str, offset: int) -> None:
    """Refuse lists and mappings nested deeper than MAX_DEPTH, before libyaml composes them.
    Counting the marks that can open one is a cheap bound; only a file that could be too deep is
    parsed (as a flat stream of events, which does not recurse) to find out."""
    if sum(text.count(mark) for mark in _NESTING_MARKS) <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):  # a YAML error here is reported by the caller
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event.start_mark, offset)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _too_deep(mark: yaml.Mark, offset: int) -> _YamlProblem:
    return _YamlProblem(mark.line + 1 + offset, mark.column + 1,
                        f"lists and fields are nested more than {MAX_DEPTH} levels deep here",
                        "records nest a few levels at most: look for brackets [ or { left open, "
                        "or an alias (*name) inside the value it names")


def _to_python(node: yaml.Node, budget: list[int], offset: int, lines: list[str], depth: int = 0) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyValues()
    if depth > MAX_DEPTH:  # only an alias inside the list it names gets here: `a: &x [*x]`
        raise _too_deep(node.start_mark, offset)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            raise _refused_tag(node, offset)
        _refuse_list_items_in_plain_text(node, offset, lines)
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates are read by the model, at their own precision
        return _constructor.construct_object(node)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _refused_tag(node, offset)
        return [_to_python(item, budget, offset, lines, depth + 1) for item in node.value]
    if node.tag != "tag:yaml.org,2002:map":
        raise _refused_tag(node, offset)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line, column = key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise _YamlProblem(line, column, "field names must be plain words",
                               "write 'name: value'; merge keys (<<) and complex keys are not supported")
        key = key_node.value
        if key in mapping:
            first_line = next(other.start_mark.line for other, _ in node.value if other.value == key) + 1 + offset
            raise _YamlProblem(line, column, f"the field '{key}' is given twice (first on line {first_line})",
                               "keep one of them; YAML would silently use only the last")
        mapping[key] = _to_python(value_node, budget, offset, lines, depth + 1)
    return mapping


def _refuse_list_items_in_plain_text(node: yaml.ScalarNode, offset: int, lines: list[str]) -> None:
    """A list item indented deeper than the one above it does not start a new item: YAML reads
    it as more words of the item above ('- a' then '    - b' gives 'a - b'). Say so at its dash."""
    if node.style not in (None, "") or node.end_mark.line <= node.start_mark.line:  # libyaml's plain style is ''
        return
    for index in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        item = lines[index].lstrip(" ")
        if item == "-" or item.startswith("- "):
            raise _YamlProblem(index + 1 + offset, len(lines[index]) - len(item) + 1,
                               "a list item is indented differently from the others",
                               "start every item of a list with '- ' at the same column")


def _refused_tag(node: yaml.Node, offset: int) -> _YamlProblem:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return _YamlProblem(node.start_mark.line + 1 + offset, node.start_mark.column + 1,
                        f"the YAML tag '{tag}' is not allowed",
                        "content files use no YAML tags: put text that starts with '!' in quotes")


_UNEXPECTED_AFTER_A_VALUE = ("expected <block end>", "expected <document start>", "did not find expected key")
"""How both YAML parsers say that something follows a finished value: more text, or a line out of place."""


def explain_yaml_error(error: yaml.MarkedYAMLError, text: str) -> tuple[str, str | None, tuple[int, int]]:
    """Turn PyYAML's parser vocabulary into a plain cause, a fix, and the line and column
    (from 1) where the editor should look, which is not always where the parser gave up."""
    # PyYAML's Python parser quotes what libyaml does not: "expected '<document start>'".
    problem = (error.problem or str(error)).strip().replace("'<", "<").replace(">'", ">")
    context = (error.context or "").strip()
    mark = error.problem_mark or error.context_mark
    where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    opened = error.context_mark
    opened_at = (opened.line + 1, opened.column + 1) if opened else where
    lines = text.splitlines()
    line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
    before = line_text[: mark.column] if mark else ""

    if "\\t" in problem or "'\\t'" in problem or "\t" in line_text[: (mark.column + 1 if mark else 0)]:
        return ("a tab character is used for indentation",
                "YAML indents with spaces only: replace the tab with spaces", where)
    if "while scanning a quoted scalar" in context:
        return "a quoted text is not closed", "add the closing quote (\" or ') at the end of the text", opened_at
    if "while parsing a flow sequence" in context:
        return ("a list opened with '[' is not closed",
                "end the list with ']' on the same line, or write one '- item' per line", opened_at)
    if "while parsing a flow mapping" in context:
        return "a '{' is not closed", "end it with '}', or write one 'key: value' per line", opened_at
    if "expected a single document" in context:
        return ("this '---' line starts a second record in the same file",
                "one file holds one record: delete the '---' line, or move what follows it into a file of its own",
                where)
    # A value that starts with a character YAML reserves: '*' (an alias), '&' (an anchor), '|' or '>'
    # followed by text, '@', '`', '%', or '- ' and '? ' after a field name on the same line.
    indicator = error.context_mark if context in (
        "while scanning an alias", "while scanning an anchor", "while scanning a block scalar") \
        else error.problem_mark if any(phrase in problem for phrase in (
            "cannot start any token", "found undefined alias", "mapping keys are not allowed",
            "sequence entries are not allowed")) else None
    if indicator is not None and indicator.line < len(lines):
        value_line = lines[indicator.line]
        leading = value_line[: indicator.column].rstrip()
        if "cannot start any token" in problem or leading.endswith(":") or leading.lstrip() == "-":
            char = value_line[indicator.column: indicator.column + 1]
            return f"a value cannot start with '{char}'", _indicator_hint(char, value_line), \
                (indicator.line + 1, indicator.column + 1)
    unexpected_after_value = any(phrase in problem for phrase in _UNEXPECTED_AFTER_A_VALUE)
    if before.rstrip().endswith(("\"", "'")) and unexpected_after_value:
        opened = _quote_left_open(text, mark)
        if opened is not None:  # the quote of an earlier line was never closed; YAML closed it at this one
            return "a quoted text is not closed", "add the closing quote (\" or ') at the end of the text", \
                (opened.line + 1, opened.column + 1)
        return "more text follows a closing quote", f"put the whole text in quotes, for example: {_quoted(line_text)}", \
            where
    if before.rstrip().endswith(("]", "}")) and unexpected_after_value:
        bracket = before.rstrip()[-1]
        return (f"more text follows the closing '{bracket}'",
                f"a value that starts with '{'[' if bracket == ']' else '{'}' ends at its '{bracket}'; if it is text, "
                f"put all of it in quotes, for example: {_quoted(line_text)}", where)
    previous = _previous_line(lines, mark.line) if mark else None
    colon = "mapping values are not allowed" in problem
    # 'note: He said: no' has its field name; the second ': ' is the trouble, not the line's place.
    colon_in_text = colon and mark is not None and ":" in line_text[: mark.column]
    misplaced = not colon_in_text and (unexpected_after_value or any(phrase in problem for phrase in (
        "mapping values are not allowed", "bad indentation", "did not find expected '-' indicator")))
    field, field_indent = _list_item_content(lines[previous]) if previous is not None else ("", 0)
    if misplaced and field and ":" not in field and not field.startswith("-") and field_indent <= _indent(line_text):
        # A field name without its colon reads as text, and YAML only notices at the next line.
        return "this line has no ':' after its field name", "write 'field: value'", (previous + 1, 1)
    if misplaced and not colon and _list_item_content(line_text)[1] > _indent(line_text):
        return ("a list item is indented differently from the others",
                "start every item of a list with '- ' at the same column", where)
    if misplaced and colon and previous is not None and _indent(line_text) > field_indent:
        return ("this line is indented more than the field above it",
                "line fields up under each other with the same number of spaces", (mark.line + 1, 1))
    if colon_in_text:
        return ("a colon followed by a space starts a new field here",
                f"put text that contains ': ' in quotes, for example: {_quoted(line_text)}", where)
    if misplaced:  # also libyaml's "did not find expected '-' indicator" for a field not lined up in a list item
        return ("the indentation of this line does not match the lines around it",
                "line fields up under each other with the same number of spaces",
                (mark.line + 1, _indent(line_text) + 1) if colon else where)  # not at the colon YAML stopped at
    if "found undefined alias" in problem:
        return "an alias (*name) refers to nothing", "remove the alias; content files need no anchors", where
    if "could not find expected ':'" in problem:
        return "this line has no ':' after its field name", "write 'field: value'", opened_at
    if "found unexpected end of stream" in problem:
        return "the file ends in the middle of a value", "check the last lines for a missing quote or bracket", where
    cause = f"{context}; {problem}" if context else problem
    return f"YAML syntax error: {cause}", "compare this line with the examples in 'YAML in brief' in docs/editing.md", \
        where


def _quote_left_open(text: str, mark: yaml.Mark) -> yaml.Mark | None:
    """Where the quoted text that ends just before `mark` opened, when that is on an earlier line:
    'title: "A' with no closing quote runs on to the next quote in the file, lines below."""
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            last = token
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.style in ("'", '"') and last.start_mark.line < mark.line:
        return last.start_mark
    return None


def _indicator_hint(char: str, line: str) -> str:
    example = f"for example: {_quoted(line)}"
    if char in "|>":
        return (f"for a block of text, end the line after '{char}' and write the text on the lines below it, "
                f"indented; for one line of text, put all of it in quotes, {example}")
    if char == "-":
        return ("for a list, write each '- item' on a line of its own below the field, indented; "
                f"for text, put all of it in quotes, {example}")
    return f"put the whole text in quotes, {example}"


def _quoted(line: str) -> str:
    """The line with its value quoted the simplest way YAML allows."""
    indent = line[: len(line) - len(line.lstrip())]
    rest = line.strip()
    item = "- " if rest.startswith("- ") else ""
    key, separator, value = rest[len(item):].partition(": ")
    prefix, value = (f"{key}: ", value) if separator else ("", key)
    value = value.strip()
    if "'" in value and '"' not in value and "\\" not in value:
        quoted = f'"{value}"'
    else:
        quoted = "'" + value.replace("'", "''") + "'"  # inside single quotes only ' needs escaping, by doubling
    return f"{indent}{item}{prefix}{quoted}".strip()


def _previous_line(lines: list[str], index: int) -> int | None:
    """The nearest line above `index` that holds something other than a comment."""
    for candidate in range(index - 1, -1, -1):
        stripped = lines[candidate].strip()
        if stripped and not stripped.startswith("#"):
            return candidate
    return None


def _list_item_content(line: str) -> tuple[str, int]:
    """What a line holds after its indentation and any list dashes, and the column (from 0) it starts at."""
    content = line.lstrip(" ")
    while content == "-" or content.startswith("- "):
        content = content[1:].lstrip(" ")
    return content.rstrip(), len(line) - len(content)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _read_text(path: Path, shown: str, diagnostics: Diagnostics) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.error(Location(shown), f"the file is {size} bytes; the limit is {MAX_FILE_BYTES}",
                              "a record should be a few kilobytes; split long texts or remove pasted data")
            return None
        data = path.read_bytes()
    except OSError as error:
        diagnostics.error(Location(shown), f"cannot read the file: {error.strerror}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            diagnostics.error(Location(shown), "the file is saved as UTF-16 text, not UTF-8",
                              "save the file with UTF-8 encoding in your editor")
            return None
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8").removeprefix("\ufeff")) + 1  # in characters
        byte = data[error.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")  # what Windows and old Mac editors meant by it
        probably = f", probably '{guess}' saved in an older encoding" \
            if guess.isprintable() and not guess.isspace() and guess != "\ufffd" else ""
        diagnostics.error(Location(shown, line, column), f"the file is not UTF-8 text (byte 0x{byte:02x}{probably})",
                          "save the file with UTF-8 encoding in your editor")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _listing(folder: Path, suffix: str, root: Path, shown) -> _Listing:
    """The record files of one folder, in a stable order; anything else there is reported."""
    diagnostics = Diagnostics()
    if not folder.exists():
        return _Listing(frozenset(), [], [], plain=not folder.is_symlink())
    if not _readable(folder, root, shown, diagnostics, want_dir=True):
        return _Listing(frozenset(), [], diagnostics.problems, plain=False)
    files, plain = [], not folder.is_symlink()
    found = sorted(os.scandir(folder), key=lambda e: e.name)
    entries = [entry for entry in found
               if not entry.name.startswith(".") and not entry.name.endswith("~")]  # swap and backup files, .gitkeep
    records = _same_record_names([entry.name for entry in entries if entry.name.endswith(suffix)])
    for entry in entries:
        path = folder / entry.name
        if not entry.name.endswith(suffix):
            twin = records.get((entry.name.rsplit(".", 1)[0] + suffix).casefold())
            diagnostics.error(Location(shown(path)), f"only {suffix} files belong in {folder.name}/"
                              + (f", and {twin} is already there" if twin else ""),
                              f"move what this file holds into {twin}, then delete this file" if twin else
                              f"rename it to end in {suffix}, or move it out of the content folder")
            continue
        kept = records[entry.name.casefold()]
        if kept != entry.name:  # Foo.yaml beside foo.yaml: one id, and one file on Windows and macOS
            diagnostics.error(Location(shown(path)), f"the file names {entry.name} and {kept} differ only in "
                              "capital letters, so they would be the same record",
                              f"move what this file holds into {kept}, then delete this file" if kept == kept.lower()
                              else f"keep one of the two files, and name it {kept.lower()}")
            continue
        # A plain file needs no more checks (scandir knows its type without a stat); a link may lead out
        if entry.is_file(follow_symlinks=False):
            files.append(path)
        else:
            plain = False
            if _readable(path, root, shown, diagnostics):
                files.append(path)
    return _Listing(frozenset(entry.name for entry in found), files, diagnostics.problems, plain)


def _same_record_names(names: list[str]) -> dict[str, str]:
    """For each file name in lower case, the one file kept when names differ only in capitals:
    the lower-case one (the only valid id), else the first."""
    kept: dict[str, str] = {}
    for name in names:
        if name.casefold() not in kept or name == name.lower():
            kept[name.casefold()] = name
    return kept


def _readable(path: Path, root: Path, shown, diagnostics: Diagnostics,
              required: bool = False, want_dir: bool = False) -> bool:
    if not path.exists():
        if path.is_symlink():
            diagnostics.error(Location(shown(path)), "a symbolic link that leads nowhere")
        elif required:
            diagnostics.error(Location(shown(path)), "the file is missing",
                              "every content folder needs a site.yaml (see docs/editing.md)")
        return False
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        diagnostics.error(Location(shown(path)), "a symbolic link that leads out of the content folder",
                          "copy the file into the content folder instead of linking to it")
        return False
    if want_dir != path.is_dir():
        what = "a folder" if want_dir else "a file"
        diagnostics.error(Location(shown(path)), f"expected {what} here")
        return False
    if not want_dir and not path.is_file():  # reading a pipe would wait forever; a device, read without end
        diagnostics.error(Location(shown(path)), "this is not a regular file (a pipe, socket or device)",
                          "content files are plain text files; remove this one")
        return False
    return True


def display_path(path: Path, base: Path) -> str:
    """How a file is named to editors: relative to `base` (a resolved folder) when it lies inside it."""
    absolute = os.path.abspath(path)  # strings, not Path objects: this runs for every file, on every build
    inside = os.path.join(str(base), "")
    if absolute == str(base):
        return "."
    shown = absolute[len(inside):] if absolute.startswith(inside) else absolute
    return shown.replace(os.sep, "/")


@lru_cache(maxsize=4)
def _display(display_root: Path | None, cwd: str | None = None):
    base = Path(display_root or cwd or Path.cwd()).resolve()
    return lru_cache(maxsize=None)(lambda path: display_path(path, base))  # the preview asks again on every save
