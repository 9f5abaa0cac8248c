"""Reinforcement fine-tuning through the real engine: the example from reward code to a served
adapter, a reward change that breaks the build and then one that fixes it.

What an evaluator and a job do at each step is tested at the provider tier
(tests/provider/test_evaluators.py, test_lifecycles.py); here is what only the engine shows:
the plan when one byte of reward code changes (the evaluator, the job and the load replaced,
in order), a failed build inside an `up`, and the state and the account after each step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_objects
from tests.support.engine import EngineEnv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "reinforcement-fine-tuning"
JOBS = "reinforcementFineTuningJobs"


def test_reward_code_to_served_adapter_and_a_broken_build_in_between(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    folder = shutil.copytree(EXAMPLE, tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    stack = engine_env.stack(folder, env_vars=emulator.env())
    first = stack.up()
    assert first.outputs["evaluatorState"] == "ACTIVE" and first.outputs["jobState"] == "JOB_STATE_COMPLETED"
    [load] = live_objects(emulator, "deployedModels")
    assert load["state"] == "DEPLOYED" and load["model"] == first.outputs["trainedModel"]
    assert stack.preview().change_summary == {"same": 6}
    assert stack.refresh().change_summary == {"same": 6}

    # A syntax error in a helper: the preview cannot see it (the entry file parses), the build does.
    parse = folder / "reward" / "parse.py"
    good = parse.read_text()
    parse.write_text(good.replace("def final_number(text: str):", "def final_number(text: str:"))
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    assert "BUILD_FAILED" in str(failure.value) and "parse.py:" in str(failure.value)
    assert [e["name"] for e in live_objects(emulator, "evaluators")] == [first.outputs["evaluator"]]  # the new one is gone
    [job] = live_objects(emulator, JOBS)
    assert job["name"] == first.outputs["job"]  # nothing retrained on a reward that did not build

    parse.write_text(good.replace("found[-1]", "found[-1] ") )  # fixed, and one byte different from the first
    preview = stack.preview()
    assert preview.change_summary == {"same": 3, "replace": 3}  # the evaluator, the job it scores, the load
    second = stack.up()
    [evaluator] = live_objects(emulator, "evaluators")
    assert evaluator["name"] == second.outputs["evaluator"] != first.outputs["evaluator"]
    [job] = live_objects(emulator, JOBS)
    assert job["name"] == second.outputs["job"] != first.outputs["job"] and job["evaluator"] == evaluator["name"]
    [load] = live_objects(emulator, "deployedModels")
    assert load["model"] == second.outputs["trainedModel"] != first.outputs["trainedModel"]
    requests = [(r["method"], r["path"]) for r in emulator.admin.requests()]
    assert requests.index(("DELETE", "/v1/" + first.outputs["job"])) < requests.index(
        ("DELETE", "/v1/" + first.outputs["evaluator"]))  # the old job goes before the evaluator it used

    stack.destroy()
    for collection in ("evaluators", JOBS, "deployedModels", "deployments", "datasets"):
        assert live_objects(emulator, collection) == [], collection
