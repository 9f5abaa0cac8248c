"""The emulator's switchable behaviour: zero values spelled out, missing secrets as 500.

Both exist so that clients are tested against servers they must survive. Spelled-out
zero values must still be what the official SDK's types describe (checked strictly).
"""

from __future__ import annotations

from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks import types as T

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import BASE, lora_spec, raw
from .strict import assert_sdk_parses

# Fields newer than SDK 1.2.30 that a spelled-out object carries (reference §13.16).
NEWER: dict[type, tuple[str, ...]] = {
    T.Deployment: ("annotations", "maxConcurrencyPerReplica", "preemptible", "hotLoadTrainerJob",
                   "hotLoadTransitionType", "autoscaling_policy.scalingSchedules",
                   "replica_stats.revocableReplicaCount", "replica_stats.effectiveReplicaCount"),
    T.User: ("permissionPreset",),
    T.APIKey: ("lastUsed", "annotations"),
    T.Dataset: ("encryptionState",),
}


def objects(sdk: Fireworks, account_id: str) -> dict[type, dict[str, Any]]:
    """One of each object type, as a Get (or the only read there is) answers."""
    sdk.deployments.create(base_model=BASE, deployment_id="dep")
    sdk.secrets.create(name="sec", key_name="TOKEN", value="plaintext-value")
    sdk.users.create(email="jane@acme.com", role="user")
    sdk.api_keys.create("jane", api_key={"display_name": "k"})
    sdk.models.create(model_id="lora", model=lora_spec())  # type: ignore[arg-type]
    sdk.datasets.create(dataset_id="ds", dataset={"example_count": "1", "user_uploaded": {}})
    return {
        T.Deployment: raw(sdk.deployments.with_raw_response.get, "dep"),
        T.Secret: raw(sdk.secrets.with_raw_response.get, "sec"),
        T.User: raw(sdk.users.with_raw_response.get, "jane"),
        T.APIKey: raw(sdk.api_keys.with_raw_response.list, "jane")["apiKeys"][0],
        T.Account: raw(sdk.accounts.with_raw_response.get),
        T.Model: raw(sdk.models.with_raw_response.get, "lora"),
        T.Dataset: raw(sdk.datasets.with_raw_response.get, "ds"),
    }


def test_zero_values_are_omitted_by_default(emulator: RunningEmulator, sdk: Fireworks) -> None:
    assert emulator.admin.behaviour() == {"emitZeroValues": False, "missingSecretStatus": 404}
    got = objects(sdk, emulator.account_id)
    assert "displayName" not in got[T.Deployment] and "enableAddons" not in got[T.Deployment]
    assert got[T.Secret] == {"name": f"accounts/{emulator.account_id}/secrets/sec", "keyName": "TOKEN"}


def test_zero_values_spelled_out_are_what_the_sdk_describes(emulator: RunningEmulator, sdk: Fireworks) -> None:
    emulator.admin.set_behaviour(emit_zero_values=True)
    got = objects(sdk, emulator.account_id)
    for sdk_type, body in got.items():
        assert_sdk_parses(sdk_type, body, allow_extra=NEWER.get(sdk_type, ()))
    deployment = got[T.Deployment]
    assert deployment["displayName"] == "" and deployment["enableAddons"] is False
    assert deployment["minReplicaCount"] == 0 and deployment["directRouteType"] == "DIRECT_ROUTE_TYPE_UNSPECIFIED"
    assert deployment["deleteTime"] is None and deployment["annotations"] == {} and deployment["directRouteApiKeys"] == []
    assert got[T.Secret]["value"] == ""  # write-only: spelled out empty, never the value
    assert got[T.Dataset]["estimatedTokenCount"] == "0"  # int64 zero, as a string
    assert got[T.APIKey]["key"] == ""
    # reset restores the configured behaviour
    emulator.admin.reset()
    assert emulator.admin.behaviour()["emitZeroValues"] is False


def test_missing_secret_answers_500_when_switched_and_list_still_tells(
    emulator: RunningEmulator, sdk: Fireworks, api: httpx.Client
) -> None:
    path = f"/v1/accounts/{emulator.account_id}/secrets"
    assert api.get(f"{path}/nope").status_code == 404
    emulator.admin.set_behaviour(missing_secret_status=500)
    response = api.get(f"{path}/nope")
    assert response.status_code == 500 and response.json()["code"] == 13
    sdk.secrets.create(name="real", key_name="TOKEN", value="v")
    assert api.get(f"{path}/real").status_code == 200  # only missing ones
    assert [s["name"] for s in api.get(path).json()["secrets"]] == [f"accounts/{emulator.account_id}/secrets/real"]
    with pytest.raises(fireworks.InternalServerError):
        sdk.secrets.get("nope")


@pytest.mark.parametrize("patch", [{"emitZeroValues": "yes"}, {"missingSecretStatus": 418}, {"colour": "blue"}])
def test_bad_behaviour_settings_are_400(emulator: RunningEmulator, patch: dict[str, Any]) -> None:
    response = emulator.admin.http.patch("/behaviour", json=patch)
    assert response.status_code == 400
