"""Every validation rule, with the exact message an editor sees."""

import pytest

from generator.build import check
from conftest import write_files

TAKEOVER = "events/2024-01-09-tc-television-takeover.yaml"


def problems_after(content, files):
    write_files(content, files)
    graph, diagnostics = check(content)
    return graph, [p.format().replace(str(content.parent) + "/", "") for p in diagnostics.sorted()]


def only_error(content, files):
    graph, problems = problems_after(content, files)
    assert graph is None
    assert len(problems) == 1, problems
    return problems[0]


def event(**fields):
    base = {"title": "Something happened", "date": "2024-01-09", "summary": "What happened [@cnn-2024-01-25-terror].",
            "sources": "[cnn-2024-01-25-terror]"}
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items() if value is not None)


def test_the_small_content_is_valid(content):
    graph, problems = problems_after(content, {})
    assert problems == []
    assert graph is not None and len(graph.entries) == 3


@pytest.mark.parametrize("fields, expected", [
    ({"title": None}, "1:1: error: the required field 'title' is missing\n    hint: add 'title:' (a headline in our own words)"),
    ({"sources": None}, "1:1: error: the required field 'sources' is missing\n    hint: add 'sources:' (at least one source)"),
    ({"sources": "[]"}, "4:10: error: an event needs at least one source\n    hint: add '- source: <id>' naming a file in content/sources/"),
    ({"date": "2024-02-30"}, "2:7: error: date: '2024-02-30' is not a real calendar date\n    hint: February 2024 has no day 30"),
    ({"end_date": "2024-01-01"}, "5:11: error: end_date 2024-01-01 is before date 2024-01-09\n    hint: swap them, or correct the end date"),
    ({"importance": "big"}, "5:13: error: importance: 'big' is not allowed here; use one of: major, notable, minor\n"
                            "    hint: write one of the words listed, exactly as shown"),
    ({"importance": "majr"}, "5:13: error: importance: 'majr' is not allowed here; use one of: major, notable, minor\n"
                             "    hint: did you mean 'major'?"),
    ({"importance": "Notable"}, "5:13: error: importance: 'Notable' is not allowed here; use one of: major, notable, "
                                "minor\n    hint: did you mean 'notable'?"),
    ({"approximate": "yes please"}, "5:14: error: approximate: expected true or false, found text\n"
                                    "    hint: write true or false, without quotes"),
    ({"draft": "'true'"}, "5:8: error: draft: expected true or false, found text\n"
                          "    hint: write true or false, without quotes"),
    ({"titel": "Typo"}, "5:1: error: unknown field 'titel' in event '2024-01-09-x'\n    hint: did you mean 'title'?"),
    ({"actor": "[daniel-noboa]"}, "5:1: error: unknown field 'actor' in event '2024-01-09-x'\n"
                                  "    hint: did you mean 'actors'?"),
    ({"colour": "red"}, "5:1: error: unknown field 'colour' in event '2024-01-09-x'\n    hint: the fields are: title, "
                        "date, end_date, approximate, place, actors, topics, importance, draft, summary, sources, disputed, corrections"),
    ({"title": "12"}, "1:8: error: title: expected text, found a number (12)\n    hint: put the text in quotes"),
    ({"title": '"Red \\x1b[31m alert"'}, "1:8: error: title: the text holds an invisible control character (U+001B)\n"
                                       "    hint: remove the escape in quotes (such as \\x1b or \\u0007) that writes it"),
    ({"actors": "daniel-noboa"}, "5:9: error: actors: expected a list, found text\n    hint: write a list: [daniel-noboa]"),
    ({"actors": "[Daniel Noboa]"}, "5:10: error: actors: 'Daniel Noboa' is not a record id\n    hint: ids are file names without .yaml: lower-case letters, digits and hyphens"),
    ({"actors": '["daniel-noboa\\n"]'}, "5:10: error: actors: 'daniel-noboa\n' is not a record id\n    hint: ids are file names without .yaml: lower-case letters, digits and hyphens"),
    ({"actors": "[daniel-noboa, daniel-noboa]"}, "5:24: error: actors: 'daniel-noboa' is listed twice\n    hint: remove the repeated item"),
    ({"topics": "[attacks-on-media, attacks-on-media]"}, "5:28: error: topics: 'attacks-on-media' is listed twice\n"
                                                         "    hint: remove the repeated item"),
    ({"date": "2024-01-10"}, "2:7: error: the file name starts with 2024-01-09 but date is 2024-01-10\n    hint: rename the file to start with 2024-01-10-, or correct the date"),
    ({"date": "2024-01"}, "2:7: error: the file name starts with 2024-01-09 but date is 2024-01\n"
                          "    hint: rename the file to start with 2024-01-, or correct the date"),
    ({"sources": "[{source: cnn-2024-01-25-terror, nott: x}]"}, "4:43: error: sources: unknown field 'nott' in a source entry\n    hint: did you mean 'note'?"),
    ({"sources": "[cnn-2024-01-25-terror, {source: cnn-2024-01-25-terror}]"}, "4:34: error: sources: the source 'cnn-2024-01-25-terror' is cited twice\n    hint: cite each source once; put what it supports in one 'note'"),
])
def test_event_rules(content, fields, expected):
    message = only_error(content, {"events/2024-01-09-x.yaml": event(**fields)})
    assert message == "content/events/2024-01-09-x.yaml:" + expected


@pytest.mark.parametrize("name, text, expected", [
    ("sources/bad-url.yaml", "title: T\npublisher: P\npublished: 2024-01\nurl: javascript:alert(1)\n",
     "content/sources/bad-url.yaml:4:6: error: url: 'javascript:alert(1)' is not a web address\n"
     "    hint: addresses start with https:// or http://; leave the field out if it is not known"),
    ("sources/no-date.yaml", "title: T\npublisher: P\n",
     "content/sources/no-date.yaml:1:1: error: the required field 'published' is missing\n    hint: add 'published:' (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("places/north-pole.yaml", "name: Pole\nlatitude: 91\n",
     "content/places/north-pole.yaml:2:11: error: latitude: 91 is outside -90 to 90"),
    ("actors/someone.yaml", "name: Someone\nkind: gang\n",
     "content/actors/someone.yaml:2:7: error: kind: 'gang' is not allowed here; use one of: person, criminal-group, "
     "government, security-force, institution, media, country, international-body\n"
     "    hint: write one of the words listed, exactly as shown"),
    ("actors/someone.yaml", "name: Someone\nkind: persn\n",
     "content/actors/someone.yaml:2:7: error: kind: 'persn' is not allowed here; use one of: person, criminal-group, "
     "government, security-force, institution, media, country, international-body\n"
     "    hint: did you mean 'person'?"),
    ("actors/someone.yaml", "nmae: Someone\nkind: person\n",
     "content/actors/someone.yaml:1:1: error: unknown field 'nmae' in actor 'someone'\n"
     "    hint: did you mean 'name'?"),
    ("actors/someone.yaml", "name: Someone\nkind: person\naliases: [Sam, Sam]\n",
     "content/actors/someone.yaml:3:16: error: aliases: 'Sam' is listed twice\n    hint: remove the repeated item"),
    ("actors/someone.yaml", "name: Someone\nkind: person\nsources: [cnn-2024-01-25-terror, cnn-2024-01-25-terror]\n",
     "content/actors/someone.yaml:3:34: error: sources: the source 'cnn-2024-01-25-terror' is cited twice\n"
     "    hint: cite each source once; put what it supports in one 'note'"),
    ("events/2024-01-curfew.yaml", "title: Curfew\ndate: 2024-01-09\nplace: ecuador\nsummary: S\n"
                                   "sources: [cnn-2024-01-25-terror]\n",
     "content/events/2024-01-curfew.yaml:2:7: error: the file name starts with 2024-01 but date is 2024-01-09\n"
     "    hint: rename the file to start with 2024-01-09-, or correct the date"),
    ("events/2024-01-09-list.yaml", "- title: A list, not fields\n",
     "content/events/2024-01-09-list.yaml:1:1: error: expected fields (key: value pairs), found a list\n"
     "    hint: an event file holds fields such as: title, date, summary, sources"),
    ("actors/just-text.yaml", "Daniel Noboa, president\n",
     "content/actors/just-text.yaml:1:1: error: expected fields (key: value pairs), found text\n"
     "    hint: an actor file holds fields such as: name, kind, role, aliases"),
    ("actors/Daniel_Noboa.yaml", "name: Daniel Noboa\nkind: person\n",
     "content/actors/Daniel_Noboa.yaml:1:1: error: the file name 'Daniel_Noboa' cannot be an id\n"
     "    hint: use lower-case letters, digits and hyphens only, for example 'daniel-noboa'"),
    ("topics/list.yaml", "- a\n- b\n",
     "content/topics/list.yaml:1:1: error: expected fields (key: value pairs), found a list\n"
     "    hint: a topic file holds fields such as: name, summary, sources"),
    ("pages/events.md", "---\ntitle: Events\n---\nText\n",
     "content/pages/events.md:1:1: error: the page name 'events' is taken by the site's own pages\n"
     "    hint: rename the file, for example to about.md or methodology.md"),
])
def test_registry_rules(content, name, text, expected):
    _, problems = problems_after(content, {name: text})
    assert expected in problems


def test_site_settings_are_checked(content):
    graph, problems = problems_after(content, {
        "site.yaml": "title: T\ndescription: D\nbase_url: example.org\ntime_zone: Mars/Olympus\n"})
    assert graph is None
    assert problems == [
        "content/site.yaml:3:11: error: base_url: 'example.org' is not a web address\n"
        "    hint: addresses start with https:// or http://; leave the field out if it is not known",
        "content/site.yaml:4:12: error: time_zone: 'Mars/Olympus' is not a known time zone\n"
        "    hint: use a name such as America/Guayaquil or UTC",
    ]


def test_every_error_in_every_file_is_reported_at_once(content):
    _, problems = problems_after(content, {
        "events/2024-01-09-a.yaml": event(date="2024-02-31"),
        "events/2024-01-09-b.yaml": event(colour="red"),
        "actors/x.yaml": "name: X\n",
    })
    errors = [p for p in problems if ": error: " in p]
    assert len(errors) == 3
    assert [p.split(":")[0] for p in errors] == ["content/actors/x.yaml", "content/events/2024-01-09-a.yaml",
                                                  "content/events/2024-01-09-b.yaml"]


def test_the_markdown_read_ahead_is_the_markdown_the_records_keep(content):
    """A build starts converting Markdown from the files as read, while the records are checked:
    the texts it guesses must be the very texts the checked records show, in every language."""
    from conftest import REAL_CONTENT
    from generator import editions, history, load, model, timeline
    from generator.diagnostics import Diagnostics

    read_ahead = {}
    for folder in (REAL_CONTENT, content):
        diagnostics = Diagnostics()
        raw = load.load_content(folder, diagnostics)
        ahead = set(model.markdown_texts(raw))
        graph = timeline.assemble(model.validate(raw, diagnostics, history=history.read(folder)), diagnostics)
        shown = {text for book in editions.editions(graph) for text in
                 [entry.event.summary for entry in book.timeline.entries]
                 + [record.summary for group in (book.timeline.actors, book.timeline.topics)
                    for record in group.values() if record.summary]
                 + [page.body for page in book.timeline.pages.values()]}
        assert shown and shown <= ahead
        read_ahead[folder] = ahead
    assert any("Estados Unidos" in text for text in read_ahead[REAL_CONTENT])  # a translation's

    # a summary that is not text is left to the checks, which report it
    write_files(content, {TAKEOVER: "title: T\ndate: 2024-01-09\nsummary: 42\nes: {summary: [a]}\nsources: []\n"})
    assert "42" not in model.markdown_texts(load.load_content(content, Diagnostics()))
