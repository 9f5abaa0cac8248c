"""Fine-tuning jobs (``supervisedFineTuningJobs``, ``dpoJobs``, ``reinforcementFineTuningJobs``):
the official SDK against the emulator -- the stages, the trained model, cancel/resume/delete,
admin steering, the create checks (a table of bad bodies), an RFT job's evaluator and
accounting, the write-only W&B key, and the behaviour switches."""

from __future__ import annotations

import json
from typing import Any, NamedTuple, Optional

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import DpoJob, Model, ReinforcementFineTuningJob, SupervisedFineTuningJob

from pulumi_fireworks.emulator.testing import RunningEmulator

from tests.support.content import LLAMA

from .helpers import api_error, inline_evaluator, raw, ready_lora
from .strict import assert_sdk_parses

ACCOUNT = "accounts/my-account"
DATASET = f"{ACCOUNT}/datasets/train"
SFT = "supervisedFineTuningJobs"
DPO = "dpoJobs"
RFT = "reinforcementFineTuningJobs"
EVALUATOR = f"{ACCOUNT}/evaluators/reward"
PENDING, VALIDATING, RUNNING, COMPLETED = (
    "JOB_STATE_PENDING", "JOB_STATE_VALIDATING", "JOB_STATE_RUNNING", "JOB_STATE_COMPLETED")


def ready_dataset(sdk: Fireworks, dataset_id: str = "train", examples: str = "100") -> str:
    """A dataset the service fills itself (``externalUrl``): READY at its first use."""
    sdk.datasets.create(dataset_id=dataset_id,
                        dataset={"example_count": examples, "external_url": f"gs://bucket/{dataset_id}.jsonl"})
    return f"{ACCOUNT}/datasets/{dataset_id}"


@pytest.fixture
def dataset(sdk: Fireworks) -> str:
    return ready_dataset(sdk)


def sft(sdk: Fireworks, job_id: Optional[str] = "job", **fields: Any) -> SupervisedFineTuningJob:
    body: dict[str, Any] = {"dataset": DATASET, "base_model": LLAMA, **fields}
    if job_id is not None:
        body["supervised_fine_tuning_job_id"] = job_id
    return sdk.supervised_fine_tuning_jobs.create(**body)


def states(sdk: Fireworks, job_id: str, reads: int) -> list[Optional[str]]:
    return [sdk.supervised_fine_tuning_jobs.get(job_id).state for _ in range(reads)]


@pytest.fixture
def evaluator(sdk: Fireworks) -> str:
    """An evaluator with good inline code: ACTIVE at its first use."""
    return inline_evaluator(sdk, "reward")


def rft(sdk: Fireworks, job_id: Optional[str] = "rl", **fields: Any) -> ReinforcementFineTuningJob:
    body: dict[str, Any] = {"dataset": DATASET, "evaluator": EVALUATOR, "training_config": {"base_model": LLAMA},
                            **fields}
    if job_id is not None:
        body["reinforcement_fine_tuning_job_id"] = job_id
    return sdk.reinforcement_fine_tuning_jobs.create(**body)


def rft_states(sdk: Fireworks, job_id: str, reads: int) -> list[Optional[str]]:
    return [sdk.reinforcement_fine_tuning_jobs.get(job_id).state for _ in range(reads)]


def model_status(api: httpx.Client, name: str) -> int:
    return api.get(f"/v1/{name}").status_code


# -- the lifecycle -----------------------------------------------------------------------------


def test_a_supervised_job_trains_through_its_stages_and_writes_a_loadable_lora(
    sdk: Fireworks, dataset: str, api: httpx.Client
) -> None:
    jobs = sdk.supervised_fine_tuning_jobs.with_raw_response
    created = assert_sdk_parses(SupervisedFineTuningJob, raw(
        jobs.create, dataset=dataset, base_model=LLAMA, supervised_fine_tuning_job_id="tune", epochs=2,
        lora_rank=16, learning_rate=1e-4, display_name="Tune", output_model="tuned"))
    assert created.name == f"{ACCOUNT}/{SFT}/tune" and created.state == PENDING
    assert created.output_model == "tuned" and created.created_by == "my-account@example.com"
    assert created.estimated_cost and created.estimated_cost.currency_code == "USD"
    assert (created.estimated_cost.units, created.estimated_cost.nanos) == ("0", 100_000_000)  # 100 ex × 2 × 1k tok
    assert model_status(api, f"{ACCOUNT}/models/tuned") == 404

    validating = assert_sdk_parses(SupervisedFineTuningJob, raw(jobs.get, "tune"))
    assert validating.state == VALIDATING and validating.job_progress is None
    running = assert_sdk_parses(SupervisedFineTuningJob, raw(jobs.get, "tune"))
    assert running.state == RUNNING and running.job_progress and running.job_progress.percent == 50
    done = assert_sdk_parses(SupervisedFineTuningJob, raw(jobs.get, "tune"))
    assert done.state == COMPLETED and done.completed_time and done.status and done.status.code == "OK"
    assert done.job_progress and (done.job_progress.percent, done.job_progress.epoch) == (100, 2)

    listed = raw(jobs.list)
    assert [j["name"] for j in listed["supervisedFineTuningJobs"]] == [created.name]
    for item in listed["supervisedFineTuningJobs"]:
        assert_sdk_parses(SupervisedFineTuningJob, item)

    trained = assert_sdk_parses(Model, raw(sdk.models.with_raw_response.get, "tuned"))
    assert (trained.kind, trained.state, trained.fine_tuning_job) == ("HF_PEFT_ADDON", "READY", created.name)
    assert trained.peft_details and trained.peft_details.base_model == LLAMA and trained.peft_details.r == 16
    assert trained.peft_details.target_modules and trained.display_name == "Tune"

    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True)
    loaded = sdk.lora.load(model=trained.name or "", deployment=f"{ACCOUNT}/deployments/multi")
    assert sdk.lora.get((loaded.name or "").rsplit("/", 1)[1]).state == "DEPLOYED"


def test_a_dpo_job_nests_its_settings_and_completes_the_same_way(
    sdk: Fireworks, dataset: str, api: httpx.Client
) -> None:
    dpo = sdk.dpo_jobs.with_raw_response
    created = assert_sdk_parses(DpoJob, raw(
        dpo.create, dataset=dataset, dpo_job_id="prefs", loss_config={"method": "ORPO"},
        training_config={"base_model": LLAMA, "epochs": 3, "output_model": "aligned", "lora_rank": 32}))
    assert created.state == PENDING and created.training_config
    assert created.training_config.output_model == "aligned" and created.training_config.epochs == 3
    assert [sdk.dpo_jobs.get("prefs").state for _ in range(3)] == [VALIDATING, RUNNING, COMPLETED]
    done = assert_sdk_parses(DpoJob, raw(dpo.get, "prefs"))
    assert done.completed_time and done.loss_config and done.loss_config.method == "ORPO"
    for item in raw(dpo.list)["dpoJobs"]:
        assert_sdk_parses(DpoJob, item)
    trained = sdk.models.get("aligned")
    assert trained.peft_details and (trained.peft_details.base_model, trained.peft_details.r) == (LLAMA, 32)

    assert raw(dpo.delete, "prefs") == {}
    assert api.get(f"/v1/{ACCOUNT}/{DPO}/prefs").status_code == 404
    assert model_status(api, f"{ACCOUNT}/models/aligned") == 200  # the model outlives its job


def test_the_output_model_defaults_to_the_job_id_also_a_server_chosen_one(sdk: Fireworks, dataset: str) -> None:
    assert sft(sdk, "named").output_model == "named"
    generated = sft(sdk, None)
    job_id = (generated.name or "").rsplit("/", 1)[1]
    assert job_id and generated.output_model == job_id
    dpo = sdk.dpo_jobs.create(dataset=dataset, training_config={"base_model": LLAMA})
    dpo_id = (dpo.name or "").rsplit("/", 1)[1]
    assert dpo.training_config and dpo.training_config.output_model == dpo_id
    assert states(sdk, "named", 3)[-1] == COMPLETED
    assert sdk.models.get("named").kind == "HF_PEFT_ADDON"


def test_warm_start_trains_on_the_lora_base_model(sdk: Fireworks, dataset: str) -> None:
    adapter = ready_lora(sdk, "adapter")
    job = sft(sdk, "again", base_model=fireworks.omit, warm_start_from=adapter, output_model="adapter-v2")
    assert job.warm_start_from == adapter and job.base_model is None
    assert states(sdk, "again", 3)[-1] == COMPLETED
    details = sdk.models.get("adapter-v2").peft_details
    assert details and details.base_model == LLAMA and details.r == 8  # the default rank


def test_a_stage_can_fail_with_a_message_and_the_job_be_resumed(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator, api: httpx.Client
) -> None:
    rule = emulator.admin.add_lifecycle_rule(collection=SFT, states=[RUNNING], outcome="FAILED",
                                             message="loss diverged at step 12")
    sft(sdk)
    assert states(sdk, "job", 3) == [VALIDATING, RUNNING, "JOB_STATE_FAILED"]
    failed = sdk.supervised_fine_tuning_jobs.get("job")
    assert failed.status and (failed.status.code, failed.status.message) == ("INTERNAL", "loss diverged at step 12")
    assert model_status(api, f"{ACCOUNT}/models/job") == 404

    emulator.admin.remove_lifecycle_rule(rule["id"])
    resumed = assert_sdk_parses(SupervisedFineTuningJob, raw(
        sdk.supervised_fine_tuning_jobs.with_raw_response.resume, "job", body={}))
    assert resumed.state == PENDING and resumed.status and resumed.status.code == "OK"
    assert states(sdk, "job", 3) == [VALIDATING, RUNNING, COMPLETED]
    assert model_status(api, f"{ACCOUNT}/models/job") == 200


def test_stuck_in_pending_until_the_admin_finishes_it(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator, api: httpx.Client
) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[PENDING], outcome="STUCK")
    job = sft(sdk)
    assert states(sdk, "job", 4) == [PENDING] * 4
    finished = emulator.admin.finish_job(job.name or "")
    assert finished["state"] == COMPLETED and finished["completedTime"]
    assert sdk.supervised_fine_tuning_jobs.get("job").state == COMPLETED
    assert sdk.models.get("job").state == "READY"

    with pytest.raises(httpx.HTTPStatusError) as ended:  # an ended job cannot be finished again
        emulator.admin.finish_job(job.name or "")
    assert ended.value.response.status_code == 400 and ended.value.response.json()["code"] == 9


def test_the_admin_fails_a_job_with_a_message(sdk: Fireworks, dataset: str, emulator: RunningEmulator,
                                              api: httpx.Client) -> None:
    job = sft(sdk)
    failed = emulator.admin.fail_job(job.name or "", "node lost")
    assert failed["state"] == "JOB_STATE_FAILED" and failed["status"]["message"] == "node lost"
    got = sdk.supervised_fine_tuning_jobs.get("job")
    assert got.state == "JOB_STATE_FAILED" and got.status and got.status.message == "node lost"
    assert model_status(api, f"{ACCOUNT}/models/job") == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [(f"{ACCOUNT}/{SFT}/missing", 404), (f"{ACCOUNT}/datasets/train", 400), (f"{ACCOUNT}/{DPO}", 400)],
    ids=["unknown job", "not a job", "not a resource name"],
)
def test_admin_steering_of_what_is_not_a_job(emulator: RunningEmulator, dataset: str, name: str,
                                             status: int) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        emulator.admin.finish_job(name)
    assert refused.value.response.status_code == status


def test_timings_apply_to_each_stage(sdk: Fireworks, dataset: str, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, timing={"seconds": 600})
    sft(sdk)
    assert states(sdk, "job", 2) == [PENDING, PENDING]
    emulator.admin.advance_clock(600)
    assert states(sdk, "job", 2) == [VALIDATING, VALIDATING]  # the next stage counts from the read that began it
    emulator.admin.advance_clock(600)
    assert states(sdk, "job", 1) == [RUNNING]
    emulator.admin.advance_clock(600)
    assert states(sdk, "job", 1) == [COMPLETED]

    emulator.admin.clear_lifecycle_rules()
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[VALIDATING], timing={"reads": 2})
    sft(sdk, "counted")
    assert states(sdk, "counted", 5) == [VALIDATING, VALIDATING, VALIDATING, RUNNING, COMPLETED]


# -- reinforcement fine-tuning -------------------------------------------------------------------


def test_an_rft_job_trains_with_its_evaluator_and_reports_what_it_used(
    sdk: Fireworks, dataset: str, evaluator: str, emulator: RunningEmulator
) -> None:
    jobs = sdk.reinforcement_fine_tuning_jobs.with_raw_response
    body = raw(jobs.create, reinforcement_fine_tuning_job_id="rl", dataset=dataset, evaluator=evaluator,
               training_config={"base_model": LLAMA, "epochs": 2, "output_model": "reasoner", "lora_rank": 16},
               loss_config={"method": "GRPO", "kl_beta": 0.05}, node_count=2, chunk_size=200,
               max_concurrent_rollouts=64, max_concurrent_evaluations=32,
               inference_parameters={"temperature": 0.7, "top_p": 0.9, "top_k": 40, "max_output_tokens": 2048,
                                     "response_candidates_count": 4, "extra_body": '{"stop": ["\\n\\n"]}'},
               # SDK 1.2.30 gives these to SFT and DPO jobs, not RFT jobs: unknown here
               extra_body={"rendererHuggingFaceRepoId": "acme/renderer", "useReservation": True})
    created = assert_sdk_parses(ReinforcementFineTuningJob, body)
    assert created.name == f"{ACCOUNT}/{RFT}/rl" and created.state == PENDING and created.evaluator == evaluator
    assert created.training_config and created.training_config.output_model == "reasoner"
    assert created.inference_parameters and created.inference_parameters.response_candidates_count == 4
    assert created.created_by == "my-account@example.com" and created.accelerator_seconds is None
    stored = emulator.admin.get_resource(created.name or "")
    for field in ("rendererHuggingFaceRepoId", "useReservation"):
        assert field not in body and field not in stored
    assert "updateTime" not in body  # SDK 1.2.30's ReinforcementFineTuningJob has none

    assert rft_states(sdk, "rl", 1) == [VALIDATING]
    running = sdk.reinforcement_fine_tuning_jobs.get("rl")
    assert running.state == RUNNING and running.job_progress and running.job_progress.percent == 50
    assert running.accelerator_seconds is None
    done = assert_sdk_parses(ReinforcementFineTuningJob, raw(jobs.get, "rl"))
    assert done.state == COMPLETED and done.completed_time and done.status and done.status.code == "OK"
    assert done.job_progress and (done.job_progress.percent, done.job_progress.epoch) == (100, 2)
    assert done.accelerator_seconds == {"NVIDIA_H100_80GB": str(3600 * 2 * 2)}  # 2 nodes × 2 epochs
    assert json.loads(done.output_metrics or "")["reward/mean"] == 0.75
    assert json.loads(done.output_stats or "") == {"examples": 100, "rollouts": 800, "evaluations": 800}
    for item in raw(jobs.list)["reinforcementFineTuningJobs"]:
        assert_sdk_parses(ReinforcementFineTuningJob, item)

    trained = assert_sdk_parses(Model, raw(sdk.models.with_raw_response.get, "reasoner"))
    assert (trained.kind, trained.state, trained.fine_tuning_job) == ("HF_PEFT_ADDON", "READY", created.name)
    assert trained.peft_details and (trained.peft_details.base_model, trained.peft_details.r) == (LLAMA, 16)


@pytest.mark.parametrize(
    ("evaluator_id", "state"), [("waiting", "BUILDING"), ("broken", "BUILD_FAILED")],
    ids=["still waiting for its code", "its build failed"],
)
def test_an_rft_job_needs_an_active_evaluator(sdk: Fireworks, world: None, evaluator_id: str, state: str) -> None:
    name = f"{ACCOUNT}/evaluators/{evaluator_id}"
    with pytest.raises(fireworks.BadRequestError) as refused:
        rft(sdk, evaluator=name)
    status, code, message = api_error(refused)
    assert (status, code) == (400, 9)
    assert f"evaluator: evaluator {name} is in state {state}; it must be ACTIVE" in message
    assert sdk.reinforcement_fine_tuning_jobs.list().reinforcement_fine_tuning_jobs == []


def test_an_evaluator_a_running_job_uses_cannot_be_deleted(
    sdk: Fireworks, dataset: str, evaluator: str, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection=RFT, states=[RUNNING], outcome="STUCK")
    rft(sdk)
    assert rft_states(sdk, "rl", 2) == [VALIDATING, RUNNING]
    with pytest.raises(fireworks.BadRequestError) as in_use:
        sdk.evaluators.delete("reward")
    status, code, message = api_error(in_use)
    assert (status, code) == (400, 9) and f"in use by reinforcement fine-tuning job {ACCOUNT}/{RFT}/rl" in message
    assert sdk.evaluators.get("reward").state == "ACTIVE"
    with pytest.raises(fireworks.BadRequestError) as active:  # nor the job itself, as for every job type
        sdk.reinforcement_fine_tuning_jobs.delete("rl")
    assert api_error(active)[1] == 9 and "cancel it first" in api_error(active)[2]

    assert sdk.reinforcement_fine_tuning_jobs.cancel("rl", body={}) == {}
    cancelled = sdk.reinforcement_fine_tuning_jobs.get("rl")
    assert cancelled.state == "JOB_STATE_CANCELLED"
    assert cancelled.accelerator_seconds == {"NVIDIA_H100_80GB": "1800"}  # half way: half of one node-epoch hour
    assert sdk.evaluators.delete("reward") == {}  # an ended job no longer holds it
    assert sdk.reinforcement_fine_tuning_jobs.delete("rl") == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.reinforcement_fine_tuning_jobs.get("rl")


def test_the_admin_steers_rft_jobs_and_a_failed_one_resumes(
    sdk: Fireworks, dataset: str, evaluator: str, emulator: RunningEmulator, api: httpx.Client
) -> None:
    emulator.admin.add_lifecycle_rule(collection=RFT, states=[PENDING], outcome="STUCK")
    first = rft(sdk, "first")
    finished = emulator.admin.finish_job(first.name or "")
    assert finished["state"] == COMPLETED and finished["acceleratorSeconds"] == {"NVIDIA_H100_80GB": "3600"}
    assert sdk.models.get("first").state == "READY"

    second = rft(sdk, "second")
    failed = emulator.admin.fail_job(second.name or "", "reward server unreachable")
    assert failed["state"] == "JOB_STATE_FAILED" and "acceleratorSeconds" not in failed
    assert model_status(api, f"{ACCOUNT}/models/second") == 404
    emulator.admin.clear_lifecycle_rules()
    resumed = sdk.reinforcement_fine_tuning_jobs.resume("second", body={})
    assert resumed.state == PENDING
    assert rft_states(sdk, "second", 3) == [VALIDATING, RUNNING, COMPLETED]


# -- cancel, resume, delete ----------------------------------------------------------------------


def test_cancel_then_no_second_cancel_no_resume_and_delete(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator, api: httpx.Client
) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[RUNNING], outcome="STUCK")
    emulator.admin.add_lifecycle_rule(collection=SFT, states=["JOB_STATE_CANCELLING"], timing={"reads": 1})
    sft(sdk)
    assert states(sdk, "job", 2) == [VALIDATING, RUNNING]
    jobs = sdk.supervised_fine_tuning_jobs

    with pytest.raises(fireworks.BadRequestError) as active:
        jobs.delete("job")
    status, code, message = api_error(active)
    assert (status, code) == (400, 9) and "cancel it first" in message

    assert raw(jobs.with_raw_response.cancel, "job", body={}) == {}
    assert jobs.cancel("job", body={}) == {}  # already cancelling: nothing changes
    assert states(sdk, "job", 3) == ["JOB_STATE_CANCELLING", "JOB_STATE_CANCELLED", "JOB_STATE_CANCELLED"]
    with pytest.raises(fireworks.BadRequestError) as again:
        jobs.cancel("job", body={})
    assert api_error(again)[:2] == (400, 9)
    with pytest.raises(fireworks.BadRequestError) as resume:
        jobs.resume("job", body={})
    assert api_error(resume)[1] == 9 and "cannot be resumed" in api_error(resume)[2]

    jobs.delete("job")
    with pytest.raises(fireworks.NotFoundError):
        jobs.get("job")


def test_a_paused_job_resumes_but_a_running_one_does_not(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[RUNNING], outcome="STUCK")
    job = sft(sdk)
    assert states(sdk, "job", 2) == [VALIDATING, RUNNING]
    with pytest.raises(fireworks.BadRequestError) as running:
        sdk.supervised_fine_tuning_jobs.resume("job", body={})
    assert api_error(running)[:2] == (400, 9)
    emulator.admin.patch_resource(job.name or "", {"state": "JOB_STATE_PAUSED"})  # e.g. an account suspension
    assert sdk.supervised_fine_tuning_jobs.resume("job", body={}).state == PENDING
    assert states(sdk, "job", 2) == [VALIDATING, RUNNING]


def test_a_completed_job_cannot_be_cancelled_or_resumed_and_its_delete_keeps_the_model(
    sdk: Fireworks, dataset: str, api: httpx.Client
) -> None:
    dpo = sdk.dpo_jobs
    dpo.create(dataset=dataset, dpo_job_id="done", training_config={"base_model": LLAMA})
    assert [dpo.get("done").state for _ in range(3)][-1] == COMPLETED
    for call in (dpo.cancel, dpo.resume):
        with pytest.raises(fireworks.BadRequestError) as refused:
            call("done", body={})
        assert api_error(refused)[:2] == (400, 9)
    dpo.delete("done")
    assert api.get(f"/v1/{ACCOUNT}/{DPO}/done").status_code == 404
    assert model_status(api, f"{ACCOUNT}/models/done") == 200


def test_a_job_cannot_be_changed(api: httpx.Client, sdk: Fireworks, dataset: str) -> None:
    sft(sdk)
    response = api.patch(f"/v1/{ACCOUNT}/{SFT}/job", json={"displayName": "x"})
    assert response.status_code == 405 and response.json()["code"] == 12


# -- output model ids ----------------------------------------------------------------------------


def test_an_output_model_id_is_claimed_until_its_job_ends_without_a_model(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[PENDING], outcome="STUCK")
    sft(sdk, "holder", output_model="shared")
    with pytest.raises(fireworks.BadRequestError) as claimed:
        sdk.dpo_jobs.create(dataset=dataset, training_config={"base_model": LLAMA, "output_model": "shared"})
    status, code, message = api_error(claimed)
    assert (status, code) == (400, 9) and "training_config.output_model" in message and "holder" in message
    # A DPO job "holder" would default to the same output model id as the supervised one.
    with pytest.raises(fireworks.BadRequestError):
        sdk.dpo_jobs.create(dataset=dataset, dpo_job_id="shared", training_config={"base_model": LLAMA})

    sdk.supervised_fine_tuning_jobs.cancel("holder", body={})
    assert states(sdk, "holder", 1) == ["JOB_STATE_CANCELLED"]
    sdk.dpo_jobs.create(dataset=dataset, training_config={"base_model": LLAMA, "output_model": "shared"})


def test_a_model_that_appears_before_the_job_ends_fails_the_job(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection=SFT, states=[RUNNING], outcome="STUCK")
    job = sft(sdk, output_model="late")
    ready_lora(sdk, "late")
    finished = emulator.admin.finish_job(job.name or "")
    assert finished["state"] == "JOB_STATE_FAILED" and finished["status"]["code"] == "ALREADY_EXISTS"


# -- the W&B key and the createdBy e-mail --------------------------------------------------------


def test_the_wandb_key_is_never_answered_nor_kept(sdk: Fireworks, dataset: str, emulator: RunningEmulator) -> None:
    wandb = {"enabled": True, "api_key": "wandb-secret-4711", "project": "support", "entity": "acme"}
    jobs = sdk.supervised_fine_tuning_jobs.with_raw_response
    bodies = [raw(jobs.create, dataset=dataset, base_model=LLAMA, supervised_fine_tuning_job_id="job",
                  wandb_config=wandb),
              raw(jobs.get, "job"), raw(jobs.list),
              raw(sdk.dpo_jobs.with_raw_response.create, dataset=dataset, dpo_job_id="dpo", wandb_config=wandb,
                  training_config={"base_model": LLAMA}),
              raw(sdk.reinforcement_fine_tuning_jobs.with_raw_response.create, dataset=dataset,
                  evaluator=inline_evaluator(sdk, "reward"), reinforcement_fine_tuning_job_id="rl",
                  wandb_config=wandb, training_config={"base_model": LLAMA})]
    assert bodies[1]["wandbConfig"] == {"enabled": True, "project": "support", "entity": "acme"}
    stored = [emulator.admin.get_resource(f"{ACCOUNT}/{collection}/{job}", record=True)
              for collection, job in ((SFT, "job"), (DPO, "dpo"), (RFT, "rl"))]
    for seen in [*bodies, *stored, emulator.admin.requests()]:
        assert "wandb-secret-4711" not in str(seen)


def test_created_by_is_the_e_mail_of_the_keys_user(sdk: Fireworks, dataset: str, emulator: RunningEmulator) -> None:
    sdk.users.create(email="jane@acme.com", role="user", user_id="jane")
    key = sdk.api_keys.create("jane", api_key={"display_name": "jane's"}).key or ""
    with Fireworks(api_key=key, account_id=emulator.account_id, base_url=emulator.url, max_retries=0) as jane:
        assert sft(jane).created_by == "jane@acme.com"


# -- the create checks ---------------------------------------------------------------------------


class Row(NamedTuple):
    id: str
    collection: str
    body: dict[str, Any]
    status: int
    code: int
    field: str  # the snake_case path the message must name
    query: Optional[dict[str, str]] = None


def s(**fields: Any) -> dict[str, Any]:
    """A supervised body: the good one with ``fields`` over it (None removes a field)."""
    body = {"dataset": DATASET, "baseModel": LLAMA, **fields}
    return {k: v for k, v in body.items() if v is not None}


def d(training: Optional[dict[str, Any]] = None, **fields: Any) -> dict[str, Any]:
    """A DPO body: the good one, ``training`` over its trainingConfig."""
    config = {"baseModel": LLAMA, **(training or {})}
    return {"dataset": DATASET, "trainingConfig": {k: v for k, v in config.items() if v is not None}, **fields}


def r(training: Optional[dict[str, Any]] = None, **fields: Any) -> dict[str, Any]:
    """An RFT body: the good one, ``training`` over its trainingConfig, ``fields`` over the
    rest (None removes a field)."""
    config = {"baseModel": LLAMA, **(training or {})}
    body = {"dataset": DATASET, "evaluator": EVALUATOR,
            "trainingConfig": {k: v for k, v in config.items() if v is not None}, **fields}
    return {k: v for k, v in body.items() if v is not None}


def inference(**params: Any) -> dict[str, Any]:
    return r(inferenceParameters=params)


WANDB_OFF_KEY = {"enabled": True, "project": "p"}
ROWS = [
    Row("dataset missing", SFT, s(dataset=None), 400, 3, "dataset"),
    Row("dataset not a name", SFT, s(dataset="train"), 400, 3, "dataset"),
    Row("dataset of another account", SFT, s(dataset="accounts/other/datasets/train"), 400, 3, "dataset"),
    Row("dataset absent", SFT, s(dataset=f"{ACCOUNT}/datasets/nope"), 404, 5, "dataset"),
    Row("dataset not READY", SFT, s(dataset=f"{ACCOUNT}/datasets/uploading"), 400, 9, "dataset"),
    Row("evaluation dataset absent", SFT, s(evaluationDataset=f"{ACCOUNT}/datasets/nope"), 404, 5,
        "evaluation_dataset"),
    Row("evaluation dataset not READY", SFT, s(evaluationDataset=f"{ACCOUNT}/datasets/uploading"), 400, 9,
        "evaluation_dataset"),
    Row("neither base model nor warm start", SFT, s(baseModel=None), 400, 3, "base_model"),
    Row("both base model and warm start", SFT, s(warmStartFrom=f"{ACCOUNT}/models/adapter"), 400, 3,
        "warm_start_from"),
    Row("base model not a name", SFT, s(baseModel="llama"), 400, 3, "base_model"),
    Row("base model absent", SFT, s(baseModel="accounts/fireworks/models/nope"), 404, 5, "base_model"),
    Row("base model of another account", SFT, s(baseModel="accounts/other/models/private"), 404, 5, "base_model"),
    Row("base model a LoRA", SFT, s(baseModel=f"{ACCOUNT}/models/adapter"), 400, 3, "base_model"),
    Row("warm start absent", SFT, s(baseModel=None, warmStartFrom=f"{ACCOUNT}/models/nope"), 404, 5,
        "warm_start_from"),
    Row("warm start a base model", SFT, s(baseModel=None, warmStartFrom=LLAMA), 400, 3, "warm_start_from"),
    Row("warm start not READY", SFT, s(baseModel=None, warmStartFrom=f"{ACCOUNT}/models/uploading"), 400, 9,
        "warm_start_from"),
    Row("output model a resource name", SFT, s(outputModel=f"{ACCOUNT}/models/x"), 400, 3, "output_model"),
    Row("output model not an id", SFT, s(outputModel="My_Model"), 400, 3, "output_model"),
    Row("output model exists", SFT, s(outputModel="adapter"), 400, 9, "output_model"),
    Row("epochs 0", SFT, s(epochs=0), 400, 3, "epochs"),
    Row("epochs not a number", SFT, s(epochs="many"), 400, 3, "epochs"),
    Row("lora rank not a power of 2", SFT, s(loraRank=12), 400, 3, "lora_rank"),
    Row("lora rank above 64", SFT, s(loraRank=128), 400, 3, "lora_rank"),
    Row("lora rank 0", SFT, s(loraRank=0), 400, 3, "lora_rank"),
    Row("learning rate 0", SFT, s(learningRate=0), 400, 3, "learning_rate"),
    Row("negative learning rate", SFT, s(learningRate=-0.1), 400, 3, "learning_rate"),
    Row("negative warmup steps", SFT, s(learningRateWarmupSteps=-1), 400, 3, "learning_rate_warmup_steps"),
    Row("negative context length", SFT, s(maxContextLength=-1), 400, 3, "max_context_length"),
    Row("negative batch size", SFT, s(batchSize=-8), 400, 3, "batch_size"),
    Row("negative batch size samples", SFT, s(batchSizeSamples=-1), 400, 3, "batch_size_samples"),
    Row("negative gradient accumulation", SFT, s(gradientAccumulationSteps=-1), 400, 3,
        "gradient_accumulation_steps"),
    Row("nodes 0", SFT, s(nodes=0), 400, 3, "nodes"),
    Row("unknown region", SFT, s(region="MOON_1"), 400, 3, "region"),
    Row("examples × epochs above 3M", SFT, s(dataset=f"{ACCOUNT}/datasets/huge", epochs=2), 400, 3, "epochs"),
    Row("W&B enabled without a key", SFT, s(wandbConfig=WANDB_OFF_KEY), 400, 3, "wandb_config.api_key"),
    Row("W&B enabled without a project", SFT, s(wandbConfig={"enabled": True, "apiKey": "k"}), 400, 3,
        "wandb_config.project"),
    Row("S3 secret absent", SFT, s(awsS3Config={"credentialsSecret": f"{ACCOUNT}/secrets/nope"}), 404, 5,
        "aws_s3_config.credentials_secret"),
    Row("Azure secret not a name", SFT, s(azureBlobStorageConfig={"credentialsSecret": "creds"}), 400, 3,
        "azure_blob_storage_config.credentials_secret"),
    Row("display name of 64 chars", SFT, s(displayName="x" * 64), 400, 3, "display_name"),
    Row("bad job id", SFT, s(), 400, 3, "supervised_fine_tuning_job_id", {"supervisedFineTuningJobId": "Job_1"}),
    Row("DPO without training config", DPO, {"dataset": DATASET}, 400, 3, "training_config.base_model"),
    Row("DPO base model absent", DPO, d({"baseModel": "accounts/fireworks/models/nope"}), 404, 5,
        "training_config.base_model"),
    Row("DPO both base model and warm start", DPO, d({"warmStartFrom": f"{ACCOUNT}/models/adapter"}), 400, 3,
        "training_config.warm_start_from"),
    Row("DPO output model a resource name", DPO, d({"outputModel": f"{ACCOUNT}/models/x"}), 400, 3,
        "training_config.output_model"),
    Row("DPO output model exists", DPO, d({"outputModel": "adapter"}), 400, 9, "training_config.output_model"),
    Row("DPO lora rank", DPO, d({"loraRank": 3}), 400, 3, "training_config.lora_rank"),
    Row("DPO epochs 0", DPO, d({"epochs": 0}), 400, 3, "training_config.epochs"),
    Row("DPO learning rate not a number", DPO, d({"learningRate": "fast"}), 400, 3, "training_config.learning_rate"),
    Row("DPO region", DPO, d({"region": "MARS_1"}), 400, 3, "training_config.region"),
    Row("DPO examples × epochs", DPO, d({"epochs": 2}, dataset=f"{ACCOUNT}/datasets/huge"), 400, 3,
        "training_config.epochs"),
    Row("DPO loss method", DPO, d(lossConfig={"method": "PPO"}), 400, 3, "loss_config.method"),
    Row("DPO dataset not READY", DPO, d(dataset=f"{ACCOUNT}/datasets/uploading"), 400, 9, "dataset"),
    Row("DPO W&B without a key", DPO, d(wandbConfig=WANDB_OFF_KEY), 400, 3, "wandb_config.api_key"),
    Row("bad DPO job id", DPO, d(), 400, 3, "dpo_job_id", {"dpoJobId": "-x"}),
    Row("RFT without an evaluator", RFT, r(evaluator=None), 400, 3, "evaluator"),
    Row("RFT evaluator not a name", RFT, r(evaluator="reward"), 400, 3, "evaluator"),
    Row("RFT evaluator of another account", RFT, r(evaluator="accounts/other/evaluators/reward"), 400, 3,
        "evaluator"),
    Row("RFT evaluator absent", RFT, r(evaluator=f"{ACCOUNT}/evaluators/nope"), 404, 5, "evaluator"),
    Row("RFT evaluator waiting for its code", RFT, r(evaluator=f"{ACCOUNT}/evaluators/waiting"), 400, 9,
        "evaluator"),
    Row("RFT evaluator whose build failed", RFT, r(evaluator=f"{ACCOUNT}/evaluators/broken"), 400, 9, "evaluator"),
    Row("RFT chunk size 0", RFT, r(chunkSize=0), 400, 3, "chunk_size"),
    Row("RFT chunk size above 10,000", RFT, r(chunkSize=10_001), 400, 3, "chunk_size"),
    Row("RFT concurrent rollouts 0", RFT, r(maxConcurrentRollouts=0), 400, 3, "max_concurrent_rollouts"),
    Row("RFT concurrent evaluations 0", RFT, r(maxConcurrentEvaluations=0), 400, 3, "max_concurrent_evaluations"),
    Row("RFT inference replicas 0", RFT, r(maxInferenceReplicaCount=0), 400, 3, "max_inference_replica_count"),
    Row("RFT node count 0", RFT, r(nodeCount=0), 400, 3, "node_count"),
    Row("RFT node count not a number", RFT, r(nodeCount="two"), 400, 3, "node_count"),
    Row("RFT loss method", RFT, r(lossConfig={"method": "PPO"}), 400, 3, "loss_config.method"),
    Row("RFT negative temperature", RFT, inference(temperature=-0.1), 400, 3, "inference_parameters.temperature"),
    Row("RFT top p above 1", RFT, inference(topP=1.5), 400, 3, "inference_parameters.top_p"),
    Row("RFT greedy", RFT, inference(temperature=0), 400, 3, "inference_parameters.temperature"),
    Row("RFT one candidate", RFT, inference(responseCandidatesCount=1), 400, 3, "inference_parameters.response_candidates_count"),
    Row("RFT eleven epochs", RFT, r(trainingConfig={"baseModel": LLAMA, "epochs": 11}), 400, 3, "training_config.epochs"),
    Row("RFT rank 64", RFT, r(trainingConfig={"baseModel": LLAMA, "loraRank": 64}), 400, 3, "training_config.lora_rank"),
    Row("RFT top p above 1", RFT, inference(topP=1.5), 400, 3, "inference_parameters.top_p"),
    Row("RFT negative top k", RFT, inference(topK=-1), 400, 3, "inference_parameters.top_k"),
    Row("RFT max output tokens 0", RFT, inference(maxOutputTokens=0), 400, 3, "inference_parameters.max_output_tokens"),
    Row("RFT response candidates 0", RFT, inference(responseCandidatesCount=0), 400, 3,
        "inference_parameters.response_candidates_count"),
    Row("RFT extra body not JSON", RFT, inference(extraBody="stop=\\n"), 400, 3, "inference_parameters.extra_body"),
    Row("RFT extra body not an object", RFT, inference(extraBody="[1, 2]"), 400, 3, "inference_parameters.extra_body"),
    Row("RFT without a base model", RFT, r({"baseModel": None}), 400, 3, "training_config.base_model"),
    Row("RFT lora rank", RFT, r({"loraRank": 3}), 400, 3, "training_config.lora_rank"),
    Row("RFT dataset not READY", RFT, r(dataset=f"{ACCOUNT}/datasets/uploading"), 400, 9, "dataset"),
    Row("RFT evaluation dataset absent", RFT, r(evaluationDataset=f"{ACCOUNT}/datasets/nope"), 404, 5,
        "evaluation_dataset"),
    Row("RFT W&B without a key", RFT, r(wandbConfig=WANDB_OFF_KEY), 400, 3, "wandb_config.api_key"),
    Row("bad RFT job id", RFT, r(), 400, 3, "reinforcement_fine_tuning_job_id", {"reinforcementFineTuningJobId": "RL"}),
]


@pytest.fixture
def world(sdk: Fireworks, dataset: str) -> None:
    """What the bad bodies refer to: datasets (READY, uploading, 2M examples), models (a
    READY LoRA ``adapter``, one still ``uploading``) and evaluators (``reward``, ACTIVE at
    its first use; ``waiting`` for its code; ``broken``, whose build fails)."""
    sdk.datasets.create(dataset_id="uploading", dataset={"user_uploaded": {}})
    ready_dataset(sdk, "huge", "2000000")
    ready_lora(sdk, "adapter")
    sdk.models.create(model_id="uploading", model={"kind": "HF_PEFT_ADDON", "peft_details": {
        "base_model": LLAMA, "r": 8, "target_modules": ["q_proj"]}})
    inline_evaluator(sdk, "reward")
    inline_evaluator(sdk, "broken", code="def score(row):\n    return row +\n")
    sdk.evaluators.create(evaluator_id="waiting", evaluator={"entry_point": "main.py::evaluate"})


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_create(api: httpx.Client, world: None, row: Row) -> None:
    response = api.post(f"/v1/{ACCOUNT}/{row.collection}", params=row.query, json=row.body)
    assert response.status_code == row.status, response.text
    body = response.json()
    assert body["code"] == row.code and body["details"] == []
    assert row.field in body["message"], body["message"]
    assert api.get(f"/v1/{ACCOUNT}/{row.collection}").json().get(row.collection, []) == []  # nothing stored


def test_the_good_bodies_of_the_table_are_good(api: httpx.Client, world: None) -> None:
    rft_body = r(evaluationDataset=DATASET, chunkSize=10_000, nodeCount=1, maxConcurrentRollouts=1,
                 maxConcurrentEvaluations=1, maxInferenceReplicaCount=1, lossConfig={"method": "GSPO_TOKEN"},
                 inferenceParameters={"temperature": 0.1, "topP": 0, "topK": 100, "maxOutputTokens": 16,
                                      "responseCandidatesCount": 8, "extraBody": "{}"})
    for collection, body in ((SFT, s(evaluationDataset=DATASET, loraRank=64, nodes=1)), (DPO, d()), (RFT, rft_body)):
        assert api.post(f"/v1/{ACCOUNT}/{collection}", json=body).status_code == 200, body
    warm = s(baseModel=None, warmStartFrom=f"{ACCOUNT}/models/adapter")
    assert api.post(f"/v1/{ACCOUNT}/{SFT}", json=warm).status_code == 200


# -- behaviour switches ---------------------------------------------------------------------------


def test_output_model_as_full_name_when_switched(sdk: Fireworks, dataset: str, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(job_output_model_full_name=True)
    job = assert_sdk_parses(SupervisedFineTuningJob, raw(
        sdk.supervised_fine_tuning_jobs.with_raw_response.create, dataset=dataset, base_model=LLAMA,
        supervised_fine_tuning_job_id="job", output_model="support-v1"))
    assert job.output_model == f"{ACCOUNT}/models/support-v1"
    dpo = sdk.dpo_jobs.create(dataset=dataset, dpo_job_id="dpo", training_config={"base_model": LLAMA})
    assert dpo.training_config and dpo.training_config.output_model == f"{ACCOUNT}/models/dpo"
    assert states(sdk, "job", 3)[-1] == COMPLETED
    assert sdk.models.get("support-v1").state == "READY"  # stored by id; only the answer differs


def test_spelled_out_zero_values_are_what_the_sdk_describes(
    sdk: Fireworks, dataset: str, emulator: RunningEmulator
) -> None:
    emulator.admin.set_behaviour(profile="pessimistic")
    sft(sdk)
    sdk.dpo_jobs.create(dataset=dataset, dpo_job_id="dpo", training_config={"base_model": LLAMA},
                        loss_config={"kl_beta": 0.1})
    for _ in range(3):
        job = assert_sdk_parses(SupervisedFineTuningJob, raw(sdk.supervised_fine_tuning_jobs.with_raw_response.get,
                                                             "job"))
        dpo = assert_sdk_parses(DpoJob, raw(sdk.dpo_jobs.with_raw_response.get, "dpo"))
    assert job.state == dpo.state == COMPLETED
    assert job.output_model == f"{ACCOUNT}/models/job" and job.epochs == 0  # spelled out: the service chose
