"""Fault rules (each action, matching by method/path/count/probability) and the request log."""

from __future__ import annotations

import json
import time

import fireworks
import httpx
import pytest
from fireworks import Fireworks

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA

DEPLOYMENTS = "/v1/accounts/my-account/deployments"


def test_error_action(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="POST", path="/v1/accounts/*/deployments", times=1,
                             action={"type": "error", "status": 503, "retryAfter": 7, "message": "maintenance"})
    response = api.post(DEPLOYMENTS, json={"baseModel": LLAMA})
    assert response.status_code == 503 and response.headers["retry-after"] == "7"
    assert response.json() == {"code": 14, "message": "maintenance", "details": []}
    assert api.post(DEPLOYMENTS, json={"baseModel": LLAMA}).status_code == 200  # times=1: gone
    assert emulator.admin.faults() == []


def test_error_action_with_explicit_code(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(path="/v1/accounts/*/deployments", action={"type": "error", "status": 409,
                                                                        "code": "ABORTED"})
    assert api.get(DEPLOYMENTS).json()["code"] == 10


def test_latency_action(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path=DEPLOYMENTS, times=1, action={"type": "latency", "seconds": 0.3})
    started = time.perf_counter()
    response = api.get(DEPLOYMENTS)
    assert response.status_code == 200 and time.perf_counter() - started >= 0.3
    assert emulator.admin.requests()[-1]["latencyMs"] >= 300


def test_drop_action_closes_the_connection_without_a_response(emulator: RunningEmulator, sdk: Fireworks) -> None:
    emulator.admin.add_fault(method="GET", path=DEPLOYMENTS, times=1, action={"type": "drop"})
    with pytest.raises(fireworks.APIConnectionError):
        sdk.deployments.list()
    assert emulator.admin.requests()[-1]["status"] == 0
    assert list(sdk.deployments.list()) == []  # the server keeps serving


def test_drop_action_raw(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path=DEPLOYMENTS, times=1, action={"type": "drop"})
    with pytest.raises(httpx.TransportError):
        api.get(DEPLOYMENTS)


def test_commit_then_error(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="POST", path=DEPLOYMENTS, times=1,
                             action={"type": "commit_then_error", "status": 500})
    response = api.post(DEPLOYMENTS, params={"deploymentId": "lost-reply"}, json={"baseModel": LLAMA})
    assert response.status_code == 500 and response.json()["code"] == 13
    assert api.get(f"{DEPLOYMENTS}/lost-reply").status_code == 200  # the create happened
    retry = api.post(DEPLOYMENTS, params={"deploymentId": "lost-reply"}, json={"baseModel": LLAMA})
    assert retry.status_code == 409  # what a naive retry sees


def test_path_regex_and_method_matching(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="DELETE", path_regex=r"/v1/accounts/[^/]+/deployments/keep-.*",
                             action={"type": "error", "status": 403})
    api.post(DEPLOYMENTS, params={"deploymentId": "keep-me"}, json={"baseModel": LLAMA})
    api.post(DEPLOYMENTS, params={"deploymentId": "drop-me"}, json={"baseModel": LLAMA})
    assert api.get(f"{DEPLOYMENTS}/keep-me").status_code == 200
    assert api.delete(f"{DEPLOYMENTS}/keep-me").status_code == 403
    assert api.delete(f"{DEPLOYMENTS}/drop-me").status_code == 200


def test_probability_is_reproducible_with_a_seed(api: httpx.Client, emulator: RunningEmulator) -> None:
    def run() -> list[int]:
        emulator.admin.clear_faults()
        emulator.admin.add_fault(path=DEPLOYMENTS, probability=0.5, seed=42,
                                 action={"type": "error", "status": 503})
        return [api.get(DEPLOYMENTS).status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert {200, 503} == set(first)


def test_times_counts_hits_and_rules_can_be_removed(api: httpx.Client, emulator: RunningEmulator) -> None:
    rule = emulator.admin.add_fault(path=DEPLOYMENTS, times=3, action={"type": "error", "status": 502})
    api.get(DEPLOYMENTS)
    listed = emulator.admin.faults()
    assert listed[0]["hits"] == 1 and listed[0]["remaining"] == 2
    emulator.admin.remove_fault(rule["id"])
    assert api.get(DEPLOYMENTS).status_code == 200


@pytest.mark.parametrize("bad", [{"action": {"type": "explode"}}, {"action": {"type": "error", "status": 200}},
                                 {"action": {"type": "drop"}, "probability": 2},
                                 {"action": {"type": "drop"}, "times": 0},
                                 {"action": {"type": "drop"}, "path": "/a", "pathRegex": "/b"}])
def test_bad_fault_rules_are_400(emulator: RunningEmulator, bad: dict[str, object]) -> None:
    assert emulator.admin.http.post("/faults", json=bad).status_code == 400


def test_request_log_records_requests_without_secrets(api: httpx.Client, emulator: RunningEmulator) -> None:
    api.post(DEPLOYMENTS, params={"deploymentId": "logged"},
             json={"baseModel": LLAMA, "directRouteApiKeys": ["super-secret-direct-key"]})
    api.get(f"{DEPLOYMENTS}/logged", params={"readMask": "name", "apiKey": emulator.api_key})
    httpx.get(emulator.url + DEPLOYMENTS, headers={"X-Api-Key": emulator.api_key})
    httpx.get(emulator.url + DEPLOYMENTS, headers={"Authorization": "Bearer not-a-real-key-123"})
    entries = emulator.admin.requests()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", DEPLOYMENTS, 200), ("GET", f"{DEPLOYMENTS}/logged", 200), ("GET", DEPLOYMENTS, 200),
        ("GET", DEPLOYMENTS, 401)]
    assert entries[0]["query"] == {"deploymentId": "logged"} and entries[0]["account"] == "my-account"
    assert entries[1]["query"] == {"readMask": "name", "apiKey": "<redacted>"}
    dumped = json.dumps(entries)
    for secret in (emulator.api_key, "super-secret-direct-key", "not-a-real-key-123", "Bearer", "uthorization"):
        assert secret not in dumped
    emulator.admin.clear_requests()
    assert emulator.admin.requests() == []
