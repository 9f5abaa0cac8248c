"""Quotas: a new account's defaults, usage counted from deployments, PATCH with its ceiling
and ``createIfNotExists``, and no create or delete route."""

from __future__ import annotations

import httpx

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA

QUOTAS = "/v1/accounts/my-account/quotas"


def test_a_new_account_has_the_documented_on_demand_defaults(api: httpx.Client) -> None:
    listed = api.get(QUOTAS).json()["quotas"]
    by_id = {q["name"].rsplit("/", 1)[-1]: q for q in listed}
    for gpu in ("nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-h200-141gb"):
        assert (by_id[gpu]["value"], by_id[gpu]["maxValue"]) == ("8", "8")  # int64: JSON strings
    assert by_id["gpu-hours-monthly"]["value"] == "2000" and by_id["lora-models"]["value"] == "100"
    assert (by_id["monthly-spend-usd"]["value"], by_id["monthly-spend-usd"]["maxValue"]) == ("500", "5000")
    assert api.get(f"{QUOTAS}/monthly-spend-usd").json() == by_id["monthly-spend-usd"]


def test_gpu_usage_follows_the_accounts_deployments(api: httpx.Client, emulator: RunningEmulator) -> None:
    h100 = f"{QUOTAS}/nvidia-h100-80gb"
    assert api.get(h100).json().get("usage", 0) == 0
    created = api.post("/v1/accounts/my-account/deployments", params={"deploymentId": "chat"},
                       json={"baseModel": LLAMA,
                             "acceleratorType": "NVIDIA_H100_80GB", "acceleratorCount": 2,
                             "minReplicaCount": 3, "maxReplicaCount": 3})
    assert created.status_code == 200, created.text
    emulator.admin.patch_resource("accounts/my-account/deployments/chat", {"state": "READY", "replicaCount": 3})
    assert api.get(h100).json()["usage"] == 6.0
    assert api.get(f"{QUOTAS}/nvidia-a100-80gb").json().get("usage", 0) == 0


def test_value_changes_in_place_up_to_the_ceiling_and_never_past_it(api: httpx.Client) -> None:
    path = f"{QUOTAS}/monthly-spend-usd"
    changed = api.patch(path, params={"updateMask": "value"}, json={"value": "5000"})
    assert changed.status_code == 200 and changed.json()["value"] == "5000"
    assert api.patch(path, params={"updateMask": "value"}, json={"value": 1200}).json()["value"] == "1200"  # a number too

    above = api.patch(path, params={"updateMask": "value"}, json={"value": "5001"})
    assert above.status_code == 400
    assert "5001" in above.json()["message"] and "5000" in above.json()["message"]

    raised = api.patch(path, json={"value": "1200", "maxValue": "99999"})  # no mask: maxValue is not ours
    assert raised.status_code == 403
    assert api.get(path).json()["value"] == "1200" and api.get(path).json()["maxValue"] == "5000"


def test_an_unknown_quota_is_made_only_when_asked(api: httpx.Client) -> None:
    path = f"{QUOTAS}/team-loras"
    assert api.get(path).status_code == 404
    assert api.patch(path, params={"updateMask": "value"}, json={"value": "10"}).status_code == 404
    made = api.patch(path, params={"updateMask": "value", "createIfNotExists": "true"}, json={"value": "10"})
    assert made.status_code == 200 and (made.json()["value"], made.json()["maxValue"]) == ("10", "10")


def test_quotas_cannot_be_created_or_deleted(api: httpx.Client) -> None:
    assert api.post(QUOTAS, json={"value": "1"}).status_code in (404, 405)
    assert api.delete(f"{QUOTAS}/monthly-spend-usd").status_code in (404, 405)
    assert api.get(f"{QUOTAS}/monthly-spend-usd").status_code == 200


def test_bad_values_are_refused_naming_the_field(api: httpx.Client) -> None:
    for bad in ("-1", "ten", True):
        answer = api.patch(f"{QUOTAS}/monthly-spend-usd", params={"updateMask": "value"}, json={"value": bad})
        assert answer.status_code == 400 and "value" in answer.json()["message"], bad
