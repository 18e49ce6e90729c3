"""How pages travel beyond the site: link previews, structured data, the feed, citations, edit links
and the date of the edition."""

import datetime as dt
import json
import re
import struct
import subprocess
import sys
from html.parser import HTMLParser

import feedparser
import pytest
import yaml

from generator.build import build
from conftest import PROJECT, REAL_CONTENT, write_files


class _Head(HTMLParser):
    """The <meta> properties, the canonical link, the JSON-LD blocks and the visible text of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.canonical, self.json_ld, self.text = {}, None, [], []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data
        else:
            self.text.append(data)


def head(path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def linked_data(path) -> dict:
    blocks = head(path).json_ld
    assert len(blocks) == 1, path
    return json.loads(blocks[0])


def event_records() -> dict:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (REAL_CONTENT / "events").glob("*.yaml")}


# --- Link previews ------------------------------------------------------------------------------

def test_every_page_has_open_graph_and_twitter_card_tags(real_site):
    pages = [p for p in real_site.rglob("*.html") if p.name == "index.html"]
    assert len(pages) > 80
    for page in pages:
        found = head(page)
        for name in ("og:title", "og:description", "og:url", "og:type", "og:site_name", "twitter:card",
                     "twitter:title", "twitter:description"):
            assert found.meta.get(name), (page, name)
        assert found.meta["og:url"] == found.canonical, page
        assert found.meta["og:description"] == found.meta["description"], page
        assert found.meta["og:type"] == ("article" if page.parent.parent.name == "events" else "website"), page


def test_link_previews_show_the_sites_card_image(real_site):
    found = head(real_site / "events/2024-01-09-tc-television-studio-takeover/index.html")
    assert found.meta["twitter:card"] == "summary_large_image"
    address = found.meta["og:image"]
    assert address.startswith("https://example.org/static/share.") and address.endswith(".png")
    image = (real_site / address.removeprefix("https://example.org/")).read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image[16:24])  # the PNG header's IHDR chunk
    assert (width, height) == (int(found.meta["og:image:width"]), int(found.meta["og:image:height"])) == (1200, 630)
    assert found.meta["og:image:alt"]


def test_a_shared_event_is_previewed_by_its_own_title(real_site):
    page = real_site / "events/2024-01-09-tc-television-studio-takeover/index.html"
    found = head(page)
    title = event_records()["2024-01-09-tc-television-studio-takeover"]["title"]
    assert found.meta["og:title"] == found.meta["twitter:title"] == title
    assert found.meta["og:url"] == "https://example.org/events/2024-01-09-tc-television-studio-takeover/"


# --- Structured data ----------------------------------------------------------------------------

def test_every_event_page_describes_its_event_and_cites_its_sources(real_site):
    records = event_records()
    sources = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (REAL_CONTENT / "sources").glob("*.yaml")}
    for event_id, record in records.items():
        data = linked_data(real_site / "events" / event_id / "index.html")
        assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
        assert data["name"] == record["title"]
        assert data["url"] == f"https://example.org/events/{event_id}/"
        assert data["startDate"] == str(record["date"])  # the precision is kept: 2024-01 stays a month
        cited = [c["source"] if isinstance(c, dict) else c for c in record["sources"]]
        assert [article["@type"] for article in data["citation"]] == ["NewsArticle"] * len(cited)
        for article, source_id in zip(data["citation"], cited):
            source = sources[source_id]
            assert article["headline"] == source["title"]
            assert article["publisher"]["name"] == source["publisher"]
            assert article.get("url") == source.get("url")  # never an invented address
        if "place" in record:
            assert data["location"]["url"] == f"https://example.org/places/{record['place']}/"


def test_month_precise_events_keep_their_precision_in_structured_data(real_site):
    monthly = [i for i, r in event_records().items() if re.fullmatch(r"\d{4}-\d\d", str(r["date"]))]
    assert monthly
    for event_id in monthly:
        assert re.fullmatch(r"\d{4}-\d\d", linked_data(real_site / "events" / event_id / "index.html")["startDate"])


def test_actor_pages_describe_a_person_or_an_organisation(real_site):
    for path in (REAL_CONTENT / "actors").glob("*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = linked_data(real_site / "actors" / path.stem / "index.html")
        assert data["@type"] == ("Person" if record["kind"] == "person" else "Organization"), path.stem
        assert data["name"] == record["name"]
        assert data["url"] == f"https://example.org/actors/{path.stem}/"
        assert data.get("alternateName", []) == record.get("aliases", [])


def test_the_home_page_describes_the_website_and_how_to_search_it(real_site):
    data = linked_data(real_site / "index.html")
    assert data["@type"] == "WebSite" and data["url"] == "https://example.org/"
    assert data["potentialAction"]["target"] == "https://example.org/search/?q={search_term_string}"


HOSTILE = '</script><script>alert(1)</script><!-- & \' "'


def test_no_text_can_close_the_structured_data_script(content, tmp_path):
    event = content / "events/2024-01-09-tc-television-takeover.yaml"
    record = yaml.safe_load(event.read_text(encoding="utf-8"))
    record["title"] = HOSTILE
    record["summary"] = "It said </SCRIPT ><img src=x onerror=alert(2)> out loud."
    event.write_text(yaml.safe_dump(record), encoding="utf-8")
    actor = content / "actors/daniel-noboa.yaml"
    actor.write_text(actor.read_text(encoding="utf-8") + f"aliases: [{json.dumps(HOSTILE)}]\n", encoding="utf-8")
    build(content, tmp_path / "site", with_search=False)

    for page in ("events/2024-01-09-tc-television-takeover/index.html", "actors/daniel-noboa/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S | re.I)
        assert len(blocks) == 1 and "<" not in blocks[0]
        assert html.lower().count("<script") == html.lower().count("</script>")
    data = linked_data(tmp_path / "site/events/2024-01-09-tc-television-takeover/index.html")
    assert data["name"] == HOSTILE and "</SCRIPT >" in data["description"]
    assert linked_data(tmp_path / "site/actors/daniel-noboa/index.html")["alternateName"] == [HOSTILE]


# --- The feed -----------------------------------------------------------------------------------

def test_the_feed_lists_the_latest_events_by_event_date_newest_first(real_site):
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    dates = sorted((str(r["date"]), i) for i, r in event_records().items())
    newest = {i for _, i in dates[-50:]}
    ids = [entry.id.rstrip("/").rsplit("/", 1)[1] for entry in feed.entries]
    assert set(ids) == newest
    assert [e.updated_parsed for e in feed.entries] == sorted((e.updated_parsed for e in feed.entries), reverse=True)


def test_feed_entries_link_to_their_sources(real_site):
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.id.endswith("/2024-01-09-tc-television-studio-takeover/"))
    related = [link.href for link in entry.links if link.rel == "related"]
    assert "https://www.arkansasonline.com/news/2024/jan/10/armed-men-break-into-ecuador-tv-station/" in related


# --- Cite and correct ---------------------------------------------------------------------------

def test_every_event_page_offers_a_citation_with_its_permanent_address(real_site):
    for event_id, record in event_records().items():
        page = real_site / "events" / event_id / "index.html"
        html = page.read_text(encoding="utf-8")
        citation = re.search(r'<p class="citation" id="citation">(.*?)</p>', html, re.S)
        assert citation, page
        text = re.sub(r"<[^>]+>", "", citation.group(1)).replace("&#39;", "'").replace("&#34;", '"')
        assert f"“{record['title']}”" in text
        assert text.endswith(f"https://example.org/events/{event_id}/")
        assert head(page).canonical == f"https://example.org/events/{event_id}/"


def test_edit_links_lead_to_each_records_file_when_the_site_names_a_repository(content, tmp_path):
    site_file = content / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8") + "repository: https://github.com/example/timeline\n",
                         encoding="utf-8")
    build(content, tmp_path / "site", with_search=False)
    edit = "https://github.com/example/timeline/edit/main/content/"
    for page, file in [("events/2024-01-09-tc-television-takeover", "events/2024-01-09-tc-television-takeover.yaml"),
                       ("actors/daniel-noboa", "actors/daniel-noboa.yaml"), ("topics/attacks-on-media",
                       "topics/attacks-on-media.yaml"), ("places/guayaquil", "places/guayaquil.yaml"),
                       ("about", "pages/about.md")]:
        html = (tmp_path / "site" / page / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{edit}{file}" rel="noopener noreferrer">Edit this page</a>' in html, page
        assert (content / file).is_file()
    for index in ("index.html", "actors/index.html", "search/index.html"):  # no single file to edit
        assert "Edit this page" not in (tmp_path / "site" / index).read_text(encoding="utf-8")


def test_edit_url_overrides_the_repository_default(content, tmp_path):
    site_file = content / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8") + "repository: https://git.example.org/t\n"
                         "edit_url: https://git.example.org/t/-/edit/trunk/content/\n", encoding="utf-8")
    build(content, tmp_path / "site", with_search=False)
    html = (tmp_path / "site/actors/daniel-noboa/index.html").read_text(encoding="utf-8")
    assert 'href="https://git.example.org/t/-/edit/trunk/content/actors/daniel-noboa.yaml"' in html


def test_without_a_repository_there_is_no_edit_link(real_site):
    assert "repository" not in yaml.safe_load((REAL_CONTENT / "site.yaml").read_text(encoding="utf-8"))
    assert not any("Edit this page" in p.read_text(encoding="utf-8") for p in real_site.rglob("*.html"))


# --- The edition's date -------------------------------------------------------------------------

def timeline_build(content, out, **env):
    return subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                           "--no-search"], cwd=PROJECT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env})


def test_the_date_shown_comes_from_source_date_epoch(content, tmp_path):
    # 2024-03-01 03:00 UTC is still 29 February in Guayaquil (UTC-5), the site's time zone
    epoch = int(dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.timezone.utc).timestamp())
    assert timeline_build(content, tmp_path / "a", SOURCE_DATE_EPOCH=str(epoch)).returncode == 0
    home = (tmp_path / "a/index.html").read_text(encoding="utf-8")
    assert 'Last updated <time datetime="2024-02-29">29 February 2024</time>' in home
    event = (tmp_path / "a/events/2024-01-09-tc-television-takeover/index.html").read_text(encoding="utf-8")
    assert 'version of <time datetime="2024-02-29">29 February 2024</time>' in event
    feed = feedparser.parse((tmp_path / "a/feed.xml").read_bytes())
    assert dt.datetime(*feed.feed.updated_parsed[:6]) == dt.datetime(2024, 3, 1, 3, 0)

    assert timeline_build(content, tmp_path / "b", SOURCE_DATE_EPOCH=str(epoch)).returncode == 0
    for file in (tmp_path / "a").rglob("*"):
        if file.is_file():
            assert file.read_bytes() == (tmp_path / "b" / file.relative_to(tmp_path / "a")).read_bytes(), file


def test_without_source_date_epoch_no_build_date_is_shown_and_the_feed_date_comes_from_the_content(content, tmp_path):
    assert timeline_build(content, tmp_path / "site").returncode == 0
    assert "Last updated" not in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((tmp_path / "site/feed.xml").read_bytes())
    assert feed.feed.updated.startswith("2024-01-25")  # the newest date in the small content: a source's


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5"])
def test_a_malformed_source_date_epoch_is_refused(content, tmp_path, value):
    result = timeline_build(content, tmp_path / "site", SOURCE_DATE_EPOCH=value)
    assert result.returncode == 2
    assert f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{value}'" in result.stderr
    assert not (tmp_path / "site").exists()
