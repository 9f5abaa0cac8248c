"""Quota: taken over from the account at create and given back at destroy; the ceiling
checked before anything is written; drift seen by refresh, zero included."""

from __future__ import annotations

from typing import Callable

import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver

SPEND = "accounts/my-account/quotas/monthly-spend-usd"


def patches(emulator: RunningEmulator) -> list[dict[str, object]]:
    return [r for r in emulator.admin.requests() if r["method"] == "PATCH" and "/quotas/" in str(r["path"])]


def test_a_value_above_the_ceiling_is_refused_with_both_numbers_before_anything_is_written(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.clear_requests()
    with pytest.raises(ResourceError) as refused:
        driver("Quota", "budget").create({"quota_id": "monthly-spend-usd", "value": 9000})
    assert "value 9000 is above the quota's max_value 5000" in str(refused.value)
    assert "'budget'" in str(refused.value) and patches(emulator) == []


def test_an_update_above_the_ceiling_is_refused_too(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Quota", "budget")
    inputs = {"quota_id": "monthly-spend-usd", "value": 1000}
    id_, state = d.create(inputs)
    with pytest.raises(ResourceError, match=r"value 5001 is above the quota's max_value 5000"):
        d.update(id_, state, {**inputs, "value": 5001}, d.check(inputs))
    assert emulator.admin.get_resource(SPEND)["value"] == "1000"


def test_drift_is_seen_by_refresh_and_repaired_by_update(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Quota", "budget")
    inputs = {"quota_id": "monthly-spend-usd", "value": 1000}
    id_, state = d.create(inputs)
    emulator.admin.patch_resource(SPEND, {"value": "750"})  # firectl update quota, elsewhere
    _, state, refreshed = d.read(id_, state)
    assert refreshed["value"] == 750
    assert d.diff(state, inputs, olds=refreshed).changes is True
    state = d.update(id_, state, inputs, refreshed)
    assert emulator.admin.get_resource(SPEND)["value"] == "1000" and state["value"] == 1000
    assert state["original_value"] == 500  # what destroy gives back survives the update


def test_a_zero_quota_raised_elsewhere_is_drift(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Quota", "no-loras")
    inputs = {"quota_id": "lora-models", "value": 0}
    id_, state = d.create(inputs)
    assert emulator.admin.get_resource("accounts/my-account/quotas/lora-models")["value"] == "0"
    emulator.admin.patch_resource("accounts/my-account/quotas/lora-models", {"value": "40"})
    assert d.read(id_, state)[2]["value"] == 40


def test_a_quota_the_account_lacked_is_made_and_left_by_destroy(
    emulator: RunningEmulator, driver: Callable[..., Driver], capsys: pytest.CaptureFixture[str]
) -> None:
    d = driver("Quota", "team")
    id_, state = d.create({"quota_id": "team-loras", "value": 10})
    assert state["original_value"] is None and state["max_value"] == 10
    d.delete(id_, state)
    assert emulator.admin.get_resource("accounts/my-account/quotas/team-loras")["value"] == "10"
    assert "left as set: the account had no such quota" in capsys.readouterr().err


def test_deletion_policy_leave_keeps_the_value(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Quota", "budget")
    id_, state = d.create({"quota_id": "monthly-spend-usd", "value": 2000, "deletion_policy": "leave"})
    d.delete(id_, state)
    assert emulator.admin.get_resource(SPEND)["value"] == "2000"


def test_a_set_whose_answer_is_lost_is_sent_again(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    emulator.admin.add_fault(method="PATCH", path_regex=r".*/quotas/monthly-spend-usd", times=1,
                             action={"type": "commit_then_error", "status": 503})
    _, state = driver("Quota", "budget").create({"quota_id": "monthly-spend-usd", "value": 1500})
    assert emulator.admin.faults() == [] and state["value"] == 1500 and state["original_value"] == 500
    assert emulator.admin.get_resource(SPEND)["value"] == "1500"
