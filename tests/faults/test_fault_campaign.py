"""Fault campaign: one of every resource type, run under each fault the emulator injects
and under a hard interrupt. Whatever the first `up` does (succeed, or fail with an
error that says what to do), the recovery `up` converges: no orphans, no duplicates, the
state equals the server. Then `destroy` leaves nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack
from tests.engine.test_convergence import CREATE_PATHS, CREATES, EVERY_TYPE, every_type_stack, interrupt_twice, wait_for
from tests.support.inventory import assert_state_is_the_server, server_objects

API = r"^/v1/.*"

#: fault kind -> the rules that make it (see pulumi_fireworks/emulator/faults.py)
FAULTS: dict[str, list[dict[str, Any]]] = {
    "429-with-retry-after": [{"path_regex": API, "probability": 0.3, "seed": 1,
                              "action": {"type": "error", "status": 429, "retryAfter": 0.2}}],
    "5xx": [{"path_regex": API, "probability": 0.3, "seed": 2, "action": {"type": "error", "status": 503}}],
    "dropped-connections": [{"path_regex": API, "probability": 0.2, "seed": 3, "action": {"type": "drop"}}],
    "commit-then-4xx": [{"method": "POST", "path_regex": CREATE_PATHS, "times": CREATES,
                         "action": {"type": "commit_then_error", "status": 400}}],
    "commit-then-5xx": [{"method": "POST", "path_regex": CREATE_PATHS, "times": CREATES,
                         "action": {"type": "commit_then_error", "status": 502}}],
    "latency": [{"path_regex": API, "action": {"type": "latency", "seconds": 0.3}}],
}


def recover_and_check(stack: Any, emulator: RunningEmulator) -> None:
    emulator.admin.clear_faults()
    emulator.admin.set_lifecycle_default(timing="instant")
    stack.up()
    assert_state_is_the_server(stack, emulator)
    assert len(server_objects(emulator)) == len(EVERY_TYPE)
    assert stack.preview().change_summary == {"same": len(EVERY_TYPE) + 1}
    stack.destroy()
    assert server_objects(emulator) == {}


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_converges_after_faults(kind: str, resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    for rule in FAULTS[kind]:
        emulator.admin.add_fault(**rule)
    stack = every_type_stack(resources_stack)
    try:
        stack.up()
    except auto_errors.CommandError as failure:
        # A first `up` may give up under the faults; it must say so briefly.
        assert "Traceback" not in str(failure)
    recover_and_check(stack, emulator)


def test_converges_after_a_hard_interrupt_mid_create(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(timing={"seconds": 5})
    stack = every_type_stack(resources_stack)
    process = stack.spawn("up", "--yes", "--skip-preview", "--non-interactive")
    wait_for(lambda: len(server_objects(emulator)) >= 3)
    interrupt_twice(process)
    assert process.returncode != 0
    recover_and_check(stack, emulator)
