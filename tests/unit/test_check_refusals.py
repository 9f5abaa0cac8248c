"""Plan-time refusals that hold for every resource: an output given as an input is named
(it would be ignored otherwise), and a required input missing says why it is required."""

from __future__ import annotations

import pytest

from pulumi_fireworks._engine import NAME_KEY, FireworksProvider, registered_specs

SPECS = registered_specs()


@pytest.mark.parametrize(
    ("type_name", "field"),
    [(t, f) for t, spec in sorted(SPECS.items()) for f in sorted(spec.output_names | spec.computed_inputs)],
)
def test_an_output_given_as_an_input_is_refused_naming_it(type_name: str, field: str) -> None:
    result = FireworksProvider(type_name).check({}, {NAME_KEY: "thing", field: "given"})
    reasons = [f.reason for f in result.failures]
    assert any(r.startswith(f"{type_name}.{field}: ") and "not an input" in r for r in reasons), reasons
    assert [f.property for f in result.failures if f.reason.startswith(f"{type_name}.{field}:")] == [field]


def test_a_lora_load_without_a_deployment_is_refused_with_the_reason() -> None:
    result = FireworksProvider("DeployedModel").check({}, {NAME_KEY: "load", "model": "accounts/a/models/m"})
    [failure] = result.failures
    assert failure.property == "deployment"
    assert failure.reason.startswith("DeployedModel.deployment: is required: Fireworks serves LoRA addons from dedicated")


def test_default_precision_is_no_input_of_a_base_model() -> None:
    result = FireworksProvider("Model").check(
        {}, {NAME_KEY: "m", "source": "missing", "kind": "HF_BASE_MODEL", "base_model_details": {"default_precision": "FP8"}}
    )
    assert any(f.reason.startswith("Model.base_model_details.default_precision: is not a field here") for f in result.failures)
