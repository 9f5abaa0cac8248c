"""A Model create fails at any of its steps (endpoint, one PUT, validation, the wait for
READY): the error names the step and quotes the API, and nothing is left on the server,
because the engine records nothing for a failed create. The next attempt simply makes it.
tests/engine/test_models_datasets.py shows one of these through the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.support.content import LLAMA, adapter, write_files
from tests.support.inventory import server_objects

WEIGHTS = "adapter_model.safetensors"
#: step -> (an emulator fault, or {} for a model that never leaves UPLOADING; the error's words)
STEPS: dict[str, tuple[dict[str, Any], str]] = {
    "getUploadEndpoint": ({"method": "POST", "path": "/v1/accounts/*/models/*:getUploadEndpoint",
                           "action": {"type": "error", "status": 400, "message": "injected refusal"}},
                          "create failed at getUploadEndpoint: 400 INVALID_ARGUMENT: injected refusal"),
    "one PUT": ({"method": "PUT", "path": f"/emulator/uploads/accounts/*/models/*/{WEIGHTS}",
                 "action": {"type": "error", "status": 503, "retryAfter": 0}},
                f"create failed at upload of {WEIGHTS}: PUT answered 503 ServiceUnavailable"),
    # A definite refusal naming a file fails at once (only FAILED_PRECONDITION, files
    # still landing, is asked again).
    "validateUpload": ({"method": "GET", "path": "/v1/accounts/*/models/*:validateUpload",
                        "action": {"type": "error", "status": 400, "message": f"unexpected file: {WEIGHTS}.bak"}},
                       f"create failed at validateUpload: 400 INVALID_ARGUMENT: unexpected file: {WEIGHTS}.bak"),
    "READY never reached": ({}, "create did not finish within 1s (still UPLOADING, waiting for READY)"),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_failure_at_each_step_of_the_model_create_leaves_no_model(
    step: str, emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    fault, message = STEPS[step]
    if fault:
        emulator.admin.add_fault(**fault)
    else:
        emulator.admin.add_lifecycle_rule(collection="models", states=["UPLOADING"], outcome="STUCK")
    write_files(tmp_path, adapter("support"))
    inputs = {"source": str(tmp_path / "support"), "base_model": LLAMA, "wait_timeout": "1s"}
    d = driver("Model", "support-lora")

    with pytest.raises(ResourceError) as failure:
        d.create(inputs)
    assert "fireworks:Model 'support-lora'" in str(failure.value) and message in str(failure.value)
    assert not server_objects(emulator)  # deleted again: nothing is left UPLOADING
    validations = [r for r in emulator.admin.requests() if r["path"].endswith(":validateUpload")]
    assert len(validations) == (1 if step == "validateUpload" else len(validations))

    emulator.admin.clear_faults()
    emulator.admin.clear_lifecycle_rules()
    _, state = d.create(inputs)
    assert state["state"] == "READY"
