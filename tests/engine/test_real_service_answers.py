"""A whole environment through the real engine against the emulator's pessimistic profile:
every answer the public sources allow that is hardest on a client, at once (files that
land after the upload, no REST route to delete users, fields newer than SDK 1.2.30
dropped, zero values spelled out, 500 for missing secrets, ...). The provider tier runs
each resource's lifecycle under it; this shows the engine's view of one environment."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects
from tests.engine.test_convergence import EVERY_TYPE, EVERY_TYPE_FILES, SECRETS
from tests.support.inventory import assert_state_is_the_server, server_objects

KEYS = r"^/v1/accounts/[^/]+/users/[^/]+/apiKeys$"


def authenticates(emulator: RunningEmulator, key: str) -> bool:
    return httpx.get(f"{emulator.url}/v1/accounts", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_a_whole_environment_under_the_pessimistic_profile(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(profile="pessimistic")
    resources: dict[str, dict[str, Any]] = json.loads(json.dumps(EVERY_TYPE))
    resources["ci-key"]["inputs"]["annotations"] = {"team": "ml"}  # a field this gateway drops
    stack = resources_stack(resources, secrets=SECRETS, files=EVERY_TYPE_FILES)
    everything = len(resources) + 1  # and the stack
    emulator.admin.add_fault(method="POST", path_regex=KEYS, times=1, action={"type": "commit_then_error", "status": 503})

    up = stack.up()
    assert up.change_summary == {"create": everything}
    late = [r for r in emulator.admin.requests() if r["path"].endswith(":validateUpload") and r["status"] == 400]
    assert len(late) >= 3  # the model's files landed after the upload: validation was asked again
    assert up.outputs["lora"]["state"] == "READY"
    assert_state_is_the_server(stack, emulator)  # the key whose answer was lost is gone: one key
    key = up.outputs["ci-key"]["key"]
    assert authenticates(emulator, key)

    # The gateway dropped the key's annotations: no drift, so no new key.
    assert stack.refresh().change_summary == {"same": everything}
    assert stack.up().change_summary == {"same": everything}
    assert stack.outputs()["ci-key"]["key"] == key and authenticates(emulator, key)

    # No REST route deletes users: destroy fails, naming what is left and how to remove it.
    robot = up.outputs["ci"]["user_id"]
    made_elsewhere = httpx.post(
        f"{emulator.url}/v1/accounts/{emulator.account_id}/users/{robot}/apiKeys", json={"apiKey": {"displayName": "x"}},
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    ).raise_for_status().json()["key"]
    for route in ("404", "405"):
        emulator.admin.set_behaviour(user_delete_route=route)
        with pytest.raises(auto_errors.CommandError) as failure:
            stack.destroy()
        text = str(failure.value)
        assert f"firectl delete user {robot} --account-id {emulator.account_id}" in text, text
        assert f"DELETE answered {route}" in text and "still exists" in text
        assert "destroy complete" not in text.lower()
        assert not authenticates(emulator, key) and not authenticates(emulator, made_elsewhere)
    users = [u["name"] for u in live_objects(emulator, "users") if u["name"].rsplit("/", 1)[-1] in ("jane", robot)]
    assert len(users) in (1, 2)  # still there, as the message says
    for name in users:
        emulator.admin.delete_resource(name)  # removed as firectl would
    stack.destroy()
    assert server_objects(emulator) == {}
