"""Every resource's provider against the emulator: create, refresh without drift, update in
place, replacement decided per field, delete — with zero values omitted and spelled out —
and the ways a create can go wrong: lost responses, failed objects, existing objects."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks._engine import registered_specs
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.support.content import LLAMA, QWEN, adapter, chat_rows, write_files
from tests.support.inventory import server_objects

#: The create call of every registered resource (a collection under the account, or under its parent).
CREATE_PATHS = r"^/v1/accounts/[^/]+/(" + "|".join(
    sorted({re.sub(r"\{\w+\}", "[^/]+", f"{s.parent}/{s.create_collection or s.collection}".lstrip("/"))
            for s in registered_specs().values()})
) + ")$"

#: type -> (inputs, an in-place change or None, a replacing change)
CASES: dict[str, tuple[dict[str, Any], Any, dict[str, Any]]] = {
    "Deployment": ({"base_model": LLAMA, "display_name": "a", "annotations": {"team": "ml"}},
                   {"display_name": "b", "max_replica_count": 2}, {"base_model": QWEN}),
    "Secret": ({"key_name": "TOKEN", "value": "v1"}, {"value": "v2", "key_name": "TOKEN_2"}, {"secret_id": "explicit"}),
    "User": ({"email": "ann@acme.com", "role": "user"}, {"role": "admin", "display_name": "Ann"}, {"email": "ann.b@acme.com"}),
    "ServiceAccount": ({"role": "inference-user"}, {"display_name": "robot", "role": "user"}, {"user_id": "robot-2"}),
    "ApiKey": ({"display_name": "k", "expire_time": "2031-01-01T00:00:00+02:00", "annotations": {"team": "ml"}}, None,
               {"display_name": "k2"}),
    "DeployedModel": ({"display_name": "support"}, {"display_name": "support v2", "public": True, "default": True},
                      {"deployment": "accounts/{account}/deployments/other"}),
    "Model": ({"source": "{files}/support", "base_model": LLAMA, "display_name": "a"},
              {"display_name": "b", "description": "the support adapter"},
              {"conversation_config": {"style": "jinja", "template": "{{messages}}"}}),
    "Dataset": ({"source": "{files}/train.jsonl", "format": "CHAT", "display_name": "a"}, {"display_name": "b"},
                {"source": "{files}/train-2.jsonl"}),
    # Jobs cannot change (every input retrains); "created" leaves the run to the emulator's reads.
    "SupervisedFineTuningJob": ({"dataset": "{dataset}", "base_model": LLAMA, "wait_until": "created"}, None,
                                {"epochs": 2}),
    "DpoJob": ({"dataset": "{dataset}", "training_config": {"base_model": LLAMA}, "wait_until": "created"}, None,
               {"training_config": {"base_model": LLAMA, "lora_rank": 16}}),
    "Evaluator": ({"source": "{files}/reward", "entry_point": "main.py::evaluate", "display_name": "a"},
                  {"display_name": "b", "description": "exact matches score 1"}, {"requirements": "numpy>=1.26\n"}),
    "ReinforcementFineTuningJob": ({"dataset": "{dataset}", "evaluator": "{evaluator}",
                                    "training_config": {"base_model": LLAMA}, "wait_until": "created"}, None,
                                   {"training_config": {"base_model": LLAMA, "lora_rank": 16}}),
    # The account's own: create takes it over, delete gives its value back (no object is made or removed).
    "Quota": ({"quota_id": "monthly-spend-usd", "value": 1000}, {"value": 2000, "deletion_policy": "restore"},
              {"quota_id": "serverless-inference-rpm"}),
    # new-resource: lifecycle rows above
}

#: The local files Model and Dataset upload (written below a test's tmp_path).
FILES = {**adapter("support"), "train.jsonl": chat_rows(3), "train-2.jsonl": chat_rows(4),
         "reward/main.py": b"def evaluate(row):\n    return 1.0\n", "reward/__pycache__/main.cpython-311.pyc": b"\0"}


def with_files(inputs: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """``inputs`` with ``{files}`` in a source pointing at FILES, written below ``tmp_path``."""
    if not any(isinstance(v, str) and "{files}" in v for v in inputs.values()):
        return inputs
    write_files(tmp_path, FILES)
    return {k: v.replace("{files}", str(tmp_path)) if isinstance(v, str) else v for k, v in inputs.items()}


def prepare(kind: str, inputs: dict[str, Any], driver: Callable[..., Driver], emulator: RunningEmulator) -> dict[str, Any]:
    """Inputs that need other objects first (an API key needs its user; a LoRA load a
    deployment that accepts addons and a READY LoRA model)."""
    if kind == "ApiKey":
        owner, _ = driver("ServiceAccount", "owner").create({"role": "inference-user"})
        return {**inputs, "user_id": owner}
    if inputs.get("dataset") == "{dataset}":
        # Held in the queue: reads (listing included) would otherwise train it and write a model.
        collection = registered_specs()[kind].collection
        emulator.admin.add_lifecycle_rule(collection=collection, states=["JOB_STATE_PENDING"], outcome="STUCK")
        rows = [json.loads(line) for line in chat_rows(2).splitlines()]
        _, data = driver("Dataset", "train").create({"rows": rows, "format": "CHAT"})
        inputs = {**inputs, "dataset": data["name"]}
        if inputs.get("evaluator") == "{evaluator}":
            _, reward = driver("Evaluator", "reward").create({"criteria": [{"name": "exact", "code_snippets": {
                "file_contents": {"main.py": "def evaluate(row):\n    return 1.0\n"},
                "entry_file": "main.py", "entry_func": "evaluate"}}]})
            inputs["evaluator"] = reward["name"]
        return inputs
    if kind == "DeployedModel":
        _, deployment = driver("Deployment", "multi-lora").create({"base_model": LLAMA, "enable_addons": True})
        return {**inputs, "model": ready_lora(emulator, "support-lora"), "deployment": deployment["name"]}
    return inputs


def ready_lora(emulator: RunningEmulator, model_id: str) -> str:
    """A READY LoRA addon of LLAMA, made through the official SDK (the Model resource's
    own tests live elsewhere)."""
    from fireworks import Fireworks

    from tests.emulator.helpers import ready_lora as upload

    with Fireworks(api_key=emulator.api_key, account_id=emulator.account_id, base_url=emulator.url) as sdk:
        return upload(sdk, model_id, LLAMA)


#: How the emulator answers: protojson's default (zero values omitted), zero values spelled
#: out, and the pessimistic profile (every answer the public sources allow that is hardest
#: on a client: files that land late, no user delete route, newer fields dropped, ...).
PROFILES: dict[str, dict[str, Any]] = {
    "omitted": {},
    "emitted": {"emit_zero_values": True},
    "pessimistic": {"profile": "pessimistic"},
}


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("kind", sorted(CASES))
def test_lifecycle(
    kind: str, profile: str, emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    emulator.admin.set_behaviour(**PROFILES[profile])
    inputs, in_place, replacing = CASES[kind]
    inputs = prepare(kind, with_files(inputs, tmp_path), driver, emulator)
    d = driver(kind)
    checked = d.check(inputs)
    before = len(server_objects(emulator))
    id_, state = d.create(inputs)
    owned = d.provider.spec.owned_by_account
    assert id_ and len(server_objects(emulator)) == before + (0 if owned else 1)

    # refresh finds no drift, and the next plan has nothing to do
    read_id, state, read_inputs = d.read(id_, state)
    assert read_id == id_
    inputs_only = set(d.provider.spec.inputs_model.model_fields)
    assert {k: v for k, v in read_inputs.items() if k in inputs_only} == {
        k: v for k, v in checked.items() if k in inputs_only
    }
    assert d.diff(state, inputs, olds=read_inputs).changes is False

    if in_place is not None:
        changed = {**inputs, **in_place}
        decision = d.diff(state, changed, olds=checked)
        assert decision.changes is True and decision.replaces == []
        state = d.update(id_, state, changed, checked)
        _, state, refreshed = d.read(id_, state)
        for field, value in d.check(changed, olds=checked).items():
            if field in in_place:
                assert refreshed[field] == value, field
        assert d.diff(state, changed, olds=refreshed).changes is False

    replacing = with_files(replacing, tmp_path)
    replacing = {k: v.format(account=emulator.account_id) if isinstance(v, str) else v for k, v in replacing.items()}
    replaced = {k: v for k, v in {**inputs, **replacing}.items() if v is not None}
    decision = d.diff(state, replaced, olds=checked)
    assert decision.replaces, f"{kind}: {sorted(replacing)} must replace"

    if kind in ("User", "ServiceAccount") and emulator.admin.behaviour()["userDeleteRoute"] != "present":
        # No REST delete: the destroy fails naming the user, until it is removed by hand.
        with pytest.raises(ResourceError, match=r"firectl delete user"):
            d.delete(id_, state)
        emulator.admin.delete_resource(state["name"])
    d.delete(id_, state)
    if owned:  # given back: a refresh sees the value the account had before
        assert d.read(id_, state)[2]["value"] == state["original_value"] != inputs["value"]
    else:
        assert d.read(id_, state)[0] == ""  # gone: refresh drops it


@pytest.mark.parametrize("profile", ["omitted", "pessimistic"])
@pytest.mark.parametrize("kind", sorted(k for k in CASES if not registered_specs()[k].owned_by_account))
def test_a_create_whose_response_is_lost_makes_exactly_one_object(
    kind: str, profile: str, emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    emulator.admin.set_behaviour(**PROFILES[profile])
    inputs = prepare(kind, with_files(CASES[kind][0], tmp_path), driver, emulator)
    before = len(server_objects(emulator))
    emulator.admin.add_fault(method="POST", path_regex=CREATE_PATHS, times=1,
                             action={"type": "commit_then_error", "status": 500})
    id_, state = driver(kind).create(inputs)
    assert emulator.admin.faults() == []  # the fault fired
    assert len(server_objects(emulator)) == before + 1
    if kind == "ApiKey":
        assert state["key"].startswith("fw_")  # a usable key: the one whose answer was lost is gone


@pytest.mark.parametrize("status", [400, 408, 409, 429])
def test_a_create_committed_but_refused_is_found_not_repeated(
    status: int, emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.add_fault(method="POST", path_regex=CREATE_PATHS, times=1,
                             action={"type": "commit_then_error", "status": status})
    id_, _ = driver("Deployment").create(CASES["Deployment"][0])
    posts = [r for r in emulator.admin.requests() if r["method"] == "POST"]
    assert len(posts) == 1 and [n.rsplit("/", 1)[-1] for n in server_objects(emulator)] == [id_]


def test_a_failed_deployment_is_deleted_and_the_error_quotes_the_api(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployments", outcome="FAILED", states=["CREATING"],
                                      message="out of capacity in US_IOWA_1")
    with pytest.raises(ResourceError) as failure:
        driver("Deployment", "doomed").create({"base_model": LLAMA})
    assert "out of capacity in US_IOWA_1" in str(failure.value) and "'doomed'" in str(failure.value)
    assert server_objects(emulator) == {}


def test_a_user_that_fails_to_be_created_is_deleted_again(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    emulator.admin.add_lifecycle_rule(collection="users", outcome="FAILED", states=["CREATING"],
                                      message="directory sync failed", status_code="INTERNAL")
    with pytest.raises(ResourceError) as failure:
        driver("User").create({"email": "ann@acme.com", "role": "user"})
    assert "directory sync failed" in str(failure.value)
    assert server_objects(emulator) == {}


def test_an_existing_deployment_is_adopted_only_when_asked(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Deployment")
    d.create({"base_model": LLAMA, "deployment_id": "by-hand", "display_name": "by hand"})
    other = driver("Deployment", "second")
    with pytest.raises(ResourceError, match="already exists.*adopt_existing=True"):
        other.create({"base_model": LLAMA, "deployment_id": "by-hand", "display_name": "managed"})
    id_, state = other.create({"base_model": LLAMA, "deployment_id": "by-hand", "display_name": "managed",
                               "adopt_existing": True})
    assert id_ == "by-hand" and state["display_name"] == "managed"
    assert list(server_objects(emulator)) == [f"accounts/{emulator.account_id}/deployments/by-hand"]


def test_reads_ride_out_rate_limits(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Secret")
    id_, state = d.create({"key_name": "TOKEN", "value": "v"})
    emulator.admin.add_fault(method="GET", path="/v1/accounts/*/secrets/*", times=2,
                             action={"type": "error", "status": 429, "retryAfter": 0.1})
    assert d.read(id_, state)[0] == id_
    assert emulator.admin.faults() == []


def test_a_create_rides_out_more_429s_than_it_has_attempts_for_faults(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    # 429s are refusals to wait out, not faults: a create under a long storm of them
    # is as patient as a read, while a create failing with 5xx gives up after eight tries.
    refusals = emulator.admin.add_fault(method="POST", path_regex=CREATE_PATHS, times=12,
                                        action={"type": "error", "status": 429, "retryAfter": 0.01})
    id_, _ = driver("Secret").create({"key_name": "TOKEN", "value": "v"})
    assert refusals["id"] not in {f["id"] for f in emulator.admin.faults()}  # all twelve answered
    assert [n.rsplit("/", 1)[-1] for n in server_objects(emulator)] == [id_]

    emulator.admin.add_fault(method="POST", path_regex=CREATE_PATHS,
                             action={"type": "error", "status": 503, "retryAfter": 0.01})
    with pytest.raises(ResourceError, match="503"):
        driver("Secret", "second").create({"key_name": "OTHER", "value": "v"})
    posts = [r for r in emulator.admin.requests() if r["method"] == "POST" and r["status"] == 503]
    assert len(posts) == 8


def test_a_missing_secret_answered_with_500_is_gone_but_a_broken_list_is_an_error(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    d = driver("Secret")
    id_, state = d.create({"key_name": "TOKEN", "value": "v"})
    emulator.admin.set_behaviour(missing_secret_status=500)
    emulator.admin.delete_resource(f"accounts/{emulator.account_id}/secrets/{id_}")
    assert d.read(id_, state)[0] == ""
    emulator.admin.add_fault(method="GET", path="/v1/accounts/*/secrets", action={"type": "error", "status": 403})
    with pytest.raises(ResourceError):
        d.read(id_, state)


def test_a_deployment_that_never_gets_ready_times_out_and_is_cleaned_up(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployments", outcome="STUCK", states=["CREATING"])
    with pytest.raises(ResourceError, match="did not finish within 2s"):
        driver("Deployment").create({"base_model": LLAMA, "wait_timeout": "2s"})
    assert server_objects(emulator) == {}


def test_failed_on_the_server_is_replaced_under_the_same_id_after_a_delete(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    d = driver("Deployment")
    inputs = {"base_model": LLAMA}
    checked = d.check(inputs)
    id_, state = d.create(inputs)
    emulator.admin.patch_resource(state["name"], {"state": "FAILED", "status": {"code": "INTERNAL", "message": "node lost"}})
    _, state, _ = d.read(id_, state)
    decision = d.diff(state, inputs, olds=checked)
    # Nothing about the program changed, so the replacement gets the same (derived) id:
    # the failed deployment goes first (it serves nothing), as a soft delete ...
    assert decision.replaces == ["state"] and decision.delete_before_replace is True
    d.delete(id_, state)
    # ... whose remains the create purges to free the id.
    new_id, new_state = d.create(inputs)
    assert new_id == id_ and new_state["state"] == "READY" and new_state["create_time"] != state["create_time"]
    assert list(server_objects(emulator)) == [state["name"]]


def test_when_a_create_and_its_checks_fail_the_next_attempt_takes_the_object_over(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.add_fault(method="POST", path_regex=CREATE_PATHS, times=1,
                             action={"type": "commit_then_error", "status": 500})
    emulator.admin.add_fault(method="GET", path_regex=r"^/v1/accounts/[^/]+/deployments/[^/]+$", times=6,
                             action={"type": "error", "status": 503})
    d = driver("Deployment", "chat")
    with pytest.raises(ResourceError) as failure:
        d.create({"base_model": LLAMA})
    message = str(failure.value)
    assert "checking whether it was applied failed too" in message and "run `pulumi up` again" in message
    assert "\n" not in message  # one line
    id_, _ = d.create({"base_model": LLAMA})  # the re-run
    assert [n.rsplit("/", 1)[-1] for n in server_objects(emulator)] == [id_]


def test_a_key_added_to_a_managed_map_elsewhere_is_drift_and_the_update_removes_it(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    d = driver("Deployment")
    inputs = {"base_model": LLAMA, "annotations": {"team": "ml"}}
    checked = d.check(inputs)
    id_, state = d.create(inputs)
    emulator.admin.patch_resource(state["name"], {"annotations": {"team": "ml", "cost-center": "42"}})
    _, state, refreshed = d.read(id_, state)
    assert refreshed["annotations"] == {"team": "ml", "cost-center": "42"}
    assert d.diff(state, inputs, olds=refreshed).changes is True
    d.update(id_, state, inputs, refreshed)
    assert emulator.admin.get_resource(state["name"])["annotations"] == {"team": "ml"}
    assert checked["annotations"] == {"team": "ml"}


def test_check_records_the_name_and_what_follows_from_it_when_the_account_is_known(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    # A dynamic provider cannot preview an update, so a preview takes outputs to be the
    # checked inputs: the name must be among them, or whatever names this deployment
    # would show a change that `up` does not make.
    checked = driver("Deployment", "chat").check({"base_model": LLAMA, "deployment_id": "chat"})
    name = f"accounts/{emulator.account_id}/deployments/chat"
    assert checked["name"] == name and checked["inference_model"] == f"{LLAMA}#{name}"
    _, state = driver("Deployment", "chat").create({"base_model": LLAMA, "deployment_id": "chat"})
    assert state["name"] == name
    # server-chosen ids are not known before the create
    assert "name" not in driver("DeployedModel").check({"model": "accounts/a/models/m", "deployment": name})
