"""The editors' live preview: keeps the site in memory, updates what a save changed and reloads the open pages."""

from __future__ import annotations

import asyncio
import gc
import json
import mimetypes
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Collection
from urllib.parse import urlsplit

import jinja2
import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import ioloop, web, websocket

from . import build, cache, editions, history, load, model, pages, render, timeline
from .diagnostics import ContentError, Diagnostics, Problem, count
from .load import display_path

IDLE_SECONDS = 2  # quiet time after a save or a render before garbage is collected

WATCH_DEBOUNCE_MS = 20  # a save often arrives as several file events; they are taken together

WATCHED_CHANGES_TRUSTED = 1000
"""A save touches a few files; past this many at once (a checkout, a copy), the watcher may have
dropped some, and every content file is looked at again."""


@dataclass(frozen=True)
class Failure:
    """Why the last build failed: every problem, in the editor's `file:line:column` form."""

    headline: str
    problems: tuple[Problem, ...] = ()
    details: str = ""  # a traceback or tool output, for failures that are not content problems


class Preview:
    """The site in memory, kept up to date with the content: a save re-reads only the files that
    changed, and a page is rendered again only when it is asked for and what it shows changed.
    The last failure is kept so that every page can show it until the next good save. With
    search, a full build runs in the background into out_dir for Pagefind's index."""

    def __init__(self, content_dir: Path, out_dir: Path, base_url: str, with_search: bool = True,
                 templates_dir: Path = build.TEMPLATES_DIR, static_dir: Path = build.STATIC_DIR):
        self.content_dir, self.out_dir, self.base_url = content_dir, out_dir, base_url
        self.with_search = with_search
        self.templates_dir, self.static_dir = templates_dir, static_dir
        self.failure: Failure | None = None
        self.edition = 0  # counts the saves taken in; `shown` is the edition each address was last served from
        self.shown: dict[str, int] = {}
        self.outputs: dict[str, pages.Output] = {}
        self.fingerprints: cache.Fingerprints | None = None
        self._signature, self._compiled = "", render.CompiledTemplates()
        self.assets: dict[str, bytes] = {}
        self.renderer: render.Renderer | None = None
        self._rendered: dict[str, tuple[str, bytes]] = {}  # path -> (fingerprint, bytes)
        self._fragments: dict = {}
        self._memos: tuple[load.Remembered, dict, dict] = (load.Remembered(), {}, {})  # files, records, record digests
        self.history = history.read(content_dir)  # commits come from outside the preview: read once
        self._indexer: multiprocessing.Process | None = None
        self._index_again = False
        self._garbage, self._last_busy = False, 0.0  # see collect_when_idle

    @property
    def watched(self) -> list[Path]:
        return [self.content_dir, self.templates_dir, self.static_dir, cache.LOCALES_DIR]

    def rebuild(self, changed: Collection[str] | None = None) -> bool:
        """Bring the site up to date with the files, drafts included; report to the terminal; never raise.
        `changed`: the paths the file watcher reported since the last call; then no other content
        file is looked at, unless there are too many to trust. None looks at every one."""
        started = time.perf_counter()
        if changed is not None and len(changed) >= WATCHED_CHANGES_TRUSTED:
            changed = None
        self.edition += 1
        try:
            warnings = self._refresh(changed)
        except ContentError as error:
            self.failure = Failure(f"{count(len(error.problems), 'problem')} in the content", tuple(error.problems))
        except jinja2.TemplateSyntaxError as error:
            self.failure = _template_failure(error)
        except Exception:  # noqa: BLE001 - a bug must not stop the preview
            self.failure = Failure("the build stopped with an unexpected error", details=traceback.format_exc())
        else:
            self.failure = None
            for problem in warnings:
                print(problem.format(), file=sys.stderr)
            print(f"timeline serve: up to date in {time.perf_counter() - started:.2f} s"
                  + (f" ({count(len(warnings), 'warning')})" if warnings else ""), file=sys.stderr)
            self.index_in_background()
            return True
        finally:
            self._garbage, self._last_busy = True, time.monotonic()  # idle counts from the end of a build
        self._report_failure()
        return False

    def _refresh(self, changed: Collection[str] | None) -> list[Problem]:
        files, records, digests = self._memos
        diagnostics = Diagnostics()
        raw = load.load_content(self.content_dir, diagnostics, memo=files, changed=changed)
        content = model.validate(raw, diagnostics, memo=records, history=self.history)
        graph = timeline.assemble(content, diagnostics, drafts=True)
        if graph is None or diagnostics.errors:
            raise ContentError(diagnostics.sorted())
        books = editions.editions(graph)
        plan = pages.plan_site(books)
        signature = cache.code_signature(self.templates_dir, self.static_dir, (self.base_url, None, True))
        fingerprints = cache.Fingerprints(graph, signature, digests)
        if sum(map(len, self._fragments.values())) > 4 * len(books) * len(graph.entries) + 100:
            self._fragments.clear()  # entries of earlier versions
        renderer = render.Renderer(books, self.templates_dir, self.static_dir, self.base_url,
                                   fragments=self._fragments, entry_stamp=fingerprints.entry,
                                   compiled=self._compiled)
        if signature != self._signature:  # templates, static files or code changed
            for name in renderer.env.list_templates():  # a syntax error shows now, not on a request
                renderer.env.get_template(name)
            self._signature = signature
        self.outputs = {output.path: output for output in plan}
        self.fingerprints = fingerprints
        self.assets, self.renderer = renderer.asset_files(), renderer
        self._rendered = {path: known for path, known in self._rendered.items() if path in self.outputs}
        return diagnostics.warnings

    def file(self, path: str) -> bytes | None:
        """One file of the site (a planned path such as "events/x/index.html"), rendered now if
        what it shows changed since it was last asked for; None when the site has no such file."""
        if path in self.assets:
            return self.assets[path]
        output = self.outputs.get(path)
        if output is None or self.renderer is None:
            return None
        fingerprint = self.fingerprints.output(output)
        known = self._rendered.get(path)
        if known is None or known[0] != fingerprint:
            known = (fingerprint, self.renderer.render(output))
            self._rendered[path] = known
            self._garbage, self._last_busy = True, time.monotonic()
        return known[1]

    def index_in_background(self) -> None:
        """Build out_dir, and its search index, in another process; once more if the content
        changes meanwhile. Pages come from memory; only the search index is read from out_dir."""
        if not self.with_search:
            return
        if self._indexer is not None and self._indexer.is_alive():
            self._index_again = True
            return
        self._index_again = False
        self._indexer = multiprocessing.get_context("spawn").Process(
            target=_build_for_search, daemon=True,
            args=(self.content_dir, self.out_dir, self.base_url, self.templates_dir, self.static_dir))
        self._indexer.start()

    def check_indexer(self) -> None:
        """Called now and then: start the next background index if a save came in meanwhile."""
        if self._index_again and self._indexer is not None and not self._indexer.is_alive():
            self.index_in_background()

    def collect_when_idle(self) -> None:
        """Called now and then: free the garbage of earlier saves once nothing has happened for a
        moment. `serve` turns Python's automatic cycle collector off, since its passes over a large
        site's objects (about 0.3 s at 10,000 events) would fall between a save and its page."""
        if self._garbage and time.monotonic() - self._last_busy > IDLE_SECONDS:
            self._garbage = False
            gc.collect()

    def stop(self) -> None:
        if self._indexer is not None and self._indexer.is_alive():
            self._indexer.terminate()
            self._indexer.join()

    def report_render_failure(self, error: Exception) -> bytes:
        failure = (_template_failure(error) if isinstance(error, jinja2.TemplateSyntaxError) else
                   Failure("a page could not be rendered", details=traceback.format_exc()))
        print(failure.details.rstrip(), file=sys.stderr)
        return error_page(failure)

    def _report_failure(self) -> None:
        for problem in self.failure.problems:
            print(problem.format(), file=sys.stderr)
        if self.failure.details:
            print(self.failure.details.rstrip(), file=sys.stderr)
        print(f"timeline serve: {self.failure.headline}; the browser shows them until the next good save",
              file=sys.stderr)


def _build_for_search(content_dir: Path, out_dir: Path, base_url: str, templates_dir: Path, static_dir: Path) -> None:
    """The preview's background build (drafts included), rebuilt incrementally with its own cache."""
    if hasattr(os, "nice"):
        os.nice(10)  # the page an editor is waiting for comes first; the search index can wait
    try:
        build.build(content_dir, out_dir, base_url, templates_dir=templates_dir, static_dir=static_dir,
                    drafts=True, cache_dir=out_dir.with_name(out_dir.name + "-cache"), jobs=1)
    except Exception:  # noqa: BLE001 - the preview itself reports what is wrong with the content
        pass


def _template_failure(error: jinja2.TemplateSyntaxError) -> Failure:
    where = Path(error.filename or error.name or "template")
    return Failure("a template has a syntax error", details=f"{_shown(where)}:{error.lineno}: {error.message}")


def error_page(failure: Failure) -> bytes:
    """A self-contained page naming every problem; it needs nothing from the site that failed to build."""
    items = "".join(
        f"<li><code>{escape(str(p.location))}</code>: <strong>{escape(p.severity)}</strong>: {escape(p.message)}"
        + (f"<br><span class=hint>hint: {escape(p.hint)}</span>" if p.hint else "") + "</li>"
        for p in failure.problems)
    details = f"<pre>{escape(failure.details)}</pre>" if failure.details else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed: {escape(failure.headline)}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1a1a1a; }}
h1 {{ color: #a4001d; font-size: 1.4rem; }}
li {{ margin-bottom: .75rem; overflow-wrap: anywhere; }}
code, pre {{ font-family: ui-monospace, monospace; }}
pre {{ background: #f3f3f3; padding: .75rem; overflow-x: auto; }}
.hint {{ color: #4a4a4a; }}
</style>
</head>
<body>
<main>
<h1>The preview could not be built: {escape(failure.headline)}</h1>
<p>Fix the file and save it: this page reloads by itself, and the site comes back with the next good build.</p>
<ul class="problems">{items}</ul>
{details}
</main>
</body>
</html>
""".encode()


class _PreviewFiles(web.StaticFileHandler):
    """The site from memory as the browser asks for it, the error page while the last build
    failed, and the search index from the background build's folder."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        super().initialize(path=str(preview.out_dir), default_filename="index.html")
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\x00" in path:  # the file system would refuse it with an exception, not an answer
            raise web.HTTPError(400)
        if _is_page(path):
            self.preview.shown[self.request.path] = self.preview.edition
        if self.preview.failure is not None and _is_page(path):
            self._answer(500, "text/html; charset=utf-8", error_page(self.preview.failure), include_body)
            return
        planned = path + "index.html" if path == "" or path.endswith("/") else path
        if planned + "/index.html" in self.preview.outputs:
            self.redirect(self.request.path + "/")  # a folder address without its slash
            return
        try:
            data = self.preview.file(planned)
        except Exception as error:  # noqa: BLE001 - a template that fails on one page
            self._answer(500, "text/html; charset=utf-8", self.preview.report_render_failure(error), include_body)
            return
        if data is not None:
            self._answer(200, _content_type(planned), data, include_body)
            return
        await super().get(path, include_body)

    def _answer(self, status: int, content_type: str, data: bytes, include_body: bool) -> None:
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(data if include_body else b"")

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a preview is stale the moment a file is saved

    def should_return_304(self) -> bool:
        return False

    def compute_etag(self) -> None:
        return None  # every answer is fresh; and pages from memory have no file to tag

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = self.preview.file("404.html") if status_code == 404 else None
        if not_found is not None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(not_found)
        else:
            super().write_error(status_code, **kwargs)


def _content_type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".ics"):
        kind = "text/calendar"
    textual = kind.startswith("text/") or kind in ("application/json", "application/xml", "image/svg+xml")
    return kind + ("; charset=utf-8" if textual else "")


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


class _WorthRebuilding(watchfiles.DefaultFilter):
    """Changes to watch, without editors' temporary and backup files."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return not Path(path).name.startswith(".") and super().__call__(change, path)


def _watch(folders: list[Path], stop: threading.Event, changed: Callable[[set[str]], None]) -> None:
    """Tell `changed` about every save under the folders, as the operating system reports it:
    the paths saved, created or deleted together."""
    for changes in watchfiles.watch(*[folder for folder in folders if folder.is_dir()], stop_event=stop,
                                    watch_filter=_WorthRebuilding(), debounce=WATCH_DEBOUNCE_MS, step=10,
                                    raise_interrupt=False):
        changed({path for _, path in changes})


class _LiveReload(LiveReloadHandler):
    """livereload's socket, which also catches a page up with a save made while it was loading:
    the reload for that save went out before the page's script connected to hear it."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        self.preview = preview

    def check_origin(self, origin: str) -> bool:
        """Only the preview's own pages may listen (livereload lets any web site connect)."""
        return websocket.WebSocketHandler.check_origin(self, origin)

    def on_message(self, message: str) -> None:
        try:
            hello = json.loads(message)
        except ValueError:
            hello = None
        if not isinstance(hello, dict) or not isinstance(hello.get("command"), str) or \
                not isinstance(hello.get("url", ""), str):
            self.close(1003, "not a livereload message")  # livereload itself would fail with a traceback
            return
        super().on_message(message)
        if hello["command"] == "info" and "url" in hello:
            shown = self.preview.shown.get(urlsplit(hello["url"]).path, self.preview.edition)
            if shown < self.preview.edition:
                self.send_message({"command": "reload", "path": hello["url"], "liveCSS": False})


def application(preview: Preview, port: int) -> web.Application:
    """The preview's web application: the site, plus livereload's script and socket."""
    # livereload's own injector adds an inline script, which the site's Content-Security-Policy
    # refuses; a script file from the same origin is allowed.
    class LiveScript(LiveScriptInjector):
        script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()

    return web.Application([
        (r"/livereload", _LiveReload, {"preview": preview}),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/(.*)", _PreviewFiles, {"preview": preview}),
    ], transforms=[LiveScript], log_function=_quiet)


def _quiet(handler: web.RequestHandler) -> None:
    """No access log: the terminal is for the build's messages."""


def serve(preview: Preview, host: str, port: int) -> None:
    """Build, then serve and update on every save until interrupted."""
    LiveReloadHandler.watcher = SimpleNamespace(filepath=None)  # livereload logs it; our watcher is _watch
    LiveReloadHandler.live_css = False  # stylesheets have fingerprinted names: reload whole pages

    async def run() -> None:
        application(preview, port).listen(port, address=host)
        shown_host = f"[{host}]" if ":" in host else host
        print(f"timeline serve: previewing {_shown(preview.content_dir)} at http://{shown_host}:{port}/ "
              "(drafts included); press Ctrl+C to stop", file=sys.stderr, flush=True)
        loop = asyncio.get_running_loop()

        def update(paths: set[str]) -> None:
            preview.rebuild(paths)
            LiveReloadHandler.reload_waiters(min(paths))

        stop_watching = threading.Event()
        watcher = threading.Thread(target=_watch, daemon=True, args=(
            preview.watched, stop_watching, lambda path: loop.call_soon_threadsafe(update, path)))
        watcher.start()
        ioloop.PeriodicCallback(preview.check_indexer, 1000).start()
        ioloop.PeriodicCallback(preview.collect_when_idle, 1000).start()
        stopped = asyncio.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stopped.set)
        await stopped.wait()
        stop_watching.set()
        preview.stop()

    gc.disable()  # the preview collects when idle instead
    try:
        preview.rebuild()
        asyncio.run(run())
    finally:
        gc.enable()


def temporary_output() -> Path:
    """A fresh output folder for one preview session, so drafts never land in _site/."""
    return Path(tempfile.mkdtemp(prefix="timeline-preview-")) / "site"


def remove_output(out_dir: Path) -> None:
    shutil.rmtree(out_dir.parent, ignore_errors=True)


def _shown(path: Path) -> str:
    return display_path(path, Path.cwd().resolve())
