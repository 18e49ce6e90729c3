from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings, strategies as st

from generator.build import check
from generator.dates import PartialDate
from generator.model import Citation, Event
from generator.timeline import SIMILAR_TITLES, _similar_titles, event_order
from conftest import write_files


def problems(content):
    graph, diagnostics = check(content)
    return graph, [p.format().replace(str(content.parent) + "/", "") for p in diagnostics.sorted()]


def test_unknown_references_get_did_you_mean(content):
    text = (content / "events/2024-01-09-tc-television-takeover.yaml").read_text()
    text = text.replace("actors: [tc-television]", "actors: [tc-televisoin, noboa]").replace("place: guayaquil", "place: quito")
    write_files(content, {"events/2024-01-09-tc-television-takeover.yaml": text})
    graph, found = problems(content)
    assert graph is None
    assert [p for p in found if ": error: " in p] == [
        "content/events/2024-01-09-tc-television-takeover.yaml:3:8: error: unknown place 'quito'\n"
        "    hint: create content/places/quito.yaml, or use an existing place id",
        "content/events/2024-01-09-tc-television-takeover.yaml:4:10: error: unknown actor 'tc-televisoin'\n"
        "    hint: did you mean 'tc-television'?",
        "content/events/2024-01-09-tc-television-takeover.yaml:4:25: error: unknown actor 'noboa'\n"
        "    hint: did you mean 'daniel-noboa'?",
    ]


def new_event(**fields):
    """An event of 2024-02-01 that refers to existing records, with `fields` changed."""
    base = {"title": "A new event", "date": "2024-02-01", "place": "guayaquil", "actors": "[daniel-noboa]",
            "topics": "[attacks-on-media]", "summary": "What happened [@cnn-2024-01-25-terror].", "sources": "[cnn-2024-01-25-terror]"}
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items() if value is not None)


@pytest.mark.parametrize("fields, expected", [
    ({"place": "guayaquill"}, "3:8: error: unknown place 'guayaquill'\n    hint: did you mean 'guayaquil'?"),
    ({"actors": "[daniel-noboa, los-lobos]"},
     "4:24: error: unknown actor 'los-lobos'\n    hint: create content/actors/los-lobos.yaml, or use an existing actor id"),
    ({"topics": "[attacks-on-the-media]"},
     "5:10: error: unknown topic 'attacks-on-the-media'\n    hint: did you mean 'attacks-on-media'?"),
    ({"topics": "[prisons]"},
     "5:10: error: unknown topic 'prisons'\n    hint: create content/topics/prisons.yaml, or use an existing topic id"),
    ({"summary": "What happened [@cnn-2024-01-25-terorr].", "sources": "[cnn-2024-01-25-terorr]"},
     "7:11: error: unknown source 'cnn-2024-01-25-terorr'\n    hint: did you mean 'cnn-2024-01-25-terror'?"),
    ({"summary": "What happened [@ap-2024-01-10-tv-station; @ap-2024-01-10-tv].",
      "sources": "\n  - source: ap-2024-01-10-tv-station\n  - source: ap-2024-01-10-tv\n    note: the raid"},
     "9:13: error: unknown source 'ap-2024-01-10-tv'\n    hint: did you mean 'ap-2024-01-10-tv-station'?"),
])
def test_every_kind_of_unknown_reference_is_named_where_it_is_written(content, fields, expected):
    write_files(content, {"events/2024-02-01-new.yaml": new_event(**fields)})
    graph, found = problems(content)
    assert graph is None
    assert found == ["content/events/2024-02-01-new.yaml:" + expected]


def test_unknown_source_of_an_actor(content):
    write_files(content, {"actors/daniel-noboa.yaml": "name: Daniel Noboa\nkind: person\nsources: [cnn-2024-01-25-teror]\n"})
    _, found = problems(content)
    assert found[0] == ("content/actors/daniel-noboa.yaml:3:11: error: unknown source 'cnn-2024-01-25-teror'\n"
                        "    hint: did you mean 'cnn-2024-01-25-terror'?")


def test_records_nothing_refers_to_are_warnings_not_errors(content):
    write_files(content, {"topics/unused.yaml": "name: Unused\n"})
    graph, found = problems(content)
    assert graph is not None
    assert found == ["content/topics/unused.yaml:1:1: warning: nothing refers to the topic 'unused'\n"
                     "    hint: link it from an event's or figure's 'topics:', or delete the file"]
    strict_graph, _ = check(content, strict=True)
    assert strict_graph is None


@pytest.mark.parametrize("name, text, expected", [
    ("actors/los-lobos.yaml", "name: Los Lobos\nkind: criminal-group\n",
     "content/actors/los-lobos.yaml:1:1: warning: nothing refers to the actor 'los-lobos'\n"
     "    hint: link it from an event's 'actors:', or delete the file"),
    ("places/quito.yaml", "name: Quito\n",
     "content/places/quito.yaml:1:1: warning: nothing refers to the place 'quito'\n"
     "    hint: link it from an event's 'place:', or delete the file"),
    ("sources/ap-2024-01-11.yaml", "title: T\npublisher: AP\npublished: 2024-01-11\nurl: https://example.org/ap/11\n",
     "content/sources/ap-2024-01-11.yaml:1:1: warning: nothing refers to the source 'ap-2024-01-11'\n"
     "    hint: link it from an event's, actor's, topic's or figure's 'sources:', or delete the file"),
    ("topics/prisons.yaml", "name: Prisons\n",
     "content/topics/prisons.yaml:1:1: warning: nothing refers to the topic 'prisons'\n"
     "    hint: link it from an event's or figure's 'topics:', or delete the file"),
])
def test_every_kind_of_record_nothing_refers_to_is_a_warning(content, name, text, expected):
    write_files(content, {name: text})
    graph, found = problems(content)
    assert graph is not None
    assert found == [expected]


def test_a_source_cited_only_by_an_actor_is_referenced(content):
    write_files(content, {"actors/daniel-noboa.yaml": "name: Daniel Noboa\nkind: person\n"
                                                      "sources: [cnn-2024-01-25-terror, ap-2024-01-11]\n",
                          "sources/ap-2024-01-11.yaml": "title: T\npublisher: AP\npublished: 2024-01-11\nurl: https://example.org/ap/11\n"})
    graph, found = problems(content)
    assert graph is not None and found == []


def make(event_id, date):
    return Event(id=event_id, file="", title=event_id, date=PartialDate.parse(date), summary="s",
                 citations=(Citation("s"),))


def test_order_mixes_precisions_by_the_documented_rule():
    events = [make("b-month", "2024-01"), make("a-month", "2024-01"), make("late-day", "2024-01-31"),
              make("year", "2024"), make("early-day", "2024-01-02"), make("feb", "2024-02-01"),
              make("same-day-b", "2024-01-09"), make("same-day-a", "2024-01-09")]
    ordered = [e.id for e in sorted(events, key=event_order)]
    assert ordered == ["early-day", "same-day-a", "same-day-b", "late-day", "a-month", "b-month", "feb", "year"]


def test_indexes_and_neighbours(content):
    graph, _ = problems(content)
    ids = [e.id for e in graph.entries]
    assert ids == ["2024-01-09-tc-television-takeover", "2024-01-17-prosecutor-killed", "2024-01-internal-armed-conflict"]
    assert [e.id for e in graph.by_actor["daniel-noboa"]] == ids[1:]
    assert [e.id for e in graph.by_place["guayaquil"]] == ids[:2]
    assert [e.id for e in graph.by_source["cnn-2024-01-25-terror"]] == ids[1:]
    assert [(m.year, m.month, len(m.entries)) for m in graph.by_year[2024]] == [(2024, 1, 3)]
    first, middle, last = graph.entries
    assert graph.neighbours(first) == (None, middle)
    assert graph.neighbours(last) == (middle, None)


def test_a_likely_duplicate_event_is_a_warning_naming_the_other(content):
    write_files(content, {"events/2024-01-09-tv-studio-stormed.yaml": """
        title: Gunmen storm TC Television's studio during a live broadcast
        date: 2024-01-09
        place: guayaquil
        summary: The same takeover, entered twice [@ap-2024-01-10-tv-station].
        sources: [ap-2024-01-10-tv-station]
        """, "events/2024-01-09-other.yaml": """
        title: Curfew announced across the country
        date: 2024-01-09
        place: ecuador
        summary: A different event on the same day [@ap-2024-01-10-tv-station].
        sources: [ap-2024-01-10-tv-station]
        """})
    graph, found = problems(content)
    assert graph is not None
    assert found == [duplicate_warning("content/events/2024-01-09-tv-studio-stormed.yaml")]


def duplicate_warning(file: str) -> str:
    return (f"{file}:1:8: warning: this event looks like a duplicate of "
            "'2024-01-09-tc-television-takeover' (same date, similar title)\n"
            "    hint: merge the two files, or make the titles say how the events differ")


@pytest.mark.parametrize("date, title, duplicate", [
    ("2024-01-09", "GUNMEN STORM TC TELEVISION'S STUDIO DURING A LIVE BROADCAST!", True),  # case and punctuation
    ("2024-01-09", "Gunmen storm TC Televisión studio in a live broadcast", True),
    ("2024-01-09", "Gunmen storm a radio station during a live broadcast", False),
    ("2024-01-10", "Gunmen storm TC Televisión's studio during a live broadcast", False),  # another day
])
def test_likely_duplicates_need_the_same_date_and_a_very_similar_title(content, date, title, duplicate):
    write_files(content, {f"events/{date}-tv-studio-again.yaml": new_event(date=date, title=f'"{title}"', actors=None,
                                                                 topics=None)})
    graph, found = problems(content)
    assert graph is not None
    assert found == ([duplicate_warning(f"content/events/{date}-tv-studio-again.yaml")] if duplicate else [])


words = st.sampled_from(["gunmen", "storm", "Storm", "TC", "Televisión", "studio", "prison", "riot", "a", "the", "!"])
title = st.lists(words, min_size=1, max_size=9).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(title, min_size=2, max_size=6))
def test_the_fast_first_pass_finds_exactly_the_duplicates_difflib_alone_finds(titles):
    events = tuple((f"event-{index}", text) for index, text in enumerate(titles))
    expected = []
    for later, (later_id, later_title) in enumerate(events):
        for earlier_id, earlier_title in events[:later]:
            if SequenceMatcher(None, earlier_title.casefold(), later_title.casefold(),
                               autojunk=False).ratio() >= SIMILAR_TITLES:
                expected.append((later_id, earlier_id))
                break
    assert _similar_titles.__wrapped__(events) == expected


def test_an_event_without_a_place_is_a_warning_once_the_content_has_no_errors(content):
    write_files(content, {"events/2024-02-somewhere.yaml": """
        title: Something happened somewhere
        date: 2024-02
        summary: Nobody said where [@ap-2024-01-10-tv-station].
        sources: [ap-2024-01-10-tv-station]
        """})
    graph, found = problems(content)
    assert graph is not None
    assert found == [
        "content/events/2024-02-somewhere.yaml:1:1: warning: this event has no place\n"
        "    hint: add 'place:' with an id from content/places/; for an event across the whole country, "
        "use the country's place"]

    write_files(content, {"events/2024-02-broken.yaml": "title: [unclosed\n"})
    _, found = problems(content)
    assert not any("has no place" in problem for problem in found), "errors come first, one thing at a time"
