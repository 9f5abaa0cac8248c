"""examples/ci/drift-check.yml cannot run here (no GitHub): its schedule and its command are
checked against the drift command it runs (which tests/engine/test_drift_check.py runs for real)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from pulumi_fireworks.review.drift import build_parser

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "ci" / "drift-check.yml"


def workflow() -> dict[str, Any]:
    return dict(yaml.safe_load(WORKFLOW.read_text()))


def test_it_runs_on_a_schedule_and_on_demand() -> None:
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"schedule", "workflow_dispatch"} and triggers["schedule"][0]["cron"]


def test_every_stack_is_checked_by_the_drift_command_with_options_it_accepts() -> None:
    job = workflow()["jobs"]["drift"]
    assert job["strategy"]["fail-fast"] is False and len(job["strategy"]["matrix"]["include"]) >= 2
    [command] = [step["run"] for step in job["steps"] if "pulumi_fireworks.review.drift" in step.get("run", "")]
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "pulumi_fireworks.review.drift"]
    args = build_parser().parse_args(words[3:])
    assert args.stack == "${{ matrix.stack }}" and str(args.output) == "$GITHUB_STEP_SUMMARY"
