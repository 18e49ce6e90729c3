import hashlib
import re
import subprocess
import sys

import pytest

from generator.cli import main
from conftest import PROJECT, write_files

TAKEOVER = "events/2024-01-09-tc-television-takeover.yaml"


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(*args, cwd=PROJECT):
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def break_takeover(content, old, new):
    path = content / TAKEOVER
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


BROKEN_INPUTS = {
    "yaml syntax error": ("title: Gunmen storm", 'title: "Gunmen storm', r":1:8: error: a quoted text is not closed"),
    "unknown actor id": ("actors: [tc-television]", "actors: [tc-televisoin]",
                         r":4:10: error: unknown actor 'tc-televisoin'\n    hint: did you mean 'tc-television'\?"),
    "impossible date": ("date: 2024-01-09", "date: 2024-02-30", r":2:7: error: date: '2024-02-30' is not a real calendar date"),
    "unknown field": ("importance: major", "importance: major\ncolour: red", r":7:1: error: unknown field 'colour'"),
    "event without sources": ("sources:\n  - source: ap-2024-01-10-tv-station\n    note: the takeover and the arrests\n",
                              "sources: []\n", r":11:10: error: an event needs at least one source"),
}


@pytest.mark.parametrize("name", list(BROKEN_INPUTS))
def test_broken_content_exits_1_with_positions_and_keeps_the_previous_site(content, tmp_path, name, capsys):
    out = tmp_path / "_site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    before = snapshot(out)
    old, new, expected = BROKEN_INPUTS[name]
    break_takeover(content, old, new)
    capsys.readouterr()
    assert main(["build", "--content", str(content), "--out", str(out)]) == 1
    errors = capsys.readouterr().err
    assert re.search(re.escape(f"{content / TAKEOVER}") + expected, errors) or \
        re.search(r"content/" + re.escape(TAKEOVER) + expected, errors), errors
    assert "Traceback" not in errors and "nothing was written" in errors
    assert snapshot(out) == before


HOSTILE_FILES = {  # what a stranger's pull request could hold: each an error naming the file, never a crash
    "brackets nested 300,000 deep": ("events/2024-01-09-deep.yaml", "title: " + "[" * 300_000 + "]" * 300_000),
    "a list that holds itself": ("events/2024-01-09-loop.yaml", "title: &loop [a, *loop]\n"),
    "an alias bomb": ("events/2024-01-09-bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{level}: &{level} [{', '.join(['*' + chr(ord(level) - 1)] * 10)}]\n" for level in "bcdefghi")),
    "too many values": ("events/2024-01-09-many.yaml", "title: [" + ", ".join(["1"] * 60_000) + "]\n"),
    "random bytes": ("actors/noise.yaml", bytes(range(256)) * 4),
    "an empty file": ("topics/empty.yaml", ""),
    "a list where fields belong": ("places/list.yaml", "- name: Quito\n- name: Guayaquil\n"),
    "a python object": ("sources/evil.yaml", "title: !!python/object/apply:os.system ['touch hacked']\n"),
    "a page with a huge front matter": ("pages/huge.md", "---\ntitle: " + "x" * 2_000_000 + "\n---\n"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_files_exit_1_with_the_file_named_and_no_traceback(content, tmp_path, name):
    relative, data = HOSTILE_FILES[name]
    path = content / relative
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    result = run("build", "--content", content, "--out", tmp_path / "_site")
    assert result.returncode == 1, result.stderr
    assert f"{relative}:" in result.stderr and ": error: " in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "_site").exists() and not (PROJECT / "hacked").exists()


def test_check_reports_and_writes_nothing(content, tmp_path, capsys):
    assert main(["check", "--content", str(content)]) == 0
    assert capsys.readouterr() == ("timeline check: 3 events, 0 errors, 0 warnings\n", "")
    break_takeover(content, "date: 2024-01-09", "date: 2024-01-32")
    assert main(["check", "--content", str(content)]) == 1
    assert capsys.readouterr() == ("", f"{(content / TAKEOVER).as_posix()}:2:7: error: date: '2024-01-32' is not a real "
                                       "calendar date\n    hint: January 2024 has no day 32\n"
                                       "timeline check: 1 error, 0 warnings\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_check_prints_errors_and_warnings_in_file_order_then_the_count(content, capsys):
    """A file that cannot be read is an error; a likely duplicate is a warning even then."""
    write_files(content, {
        "events/2024-01-09-tv-studio-stormed.yaml": "title: Gunmen storm TC Televisi\u00f3n's studio during a live "
                                                    "broadcast\ndate: 2024-01-09\nplace: guayaquil\nsummary: Again [@ap-2024-01-10-tv-station].\n"
                                                    "sources: [ap-2024-01-10-tv-station]\n",
        "events/2024-01-17-prosecutor-killed.yaml": "title: Prosecutor shot dead\n\tdate: 2024-01-17\n",
    })
    duplicate = (f"{(content / 'events/2024-01-09-tv-studio-stormed.yaml').as_posix()}:1:8: warning: this event looks "
                 "like a duplicate of '2024-01-09-tc-television-takeover' (same date, similar title)\n"
                 "    hint: merge the two files, or make the titles say how the events differ\n")
    tab = (f"{(content / 'events/2024-01-17-prosecutor-killed.yaml').as_posix()}:2:1: error: a tab character is used "
           "for indentation\n    hint: YAML indents with spaces only: replace the tab with spaces\n")
    assert main(["check", "--content", str(content)]) == 1
    assert capsys.readouterr() == ("", duplicate + tab + "timeline check: 1 error, 1 warning\n")
    assert main(["check", "--strict", "--content", str(content)]) == 1
    assert capsys.readouterr() == ("", duplicate + tab + "timeline check: 1 error, 1 warning "
                                       "(--strict counts warnings as errors)\n")


def test_strict_turns_warnings_into_failures(content, capsys, tmp_path):
    write_files(content, {"topics/unused.yaml": "name: Unused\n"})
    warning = (f"{(content / 'topics' / 'unused.yaml').as_posix()}:1:1: warning: nothing refers to the topic 'unused'\n"
               "    hint: link it from an event's or figure's 'topics:', or delete the file\n")
    assert main(["check", "--content", str(content)]) == 0
    assert capsys.readouterr() == ("timeline check: 3 events, 0 errors, 1 warning\n", warning)
    assert main(["check", "--strict", "--content", str(content)]) == 1
    assert capsys.readouterr() == ("", warning + "timeline check: 0 errors, 1 warning (--strict counts warnings as errors)\n")
    assert main(["build", "--strict", "--no-search", "--content", str(content), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (warning + "timeline build: 0 errors, 1 warning "
                                       "(--strict counts warnings as errors); nothing was written\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["build", "--help"], ["check", "--help"], ["serve", "--help"], ["new", "--help"],
                                  ["schema", "--help"], ["--help"]])
def test_every_command_has_help(args, capsys):
    assert main(args) == 0
    assert "usage: timeline" in capsys.readouterr().out


@pytest.mark.parametrize("args", [[], ["publish"], ["build", "--base-url", "ftp://x"], ["build", "--nope"]])
def test_misuse_exits_2(args, capsys):
    assert main(args) == 2
    assert "usage:" in capsys.readouterr().err


def test_output_over_the_content_is_refused(content, capsys):
    assert main(["build", "--content", str(content), "--out", str(content.parent)]) == 2
    assert "would replace" in capsys.readouterr().err
    assert (content / "site.yaml").exists()


def test_python_dash_m_and_the_timeline_script_are_the_same_program(content, tmp_path):
    result = run("build", "--content", content, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "timeline build: wrote" in result.stdout
    script = PROJECT / ".venv" / "bin" / "timeline"
    executable = script if script.exists() else "timeline"
    result = subprocess.run([str(executable), "check", "--content", str(content)], capture_output=True, text=True)
    assert result.returncode == 0 and "3 events" in result.stdout


def test_a_failed_search_index_keeps_the_previous_site(content, tmp_path, monkeypatch, capsys):
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    assert (out / "pagefind" / "pagefind.js").is_file()
    before = snapshot(out)
    monkeypatch.setattr("pagefind_bin.get_executable", lambda: "/bin/false")
    break_takeover(content, "Police detained 13 people", "Police detained 14 people")
    assert main(["build", "--content", str(content), "--out", str(out)]) == 1
    assert "Pagefind failed to index the site" in capsys.readouterr().err
    assert snapshot(out) == before


def test_no_search_builds_without_an_index(content, tmp_path):
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()


def test_drafts_are_checked_but_published_only_on_request(content, tmp_path):
    write_files(content, {"events/2024-01-20-unconfirmed.yaml": """
        title: An unconfirmed report
        date: 2024-01-20
        draft: true
        actors: [daniel-noboa]
        summary: Still being checked.
        sources: [cnn-2024-01-25-terror]
        """})
    out, preview = tmp_path / "site", tmp_path / "preview"
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    assert not (out / "events/2024-01-20-unconfirmed").exists()
    assert "unconfirmed" not in (out / "index.html").read_text() + (out / "feed.xml").read_text()
    assert "unconfirmed" not in (out / "actors/daniel-noboa/index.html").read_text()

    assert main(["build", "--content", str(content), "--out", str(preview), "--drafts"]) == 0
    page = (preview / "events/2024-01-20-unconfirmed/index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page and "<strong>Draft.</strong>" in page
    assert '<span class="badge badge-draft">Draft</span>' in (preview / "index.html").read_text()

    break_takeover(content, "title: Gunmen storm", "title: Gunmen storm\ndraft: maybe")
    result = run("check", "--content", content)
    assert result.returncode == 1 and ":2:8: error: draft:" in result.stderr


def run_on_a_terminal(*args, env=None):
    """The command's output as a person at a terminal sees it (stdout and stderr on one pseudo-terminal)."""
    import os
    import pty
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command
        os.chdir(PROJECT)
        os.execve(sys.executable, [sys.executable, "-m", "generator", *map(str, args)],
                  {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})})
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the command has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_a_build_on_a_terminal_shows_its_progress_then_one_summary_line(content, tmp_path):
    code, shown = run_on_a_terminal("build", "--content", content, "--out", tmp_path / "site")
    assert code == 0, shown
    assert re.search(r"\r\x1b\[Krendering pages 0/\d+", shown)
    assert "indexing for search" in shown
    last_line = shown.replace("\x1b[K", "").replace("\r\n", "\n").split("\r")[-1].strip()
    assert re.fullmatch(r"timeline build: wrote \d+ of \d+ files \(\d+ pages, 3 events\) to \S+ in \d+\.\d s, 0 warnings",
                        last_line), shown


@pytest.mark.parametrize("how", ["ci", "quiet"])
def test_progress_stays_off_under_ci_and_quiet(content, tmp_path, how):
    args = ["build", "--content", content, "--out", tmp_path / "site"] + (["--quiet"] if how == "quiet" else [])
    code, shown = run_on_a_terminal(*args, env={"CI": "true"} if how == "ci" else {})
    assert code == 0, shown
    assert "rendering pages" not in shown and "\r\x1b[K" not in shown.replace("\r\n", "\n")
    assert ("timeline build: wrote" in shown) == (how == "ci")
