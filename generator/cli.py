"""The `timeline` command line: parses arguments, runs a command, prints problems, sets the exit status."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__, build, scaffold, schema
from .diagnostics import ContentError, Problem, count
from .search import SearchIndexError
from .write import OutputError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"'{value}' is not an http(s) address such as https://example.org/timeline/")
    return value.rstrip("/") + "/"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="timeline", description="Build the sourced timeline website from its YAML content.",
        epilog="Exit status: 0 success, 1 the content has errors (or the search index failed), "
               "2 the command was used wrongly.")
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build_cmd = commands.add_parser("build", help="turn the content into the static site",
                                    description="Validate the content and write the site. A failed build "
                                                "leaves the previous output untouched.")
    build_cmd.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                           help="the content folder (default: content)")
    build_cmd.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR",
                           help="the output folder (default: _site)")
    build_cmd.add_argument("--base-url", type=_base_url, metavar="URL",
                           help="the address the site is published at (default: base_url in site.yaml)")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--drafts", action="store_true",
                           help="include events marked 'draft: true' (for previews; never publish such a build)")
    build_cmd.add_argument("--no-search", dest="with_search", action="store_false",
                           help="skip the full-text search index (a quicker build for previews)")
    build_cmd.add_argument("--cache", type=Path, default=Path(".timeline-cache"), metavar="DIR",
                           help="where to remember what was built, so that a rebuild renders and writes only "
                                "what changed (default: .timeline-cache; safe to delete)")
    build_cmd.add_argument("--no-cache", dest="cache", action="store_const", const=None,
                           help="render every page (the output folder is still only rewritten where it changed)")
    build_cmd.add_argument("--jobs", type=_jobs, metavar="N",
                           help="how many processes render pages (default: one per processor)")
    build_cmd.add_argument("--quiet", action="store_true",
                           help="print only problems: no progress, no summary (progress is never shown "
                                "when the output is not a terminal, or under CI)")

    check_cmd = commands.add_parser("check", help="validate the content without writing anything",
                                    description="Report every error and warning in the content.")
    check_cmd.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                           help="the content folder (default: content)")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors (for CI)")

    serve_cmd = commands.add_parser("serve", help="preview the site while you edit it",
                                    description="Build the site with its drafts, serve it, and rebuild and reload "
                                                "the open pages on every save in content/, templates/ or static/. "
                                                "A save with errors shows them in the browser instead of the site.")
    serve_cmd.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                           help="the content folder (default: content)")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve_cmd.add_argument("--port", type=_port, default=8000, help="the port to listen on (default: 8000)")
    serve_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="where the background build for search goes (default: a temporary folder, removed on exit)")
    serve_cmd.add_argument("--no-search", dest="with_search", action="store_false",
                           help="skip the search index on every rebuild")

    new_cmd = commands.add_parser(
        "new", help="start a new record file for you to fill in",
        description="Write content/<kind>s/<id>.yaml, pre-filled and commented; the id comes from the name "
                    "(with the date first for events). It will not build until every TODO is replaced. "
                    "An existing file is never overwritten.",
        epilog='example: timeline new event "Gunmen storm a TV studio" --date 2024-01-09 '
               "--actors tc-television --place guayaquil --source ap-2024-01-10-armed-men-break-into-tv-station")
    new_cmd.add_argument("kind", choices=scaffold.KINDS, help="the kind of record")
    new_cmd.add_argument("name", help="an event's, source's or figure's title, or the name of an actor, topic or place")
    new_cmd.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                         help="the content folder (default: content)")
    new_cmd.add_argument("--date", help="an event's date, or a source's publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    new_cmd.add_argument("--actors", type=_ids, default=(), metavar="IDS", help="event: actor ids, comma-separated")
    new_cmd.add_argument("--topics", type=_ids, default=(), metavar="IDS", help="event, figure: topic ids, comma-separated")
    new_cmd.add_argument("--place", metavar="ID", help="event: a place id")
    new_cmd.add_argument("--source", type=_ids, default=(), metavar="IDS", help="event, figure: source ids, comma-separated")
    new_cmd.add_argument("--kind", dest="kind_of_actor", metavar="KIND", help="actor: person, criminal-group, ...")
    new_cmd.add_argument("--publisher", help="source: who published it (also starts the source's id)")

    schema_cmd = commands.add_parser(
        "schema", help="write JSON Schemas of the record files, for editors' YAML tools",
        description="Write <kind>.schema.json for events, actors, topics, places, sources, figures and site.yaml. "
                    "YAML language servers use them for completion and inline errors (see docs/editing.md).")
    schema_cmd.add_argument("--out", type=Path, default=Path("schemas"), metavar="DIR",
                            help="the folder to write them to (default: schemas)")
    return main


def _ids(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


NEW_OPTIONS = {  # flag: (its argparse name, the kinds of record it applies to)
    "--date": ("date", ("event", "source")), "--actors": ("actors", ("event",)),
    "--topics": ("topics", ("event", "figure")), "--place": ("place", ("event",)),
    "--source": ("source", ("event", "figure")), "--kind": ("kind_of_actor", ("actor",)),
    "--publisher": ("publisher", ("source",)),
}


def run_new(args: argparse.Namespace) -> int:
    misplaced = [flag for flag, (name, kinds) in NEW_OPTIONS.items() if getattr(args, name) and args.kind not in kinds]
    if misplaced:
        print(f"timeline new: {misplaced[0]} does not apply to a new {args.kind}", file=sys.stderr)
        return EXIT_USAGE
    request = scaffold.NewRecord(args.kind, args.name, args.date, args.actors, args.topics, args.place,
                                 args.source, args.kind_of_actor, args.publisher)
    try:
        path = scaffold.create(request, args.content)
    except scaffold.ScaffoldError as error:
        print(f"timeline new: {error}" + (f"\n    hint: {error.hint}" if error.hint else ""), file=sys.stderr)
        return EXIT_USAGE
    print(f"timeline new: wrote {path.as_posix()}; replace every TODO in it, then run: timeline check")
    return EXIT_OK


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number from 1 to 65535")
    return int(value)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of processes (1 or more)")
    return int(value)


def report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def summary(problems: list[Problem], strict: bool = False) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    text = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    untranslated = sum(p.severity == "warning" and p.message.startswith("not yet translated") for p in problems)
    if untranslated:  # a translator's to-do list, counted apart from the other warnings
        text += f" ({untranslated} for missing translations)"
    return text + (" (--strict counts warnings as errors)" if strict and warnings else "")


def main(argv: list[str] | None = None) -> int:
    # The records of a build are garbage when the process ends, and Python's last collection would
    # walk through every one of them before exiting (a fifth of a second at 10,000 events); out of
    # its sight, the process ends at once. Only at exit: a process that runs main() again (the
    # tests) still has its garbage collected in the meantime.
    atexit.unregister(gc.freeze)  # once, however many times main() runs
    atexit.register(gc.freeze)
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on misuse and 0 on --help
        return int(exit_.code or 0)
    if args.command == "check":
        graph, diagnostics = build.check(args.content, args.strict)
        problems = diagnostics.sorted()
        report(problems)
        if graph is None:
            print(f"timeline check: {summary(problems, args.strict)}", file=sys.stderr)
            return EXIT_CONTENT
        print(f"timeline check: {len(graph.entries)} events, {summary(problems)}")
        return EXIT_OK
    if args.command == "serve":
        return run_serve(args)
    if args.command == "new":
        return run_new(args)
    if args.command == "schema":
        try:
            written = schema.write_schemas(args.out)
        except OSError as error:
            print(f"timeline schema: cannot write to {args.out}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
        print(f"timeline schema: wrote {len(written)} schemas to {args.out.as_posix()}")
        return EXIT_OK
    try:
        built = build.edition_time(os.environ)
    except ValueError as error:
        print(f"timeline build: {error}\n    hint: unset it, or set it to the commit's time: "
              "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    progress = TerminalProgress(sys.stderr, enabled=not args.quiet and sys.stderr.isatty() and not os.environ.get("CI"))
    try:
        try:
            result = build.build(args.content, args.out, args.base_url, args.strict, with_search=args.with_search,
                                 drafts=args.drafts, built=built, progress=progress, cache_dir=args.cache,
                                 jobs=args.jobs)
        finally:
            progress.clear()  # before anything else is printed, whichever way the build ended
    except ContentError as error:
        report(error.problems)
        print(f"timeline build: {summary(error.problems, args.strict)}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except OutputError as error:
        print(f"timeline build: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SearchIndexError as error:
        print(f"timeline build: {error}\nnothing was written", file=sys.stderr)
        return EXIT_CONTENT
    report(result.warnings)
    if not args.quiet:
        print(f"timeline build: wrote {result.written} of {result.files} files ({count(result.pages, 'page')}, "
              f"{count(result.events, 'event')}) to {args.out} in {time.perf_counter() - started:.1f} s, "
              f"{count(len(result.warnings), 'warning')}")
    return EXIT_OK


class TerminalProgress:
    """What a long build is doing, on one terminal line redrawn at most ten times a second
    ("rendering pages 4,200/10,543"); when disabled, nothing at all."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled = stream, enabled
        self.step, self.shown_at = "", 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (step == self.step and now - self.shown_at < 0.1):
            return
        self.step, self.shown_at = step, now
        self.stream.write(f"\r\x1b[K{step} {done:,}/{total:,}" if total > 1 else f"\r\x1b[K{step}…")
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self.step:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.step = ""


def run_serve(args: argparse.Namespace) -> int:
    from . import serve  # the web server's libraries, which every build would otherwise import first
    out_dir = args.out or serve.temporary_output()
    preview = serve.Preview(args.content, out_dir, f"http://{args.host}:{args.port}/", args.with_search)
    try:
        build.check_output(out_dir, args.content)
        serve.serve(preview, args.host, args.port)
    except OutputError as error:
        print(f"timeline serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"timeline serve: cannot listen on {args.host}:{args.port}: {error.strerror}\n"
              f"    hint: stop the other server, or choose another port with --port {args.port + 1}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if args.out is None:
            serve.remove_output(out_dir)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
