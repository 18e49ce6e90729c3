from generator.build import check
from generator.dates import PartialDate
from generator.model import Citation, Event
from generator.timeline import event_order
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
                     "    hint: link it from an event's 'topics:', or delete the file"]
    strict_graph, _ = check(content, strict=True)
    assert strict_graph is None


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
        summary: The same takeover, entered twice.
        sources: [ap-2024-01-10-tv-station]
        """, "events/2024-01-09-other.yaml": """
        title: Curfew announced across the country
        date: 2024-01-09
        place: ecuador
        summary: A different event on the same day.
        sources: [ap-2024-01-10-tv-station]
        """})
    graph, found = problems(content)
    assert graph is not None
    assert found == [
        "content/events/2024-01-09-tv-studio-stormed.yaml:1:8: warning: this event looks like a duplicate of "
        "'2024-01-09-tc-television-takeover' (same date, similar title)\n"
        "    hint: merge the two files, or make the titles say how the events differ"]


def test_an_event_without_a_place_is_a_warning_once_the_content_has_no_errors(content):
    write_files(content, {"events/2024-02-somewhere.yaml": """
        title: Something happened somewhere
        date: 2024-02
        summary: Nobody said where.
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
