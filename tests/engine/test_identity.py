"""Secret, User, ServiceAccount and ApiKey through the real engine against the emulator.

One stack holds all four types and lives a user's whole story: up, a no-change preview,
refresh (server-chosen ids stay outputs: nothing is replaced afterwards), in-place
updates, replacements, changes made behind Pulumi's back that refresh reports and up
repairs, and a destroy that leaves nothing. It runs twice: with the emulator omitting
zero values (protojson's default) and spelling them out (as many gateways do).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects, set_resources
from tests.support.engine import EngineStack, OperationResult

HF_TOKEN = "hf_token_value_0123456789abcdef"
HF_TOKEN_2 = "hf_token_value_rotated_fedcba9876"
WANDB_KEY = "wandb_key_value_passed_as_plain_text"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi's state marks a secret value
SECRET_CONFIG = {"hfToken": HF_TOKEN, "wandbKey": WANDB_KEY}

STACK: dict[str, dict[str, Any]] = {
    "hf": {"type": "Secret", "inputs": {"key_name": "HF_TOKEN", "value": {"$secret": "hfToken"}}},
    "wandb": {"type": "Secret", "inputs": {"key_name": "WANDB_API_KEY", "value": {"$plain": "wandbKey"}}},
    "jane": {"type": "User", "inputs": {"email": "jane@acme.com", "role": "user", "display_name": "Jane"}},
    "ci": {"type": "ServiceAccount", "inputs": {"role": "inference-user"}},
    "ci-key": {"type": "ApiKey", "inputs": {"user_id": "${ci.user_id}", "display_name": "ci"}},
}


def edited(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """STACK with some resources' inputs changed: ``edited(jane={"role": "admin"})``."""
    out = json.loads(json.dumps(STACK))
    for name, inputs in changes.items():
        out[name]["inputs"].update(inputs)
    return out


def secret_sha(emulator: RunningEmulator, secret_id: str) -> str:
    record = emulator.admin.get_resource(f"accounts/{emulator.account_id}/secrets/{secret_id}", record=True)
    return str(record["meta"]["valueSha256"])


def authenticates(emulator: RunningEmulator, key: str) -> bool:
    response = httpx.get(f"{emulator.url}/v1/accounts", headers={"Authorization": f"Bearer {key}"})
    return response.status_code == 200


def assert_never_shown(stack: EngineStack, emulator: RunningEmulator, results: list[OperationResult], values: list[str]) -> None:
    """Credentials appear in no engine output, no plain state export, no request log entry."""
    texts = [r.stdout + r.stderr for r in results]
    texts.append(stack.export_text())
    texts.append(json.dumps(emulator.admin.requests()))
    for value in values:
        for text in texts:
            assert value not in text


def test_identity_lifecycle(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    # Zero values omitted (protojson's default): every profile (zero values omitted or spelled out, the
    # pessimistic one) runs at the provider tier (tests/provider/test_lifecycles.py); this
    # shows the same holds for the engine's own diff, refresh and state.
    stack = resources_stack(STACK, secrets=SECRET_CONFIG)
    results: list[OperationResult] = []

    up = stack.up()
    results.append(up)
    assert up.change_summary == {"create": 6}
    out = up.outputs
    assert out["hf"]["name"] == f"accounts/{emulator.account_id}/secrets/{out['hf']['secret_id']}"
    assert out["jane"]["user_id"] == "jane" and out["jane"]["state"] == "READY"
    ci_id = out["ci"]["user_id"]
    assert ci_id.startswith("ci-") and out["ci"]["email"] == f"{ci_id}@{emulator.account_id}.sa.fireworks.ai"
    key = out["ci-key"]["key"]
    assert key.startswith("fw_") and authenticates(emulator, key)
    # Credentials are secrets in state, the one passed as plain text too.
    for type_name, field in (("Secret", "value"), ("ApiKey", "key")):
        for resource in stack.resources(f"pulumi-python:dynamic/fireworks:{type_name}"):
            assert SECRET_SIG in resource["outputs"][field], (type_name, field)
            assert SECRET_SIG in resource["inputs"].get(field, {SECRET_SIG: "(an output only)"})
    assert secret_sha(emulator, out["hf"]["secret_id"]) == hashlib.sha256(HF_TOKEN.encode()).hexdigest()
    assert [k["keyId"] for k in live_objects(emulator, "apiKeys", parent=f"users/{ci_id}")] == [out["ci-key"]["id"]]

    results.append(stack.preview())
    assert results[-1].change_summary == {"same": 6}
    # Refresh, then up: server-chosen ids (the key) and derived ids stay put, and the
    # key, which the API never shows again, survives.
    results.append(stack.refresh())
    assert results[-1].change_summary == {"same": 6}
    [api_key] = stack.resources("pulumi-python:dynamic/fireworks:ApiKey")
    assert "key_id" not in api_key["inputs"]  # the server's id is an output, never an input
    results.append(stack.up())
    assert results[-1].change_summary == {"same": 6}
    assert stack.outputs()["ci-key"]["key"] == key

    # In place: a secret's value and key name, a user's role, a service account's name.
    stack.set_config("hfToken", HF_TOKEN_2, secret=True)
    set_resources(stack, edited(
        wandb={"key_name": "WANDB_KEY"}, jane={"role": "admin"}, ci={"display_name": "CI robot"},
    ))
    up = stack.up()
    results.append(up)
    assert up.change_summary == {"same": 2, "update": 4}
    assert up.outputs["ci-key"]["id"] == out["ci-key"]["id"] and up.outputs["ci-key"]["key"] == key
    assert secret_sha(emulator, out["hf"]["secret_id"]) == hashlib.sha256(HF_TOKEN_2.encode()).hexdigest()
    [wandb] = [s for s in live_objects(emulator, "secrets") if s["name"].endswith(out["wandb"]["secret_id"])]
    assert wandb["keyName"] == "WANDB_KEY"
    [jane] = [u for u in live_objects(emulator, "users") if u["name"].endswith("/jane")]
    assert jane["role"] == "admin"

    # Replacements: an explicit secret id, a new e-mail, a new key (created, then the old one deleted).
    spec = edited(
        hf={"secret_id": "hf-token"},
        wandb={"key_name": "WANDB_KEY"},
        jane={"role": "admin", "email": "jane.doe@acme.com"},
        ci={"display_name": "CI robot"},
        **{"ci-key": {"display_name": "ci-2"}},
    )
    set_resources(stack, spec)
    up = stack.up()
    results.append(up)
    assert up.change_summary == {"same": 3, "replace": 3}
    assert up.outputs["hf"]["secret_id"] == "hf-token" and up.outputs["jane"]["user_id"] == "jane-doe"
    new_key = up.outputs["ci-key"]["key"]
    assert new_key != key and authenticates(emulator, new_key) and not authenticates(emulator, key)
    assert sorted(s["name"].rsplit("/", 1)[-1] for s in live_objects(emulator, "secrets")) == sorted(
        ["hf-token", out["wandb"]["secret_id"]]
    )
    assert len(live_objects(emulator, "apiKeys", parent=f"users/{ci_id}")) == 1

    # Behind Pulumi's back: a role reverted, a secret and the key deleted, a name changed.
    account = f"accounts/{emulator.account_id}"
    emulator.admin.patch_resource(f"{account}/users/jane-doe", {"role": "user"})
    emulator.admin.patch_resource(f"{account}/users/{ci_id}", {"displayName": "renamed in the UI"})
    emulator.admin.delete_resource(f"{account}/secrets/hf-token")
    emulator.admin.delete_resource(f"{account}/users/{ci_id}/apiKeys/{up.outputs['ci-key']['id']}")
    refresh = stack.refresh()
    results.append(refresh)
    assert refresh.change_summary == {"same": 2, "update": 2, "delete": 2}
    up = stack.up()
    results.append(up)
    assert up.change_summary == {"same": 2, "update": 2, "create": 2}
    [jane] = [u for u in live_objects(emulator, "users") if u["name"].endswith("/jane-doe")]
    assert jane["role"] == "admin"
    assert any(s["name"].endswith("/hf-token") for s in live_objects(emulator, "secrets"))
    assert authenticates(emulator, up.outputs["ci-key"]["key"])
    results.append(stack.preview())
    assert results[-1].change_summary == {"same": 6}

    destroy = stack.destroy()
    results.append(destroy)
    assert destroy.change_summary == {"delete": 6}
    assert live_objects(emulator, "secrets") == []
    assert [u for u in live_objects(emulator, "users") if u["name"].split("/")[-1] in ("jane-doe", "jane", ci_id)] == []

    credentials = [HF_TOKEN, HF_TOKEN_2, WANDB_KEY, key, new_key, up.outputs["ci-key"]["key"]]
    assert_never_shown(stack, emulator, results, credentials)
