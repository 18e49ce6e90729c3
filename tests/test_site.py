"""The whole site built from the project's own content, as CI publishes it."""

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
import yaml
from lxml import etree

from generator.build import build
from conftest import REAL_CONTENT, SUB_PATH, SUB_PATH_URL


class _Links(HTMLParser):
    """The addresses in a page (links, assets, form actions, the search bundle, the sharing and
    structured-data addresses) and the ids it has for fragments to land on."""

    ADDRESS_ATTRIBUTES = ("href", "src", "action", "data-bundle", "data-base")
    SHARED = ("og:url", "og:image", "twitter:image")

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()
        self._json_ld = None  # the text of the structured-data script being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.links += [attrs[name] for name in self.ADDRESS_ATTRIBUTES if attrs.get(name)]
        if tag == "meta" and (attrs.get("property") or attrs.get("name")) in self.SHARED and attrs.get("content"):
            self.links.append(attrs["content"])
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._json_ld = ""

    def handle_data(self, data):
        if self._json_ld is not None:
            self._json_ld += data

    def handle_endtag(self, tag):
        if tag == "script" and self._json_ld is not None:  # its web addresses ("#" fragments name things there)
            self.links += [urlsplit(value)._replace(fragment="").geturl() for value in _strings(json.loads(self._json_ld))
                           if re.match(r"https?://", value)]
            self._json_ld = None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def served_file(site: Path, base_url: str, address: str) -> Path | None:
    """The built file a web server publishing `site` at `base_url` answers the absolute `address`
    with, or None when it has none: a missing file, or a path outside the base path (for a site
    published at https://example.org/ecuador-timeline/, "/static/x" is another site's)."""
    path, base_path = unquote(urlsplit(address).path), urlsplit(base_url).path
    if not path.startswith(base_path):
        return None
    file = site / path[len(base_path):]
    if path.endswith("/"):
        file = file / "index.html"
    return file if file.is_file() else None


def is_ours(base_url: str, address: str) -> bool:
    """Whether an absolute address is on the site's host (other hosts are not ours to check)."""
    target, base = urlsplit(address), urlsplit(base_url)
    return target.scheme in ("http", "https") and target.netloc == base.netloc


def broken_links(site: Path, base_url: str) -> list[tuple[str, str]]:
    """(page, link) for every link of the built pages that does not lead to a built file (and,
    with a fragment, to an id on that page) once the site is published at `base_url`. The 404
    page is answered for any missing address, so its links must work from deep in the site."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        name = page.relative_to(site).as_posix()
        shown_at = urljoin(base_url, "no/such/page/" if name == "404.html" else name)
        for link in parsed.links:
            if link.startswith("#"):
                if link[1:] not in parsed.ids:
                    broken.append((name, link))
                continue
            address = urljoin(shown_at, link)
            if not is_ours(base_url, address):
                continue
            file, fragment = served_file(site, base_url, address), urlsplit(address).fragment
            if file is None or (fragment and file.suffix == ".html" and fragment not in pages[file].ids):
                broken.append((name, link))
    return broken


ROOT_URL = yaml.safe_load((REAL_CONTENT / "site.yaml").read_text(encoding="utf-8"))["base_url"].rstrip("/") + "/"


@pytest.fixture(params=["root", "sub-path"])
def published(request) -> tuple[Path, str]:
    """A build of the real content and the address it is published at: at the root of its host
    (site.yaml's base_url), then under a sub-path as a project site is."""
    if request.param == "root":
        return request.getfixturevalue("real_site"), ROOT_URL
    return request.getfixturevalue("sub_path_site") / SUB_PATH, SUB_PATH_URL


def test_every_page_type_is_built(real_site):
    for page in ("index.html", "actors/index.html", "topics/index.html", "places/index.html", "sources/index.html",
                 "about/index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "data/index.html",
                 "data/events.json", "data/events.schema.json", "data/events.csv", "data/events.ics"):
        assert (real_site / page).is_file(), page
    for folder in ("events", "actors", "topics", "places"):
        records = {p.stem for p in (REAL_CONTENT / folder).glob("*.yaml")}
        assert records, folder
        assert {p.parent.name for p in (real_site / folder).glob("*/index.html")} == records


def test_every_internal_link_resolves(published):
    assert broken_links(*published) == []


def test_the_link_check_finds_links_that_leave_the_sub_path(tmp_path):
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "static" / "style.css").write_text("")
    (site / "index.html").write_text('<p id="top"><a href="#top">a</a> <a href="static/style.css">b</a>'
                                     ' <a href="/ecuador-timeline/static/style.css">c</a> <a href="/static/style.css">d</a>'
                                     ' <a href="https://example.org/static/style.css">e</a> <a href="#nowhere">f</a>'
                                     ' <a href="https://example.com/static/style.css">g</a> <a href="../x/">h</a></p>')
    (site / "404.html").write_text('<link rel="stylesheet" href="/ecuador-timeline/static/style.css">'
                                   '<link rel="icon" href="static/style.css">'  # not from /ecuador-timeline/a/b/
                                   '<script type="application/ld+json">{"url": "https://example.org/about/"}</script>')
    assert sorted(broken_links(site, SUB_PATH_URL)) == [("404.html", "https://example.org/about/"),
                                                        ("404.html", "static/style.css")] + [
        ("index.html", link) for link in ("#nowhere", "../x/", "/static/style.css", "https://example.org/static/style.css")]


def feed_and_sitemap_addresses(site: Path, base_url: str) -> list[tuple[str, str]]:
    """(file, address) for every address a feed reader or crawler follows: the links and ids of
    feed.xml (with the links in any HTML content), the sitemap's pages, robots.txt's sitemap."""
    found = []
    for name in ("feed.xml", "sitemap.xml"):
        for element in etree.parse(str(site / name)).iter(etree.Element):
            tag = etree.QName(element).localname
            found += [(name, element.get(attribute)) for attribute in ("href", "src") if element.get(attribute)]
            if tag in ("id", "loc", "icon", "logo") and element.text:
                found.append((name, element.text.strip()))
            if element.get("type") in ("html", "xhtml") and tag in ("content", "summary", "title", "subtitle", "rights"):
                html = element.text or "" if element.get("type") == "html" else etree.tostring(element, encoding="unicode")
                parser = _Links()
                parser.feed(html)
                found += [(name, link) for link in parser.links]
    found += [("robots.txt", line.split(":", 1)[1].strip())
              for line in (site / "robots.txt").read_text(encoding="utf-8").splitlines() if line.lower().startswith("sitemap:")]
    return [(name, urljoin(base_url + name, address)) for name, address in found]


def test_the_feed_and_sitemap_check_reads_every_address(tmp_path):
    (tmp_path / "feed.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/ecuador-timeline/</id>'
                                       '<link rel="self" href="/feed.xml"/><entry><link rel="related" href="https://example.com/a"/>'
                                       '<content type="html">&lt;img src="pic.png"&gt;</content></entry></feed>')
    (tmp_path / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                          "<url><loc>https://example.org/ecuador-timeline/about/</loc></url></urlset>")
    (tmp_path / "robots.txt").write_text("User-agent: *\nSitemap: https://example.org/sitemap.xml\n")
    assert feed_and_sitemap_addresses(tmp_path, SUB_PATH_URL) == [
        ("feed.xml", "https://example.org/ecuador-timeline/"), ("feed.xml", "https://example.org/feed.xml"),
        ("feed.xml", "https://example.com/a"), ("feed.xml", "https://example.org/ecuador-timeline/pic.png"),
        ("sitemap.xml", "https://example.org/ecuador-timeline/about/"), ("robots.txt", "https://example.org/sitemap.xml")]


def test_every_feed_and_sitemap_address_on_the_site_is_a_built_page_under_the_base_url(published):
    site, base_url = published
    addresses = feed_and_sitemap_addresses(site, base_url)
    assert {name for name, _ in addresses} == {"feed.xml", "sitemap.xml", "robots.txt"}
    ours = [(name, address) for name, address in addresses if is_ours(base_url, address)]  # not the sources
    assert len(ours) > 80
    assert [(name, address) for name, address in ours
            if not address.startswith(base_url) or served_file(site, base_url, address) is None] == []


def test_every_page_has_one_h1_a_language_and_a_skip_link_first(real_site):
    for page in real_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count("<h1") == 1, page
        spanish = page.relative_to(real_site).parts[0] == "es"
        assert f'<html lang="{"es" if spanish else "en"}">' in html, page
        body = html.split("<body>", 1)[1]
        assert body.lstrip().startswith('<a class="skip-link" href="#main">'), page


def test_the_menu_marks_the_section_of_every_page_and_the_search_box_is_not_on_the_search_page(real_site):
    """The menu and the header are rendered once per edition and section and shared by every
    page: each page must still show its own section as the current one, in its own language."""
    sections = {"": ("Timeline", "Cronología"), "actors": ("Actors", "Actores"), "topics": ("Topics", "Temas"),
                "places": ("Places", "Lugares"), "figures": ("Figures", "Cifras"),
                "sources": ("Sources", "Fuentes"), "about": ("About", "Acerca de"), "search": ("Search", "Buscar")}
    seen = set()
    for page in real_site.rglob("*.html"):
        parts = page.relative_to(real_site).parts
        spanish = parts[0] == "es"
        inside = parts[1:] if spanish else parts
        section = inside[0] if len(inside) > 1 else ("" if inside == ("index.html",) else None)
        html = page.read_text(encoding="utf-8")
        menu = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
        current = re.findall(r'aria-current="page"[^>]*>([^<]*)</a>', menu)
        if section in sections:
            assert current == [sections[section][spanish]], page
            seen.add((section, spanish))
        else:
            assert current == [], page  # the page not found, the data and changes pages: no section of the menu
        header = html.split("<header", 1)[1].split("</header>", 1)[0]
        assert ('class="site-search"' in header) == (section != "search"), page
    assert seen == {(section, spanish) for section in sections for spanish in (False, True)}


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


def test_every_link_that_leaves_the_site_opens_without_access_to_it(real_site):
    """rel="noopener noreferrer": the page opened cannot reach back through window.opener, nor
    learn which page of ours linked to it."""
    leaving = 0
    for page in real_site.rglob("*.html"):
        for link in etree.parse(str(page), etree.HTMLParser()).iter("a"):
            address = urlsplit(link.get("href", ""))
            if address.scheme in ("http", "https") and address.netloc != "example.org":
                leaving += 1
                assert {"noopener", "noreferrer"} <= set(link.get("rel", "").split()), (page, link.get("href"))
    assert leaving > 30  # the sources' addresses, on event, source and actor pages


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
                       r'|<span class="note">.*?</span>|<cite>.*?</cite>|<p class="source-figures">.*?</p>', "",
                       html.split("<main", 1)[1], flags=re.S)  # (and figures' titles, which are headlines too)
        assert not re.search(words, re.sub(r"<[^>]+>", " ", facts)), page


SITEMAP_SCHEMA = Path(__file__).parent / "data" / "sitemap-with-alternates.xsd"


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
