"""Fine-tuning jobs at the provider tier: what only a job does (waits chosen by ``wait_until``,
a timeout that keeps the job, a failed job replaced, cancel before delete, the trained model
kept), for both job types where the behaviour is shared code.

The generic lifecycle (create, refresh without drift, replacement, delete) runs for both in
test_lifecycles.py; the whole stack through the engine is tests/engine/test_fine_tuning.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from pulumi_fireworks._errors import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.support.content import LLAMA, chat_rows, write_files
from tests.support.inventory import _list

JOBS = "supervisedFineTuningJobs"


@pytest.fixture
def dataset(emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path) -> str:
    write_files(tmp_path, {"train.jsonl": chat_rows(4)})
    _, state = driver("Dataset", "train").create({"source": str(tmp_path / "train.jsonl"), "format": "CHAT"})
    return str(state["name"])


def sft(dataset: str, **inputs: Any) -> dict[str, Any]:
    return {"dataset": dataset, "base_model": LLAMA, **inputs}


def jobs(emulator: RunningEmulator, collection: str = JOBS) -> list[dict[str, Any]]:
    return _list(emulator, f"/v1/accounts/{emulator.account_id}/{collection}", collection)


def model(emulator: RunningEmulator, name: str) -> int:
    """The status code of a GET of the model ``name``."""
    with emulator.client() as http:
        return http.get(f"/v1/{name}").status_code


@pytest.mark.parametrize("kind", ["SupervisedFineTuningJob", "DpoJob"])
def test_a_job_is_waited_for_until_its_model_is_trained_and_the_model_outlives_it(
    kind: str, emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    inputs = sft(dataset, epochs=2) if kind == "SupervisedFineTuningJob" else {
        "dataset": dataset, "training_config": {"base_model": LLAMA, "epochs": 2, "output_model": "tone-v1"}}
    d = driver(kind, "tune")
    id_, state = d.create(inputs)
    assert state["state"] == "JOB_STATE_COMPLETED" and state["completed_time"]
    trained = f"accounts/{emulator.account_id}/models/{'tone-v1' if kind == 'DpoJob' else id_}"
    assert state["trained_model"] == trained
    assert d.check(inputs)["name"] == state["name"]  # the job's name is known at preview
    assert model(emulator, trained) == 200

    _, state, read_inputs = d.read(id_, state)
    assert d.diff(state, inputs, olds=read_inputs).changes is False
    d.delete(id_, state)
    assert d.read(id_, state)[0] == ""
    assert model(emulator, trained) == 200  # kept: it cost money, and it outlives the job on Fireworks


def test_delete_output_model_deletes_the_trained_model_too(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    d = driver("SupervisedFineTuningJob")
    id_, state = d.create(sft(dataset, delete_output_model=True))
    d.delete(id_, state)
    assert model(emulator, state["trained_model"]) == 404


def test_wait_until_running_returns_while_the_job_trains(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_RUNNING"], outcome="STUCK")
    id_, state = driver("SupervisedFineTuningJob").create(sft(dataset, wait_until="running"))
    assert state["state"] == "JOB_STATE_RUNNING"


def test_a_wait_that_runs_out_keeps_the_job_and_the_next_create_resumes_it(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    held = emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_PENDING"], outcome="STUCK")
    d = driver("SupervisedFineTuningJob")
    with pytest.raises(ResourceError, match="neither cancelled nor forgotten") as timeout:
        d.create(sft(dataset, wait_timeout="1s"))
    assert "JOB_STATE_PENDING" in str(timeout.value)
    (job,) = jobs(emulator)
    assert job["state"] == "JOB_STATE_PENDING"  # still queued: not cancelled, not deleted

    emulator.admin.remove_lifecycle_rule(held["id"])
    emulator.admin.finish_job(job["name"])
    id_, state = d.create(sft(dataset, wait_timeout="1s"))  # the next `up`: found again, not started twice
    assert state["name"] == job["name"] and state["state"] == "JOB_STATE_COMPLETED"
    assert len(jobs(emulator)) == 1


def test_a_failed_job_fails_the_create_quoting_the_api_and_leaves_nothing(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    rule = emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_RUNNING"], outcome="FAILED",
                                             message="loss diverged at step 12")
    d = driver("SupervisedFineTuningJob")
    with pytest.raises(ResourceError, match="loss diverged at step 12"):
        d.create(sft(dataset))
    assert jobs(emulator) == []

    emulator.admin.remove_lifecycle_rule(rule["id"])
    _, state = d.create(sft(dataset))
    assert state["state"] == "JOB_STATE_COMPLETED" and len(jobs(emulator)) == 1


def test_a_job_found_failed_under_its_id_is_started_again(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    # A job that failed after an earlier `up` stopped waiting (wait_until="created"):
    # what the build SDK's sync() did, recreate it.
    rule = emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_VALIDATING"], outcome="FAILED",
                                             message="dataset rows too long")
    d = driver("SupervisedFineTuningJob")
    id_, state = d.create(sft(dataset, wait_until="created"))
    _, state, _ = d.read(id_, state)
    _, state, read_inputs = d.read(id_, state)
    assert state["state"] == "JOB_STATE_FAILED"
    assert d.diff(state, sft(dataset, wait_until="created"), olds=read_inputs).replaces  # the next `up` replaces it

    emulator.admin.remove_lifecycle_rule(rule["id"])
    again, state = d.create(sft(dataset))
    assert again == id_ and state["state"] == "JOB_STATE_COMPLETED" and len(jobs(emulator)) == 1


def test_deleting_a_running_job_cancels_it_first(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    emulator.admin.add_lifecycle_rule(collection=JOBS, states=["JOB_STATE_RUNNING"], outcome="STUCK")
    d = driver("SupervisedFineTuningJob")
    id_, state = d.create(sft(dataset, wait_until="running"))
    emulator.admin.clear_requests()
    d.delete(id_, state)
    calls = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in emulator.admin.requests() if r["method"] != "GET"]
    assert calls == [("POST", f"{id_}:cancel"), ("DELETE", id_)]
    assert jobs(emulator) == []


def test_the_trained_model_answered_by_its_full_name_is_no_drift(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    emulator.admin.set_behaviour(job_output_model_full_name=True)
    d = driver("SupervisedFineTuningJob")
    inputs = sft(dataset, output_model="support-v1")
    id_, state = d.create(inputs)
    _, state, read_inputs = d.read(id_, state)
    assert read_inputs["output_model"] == "support-v1"
    assert d.diff(state, inputs, olds=read_inputs).changes is False
    assert state["trained_model"] == f"accounts/{emulator.account_id}/models/support-v1"


def test_the_wandb_key_is_sent_but_never_read_back(
    emulator: RunningEmulator, driver: Callable[..., Driver], dataset: str
) -> None:
    d = driver("SupervisedFineTuningJob")
    wandb = {"enabled": True, "api_key": "wandb-key-123", "project": "support"}
    id_, state = d.create(sft(dataset, wandb_config=wandb))
    assert d.provider.spec.secret_outputs == ("wandb_config",)  # encrypted in state (shown in tests/engine)
    (job,) = jobs(emulator)
    assert "wandb-key-123" not in str(job) and "wandb-key-123" not in str(emulator.admin.requests())
    _, state, read_inputs = d.read(id_, state)
    assert read_inputs["wandb_config"] == wandb  # write-only: the program's value is kept
    assert d.diff(state, {**sft(dataset), "wandb_config": wandb}, olds=read_inputs).changes is False
