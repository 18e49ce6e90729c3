"""Indexes the written pages for full-text search with Pagefind, in parts, before the new site is swapped in."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pagefind_bin

BUNDLE = "pagefind"  # the folder of the index, below the site root: the first part, with the script
PART_PAGES = 2000  # pages per part, at most about: Pagefind holds some 50 kB for each page it indexes
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
READER = ("pagefind.js", "pagefind-worker.js")  # with wasm.*.pagefind: only the first part's are loaded


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message carries its own words."""


# --- Parts -----------------------------------------------------------------------------------
# A large site's index is cut into parts, each a Pagefind bundle of its own that the search page
# merges in the browser (Pagefind's mergeIndex). A page's part follows from its address alone,
# so an edit re-indexes only the part of the page whose text changed, and Pagefind's memory is
# that of one part at a time.


def part_count(pages: int, part_pages: int = PART_PAGES) -> int:
    """How many parts for this many pages: a power of two, so that adding pages seldom moves any."""
    parts = 1
    while pages > parts * part_pages:
        parts *= 2
    return parts


def part_folder(part: int) -> str:
    """The part's folder below the site root: the first is the bundle itself, the others inside it."""
    return f"{BUNDLE}/" if part == 0 else f"{BUNDLE}/part-{part}/"


def merged_folders(parts: int) -> list[str]:
    """The folders the search page merges into the first part's index."""
    return [part_folder(part) for part in range(1, parts)]


def part_of(key: str, parts: int) -> int:
    """A page's part, from its address inside its edition: the same page in every language shares one."""
    return zlib.crc32(key.encode("utf-8")) % parts


# --- What Pagefind reads of a page -----------------------------------------------------------
# Pagefind indexes the element marked data-pagefind-body, less the elements marked
# data-pagefind-ignore. Handing it only that (and the page's language and title) gives the same
# records as the whole page and costs a third of the time. Finding the elements by text is exact
# here because in the pages this generator writes, every "<" and ">" is markup: Jinja2 escapes
# them in text and attributes, and nh3 in the Markdown it cleans.

_ATTRIBUTE_END = frozenset(" \t\n\r=>/")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_LANGUAGE = re.compile(r'<html\b[^>]*?\slang="([^"]*)"')
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")


def document(page: str) -> str | None:
    """The part of a page Pagefind indexes, as a page of its own; None when the page is not indexed."""
    body = _marked_tag(page, "data-pagefind-body", 0, len(page))
    if body is None:
        return None
    name, start, opened = body
    end = _element_end(page, name, opened)
    kept, position = [], start
    while (ignored := _marked_tag(page, "data-pagefind-ignore", position, end)) is not None:
        ignored_name, ignored_start, ignored_opened = ignored
        kept.append(page[position:ignored_start])
        position = _element_end(page, ignored_name, ignored_opened)
    kept.append(page[position:end])
    language = _LANGUAGE.search(page)
    title = _TITLE.search(page)
    return (f'<!doctype html><html lang="{language.group(1) if language else ""}"><head><title>'
            f'{title.group(1) if title else ""}</title></head><body>{"".join(kept)}</body></html>')


def _marked_tag(page: str, attribute: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The first start tag in page[start:end] with this attribute: (its name, where it starts,
    where it ends). Words in text or inside an attribute's value do not count."""
    position = start
    while (found := page.find(attribute, position, end)) >= 0:
        position = found + len(attribute)
        opening = page.rfind("<", start, found)
        closing = page.find(">", opening, end) if opening >= 0 else -1
        in_tag = opening >= 0 and found < closing
        is_name = page[found - 1] in " \t\n\r" and page[position:position + 1] in _ATTRIBUTE_END
        outside_value = page.count('"', opening, found) % 2 == 0
        name = _TAG_NAME.match(page, opening) if in_tag else None
        if name and is_name and outside_value:
            return name.group(1).lower(), opening, closing + 1
    return None


def _element_end(page: str, name: str, opened: int) -> int:
    """Where the element whose start tag ends at `opened` ends, after its end tag."""
    if name in _VOID or page[opened - 2] == "/":
        return opened
    start_tag, end_tag = f"<{name}", f"</{name}>"
    depth, position = 1, opened
    while depth:
        closing = page.find(end_tag, position)
        if closing < 0:
            return len(page)
        nested = position
        while (nested := page.find(start_tag, nested, closing)) >= 0:
            nested += len(start_tag)
            depth += page[nested] in _ATTRIBUTE_END
        depth -= 1
        position = closing + len(end_tag)
    return position


def document_key(document_text: str | None) -> str:
    return hashlib.sha256(document_text.encode("utf-8")).hexdigest()[:32] if document_text is not None else ""


# --- Indexing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    path: str  # the file below the site root
    url: str  # its address below the site root
    key: str  # its address inside its edition, which chooses its part


@dataclass
class IndexState:
    """What the index in an output folder was made from: for each part, its pages' document keys
    by path, and a hash of its entry file (which tells that the folder still holds that index)."""

    documents: list[dict[str, str]] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"documents": self.documents, "entries": self.entries}

    @classmethod
    def from_json(cls, data: dict | None) -> IndexState:
        try:
            return cls([dict(part) for part in data["documents"]], [str(entry) for entry in data["entries"]])
        except (TypeError, KeyError, ValueError):
            return cls()


def index_site(staging: Path, current: Path, pages: list[Page], written: set[str], previous: IndexState,
               part_pages: int = PART_PAGES, workers: int = 2,
               known: dict[str, str | None] | None = None) -> IndexState:
    """Write the search index into staging/pagefind/: each part whose pages' text changed since
    `previous` (the index in `current`) is indexed again; the others are linked from `current`.
    `known` holds pages' documents already at hand, by path; the others are read from staging."""
    parts = part_count(len(pages), part_pages)
    members: list[list[Page]] = [[] for _ in range(parts)]
    for page in sorted(pages, key=lambda page: page.url):
        members[part_of(page.key, parts)].append(page)
    usable = len(previous.documents) == parts and all(
        _entry_key(current / part_folder(part)) == previous.entries[part] for part in range(parts))
    documents: dict[str, str | None] = dict(known or {})

    def document_of(page: Page) -> str | None:
        if page.path not in documents:
            documents[page.path] = _read_document(staging / page.path)
        return documents[page.path]

    def unchanged(part: int) -> bool:
        indexed = previous.documents[part]
        if {page.path for page in members[part]} != set(indexed):
            return False
        return all(document_key(document_of(page)) == indexed[page.path]
                   for page in members[part] if page.path in written)

    state = IndexState([{} for _ in range(parts)], [""] * parts)
    stale = [part for part in range(parts) if not (usable and unchanged(part))]
    for part in sorted(set(range(parts)) - set(stale)):
        _link_part(current, staging, part)
        state.documents[part], state.entries[part] = previous.documents[part], previous.entries[part]

    def index_part(part: int) -> int:
        texts = {page.path: document_of(page) for page in members[part]}
        folder = staging / part_folder(part)
        _write_bundle(_run_pagefind([(page.url, texts[page.path]) for page in members[part]
                                     if texts[page.path] is not None]), folder, part)
        state.documents[part] = {path: document_key(text) for path, text in texts.items()}
        state.entries[part] = _entry_key(folder)
        return part

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(stale)))) as pool:
        list(pool.map(index_part, stale))
    return state


def _read_document(path: Path) -> str | None:
    return document(path.read_text(encoding="utf-8"))


def _entry_key(folder: Path) -> str:
    try:
        return hashlib.sha256((folder / "pagefind-entry.json").read_bytes()).hexdigest()[:32]
    except OSError:
        return ""


def _link_part(current: Path, staging: Path, part: int) -> None:
    """Carry a part over from the current edition: hard links, as for the unchanged pages."""
    source = current / part_folder(part)
    for root, folders, names in os.walk(source):
        relative = Path(root).relative_to(current)
        if part == 0 and relative == Path(BUNDLE):
            folders[:] = [name for name in folders if not name.startswith("part-")]  # the other parts
        (staging / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(root) / name, staging / relative / name)


def _write_bundle(files: dict[str, bytes], folder: Path, part: int) -> None:
    """Write a part's files, less what the site does not serve, with the entry file's bytes the same every time."""
    unused = set(UNUSED) | (set(READER) if part else set())
    entry = json.loads(files["pagefind-entry.json"])  # Pagefind may list the languages in any order
    files["pagefind-entry.json"] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode("utf-8")
    made: set[Path] = set()
    for name, data in sorted(files.items()):
        if name in unused or (part and name.startswith("wasm.")):
            continue
        path = folder / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)


def _run_pagefind(documents: list[tuple[str, str]]) -> dict[str, bytes]:
    """Index (address, page) pairs with one Pagefind process (its --service mode, fed through a
    pipe); returns the bundle's files by path. (Pagefind's own writing may still be under way
    when it answers, so the files are asked for and written here.)"""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([str(pagefind_bin.get_executable()), "--service"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors)
        service = _Service(process)
        try:
            index = service.ask({"type": "NewIndex", "config": None})["index_id"]
            sender = threading.Thread(target=service.tell, args=([
                {"type": "AddFile", "index_id": index, "url": url, "file_path": None, "file_contents": text}
                for url, text in documents],))
            sender.start()
            problems = [answer for answer in (service.answer() for _ in documents) if answer.get("type") == "Error"]
            sender.join()
            if problems:
                raise SearchIndexError(f"Pagefind could not index a page: {problems[0].get('message')}")
            files = service.ask({"type": "GetFiles", "index_id": index})["files"]
            return {file["path"]: base64.b64decode(file["content"]) for file in files}
        except (OSError, ValueError, KeyError) as error:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip()
            raise SearchIndexError(f"Pagefind failed to index the site: {error}\n{said}".rstrip()) from error
        finally:
            process.stdin.close()
            process.wait()


class _Service:
    """Pagefind's service protocol: each message is base64-encoded JSON followed by a comma."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.sent = 0
        self.rest = b""  # read past the end of the last answer: the start of the next

    def tell(self, payloads: list[dict]) -> None:
        for payload in payloads:
            self.sent += 1
            message = json.dumps({"message_id": self.sent, "payload": payload}).encode("utf-8")
            self.process.stdin.write(base64.b64encode(message) + b",")
        self.process.stdin.flush()

    def answer(self) -> dict:
        pieces = []  # joined once: an index's files come as one answer of many megabytes
        while True:
            chunk, self.rest = (self.rest, b"") if self.rest else (self.process.stdout.read1(1 << 20), b"")
            if not chunk:
                raise OSError("Pagefind stopped answering")
            end = chunk.find(b",")
            if end < 0:
                pieces.append(chunk)
                continue
            pieces.append(chunk[:end])
            self.rest = chunk[end + 1:]
            return json.loads(base64.b64decode(b"".join(pieces)))["payload"]

    def ask(self, payload: dict) -> dict:
        self.tell([payload])
        answer = self.answer()
        if answer.get("type") == "Error":
            raise SearchIndexError(f"Pagefind failed to index the site: {answer.get('message')}")
        return answer
