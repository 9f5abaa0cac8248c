"""What users hit first, through the real engine against the emulator: a key rotation
that keeps the old key until the new one exists, unset fields changed elsewhere, an
interrupted create under an explicit id, ApiKey.get, and CLI diffs that name exactly
what changes (and why a failed object is replaced)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects, set_resources
from tests.engine.test_convergence import interrupt_twice, wait_for
from tests.support.content import LLAMA, adapter
from tests.support.inventory import assert_state_is_the_server, server_objects

KEYS = r"^/v1/accounts/[^/]+/users/[^/]+/apiKeys$"
KEY_TYPE = "pulumi-python:dynamic/fireworks:ApiKey"


def authenticates(emulator: RunningEmulator, key: str) -> bool:
    return httpx.get(f"{emulator.url}/v1/accounts", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_key_rotation_creates_the_new_key_first_and_a_failed_one_keeps_the_old_key_working(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({
        "ci": {"type": "ServiceAccount", "inputs": {"role": "inference-user"}},
        "ci-key": {"type": "ApiKey", "inputs": {"user_id": "${ci.user_id}", "display_name": "ci"}},
        "seen": {"type": "ApiKey", "get": {"id": "${ci-key.key_id}", "user_id": "${ci.user_id}"}},
    })
    up = stack.up()
    old = up.outputs["ci-key"]
    assert up.outputs["seen"]["display_name"] == "ci" and up.outputs["seen"]["key_id"] == old["key_id"]
    [urn] = [r["urn"] for r in stack.resources(KEY_TYPE) if not r.get("external")]

    emulator.admin.clear_requests()
    stack.up(replace=[urn])
    calls = [r["path"] for r in emulator.admin.requests() if r["method"] == "POST" and "apiKeys" in r["path"]]
    assert calls.index(next(p for p in calls if not p.endswith(":delete"))) < calls.index(next(p for p in calls if p.endswith(":delete")))
    new = stack.outputs()["ci-key"]["key"]
    assert new != old["key"] and authenticates(emulator, new) and not authenticates(emulator, old["key"])

    emulator.admin.add_fault(method="POST", path_regex=KEYS, action={"type": "error", "status": 400, "message": "refused"})
    with pytest.raises(auto_errors.CommandError):
        stack.up(replace=[urn])
    current = stack.outputs()["ci-key"]["key"]
    assert current == new and authenticates(emulator, current)
    emulator.admin.clear_faults()
    assert_state_is_the_server(stack, emulator)


def test_public_set_elsewhere_is_reported_by_refresh_and_reverted_by_up(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({
        "serve": {"type": "Deployment", "inputs": {"base_model": LLAMA, "enable_addons": True}},
        "lora": {"type": "Model", "inputs": {"source": "adapters/support", "base_model": LLAMA}},
        "load": {"type": "DeployedModel", "inputs": {"model": {"$resource": "lora"}, "deployment": {"$resource": "serve"}}},
    }, files=adapter("adapters/support"))
    up = stack.up()
    published = [up.outputs["lora"]["name"], up.outputs["load"]["name"]]
    for name in published:
        emulator.admin.patch_resource(name, {"public": True})  # the web UI, behind Pulumi's back

    refresh = stack.refresh()
    assert refresh.change_summary == {"same": 2, "update": 2}
    preview = stack.cli("preview", "--non-interactive").stdout
    assert preview.count("[diff: -public]") == 2 and "+name" not in preview
    stack.up()
    assert [bool(emulator.admin.get_resource(n).get("public")) for n in published] == [False, False]
    assert stack.preview().change_summary == {"same": 4}


def test_a_user_with_an_explicit_id_interrupted_mid_create_is_adopted_and_destroyed(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection="users", states=["CREATING"], timing={"seconds": 60})
    ann = {"type": "User", "inputs": {"email": "ann@acme.com", "role": "user", "user_id": "ann"}}
    stack = resources_stack({"ann": ann})
    process = stack.spawn("up", "--yes", "--skip-preview", "--non-interactive")
    wait_for(lambda: any(u["name"].endswith("/users/ann") for u in live_objects(emulator, "users")))
    interrupt_twice(process)
    emulator.admin.clear_lifecycle_rules()
    emulator.admin.advance_clock(60)  # the user the interrupted run started is made now

    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()  # the plain re-run: the user exists, made by the run that was interrupted
    assert "fireworks:User 'ann'" in str(failure.value) and "adopt_existing=True" in str(failure.value)
    set_resources(stack, {"ann": {**ann, "inputs": {**ann["inputs"], "adopt_existing": True}}})
    stack.up()
    assert_state_is_the_server(stack, emulator)
    stack.destroy()
    assert server_objects(emulator) == {}


def test_cli_diffs_name_the_fields_that_change_and_why_a_failed_object_is_replaced(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    resources: dict[str, dict[str, Any]] = {
        "hf": {"type": "Secret", "inputs": {"key_name": "HF_TOKEN", "value": {"$secret": "tokenOne"}}},
        "chat": {"type": "Deployment", "inputs": {"base_model": LLAMA, "min_replica_count": 0}},
    }
    stack = resources_stack(resources, secrets={"tokenOne": "value-one", "tokenTwo": "value-two"})
    chat_name = stack.up().outputs["chat"]["name"]
    stack.refresh()
    changed = json.loads(json.dumps(resources))
    changed["hf"]["inputs"]["value"] = {"$secret": "tokenTwo"}
    changed["chat"]["inputs"]["display_name"] = "chat"
    set_resources(stack, changed)
    steps = re.findall(r"fireworks:(\w+) \S+ update \[diff: ([^\]]*)\]", stack.cli("preview", "--non-interactive").stdout)
    assert sorted(steps) == [("Deployment", "+display_name"), ("Secret", "~value")]

    emulator.admin.patch_resource(chat_name, {"state": "FAILED", "status": {"code": "INTERNAL", "message": "node lost"}})
    stack.refresh()
    preview = stack.cli("preview", "--non-interactive")
    text = preview.stdout + preview.stderr
    assert re.search(r"fireworks:Deployment chat replace \[diff: [^\]]*~state\]", text), text
    assert "is FAILED: node lost on the server: the next `pulumi up` replaces it" in text

    changed["bad"] = {"type": "Secret", "inputs": {"key_name": "1X", "value": "v"}}
    set_resources(stack, changed)
    failed = stack.cli("preview", "--non-interactive", check=False)
    assert "1 errored" in failed.stdout and "Resource monitor has terminated" not in failed.stdout + failed.stderr
