"""The provider plugin's package schema (schema/plugin/pulumi-package.json), its helpers, and Cancel."""

from __future__ import annotations

import threading

import pytest

from pulumi_fireworks import _wait
from pulumi_fireworks._engine import registered_specs
from pulumi_fireworks._errors import WaitTimeoutError
from pulumi_fireworks.plugin import schema
from pulumi_fireworks.plugin.provider import _paths


def test_the_checked_in_package_schema_is_fresh() -> None:
    assert schema.main([]) == 0, "run `python -m pulumi_fireworks.plugin.schema --write`"


def test_every_resource_and_lookup_is_in_it_with_its_facts() -> None:
    doc = schema.package_schema()
    assert set(doc["resources"]) == {f"fireworks:index:{name}" for name in registered_specs()}
    deployment = doc["resources"]["fireworks:index:Deployment"]
    assert deployment["requiredInputs"] == ["base_model"]
    assert deployment["inputProperties"]["base_model"]["replaceOnChanges"] is True
    assert "replaceOnChanges" not in deployment["inputProperties"]["display_name"]
    assert deployment["inputProperties"]["direct_route_api_keys"]["secret"] is True
    assert doc["types"]["fireworks:index:AcceleratorType"]["enum"][0] == {"value": "NVIDIA_A100_80GB"}
    assert doc["resources"]["fireworks:index:ApiKey"]["properties"]["key"]["secret"] is True
    assert doc["resources"]["fireworks:index:Model"]["inputProperties"]["source"]["$ref"] == "pulumi.json#/Archive"
    assert {"fireworks:index:getQuota", "fireworks:index:listQuotas", "fireworks:index:getDeploymentShape"} <= set(doc["functions"])
    assert doc["config"]["variables"]["apiKey"]["secret"] is True


def test_detailed_diff_paths_walk_objects_to_the_changed_leaves() -> None:
    old = {"scale_to_zero_window": "600s", "scale_up_window": "30s"}
    assert _paths("autoscaling_policy", old, {**old, "scale_to_zero_window": "1200s"}) == ["autoscaling_policy.scale_to_zero_window"]
    assert _paths("base_model", "a", "b") == ["base_model"]
    assert _paths("annotations", None, {"team": "ml"}) == ["annotations"]


def test_cancel_ends_a_wait_at_its_next_look(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_wait, "_cancelled", threading.Event())  # this process's waits stay uncancelled
    looks: list[int] = []

    def fetch() -> dict[str, str]:
        looks.append(1)
        if len(looks) == 3:
            _wait.cancel_all()
        return {"state": "CREATING"}

    with pytest.raises(WaitTimeoutError, match="cancelled"):
        _wait.poll(fetch, lambda obj: False, timeout=3600, describe=lambda obj: "still CREATING")
    assert len(looks) == 3
