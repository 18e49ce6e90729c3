"""The editors' live preview: builds the site, serves it, rebuilds on every save and reloads the open pages."""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from html import escape
from pathlib import Path

import jinja2
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import ioloop, web

from . import build
from .load import display_path
from .diagnostics import ContentError, Problem, count
from .search import SearchIndexError
from .write import OutputError

POLL_SECONDS = 0.1
"""How often the watched folders are checked: a stat of each file, cheap next to a rebuild."""


@dataclass(frozen=True)
class Failure:
    """Why the last build failed: every problem, in the editor's `file:line:column` form."""

    headline: str
    problems: tuple[Problem, ...] = ()
    details: str = ""  # a traceback or tool output, for failures that are not content problems


class Preview:
    """One content folder built into one output folder, again on demand; the last failure is kept
    so that every page can show it until the next good build."""

    def __init__(self, content_dir: Path, out_dir: Path, base_url: str, with_search: bool = True,
                 templates_dir: Path = build.TEMPLATES_DIR, static_dir: Path = build.STATIC_DIR):
        self.content_dir, self.out_dir, self.base_url = content_dir, out_dir, base_url
        self.with_search = with_search
        self.templates_dir, self.static_dir = templates_dir, static_dir
        self.failure: Failure | None = None

    @property
    def watched(self) -> list[Path]:
        return [self.content_dir, self.templates_dir, self.static_dir]

    def rebuild(self) -> bool:
        """Build once, drafts included; report to the terminal; never raise."""
        started = time.perf_counter()
        try:
            result = build.build(self.content_dir, self.out_dir, self.base_url, templates_dir=self.templates_dir,
                                 static_dir=self.static_dir, with_search=self.with_search, drafts=True)
        except ContentError as error:
            self.failure = Failure(f"{count(len(error.problems), 'problem')} in the content", tuple(error.problems))
        except jinja2.TemplateSyntaxError as error:
            where = Path(error.filename or error.name or "template")
            self.failure = Failure("a template has a syntax error",
                                   details=f"{_shown(where)}:{error.lineno}: {error.message}")
        except (OutputError, SearchIndexError) as error:
            self.failure = Failure("the site could not be written", details=str(error))
        except Exception:  # noqa: BLE001 - a broken template or a bug must not stop the preview
            self.failure = Failure("the build stopped with an unexpected error", details=traceback.format_exc())
        else:
            self.failure = None
            for problem in result.warnings:
                print(problem.format(), file=sys.stderr)
            print(f"timeline serve: rebuilt {result.files} files in {time.perf_counter() - started:.2f} s"
                  + (f" ({count(len(result.warnings), 'warning')})" if result.warnings else ""), file=sys.stderr)
            return True
        for problem in self.failure.problems:
            print(problem.format(), file=sys.stderr)
        if self.failure.details:
            print(self.failure.details.rstrip(), file=sys.stderr)
        print(f"timeline serve: {self.failure.headline}; the browser shows them until the next good save",
              file=sys.stderr)
        return False


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
    """The output folder as the browser asks for it, or the error page while the last build failed."""

    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        super().initialize(path=str(preview.out_dir), default_filename="index.html")
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\x00" in path:  # the file system would refuse it with an exception, not an answer
            raise web.HTTPError(400)
        if self.preview.failure is not None and _is_page(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(error_page(self.preview.failure) if include_body else b"")
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a preview is stale the moment a file is saved

    def should_return_304(self) -> bool:
        return False

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = self.preview.out_dir / "404.html"
        if status_code == 404 and not_found.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(not_found.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


class _QuickWatcher(Watcher):
    """livereload's watcher, polling often enough that a save shows in well under a second."""

    def start(self, callback) -> bool:
        ioloop.PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True

    def ignore(self, filename: str) -> bool:
        name = Path(filename).name
        return name.startswith(".") or name.endswith("~") or super().ignore(filename)  # editors' temporary files


def application(preview: Preview, port: int) -> web.Application:
    """The preview's web application: the site, plus livereload's script and socket."""
    # livereload's own injector adds an inline script, which the site's Content-Security-Policy
    # refuses; a script file from the same origin is allowed.
    class LiveScript(LiveScriptInjector):
        script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()

    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/(.*)", _PreviewFiles, {"preview": preview}),
    ], transforms=[LiveScript], log_function=_quiet)


def _quiet(handler: web.RequestHandler) -> None:
    """No access log: the terminal is for the build's messages."""


def serve(preview: Preview, host: str, port: int) -> None:
    """Build, then serve and rebuild on every change until interrupted."""
    watcher = _QuickWatcher()
    for folder in preview.watched:
        watcher.watch(str(folder), preview.rebuild)
    LiveReloadHandler.watcher = watcher
    LiveReloadHandler.live_css = False  # stylesheets have fingerprinted names: reload whole pages
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # livereload skips reloads within 3 s of the last; editors save faster

    async def run() -> None:
        application(preview, port).listen(port, address=host)
        shown_host = f"[{host}]" if ":" in host else host
        print(f"timeline serve: previewing {_shown(preview.content_dir)} at http://{shown_host}:{port}/ "
              "(drafts included); press Ctrl+C to stop", file=sys.stderr, flush=True)
        LiveReloadHandler.start_tasks()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stopped.set)
        await stopped.wait()

    preview.rebuild()
    asyncio.run(run())


def temporary_output() -> Path:
    """A fresh output folder for one preview session, so drafts never land in _site/."""
    return Path(tempfile.mkdtemp(prefix="timeline-preview-")) / "site"


def remove_output(out_dir: Path) -> None:
    shutil.rmtree(out_dir.parent, ignore_errors=True)


def _shown(path: Path) -> str:
    return display_path(path, Path.cwd().resolve())
