"""Cheap objects through their whole provider lifecycle on the real API (see conftest)."""

from __future__ import annotations

from typing import Any, Callable
from tests.support.content import LLAMA


def test_secret_lifecycle(live: Callable[[str], Any]) -> None:
    secret = live("Secret")
    inputs = {"key_name": "PF_LIVE_CHECK", "value": "first"}
    checked = secret.check(inputs)
    state = secret.create(inputs)
    read = secret.provider.read(secret.id, state)
    assert read.id == secret.id
    assert secret.provider.diff(secret.id, read.outs, secret.check(inputs, olds=read.inputs)).changes is False
    changed = secret.check({**inputs, "value": "second"}, olds=checked)
    secret.state = dict(secret.provider.update(secret.id, read.outs, changed).outs)
    secret.provider.delete(secret.id, secret.state)
    assert secret.provider.read(secret.id, secret.state).id == ""  # gone, whatever status a missing secret gets
    secret.id = ""


def test_scale_to_zero_deployment_is_created_and_deleted_at_once(live: Callable[[str], Any]) -> None:
    deployment = live("Deployment")
    state = deployment.create({
        "base_model": LLAMA,
        "min_replica_count": 0,
        "max_replica_count": 1,
        "autoscaling_policy": {"scale_to_zero_window": "5m"},
        "hard_delete": True,
        "wait_timeout": "30m",
    })
    assert state["state"] == "READY" and state["name"].endswith(deployment.id)
    read = deployment.provider.read(deployment.id, state)
    assert deployment.provider.diff(deployment.id, read.outs, deployment.check(
        {"base_model": LLAMA, "min_replica_count": 0, "max_replica_count": 1,
         "autoscaling_policy": {"scale_to_zero_window": "5m"}, "hard_delete": True, "wait_timeout": "30m"},
        olds=read.inputs,
    )).changes is False
