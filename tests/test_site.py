"""The whole site built from the project's own content, as CI publishes it."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
from lxml import etree

from generator.build import build
from conftest import REAL_CONTENT, SUB_PATH


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate") and name == "href"
                                        and attrs[name].startswith("http")):
                self.links.append(attrs[name])


def parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_type_is_built(real_site):
    for page in ("index.html", "actors/index.html", "topics/index.html", "places/index.html", "sources/index.html",
                 "about/index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "data/events.json",
                 "data/events.csv"):
        assert (real_site / page).is_file(), page
    for folder in ("events", "actors", "topics", "places"):
        records = {p.stem for p in (REAL_CONTENT / folder).glob("*.yaml")}
        assert records, folder
        assert {p.parent.name for p in (real_site / folder).glob("*/index.html")} == records


def test_every_internal_link_resolves(real_site):
    pages = {p: parse(p) for p in real_site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        base = "http://site/" + page.relative_to(real_site).as_posix()
        for link in parsed.links:
            target = urlsplit(urljoin(base, link))
            if target.scheme in ("mailto",) or target.netloc != "site":
                continue
            path = real_site / unquote(target.path).lstrip("/")
            if target.path.endswith("/"):
                path = path / "index.html"
            if not path.is_file():
                broken.append((page.relative_to(real_site).as_posix(), link))
            elif target.fragment and path.suffix == ".html" and target.fragment not in pages[path].ids:
                broken.append((page.relative_to(real_site).as_posix(), link))
    assert broken == []


def test_every_page_has_one_h1_a_language_and_a_skip_link_first(real_site):
    for page in real_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count("<h1") == 1, page
        assert '<html lang="en">' in html, page
        body = html.split("<body>", 1)[1]
        assert body.lstrip().startswith('<a class="skip-link" href="#main">'), page


def test_two_builds_are_byte_identical(tmp_path):
    def digest(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    build(REAL_CONTENT, tmp_path / "one")
    build(REAL_CONTENT, tmp_path / "two")
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_the_feed_is_valid_atom(real_site):
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == min(50, len(list((REAL_CONTENT / "events").glob("*.yaml"))))


def test_pages_allow_only_the_sites_own_scripts_and_styles(real_site):
    for page in real_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        wasm = " 'wasm-unsafe-eval'" if page.parent.name == "search" else ""  # Pagefind's index reader
        assert f"script-src 'self'{wasm}; style-src 'self'" in html, page
        scripts = [(attrs, body) for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
                   if 'type="application/ld+json"' not in attrs]  # data for search engines, never run
        assert all(re.search(r'\bsrc="/static/[a-z]+\.[0-9a-f]{10}\.js"', attrs) and not body for attrs, body in scripts), page
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page


def test_scripts_never_block_rendering(real_site):
    for page in real_site.rglob("*.html"):
        for attrs in re.findall(r"<script\b([^>]*)>", page.read_text(encoding="utf-8")):
            if 'type="application/ld+json"' in attrs:
                continue
            assert " defer" in attrs or 'type="module"' in attrs, (page, attrs)


def test_the_home_page_charts_every_month_with_a_link_to_it(real_site):
    html = (real_site / "index.html").read_text(encoding="utf-8")
    chart = html.split('<svg class="overview-chart"', 1)[1].split("</svg>", 1)[0]
    month_headings = set(re.findall(r'<h3 id="(y\d{4}-\d\d)">', html))
    assert month_headings and set(re.findall(r'<a href="#(y\d{4}-\d\d)"', chart)) == month_headings
    assert re.search(r'<a href="#y2024-01" aria-label="January 2024: \d+ events">', chart)
    assert '<table>' in html.split('class="overview-table"', 1)[1]


def test_the_home_page_weighs_under_100_kb_with_its_stylesheet_and_script(real_site):
    html = (real_site / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:href|src)="/(static/[^"]+)"', html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    total = len(html.encode()) + sum((real_site / asset).stat().st_size for asset in assets)
    assert total < 100_000, total  # uncompressed; servers that compress send about a fifth of it


def test_every_date_shown_is_a_machine_readable_time(real_site):
    words = r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"
    for page in [real_site / "index.html", *real_site.glob("events/*/index.html"), real_site / "sources/index.html"]:
        html = page.read_text(encoding="utf-8")
        for value, shown in re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html):
            assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value) and value[:4] in shown, (page, value, shown)
        # Outside the prose an editor writes (summaries, notes, headlines), every date is a <time>.
        facts = re.sub(r'<time datetime="[^"]+">[^<]+</time>|<p class="entry-summary">.*?</p>|<div class="prose">.*?</div>'
                       r'|<span class="note">.*?</span>|<cite>.*?</cite>', "", html.split("<main", 1)[1], flags=re.S)
        assert not re.search(words, re.sub(r"<[^>]+>", " ", facts)), page


SITEMAP_SCHEMA = Path(__file__).parent / "data" / "sitemap.xsd"


def sitemap_problems(site: Path) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_SCHEMA)))
    document = etree.parse(str(site / "sitemap.xml"))
    schema.validate(document)
    return [str(error) for error in schema.error_log]


def test_the_sitemap_is_valid_against_the_sitemap_schema(real_site, sub_path_site):
    assert sitemap_problems(real_site) == []
    assert sitemap_problems(sub_path_site / SUB_PATH) == []


def test_the_schema_check_can_fail(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                          "<url><loc>/relative</loc><priority>2</priority></url></urlset>\n")
    assert len(sitemap_problems(tmp_path)) == 2


def test_every_sitemap_address_is_a_built_page_under_the_base_url(sub_path_site):
    site = sub_path_site / SUB_PATH
    locations = etree.parse(str(site / "sitemap.xml")).findall(".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    base = f"https://example.org/{SUB_PATH}/"
    assert len(locations) > 80
    for location in locations:
        assert location.text.startswith(base), location.text
        assert (site / location.text[len(base):] / "index.html").is_file(), location.text
