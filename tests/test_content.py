"""Guards the integrity of the published timeline itself (content/)."""

import pytest

from generator.build import check
from conftest import REAL_CONTENT

# The four articles the timeline starts from (see docs/editing.md): publisher, publication date,
# and whether their address is known. Where it is not, the record must not have one.
SEED_ARTICLES = [
    ("CNN", "2024-01-25", False),
    ("The Defense Post", "2025-02-20", True),
    ("CNN", "2025-03-05", False),
    ("wire", "2024-01-24", False),
]


@pytest.fixture(scope="module")
def timeline():
    graph, diagnostics = check(REAL_CONTENT, strict=True)
    assert [p.format() for p in diagnostics.problems] == []
    return graph


def test_the_content_has_no_errors_and_no_warnings(timeline):
    assert timeline is not None and len(timeline.entries) >= 30


def test_every_event_is_sourced_and_every_source_is_complete(timeline):
    for entry in timeline.entries:
        assert entry.sources, entry.id
    for source in timeline.sources.values():
        assert source.title and source.publisher and source.published, source.id
        assert timeline.by_source.get(source.id) or any(
            c.source_id == source.id for actor in timeline.actors.values() for c in actor.citations), source.id


@pytest.mark.parametrize("publisher, published, has_address", SEED_ARTICLES)
def test_every_seed_article_is_cited_with_its_known_metadata(timeline, publisher, published, has_address):
    matches = [s for s in timeline.sources.values()
               if s.published.iso == published and publisher.lower() in s.publisher.lower()]
    assert len(matches) == 1, (publisher, published, [s.id for s in matches])
    source = matches[0]
    assert timeline.by_source.get(source.id), f"{source.id} is cited by no event"
    assert (source.url is not None) == has_address


def test_summaries_are_of_readable_length(timeline):
    for entry in timeline.entries:
        words = len(entry.event.summary.split())
        assert 60 <= words <= 200, (entry.id, words)


def test_every_actor_topic_and_place_has_events(timeline):
    for registry, index in ((timeline.actors, timeline.by_actor), (timeline.topics, timeline.by_topic),
                            (timeline.places, timeline.by_place)):
        for record_id in registry:
            assert index.get(record_id), record_id
