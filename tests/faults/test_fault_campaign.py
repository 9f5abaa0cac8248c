"""Fault campaign: one of every resource type, run under faults the emulator injects
and under a hard interrupt. Whatever the first `up` does (succeed, or fail with an
error that says what to do), the recovery `up` converges: no orphans, no duplicates, the
state equals the server. Then `destroy` leaves nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack
from tests.engine.test_convergence import CREATES, EVERY_TYPE, every_type_stack, interrupt_twice, wait_for
from tests.provider.test_faults import FAULTS as EACH_FAULT
from tests.support.inventory import assert_state_is_the_server, server_objects

#: Through the engine: creates whose answer is lost (the engine records nothing for them, so
#: the re-run must find them, never make a second). Every fault for every type, one at a time,
#: runs at the provider tier (tests/provider/test_faults.py); rate limits through the engine
#: at scale in tests/engine/test_parallel.py (forty deployments in a storm of 429s).
FAULTS: dict[str, list[dict[str, Any]]] = {
    "commit-then-5xx": [{**EACH_FAULT["commit-then-5xx"][0], "times": CREATES}],
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
    output = interrupt_twice(process)
    assert process.returncode != 0 and "terminating" in output
    emulator.admin.advance_clock(60)  # what the interrupted run started settles now
    emulator.admin.set_lifecycle_default(timing="instant")

    stack.up()  # the plain re-run a user tries first: takes over what was started, makes the rest
    assert_state_is_the_server(stack, emulator)
    assert len(server_objects(emulator)) == len(EVERY_TYPE)
    # The engine keeps the interrupted creates as pending operations (and warns about them)
    # until a refresh drops them; they are in the state already, so dropping is right.
    assert json.loads(stack.export_text())["deployment"].get("pending_operations")
    stack.cli("refresh", "--yes", "--non-interactive", "--clear-pending-creates")
    assert not json.loads(stack.export_text())["deployment"].get("pending_operations")
    assert_state_is_the_server(stack, emulator)
    assert stack.preview().change_summary == {"same": len(EVERY_TYPE) + 1}
    stack.destroy()
    assert server_objects(emulator) == {}
