"""examples/ci/ cannot run here (no GitHub), so its parts are checked against each other and the code.

The workflow must preview with ``--json --save-plan``, hand the review command options it
accepts, keep the plan under the name the apply job downloads, and apply it with the official
action's ``plan`` input; the example price table must load.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from pulumi_fireworks.review.cli import build_parser
from pulumi_fireworks.review.prices import load_prices

CI = Path(__file__).resolve().parents[2] / "examples" / "ci"


def _workflow() -> dict[str, Any]:
    return dict(yaml.safe_load((CI / "pulumi-review.yml").read_text()))


def _steps(job: str) -> list[dict[str, Any]]:
    return list(_workflow()["jobs"][job]["steps"])


def _run_lines(job: str) -> str:
    return "\n".join(step.get("run", "") for step in _steps(job)).replace("\\\n", " ")


def test_pull_requests_preview_with_a_plan_and_apply_it_on_push() -> None:
    workflow = _workflow()
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    preview_run = _run_lines("preview")
    assert "pulumi preview --stack \"$STACK\" --json --save-plan plan.json" in preview_run
    uses = [step.get("uses", "") for job in ("preview", "apply") for step in _steps(job)]
    assert sum(u.startswith("pulumi/actions@") for u in uses) == 2
    [up] = [s for s in _steps("apply") if s.get("uses", "").startswith("pulumi/actions@")]
    assert up["with"]["command"] == "up" and up["with"]["plan"].endswith("/plan.json")
    [upload] = [s for s in _steps("preview") if s.get("uses", "").startswith("actions/upload-artifact@")]
    [download] = [s for s in _steps("apply") if s.get("uses", "").startswith("actions/download-artifact@")]
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"].endswith("/plan.json")
    assert "run-id" in download["with"]


def test_the_review_command_line_in_the_workflow_is_valid() -> None:
    [line] = [line for line in _run_lines("preview").splitlines() if "pulumi_fireworks.review" in line]
    argv = shlex.split(line.strip())
    assert argv[:3] == ["python", "-m", "pulumi_fireworks.review"]
    args = build_parser().parse_args(argv[3:])
    assert args.fail_on_delete and args.fail_on_replace_protected and args.protect
    assert (CI / args.prices.name).is_file()
    table = load_prices(CI / args.prices.name)
    assert table.source and "EXAMPLE" in table.source
