"""A refusal at plan time reaches the CLI intact, for every resource type, with no API call.

The rules themselves (every resource's table of bad inputs) are tested at the unit tier, in
tests/unit/test_bad_inputs.py; what only the engine shows is that the provider's message
survives the dynamic-provider servicer and the CLI, once per type, as the only error.
"""

from __future__ import annotations

import json

from pulumi.automation import errors as auto_errors

from pulumi_fireworks._engine import registered_specs
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, set_resources
from tests.unit.test_bad_inputs import BAD_INPUTS, FILES


def first_plain_row(type_name: str) -> tuple[dict[str, object], str]:
    """The type's first bad-input row that a program can take from JSON config."""
    for row_type, _, inputs, needle in BAD_INPUTS:
        if row_type == type_name:
            try:
                json.dumps(inputs)
            except TypeError:
                continue
            return inputs, needle
    raise AssertionError(f"no plain bad-input row for {type_name}")


def test_each_type_s_refusal_reaches_the_cli_as_the_one_error_without_an_api_call(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    stack = resources_stack({}, files=FILES)
    emulator.admin.clear_requests()
    for type_name in sorted(registered_specs()):
        inputs, needle = first_plain_row(type_name)
        set_resources(stack, {"bad": {"type": type_name, "inputs": inputs}})
        try:
            stack.preview()
        except auto_errors.CommandError as failure:
            output = str(failure)
        else:
            raise AssertionError(f"{type_name}: the preview of {inputs} passed")
        assert needle in output, f"{type_name}: {needle!r} not in {output[-800:]}"
        assert "Resource monitor has terminated" not in output
    assert emulator.admin.requests() == []
