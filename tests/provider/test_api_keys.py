"""API keys: a replacement never revokes the key it replaces before the new one exists, a
failed rotation leaves the old key working, a rename elsewhere is no drift, and a key
whose create answer was lost is found and removed with or without annotations."""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver

KEYS = r"^/v1/accounts/[^/]+/users/[^/]+/apiKeys$"


def authenticates(emulator: RunningEmulator, key: str) -> bool:
    return httpx.get(f"{emulator.url}/v1/accounts", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def keys_of(emulator: RunningEmulator, user: str) -> list[dict[str, Any]]:
    path = f"{emulator.url}/v1/accounts/{emulator.account_id}/users/{user}/apiKeys"
    response = httpx.get(path, headers={"Authorization": f"Bearer {emulator.api_key}"}).raise_for_status()
    return list(response.json().get("apiKeys", []))


@pytest.fixture
def owner(driver: Callable[..., Driver]) -> str:
    user_id, _ = driver("ServiceAccount", "owner").create({"role": "inference-user"})
    return user_id


def test_a_replacement_with_unchanged_inputs_creates_the_new_key_before_the_old_one_goes(
    emulator: RunningEmulator, driver: Callable[..., Driver], owner: str
) -> None:
    d = driver("ApiKey", "ci-key")
    inputs = {"user_id": owner, "display_name": "ci"}
    old_inputs = d.check(inputs)
    old_id, old_state = d.create(inputs)
    # `pulumi up --replace`: the engine checks against the old inputs, creates, then deletes.
    new = d.provider.create(d.check(inputs, olds=old_inputs))
    assert new.id != old_id
    assert authenticates(emulator, old_state["key"]) and authenticates(emulator, new.outs["key"])
    d.delete(old_id, old_state)
    assert not authenticates(emulator, old_state["key"]) and authenticates(emulator, new.outs["key"])


def test_a_failed_rotation_leaves_the_old_key_working(
    emulator: RunningEmulator, driver: Callable[..., Driver], owner: str
) -> None:
    d = driver("ApiKey", "ci-key")
    inputs = {"user_id": owner, "display_name": "ci"}
    old_inputs = d.check(inputs)
    _, old_state = d.create(inputs)
    emulator.admin.add_fault(method="POST", path_regex=KEYS, action={"type": "error", "status": 400})
    with pytest.raises(ResourceError):
        d.provider.create(d.check(inputs, olds=old_inputs))
    assert authenticates(emulator, old_state["key"])
    assert [k["keyId"] for k in keys_of(emulator, owner)] == [old_state["key_id"]]


def test_a_key_renamed_elsewhere_is_no_drift(emulator: RunningEmulator, driver: Callable[..., Driver], owner: str) -> None:
    d = driver("ApiKey", "ci-key")
    inputs = {"user_id": owner, "display_name": "ci"}
    checked = d.check(inputs)
    id_, state = d.create(inputs)
    record = f"accounts/{emulator.account_id}/users/{owner}/apiKeys/{id_}"
    emulator.admin.patch_resource(record, {"displayName": "renamed in the web UI"})
    _, state, refreshed = d.read(id_, state)
    assert refreshed["display_name"] == "ci"
    assert d.diff(state, inputs, olds=refreshed).changes is False
    assert checked["display_name"] == "ci"


def test_a_key_appearing_during_a_create_whose_answer_was_lost_is_revoked(
    emulator: RunningEmulator, driver: Callable[..., Driver], owner: str
) -> None:
    other_id, other = driver("ApiKey", "other").create({"user_id": owner, "display_name": "ci"})
    emulator.admin.add_fault(method="POST", path_regex=KEYS, times=1, action={"type": "commit_then_error", "status": 503})
    id_, state = driver("ApiKey", "ci-key").create({"user_id": owner, "display_name": "ci"})
    assert sorted(k["keyId"] for k in keys_of(emulator, owner)) == sorted([other_id, id_])
    assert authenticates(emulator, state["key"]) and authenticates(emulator, other["key"])


def test_get_reads_a_key_of_a_named_user(emulator: RunningEmulator, driver: Callable[..., Driver], owner: str) -> None:
    id_, _ = driver("ApiKey", "ci-key").create({"user_id": owner, "display_name": "ci"})
    d = driver("ApiKey", "seen")
    read_id, outs, inputs = d.read(id_, {"user_id": owner})
    assert read_id == id_ and outs["display_name"] == "ci" and inputs["user_id"] == owner and not outs.get("key")


def test_a_key_left_by_a_killed_run_is_revoked_by_the_next_refresh_and_a_newer_one_is_kept(
    emulator: RunningEmulator, driver: Callable[..., Driver], owner: str
) -> None:
    d = driver("ApiKey", "ci-key")
    inputs = {"user_id": owner, "display_name": "ci"}
    _, orphan = d.create(inputs)  # the process was killed before the engine recorded it
    emulator.admin.advance_clock(5)
    id_, state = d.create(inputs)  # the re-run's key: the one the state holds
    emulator.admin.advance_clock(5)
    _, newer = d.create(inputs)  # an interrupted replacement's key: newer than the state's
    assert d.read(id_, state)[0] == id_
    assert sorted(k["keyId"] for k in keys_of(emulator, owner)) == sorted([id_, newer["key_id"]])
    assert not authenticates(emulator, orphan["key"]) and authenticates(emulator, state["key"])
