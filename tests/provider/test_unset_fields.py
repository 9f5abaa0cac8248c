"""An input left unset means the API's default where that default is managed: a live value
set elsewhere (a model made public in the web UI) is drift that refresh reports and the
update puts back. Fields the server decides are never compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.provider.test_lifecycles import ready_lora
from tests.support.content import LLAMA, adapter, write_files


def model_inputs(tmp_path: Path) -> dict[str, Any]:
    write_files(tmp_path, adapter("support"))
    return {"source": str(tmp_path / "support"), "base_model": LLAMA}


def load_inputs(emulator: RunningEmulator, driver: Callable[..., Driver]) -> dict[str, Any]:
    _, deployment = driver("Deployment", "multi-lora").create({"base_model": LLAMA, "enable_addons": True})
    return {"model": ready_lora(emulator, "support-lora"), "deployment": deployment["name"]}


#: type -> (field set elsewhere, its value there)
CASES = {
    "Model": ("public", True),
    "DeployedModel": ("public", True),
    "Deployment": ("enable_session_affinity", True),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_managed_default_changed_elsewhere_is_drift_and_is_put_back(
    kind: str, emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    field, elsewhere = CASES[kind]
    inputs = {"Model": lambda: model_inputs(tmp_path), "DeployedModel": lambda: load_inputs(emulator, driver),
              "Deployment": lambda: {"base_model": LLAMA}}[kind]()
    d = driver(kind)
    checked = d.check(inputs)
    id_, state = d.create(inputs)
    wire = {"public": "public", "enable_session_affinity": "enableSessionAffinity"}[field]
    emulator.admin.patch_resource(state["name"], {wire: elsewhere})

    _, state, refreshed = d.read(id_, state)
    assert refreshed[field] == elsewhere and state[field] == elsewhere  # refresh reports it
    decision = d.diff(state, inputs, olds=refreshed)
    assert decision.changes is True and decision.replaces == []
    d.update(id_, state, inputs, refreshed)  # up puts the default back
    assert not emulator.admin.get_resource(state["name"]).get(wire)
    _, state, again = d.read(id_, state)
    assert field not in again and d.diff(state, inputs, olds=again).changes is False
    assert field not in checked


def test_a_field_the_server_decides_is_never_drift(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    d = driver("Deployment")
    inputs = {"base_model": LLAMA}
    id_, state = d.create(inputs)
    emulator.admin.patch_resource(state["name"], {"displayName": "named in the web UI", "maxReplicaCount": 3})
    _, state, refreshed = d.read(id_, state)
    assert "display_name" not in refreshed and "max_replica_count" not in refreshed
    assert d.diff(state, inputs, olds=refreshed).changes is False


def test_an_explicit_zero_is_unset_so_the_servers_default_is_not_drift(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    """``max_replica_count: 0`` is what proto3 sends for "not set": a server may answer with its
    default (max(min, 1)) or keep what was there, and refresh must not turn that into a change
    every `up` repeats."""
    d = driver("Deployment")
    inputs = {"base_model": LLAMA, "max_replica_count": 0, "enable_session_affinity": False}
    id_, state = d.create(inputs)
    emulator.admin.patch_resource(state["name"], {"maxReplicaCount": 1})
    _, state, refreshed = d.read(id_, state)
    assert refreshed["max_replica_count"] == 0
    assert d.diff(state, inputs, olds=refreshed).changes is False


def test_raising_min_replicas_with_max_unset_ends_where_a_fresh_create_would(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    """Unset, max_replica_count is the server's max(min, 1), derived at create: an update that
    raises min must not be refused for the old default, nor leave max below min."""
    d = driver("Deployment")
    id_, state = d.create({"base_model": LLAMA})
    olds = d.check({"base_model": LLAMA})
    raised = {"base_model": LLAMA, "min_replica_count": 2}
    state = d.update(id_, state, raised, olds)
    live = emulator.admin.get_resource(state["name"])
    assert (live["minReplicaCount"], live["maxReplicaCount"]) == (2, 2)
    _, state, refreshed = d.read(id_, state)
    assert d.diff(state, raised, olds=refreshed).changes is False
