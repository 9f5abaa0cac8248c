"""LoRA loads (DeployedModel) through the real engine against the emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fireworks import Fireworks
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.emulator.helpers import ready_lora
from tests.engine.conftest import ResourcesStack, live_objects, set_resources
from tests.support.content import LLAMA, QWEN, adapter
from tests.support.inventory import assert_state_is_the_server, server_objects

LOAD = "pulumi-python:dynamic/fireworks:DeployedModel"


def loras(emulator: RunningEmulator, *ids: str, base: str = LLAMA) -> list[str]:
    """READY LoRA addons made beforehand (as another team, or the Model resource, would)."""
    with Fireworks(api_key=emulator.api_key, account_id=emulator.account_id, base_url=emulator.url) as sdk:
        return [ready_lora(sdk, model_id, base) for model_id in ids]


def serving(model: str, **load: Any) -> dict[str, dict[str, Any]]:
    return {
        "multi-lora": {"type": "Deployment", "inputs": {"base_model": LLAMA, "enable_addons": True}},
        "support": {"type": "DeployedModel", "inputs": {"model": model, "deployment": {"$resource": "multi-lora"}, **load}},
    }


def test_load_lifecycle(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    # Zero values spelled out (as many gateways do): every profile (zero values omitted or spelled out, the
    # pessimistic one) runs at the provider tier (tests/provider/test_lifecycles.py); this
    # shows the same holds for the engine's own diff, refresh and state.
    emulator.admin.set_behaviour(emit_zero_values=True)
    v1, v2 = loras(emulator, "support-v1", "support-v2")
    stack = resources_stack(serving(v1, display_name="support"))
    up = stack.up()
    load = up.outputs["support"]
    assert load["state"] == "DEPLOYED"
    assert live_objects(emulator, "deployedModels")[0]["default"] is True  # the first load of a model
    assert load["inference_model"] == f"{v1}#{up.outputs['multi-lora']['name']}"
    assert stack.preview().change_summary == {"same": 3}
    assert stack.refresh().change_summary == {"same": 3}
    assert stack.preview().change_summary == {"same": 3}

    set_resources(stack, serving(v1, display_name="support (prod)", public=True))
    up = stack.up()
    assert up.change_summary == {"same": 2, "update": 1}
    assert up.outputs["support"]["id"] == load["id"]
    [live] = live_objects(emulator, "deployedModels")
    assert (live["displayName"], live.get("public")) == ("support (prod)", True)

    # A new adapter version: the new load comes up before the old one is unloaded.
    set_resources(stack, serving(v2, display_name="support (prod)", public=True))
    up = stack.up()
    assert up.change_summary == {"same": 2, "replace": 1}
    [live] = live_objects(emulator, "deployedModels")
    assert live["model"] == v2 and live["name"] == up.outputs["support"]["name"]
    requests = [(r["method"], r["path"]) for r in emulator.admin.requests()]
    post = requests.index(("POST", f"/v1/accounts/{emulator.account_id}/deployedModels"))
    delete = requests.index(("DELETE", f"/v1/accounts/{emulator.account_id}/deployedModels/{load['id']}"))
    assert post < delete  # create before delete: never a moment serving neither

    stack.destroy()
    assert live_objects(emulator, "deployedModels") == [] and live_objects(emulator, "deployments") == []


def test_a_load_that_fails_fails_up_with_the_status_and_leaves_nothing_loaded(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    [model] = loras(emulator, "broken")
    emulator.admin.add_lifecycle_rule(collection="deployedModels", outcome="FAILED", states=["DEPLOYING"],
                                      message="LoRA weights do not match the base model", status_code="INVALID_ARGUMENT")
    stack = resources_stack(serving(model))
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    assert "LoRA weights do not match the base model" in str(failure.value)
    assert live_objects(emulator, "deployedModels") == []
    assert stack.resources(LOAD) == []


def test_deployment_deleted_elsewhere_takes_its_loads_and_up_recreates_both(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    [model] = loras(emulator, "support")
    stack = resources_stack(serving(model))
    deployment = stack.up().outputs["multi-lora"]["name"]
    httpx.delete(
        f"{emulator.url}/v1/{deployment}", params={"ignoreChecks": "true", "hard": "true"},
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    ).raise_for_status()
    refresh = stack.refresh()
    assert refresh.change_summary.get("delete") == 2
    up = stack.up()
    assert up.change_summary.get("create") == 2
    assert_state_is_the_server(stack, emulator, made_elsewhere=(model,))


def test_a_deployment_declared_without_addons_is_refused_at_preview(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({
        "serve": {"type": "Deployment", "inputs": {"base_model": LLAMA}},
        "load": {"type": "DeployedModel", "inputs": {
            "model": "accounts/my-account/models/support", "deployment": {"$resource": "serve"}}},
    })
    emulator.admin.clear_requests()
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.preview()
    assert "DeployedModel.deployment:" in str(failure.value) and "set enable_addons=True on it" in str(failure.value)
    assert [r for r in emulator.admin.requests() if r["method"] != "GET"] == []
    assert server_objects(emulator) == {}


def test_a_load_without_a_deployment_is_refused_at_preview_with_the_reason(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({"load": {"type": "DeployedModel", "inputs": {"model": "accounts/my-account/models/support"}}})
    emulator.admin.clear_requests()
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.preview()
    assert "DeployedModel.deployment: is required: Fireworks serves LoRA addons from dedicated" in str(failure.value)
    assert emulator.admin.requests() == []


def test_a_new_adapter_version_from_files_replaces_model_and_load_without_a_gap(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    """The whole path from files to an endpoint in one stack: change the adapter's bytes,
    and the model and its load are replaced, each new one before the old one goes."""
    files = {**adapter("adapter"), **adapter("adapter-v2", weights=b"\2" * 4096)}
    stack_spec = {
        "multi-lora": {"type": "Deployment", "inputs": {"base_model": LLAMA, "enable_addons": True}},
        "support-lora": {"type": "Model", "inputs": {"source": "adapter", "base_model": LLAMA}},
        "support": {"type": "DeployedModel", "inputs": {
            "model": {"$resource": "support-lora"}, "deployment": {"$resource": "multi-lora"}}},
    }
    stack = resources_stack(stack_spec, files=files)
    first = stack.up().outputs
    assert first["support"]["state"] == "DEPLOYED"
    assert stack.preview().change_summary == {"same": 4}

    stack_spec["support-lora"]["inputs"]["source"] = "adapter-v2"
    set_resources(stack, stack_spec)
    assert stack.preview().change_summary == {"same": 2, "replace": 2}
    emulator.admin.clear_requests()
    up = stack.up()
    assert up.change_summary == {"same": 2, "replace": 2}
    [live] = live_objects(emulator, "deployedModels")
    assert live["model"] == up.outputs["support-lora"]["name"] != first["support-lora"]["name"]
    assert live["default"] is True
    calls = [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in emulator.admin.requests()]
    load_created = calls.index(("POST", "deployedModels"))
    old_load_deleted = calls.index(("DELETE", first["support"]["id"]))
    old_model_deleted = calls.index(("DELETE", first["support-lora"]["model_id"]))
    assert load_created < old_load_deleted < old_model_deleted
    assert_state_is_the_server(stack, emulator)
    stack.destroy()
    assert server_objects(emulator) == {}


def test_an_adapter_for_another_base_model_is_refused_at_preview(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({
        "serve": {"type": "Deployment", "inputs": {"base_model": QWEN, "enable_addons": True}},
        "support-lora": {"type": "Model", "inputs": {"source": "adapter", "base_model": LLAMA}},
        "load": {"type": "DeployedModel", "inputs": {
            "model": {"$resource": "support-lora"}, "deployment": {"$resource": "serve"}}},
    }, files=adapter("adapter"))
    emulator.admin.clear_requests()
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.preview()
    assert "DeployedModel.model:" in str(failure.value) and f"serves {QWEN}" in str(failure.value)
    assert [r for r in emulator.admin.requests() if r["method"] != "GET"] == []
