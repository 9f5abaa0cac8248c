"""The provider tier: our provider classes driven directly against a running emulator.

No Pulumi engine: each test calls check / diff / create / read / update / delete the way
the engine would, which is fast enough to cover every resource under lost responses,
failed creates, adoption and fault rules. What only the engine can show (plans, secrets
in state, policy packs, the real servicer) stays in tests/engine.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

from pulumi_fireworks._engine import NAME_KEY, URN_KEY, FireworksProvider
from pulumi_fireworks._config import CONFIG_ACCOUNT_ID, CONFIG_API_KEY, CONFIG_BASE_URL
from pulumi_fireworks.emulator.testing import RunningEmulator


class Driver:
    """One resource's provider, driven as the engine drives it."""

    def __init__(self, emulator: RunningEmulator, type_name: str, name: str) -> None:
        self.provider = FireworksProvider(type_name)
        self.provider._stack_config = {
            CONFIG_API_KEY: emulator.api_key,
            CONFIG_ACCOUNT_ID: emulator.account_id,
            CONFIG_BASE_URL: emulator.url,
        }
        self.hidden = {NAME_KEY: name, URN_KEY: f"urn:pulumi:test::provider-tier::fireworks:{type_name}::{name}"}

    def check(self, inputs: dict[str, Any], olds: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        result = self.provider.check(olds or {}, {**inputs, **self.hidden})
        assert result.failures == [], [f.reason for f in result.failures]
        return dict(result.inputs)

    def failures(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        return [(f.property, f.reason) for f in self.provider.check({}, {**inputs, **self.hidden}).failures]

    def create(self, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        result = self.provider.create(self.check(inputs))
        return str(result.id), dict(result.outs or {})

    def read(self, id_: str, state: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        result = self.provider.read(id_, state)
        return str(result.id), dict(result.outs or {}), dict(result.inputs or {})

    def diff(self, state: dict[str, Any], inputs: dict[str, Any], olds: Optional[dict[str, Any]] = None) -> Any:
        return self.provider.diff("", state, self.check(inputs, olds))

    def update(self, id_: str, state: dict[str, Any], inputs: dict[str, Any], olds: dict[str, Any]) -> dict[str, Any]:
        return dict(self.provider.update(id_, state, self.check(inputs, olds)).outs or {})

    def delete(self, id_: str, state: dict[str, Any]) -> None:
        self.provider.delete(id_, state)


@pytest.fixture
def driver(emulator: RunningEmulator) -> Callable[[str, str], Driver]:
    def make(type_name: str, name: str = "thing") -> Driver:
        return Driver(emulator, type_name, name)

    return make
