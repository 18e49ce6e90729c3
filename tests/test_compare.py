"""The benchmark's Hugo and Pelican sites: converted from our content, one page per event, same taxonomies."""

import datetime
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pagefind_bin
import pytest
import yaml

import compare
from compare import (Hugo, Pelican, available, count_files, full_date, measure, write_hugo_site,
                     write_pelican_site)
from synthetic import write_synthetic

EVENTS = 30


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return write_synthetic(tmp_path_factory.mktemp("synthetic") / "content", events=EVENTS)


@pytest.fixture(scope="module")
def records(content):
    """Our records, read back: {folder: {id: record}}."""
    return {folder: {f.stem: yaml.safe_load(f.read_text(encoding="utf-8"))
                     for f in sorted((content / folder).glob("*.yaml"))}
            for folder in ("events", "actors", "topics", "places", "sources")}


def hugo_page(path: Path) -> tuple[dict, str, str]:
    """A Hugo page's front matter (parsed), its raw text and its body."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    return yaml.safe_load(text[4:end]), text[4:end], text[end + 5:]


def pelican_page(path: Path) -> tuple[dict, str]:
    """A Pelican Markdown file's metadata (Key: value lines up to the first blank line) and body."""
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    return dict(line.split(": ", 1) for line in head.splitlines()), body


def month_precise(records) -> list[str]:
    found = [i for i, e in records["events"].items() if isinstance(e["date"], str) and len(e["date"]) == 7]
    assert found, "the synthetic set has month-precise events"
    return found


def test_partial_dates_become_their_first_day():
    assert full_date("2024-01") == (datetime.date(2024, 1, 1), "2024-01")
    assert full_date(2024) == (datetime.date(2024, 1, 1), "2024")
    assert full_date(datetime.date(2024, 1, 9)) == (datetime.date(2024, 1, 9), None)


def test_hugo_site_has_one_page_per_event_with_its_front_matter(content, records, tmp_path):
    write_hugo_site(content, tmp_path)
    pages = sorted((tmp_path / "content" / "events").glob("*.md"))
    assert [p.stem for p in pages] == list(records["events"])
    for page in pages:
        event = records["events"][page.stem]
        front, _, body = hugo_page(page)
        assert front["title"] == event["title"]
        assert front["actors"] == event["actors"]
        assert front["topics"] == event["topics"]
        assert front["places"] == [event["place"]]
        assert front["importance"] == event["importance"]
        if isinstance(event["date"], datetime.date):
            assert front["date"] == event["date"] and "date_as_given" not in front
        summary, sources = body.split("<!--more-->")
        assert summary.strip() == event["summary"].strip()
        for citation in event["sources"]:
            source = records["sources"][citation["source"]]
            assert source["title"] in sources and source["publisher"] in sources


def test_hugo_gives_a_month_precise_date_as_its_first_day_and_says_so(content, records, tmp_path):
    write_hugo_site(content, tmp_path)
    for event_id in month_precise(records):
        front, raw, _ = hugo_page(tmp_path / "content" / "events" / f"{event_id}.md")
        year, month = map(int, records["events"][event_id]["date"].split("-"))
        assert front["date"] == datetime.date(year, month, 1)
        assert front["date_as_given"] == records["events"][event_id]["date"]
        lines = raw.splitlines()
        comment = lines[lines.index(f"date: {year}-{month:02d}-01") - 1]
        assert comment.startswith("# Hugo has no partial dates")


def test_hugo_terms_config_and_layouts(content, records, tmp_path):
    write_hugo_site(content, tmp_path)
    for taxonomy in ("actors", "topics", "places"):
        for record_id, record in records[taxonomy].items():
            front, _, _ = hugo_page(tmp_path / "content" / taxonomy / record_id / "_index.md")
            assert front["title"] == record["name"]
    config = tomllib.loads((tmp_path / "hugo.toml").read_text(encoding="utf-8"))
    assert config["taxonomies"] == {"actor": "actors", "topic": "topics", "place": "places"}
    assert config["disableKinds"] == ["section"]
    assert config["outputs"]["home"] == ["HTML", "RSS"]
    assert all(formats == ["HTML"] for kind, formats in config["outputs"].items() if kind != "home")
    for layout in ("_default/baseof.html", "_default/single.html", "_default/list.html",
                   "_default/term.html", "_default/terms.html", "index.html"):
        assert (tmp_path / "layouts" / layout).is_file()


def test_pelican_site_has_one_article_per_event_with_its_metadata(content, records, tmp_path):
    write_pelican_site(content, tmp_path)
    articles = sorted((tmp_path / "content" / "events").glob("*.md"))
    assert [a.stem for a in articles] == list(records["events"])
    names = {folder: {i: r["name"] for i, r in records[folder].items()} for folder in ("actors", "topics", "places")}
    for article in articles:
        event = records["events"][article.stem]
        meta, body = pelican_page(article)
        assert meta["Title"] == event["title"]
        assert meta["Slug"] == article.stem
        assert meta["Authors"].split(", ") == [names["actors"][a] for a in event["actors"]]
        assert meta["Tags"].split(", ") == [names["topics"][t] for t in event["topics"]]
        assert meta["Category"] == names["places"][event["place"]]
        if isinstance(event["date"], datetime.date):
            assert meta["Date"] == event["date"].isoformat() and "Date_as_given" not in meta
        else:
            year, month = event["date"].split("-")
            assert meta["Date"] == f"{year}-{month}-01" and meta["Date_as_given"] == event["date"]
        assert body.startswith(event["summary"].strip())
        for citation in event["sources"]:
            source = records["sources"][citation["source"]]
            assert source["title"] in body and source["publisher"] in body
    assert {p.stem for p in (tmp_path / "content" / "pages").glob("*.md")} == {"about", "sources"}


def test_pelican_settings_for_a_clean_build_and_for_a_cached_rebuild(content, tmp_path):
    write_pelican_site(content, tmp_path)
    clean, cached = ({}, {})
    exec((tmp_path / "pelicanconf.py").read_text(encoding="utf-8"), clean)
    exec((tmp_path / "pelicanconf_cached.py").read_text(encoding="utf-8"), cached)
    assert clean["LOAD_CONTENT_CACHE"] is False and clean["DELETE_OUTPUT_DIRECTORY"] is True
    assert cached["LOAD_CONTENT_CACHE"] is True and cached["CACHE_CONTENT"] is True
    assert clean["RELATIVE_URLS"] is True and clean["FEED_ALL_ATOM"] == "feed.xml"
    assert clean["AUTHOR_FEED_ATOM"] is None and clean["CATEGORY_FEED_ATOM"] is None


@pytest.mark.parametrize("kind", [Hugo, Pelican])
def test_an_edit_changes_one_event_summary_each_time(kind, content, tmp_path):
    competitor = kind(kind.__name__, "unused")
    competitor.prepare(content, tmp_path)
    before = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "content").rglob("*.md")}
    edited = competitor.edit(tmp_path)
    after = {p: p.read_text(encoding="utf-8") for p in before}
    assert [p for p in before if before[p] != after[p]] == [edited]
    first = hugo_page(edited)[2] if kind is Hugo else pelican_page(edited)[1]
    assert first.startswith("Edited for the benchmark ")
    again = competitor.edit(tmp_path)
    assert again == edited and again.read_text(encoding="utf-8") != after[edited]


def test_available_finds_pelican_through_its_variable(monkeypatch, tmp_path):
    program = tmp_path / "pelican"
    program.write_text("#!/bin/sh\necho 4.0\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PELICAN", str(program))
    assert [(c.name, c.executable) for c in available()] == [("Pelican", str(program))]


def test_measure_all_gives_the_driver_hugos_steps_with_pagefind_after_the_clean_build_and_the_edit_before_the_last(
        monkeypatch, tmp_path):
    monkeypatch.setattr(compare, "available", lambda: [Hugo("Hugo", "true")])
    calls = []

    def run(step, command, out):
        edited = [p for p in (tmp_path / "compare/hugo/content/events").glob("*.md") if "Edited for" in p.read_text()]
        calls.append((step, command[0], out, len(edited)))
        return step

    rows = compare.measure_all(EVENTS, tmp_path, run)
    pagefind = "search index: Pagefind on its output"
    assert rows == [("Hugo (version unknown)", ["clean build", pagefind, "unchanged rebuild", "rebuild after one edit"])]
    out = tmp_path / "compare/hugo/public"
    assert calls == [("clean build", "true", out, 0), (pagefind, str(pagefind_bin.get_executable()), out, 0),
                     ("unchanged rebuild", "true", out, 0), ("rebuild after one edit", "true", out, 1)]
    assert len(list((tmp_path / "compare/content/events").glob("*.yaml"))) == EVENTS


def test_measure_reports_time_and_peak_memory():
    run = measure([sys.executable, "-c", "b = bytearray(80_000_000); b[::4096] = b'x' * len(b[::4096])"])
    assert run.peak_mb >= 76 and run.wall > 0 and run.user >= 0
    with pytest.raises(subprocess.CalledProcessError):
        measure([sys.executable, "-c", "raise SystemExit(3)"])


@pytest.mark.skipif(shutil.which("hugo") is None, reason="Hugo is not installed")
def test_hugo_builds_a_page_for_every_event_actor_topic_and_place(content, records, tmp_path):
    hugo = Hugo("Hugo", shutil.which("hugo"))
    hugo.prepare(content, tmp_path)
    measure(hugo.clean_build_cmd(tmp_path))
    out = hugo.output(tmp_path)
    for event_id, event in records["events"].items():
        assert event["title"] in (out / "events" / event_id / "index.html").read_text(encoding="utf-8")
    for taxonomy in ("actors", "topics", "places"):
        assert {p.parent.name for p in (out / taxonomy).glob("*/index.html")} == set(records[taxonomy])
    assert (out / "index.html").is_file() and (out / "feed.xml").is_file()
    assert not (out / "events" / "index.html").exists()  # no events list: the home page is the timeline
    edited = hugo.edit(tmp_path)
    measure(hugo.rebuild_cmd(tmp_path))
    assert "Edited for the benchmark" in (out / "events" / edited.stem / "index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not any(c.name == "Pelican" for c in available()), reason="Pelican is not installed")
def test_pelican_builds_a_page_for_every_event(content, records, tmp_path):
    pelican = next(c for c in available() if c.name == "Pelican")
    pelican.prepare(content, tmp_path)
    measure(pelican.clean_build_cmd(tmp_path))
    out = pelican.output(tmp_path)
    assert {p.parent.name for p in (out / "events").glob("*/index.html")} == set(records["events"])
    assert len(list((out / "actors").glob("*/index.html"))) == len(records["actors"])
    assert (tmp_path / "cache").is_dir()  # the clean build leaves Pelican's cache for the rebuilds
    files = count_files(out)
    edited = pelican.edit(tmp_path)
    measure(pelican.rebuild_cmd(tmp_path))
    assert count_files(out) == files
    assert "Edited for the benchmark" in (out / "events" / edited.stem / "index.html").read_text(encoding="utf-8")
