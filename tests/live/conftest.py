"""The live tier: the provider against the real Fireworks API, for a maintainer with an
account to check in minutes that the emulator and the service still agree.

Opt-in twice: it is collected only with ``-m live`` (tests/conftest.py deselects it
otherwise, so CI never runs it), and it needs FIREWORKS_API_KEY for a real account
(FIREWORKS_ACCOUNT_ID optional; FIREWORKS_BASE_URL, if set, must not be the emulator).
Every test uses unique ids and registers its cleanup before creating anything.

    FIREWORKS_API_KEY=fw_... ./scripts/test -m live
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterator

import pytest

from pulumi_fireworks._config import CONFIG_ACCOUNT_ID, CONFIG_API_KEY, CONFIG_BASE_URL, DEFAULT_BASE_URL
from pulumi_fireworks._engine import NAME_KEY, URN_KEY, FireworksProvider


@pytest.fixture(scope="session")
def live_settings() -> dict[str, Any]:
    key = os.environ.get("FIREWORKS_API_KEY")
    base_url = os.environ.get("FIREWORKS_BASE_URL") or DEFAULT_BASE_URL
    if not key:
        pytest.skip("the live tier needs FIREWORKS_API_KEY for a real Fireworks account")
    if not base_url.startswith("https://"):
        pytest.skip(f"the live tier talks to the real API, not {base_url}")
    return {CONFIG_API_KEY: key, CONFIG_BASE_URL: base_url, CONFIG_ACCOUNT_ID: os.environ.get("FIREWORKS_ACCOUNT_ID")}


@pytest.fixture
def live(live_settings: dict[str, Any]) -> Iterator[Callable[[str], "LiveResource"]]:
    made: list[LiveResource] = []

    def make(type_name: str) -> LiveResource:
        resource = LiveResource(type_name, live_settings)
        made.append(resource)
        return resource

    yield make
    for resource in reversed(made):
        resource.clean_up()


class LiveResource:
    """One object on the real service, driven as the engine drives it; deleted at the end."""

    def __init__(self, type_name: str, settings: dict[str, Any]) -> None:
        self.provider = FireworksProvider(type_name)
        self.provider._stack_config = settings
        name = f"pf-live-{uuid.uuid4().hex[:8]}"
        self.hidden = {NAME_KEY: name, URN_KEY: f"urn:pulumi:live::pulumi-fireworks::{type_name}::{name}"}
        self.id = ""
        self.state: dict[str, Any] = {}

    def check(self, inputs: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.provider.check(olds or {}, {**inputs, **self.hidden})
        assert result.failures == [], [f.reason for f in result.failures]
        return dict(result.inputs)

    def create(self, inputs: dict[str, Any]) -> dict[str, Any]:
        result = self.provider.create(self.check(inputs))
        self.id, self.state = str(result.id), dict(result.outs or {})
        return self.state

    def clean_up(self) -> None:
        if self.id:
            self.provider.delete(self.id, self.state)
