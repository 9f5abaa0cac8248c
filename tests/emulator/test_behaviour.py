"""The emulator's switchable behaviour: the admin API (validation, profiles, reset, the
CLI and ``running_emulator`` configuration), zero values spelled out, missing secrets as
500. The other switches have a test each in ``test_pessimistic.py`` (``jobOutputModelFullName``
in ``test_training_jobs.py``).

They exist so that clients are tested against servers they must survive. Spelled-out
zero values must still be what the official SDK's types describe (checked strictly),
also when the fields SDK 1.2.30 does not know are dropped.
"""

from __future__ import annotations

from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks import types as T

from pulumi_fireworks.emulator.__main__ import parser
from pulumi_fireworks.emulator.config import Behaviour, EmulatorConfig
from pulumi_fireworks.emulator.testing import RunningEmulator, running_emulator

from .helpers import LLAMA, lora_spec, raw
from .strict import assert_sdk_parses

# Fields newer than SDK 1.2.30 that a spelled-out object carries: absent from its fireworks/types/*.py, described
# by newer OpenAPI documents (e.g. the schema of https://docs.fireworks.ai/api-reference/create-deployment).
NEWER: dict[type, tuple[str, ...]] = {
    T.Deployment: ("annotations", "maxConcurrencyPerReplica", "preemptible", "hotLoadTrainerJob",
                   "hotLoadTransitionType", "autoscaling_policy.scalingSchedules",
                   "replica_stats.revocableReplicaCount", "replica_stats.effectiveReplicaCount"),
    T.User: ("permissionPreset",),
    T.APIKey: ("lastUsed", "annotations"),
    T.Dataset: ("encryptionState",),
}
#: What a gateway without the newer fields still sends that SDK 1.2.30's types lack: the
#: dataset's ``encryptionState``, which the SDK's own ``fireworks/lib/dataset_upload.py``
#: reads (so it is not marked newer_spec).
OLDER: dict[type, tuple[str, ...]] = {T.Dataset: ("encryptionState",)}

DEFAULTS = {
    "emitZeroValues": False, "missingSecretStatus": 404, "uploadLandingChecks": 0, "userDeleteRoute": "present",
    "dropNewerFields": False, "resignForgetsUploads": False, "ignoreSecretUpdateMask": False,
    "protoImmutableFields": False, "failedLoadsUnspecified": False, "jobOutputModelFullName": False,
    "profile": "default",
}
PESSIMISTIC = {
    "emitZeroValues": True, "missingSecretStatus": 500, "uploadLandingChecks": 3, "userDeleteRoute": "404",
    "dropNewerFields": True, "resignForgetsUploads": True, "ignoreSecretUpdateMask": True,
    "protoImmutableFields": True, "failedLoadsUnspecified": True, "jobOutputModelFullName": True,
    "profile": "pessimistic",
}


def objects(sdk: Fireworks, account_id: str) -> dict[type, dict[str, Any]]:
    """One of each object type, as a Get (or the only read there is) answers."""
    sdk.deployments.create(base_model=LLAMA, deployment_id="dep")
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
    assert emulator.admin.behaviour() == DEFAULTS
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


def test_zero_values_without_newer_fields_are_what_the_sdk_describes_strictly(
    emulator: RunningEmulator, sdk: Fireworks
) -> None:
    emulator.admin.set_behaviour(emit_zero_values=True, drop_newer_fields=True)
    got = objects(sdk, emulator.account_id)
    for sdk_type, body in got.items():
        assert_sdk_parses(sdk_type, body, allow_extra=OLDER.get(sdk_type, ()))
    assert "annotations" not in got[T.Deployment] and "permissionPreset" not in got[T.User]
    assert got[T.Deployment]["replicaStats"] == {
        "pendingSchedulingReplicaCount": 0, "downloadingModelReplicaCount": 0, "initializingReplicaCount": 0,
        "readyReplicaCount": 1,
    }


def test_missing_secret_delete_answers_500_when_switched(emulator: RunningEmulator, api: httpx.Client) -> None:
    path = f"/v1/accounts/{emulator.account_id}/secrets/nope"
    assert api.delete(path).status_code == 404
    emulator.admin.set_behaviour(missing_secret_status=500)
    response = api.delete(path)
    assert response.status_code == 500 and response.json()["code"] == 13


# -- the admin API ------------------------------------------------------------------------------------


def test_the_pessimistic_profile_round_trip(emulator: RunningEmulator) -> None:
    admin = emulator.admin
    assert admin.set_behaviour(profile="pessimistic") == PESSIMISTIC
    assert admin.behaviour() == PESSIMISTIC
    assert admin.set_behaviour(emit_zero_values=False) == {**PESSIMISTIC, "emitZeroValues": False, "profile": "custom"}
    assert admin.set_behaviour(profile="default") == DEFAULTS
    # keys next to the profile apply after it
    assert admin.set_behaviour(profile="pessimistic", user_delete_route="405") == {
        **PESSIMISTIC, "userDeleteRoute": "405", "profile": "custom"}
    assert admin.set_behaviour(user_delete_route="404") == PESSIMISTIC  # back to a profile: named again
    admin.reset()
    assert admin.behaviour() == DEFAULTS


def test_every_switch_has_a_set_behaviour_keyword(emulator: RunningEmulator) -> None:
    admin = emulator.admin
    assert admin.set_behaviour(
        emit_zero_values=True, missing_secret_status=500, upload_landing_checks=3, user_delete_route="404",
        drop_newer_fields=True, resign_forgets_uploads=True, ignore_secret_update_mask=True,
        proto_immutable_fields=True, failed_loads_unspecified=True, job_output_model_full_name=True,
    ) == PESSIMISTIC


@pytest.mark.parametrize(
    "patch,needle",
    [
        ({"emitZeroValues": "yes"}, "emitZeroValues"),
        ({"missingSecretStatus": 418}, "missingSecretStatus"),
        ({"missingSecretStatus": True}, "missingSecretStatus"),
        ({"colour": "blue"}, "colour"),
        ({"uploadLandingChecks": -1}, "uploadLandingChecks"),
        ({"uploadLandingChecks": "3"}, "uploadLandingChecks"),
        ({"uploadLandingChecks": True}, "uploadLandingChecks"),
        ({"userDeleteRoute": "406"}, "userDeleteRoute"),
        ({"userDeleteRoute": None}, "userDeleteRoute"),
        ({"dropNewerFields": 1}, "dropNewerFields"),
        ({"resignForgetsUploads": "true"}, "resignForgetsUploads"),
        ({"ignoreSecretUpdateMask": None}, "ignoreSecretUpdateMask"),
        ({"protoImmutableFields": "no"}, "protoImmutableFields"),
        ({"failedLoadsUnspecified": 0}, "failedLoadsUnspecified"),
        ({"jobOutputModelFullName": "yes"}, "jobOutputModelFullName"),
        ({"profile": "custom"}, "profile"),
        ({"profile": "optimistic"}, "profile"),
        # all or nothing: the valid key next to a bad one is not applied either
        ({"emitZeroValues": True, "uploadLandingChecks": -1}, "uploadLandingChecks"),
        ({"profile": "pessimistic", "userDeleteRoute": "406"}, "userDeleteRoute"),
    ],
)
def test_bad_behaviour_settings_are_400(emulator: RunningEmulator, patch: dict[str, Any], needle: str) -> None:
    response = emulator.admin.http.patch("/behaviour", json=patch)
    assert response.status_code == 400 and response.json()["code"] == 3
    assert needle in response.json()["message"]
    assert emulator.admin.behaviour() == DEFAULTS


def test_user_delete_route_also_takes_a_number(emulator: RunningEmulator) -> None:
    assert emulator.admin.http.patch("/behaviour", json={"userDeleteRoute": 501}).json()["userDeleteRoute"] == "501"


def test_a_configured_profile_is_what_reset_restores() -> None:
    with running_emulator(profile="pessimistic") as emu:
        assert emu.admin.behaviour() == PESSIMISTIC
        emu.admin.set_behaviour(profile="default")
        emu.admin.reset()
        assert emu.admin.behaviour() == PESSIMISTIC


def test_the_cli_flags_make_the_configured_behaviour() -> None:
    def configured(*argv: str) -> dict[str, Any]:
        args = vars(parser().parse_args(list(argv)))
        switches = {k: v for k, v in args.items() if k in EmulatorConfig.__dataclass_fields__ and k != "db"}
        return Behaviour.of(EmulatorConfig(**switches)).to_json()

    assert configured() == DEFAULTS
    assert configured("--profile", "pessimistic") == PESSIMISTIC
    assert configured("--profile", "pessimistic", "--no-emit-zero-values", "--user-delete-route", "501") == {
        **PESSIMISTIC, "emitZeroValues": False, "userDeleteRoute": "501", "profile": "custom"}
    assert configured("--upload-landing-checks", "2", "--drop-newer-fields", "--missing-secret-status", "500") == {
        **DEFAULTS, "uploadLandingChecks": 2, "dropNewerFields": True, "missingSecretStatus": 500,
        "profile": "custom"}
    with pytest.raises(SystemExit):
        parser().parse_args(["--profile", "optimistic"])
    with pytest.raises(SystemExit):
        parser().parse_args(["--upload-landing-checks", "-1"])
