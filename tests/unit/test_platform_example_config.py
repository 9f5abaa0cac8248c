"""examples/platform-and-apps: each environment's policy config names real rules and keys,
and says what the environment's stack config does (dev scales to zero, production is
protected and keeps a replica)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_fireworks.policy import all_policies

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "platform-and-apps"
LEVELS = {"advisory", "mandatory", "remediate", "disabled"}


def policy_config(env: str) -> dict[str, Any]:
    return dict(json.loads((EXAMPLE / "policy" / f"{env}.json").read_text()))


def stack_config(env: str) -> dict[str, Any]:
    config = yaml.safe_load((EXAMPLE / "platform" / f"Pulumi.{env}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in config.items()}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_key_is_a_setting_of_a_real_rule(env: str) -> None:
    policies = {p.name: p for p in all_policies()}
    for rule, settings in policy_config(env).items():
        assert rule in policies, f"{env}: no rule {rule!r}"
        schema = policies[rule].config_schema
        known = set(schema.properties) if schema is not None else set()
        assert set(settings) - {"enforcementLevel"} <= known, f"{env}: {rule} has no {sorted(set(settings) - known)}"
        assert settings.get("enforcementLevel", "mandatory") in LEVELS


def test_dev_must_scale_to_zero_and_does() -> None:
    assert policy_config("dev")["fireworks-dev-scale-to-zero"]["enforcementLevel"] == "mandatory"
    assert stack_config("dev")["minReplicas"] == "0"


def test_production_must_be_protected_and_is() -> None:
    rule = policy_config("prod")["fireworks-production-deployments-protected"]
    assert rule["enforcementLevel"] == "mandatory" and "prod" in rule["productionStacks"]
    config = stack_config("prod")
    assert config["production"] == "true" and int(config["minReplicas"]) >= 1  # the program sets protect from it
