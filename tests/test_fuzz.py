"""Random records never crash the loader or the validator: always a timeline, or problems."""

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.build import check
from conftest import SMALL_CONTENT, write_files

FIELDS = ["title", "date", "end_date", "approximate", "place", "actors", "topics", "importance",
          "summary", "sources", "source", "note", "name", "kind"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["2024-01-09", "2024-02-30", "2024-01", "guayaquil",
                                                           "cnn-2024-01-25-terror", "major"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)),
    max_leaves=12)
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_checked(content):
    graph, diagnostics = check(content)  # must not raise
    assert graph is not None or diagnostics.errors
    for problem in diagnostics.problems:
        assert problem.location.line >= 1 and problem.message


@SETTINGS
@given(record=records)
def test_random_event_records(tmp_path_factory, record):
    content = write_files(tmp_path_factory.mktemp("fuzz") / "content", SMALL_CONTENT)
    (content / "events" / "2024-01-09-fuzz.yaml").write_text(yaml.safe_dump(record, allow_unicode=True))
    assert_checked(content)


@SETTINGS
@given(text=st.text(max_size=200))
def test_random_text_files(tmp_path_factory, text):
    content = write_files(tmp_path_factory.mktemp("fuzz") / "content", SMALL_CONTENT)
    (content / "actors" / "fuzz.yaml").write_text(text)
    (content / "pages" / "fuzz.md").write_text(text)
    assert_checked(content)
