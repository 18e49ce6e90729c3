"""Random records and random files never crash the loader, the validator or the build: always a
site, or problems that name a file and a line."""

import textwrap

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.build import build, check
from generator.model import PAGE_FIELDS, SCHEMAS, SITE_FIELDS
from conftest import SMALL_CONTENT, write_files

FIELDS = sorted({name for _, fields in SCHEMAS.values() for name in fields} | set(SITE_FIELDS) | set(PAGE_FIELDS)
                | {"source", "note"})
FOLDERS = {kind: kind + "s" for kind in SCHEMAS}
huge_text = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=3), st.integers(0, 100_000))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    huge_text, st.sampled_from(["2024-01-09", "2024-02-30", "2024-01", "guayaquil", "major",
                                                "cnn-2024-01-25-terror", "https://example.org/x", "javascript:x"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)),
    max_leaves=12)
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
yaml_like = st.text(alphabet="[]{}-:?&*!|>'\"#%@`\n\t ,.abc01\\", max_size=300)  # YAML's own marks, mostly
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TAKEOVER = "events/2024-01-09-tc-television-takeover.yaml"


def small_content(tmp_path_factory):
    return write_files(tmp_path_factory.mktemp("fuzz") / "content", SMALL_CONTENT)


def assert_checked(content):
    graph, diagnostics = check(content)  # must not raise
    assert graph is not None or diagnostics.errors
    for problem in diagnostics.problems:
        assert problem.location.file and problem.location.line >= 1 and problem.message
    return graph


@SETTINGS
@given(kind=st.sampled_from(sorted(FOLDERS)), record=records)
def test_random_records_of_every_kind(tmp_path_factory, kind, record):
    content = small_content(tmp_path_factory)
    (content / FOLDERS[kind]).mkdir(exist_ok=True)
    (content / FOLDERS[kind] / "2024-01-09-fuzz.yaml").write_text(yaml.safe_dump(record, allow_unicode=True))
    assert_checked(content)


@SETTINGS
@given(record=records)
def test_random_site_settings_and_page_front_matter(tmp_path_factory, record):
    content = small_content(tmp_path_factory)
    (content / "site.yaml").write_text(yaml.safe_dump(record, allow_unicode=True))
    (content / "pages" / "fuzz.md").write_text(f"---\n{yaml.safe_dump(record, allow_unicode=True)}---\nText.\n")
    assert_checked(content)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["title", "summary", "date", "place", "actors", "sources", "importance"]), value=values)
def test_one_random_value_in_a_good_event_gives_a_site_or_problems(tmp_path_factory, field, value):
    content = small_content(tmp_path_factory)
    event = yaml.safe_load(textwrap.dedent(SMALL_CONTENT[TAKEOVER]))
    event[field] = value
    (content / TAKEOVER).write_text(yaml.safe_dump(event, allow_unicode=True))
    if assert_checked(content) is not None:  # accepted: then it builds, and its page is there
        out = content.parent / "_site"
        build(content, out, with_search=False)
        assert (out / "events/2024-01-09-tc-television-takeover/index.html").is_file()


@SETTINGS
@given(text=st.text(max_size=200) | yaml_like)
def test_random_text_files(tmp_path_factory, text):
    content = small_content(tmp_path_factory)
    (content / "actors" / "fuzz.yaml").write_text(text)
    (content / "pages" / "fuzz.md").write_text(text)
    (content / "pages" / "front.md").write_text(f"---\n{text}\n---\n")
    assert_checked(content)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    content = small_content(tmp_path_factory)
    (content / "sources" / "fuzz.yaml").write_bytes(data)
    (content / "site.yaml").write_bytes(data)
    assert_checked(content)
