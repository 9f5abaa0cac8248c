"""What the emulator holds versus what a stack's state knows, object by object.

"Nothing orphaned, nothing duplicated" means exactly: the live objects on the emulator
(made by tests, so not the seeds) are the objects in the state, each once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from pulumi_fireworks._engine import registered_specs
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.engine import EngineStack

TYPE_PREFIX = "pulumi-python:dynamic/fireworks:"


def _list(emulator: RunningEmulator, path: str, key: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pageSize": 200}
    with emulator.client() as http:
        while True:
            body = http.get(path, params=params).raise_for_status().json()
            items += body.get(key, [])
            if not body.get("nextPageToken"):
                return items
            params["pageToken"] = body["nextPageToken"]


def server_objects(emulator: RunningEmulator) -> Counter[str]:
    """Resource names of the live (not soft-deleted) objects of the account."""
    account = f"/v1/accounts/{emulator.account_id}"
    names: Counter[str] = Counter()
    # Quotas and the like belong to the account from the start: no program makes or leaves them.
    specs = [s for s in registered_specs().values() if not s.owned_by_account]
    for collection, key in sorted({(s.collection, s.collection_key) for s in specs if not s.parent}):
        for item in _list(emulator, f"{account}/{collection}", key):
            names[item["name"]] += 1
    for spec in (s for s in specs if s.parent == "users/{user_id}"):  # API keys: under their user
        for user in [n for n in names if "/users/" in n and "/" + spec.collection + "/" not in n]:
            for item in _list(emulator, f"/v1/{user}/{spec.collection}", spec.collection_key):
                names[f"{user}/{spec.collection}/{item['keyId']}"] += 1
    return names


def account_settings(emulator: RunningEmulator) -> dict[str, Any]:
    """The values of what the account owns from the start (quotas): name -> document
    without its timestamps and usage, to tell "given back" from "left changed"."""
    account = f"/v1/accounts/{emulator.account_id}"
    settings: dict[str, Any] = {}
    for spec in (s for s in registered_specs().values() if s.owned_by_account):
        for item in _list(emulator, f"{account}/{spec.collection}", spec.collection_key):
            settings[item["name"]] = {k: v for k, v in item.items() if k not in ("createTime", "updateTime", "usage")}
    return settings


def state_objects(stack: EngineStack, account_id: str) -> Counter[str]:
    """Resource names of the Fireworks objects the stack's state holds (not the account's
    own, which no stack makes: see :func:`account_settings`)."""
    owned = {TYPE_PREFIX + s.type_name for s in registered_specs().values() if s.owned_by_account}
    names: Counter[str] = Counter()
    for resource in stack.resources():
        if not resource["type"].startswith(TYPE_PREFIX) or resource.get("external") or resource["type"] in owned:
            continue
        outputs = resource.get("outputs", {})
        if resource["type"].endswith(":ApiKey"):
            names[f"accounts/{account_id}/users/{outputs['user_id']}/apiKeys/{outputs['key_id']}"] += 1
        else:
            names[str(outputs["name"])] += 1
    return names


def assert_state_is_the_server(stack: EngineStack, emulator: RunningEmulator, *, made_elsewhere: tuple[str, ...] = ()) -> None:
    """Every live object is in the state exactly once, and the state holds nothing else
    (``made_elsewhere``: names of objects the test made outside the stack)."""
    server, state = server_objects(emulator), state_objects(stack, emulator.account_id)
    for name in made_elsewhere:
        server.pop(name, None)
    duplicates = {n: c for n, c in (server + state).items() if server[n] > 1 or state[n] > 1}
    assert not duplicates, f"duplicated: {duplicates}"
    assert set(server) - set(state) == set(), "orphaned on the server (no state knows them)"
    assert set(state) - set(server) == set(), "in the state but gone from the server"
