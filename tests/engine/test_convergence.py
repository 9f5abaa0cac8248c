"""Nothing orphaned, nothing duplicated: interrupted and half-failed `up`s converge.

Each scenario ends the way a user needs it to: every object the emulator holds is in the
stack's state exactly once, and the state holds nothing else
(:func:`tests.support.inventory.assert_state_is_the_server`).
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import DeploymentStack, ResourcesStack, live_deployments, set_deployments, set_resources
from tests.support.content import LLAMA, QWEN, adapter, chat_rows
from tests.support.engine import EngineEnv, EngineStack, write_python_project
from tests.support.inventory import assert_state_is_the_server, server_objects


#: One of every resource type, all named by the provider (the usual case).
EVERY_TYPE: dict[str, dict[str, Any]] = {
    "chat": {"type": "Deployment", "inputs": {"base_model": LLAMA, "max_replica_count": 1, "enable_addons": True}},
    "hf": {"type": "Secret", "inputs": {"key_name": "HF_TOKEN", "value": {"$secret": "hfToken"}}},
    "jane": {"type": "User", "inputs": {"email": "jane@acme.com", "role": "user"}},
    "ci": {"type": "ServiceAccount", "inputs": {"role": "inference-user"}},
    "ci-key": {"type": "ApiKey", "inputs": {"user_id": "${ci.user_id}", "display_name": "ci"}},
    "lora": {"type": "Model", "inputs": {"source": "adapters/support", "base_model": LLAMA}},
    "train": {"type": "Dataset", "inputs": {"source": "data/train.jsonl", "format": "CHAT"}},
    "load": {"type": "DeployedModel", "inputs": {"model": {"$resource": "lora"}, "deployment": {"$resource": "chat"}}},
}
#: The local files the Model and the Dataset upload (and others to replace them with).
EVERY_TYPE_FILES = {
    **adapter("adapters/support"), **adapter("adapters/support-2", weights=b"\2" * 4096),
    "data/train.jsonl": chat_rows(3), "data/train-2.jsonl": chat_rows(4),
}
SECRETS = {"hfToken": "hf_secret_value_for_convergence"}
CREATES = len(EVERY_TYPE)
"""Create calls of an `up` of EVERY_TYPE (one per resource)."""


def every_type_stack(resources_stack: ResourcesStack) -> EngineStack:
    return resources_stack(EVERY_TYPE, secrets=SECRETS, files=EVERY_TYPE_FILES)


def interrupt_twice(process: Any) -> str:
    """Ctrl-C, and once the CLI says it is cancelling, Ctrl-C again (terminate at once)."""
    process.send_signal(signal.SIGINT)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "received; cancelling" in line:
            process.send_signal(signal.SIGINT)
            break
    rest, _ = process.communicate(timeout=120)
    return "".join(seen) + rest


def wait_for(condition: Any, timeout: float = 60.0) -> None:
    """Poll ``condition`` (an emulator query) until true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_explicit_id_survives_replacement_and_destroy_then_up(
    deployment_stack: DeploymentStack, emulator: RunningEmulator
) -> None:
    spec = {"base_model": LLAMA, "deployment_id": "chat-prod"}
    stack = deployment_stack({"chat": spec})
    stack.up()
    # A replacement keeping the id: the old one is deleted first (soft), its remains purged.
    set_deployments(stack, {"chat": {**spec, "base_model": QWEN}})
    up = stack.up()
    assert up.change_summary == {"same": 1, "replace": 1}
    [live] = live_deployments(emulator, show_deleted=True)
    assert live["baseModel"] == QWEN and live["name"].endswith("/chat-prod")
    assert_state_is_the_server(stack, emulator)
    # destroy (a soft delete) and up again under the same id
    stack.destroy()
    assert [d["state"] for d in live_deployments(emulator, show_deleted=True)] == ["DELETED"]
    stack.up()
    [live] = live_deployments(emulator, show_deleted=True)
    assert live["state"] == "READY"
    assert_state_is_the_server(stack, emulator)
    stack.destroy()


def test_a_saved_plan_applies_as_previewed_and_the_preview_shows_the_real_id(
    resources_stack: ResourcesStack, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack = every_type_stack(resources_stack)
    plan = tmp_path / "plan.json"
    preview = stack.preview(plan=str(plan), diff=True)
    assert json.loads(plan.read_text())  # a plan was saved
    up = stack.up(plan=str(plan))  # fails if any resource's checked inputs differ from the plan's
    assert up.change_summary == {"create": CREATES + 1}
    for name, field in (("chat", "deployment_id"), ("hf", "secret_id"), ("jane", "user_id"), ("ci", "user_id"),
                        ("lora", "model_id"), ("train", "dataset_id")):
        # the reviewer saw the real id
        assert re.search(rf'{field}\s*: "{up.outputs[name][field]}"', preview.stdout), (name, field)
    assert_state_is_the_server(stack, emulator)


def test_get_of_a_missing_object_fails_with_its_id(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    project = write_python_project(
        tmp_path / "reader",
        "reader",
        """
        import pulumi_fireworks as fireworks
        fireworks.Deployment.get("existing", "no-such-deployment")
        """,
    )
    stack = engine_env.stack(project, env_vars=emulator.env())
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    message = str(failure.value)
    assert "no-such-deployment" in message and "404" in message
    assert stack.resources("pulumi-python:dynamic/fireworks:Deployment") == []


def test_api_errors_are_short_and_say_what_to_do(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    stack = resources_stack({"ghost": {"type": "Deployment", "inputs": {"base_model": "accounts/fireworks/models/no-such-model"}}})
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    message = str(failure.value)
    assert "fireworks:Deployment 'ghost'" in message and "create failed: 404 NOT_FOUND:" in message
    assert "To fix:" in message
    assert "Traceback" not in message and "File \"" not in message


def test_inputs_unknown_at_preview_are_checked_later_not_refused(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    # The deployment's name is the server's: unknown while previewing its creation.
    stack = resources_stack({
        "chat": EVERY_TYPE["chat"],
        "endpoint": {"type": "Secret", "inputs": {"key_name": "CHAT_DEPLOYMENT", "value": "${chat.name}"}},
    })
    assert stack.preview().change_summary == {"create": 3}
    up = stack.up()
    assert up.outputs["endpoint"]["value"] == up.outputs["chat"]["name"]


def test_saved_plans_apply_as_previewed_for_updates_replacements_and_deletes_of_every_type(
    resources_stack: ResourcesStack, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """`pulumi preview --save-plan` in review, `pulumi up --plan` on merge: the engine
    refuses the plan if any resource's checked inputs differ from what was previewed."""
    stack = every_type_stack(resources_stack)

    def planned(resources: dict[str, dict[str, Any]], expected: dict[str, int]) -> None:
        set_resources(stack, resources)
        plan = tmp_path / f"plan-{len(list(tmp_path.iterdir()))}.json"
        assert stack.preview(plan=str(plan)).change_summary == expected
        assert stack.up(plan=str(plan)).change_summary == expected
        assert_state_is_the_server(stack, emulator)

    def edit(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out = json.loads(json.dumps(EVERY_TYPE))
        for name, inputs in changes.items():
            out[name]["inputs"].update(inputs)
        return out

    planned(EVERY_TYPE, {"create": CREATES + 1})
    # in place: Deployment, Secret, User, ServiceAccount, Model, Dataset, DeployedModel;
    # replaced: ApiKey (keys never change)
    in_place = edit(chat={"display_name": "Chat"}, hf={"key_name": "HF_TOKEN_2"}, jane={"role": "admin"},
                    ci={"display_name": "CI"}, **{"ci-key": {"display_name": "ci-2"}},
                    lora={"display_name": "LoRA"}, train={"display_name": "Train"}, load={"display_name": "Load"})
    planned(in_place, {"same": 1, "update": 7, "replace": 1})
    # replaced: Deployment, Secret, User, ServiceAccount (its key follows it), Model and Dataset
    # (other files), and the load (it follows its model and deployment)
    replaced = json.loads(json.dumps(in_place))
    for name, inputs in {"chat": {"deployment_id": "chat-explicit"}, "hf": {"secret_id": "hf-explicit"},
                         "jane": {"email": "jane.doe@acme.com"}, "ci": {"user_id": "ci-explicit"},
                         "lora": {"source": "adapters/support-2"}, "train": {"source": "data/train-2.jsonl"}}.items():
        replaced[name]["inputs"].update(inputs)
    planned(replaced, {"same": 1, "replace": CREATES})
    # deleted: everything
    planned({}, {"same": 1, "delete": CREATES})
    assert server_objects(emulator) == {}
