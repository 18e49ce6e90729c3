"""Hugo and Pelican on the same synthetic content as our build, for a ratio: measure_all() for the driver, or main()."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pagefind_bin
import yaml

from synthetic import write_synthetic

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
EDIT_MARK = "Edited for the benchmark"  # as the driver marks its edit of our content


# ---------------------------------------------------------------------------------------------
# Reading our content


@dataclass
class Corpus:
    """Our content folder as plain values: records by id, as PyYAML reads them."""

    site: dict[str, Any]
    events: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    topics: dict[str, dict[str, Any]]
    places: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    pages: dict[str, tuple[dict[str, Any], str]]  # id -> (front matter, Markdown body)


def read_corpus(content: Path) -> Corpus:
    """Read content/ (site.yaml, events/, actors/, topics/, places/, sources/, pages/)."""
    content = Path(content)

    def records(folder: str) -> dict[str, dict[str, Any]]:
        files = sorted((content / folder).glob("*.yaml")) if (content / folder).is_dir() else []
        return {f.stem: yaml.load(f.read_text(encoding="utf-8"), Loader=Loader) or {} for f in files}

    pages = {}
    for file in sorted((content / "pages").glob("*.md")) if (content / "pages").is_dir() else []:
        text = file.read_text(encoding="utf-8")
        front, body = {}, text
        if text.startswith("---\n"):
            end = text.index("\n---\n", 3)
            front, body = yaml.load(text[4:end], Loader=Loader) or {}, text[end + 5:]
        pages[file.stem] = (front, body)
    site = yaml.load((content / "site.yaml").read_text(encoding="utf-8"), Loader=Loader) or {}
    return Corpus(site, records("events"), records("actors"), records("topics"), records("places"),
                  records("sources"), pages)


def full_date(value: Any) -> tuple[datetime.date, str | None]:
    """A date of ours as a whole day, and the date as given when it was only a month or a year.

    Hugo and Pelican have no partial dates: "2024-01" becomes 2024-01-01 and "2024" 2024-01-01."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = str(value)
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return datetime.date(*parts), None
    return datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, 1), text


def markdown_text(text: Any) -> str:
    """Plain text made safe to put inside Markdown (no emphasis, links or HTML)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(str(text).split()))


def event_body(event: dict[str, Any], corpus: Corpus, more: str = "") -> str:
    """The event's summary, then a numbered list of its sources (headline, publisher, date, note)."""
    lines = [str(event.get("summary", "")).strip(), ""]
    if more:
        lines += [more, ""]
    cited = [c for c in event.get("sources") or [] if isinstance(c, dict)]
    if cited:
        lines += ["## Sources", ""]
        for number, citation in enumerate(cited, 1):
            source = corpus.sources.get(str(citation.get("source")), {})
            headline = markdown_text(source.get("title", citation.get("source")))
            if source.get("url"):
                headline = f"[{headline}](<{source['url']}>)"
            item = f"{number}. *{headline}*, {markdown_text(source.get('publisher', ''))}"
            if source.get("published"):
                item += f", {source['published']}"
            if citation.get("note"):
                item += f": {markdown_text(citation['note'])}"
            lines.append(item)
    return "\n".join(lines).rstrip() + "\n"


def sources_page(corpus: Corpus) -> str:
    """The list of every source, as our /sources/ page has it (Markdown)."""
    items = []
    for source in corpus.sources.values():
        headline = markdown_text(source.get("title", ""))
        if source.get("url"):
            headline = f"[{headline}](<{source['url']}>)"
        items.append(f"- *{headline}*, {markdown_text(source.get('publisher', ''))}, {source.get('published', '')}")
    return "\n".join(items) + "\n"


def ids(value: Any) -> list[str]:
    """A field holding one id or a list of ids, as a list."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def fresh(folder: Path) -> None:
    """Remove a folder if it exists (a converted site is always written from scratch)."""
    if folder.exists():
        shutil.rmtree(folder)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Hugo. Both converted sites aim at the pages we build: the home page listing every event, a page
# per event, actor, topic and place, their three lists, a list of sources, the free pages and one
# feed. Neither has our open data, search index or search page.

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "actors/" | relURL }}">Actors</a> <a href="{{ "topics/" | relURL }}">Topics</a>
<a href="{{ "places/" | relURL }}">Places</a> <a href="{{ "sources/" | relURL }}">Sources</a>
<a href="{{ "about/" | relURL }}">About</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    # An event (or a free page): title, date as given, place, actors, topics, summary and sources.
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ if eq .Section "events" }}
<p><time datetime="{{ .Date.Format "2006-01-02" }}">
  {{- with .Params.date_as_given }}{{ . }}{{ else }}{{ .Date.Format "2 January 2006" }}{{ end }}</time>
{{ if .Params.approximate }}(approximate){{ end }}
{{ range .GetTerms "places" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<p>Actors: {{ range $i, $t := .GetTerms "actors" }}{{ if $i }}, {{ end -}}
  <a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>
<p>Topics: {{ range $i, $t := .GetTerms "topics" }}{{ if $i }}, {{ end -}}
  <a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>
{{ end }}
{{ .Content }}
{{ if eq .Section "events" }}
<nav>{{ with .Next }}<a href="{{ .RelPermalink }}">Next: {{ .Title }}</a>{{ end }}
{{ with .Prev }}<a href="{{ .RelPermalink }}">Previous: {{ .Title }}</a>{{ end }}</nav>
{{ end }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ol>{{ range .Pages.ByDate }}
<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ end }}
""",
    # The list of an actor's, topic's or place's events, after its own description.
    "_default/term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ol>{{ range .Pages.ByDate }}
<li><time>{{ with .Params.date_as_given }}{{ . }}{{ else }}{{ .Date.Format "2006-01-02" }}{{ end }}</time>
  <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ end }}
""",
    # The list of actors, topics or places, with their numbers of events.
    "_default/terms.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    # The timeline: every event by month, oldest first, with its place, actors, topics and summary.
    "index.html": """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ range (where .Site.RegularPages "Section" "events").ByDate.GroupByDate "January 2006" "asc" }}
<section><h2>{{ .Key }}</h2>
<ol>{{ range .Pages }}
<li><time>{{ with .Params.date_as_given }}{{ . }}{{ else }}{{ .Date.Format "2 January 2006" }}{{ end }}</time>
<a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ range .GetTerms "places" }}<span>{{ .LinkTitle }}</span>{{ end }}
<span>{{ range $i, $t := .GetTerms "actors" }}{{ if $i }}, {{ end -}}
  <a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</span>
<span>{{ range $i, $t := .GetTerms "topics" }}{{ if $i }}, {{ end -}}
  <a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</span>
{{ .Summary }}</li>{{ end }}
</ol></section>
{{ end }}
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1>{{ end }}
""",
}


def hugo_front_matter(fields: dict[str, Any], comment: str = "") -> str:
    """YAML front matter between --- lines; `comment` (if any) goes just above the date."""
    text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=10_000)
    if comment:
        text = text.replace("\ndate: ", f"\n# {comment}\ndate: ", 1)
    return f"---\n{text}---\n"


def write_hugo_site(content: Path, target: Path) -> None:
    """Write a Hugo site equivalent to our content folder into target/ (hugo.toml, content/, layouts/).

    Events are content/events/<id>.md with the taxonomies actors, topics and places (our ids);
    actors, topics and places have term pages content/<taxonomy>/<id>/_index.md with their names
    and descriptions. Only the home page has a feed (we publish one feed); the "section" kind is
    disabled because we have no /events/ list (the home page lists every event)."""
    corpus, target = read_corpus(content), Path(target)
    fresh(target / "content")
    fresh(target / "layouts")
    site = corpus.site
    write(target / "hugo.toml", "\n".join([
        f"baseURL = {json.dumps(str(site.get('base_url', 'https://example.org/')))}",
        f"title = {json.dumps(str(site.get('title', 'Timeline')))}",
        f"languageCode = {json.dumps(str(site.get('language', 'en')))}",
        f"timeZone = {json.dumps(str(site.get('time_zone', 'UTC')))}",
        "buildFuture = true  # events may be dated after today; we publish them all",
        "enableRobotsTXT = true",
        "rssLimit = 50  # our feed lists the 50 latest events",
        '# No /events/ list (the home page lists every event); home, events, terms, term lists, 404,',
        "# sitemap and robots.txt stay, as in our site.",
        'disableKinds = ["section"]',
        "",
        "[taxonomies]",
        '  actor = "actors"',
        '  topic = "topics"',
        '  place = "places"',
        "",
        "# One feed, the home page's, as we publish (Hugo's default adds one per term and list).",
        "[outputs]",
        '  home = ["HTML", "RSS"]',
        '  page = ["HTML"]',
        '  section = ["HTML"]',
        '  taxonomy = ["HTML"]',
        '  term = ["HTML"]',
        "",
        "[outputFormats.RSS]",
        '  baseName = "feed"  # feed.xml, as ours',
        "",
    ]))
    for name, text in HUGO_LAYOUTS.items():
        write(target / "layouts" / name, text)

    for event_id, event in corpus.events.items():
        day, as_given = full_date(event.get("date"))
        fields: dict[str, Any] = {"title": str(event.get("title", event_id)), "date": day}
        if as_given:
            fields["date_as_given"] = as_given
        for key in ("approximate", "importance", "draft"):
            if key in event:
                fields[key] = event[key]
        fields.update(actors=ids(event.get("actors")), topics=ids(event.get("topics")),
                      places=ids(event.get("place")))
        comment = f"Hugo has no partial dates: {as_given} is given as its first day" if as_given else ""
        write(target / "content" / "events" / f"{event_id}.md",
              hugo_front_matter(fields, comment) + event_body(event, corpus, more="<!--more-->"))

    for taxonomy, records, label in (("actors", corpus.actors, "Actors"), ("topics", corpus.topics, "Topics"),
                                     ("places", corpus.places, "Places")):
        write(target / "content" / taxonomy / "_index.md", hugo_front_matter({"title": label}))
        for record_id, record in records.items():
            write(target / "content" / taxonomy / record_id / "_index.md",
                  hugo_front_matter({"title": str(record.get("name", record_id))}) + record_text(record))

    write(target / "content" / "sources.md", hugo_front_matter({"title": "Sources"}) + sources_page(corpus))
    for page_id, (front, body) in corpus.pages.items():
        write(target / "content" / f"{page_id}.md",
              hugo_front_matter({"title": str(front.get("title", page_id))}) + body)


def record_text(record: dict[str, Any]) -> str:
    """An actor's, topic's or place's description: role or province, then its summary."""
    lines = [markdown_text(record[key]) for key in ("role", "province") if record.get(key)]
    if record.get("summary"):
        lines.append(str(record["summary"]).strip())
    return "\n\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Pelican

PELICAN_SETTINGS = """\
# A Pelican site converted from our content folder (benchmarks/compare.py).
SITENAME = {title}
SITEURL = ""
FEED_DOMAIN = {base_url}
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = {time_zone}
DEFAULT_LANG = {language}
RELATIVE_URLS = True
DEFAULT_PAGINATION = False  # the home page lists every event, as ours does
SUMMARY_MAX_LENGTH = 50
DISPLAY_CATEGORIES_ON_MENU = False  # the default theme's menu would list every place on every page

# Events are articles (a page each); actors are authors, topics tags and places categories,
# so that each has a page and a list, at our addresses.
ARTICLE_PATHS = ["events"]
PAGE_PATHS = ["pages"]
ARTICLE_URL = "events/{{slug}}/"
ARTICLE_SAVE_AS = "events/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
AUTHOR_URL = "actors/{{slug}}/"
AUTHOR_SAVE_AS = "actors/{{slug}}/index.html"
AUTHORS_SAVE_AS = "actors/index.html"
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
TAGS_SAVE_AS = "topics/index.html"
CATEGORY_URL = "places/{{slug}}/"
CATEGORY_SAVE_AS = "places/{{slug}}/index.html"
CATEGORIES_SAVE_AS = "places/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors"]  # no archives page: the home page is one

# One feed of the 50 latest events, as ours; none per actor, place or language.
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

CACHE_PATH = "cache"
CACHE_CONTENT = True  # every build leaves its cache for the next one
"""

PELICAN_CLEAN = """
# A clean build: read no cache, and start from an empty output folder.
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
"""

PELICAN_CACHED = """
# A rebuild: read the cache that the last build left (only changed files are read again),
# and write over the previous output.
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "mtime"
DELETE_OUTPUT_DIRECTORY = False
"""


def pelican_metadata(fields: dict[str, str]) -> str:
    """Markdown metadata lines (Key: value), then the blank line that ends them."""
    return "".join(f"{key}: {' '.join(str(value).split())}\n" for key, value in fields.items()) + "\n"


def pelican_name(record: dict[str, Any], record_id: str) -> str:
    """A name for a Pelican author, tag or category list: commas separate them there."""
    return " ".join(str(record.get("name", record_id)).replace(",", " ").split())


def write_pelican_site(content: Path, target: Path) -> None:
    """Write a Pelican site equivalent to our content folder into target/: content/events/<id>.md
    (Slug: the id; Authors: the actors; Tags: the topics; Category: the place), content/pages/,
    pelicanconf.py for a clean build and pelicanconf_cached.py for a rebuild with Pelican's cache."""
    corpus, target = read_corpus(content), Path(target)
    fresh(target / "content")
    site = corpus.site
    settings = PELICAN_SETTINGS.format(**{key: repr(str(site.get(key, default))) for key, default in (
        ("title", "Timeline"), ("base_url", "https://example.org/"), ("time_zone", "UTC"), ("language", "en"))})
    write(target / "pelicanconf.py", settings + PELICAN_CLEAN)
    write(target / "pelicanconf_cached.py", settings + PELICAN_CACHED)

    for event_id, event in corpus.events.items():
        day, as_given = full_date(event.get("date"))
        fields = {"Title": event.get("title", event_id), "Date": day.isoformat()}
        if as_given:  # Pelican has no partial dates either: the first day, and the date as given
            fields["Date_as_given"] = as_given
        fields["Slug"] = event_id
        fields["Authors"] = ", ".join(pelican_name(corpus.actors.get(a, {}), a) for a in ids(event.get("actors")))
        fields["Tags"] = ", ".join(pelican_name(corpus.topics.get(t, {}), t) for t in ids(event.get("topics")))
        places = ids(event.get("place"))
        if places:
            fields["Category"] = pelican_name(corpus.places.get(places[0], {}), places[0])
        for key in ("importance", "approximate"):
            if key in event:
                fields[key.capitalize()] = str(event[key]).lower()
        if event.get("draft"):
            fields["Status"] = "draft"
        write(target / "content" / "events" / f"{event_id}.md", pelican_metadata(fields) + event_body(event, corpus))

    write(target / "content" / "pages" / "sources.md",
          pelican_metadata({"Title": "Sources", "Slug": "sources"}) + sources_page(corpus))
    for page_id, (front, body) in corpus.pages.items():
        write(target / "content" / "pages" / f"{page_id}.md",
              pelican_metadata({"Title": front.get("title", page_id), "Slug": page_id}) + body)


# ---------------------------------------------------------------------------------------------
# The competitors


def edit_summary(path: Path, header_end: str) -> Path:
    """Change an event's summary: a new sentence at the start of its first line after the header."""
    text = path.read_text(encoding="utf-8")
    start = text.index(header_end) + len(header_end)
    path.write_text(f"{text[:start]}{EDIT_MARK} {time.time_ns()}. {text[start:]}", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Competitor:
    """Another generator, found at `executable`, building the site that `prepare` converts."""

    name: str
    executable: str

    def version(self) -> str:
        """The version the program reports (one line)."""
        result = subprocess.run([self.executable, "version" if self.name == "Hugo" else "--version"],
                                capture_output=True, text=True, check=False)
        lines = (result.stdout or result.stderr).strip().splitlines()
        found = re.search(r"\d+\.\d+[.\w+-]*", lines[0]) if lines else None
        return f"{self.name} {found.group() if found else '(version unknown)'}"

    def prepare(self, content: Path, workdir: Path) -> None:
        """Convert our content folder into this generator's site in workdir."""
        raise NotImplementedError

    def output(self, workdir: Path) -> Path:
        """The folder a build writes."""
        raise NotImplementedError

    def reset(self, workdir: Path) -> None:
        """Remove the output and every cache, so that the next build is a clean one."""
        raise NotImplementedError

    def clean_build_cmd(self, workdir: Path) -> list[str]:
        """The command line of a clean build (after `reset`)."""
        raise NotImplementedError

    def rebuild_cmd(self, workdir: Path) -> list[str]:
        """The command line of a rebuild over the previous build (unchanged, or after `edit`)."""
        raise NotImplementedError

    def event_file(self, workdir: Path, event_id: str | None = None) -> Path:
        """The converted file of an event; by default the middle one in name order, the one the driver edits."""
        folder = Path(workdir) / "content" / "events"
        if event_id:
            return folder / f"{event_id}.md"
        files = sorted(folder.glob("*.md"))
        return files[len(files) // 2]

    def edit(self, workdir: Path, event_id: str | None = None) -> Path:
        """Change one event's summary in this site (each call changes it again); returns its file."""
        raise NotImplementedError

    def steps(self, workdir: Path) -> Iterator[tuple[str, list[str]]]:
        """The timed steps as (name, command line), after `reset`: run each command before asking
        for the next step, because the edit is made between the second and the third."""
        yield "clean build", self.clean_build_cmd(workdir)
        yield "unchanged rebuild", self.rebuild_cmd(workdir)
        self.edit(workdir)
        yield "rebuild after one edit", self.rebuild_cmd(workdir)


class Hugo(Competitor):
    """Hugo: one program, no incremental mode outside its server, so a rebuild re-renders everything."""

    def prepare(self, content: Path, workdir: Path) -> None:
        write_hugo_site(content, workdir)

    def output(self, workdir: Path) -> Path:
        return Path(workdir) / "public"

    def reset(self, workdir: Path) -> None:
        for name in ("public", "resources", ".hugo-cache"):
            fresh(Path(workdir) / name)

    def _cmd(self, workdir: Path) -> list[str]:
        workdir = Path(workdir).resolve()  # Hugo's cache folder in the site, so that `reset` empties it
        return [self.executable, "--source", str(workdir), "--destination", str(workdir / "public"),
                "--cacheDir", str(workdir / ".hugo-cache"), "--quiet"]

    def clean_build_cmd(self, workdir: Path) -> list[str]:
        return self._cmd(workdir) + ["--cleanDestinationDir"]

    def rebuild_cmd(self, workdir: Path) -> list[str]:
        return self._cmd(workdir)

    def edit(self, workdir: Path, event_id: str | None = None) -> Path:
        return edit_summary(self.event_file(workdir, event_id), "\n---\n")

    def steps(self, workdir: Path) -> Iterator[tuple[str, list[str]]]:
        """Hugo makes no search index: a Hugo site gets Pagefind's by running it on the output
        afterwards, which is timed as a step of its own, after the clean build."""
        for step, command in super().steps(workdir):
            yield step, command
            if step == "clean build":
                yield "search index: Pagefind on its output", [str(pagefind_bin.get_executable()), "--site",
                                                              str(self.output(workdir))]


class Pelican(Competitor):
    """Pelican: a clean build reads no cache; a rebuild reads the cache the last build wrote."""

    def prepare(self, content: Path, workdir: Path) -> None:
        write_pelican_site(content, workdir)

    def output(self, workdir: Path) -> Path:
        return Path(workdir) / "output"

    def reset(self, workdir: Path) -> None:
        for name in ("output", "cache"):
            fresh(Path(workdir) / name)

    def _cmd(self, workdir: Path, settings: str) -> list[str]:
        workdir = Path(workdir).resolve()
        return [self.executable, str(workdir / "content"), "--output", str(workdir / "output"),
                "--settings", str(workdir / settings), "--quiet"]

    def clean_build_cmd(self, workdir: Path) -> list[str]:
        return self._cmd(workdir, "pelicanconf.py")

    def rebuild_cmd(self, workdir: Path) -> list[str]:
        return self._cmd(workdir, "pelicanconf_cached.py")

    def edit(self, workdir: Path, event_id: str | None = None) -> Path:
        return edit_summary(self.event_file(workdir, event_id), "\n\n")


COMPETITORS: dict[str, tuple[type[Competitor], Any]] = {
    "Hugo": (Hugo, lambda: shutil.which("hugo")),
    "Pelican": (Pelican, lambda: os.environ.get("PELICAN") or shutil.which("pelican")),
}


def available() -> list[Competitor]:
    """The competitors installed here: Hugo on the PATH; Pelican at $PELICAN or on the PATH."""
    found = []
    for name, (kind, locate) in COMPETITORS.items():
        executable = locate()
        if executable and os.access(executable, os.X_OK):
            found.append(kind(name, executable))
    return found


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Run:
    """One timed command: wall seconds, CPU seconds (user, system) and peak memory in MB."""

    wall: float
    user: float
    system: float
    peak_mb: float


def measure(cmd: list[str], cwd: Path | None = None) -> Run:
    """Run cmd (output discarded) and measure it; os.wait4 gives the child's CPU time and peak RSS.
    Raises subprocess.CalledProcessError (with the end of its error output) if it fails."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(process.returncode, cmd,
                                                stderr=errors.read()[-4000:].decode("utf-8", "replace"))
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # macOS counts bytes
    return Run(wall, usage.ru_utime, usage.ru_stime, kib / 1024)  # MB of 2**20 bytes, as the driver


def count_files(folder: Path) -> int:
    """Files under folder (a built site)."""
    return sum(len(files) for _, _, files in os.walk(folder))


def benchmark(competitor: Competitor, workdir: Path) -> dict[str, Run]:
    """Time a clean build, an unchanged rebuild and a rebuild after one edit of a prepared site."""
    competitor.reset(workdir)
    return {step: measure(command) for step, command in competitor.steps(workdir)}


def measure_all(events: int, work: Path, run: Callable[[str, list[str], Path], Any]) -> list[tuple[str, list[Any]]]:
    """For the driver: each installed competitor on a fresh synthetic set of `events` events (the
    same corpus as ours, without our edit) in work/compare/, each step timed by `run(step, command,
    out)`. Returns [(name and version, [what run returned for each step])]; [] when none is installed."""
    competitors = available()
    if not competitors:
        return []
    content = Path(work) / "compare" / "content"
    fresh(content)
    write_synthetic(content, events)
    rows = []
    for competitor in competitors:
        site = Path(work) / "compare" / competitor.name.lower()
        competitor.prepare(content, site)
        competitor.reset(site)
        rows.append((competitor.version(), [run(step, command, competitor.output(site))
                                            for step, command in competitor.steps(site)]))
    return rows


def machine() -> str:
    """Cores, CPU model and memory, for the record."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:")) / 1024 ** 2
        return f"{os.cpu_count()} cores, {model}, {memory:.0f} GiB RAM"
    except (OSError, StopIteration):
        return f"{os.cpu_count()} cores, {model}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time Hugo and Pelican on the synthetic content set.")
    parser.add_argument("--events", type=int, default=10_000, help="events in the synthetic set (10,000)")
    parser.add_argument("--repeat", type=int, default=1, help="time each case this many times, show the median")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)

    competitors = available()
    print(f"{args.events:,} events; {machine()}")
    if not competitors:
        print("neither Hugo (hugo on the PATH) nor Pelican ($PELICAN or pelican on the PATH) is installed")
        return 1
    with tempfile.TemporaryDirectory(prefix="compare-") as temporary:
        root = args.keep or Path(temporary)
        content = root / "content"
        fresh(content)
        write_synthetic(content, args.events)
        for competitor in competitors:
            workdir = root / competitor.name.lower()
            start = time.perf_counter()
            competitor.prepare(content, workdir)
            print(f"\n{competitor.version()}  (converted in {time.perf_counter() - start:.1f} s)")
            try:
                repeats = [benchmark(competitor, workdir) for _ in range(max(1, args.repeat))]
            except subprocess.CalledProcessError as error:
                print(f"  failed ({' '.join(error.cmd)}):\n{error.stderr}")
                return 1
            output = competitor.output(workdir)
            if len(repeats) > 1:
                print(f"  median of {len(repeats)} runs (by wall time)")
            width = max(map(len, repeats[0])) + 2
            for label in repeats[0]:
                run = sorted((runs[label] for runs in repeats), key=lambda r: r.wall)[len(repeats) // 2]
                print(f"  {label:<{width}}{run.wall:7.1f} s wall {run.user:7.1f} s user {run.system:6.1f} s system"
                      f" {run.peak_mb:7.0f} MB peak")
            size = sum(f.stat().st_size for f in output.rglob("*") if f.is_file()) / 1e6
            print(f"  {count_files(output):,} files, {size:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
