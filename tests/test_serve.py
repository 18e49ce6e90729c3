"""The live preview as an editor uses it: `timeline serve` running, files saved, pages changing."""

from __future__ import annotations

import gc
import html
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import pytest

from generator import serve
from generator.diagnostics import Location, Problem
from conftest import REAL_CONTENT

TIMELINE = Path(sys.executable).with_name("timeline")
TAKEOVER_FILE = "content/events/2024-01-09-tc-television-studio-takeover.yaml"
TAKEOVER_PAGE = "events/2024-01-09-tc-television-studio-takeover/"


# --- The preview without a server ------------------------------------------------------------

def test_a_good_build_clears_the_failure_and_a_bad_one_keeps_the_previous_site(content, tmp_path):
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", with_search=False)
    assert preview.rebuild() is True and preview.failure is None
    home = preview.file("index.html")
    assert b"<title>" in home

    (content / "events" / "2024-01-17-prosecutor-killed.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    assert preview.rebuild() is False
    assert preview.failure.headline == "1 problem in the content"
    assert preview.file("index.html") == home


def test_drafts_are_part_of_the_preview(content, tmp_path):
    draft = content / "events" / "2024-01-17-prosecutor-killed.yaml"
    draft.write_text(draft.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", with_search=False)
    preview.rebuild()
    assert b"Draft" in preview.file("events/2024-01-17-prosecutor-killed/index.html")


def test_a_broken_template_is_shown_with_its_file_and_line(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(serve.build.TEMPLATES_DIR, templates)
    (templates / "event.html").write_text("{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}\n")
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", templates_dir=templates)
    assert preview.rebuild() is False
    assert preview.failure.headline == "a template has a syntax error"
    assert re.fullmatch(r".*templates/event\.html:2: Expected an expression, got 'end of statement block'",
                        preview.failure.details)


def test_a_save_rereads_one_file_and_rerenders_only_the_pages_that_show_it(content, tmp_path, monkeypatch):
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", with_search=False)
    preview.rebuild()
    pages_before = {path: preview.file(path) for path in preview.outputs}
    takeover = "events/2024-01-09-tc-television-takeover/index.html"
    read, rendered = [], []
    original_read, original_render = serve.load.load_yaml_file, serve.render.Renderer.render
    monkeypatch.setattr(serve.load, "load_yaml_file", lambda path, *args: read.append(path.name) or original_read(path, *args))
    monkeypatch.setattr(serve.render.Renderer, "render",
                        lambda self, output: rendered.append(output.path) or original_render(self, output))
    event = content / "events/2024-01-09-tc-television-takeover.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Edited, ", 1), encoding="utf-8")
    assert preview.rebuild() is True
    assert read == ["2024-01-09-tc-television-takeover.yaml"]

    pages_after = {path: preview.file(path) for path in preview.outputs}
    changed = {path for path in pages_after if pages_after[path] != pages_before[path]}
    assert set(rendered) >= changed  # nothing that changed was served stale...
    assert takeover in changed and "index.html" in changed and "actors/tc-television/index.html" in changed
    # ...and what was rendered is what shows the event: it, its neighbours, its records' pages, the lists
    assert "events/2024-01-17-prosecutor-killed/index.html" in rendered  # the next event names it
    assert len(rendered) < len(pages_after) and "events/2024-01-internal-armed-conflict/index.html" not in rendered
    assert "about/index.html" not in rendered
    assert b"Edited, " in pages_after[takeover]
    rendered.clear()
    preview.rebuild()  # nothing saved: nothing to render again
    assert [preview.file(path) for path in preview.outputs] and rendered == []


def test_a_save_looks_only_at_the_files_the_watcher_reported_unless_it_reported_too_many(content, tmp_path):
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", with_search=False)
    preview.rebuild()
    takeover, actor = "events/2024-01-09-tc-television-takeover/index.html", "actors/tc-television/index.html"
    event = content / "events/2024-01-09-tc-television-takeover.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Edited, ", 1), encoding="utf-8")
    unreported = content / "actors/tc-television.yaml"
    unreported.write_text(unreported.read_text(encoding="utf-8").replace("TC Televisión", "TC Channel"),
                          encoding="utf-8")
    assert preview.rebuild({str(event)}) is True
    assert b"Edited, " in preview.file(takeover) and b"TC Channel" not in preview.file(actor)

    too_many = {str(content / f"events/{number}.yaml") for number in range(serve.WATCHED_CHANGES_TRUSTED)}
    assert preview.rebuild(too_many) is True  # a checkout, say: the watcher may have missed some
    assert b"TC Channel" in preview.file(actor)


class Cycle:
    itself: Cycle


def test_garbage_of_earlier_saves_is_collected_once_the_preview_is_idle(content, tmp_path, monkeypatch):
    preview = serve.Preview(content, tmp_path / "out", "http://127.0.0.1:8000/", with_search=False)
    gc.disable()  # as `serve` does
    try:
        preview.rebuild()
        cycle = Cycle()
        cycle.itself = cycle  # garbage that only the cycle collector frees
        alive = weakref.ref(cycle)
        del cycle
        preview.collect_when_idle()  # just saved: a collection now would delay the page
        assert alive() is not None
        monkeypatch.setattr(serve, "IDLE_SECONDS", 0)
        preview.collect_when_idle()
        assert alive() is None
    finally:
        gc.enable()


def test_the_error_page_escapes_what_it_quotes():
    problem = Problem(Location("a<b>.yaml", 3, 5), "unknown actor '<script>alert(1)</script>'", "did you mean '<i>'?")
    page = serve.error_page(serve.Failure("1 problem in the content", (problem,), details="<img src=x>")).decode()
    assert "<script>alert" not in page and "<img" not in page and "<i>" not in page
    assert "<code>a&lt;b&gt;.yaml:3:5</code>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- `timeline serve` as a process ------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LivePreview:
    """A running `timeline serve` in a folder holding a copy of the real content."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.address = f"http://127.0.0.1:{self.port}/"
        self.log = (folder / "serve.log").open("w+", encoding="utf-8")
        self.process = subprocess.Popen([str(TIMELINE), "serve", "--port", str(self.port)], cwd=folder,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_for(lambda: self.get("")[0] == 200, "the first build")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.address + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")
        except (ConnectionError, urllib.error.URLError):
            return 0, ""

    def save(self, name: str, text: str) -> None:
        (self.folder / name).write_text(text, encoding="utf-8")

    def read(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def wait_for(self, condition, what: str, seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped during {what}:\n{self.output()}"
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return (self.folder / "serve.log").read_text(encoding="utf-8")

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(10)
        finally:
            self.log.close()


@pytest.fixture
def live_preview(tmp_path):
    shutil.copytree(REAL_CONTENT, tmp_path / "content")
    preview = LivePreview(tmp_path)
    yield preview
    if preview.process.poll() is None:
        preview.stop()


def problem_lines(page: str) -> list[str]:
    """The error page's problems as text, one line each, as the terminal prints them."""
    items = re.findall(r"<li>(.*?)</li>", page, re.S)
    return [html.unescape(re.sub(r"<br>", " ", re.sub(r"<(?!br>)[^>]+>", "", item))) for item in items]




def with_a_tab(record: str) -> str:
    """The record with its first list item indented by a tab, a classic copy-and-paste mistake."""
    return record.replace("\n  - source:", "\n\t- source:", 1)


def tab_line(record: str) -> int:
    """The line with_a_tab(record) puts the tab on."""
    return record[:record.index("\n  - source:")].count("\n") + 2


def test_a_save_rebuilds_a_broken_save_shows_every_problem_and_the_next_good_save_recovers(live_preview):
    original = live_preview.read(TAKEOVER_FILE)
    live_preview.save(TAKEOVER_FILE, original.replace("title: ", "title: Edited, ", 1))
    live_preview.wait_for(lambda: "Edited, " in live_preview.get(TAKEOVER_PAGE)[1], "the edited title")

    live_preview.save(TAKEOVER_FILE, with_a_tab(original))
    live_preview.save("content/actors/daniel-noboa.yaml",
                      live_preview.read("content/actors/daniel-noboa.yaml").replace("kind: person", "kind: persn"))
    live_preview.wait_for(lambda: live_preview.get(TAKEOVER_PAGE)[0] == 500, "the error page")
    status, page = live_preview.get(TAKEOVER_PAGE)
    assert "<h1>The preview could not be built: 2 problems in the content</h1>" in page
    assert problem_lines(page) == [
        "content/actors/daniel-noboa.yaml:2:7: error: kind: 'persn' is not allowed here; use one of: person, "
        "criminal-group, government, security-force, institution, media, country, international-body "
        "hint: did you mean 'person'?",
        f"{TAKEOVER_FILE}:{tab_line(original)}:1: error: a tab character is used for indentation "
        "hint: YAML indents with spaces only: replace the tab with spaces",
    ]
    assert live_preview.get("")[0] == 500, "every page shows the problems, not only the one being edited"
    assert live_preview.get("feed.xml")[0] == 200, "files other than pages still come from the last good build"

    live_preview.save(TAKEOVER_FILE, original)
    live_preview.save("content/actors/daniel-noboa.yaml",
                      live_preview.read("content/actors/daniel-noboa.yaml").replace("kind: persn", "kind: person"))
    live_preview.wait_for(lambda: live_preview.get(TAKEOVER_PAGE)[0] == 200, "the recovered site")
    assert "Edited, " not in live_preview.get(TAKEOVER_PAGE)[1]
    assert live_preview.stop() == 0


def test_the_preview_serves_only_its_output_folder_and_survives_malformed_requests(live_preview):
    for path in ("../pyproject.toml", "%2e%2e/content/site.yaml", "..%2fcontent%2fsite.yaml", "%00",
                 "..%5ccontent%5csite.yaml", "%252e%252e/content/site.yaml", "/content/site.yaml",
                 "//etc/passwd", "static/../../content/site.yaml", "%2e%2e%2f%2e%2e%2fpyproject.toml"):
        status, body = live_preview.get(path)
        assert status in (400, 403, 404), path
        assert "base_url" not in body
    status, body = live_preview.get("no-such-page/")
    assert status == 404 and "Page not found" in body
    for garbage in (b"\x00\xff garbage\r\n\r\n", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
                    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", live_preview.port), timeout=5) as client:
            client.sendall(garbage)
            client.settimeout(5)
            try:
                client.recv(1024)
            except (ConnectionError, socket.timeout):
                pass
    assert live_preview.get("")[0] == 200


def test_the_preview_listens_only_on_this_computer_unless_told_otherwise(live_preview):
    assert f"at http://127.0.0.1:{live_preview.port}/ " in live_preview.output()
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in others - {a for a in others if a.startswith("127.")}:
        with pytest.raises(OSError):
            socket.create_connection((address, live_preview.port), timeout=2).close()


def test_the_reload_socket_refuses_other_sites_and_survives_garbage(live_preview):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{live_preview.port}/livereload"

    async def connect(origin: str) -> str:
        try:
            socket = await websocket_connect(HTTPRequest(url, headers={"Origin": origin}))
        except HTTPClientError as error:
            return f"refused {error.code}"
        socket.close()
        return "connected"

    async def send(message: str) -> str | None:
        socket = await websocket_connect(url)
        socket.write_message(message)
        answer = await asyncio.wait_for(socket.read_message(), 5)  # None: the server closed the socket
        socket.close()
        return answer

    def run(coroutine):  # in a thread of its own: the browser tests keep a loop running here
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, coroutine).result()

    assert run(connect("https://attacker.example")) == "refused 403"
    assert run(connect(f"http://127.0.0.1:{live_preview.port}")) == "connected"
    for garbage in ("not json", "[1, 2]", '{"command": 5}', '{"command": "info", "url": 7}', "null"):
        assert run(send(garbage)) is None, garbage
    assert "hello" in run(send('{"command": "hello", "protocols": []}'))
    assert live_preview.get("")[0] == 200 and "Traceback" not in live_preview.output()


def test_the_preview_indexes_for_search_in_the_background(live_preview):
    live_preview.wait_for(lambda: live_preview.get("pagefind/pagefind-entry.json")[0] == 200, "the search index", 60)
    assert live_preview.get("search/")[0] == 200


def test_a_new_file_and_a_deleted_file_are_noticed(live_preview):
    draft = "content/events/2024-02-01-a-preview-only-draft.yaml"
    live_preview.save(draft, "title: A preview-only draft\ndate: 2024-02-01\ndraft: true\n"
                             "summary: Shown in the preview [@ap-2024-01-10-armed-men-break-into-tv-station].\nsources: [ap-2024-01-10-armed-men-break-into-tv-station]\n")
    live_preview.wait_for(lambda: live_preview.get("events/2024-02-01-a-preview-only-draft/")[0] == 200,
                          "the new draft's page")
    (live_preview.folder / draft).unlink()
    live_preview.wait_for(lambda: live_preview.get("events/2024-02-01-a-preview-only-draft/")[0] == 404,
                          "the deleted draft's page to go")


def test_a_taken_port_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        shutil.copytree(REAL_CONTENT, tmp_path / "content")
        result = subprocess.run([str(TIMELINE), "serve", "--port", str(port), "--no-search"], cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert (f"timeline serve: cannot listen on 127.0.0.1:{port}: Address already in use\n"
            f"    hint: stop the other server, or choose another port with --port {port + 1}") in result.stderr


# --- In a real browser -------------------------------------------------------------------------

@pytest.mark.browser
def test_a_page_loaded_just_before_a_save_is_told_to_reload_when_its_script_connects(live_preview):
    """The reload for a save goes out at once; a page whose script connects only afterwards must
    still hear of it, or it would show the content from before the save."""
    import asyncio
    import json
    from concurrent.futures import ThreadPoolExecutor

    from tornado.websocket import websocket_connect

    assert live_preview.get(TAKEOVER_PAGE)[0] == 200  # the page, as served before the save
    original = live_preview.read(TAKEOVER_FILE)
    live_preview.save(TAKEOVER_FILE, original.replace("title: ", "title: Edited, ", 1))
    live_preview.wait_for(lambda: "Edited, " in live_preview.get("feed.xml")[1], "the save to be taken in")

    async def greet(path: str) -> list[dict]:
        socket = await websocket_connect(f"ws://127.0.0.1:{live_preview.port}/livereload")
        socket.write_message(json.dumps({"command": "hello", "protocols": []}))
        socket.write_message(json.dumps({"command": "info", "url": live_preview.address + path}))
        messages = []
        try:
            while len(messages) < 2:
                messages.append(json.loads(await asyncio.wait_for(socket.read_message(), 2)))
        except asyncio.TimeoutError:
            pass
        socket.close()
        return messages

    def commands(path: str) -> list[str]:  # in a thread of its own: the browser tests keep a loop running here
        with ThreadPoolExecutor(1) as thread:
            return [message["command"] for message in thread.submit(asyncio.run, greet(path)).result()]

    assert commands(TAKEOVER_PAGE) == ["hello", "reload"]
    assert live_preview.get(TAKEOVER_PAGE)[0] == 200  # served again, from the current edition
    assert commands(TAKEOVER_PAGE) == ["hello"]


def test_open_pages_reload_by_themselves_after_a_save(live_preview, page, console_errors, screenshots_dir):
    from playwright.sync_api import expect

    page.goto(live_preview.address + TAKEOVER_PAGE)
    # Polled from here: Playwright's wait_for_function evaluates its string with eval in the page,
    # which the page's Content-Security-Policy refuses whenever the first try is not yet true.
    deadline = time.monotonic() + 10
    while not page.evaluate("() => Boolean(window.LiveReload && window.LiveReload.connector.protocol > 0)"):
        assert time.monotonic() < deadline, "the live-reload script did not connect"
        time.sleep(0.05)
    original = live_preview.read(TAKEOVER_FILE)
    heading = page.locator("main h1")
    before = heading.inner_text()

    live_preview.save(TAKEOVER_FILE, original.replace("title: ", "title: Edited, ", 1))
    expect(heading).to_have_text("Edited, " + before, timeout=5000)
    assert console_errors == [], "the live-reload script runs under the site's Content-Security-Policy"

    live_preview.save(TAKEOVER_FILE, with_a_tab(original))
    expect(heading).to_have_text("The preview could not be built: 1 problem in the content", timeout=5000)
    expect(page.locator(".problems li")).to_contain_text(f"{TAKEOVER_FILE}:{tab_line(original)}:1: error: a tab character")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots_dir / "preview-error-phone.png", full_page=True)

    live_preview.save(TAKEOVER_FILE, original)
    expect(heading).to_have_text(before, timeout=5000)
