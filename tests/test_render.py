import csv
import html
import io
import json
import re

import pytest

from generator.build import build
from generator.markup import to_html
from generator.opendata import spreadsheet_safe
from generator.render import fingerprint
from conftest import write_files


def test_markdown_is_sanitised():
    html = to_html("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1)) "
                   "[b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](//evil.example) [e](https://ok.example/) "
                   "[f](mailto:desk@example.org) **bold**")
    assert "<script" not in html and "<img" not in html and "javascript" not in html.lower()
    assert "data:" not in html and "//evil.example" not in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently
    assert '<a href="https://ok.example/" rel="noopener noreferrer">e</a>' in html
    assert 'href="mailto:desk@example.org"' in html and "<strong>bold</strong>" in html


def test_spreadsheet_formulas_are_neutralised():
    assert spreadsheet_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert spreadsheet_safe("+1") == "'+1" and spreadsheet_safe("@SUM") == "'@SUM" and spreadsheet_safe("-2") == "'-2"
    assert spreadsheet_safe("Guayaquil") == "Guayaquil" and spreadsheet_safe(None) == ""


def test_titles_and_names_are_escaped_everywhere(content, tmp_path):
    write_files(content, {"actors/tc-television.yaml": "name: \"<script>alert('x')</script>\"\nkind: media\n"})
    out = tmp_path / "site"
    build(content, out)
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml"):
            assert "<script>alert" not in path.read_text(), path


def test_data_files_describe_every_event(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    data = json.loads((out / "data/events.json").read_text())
    first = data["events"][0]
    assert first["id"] == "2024-01-09-tc-television-takeover" and first["date_precision"] == "day"
    assert first["place"]["name"] == "Guayaquil" and first["actors"][0]["name"] == "TC Televisión"
    assert data["events"][2]["date"] == "2024-01" and data["events"][2]["date_precision"] == "month"
    rows = list(csv.DictReader(io.StringIO((out / "data/events.csv").read_text())))
    assert [r["event_date"] for r in rows] == ["2024-01-09", "2024-01-17", "2024-01"]
    assert rows[0]["latitude"] == "-2.19" and rows[0]["sources"].startswith("AP: Armed men break into")


def test_assets_are_named_by_their_bytes_so_a_change_gets_a_new_address():
    first = fingerprint({"style.css": b"a"})["style.css"][0]
    assert re.fullmatch(r"style\.[0-9a-f]{10}\.css", first)
    assert first != fingerprint({"style.css": b"b"})["style.css"][0]
    assert re.fullmatch(r"icons/logo\.[0-9a-f]{10}\.svg", fingerprint({"icons/logo.svg": b"<svg/>"})["icons/logo.svg"][0])


def test_links_follow_the_base_url_path(content, tmp_path):
    out = tmp_path / "site"
    build(content, out, base_url="https://example.org/ecuador-timeline/")
    home = (out / "index.html").read_text()
    assert 'href="/ecuador-timeline/events/2024-01-09-tc-television-takeover/"' in home
    stylesheet = re.search(r'<link rel="stylesheet" href="/ecuador-timeline/static/(style\.[0-9a-f]{10}\.css)">', home)
    assert stylesheet and (out / "static" / stylesheet[1]).is_file()
    assert '<li><a href="/ecuador-timeline/about/">About</a></li>' in home  # the page's menu label
    assert '<link rel="canonical" href="https://example.org/ecuador-timeline/">' in home
    assert "<loc>https://example.org/ecuador-timeline/actors/</loc>" in (out / "sitemap.xml").read_text()


def test_dates_show_their_precision_and_approximation(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    month = (out / "events/2024-01-internal-armed-conflict/index.html").read_text()
    assert '<time datetime="2024-01">January 2024</time>' in month
    assert "1 January 2024" not in month
    approx = (out / "events/2024-01-17-prosecutor-killed/index.html").read_text()
    assert '<time datetime="2024-01-17">17 January 2024</time> <span class="approx">(approximate date)</span>' in approx


def test_event_page_lists_sources_with_and_without_addresses(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    page = (out / "events/2024-01-09-tc-television-takeover/index.html").read_text()
    assert '<a href="https://example.org/ap/tv-station" rel="noopener noreferrer"><cite>Armed men break into Ecuador TV station</cite></a>' in page
    assert "Supports: the takeover and the arrests" in page
    other = (out / "events/2024-01-17-prosecutor-killed/index.html").read_text()
    assert "<cite>Terror grips the streets of Ecuador</cite>" in other and "(no link available)" not in other
    assert '(<a href="https://example.org/archive/cnn-terror" rel="noopener noreferrer">archived copy</a>)' in other


def test_timeline_teasers_are_short_plain_text_cut_at_a_sentence():
    from generator.markup import excerpt
    long = "First sentence has **bold** words and a [link](https://x.example/). " + "More words here. " * 20
    teaser = excerpt(long)
    assert "<" not in teaser and "**" not in teaser and "First sentence has bold words" in teaser
    assert teaser.endswith(".") and len(teaser.split()) <= 45
    assert excerpt("One paragraph.\n\nSecond paragraph.") == "One paragraph."
    assert excerpt(" ".join(["word"] * 60)).endswith("word…")
    # a reference link defined further down is a link in the teaser too, not its brackets
    assert excerpt("The [ministry][m] said so.\n\nMore.\n\n[m]: https://x.example/") == "The ministry said so."
    # a text that opens with something other than a paragraph: its first block, as words
    assert excerpt("- first point\n- second point\n\nThen prose.") == "first point second point"
    assert excerpt("A &amp; B <i>x</i> [@src-a].\n\nMore.") == "A & B <i>x</i>."  # text, escaped by the template


@pytest.mark.parametrize("text", [
    'A [link](https://x.example/ "a title > with \\"quotes\\" and <b>") and `code <i>` & more [@src-a].',
    "<script>alert(1)</script> 1 < 2 > 0 &lt;b&gt; &amp;amp; &nbsp;&#39;x&#39; &copy;",
    "**bold *nested* text**\n\n> quoted\n\n| a | b |\n|---|---|\n| <c> | \"d\" |\n\n## Heading {#anchor}",
    "[a](javascript:alert(1)) [b](//evil.example) <https://x.example/?a=1&b=2> ![alt > text](https://x.example/i.png)",
    "Line one  \nline two\n\n- item [x](https://x.example/ 'single \" > quote')\n\n    indented <code>",
])
def test_plain_text_is_the_words_an_html_parser_finds(text):
    """plain_text strips the tags of the HTML that convert() made with a pattern; an HTML parser
    (nh3's, keeping no tag) must find the same words in it."""
    import nh3
    from generator import markup
    converted = markup.convert(text)
    assert markup.plain_text(text) == " ".join(html.unescape(nh3.clean(converted, tags=set())).split())


def test_the_interface_text_reads_as_with_jinja2s_own_gettext():
    """The templates' `_`, `gettext` and `ngettext` remember messages without variables, and
    messages without variables are translated as templates compile (FixedText); what they give
    must stay what Jinja2's new-style gettext gives: translated, formatted, escaped where the
    template escapes and not elsewhere."""
    import jinja2
    from generator.render import FixedText, _interface_text, catalog

    spanish = catalog("es")
    cases = {
        "page.html": "{{ _('Search') }}|{{ gettext('Search') }}|{{ _('Sources') }}|{{ _('Sources') }}"
                     "|{{ _('by %(author)s', author='<b>Ana & Co</b>') }}|{{ _('100%% sure') }}"
                     "|{{ ngettext('%(num)d source', '%(num)d sources', 1) }}"
                     "|{{ ngettext('%(num)d source', '%(num)d sources', 3) }}"
                     "|{% trans %}Search{% endtrans %}|{% trans n='<i>' %}a {{ n }} b{% endtrans %}"
                     "|{% trans %}Marked <code>draft</code>, 50% done{% endtrans %}"
                     "|<a title=\"{{ _('Tom & \"Jerry\"') }}\">{{ _('Search') ~ '<' }}</a>"
                     "|{% autoescape false %}{{ _('A & B') }}{% endautoescape %}|{{ _('%s and %%') }}"
                     "|{% set label = _('Search') %}{{ label }}|{%- trans %} Sources {% endtrans -%} |",
        "robots.txt": "{{ _('by %(author)s', author='<b>') }}|{{ _('Search') }}|{% trans %}<b>{% endtrans %}",
        "broken.html": "{{ _('needs %(x)s') }}",
    }

    def rendered(ours: bool, folded: bool = False) -> dict[str, str]:
        env = jinja2.Environment(loader=jinja2.DictLoader(cases), extensions=["jinja2.ext.i18n"] + [FixedText] * folded,
                                 autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        env.install_gettext_translations(spanish, newstyle=True)
        if ours:
            env.globals.update(_interface_text(spanish))
        if folded:
            env.interface_catalog = spanish
        with pytest.raises(KeyError):  # a message that wants a variable it is not given still fails
            env.get_template("broken.html").render()
        return {name: env.get_template(name).render() for name in cases if name != "broken.html"} | {
            "twice": env.get_template("page.html").render()}

    mine, folded, jinja2s = rendered(True), rendered(True, folded=True), rendered(False)
    assert mine == folded == jinja2s
    assert mine["page.html"].startswith("Buscar|Buscar|Fuentes|Fuentes|")
    assert "&lt;b&gt;Ana &amp; Co&lt;/b&gt;" in mine["page.html"] and "100% sure" in mine["page.html"]
    assert "Marked <code>draft</code>, 50% done" in mine["page.html"] and "{} and %" in mine["page.html"]
    assert mine["robots.txt"].endswith("<b>|Buscar|<b>")
    # and the folded templates hold the text itself, not a call for it
    env = jinja2.Environment(loader=jinja2.DictLoader(cases), extensions=["jinja2.ext.i18n", FixedText])
    env.interface_catalog = spanish
    assert "Buscar" in env.compile(cases["page.html"], raw=True)


def test_the_preview_shows_a_translators_save(content, tmp_path, monkeypatch):
    """The preview keeps templates compiled from one save to the next, and a template compiles
    with its edition's interface text: a new catalog must not be served an old compilation."""
    import shutil
    from generator import build as build_module, editions, pages, render

    locales = shutil.copytree(render.LOCALES_DIR, tmp_path / "locales")
    monkeypatch.setattr(render, "LOCALES_DIR", locales)
    write_files(content, {"site.yaml": (content / "site.yaml").read_text() + "translations: [es]\n"})
    graph, _ = build_module.check(content)
    books = editions.editions(graph)
    kept = render.CompiledTemplates()
    homes = [output for output in pages.plan_site(books) if output.template == "timeline.html"]

    def search_labels() -> list[str]:
        renderer = render.Renderer(books, build_module.TEMPLATES_DIR, build_module.STATIC_DIR, compiled=kept)
        return [re.search(r'<button type="submit">([^<]*)</button>', renderer.render(home).decode()).group(1)
                for home in homes]

    assert search_labels() == ["Search", "Buscar"]
    compiled = dict(kept.store)
    assert search_labels() == ["Search", "Buscar"] and kept.store == compiled  # nothing compiled again
    catalog = locales / "es" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(catalog.read_text().replace('msgid "Search"\nmsgstr "Buscar"', 'msgid "Search"\nmsgstr "Busca"'))
    assert search_labels() == ["Search", "Busca"]
    assert len(kept.store) == len(compiled)  # the Spanish templates compiled again, in place of the old ones
