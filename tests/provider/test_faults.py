"""Every resource type under each fault the emulator injects (rate limits with Retry-After,
5xx, dropped connections, creates committed but answered with an error, latency).

Whatever the create under faults does — succeed after retries, or fail with a short error —
a plain second attempt (what the next `up` does: the engine recorded nothing for a failed
create, so it checks the inputs afresh) leaves exactly one object, and delete leaves none.
tests/faults runs a whole stack of every type through the engine under some of these faults
and a hard interrupt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.provider.test_lifecycles import CASES, CREATE_PATHS, prepare, with_files
from pulumi_fireworks._engine import registered_specs
from tests.support.inventory import account_settings, server_objects

API = r"^/v1/.*"

#: fault kind -> the rules that make it (see pulumi_fireworks/emulator/faults.py)
FAULTS: dict[str, list[dict[str, Any]]] = {
    "429-with-retry-after": [{"path_regex": API, "probability": 0.3, "seed": 1,
                              "action": {"type": "error", "status": 429, "retryAfter": 0.2}}],
    "5xx": [{"path_regex": API, "probability": 0.3, "seed": 2, "action": {"type": "error", "status": 503}}],
    "dropped-connections": [{"path_regex": API, "probability": 0.2, "seed": 3, "action": {"type": "drop"}}],
    "commit-then-4xx": [{"method": "POST", "path_regex": CREATE_PATHS, "times": 1,
                         "action": {"type": "commit_then_error", "status": 400}}],
    "commit-then-5xx": [{"method": "POST", "path_regex": CREATE_PATHS, "times": 1,
                         "action": {"type": "commit_then_error", "status": 502}}],
    "latency": [{"path_regex": API, "action": {"type": "latency", "seconds": 0.1}}],
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_create_under_faults_then_a_plain_retry_leaves_exactly_one_object(
    kind: str, fault: str, emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    inputs = prepare(kind, with_files(CASES[kind][0], tmp_path), driver, emulator)
    before, settings = server_objects(emulator), account_settings(emulator)
    owned = registered_specs()[kind].owned_by_account  # a quota: set, then given back; never made
    d = driver(kind)
    for rule in FAULTS[fault]:
        emulator.admin.add_fault(**rule)
    try:
        id_, state = d.create(inputs)
    except ResourceError as failure:
        assert "Traceback" not in str(failure) and f"fireworks:{kind}" in str(failure)
        emulator.admin.clear_faults()
        id_, state = d.create(inputs)
    emulator.admin.clear_faults()
    made = server_objects(emulator) - before
    assert list(made.values()) == ([] if owned else [1]), made  # exactly one new object, made once
    assert (account_settings(emulator) != settings) is owned

    d.delete(id_, state)
    assert server_objects(emulator) == before and account_settings(emulator) == settings
