"""Property-based, through the engine: a couple of generated Deployment specs converge in a real
stack (after `up`, neither `preview` nor `refresh` sees a change). The many examples run at
the provider tier (tests/provider/test_deployment_properties.py, same strategy); these show
that what holds there holds for the engine's own diff, refresh and state too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import DeploymentStack, live_deployments, set_deployments
from tests.provider.test_deployment_properties import deployment_specs
from tests.support.engine import EngineStack


@pytest.fixture
def walking_stack(deployment_stack: DeploymentStack) -> EngineStack:
    """One stack for every example: function-scoped fixtures are shared across examples."""
    return deployment_stack({})


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=deployment_specs())
def test_any_valid_spec_converges_with_no_diff(
    walking_stack: EngineStack, emulator: RunningEmulator, spec: dict[str, Any]
) -> None:
    stack = walking_stack
    set_deployments(stack, {"prop": spec})
    up = stack.up()
    assert up.outputs["prop"]["state"] == "READY"
    assert stack.preview().change_summary == {"same": 2}, f"perpetual diff for {spec}"
    # Refresh reads the server's normalised view back; it must still match the spec.
    assert stack.refresh().change_summary == {"same": 2}, f"refresh sees drift for {spec}"
    assert stack.preview().change_summary == {"same": 2}, f"diff after refresh for {spec}"
    assert len(live_deployments(emulator)) == 1
