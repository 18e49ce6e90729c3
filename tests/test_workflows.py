"""The CI workflow: it lints clean, tests every push and pull request, and publishes only from main."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT

WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    """actionlint, with shellcheck checking every `run:` script (both installed by the test extras)."""
    return subprocess.run([str(BIN / "actionlint"), "-no-color", "-oneline", "-shellcheck", str(BIN / "shellcheck"),
                           "-pyflakes=", *map(str, files)], capture_output=True, text=True, timeout=60)


def test_there_is_a_workflow():
    assert [path.name for path in WORKFLOWS] == ["site.yml"]


def test_the_workflows_lint_clean():
    result = actionlint(*WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("script", ["dev", ".ci/run"])
def test_the_scripts_ci_and_newcomers_run_pass_shellcheck(script):
    result = subprocess.run([str(BIN / "shellcheck"), str(PROJECT / script)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_linter_catches_what_it_should(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request_target\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v1\n"
        "      - run: echo ${{ github.event.pull_request.title }} $HOME/$1\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout  # script injection
    assert "SC2086" in result.stdout  # shellcheck ran
    assert "actions/checkout@v1" in result.stdout  # a retired action


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML (YAML 1.1) reads the key `on` as true.
    return {("on" if key is True else key): value
            for key, value in yaml.safe_load(WORKFLOWS[0].read_text(encoding="utf-8")).items()}


def test_every_push_and_pull_request_is_tested_the_way_ci_runs_it(workflow):
    assert workflow["on"]["push"] == {"branches": ["main"]} and "pull_request" in workflow["on"]
    test = workflow["jobs"]["test"]
    assert "if" not in test
    assert [step.get("run") for step in test["steps"]][-1] == "bash .ci/run"
    assert test["container"].startswith("python:3.11")


def test_only_a_push_to_main_builds_strictly_and_deploys(workflow):
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["needs"] == "test" and deploy["needs"] == "build"
    assert build["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    script = next(step["run"] for step in build["steps"] if "run" in step)
    assert './dev site --strict --base-url "$BASE_URL/"' in script
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert workflow["permissions"] == {"contents": "read"}, "only the deploy job may write"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_published_build_has_the_whole_history_for_its_dates_of_publication(workflow):
    checkout = next(step for step in workflow["jobs"]["build"]["steps"]
                    if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "a shallow clone has no history to date events from"
