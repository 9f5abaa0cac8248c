"""Fixtures for the emulator tests, on top of tests/conftest.py's ``emulator`` (one emulator
served per session on a real loopback port, reset before every test that uses it)."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest
from fireworks import Fireworks

from pulumi_fireworks._tls import tls_context
from pulumi_fireworks.emulator.testing import RunningEmulator


@pytest.fixture
def sdk(emulator: RunningEmulator) -> Iterator[Fireworks]:
    """The official SDK pointed at the emulator, without retries (tests see every error)."""
    client = Fireworks(
        api_key=emulator.api_key, account_id=emulator.account_id, base_url=emulator.url, max_retries=0,
        http_client=httpx.Client(verify=tls_context()),  # one TLS context for the session, not one per test
    )
    yield client
    client.close()


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """A raw HTTP client with the emulator's key, for wire-level assertions."""
    with emulator.client(timeout=30) as client:
        yield client
