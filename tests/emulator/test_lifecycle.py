"""Managed lifecycles: timing (instant, after N reads, after S seconds) and outcomes
(READY, FAILED, STUCK), chosen globally, per collection or per resource name."""

from __future__ import annotations

import httpx
import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA

DEPLOYMENTS = "/v1/accounts/my-account/deployments"


def create(api: httpx.Client, dep_id: str) -> str:
    response = api.post(DEPLOYMENTS, params={"deploymentId": dep_id}, json={"baseModel": LLAMA})
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


def state(api: httpx.Client, dep_id: str) -> str:
    return str(api.get(f"{DEPLOYMENTS}/{dep_id}").json()["state"])


def test_instant_settles_on_the_first_read(api: httpx.Client) -> None:
    assert create(api, "fast") == "CREATING"
    assert state(api, "fast") == "READY"


def test_after_n_reads(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(timing={"reads": 3})
    assert create(api, "slow") == "CREATING"
    assert [state(api, "slow") for _ in range(5)] == ["CREATING"] * 3 + ["READY"] * 2


def test_list_reads_count_too(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(timing={"reads": 1})
    create(api, "listed")
    states = [api.get(DEPLOYMENTS).json()["deployments"][0]["state"] for _ in range(2)]
    assert states == ["CREATING", "READY"]


def test_after_seconds_on_the_emulator_clock(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(timing={"seconds": 600})
    create(api, "timed")
    assert state(api, "timed") == "CREATING"
    emulator.admin.advance_clock(599)
    assert state(api, "timed") == "CREATING"
    emulator.admin.advance_clock(2)
    assert state(api, "timed") == "READY"


def test_failed_outcome_for_one_deployment(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(name="accounts/*/deployments/doomed-*", states=["CREATING"],
                                      outcome="FAILED", message="out of H100 capacity",
                                      status_code="RESOURCE_EXHAUSTED")
    create(api, "doomed-1")
    create(api, "lucky")
    failed = api.get(f"{DEPLOYMENTS}/doomed-1").json()
    assert failed["state"] == "FAILED"
    assert failed["status"] == {"code": "RESOURCE_EXHAUSTED", "message": "out of H100 capacity"}
    assert "replicaCount" not in failed  # 0, omitted as proto3 does
    assert state(api, "lucky") == "READY"


def test_failed_deployment_can_be_updated_and_deleted(api: httpx.Client, emulator: RunningEmulator) -> None:
    rule = emulator.admin.add_lifecycle_rule(collection="deployments", states=["CREATING"], outcome="FAILED")
    create(api, "retry")
    assert state(api, "retry") == "FAILED"
    emulator.admin.remove_lifecycle_rule(rule["id"])
    patched = api.patch(f"{DEPLOYMENTS}/retry", params={"updateMask": "display_name"}, json={"displayName": "x"})
    assert patched.json()["state"] == "UPDATING"
    assert state(api, "retry") == "READY"
    assert api.delete(f"{DEPLOYMENTS}/retry", params={"hard": "true"}).status_code == 200


def test_stuck_never_settles(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(name_regex=r"accounts/my-account/deployments/stuck", outcome="STUCK")
    create(api, "stuck")
    emulator.admin.advance_clock(10 * 24 * 3600)
    assert {state(api, "stuck") for _ in range(20)} == {"CREATING"}


def test_stuck_delete(api: httpx.Client, emulator: RunningEmulator) -> None:
    create(api, "sticky")
    state(api, "sticky")
    emulator.admin.add_lifecycle_rule(collection="deployments", states=["DELETING"], outcome="STUCK")
    api.delete(f"{DEPLOYMENTS}/sticky", params={"hard": "true"})
    assert [state(api, "sticky") for _ in range(3)] == ["DELETING"] * 3


def test_hard_delete_with_reads_timing_stays_deleting_then_404(api: httpx.Client, emulator: RunningEmulator) -> None:
    create(api, "going")
    state(api, "going")
    emulator.admin.set_lifecycle_default(timing={"reads": 2})
    api.delete(f"{DEPLOYMENTS}/going", params={"hard": "true"})
    assert [api.get(f"{DEPLOYMENTS}/going").status_code for _ in range(3)] == [200, 200, 404]


def test_most_specific_rule_wins(emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(timing={"seconds": 5})
    emulator.admin.add_lifecycle_rule(collection="deployments", timing={"reads": 1})
    emulator.admin.add_lifecycle_rule(name="accounts/*/deployments/special", outcome="FAILED")
    policy = emulator.app.lifecycle.policy_for
    assert policy("accounts/a/deployments/special", "deployments", "CREATING").outcome == "FAILED"
    assert policy("accounts/a/deployments/other", "deployments", "CREATING").timing.mode == "reads"
    assert policy("accounts/a/models/m", "models", "UPLOADING").timing.mode == "seconds"
    listed = emulator.admin.lifecycle()
    assert listed["default"] == {"timing": {"seconds": 5.0}, "outcome": "READY"}
    assert [r["outcome"] for r in listed["rules"]] == ["READY", "FAILED"]


def test_policy_is_fixed_when_the_transition_starts(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(outcome="STUCK")
    create(api, "early")
    emulator.admin.set_lifecycle_default(outcome="READY")
    assert state(api, "early") == "CREATING"


@pytest.mark.parametrize("bad", [{"timing": "soon"}, {"timing": {"reads": -1}}, {"outcome": "MAYBE"}])
def test_bad_lifecycle_settings_are_400(emulator: RunningEmulator, bad: dict[str, object]) -> None:
    response = emulator.admin.http.post("/lifecycle/rules", json=bad)
    assert response.status_code == 400 and response.json()["code"] == 3


def test_reset_restores_the_default_lifecycle(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(outcome="STUCK")
    emulator.admin.add_lifecycle_rule(collection="deployments", outcome="FAILED")
    emulator.admin.reset()
    assert emulator.admin.lifecycle() == {"default": {"timing": "instant", "outcome": "READY"}, "rules": []}
    create(api, "after-reset")
    assert state(api, "after-reset") == "READY"
