"""The Spanish edition: the YAML shape editors write, what a build makes of it, and the real content."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from lxml import etree

from conftest import PROJECT, REAL_CONTENT, SMALL_CONTENT, write_files
from generator import cli
from generator.build import build, check
from generator.editions import editions

def in_spanish(name: str, block: str) -> str:
    """A file of the small content set (conftest.SMALL_CONTENT) with an `es:` block added at its end."""
    return SMALL_CONTENT[name].rstrip(" ") + textwrap.indent(textwrap.dedent(block).lstrip("\n"), " " * 8)


SPANISH = {
    "site.yaml": in_spanish("site.yaml", """
        translations: [es]
        es:
          title: Cronología de prueba
          description: Una pequeña cronología para pruebas.
        """),
    "pages/about.es.md": """
        ---
        title: Acerca de
        menu: Acerca de
        ---
        Cómo se hace esta cronología.
        """,
    "actors/daniel-noboa.yaml": in_spanish("actors/daniel-noboa.yaml", """
        es:
          role: Presidente de Ecuador
          summary: Presidente desde noviembre de 2023 [@cnn-2024-01-25-terror].
        """),
    "topics/attacks-on-media.yaml": in_spanish("topics/attacks-on-media.yaml", """
        es:
          name: Ataques contra la prensa
          summary: Periodistas amenazados.
        """),
    "places/ecuador.yaml": "name: Ecuador (nationwide)\nes:\n  name: Ecuador (todo el país)\n",
    "events/2024-01-09-tc-television-takeover.yaml": in_spanish("events/2024-01-09-tc-television-takeover.yaml", """
        es:
          title: Hombres armados irrumpen en el estudio de TC Televisión
          summary: Hombres armados entraron al estudio en vivo [@ap-2024-01-10-tv-station].
          notes:
            ap-2024-01-10-tv-station: la toma y las detenciones
        """),
    "events/2024-01-internal-armed-conflict.yaml": in_spanish("events/2024-01-internal-armed-conflict.yaml", """
        es:
          title: Noboa declara un conflicto armado interno
          summary: El presidente declaró un conflicto armado interno [@cnn-2024-01-25-terror].
        """),
    # actors/tc-television.yaml needs nothing (its name is the same in Spanish), and
    # events/2024-01-17-prosecutor-killed.yaml keeps no translation: it is built in English, marked
}
UNTRANSLATED = "events/2024-01-17-prosecutor-killed"


@pytest.fixture
def bilingual(content: Path) -> Path:
    """The small content set published in English and Spanish, one event not yet translated."""
    return write_files(content, SPANISH)


@pytest.fixture
def bilingual_site(bilingual: Path, tmp_path: Path) -> Path:
    build(bilingual, tmp_path / "site", with_search=False)
    return tmp_path / "site"


def problems(content: Path) -> list[str]:
    _, diagnostics = check(content)
    return [f"{Path(p.location.file).relative_to(content).as_posix()}:{p.location.line}: {p.severity}: {p.message} "
            f"| {p.hint}" for p in diagnostics.sorted()]


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# --- What editors write ----------------------------------------------------------------------

def test_the_translated_content_checks_clean_but_counts_what_is_not_yet_translated(bilingual):
    assert problems(bilingual) == [
        f"{UNTRANSLATED}.yaml:1: warning: not yet translated into Spanish (es): title, summary"
        " | add 'title:' and 'summary:' under 'es:'; the Spanish (es) edition shows the original text, "
        "marked, until then"]


def test_strict_makes_a_missing_translation_fail(bilingual, capsys):
    assert cli.main(["check", "--content", str(bilingual)]) == 0
    assert capsys.readouterr().out == "timeline check: 3 events, 0 errors, 1 warning (1 for missing translations)\n"
    assert cli.main(["check", "--content", str(bilingual), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "prosecutor-killed.yaml:1:1: warning: not yet translated into Spanish (es): title, summary" in err
    assert err.endswith("timeline check: 0 errors, 1 warning (1 for missing translations) "
                        "(--strict counts warnings as errors)\n")


@pytest.mark.parametrize("files, expected", [
    ({"site.yaml": SPANISH["site.yaml"].replace("translations: [es]", "translations: []")},
     "site.yaml:7: error: unknown field 'es' in site 'site' | to publish this site in Spanish (es), add es to "
     "'translations:' in content/site.yaml"),
    ({"topics/attacks-on-media.yaml": "name: Attacks\npt:\n  name: Ataques\n"},
     "topics/attacks-on-media.yaml:2: error: unknown field 'pt' in topic 'attacks-on-media' | to publish this "
     "topic in Portuguese (pt), add pt to 'translations:' in content/site.yaml"),
    ({"topics/attacks-on-media.yaml": "name: Attacks\nes:\n  name: Ataques\n  date: 2024-01\n"},
     "topics/attacks-on-media.yaml:4: error: es: 'date' cannot be translated | 'es:' may hold: name, summary"),
    ({"places/ecuador.yaml": "name: Ecuador\nlatitude: -1.8\nes:\n  latitude: -1.5\n"},
     "places/ecuador.yaml:4: error: es: 'latitude' cannot be translated | 'latitude' is the same in every "
     "language: set it once, outside 'es:'"),
    ({"topics/attacks-on-media.yaml": "name: Attacks\nes: Ataques\n"},
     "topics/attacks-on-media.yaml:2: error: es: expected fields (key: value pairs), found text | "
     "indent the Spanish (es) text under 'es:', such as '  title: ...'"),
    ({"topics/attacks-on-media.yaml": "name: Attacks\nes:\n  name: Ataques\n  summary: Resumen\n"},
     "topics/attacks-on-media.yaml:4: error: es.summary: there is no 'summary' to translate | write 'summary:' "
     "in the record's own language first, outside 'es:'"),
    ({"topics/attacks-on-media.yaml": "name: Attacks\nes:\n  name: \"Ataques\\x07\"\n"},
     "topics/attacks-on-media.yaml:3: error: es.name: the text holds an invisible control character (U+0007) | "
     "remove the escape in quotes (such as \\x1b or \\u0007) that writes it"),
    ({"events/2024-01-09-tc-television-takeover.yaml":
      SPANISH["events/2024-01-09-tc-television-takeover.yaml"].replace(
          "ap-2024-01-10-tv-station: la toma", "ap-2024-01-10-tv-statoin: la toma")},
     "events/2024-01-09-tc-television-takeover.yaml:18: error: es.notes: the event does not cite "
     "'ap-2024-01-10-tv-statoin' | did you mean 'ap-2024-01-10-tv-station'?"),
    ({"pages/about.pt.md": "---\ntitle: Sobre\n---\nTexto.\n"},
     "pages/about.pt.md:1: error: the site is not published in 'pt' | add pt to 'translations:' in "
     "content/site.yaml, or rename the file"),
    ({"pages/method.es.md": "---\ntitle: Método\n---\nTexto.\n"},
     "pages/method.es.md:1: error: there is no page 'method' for this Spanish (es) version to translate | add "
     "content/pages/method.md, or rename this file to <page>.es.md after an existing page"),
])
def test_a_mistake_in_a_translation_is_named_with_file_line_and_hint(bilingual, files, expected):
    write_files(bilingual, files)
    assert expected in problems(bilingual)


def test_a_translation_left_out_of_the_notes_is_counted(bilingual):
    write_files(bilingual, {"events/2024-01-09-tc-television-takeover.yaml":
                            SPANISH["events/2024-01-09-tc-television-takeover.yaml"].split("  notes:")[0]})
    assert ("events/2024-01-09-tc-television-takeover.yaml:14: warning: not yet translated into Spanish (es): "
            "notes") in "\n".join(problems(bilingual))


def test_a_name_that_is_the_same_in_both_languages_needs_no_translation(bilingual):
    graph, _ = check(bilingual)
    english, spanish = editions(graph)
    assert spanish.timeline.actors["tc-television"].name == "TC Televisión"
    assert spanish.timeline.actors["tc-television"].untranslated == frozenset()
    assert spanish.timeline.places["ecuador"].name == "Ecuador (todo el país)"
    assert english.timeline.places["ecuador"].name == "Ecuador (nationwide)"
    untranslated = spanish.timeline.by_id["2024-01-17-prosecutor-killed"].event
    assert untranslated.title == "Prosecutor shot dead" and untranslated.untranslated == {"title", "summary"}


def test_a_site_in_one_language_has_one_edition_and_no_switch(content, tmp_path):
    graph, _ = check(content)
    assert [edition.prefix for edition in editions(graph)] == [""]
    build(content, tmp_path / "site", with_search=False)
    assert not (tmp_path / "site/es").exists()
    html = read(tmp_path / "site", "index.html")
    assert "hreflang" not in html and "language-switch" not in html


# --- What readers get ------------------------------------------------------------------------

class Links(HTMLParser):
    """The language of the page, its hreflang alternates and its language switch."""

    def __init__(self):
        super().__init__()
        self.lang, self.alternates, self.switch, self._in_switch = None, {}, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "nav" and "language-switch" in attrs.get("class", ""):
            self._in_switch = True
        if self._in_switch and tag == "a":
            self.switch[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switch = False


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_every_page_has_its_mirror_with_alternates_and_a_switch_both_ways(bilingual_site):
    english_pages = sorted(p.relative_to(bilingual_site).as_posix() for p in bilingual_site.rglob("index.html")
                           if p.relative_to(bilingual_site).parts[0] != "es")
    assert len(english_pages) > 12
    for path in english_pages:
        english, spanish = read(bilingual_site, path), read(bilingual_site, "es/" + path)
        folder = path.removesuffix("index.html")
        expected = {"en": f"https://example.org/{folder}", "es": f"https://example.org/es/{folder}",
                    "x-default": f"https://example.org/{folder}"}
        english_links, spanish_links = links_of(english), links_of(spanish)
        assert (english_links.lang, spanish_links.lang) == ("en", "es"), path
        assert english_links.alternates == spanish_links.alternates == expected, path
        assert english_links.switch == {"es": f"/es/{folder}"}, path  # lands on the same record
        assert spanish_links.switch == {"en": f"/{folder}"}, path


def test_the_spanish_pages_speak_spanish_with_spanish_dates(bilingual_site):
    event = read(bilingual_site, "es/events/2024-01-09-tc-television-takeover/index.html")
    assert '<h1 data-pagefind-meta="date:9 de enero de 2024">Hombres armados irrumpen en el estudio' in event
    assert "Respalda: la toma y las detenciones" in event
    assert "<dt>Lugar</dt>" in event and ">Ataques contra la prensa</a>" in event
    assert '<html lang="es">' in event and "Cronología de prueba" in event
    home = read(bilingual_site, "es/index.html")
    assert '<h3 id="y2024-01">enero de 2024</h3>' in home
    assert '<time datetime="2024-01">enero de 2024</time>' in home
    assert "3 hechos" in home and "Hecho relevante" in home
    english = read(bilingual_site, "events/2024-01-09-tc-television-takeover/index.html")
    assert '<time datetime="2024-01-09">9 January 2024</time>' in english and "Supports: the takeover" in english
    assert '<time datetime="2024-01">January 2024</time>' in read(bilingual_site, "index.html")


def test_an_untranslated_record_is_shown_in_english_marked_and_announced(bilingual_site):
    page = read(bilingual_site, f"es/{UNTRANSLATED}/index.html")
    assert '<p class="untranslated-note" role="note">Aún sin traducir' in page
    assert '<h1 data-pagefind-meta="date:17 de enero de 2024" lang="en">Prosecutor shot dead</h1>' in page
    assert '<div class="prose" lang="en"><p>A prosecutor was shot<sup class="cite-mark">' in page
    home = read(bilingual_site, "es/index.html")
    assert '<h4 class="entry-title" lang="en"><a href="/es/events/2024-01-17-prosecutor-killed/">' in home
    translated = read(bilingual_site, "es/events/2024-01-09-tc-television-takeover/index.html")
    assert "untranslated-note" not in translated and 'lang="en">Hombres' not in translated


def test_each_edition_has_its_feed_search_page_and_json_ld_in_its_language(bilingual_site):
    feed = etree.parse(str(bilingual_site / "es/feed.xml")).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert feed.findtext(f"{atom}title") == "Cronología de prueba"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert "Noboa declara un conflicto armado interno" in titles
    assert {entry.find(f"{atom}link").get("href") for entry in feed.iter(f"{atom}entry")} <= {
        f"https://example.org/es/events/{p.name}/" for p in (bilingual_site / "es/events").iterdir()}
    assert 'href="/es/feed.xml"' in read(bilingual_site, "es/index.html")
    search = read(bilingual_site, "es/search/index.html")
    assert 'data-bundle="/pagefind/pagefind.js"' in search and 'data-none="No hay resultados para' in search
    page = read(bilingual_site, "es/events/2024-01-09-tc-television-takeover/index.html")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["inLanguage"] == "es" and data["url"].startswith("https://example.org/es/events/")
    assert data["name"].startswith("Hombres armados")


def test_the_sitemap_lists_both_editions_with_their_alternates(bilingual_site):
    tree = etree.parse(str(bilingual_site / "sitemap.xml"))
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", names)
    locations = {url.findtext("s:loc", namespaces=names) for url in urls}
    assert {"https://example.org/", "https://example.org/es/", "https://example.org/es/actors/daniel-noboa/"} <= locations
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", names)}
        assert set(alternates) == {"en", "es"} and url.findtext("s:loc", namespaces=names) in alternates.values()


def test_the_open_data_carries_both_languages(bilingual_site):
    data = json.loads(read(bilingual_site, "data/events.json"))
    assert data["translations"] == ["es"]
    takeover = next(event for event in data["events"] if event["id"] == "2024-01-09-tc-television-takeover")
    assert takeover["translations"]["es"] == {
        "url": "https://example.org/es/events/2024-01-09-tc-television-takeover/",
        "title": "Hombres armados irrumpen en el estudio de TC Televisión",
        "summary": "Hombres armados entraron al estudio en vivo [@ap-2024-01-10-tv-station].",
        "notes": ["la toma y las detenciones"], "disputed": None, "corrections": []}
    untranslated = next(event for event in data["events"] if event["id"] == "2024-01-17-prosecutor-killed")
    assert untranslated["translations"]["es"]["title"] is None
    rows = list(csv.DictReader(io.StringIO(read(bilingual_site, "data/events.csv"))))
    assert rows[0]["title_es"] == "Hombres armados irrumpen en el estudio de TC Televisión"
    assert rows[0]["url_es"] == "https://example.org/es/events/2024-01-09-tc-television-takeover/"
    assert not (bilingual_site / "es/data/events.json").exists()  # one set of files for both
    assert 'href="/data/events.csv"' in read(bilingual_site, "es/data/index.html")


def test_the_spanish_about_page_comes_from_its_own_file(bilingual_site):
    page = read(bilingual_site, "es/about/index.html")
    assert "<h1>Acerca de</h1>" in page and "Cómo se hace esta cronología." in page
    assert ">Acerca de</a>" in read(bilingual_site, "es/index.html")  # in the menu


# --- The real content ----------------------------------------------------------------------------

ENGLISH_WORDS = re.compile(r"\b(the|and|with|which|were|was|has|have|from|this|that|after|their|not yet)\b", re.I)
PROPER_NAMES = ("The Associated Press", "The Defense Post", "Stars and Stripes", "NBC News")


class Text(HTMLParser):
    """A page's visible text outside elements marked as another language than the page's."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "wbr", "source"}

    def __init__(self, language: str):
        super().__init__()
        self.language, self.stack, self.parts = language, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        skip = (tag in ("script", "style") or (lang is not None and lang != self.language)
                or (self.stack and self.stack[-1]))
        self.stack.append(bool(skip))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def spanish_text(html: str) -> str:
    parser = Text("es")
    parser.feed(html.split("<body>", 1)[1])
    text = re.sub(r"\s+", " ", " ".join(parser.parts))
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return re.sub(r"https?://\S+", "", text)


def test_the_real_content_is_fully_translated():
    _, diagnostics = check(REAL_CONTENT)
    assert [str(p.message) for p in diagnostics.warnings if "translated" in p.message] == []


def test_every_real_spanish_page_is_in_spanish(real_site):
    spanish = sorted((real_site / "es").rglob("*.html"))
    english = [p for p in real_site.rglob("*.html") if p.relative_to(real_site).parts[0] != "es"]
    assert len(spanish) == len(english) > 90
    for page in spanish:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="es">' in html, page
        assert "untranslated-note" not in html, page
    for page in sorted((real_site / "es/events").rglob("index.html")):
        leftovers = ENGLISH_WORDS.findall(spanish_text(page.read_text(encoding="utf-8")))
        assert leftovers == [], (page, leftovers)


def test_the_english_word_check_finds_english_that_is_not_marked():
    assert ENGLISH_WORDS.findall(spanish_text("<body><p>Hombres armados and the police</p></body>")) == ["and", "the"]
    assert spanish_text('<body><p>Según <cite lang="en">the wire</cite> y The Defense Post</p></body>').split() == \
        ["Según", "y"]


def test_the_catalog_translates_every_message_of_the_interface():
    catalog = read_po(open(PROJECT / "locales/es/LC_MESSAGES/messages.po", "rb"), locale="es")
    method_map = [("generator/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.xml", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}, "templates/**.xml": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Column": (2,)}
    wanted = set()
    for _, _, message, _, _ in extract_from_dir(PROJECT, method_map, options, keywords):
        wanted.add(message if isinstance(message, str) else message[0])
    assert len(wanted) > 140
    missing = sorted(m for m in wanted if m not in catalog or not catalog[m].string)
    assert missing == [], "run ./dev messages and translate the new messages in locales/es/"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        placeholders = set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", string)) <= placeholders | {"%(num)d"}, message.id
            assert set(re.findall(r"</?\w+", string)) == set(re.findall(r"</?\w+", ids[0])), message.id


def test_a_translators_save_reaches_rebuilds_and_the_preview(tmp_path, monkeypatch):
    from generator import cache, render
    locales = tmp_path / "locales"
    catalog_file = locales / "es/LC_MESSAGES/messages.po"
    catalog_file.parent.mkdir(parents=True)
    catalog_file.write_text('msgid "Sources"\nmsgstr "Fuentes"\n', encoding="utf-8")
    monkeypatch.setattr(cache, "LOCALES_DIR", locales)
    monkeypatch.setattr(render, "LOCALES_DIR", locales)
    signature = cache.code_signature(PROJECT / "templates", PROJECT / "static", ())
    assert render.catalog("es").gettext("Sources") == "Fuentes"
    catalog_file.write_text('msgid "Sources"\nmsgstr "Las fuentes"\n', encoding="utf-8")
    assert render.catalog("es").gettext("Sources") == "Las fuentes"  # read again, not remembered
    assert cache.code_signature(PROJECT / "templates", PROJECT / "static", ()) != signature  # re-rendered
