"""Remembers what earlier builds made, so that a rebuild redoes only what changed: rendered Markdown by content hash, and each output's fingerprint."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from . import search
from .pages import Output, entry_inputs
from .timeline import Entry, Timeline

VERSION = "2"  # raise when the cache's layout changes
CODE_DIR = Path(__file__).resolve().parent
LOCALES_DIR = CODE_DIR.parent / "locales"  # the interface's translations
LIBRARIES = ("Jinja2", "Markdown", "nh3", "python-dateutil", "Babel")  # their output is part of ours


class BuildCache:
    """A folder of what earlier builds made, safe to delete (the next build is then a clean one):
    `markdown.pickle` holds rendered Markdown by hash of its text; `outputs-<hash of the output
    folder>.json` holds each file's fingerprint with the size and time it was written with, so a
    file whose inputs did not change, and which nobody touched since, is kept without rendering,
    and what the folder's search index was made from (search.IndexState)."""

    def __init__(self, folder: Path | None, out_dir: Path):
        self.folder = folder
        key = hashlib.sha256(str(Path(out_dir).resolve()).encode()).hexdigest()[:12]
        self._outputs_file = folder / f"outputs-{key}.json" if folder else None
        stored = self._read_json(self._outputs_file) if folder else {}
        self.outputs: dict[str, list] = stored.get("outputs", {})
        self.search = search.IndexState.from_json(stored.get("search"))  # the index the output folder holds
        # rendered Markdown by text_key: every build asks for it as it reads the content, to
        # convert what is missing while the records are checked
        self.markdown: dict[str, str] = self._read_pickle(folder / "markdown.pickle") if folder else {}

    @staticmethod
    def _read_pickle(path: Path) -> dict:
        try:
            with open(path, "rb") as file:
                stored = pickle.load(file)
            return stored["entries"] if stored.get("version") == _library_signature() else {}
        except Exception:  # missing, from another version, or damaged: start again
            return {}

    @staticmethod
    def _read_json(path: Path) -> dict:
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            return stored if stored.get("version") == VERSION else {}
        except Exception:
            return {}

    def unchanged(self, out_dir: Path, path: str, fingerprint: str) -> bool:
        """Whether out_dir already holds this file as the build with this fingerprint wrote it."""
        known = self.outputs.get(path)
        if not known or known[0] != fingerprint:
            return False
        try:
            stat = os.stat(out_dir / path)
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == known[1:]

    def save(self, out_dir: Path, fingerprints: dict[str, str], markdown: dict[str, str] | None,
             index: search.IndexState) -> None:
        """Record the output folder as it now stands, with its search index, and the Markdown this
        build used (None: the build converted none, so what is stored stays)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        outputs = {}
        for path, fingerprint in fingerprints.items():
            try:
                stat = os.stat(out_dir / path)
            except OSError:
                continue
            outputs[path] = [fingerprint, stat.st_size, stat.st_mtime_ns]
        stored = {"version": VERSION, "outputs": outputs, "search": index.to_json()}
        _replace(self._outputs_file, json.dumps(stored).encode())
        if markdown is not None:
            _replace(self.folder / "markdown.pickle",
                     pickle.dumps({"version": _library_signature(), "entries": markdown}, pickle.HIGHEST_PROTOCOL))


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _replace(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all, so a killed build cannot leave half of one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _library_signature() -> str:
    return VERSION + ";" + ";".join(f"{name}={metadata.version(name)}" for name in LIBRARIES)


def code_signature(templates_dir: Path, static_dir: Path, settings: Iterable[Any]) -> str:
    """A hash of everything besides the content that shapes every output: the generator's code,
    the templates, the static files, the translation catalogs, the libraries' versions and the
    build's settings."""
    digest = hashlib.sha256(_library_signature().encode())
    for folder in (CODE_DIR, templates_dir, static_dir, LOCALES_DIR):
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(repr(tuple(settings)).encode())
    return digest.hexdigest()


class Fingerprints:
    """Fingerprints of outputs and of events' list entries: a hash of what each is made from.
    The same fingerprint means the same bytes, so an output whose fingerprint did not change need
    not be rendered again. `memo` keeps record digests between uses (the preview's records stay
    the same objects until their file changes)."""

    def __init__(self, timeline: Timeline, signature: str, memo: dict[int, tuple[Any, str]] | None = None):
        self.records = _record_digests(timeline, {} if memo is None else memo)
        self.shared = hashlib.sha256(signature.encode())  # what every page shows: the site, the free pages' menu
        self.shared.update(repr(timeline.site).encode())
        for page in timeline.pages.values():
            self.shared.update(self.records[("page", page.id)].encode())
        self.everything = self.shared.copy()
        for key in sorted(self.records):
            self.everything.update(self._line(key))
        self._entries: dict[str, str] = {}

    def _line(self, key: tuple[str, str]) -> bytes:
        return f"{key[0]}:{key[1]}={self.records.get(key, '-')}\n".encode()

    def entry(self, entry: Entry) -> str:
        """An event's list entry: the event and the names of its place, actors, topics and sources."""
        if entry.id not in self._entries:
            digest = self.shared.copy()
            for key in entry_inputs(entry):
                digest.update(self._line(key))
            self._entries[entry.id] = digest.hexdigest()
        return self._entries[entry.id]

    def output(self, output: Output) -> str:
        digest = (self.everything if output.inputs is None else self.shared).copy()
        digest.update(f"{output.path}\0{output.template}\0{output.data}\0".encode())
        for item in output.inputs or ():
            if isinstance(item, Entry):
                digest.update(self.entry(item).encode())
            else:
                digest.update(self._line(item))
        return digest.hexdigest()


def fingerprints(outputs: list[Output], timeline: Timeline, signature: str) -> dict[str, str]:
    """Each output's fingerprint, by path."""
    fingerprint = Fingerprints(timeline, signature)
    return {output.path: fingerprint.output(output) for output in outputs}


def _record_digests(timeline: Timeline, memo: dict[int, tuple[Any, str]]) -> dict[tuple[str, str], str]:
    """A hash of each record's fields (records are flat dataclasses, so repr shows all of them)."""
    digests, seen = {}, {}
    groups = (("event", (entry.event for entry in timeline.entries)), ("actor", timeline.actors.values()),
              ("topic", timeline.topics.values()), ("place", timeline.places.values()),
              ("source", timeline.sources.values()), ("figure", timeline.figures.values()),
              ("page", timeline.pages.values()))
    for kind, records in groups:
        for record in records:
            known = memo.get(id(record))
            if known is None or known[0] is not record:
                known = (record, hashlib.sha1(repr(record).encode("utf-8")).hexdigest())
            seen[id(record)] = known
            digests[(kind, record.id)] = known[1]
    memo.clear()
    memo.update(seen)  # only the records still in use
    return digests
