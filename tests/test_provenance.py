"""Provenance readers can check: per-claim citations, independent sources and statuses, corrections
and the changes page, archived copies, and the real content using all of them."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import feedparser
import pytest

from conftest import REAL_CONTENT, write_files
from generator import cli
from generator.build import build, check
from generator.model import Source
from generator.timeline import origin

TAKEOVER = "events/2024-01-09-tc-television-takeover.yaml"


def problems(content: Path) -> list[str]:
    graph, diagnostics = check(content)
    return [p.format().replace(str(content.parent) + "/", "") for p in diagnostics.sorted()]


def takeover(summary: str, sources: str = "  - source: ap-2024-01-10-tv-station\n    note: the takeover\n",
             more: str = "") -> dict[str, str]:
    """The small content's takeover event with this summary (a literal block), sources and more fields."""
    return {TAKEOVER: "title: Gunmen storm TC Televisión's studio during a live broadcast\ndate: 2024-01-09\n"
                      "place: guayaquil\nactors: [tc-television]\ntopics: [attacks-on-media]\nsummary: |\n"
                      + textwrap.indent(summary.strip("\n"), "  ") + "\nsources:\n" + sources + more}


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# --- Per-claim citations -----------------------------------------------------------------------

def test_citations_render_as_numbered_links_to_the_list_of_sources(content, tmp_path):
    write_files(content, takeover(
        "Armed men entered the studio [@ap-2024-01-10-tv-station].\n"
        "Police detained 13 people [@ap-2024-01-10-tv-station; @cnn-2024-01-25-terror].\n"
        "The code `[@not-a-citation]` stays as written.",
        "  - source: ap-2024-01-10-tv-station\n  - source: cnn-2024-01-25-terror\n"))
    out = tmp_path / "site"
    build(content, out, with_search=False)
    page = read(out, "events/2024-01-09-tc-television-takeover/index.html")
    one = '<a href="#source-1" aria-label="Source 1: AP">1</a>'
    two = '<a href="#source-2" aria-label="Source 2: CNN">2</a>'
    assert f'the studio<sup class="cite-mark">[{one}]</sup>.' in page  # the space before it goes with it
    assert f'13 people<sup class="cite-mark">[{one}, {two}]</sup>.' in page
    assert "<code>[@not-a-citation]</code>" in page
    assert '<li id="source-1">' in page and '<li id="source-2">' in page
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert description.startswith("Armed men entered the studio. Police detained 13 people. The code")
    feed = read(out, "feed.xml")
    assert "@ap-2024" not in feed and "Police detained 13 people." in feed


def test_actor_and_topic_summaries_cite_their_own_sources(content, tmp_path):
    write_files(content, {"topics/attacks-on-media.yaml": "name: Attacks on the media\n"
                                                          "summary: Journalists under threat [@cnn-2024-01-25-terror].\n"
                                                          "sources: [cnn-2024-01-25-terror]\n"})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    topic = read(out, "topics/attacks-on-media/index.html")
    assert ('under threat<sup class="cite-mark">[<a href="#source-1" aria-label="Source 1: CNN">1</a>]</sup>.'
            in topic)
    assert '<li id="source-1"><span class="publisher">CNN</span>' in topic
    actor = read(out, "actors/daniel-noboa/index.html")
    assert '<a href="#source-1" aria-label="Source 1: CNN">1</a>' in actor


@pytest.mark.parametrize("summary, expected", [
    ("Armed men entered the studio.\nPolice detained 13 people [@cnn-2024-01-25-terorr].",
     "8:29: error: summary: cites 'cnn-2024-01-25-terorr', which the event does not list under 'sources:'\n"
     "    hint: add '- source: cnn-2024-01-25-terorr' to 'sources:', or cite one of its sources"),
    ("Armed men entered the studio [@ap-2024-01-10-tv].",
     "7:32: error: summary: cites 'ap-2024-01-10-tv', which the event does not list under 'sources:'\n"
     "    hint: did you mean 'ap-2024-01-10-tv-station'?"),
    ("Armed men entered the studio [@AP 2024].",
     "7:32: error: summary: '[@AP 2024]' is not a citation\n"
     "    hint: write [@source-id], or [@a; @b] for several, with ids as in content/sources/"),
])
def test_a_citation_of_a_source_the_event_does_not_list_is_an_error_at_its_line(content, summary, expected):
    write_files(content, takeover(summary))
    found = problems(content)
    assert f"content/{TAKEOVER}:{expected}" in found


def test_a_listed_source_the_summary_never_cites_is_a_warning_at_the_source(content):
    write_files(content, takeover("Armed men entered the studio [@ap-2024-01-10-tv-station].",
                                  "  - source: ap-2024-01-10-tv-station\n  - source: cnn-2024-01-25-terror\n"))
    graph, diagnostics = check(content)
    assert graph is not None
    assert [p.format() for p in diagnostics.warnings] == [
        f"{content}/{TAKEOVER}:10:13: warning: summary never cites the source 'cnn-2024-01-25-terror'\n"
        "    hint: add [@cnn-2024-01-25-terror] after the claim it supports"]


def test_the_spanish_summary_is_checked_on_its_own(content):
    write_files(content, {"site.yaml": read(content, "site.yaml") + "translations: [es]\n"})
    write_files(content, takeover("Armed men entered the studio [@ap-2024-01-10-tv-station].", more=(
        "es:\n  title: Toma del canal\n  summary: |\n    Hombres armados entraron [@cnn-2024-01-25-terror].\n")))
    found = [p for p in problems(content) if "es.summary" in p]
    assert found[1] == (f"content/{TAKEOVER}:14:30: error: es.summary: cites 'cnn-2024-01-25-terror', which the "
                        "event does not list under 'sources:'\n"
                        "    hint: add '- source: cnn-2024-01-25-terror' to 'sources:', or cite one of its sources")
    assert found[0] == (f"content/{TAKEOVER}:13:3: warning: es.summary never cites the source "
                        "'ap-2024-01-10-tv-station'\n    hint: add [@ap-2024-01-10-tv-station] after the claim it "
                        "supports, as the original summary does")


def test_a_topic_that_cites_without_sources_is_an_error(content):
    write_files(content, {"topics/attacks-on-media.yaml": "name: Attacks on the media\n"
                                                          "summary: Journalists under threat [@cnn-2024-01-25-terror].\n"})
    assert problems(content) == [
        "content/topics/attacks-on-media.yaml:2:10: error: summary: cites 'cnn-2024-01-25-terror', which the topic "
        "does not list under 'sources:'\n    hint: add '- source: cnn-2024-01-25-terror' to 'sources:', or cite one "
        "of its sources"]


# --- Independent sources and status ----------------------------------------------------------------

def source(source_id: str, publisher: str, **fields) -> Source:
    return Source(id=source_id, file="", title="t", publisher=publisher, published=None, **fields)


@pytest.mark.parametrize("first, second, independent", [
    (source("a", "CNN"), source("b", "El Universo"), True),
    (source("a", "CNN"), source("b", "CNN"), False),  # one newsroom counts once
    (source("a", "The Associated Press"), source("b", "associated  press"), False),
    (source("a", "Arkansas Democrat-Gazette", via="AP"), source("b", "The Atlanta Journal-Constitution", via="AP"),
     False),  # one wire story carried by two papers
    (source("a", "AP"), source("b", "Arkansas Democrat-Gazette", via="AP"), False),
    (source("a", "EFE"), source("b", "A wire service", via="EFE (possibly; not named)"), False),
    (source("a", "Reuters"), source("b", "Investing.com", via="Bloomberg"), True),
    (source("a", "El Diario"), source("b", "A translation", original_id="a"), False),
])
def test_sources_are_independent_unless_they_share_an_origin(first, second, independent):
    sources = {first.id: first, second.id: second}
    assert (origin(first, sources) != origin(second, sources)) == independent


def test_a_chain_of_republications_ends_at_its_original(content):
    write_files(content, {
        "sources/copy-one.yaml": "title: T\npublisher: One\npublished: 2024-01-11\nurl: https://example.org/1\n"
                                 "original: ap-2024-01-10-tv-station\n",
        "sources/copy-two.yaml": "title: T\npublisher: Two\npublished: 2024-01-12\nurl: https://example.org/2\n"
                                 "original: copy-one\n",
    })
    write_files(content, takeover("Armed men [@ap-2024-01-10-tv-station; @copy-two].",
                                  "  - source: ap-2024-01-10-tv-station\n  - source: copy-two\n"))
    graph, diagnostics = check(content)
    assert graph is not None and diagnostics.problems == []
    assert graph.by_id["2024-01-09-tc-television-takeover"].independent == 1


def test_an_original_that_does_not_exist_or_loops_is_an_error(content):
    write_files(content, {
        "sources/copy-one.yaml": "title: T\npublisher: One\npublished: 2024-01-11\nurl: https://example.org/1\n"
                                 "original: copy-two\n",
        "sources/copy-two.yaml": "title: T\npublisher: Two\npublished: 2024-01-12\nurl: https://example.org/2\n"
                                 "original: copy-one\n",
        "sources/copy-three.yaml": "title: T\npublisher: Three\npublished: 2024-01-12\nurl: https://example.org/3\n"
                                   "original: ap-2024-01-10-tv\n",
    })
    assert problems(content) == [
        "content/sources/copy-one.yaml:5:11: error: original: the sources republish each other in a loop "
        "(copy-one -> copy-two -> copy-one)\n    hint: 'original:' names the source that first published the "
        "story; one of them has none",
        "content/sources/copy-three.yaml:5:11: error: unknown source 'ap-2024-01-10-tv'\n"
        "    hint: did you mean 'ap-2024-01-10-tv-station'?",
        "content/sources/copy-two.yaml:5:11: error: original: the sources republish each other in a loop "
        "(copy-two -> copy-one -> copy-two)\n    hint: 'original:' names the source that first published the "
        "story; one of them has none",
    ]


@pytest.fixture
def statuses(content: Path, tmp_path: Path) -> Path:
    """The small content with one event of each status: confirmed (AP and CNN), single source (two
    stories of one newsroom), disputed (set by the editor)."""
    write_files(content, takeover("Armed men [@ap-2024-01-10-tv-station]. Arrests [@cnn-2024-01-25-terror].",
                                  "  - source: ap-2024-01-10-tv-station\n  - source: cnn-2024-01-25-terror\n"))
    write_files(content, {
        "sources/cnn-2024-01-26-more.yaml": "title: More\npublisher: CNN\npublished: 2024-01-26\n"
                                            "offline: read in a printed copy\n",
        "events/2024-01-17-prosecutor-killed.yaml": "title: Prosecutor shot dead\ndate: 2024-01-17\nplace: guayaquil\n"
                                                    "actors: [daniel-noboa]\nsummary: Shot [@cnn-2024-01-25-terror]. "
                                                    "Killed [@cnn-2024-01-26-more].\nsources: [cnn-2024-01-25-terror, "
                                                    "cnn-2024-01-26-more]\n",
        "events/2024-01-internal-armed-conflict.yaml": read(content, "events/2024-01-internal-armed-conflict.yaml")
        + "disputed: whether the decree named 22 or 20 groups\n",
    })
    out = tmp_path / "site"
    build(content, out, with_search=False)
    return out


def test_each_event_page_counts_independent_sources_and_shows_its_status(statuses):
    confirmed = read(statuses, "events/2024-01-09-tc-television-takeover/index.html")
    assert ('<span class="badge badge-confirmed">Confirmed</span><span class="visually-hidden">:</span></strong> 2 sources, 2 independent. '
            'Two or more independent sources report it.') in confirmed
    single = read(statuses, "events/2024-01-17-prosecutor-killed/index.html")
    assert ('<span class="badge badge-single-source">Single source</span><span class="visually-hidden">:</span></strong> 2 sources, 1 independent. '
            'Only one independent source reports it so far.') in single
    disputed = read(statuses, "events/2024-01-internal-armed-conflict/index.html")
    assert '<span class="badge badge-disputed">Disputed</span><span class="visually-hidden">:</span></strong> 1 source, 1 independent.' in disputed
    assert ('<p class="disputed-note"><strong>What is disputed:</strong> <span>whether the decree named 22 or 20 '
            'groups</span></p>') in disputed
    assert '<a href="/about/#section-provenance">How we rate sources</a>' in disputed


def test_the_timeline_marks_single_source_and_disputed_events_and_filters_by_status(statuses):
    home = read(statuses, "index.html")
    entries = dict(re.findall(r'<li class="entry[^"]*" id="([^"]+)"[^>]*data-status="([^"]+)"', home))
    assert entries == {"2024-01-09-tc-television-takeover": "confirmed", "2024-01-17-prosecutor-killed": "single-source",
                       "2024-01-internal-armed-conflict": "disputed"}
    badges = re.findall(r'<span class="badge badge-(confirmed|single-source|disputed)">', home)
    assert sorted(badges) == ["disputed", "single-source"]  # confirmed is the norm, left unmarked
    assert '<option value="single-source">Single source (1)</option>' in home
    assert '<option value="disputed">Disputed (1)</option>' in home


def test_the_open_data_carries_status_sources_and_corrections(statuses):
    import json
    events = {e["id"]: e for e in json.loads(read(statuses, "data/events.json"))["events"]}
    assert events["2024-01-17-prosecutor-killed"]["status"] == "single-source"
    assert events["2024-01-17-prosecutor-killed"]["independent_sources"] == 1
    assert events["2024-01-internal-armed-conflict"]["disputed"] == "whether the decree named 22 or 20 groups"
    assert "status,independent_sources,url" in read(statuses, "data/events.csv").splitlines()[0]


# --- Addresses -------------------------------------------------------------------------------------

def test_a_source_without_any_address_is_a_warning_unless_the_editor_says_why(content, tmp_path):
    write_files(content, {"sources/cnn-2024-01-25-terror.yaml": "title: Terror grips the streets of Ecuador\n"
                                                                "publisher: CNN\npublished: 2024-01-25\n"})
    assert problems(content) == [
        "content/sources/cnn-2024-01-25-terror.yaml:1:1: warning: the source 'cnn-2024-01-25-terror' has neither url "
        "nor archived_url: readers cannot check it\n    hint: add 'url:' or 'archived_url:' (an archived copy); where "
        "no copy is online, say why in 'offline:', such as 'offline: read in the print edition'"]
    write_files(content, {"sources/cnn-2024-01-25-terror.yaml": "title: Terror grips the streets of Ecuador\n"
                                                                "publisher: CNN\npublished: 2024-01-25\n"
                                                                "offline: read in the print edition\n"})
    assert problems(content) == []
    out = tmp_path / "site"
    build(content, out, with_search=False)
    page = read(out, "events/2024-01-17-prosecutor-killed/index.html")
    assert ('<span class="no-link">(no link available: <span lang="en">read in the print edition</span>)</span>'
            in page)


def test_a_republished_story_names_its_agency_and_kind(content, tmp_path):
    write_files(content, {"sources/ap-2024-01-10-tv-station.yaml": "title: Armed men break into Ecuador TV station\n"
                                                                   "publisher: Arkansas Democrat-Gazette\nvia: AP\n"
                                                                   "kind: wire-agency\npublished: 2024-01-10\n"
                                                                   "url: https://example.org/ap/tv-station\n"})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    page = read(out, "events/2024-01-09-tc-television-takeover/index.html")
    assert '<span class="publisher">Arkansas Democrat-Gazette</span>, via <span class="via" lang="en">AP</span>,' in page
    assert '<span class="source-kind">Wire agency</span>' in page


# --- Corrections, history and the changes page -----------------------------------------------------

CORRECTED = """
corrections:
  - date: 2024-02-03
    what: The number of people detained is now 13, not 14.
    why: The first report was revised by the police.
"""


def test_corrections_are_shown_under_their_heading_with_date_what_and_why(content, tmp_path):
    write_files(content, takeover("Police detained 13 people [@ap-2024-01-10-tv-station].", more=CORRECTED))
    out = tmp_path / "site"
    build(content, out, with_search=False)
    page = read(out, "events/2024-01-09-tc-television-takeover/index.html")
    assert '<h2 id="corrections-heading">Corrections</h2>' in page
    assert ('<li><time datetime="2024-02-03">3 February 2024</time>: The number of people detained is now 13, not 14.'
            ' <span class="why">Why: The first report was revised by the police.</span></li>') in page
    # without the repository's history, the newest correction is the last update
    assert 'Last updated <time datetime="2024-02-03">3 February 2024</time>.' in page
    assert "First published" not in page


@pytest.mark.parametrize("corrections, expected", [
    ("  - date: 2024-02\n    what: x\n    why: y\n",
     "12:11: error: corrections: a correction's date needs the day, not only 2024-02\n"
     "    hint: write the day it was corrected: YYYY-MM-DD"),
    ("  - date: 2024-02-03\n    what: x\n",
     "12:5: error: corrections: a correction needs 'why:'\n    hint: add 'why:' (why, in one line)"),
    ("  - date: 2024-02-03\n    what: x\n    why: y\n    who: z\n",
     "15:5: error: corrections: unknown field 'who' in a correction\n    hint: did you mean 'why'?"),
    ("  - 2024-02-03\n",
     "12:5: error: corrections: expected a correction with 'date:', 'what:', 'why:', found text"),
])
def test_a_mistake_in_a_correction_is_named_where_it_is_written(content, corrections, expected):
    write_files(content, takeover("Police detained 13 people [@ap-2024-01-10-tv-station].",
                                  more="corrections:\n" + corrections))
    assert problems(content)[0] == f"content/{TAKEOVER}:{expected}"


def test_the_changes_page_and_feed_list_corrections_newest_first(content, tmp_path):
    write_files(content, takeover("Police detained 13 people [@ap-2024-01-10-tv-station].", more=CORRECTED
                                  + "  - date: 2024-02-10\n    what: The place is now Guayaquil.\n    why: A typo.\n"))
    out = tmp_path / "site"
    build(content, out, with_search=False)
    page = read(out, "changes/index.html")
    assert "built without the repository history" in page
    assert page.index("The place is now Guayaquil.") < page.index("The number of people detained")
    feed = feedparser.parse(read(out, "changes/feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == [
        "Corrected: Gunmen storm TC Televisión's studio during a live broadcast"] * 2
    assert feed.entries[0].id == "https://example.org/changes/#2024-01-09-tc-television-takeover-correction-2"
    assert feed.entries[0].link == "https://example.org/events/2024-01-09-tc-television-takeover/"
    assert feed.entries[0].summary == "The place is now Guayaquil. Why: A typo."
    assert feed.feed.updated.startswith("2024-02-10")
    assert '<link rel="alternate" type="application/atom+xml" title="Test timeline: additions and corrections" ' \
           'href="/changes/feed.xml">' in read(out, "index.html")


def test_corrections_are_translated_in_order_and_a_missing_one_is_counted(content):
    write_files(content, {"site.yaml": read(content, "site.yaml") + "translations: [es]\n"})
    spanish = ("es:\n  title: Toma\n  summary: Hombres armados [@ap-2024-01-10-tv-station].\n  notes:\n"
               "    ap-2024-01-10-tv-station: la toma\n")
    write_files(content, takeover("Police detained 13 people [@ap-2024-01-10-tv-station].", more=CORRECTED + spanish))
    found = [p for p in problems(content) if TAKEOVER in p]
    assert found == [f"content/{TAKEOVER}:16:1: warning: not yet translated into Spanish (es): corrections\n"
                     "    hint: add 'corrections:' under 'es:'; the Spanish (es) edition shows the original text, "
                     "marked, until then"]
    write_files(content, takeover("Police detained 13 people [@ap-2024-01-10-tv-station].", more=CORRECTED + spanish
                                  + "  corrections:\n    - what: Son 13 detenidos.\n      why: La Policía corrigió.\n"
                                  + "    - what: Otra.\n      why: Otra.\n"))
    assert any(p.startswith(f"content/{TAKEOVER}:24:7: error: es.corrections: there are 2 here but 1 in "
                            "'corrections:'") for p in problems(content))


# --- The real content -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    graph, diagnostics = check(REAL_CONTENT, strict=True)
    assert graph is not None, [p.format() for p in diagnostics.problems]
    return graph


def test_every_real_summary_cites_its_sources(real):
    from generator.markup import citations_in
    for entry in real.entries:
        texts = [entry.event.summary, entry.event.translations["es"]["summary"]]
        for text in texts:
            cited = {i for citing in citations_in(text) for i in citing.source_ids}
            assert cited == {source.id for source, _ in entry.sources}, entry.id


def test_the_real_republications_and_statuses_are_marked(real):
    sources = real.sources
    assert sources["defensepost-2025-02-20-allied-special-forces"].publisher == "The Defense Post"
    assert sources["defensepost-2025-02-20-allied-special-forces"].via.startswith("AFP")
    assert all(source.kind for source in sources.values())
    assert all(source.url or source.archived_url or source.offline for source in sources.values())
    # EFE and a wire story that may be EFE's count once
    assert real.by_id["2024-01-13-prison-hostages-freed"].independent == 1
    assert real.by_id["2024-01-09-riobamba-prison-escape"].status == "disputed"
    statuses = {entry.status for entry in real.entries}
    assert statuses == {"confirmed", "single-source", "disputed"}


def test_the_real_site_shows_corrections_and_a_changes_page(real_site):
    page = read(real_site, "events/2024-01-09-tc-television-studio-takeover/index.html")
    assert '<h2 id="corrections-heading">Corrections</h2>' in page
    changes = read(real_site, "changes/index.html")
    assert "Gunmen storm TC Televisión" in changes
    spanish = read(real_site, "es/events/2024-01-09-tc-television-studio-takeover/index.html")
    assert "<h2 id=\"corrections-heading\">Correcciones</h2>" in spanish
    assert "se cita ahora a NBC News" in spanish


def test_check_counts_the_new_warnings_like_the_others(content, capsys):
    write_files(content, {"sources/cnn-2024-01-25-terror.yaml": "title: T\npublisher: CNN\npublished: 2024-01-25\n"})
    assert cli.main(["check", "--content", str(content)]) == 0
    out, err = capsys.readouterr()
    assert "readers cannot check it" in err
    assert out == "timeline check: 3 events, 0 errors, 1 warning\n"
    assert cli.main(["check", "--strict", "--content", str(content)]) == 1


def test_a_free_page_cites_any_source_by_publisher_and_an_unknown_one_is_an_error(content, tmp_path):
    write_files(content, {"pages/about.md": "---\ntitle: About\n---\nWe rely on wire copy [@ap-2024-01-10-tv-station].\n"})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    assert ('copy<sup class="cite-mark">[<a href="/sources/#ap-2024-01-10-tv-station" aria-label="AP">AP</a>]</sup>.'
            in read(out, "about/index.html"))
    write_files(content, {"pages/about.md": "---\ntitle: About\n---\nIntro.\n\nWe rely on [@ap-2024-01-10-tv].\n"})
    assert problems(content) == ["content/pages/about.md:6:1: error: unknown source 'ap-2024-01-10-tv'\n"
                                 "    hint: did you mean 'ap-2024-01-10-tv-station'?"]
