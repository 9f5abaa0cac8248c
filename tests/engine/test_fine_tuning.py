"""Fine-tuning jobs through the real engine: the example from data to a served adapter, and a
job that outlives a run which stopped waiting for it (a timeout, then a hard interrupt).

What a job does at each step is tested at the provider tier (tests/provider/test_training_jobs.py);
here is what only the engine shows: the plan across a retraining, the order of replacements,
the state, and recovery after failed and interrupted runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects, set_resources
from tests.engine.test_convergence import interrupt_twice, wait_for
from tests.support.content import LLAMA
from tests.support.engine import EngineEnv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fine-tune-and-serve"
JOBS = "supervisedFineTuningJobs"


def test_fine_tune_and_serve_retrains_and_moves_the_load(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack = engine_env.stack(shutil.copytree(EXAMPLE, tmp_path / "example"), env_vars=emulator.env())
    first = stack.up()
    assert first.outputs["jobState"] == "JOB_STATE_COMPLETED"
    [load] = live_objects(emulator, "deployedModels")
    assert load["state"] == "DEPLOYED" and load["model"] == first.outputs["trainedModel"]
    assert stack.preview().change_summary == {"same": 5}
    assert stack.refresh().change_summary == {"same": 5}

    stack.set_config("epochs", "2")
    preview = stack.preview()
    assert preview.change_summary == {"same": 3, "replace": 2}  # the job, and the load of what it trains
    second = stack.up()
    assert second.change_summary == {"same": 3, "replace": 2}
    [job] = live_objects(emulator, JOBS)
    assert job["name"] == second.outputs["job"] != first.outputs["job"] and job["epochs"] == 2
    [load] = live_objects(emulator, "deployedModels")
    assert load["model"] == second.outputs["trainedModel"] != first.outputs["trainedModel"]
    requests = [(r["method"], r["path"]) for r in emulator.admin.requests()]
    new_load = requests.index(("POST", f"/v1/accounts/{emulator.account_id}/deployedModels"))
    old_job = requests.index(("DELETE", "/v1/" + first.outputs["job"]))
    assert new_load < old_job  # the new adapter is served before the old job goes

    destroy = stack.destroy()
    assert "is kept" in destroy.stdout + destroy.stderr
    for collection in (JOBS, "deployedModels", "deployments", "datasets"):
        assert live_objects(emulator, collection) == [], collection
    models = {m["name"] for m in live_objects(emulator, "models")}
    assert {first.outputs["trainedModel"], second.outputs["trainedModel"]} <= models  # kept, as the destroy said


def test_a_job_outlives_a_timeout_and_a_hard_interrupt_and_the_load_follows(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_RUNNING"], outcome="STUCK")
    wandb = {"enabled": True, "project": "support", "api_key": {"$secret": "wandbKey"}}
    tune = {"dataset": {"$resource": "data"}, "base_model": LLAMA, "wait_timeout": "2s", "wandb_config": wandb}
    resources = {
        "data": {"type": "Dataset", "inputs": {"format": "CHAT", "rows": [
            {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}]}},
        "tune": {"type": "SupervisedFineTuningJob", "inputs": tune},
        # A sibling job that is not held up: it finishes in the failed run and is not trained again.
        "prefer": {"type": "DpoJob", "inputs": {"dataset": {"$resource": "data"}, "training_config": {
            "base_model": LLAMA, "epochs": 1}, "loss_config": {"method": "ORPO"}}},
        "serve": {"type": "Deployment", "inputs": {"base_model": LLAMA, "enable_addons": True}},
        "load": {"type": "DeployedModel", "inputs": {"model": {"$resource": "tune"}, "deployment": {"$resource": "serve"}}},
    }
    stack = resources_stack(resources, secrets={"wandbKey": "wandb-secret-4711"})

    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    assert "neither cancelled nor forgotten" in str(failure.value)
    [job] = live_objects(emulator, JOBS)
    assert job["state"] == "JOB_STATE_RUNNING"
    [dpo] = live_objects(emulator, "dpoJobs")
    assert dpo["state"] == "JOB_STATE_COMPLETED" and dpo["lossConfig"]["method"] == "ORPO"

    # The next run waits longer (wait_timeout steers the provider only: no new job) and is killed hard.
    set_resources(stack, {**resources, "tune": {**resources["tune"], "inputs": {**tune, "wait_timeout": "1h"}}})
    emulator.admin.clear_requests()
    process = stack.spawn("up", "--yes", "--skip-preview", "--non-interactive")
    wait_for(lambda: any(r["method"] == "GET" and r["path"] == "/v1/" + job["name"] for r in emulator.admin.requests()))
    interrupt_twice(process)

    emulator.admin.finish_job(job["name"])
    up = stack.up()
    [again] = live_objects(emulator, JOBS)
    assert again["name"] == job["name"] and again["state"] == "JOB_STATE_COMPLETED"  # one job, never two
    [load] = live_objects(emulator, "deployedModels")
    assert load["model"] == up.outputs["tune"]["trained_model"] and load["state"] == "DEPLOYED"
    assert [d["name"] for d in live_objects(emulator, "dpoJobs")] == [dpo["name"]]
    trained = up.outputs["prefer"]["trained_model"]
    assert trained == f"accounts/{emulator.account_id}/models/{dpo['trainingConfig']['outputModel']}"
    assert trained in {m["name"] for m in live_objects(emulator, "models")}

    state_text = stack.export_text()
    assert "wandb-secret-4711" not in state_text
    assert "wandb-secret-4711" not in str(emulator.admin.requests()) + str(again)
