"""Figures: the numbers sources report, each value with its source, as accessible SVG charts on
the figures page and on their topics' pages; the mistakes an editor can make in them."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from lxml import etree, html

from conftest import REAL_CONTENT, write_files
from generator import charts
from generator.build import build, check
from generator.dates import PartialDate
from generator.model import Figure, Source, Value

FIGURE = "figures/detentions.yaml"
DETENTIONS = """
    title: People detained since 9 January 2024
    unit: people
    description: Arrests counted from the declaration of the internal armed conflict.
    topics: [attacks-on-media]
    values:
      - date: 2024-01-23
        value: 3219
        source: ap-2024-01-10-tv-station
        note: the government's tally
      - date: 2024-01-23
        value: 3000
        qualifier: more-than
        source: cnn-2024-01-25-terror
        note: the president's number
      - date: 2024-01-09
        value: 32
        to: 39
        source: ap-2024-01-10-tv-station
    es:
      title: Personas detenidas desde el 9 de enero de 2024
      unit: personas
      description: Detenciones desde la declaratoria del conflicto armado interno.
      notes:
        - el recuento del Gobierno
        - la cifra del presidente
    """


def problems(content: Path, about: str = "content/figures/") -> list[str]:
    """The problems reported about the files under `about` (the small content's own records are
    not all translated into Spanish, which these tests turn on)."""
    _, diagnostics = check(content)
    found = [p.format().replace(str(content.parent) + "/", "") for p in diagnostics.sorted()]
    return [problem for problem in found if problem.startswith(about)]


def with_figure(content: Path, text: str = DETENTIONS, name: str = FIGURE) -> Path:
    """The content with this figure, and published in Spanish too (the figure has an es: block)."""
    site = (content / "site.yaml").read_text(encoding="utf-8")
    if "translations:" not in site:
        write_files(content, {"site.yaml": site + "translations: [es]\n"})
    return write_files(content, {name: text})


def parsed(site: Path, path: str):
    return html.fromstring((site / path).read_bytes())


def figure_element(page, figure_id: str):
    found = page.xpath(f"//figure[@id='figure-{figure_id}']")
    assert len(found) == 1, figure_id
    return found[0]


# --- Layout --------------------------------------------------------------------------------------

def source(source_id: str, publisher: str) -> Source:
    return Source(source_id, f"{source_id}.yaml", "A headline", publisher, PartialDate(2024, 1, 25))


def test_bars_are_in_date_order_and_in_proportion_from_zero():
    sources = {"a": source("a", "AP"), "b": source("b", "Spanish-language wire service (translated)")}
    figure = Figure("rate", "rate.yaml", "Homicide rate", "per 100,000", (
        Value(PartialDate(2024), 38, "a"), Value(PartialDate(2018), 6, "a"), Value(PartialDate(2023), 47, "b"),
        Value(PartialDate(2024, 1), 32, "a", to=39), Value(PartialDate(2024, 1, 9), 47, "b")))
    chart = charts.lay_out(figure, sources)
    assert [str(bar.value.date) for bar in chart.bars] == ["2018", "2023", "2024-01-09", "2024-01", "2024"]
    widths = {bar.value.date.iso: bar.width for bar in chart.bars}
    assert widths["2023"] == charts.LONGEST_BAR  # the largest value fills the longest bar
    assert widths["2018"] == pytest.approx(charts.LONGEST_BAR * 6 / 47, abs=0.001)
    ranged = next(bar for bar in chart.bars if bar.value.to)
    assert ranged.range_width == pytest.approx(charts.LONGEST_BAR * 7 / 47, abs=0.001)
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)  # no row over another
    long_name = [bar for bar in chart.bars if bar.source.id == "b"]
    assert all(bar.source_below for bar in long_name)  # a long name gets its own line on a phone
    assert chart.height == sum(bar.height for bar in chart.bars) + 4
    assert [s.id for s in chart.sources] == ["a", "b"]


def test_values_of_one_date_from_two_sources_are_both_kept_side_by_side():
    sources = {"a": source("a", "El Diario"), "b": source("b", "CNN")}
    figure = Figure("held", "held.yaml", "Detained", "people", (
        Value(PartialDate(2024, 1, 23), 158, "a"), Value(PartialDate(2024, 1, 23), 200, "b", qualifier="fewer-than")))
    chart = charts.lay_out(figure, sources)
    assert [(bar.source.id, bar.value.value, bar.shared_date) for bar in chart.bars] == [
        ("a", 158, True), ("b", 200, True)]


# --- The real content -------------------------------------------------------------------------------

def real_figures() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((REAL_CONTENT / "figures").glob("*.yaml"))}


def test_every_plotted_value_traces_to_a_source_record(real_site):
    """Each bar of each chart is a row of its table, and each row links to a source that the
    sources page lists: the record the figure's YAML names for that value."""
    figures = real_figures()
    assert len(figures) >= 5
    page = parsed(real_site, "figures/index.html")
    listed = set(parsed(real_site, "sources/index.html").xpath("//ol[@class='source-list']/li/@id"))
    for figure_id, data in figures.items():
        element = figure_element(page, figure_id)
        rows = element.xpath(".//table//tbody/tr")
        bars = element.xpath(".//svg//rect[contains(@class, 'figure-bar')]")
        assert len(rows) == len(bars) == len(data["values"]), figure_id
        cited = [row.xpath("string(.//td[2]//a/@href)").rpartition("#")[2] for row in rows]
        assert set(cited) <= listed
        assert sorted(cited) == sorted(value["source"] for value in data["values"])
        for value in data["values"]:
            assert (REAL_CONTENT / "sources" / f"{value['source']}.yaml").is_file()
    sources = parsed(real_site, "sources/index.html")  # and back: a source lists the figures it supports
    assert sources.xpath("//li[@id='defensepost-2025-02-20-allied-special-forces']//p[@class='source-figures']"
                         "/a[normalize-space()='Homicide rate']/@href") == ["/figures/#figure-homicide-rate"]


def test_the_real_figures_state_what_their_sources_state(real_site):
    """A few values checked against the articles: the homicide rate the Defense Post reports, and
    the two counts of detainees side by side, each with its own source."""
    page = parsed(real_site, "figures/index.html")
    rate = figure_element(page, "homicide-rate")
    assert [(row.xpath("string(th)"), row.xpath("string(td[1])")) for row in rate.xpath(".//tbody/tr")] == [
        ("2018", "6"), ("2023", "47"), ("2024", "38")]
    detained = figure_element(page, "people-detained-since-9-january-2024")
    rows = [(row.xpath("string(th)"), row.xpath("string(td[1])"), row.xpath("string(td[2]/a)"))
            for row in detained.xpath(".//tbody/tr")]
    assert rows == [("23 January 2024", "3,219", "El Diario (Ecuador)"), ("January 2024", "more than 3,000", "CNN")]


def test_each_chart_is_well_formed_svg_with_a_title_and_a_description(real_site):
    page = parsed(real_site, "figures/index.html")
    svgs = page.xpath("//figure[@class='figure']//svg")
    assert len(svgs) == len(real_figures())
    for svg in svgs:
        markup = html.tostring(svg, encoding="unicode").replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        root = etree.fromstring(markup.encode())  # well-formed XML, as an SVG file must be
        ns = {"s": "http://www.w3.org/2000/svg"}
        title, desc = root.find("s:title", ns), root.find("s:desc", ns)
        assert list(root)[:2] == [title, desc]
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text.strip() and desc.text.strip()
        bars = [rect for rect in root.iterfind(".//s:rect", ns) if "figure-bar" in rect.get("class").split()]
        assert desc.text.count(";") == len(bars) - 1  # the description names every value


def test_topic_pages_show_their_figures_and_the_nav_leads_to_all(real_site):
    topic = parsed(real_site, "topics/arrests-and-detentions/index.html")
    shown = topic.xpath("//section[@class='figures']//figure/@id")
    expected = sorted(f"figure-{i}" for i, data in real_figures().items()
                      if "arrests-and-detentions" in data.get("topics", []))
    assert sorted(shown) == expected and expected
    assert topic.xpath("//section[@class='figures']//h3")  # under the section's own heading
    assert topic.xpath("//nav[@class='site-nav']//a[normalize-space()='Figures']/@href") == ["/figures/"]
    assert parsed(real_site, "es/figures/index.html").xpath("string(//h1)") == "Cifras"


# --- Built from small content ---------------------------------------------------------------------

def test_a_figure_is_shown_in_words_as_exact_as_its_source(content, tmp_path):
    out = tmp_path / "site"
    build(with_figure(content), out)
    figure = figure_element(parsed(out, "figures/index.html"), "detentions")
    rows = [[" ".join(text.strip() for text in cell.itertext() if text.strip()) for cell in row.xpath("th|td")]
            for row in figure.xpath(".//tbody/tr")]
    assert rows == [["9 January 2024", "32 to 39", "AP"],
                    ["23 January 2024", "3,219", "AP the government's tally"],
                    ["23 January 2024", "more than 3,000", "CNN the president's number"]]
    assert figure.xpath("string(.//p[@class='figure-credit'])").split() == [
        "Sources:", "AP", "(10", "January", "2024),", "CNN", "(25", "January", "2024)."]
    assert figure.xpath("string(.//svg/desc)") == (
        "9 January 2024: 32 to 39 (AP); 23 January 2024: 3,219 (AP); 23 January 2024: more than 3,000 (CNN).")
    assert figure.xpath(".//svg//rect[@class='figure-range']")  # the range drawn beyond its low end
    assert len(figure.xpath(".//svg//rect[@class='figure-bar figure-inexact']")) == 1  # "more than": drawn lighter
    topic = parsed(out, "topics/attacks-on-media/index.html")
    assert topic.xpath("//figure[@id='figure-detentions']//h3")
    spanish = figure_element(parsed(out, "es/figures/index.html"), "detentions")
    assert [row.xpath("string(td[1])") for row in spanish.xpath(".//tbody/tr")] == ["32 a 39", "3.219", "más de 3.000"]
    assert spanish.xpath("string(.//h2)") == "Personas detenidas desde el 9 de enero de 2024"
    assert "el recuento del Gobierno" in spanish.xpath("string(.//tbody)")


def test_a_site_without_figures_has_no_figures_page_or_link(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    assert not (out / "figures").exists()
    assert "figures/" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_shows_a_changed_figure_on_its_topic_page(content, tmp_path):
    out = tmp_path / "site"
    build(with_figure(content), out)
    with_figure(content, DETENTIONS.replace("value: 3219", "value: 3291"))
    build(content, out)
    for page in ("topics/attacks-on-media/index.html", "figures/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "3,291" in text and "3,219" not in text, page


# --- An editor's mistakes ------------------------------------------------------------------------------

@pytest.mark.parametrize("change, expected", [
    (("value: 3219", 'value: "3,219"'),
     "content/figures/detentions.yaml:7:12: error: values: expected a number, found the text '3,219'\n"
     "    hint: write the number without quotes or thousands separators, such as 3219 or 55.6"),
    (("value: 3219", "value: -5"),
     "content/figures/detentions.yaml:7:12: error: values: -5 is below zero\n"
     "    hint: figures are counts, amounts or rates: zero or more"),
    (("qualifier: more-than", "qualifier: more than"),
     "content/figures/detentions.yaml:12:16: error: values: 'more than' is not allowed here; use one of: "
     "about, nearly, at-least, more-than, fewer-than\n    hint: did you mean 'more-than'?"),
    (("to: 39", "to: 30"),
     "content/figures/detentions.yaml:17:9: error: values: the range's top (30) is not above its value (32)\n"
     "    hint: 'value' is the low end of a range and 'to' the high end; for one number, remove 'to'"),
    (("    source: cnn-2024-01-25-terror\n", "    sorce: cnn-2024-01-25-terror\n"),
     "content/figures/detentions.yaml:13:5: error: values: unknown field 'sorce' in a value\n"
     "    hint: did you mean 'source'?"),
    (("  - date: 2024-01-09\n", "  - date: 2024-01-23\n"),
     "content/figures/detentions.yaml:15:5: error: values: the source 'ap-2024-01-10-tv-station' gives a value "
     "for 2024-01-23 twice (values 1 and 3)\n    hint: keep one value per source and date; for a range, write "
     "'value:' and 'to:'"),
])
def test_a_mistake_in_a_value_names_its_line_and_how_to_fix_it(content, change, expected):
    text = textwrap.dedent(DETENTIONS).replace(*change)
    assert problems(with_figure(content, text)) == [expected]


def test_an_unknown_source_or_topic_is_an_error_with_a_suggestion(content):
    text = textwrap.dedent(DETENTIONS).replace("source: cnn-2024-01-25-terror", "source: cnn-2024-01-25-teror")
    text = text.replace("topics: [attacks-on-media]", "topics: [attacks-on-the-media]")
    assert problems(with_figure(content, text)) == [
        "content/figures/detentions.yaml:4:10: error: unknown topic 'attacks-on-the-media'\n"
        "    hint: did you mean 'attacks-on-media'?",
        "content/figures/detentions.yaml:13:13: error: unknown source 'cnn-2024-01-25-teror'\n"
        "    hint: did you mean 'cnn-2024-01-25-terror'?"]


def test_a_figure_needs_values_and_a_unit(content):
    text = "title: Arrests\nvalues: []\n"
    assert [p for p in problems(with_figure(content, text)) if ": error:" in p] == [
        "content/figures/detentions.yaml:1:1: error: the required field 'unit' is missing\n"
        "    hint: add 'unit:' (what the numbers count, shown after each: 'per 100,000 inhabitants', 'people')",
        "content/figures/detentions.yaml:2:9: error: values: a figure needs at least one value\n"
        "    hint: write each value as '- date: YYYY' with 'value:' and 'source:' under it"]


def test_translated_notes_are_checked_against_the_values_that_have_notes(content):
    extra = textwrap.dedent(DETENTIONS) + "    - una nota de más\n"
    assert problems(with_figure(content, extra)) == [
        "content/figures/detentions.yaml:26:7: error: es.notes: there are 3 here but 2 values with a 'note:'\n"
        "    hint: translate each value's note once, in the order of the values; remove the extra ones"]
    fewer = textwrap.dedent(DETENTIONS).replace("    - la cifra del presidente\n", "")
    found = problems(with_figure(content, fewer))
    assert any("warning: not yet translated into Spanish (es): notes" in problem for problem in found), found


def test_a_source_only_a_figure_cites_is_not_reported_as_unused(content):
    write_files(content, {"sources/eldiario-2024-01.yaml": "title: Noboa a Maduro\npublisher: El Diario\n"
                                                           "published: 2024-01\nurl: https://example.org/eldiario\n"})
    assert any("nothing refers to the source 'eldiario-2024-01'" in p for p in problems(content, ""))
    text = textwrap.dedent(DETENTIONS).replace("source: cnn-2024-01-25-terror", "source: eldiario-2024-01")
    assert not any("eldiario" in p for p in problems(with_figure(content, text), ""))


def test_the_json_schema_for_editors_accepts_the_real_figures():
    import jsonschema
    from generator import load, schema
    from generator.diagnostics import Diagnostics
    validator = jsonschema.Draft7Validator(schema.schemas()["figure"])
    for path in sorted((REAL_CONTENT / "figures").glob("*.yaml")):
        record = load.load_yaml_file(path, "figure", path.stem, path.name, Diagnostics())  # as editors' tools read it
        assert list(validator.iter_errors(record.data)) == [], path.name
    bad = dict(real_figures()["homicide-rate"], values=[{"date": 2023, "value": "47"}])
    assert list(validator.iter_errors(bad))


def test_the_open_data_carries_every_figure_value_with_its_source(real_site):
    document = json.loads((real_site / "data" / "figures.json").read_text(encoding="utf-8"))
    by_id = {figure["id"]: figure for figure in document["figures"]}
    for figure_id, data in real_figures().items():
        values = by_id[figure_id]["values"]
        assert [(value["date"], value["value"], value["qualifier"], value["source"]["id"]) for value in values] == [
            (str(value["date"]), value["value"], value.get("qualifier"), value["source"]) for value in data["values"]]
        assert by_id[figure_id]["translations"]["es"]["title"] == data["es"]["title"]
    homicides = by_id["homicide-rate"]["values"][0]
    assert homicides["date_precision"] == "year" and isinstance(homicides["value"], int)
    assert homicides["source"]["url"].startswith("https://thedefensepost.com/")
    assert parsed(real_site, "data/index.html").xpath("//a[code='figures.json']/@href") == ["/data/figures.json"]
