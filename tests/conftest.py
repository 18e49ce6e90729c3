"""Shared fixtures: small content sets written on the fly, the project's real content, a browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import textwrap
import threading
from pathlib import Path

import pytest

from generator import build

PROJECT = Path(__file__).resolve().parent.parent
REAL_CONTENT = PROJECT / "content"

SMALL_CONTENT = {
    "site.yaml": """
        title: Test timeline
        description: A small timeline for tests.
        base_url: https://example.org/
        language: en
        time_zone: America/Guayaquil
        """,
    "pages/about.md": """
        ---
        title: About
        menu: About
        ---
        How this timeline is made. See [the timeline](https://example.org/).
        """,
    "sources/ap-2024-01-10-tv-station.yaml": """
        title: Armed men break into Ecuador TV station
        publisher: AP
        published: 2024-01-10
        url: https://example.org/ap/tv-station
        """,
    "sources/cnn-2024-01-25-terror.yaml": """
        title: Terror grips the streets of Ecuador
        publisher: CNN
        published: 2024-01-25
        archived_url: https://example.org/archive/cnn-terror
        """,
    "actors/daniel-noboa.yaml": """
        name: Daniel Noboa
        kind: person
        role: President of Ecuador
        summary: |
          President since November 2023 [@cnn-2024-01-25-terror].
        sources: [cnn-2024-01-25-terror]
        """,
    "actors/tc-television.yaml": """
        name: TC Televisión
        kind: media
        """,
    "topics/attacks-on-media.yaml": """
        name: Attacks on the media
        summary: Journalists under threat.
        """,
    "places/guayaquil.yaml": """
        name: Guayaquil
        province: Guayas
        latitude: -2.19
        longitude: -79.89
        """,
    "places/ecuador.yaml": """
        name: Ecuador
        """,
    "events/2024-01-09-tc-television-takeover.yaml": """
        title: Gunmen storm TC Televisión's studio during a live broadcast
        date: 2024-01-09
        place: guayaquil
        actors: [tc-television]
        topics: [attacks-on-media]
        importance: major
        summary: |
          Armed men entered the studio on air [@ap-2024-01-10-tv-station].

          Police detained 13 people [@ap-2024-01-10-tv-station].
        sources:
          - source: ap-2024-01-10-tv-station
            note: the takeover and the arrests
        """,
    "events/2024-01-internal-armed-conflict.yaml": """
        title: Noboa declares an internal armed conflict
        date: 2024-01
        place: ecuador
        actors: [daniel-noboa]
        topics: [attacks-on-media]
        summary: The president declared an internal armed conflict [@cnn-2024-01-25-terror].
        sources: [cnn-2024-01-25-terror]
        """,
    "events/2024-01-17-prosecutor-killed.yaml": """
        title: Prosecutor shot dead
        date: 2024-01-17
        approximate: true
        place: guayaquil
        actors: [daniel-noboa]
        summary: A prosecutor was shot [@cnn-2024-01-25-terror].
        sources:
          - source: cnn-2024-01-25-terror
        """,
}


def write_files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small valid content folder; tests change files in it to make mistakes."""
    return write_files(tmp_path / "content", SMALL_CONTENT)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The project's own content, built once for the session."""
    out = tmp_path_factory.mktemp("real") / "_site"
    build.build(REAL_CONTENT, out)
    return out


SUB_PATH = "ecuador-timeline"
SMALL_SEARCH_PARTS = 30  # pages per part of the search index: the real site's 190 pages make 8 parts
SUB_PATH_URL = f"https://example.org/{SUB_PATH}/"


@pytest.fixture(scope="session")
def sub_path_site(tmp_path_factory) -> Path:
    """The real content built for https://example.org/ecuador-timeline/; the returned folder
    holds the site in its ecuador-timeline/ subfolder, as a project site is served. Its search
    index is cut into parts of a few pages, as a site of thousands of events is, so that every
    search test runs against one index and against merged parts."""
    root = tmp_path_factory.mktemp("sub")
    build.build(REAL_CONTENT, root / SUB_PATH, base_url=SUB_PATH_URL, search_part_pages=SMALL_SEARCH_PARTS)
    return root


# --- The browser ---------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser() -> None:
    """Browser tests must run in CI: there a missing Chromium is a failure, elsewhere a skip."""
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_browser()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def served_root_site(real_site):
    """The real site over HTTP on a free loopback port; yields its root address."""
    server, address = _serve(real_site)
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def served_sub_path_site(sub_path_site):
    """The sub-path build over HTTP; yields the site's address (ending in /ecuador-timeline/)."""
    server, address = _serve(sub_path_site)
    yield address + SUB_PATH + "/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", params=["root", "sub-path"])
def served_site(request) -> str:
    """The real site served at the root of its host, then under a sub-path as a project site is
    (/ecuador-timeline/): every test that uses it runs against both. Yields the site's address,
    ending in "/"; pytest runs all the tests of one build before the other's."""
    return request.getfixturevalue({"root": "served_root_site", "sub-path": "served_sub_path_site"}[request.param])


@pytest.fixture
def console_errors(page):
    """Every console error and uncaught exception of the page, collected while the test runs."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", PROJECT / "test-artifacts"))


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Screenshots a person reviews after the run (test-artifacts/screenshots/, git-ignored)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- The Nu HTML checker ---------------------------------------------------------------------

def require_java() -> str:
    """The HTML checker runs on Java: in CI a missing Java is a failure, elsewhere a skip."""
    java = shutil.which("java")
    if java:
        return java
    message = "Java not found (install Debian's default-jre-headless package) for the Nu HTML checker"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
