"""When events were first published and last updated, from the repository's history: shown on the
event pages and the changes page, the same on every build of one commit, and left out (never
guessed from the clock) without a history to read."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest

from conftest import SMALL_CONTENT, write_files
from generator import history
from generator.build import build

TAKEOVER = "events/2024-01-09-tc-television-takeover.yaml"
TAKEOVER_PAGE = "events/2024-01-09-tc-television-takeover/index.html"

pytestmark = pytest.mark.skipif(shutil.which("git") is None and not os.environ.get("CI"),
                                reason="needs git")


def git(folder: Path, *arguments: str, when: str | None = None) -> str:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
                   "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
                   "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if when:  # the time zone is Guayaquil's (UTC-5): 22:30 there is already the next day in UTC
        environment.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", *arguments], cwd=folder, env=environment, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The small content in a repository: added on 1 February 2024, the takeover corrected on
    5 March 2024 late in the evening in Guayaquil (6 March in UTC)."""
    root = tmp_path / "project"
    write_files(root / "content", SMALL_CONTENT)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Add the timeline", when="2024-02-01T10:00:00-05:00")
    takeover = root / "content" / TAKEOVER
    takeover.write_text(takeover.read_text().replace("Police detained 13 people", "Police detained 14 people"))
    git(root, "commit", "-q", "-am", "Correct the takeover", when="2024-03-05T22:30:00-05:00")
    return root


def site_digest(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(out).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_the_history_gives_each_file_its_first_and_last_commit(repository):
    dates = history.read(repository / "content")
    first, last = dates[TAKEOVER]
    assert (first.isoformat(), last.isoformat()) == ("2024-02-01T15:00:00+00:00", "2024-03-06T03:30:00+00:00")
    assert dates["site.yaml"][0] == dates["site.yaml"][1] == first
    assert history.read(repository.parent) == {}  # not a repository


def test_event_pages_show_when_they_were_first_published_and_last_updated(repository, tmp_path):
    out = tmp_path / "site"
    build(repository / "content", out, with_search=False)
    page = (out / TAKEOVER_PAGE).read_text()
    # days in the site's time zone (America/Guayaquil), where the correction was made on 5 March
    assert ('First published <time datetime="2024-02-01">1 February 2024</time>. '
            'Last updated <time datetime="2024-03-05">5 March 2024</time>.') in page
    unchanged = (out / "events/2024-01-17-prosecutor-killed/index.html").read_text()
    assert 'First published <time datetime="2024-02-01">1 February 2024</time>. <a' in unchanged
    assert "Last updated <time" not in unchanged.split("<footer")[0]
    changes = (out / "changes/index.html").read_text()
    assert changes.count('<span class="badge badge-added">Added</span>') == 3
    assert "built without the repository history" not in changes
    feed = feedparser.parse((out / "changes/feed.xml").read_text())
    assert {entry.title.split(":")[0] for entry in feed.entries} == {"Added"}


def test_two_builds_of_one_commit_are_identical(repository, tmp_path):
    build(repository / "content", tmp_path / "one", with_search=False)
    build(repository / "content", tmp_path / "two", with_search=False)
    assert site_digest(tmp_path / "one") == site_digest(tmp_path / "two")


def test_a_change_not_yet_committed_is_not_a_publication(repository, tmp_path):
    takeover = repository / "content" / TAKEOVER
    takeover.write_text(takeover.read_text().replace("14 people", "15 people"))
    build(repository / "content", tmp_path / "site", with_search=False)
    assert 'Last updated <time datetime="2024-03-05">' in (tmp_path / "site" / TAKEOVER_PAGE).read_text()


def test_without_history_no_date_is_shown_and_builds_stay_identical(repository, tmp_path, monkeypatch):
    exported = tmp_path / "export"
    shutil.copytree(repository / "content", exported)  # a download of the files, without .git
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")
    build(exported, tmp_path / "one", with_search=False)
    build(exported, tmp_path / "two", with_search=False)
    assert site_digest(tmp_path / "one") == site_digest(tmp_path / "two")
    page = (tmp_path / "one" / TAKEOVER_PAGE).read_text()
    assert "First published" not in page and 'class="event-history"' not in page
    assert "built without the repository history" in (tmp_path / "one" / "changes/index.html").read_text()


def test_a_shallow_clone_is_treated_as_having_no_history(repository, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", repository.as_uri(), str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    assert history.read(clone / "content") == {}
