"""The policy library's building blocks: values, views, stack names, config, the shipped pack."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pulumi_policy import Secret
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from pulumi_fireworks.policy import PACK_NAME, RULES, pack_directory, write_pack
from pulumi_fireworks.policy.docs import rule_table
from pulumi_fireworks.policy.origin import installed_origin
from pulumi_fireworks.policy.resources import DEPLOYMENT, MODEL, Deployment, view
from pulumi_fireworks.policy.settings import Config, PolicyConfigError
from pulumi_fireworks.policy.stacks import matches_any, project_of, stack_of
from pulumi_fireworks.policy.values import (
    UNKNOWN,
    Unknown,
    as_int,
    as_seconds,
    as_timestamp,
    plain,
    secret_keys,
    visible,
)
from tests.support.policy import UNKNOWN as WIRE_UNKNOWN
from tests.support.policy import secret

REPO = Path(__file__).resolve().parents[2]


def test_plain_reads_through_pulumi_policy_proxies() -> None:
    wire = {"a": 1.0, "b": WIRE_UNKNOWN, "c": {"d": [WIRE_UNKNOWN, 2.5, "x"]}, "s": secret("hidden"), "__provider": "p"}
    validation_view = unknown_checking_proxy(deserialize_properties(wire))
    assert plain(validation_view) == {"a": 1, "b": UNKNOWN, "c": {"d": [UNKNOWN, 2.5, "x"]}, "s": "hidden", "__provider": "p"}
    assert "__provider" not in visible(validation_view)
    remediation_view = deserialize_properties(wire, True)
    assert plain(remediation_view)["s"] == "hidden"


def test_secret_marks_are_visible_only_in_remediations() -> None:
    wire = {"value": secret("hidden"), "plain": "x"}
    assert secret_keys(deserialize_properties(wire, True)) == {"value"}
    assert secret_keys(unknown_checking_proxy(deserialize_properties(wire))) == frozenset()
    assert isinstance(deserialize_properties(wire, True)["__target"]["value"], Secret)


def test_field_readers() -> None:
    assert as_int(3.0) == 3 and as_int(None) is None and as_int(UNKNOWN) is UNKNOWN
    assert isinstance(as_int(2.5), Unknown) and isinstance(as_int(True), Unknown) and isinstance(as_int("3"), Unknown)
    assert as_seconds("10m") == as_seconds(600) == as_seconds("600s") == Decimal(600)
    assert isinstance(as_seconds("ten minutes"), Unknown)
    expected = datetime(2030, 1, 31, 12, 0, tzinfo=timezone.utc)
    assert as_timestamp("2030-01-31T12:00:00Z") == expected
    assert as_timestamp("2030-01-31T13:00:00+01:00") == expected
    assert as_timestamp("2030-01-31T12:00:00.123456789Z") == expected.replace(microsecond=123456)
    assert "no time zone" in as_timestamp("2030-01-31T12:00:00").reason  # type: ignore[union-attr]


def test_deployment_view() -> None:
    props = {
        "base_model": "m", "min_replica_count": 0.0, "max_replica_count": WIRE_UNKNOWN,
        "placement": {"regions": ["US_IOWA_1", WIRE_UNKNOWN]}, "autoscaling_policy": {"scale_to_zero_window": "15m"},
        "enable_addons": True, "__name": "chat",
    }
    dep = view(DEPLOYMENT, unknown_checking_proxy(deserialize_properties(props)))
    assert isinstance(dep, Deployment)
    assert dep.min_replica_count == 0 and dep.max_replica_count is UNKNOWN and dep.accelerator_count is None
    assert dep.placement.regions == ("US_IOWA_1", UNKNOWN)  # type: ignore[union-attr]
    assert dep.autoscaling_policy.scale_to_zero_window == 900  # type: ignore[union-attr]
    assert view("pulumi-python:dynamic/tiny:Tiny", props) is None
    assert view(MODEL, {"public": "yes"}).public.reason.startswith("expected a boolean")  # type: ignore[union-attr]


def test_stack_names_from_urns() -> None:
    urn = "urn:pulumi:prod-eu::guarded::pulumi-python:dynamic/fireworks:Deployment::chat"
    assert stack_of(urn) == "prod-eu" and project_of(urn) == "guarded"
    assert matches_any("Prod-EU", ["prod-*"]) and not matches_any("preprod", ["prod", "prod-*"])
    with pytest.raises(ValueError, match="not a Pulumi URN"):
        stack_of("dev")


def test_config_errors_name_the_policy_the_key_and_the_fix() -> None:
    with pytest.raises(PolicyConfigError) as caught:
        Config("fireworks-max-replicas", {"maxReplicas": "ten"}).integer("maxReplicas")
    assert str(caught.value) == (
        "policy 'fireworks-max-replicas': config 'maxReplicas' must be a whole number >= 0, got 'ten'; "
        "fix it in the file given to --policy-pack-config"
    )
    with pytest.raises(PolicyConfigError, match="maxScaleToZeroWindow"):
        Config("p", {"maxScaleToZeroWindow": "soon"}).duration_seconds("maxScaleToZeroWindow")
    with pytest.raises(PolicyConfigError, match="bad entry 'H100'"):
        Config("p", {"pricePerGpuHour": {"H100": "cheap"}}).numbers_by_name("pricePerGpuHour")


def test_every_default_satisfies_its_own_schema() -> None:
    for factory in RULES.values():
        schema = factory().config_schema
        for key, spec in (schema.properties if schema else {}).items():
            assert "description" in spec, key
            if "default" in spec:
                kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
                python = {"integer": int, "number": (int, float), "string": str, "array": list, "object": dict}
                assert any(isinstance(spec["default"], python[k]) for k in kinds), key


def test_shipped_pack_is_the_three_line_pack() -> None:
    folder = pack_directory()
    assert (folder / "__main__.py").read_text().splitlines() == [
        "from pulumi_policy import PolicyPack",
        "from pulumi_fireworks.policy import PACK_NAME, all_policies",
        "PolicyPack(name=PACK_NAME, policies=all_policies())",
    ]
    assert "virtualenv: venv" in (folder / "PulumiPolicy.yaml").read_text()
    assert PACK_NAME == "fireworks-guardrails"


def test_write_pack_installs_the_package_as_installed_here_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = write_pack(tmp_path / "pack")
    requirements = (target / "requirements.txt").read_text().splitlines()
    origin, policy_sdk = installed_origin()
    assert requirements == [*origin.lines(), policy_sdk]  # each origin: tests/unit/test_policy_origin.py
    with pytest.raises(FileExistsError, match="--force"):
        write_pack(target)
    write_pack(target, requirement="pulumi-fireworks @ file:///src", force=True)
    assert [line for line in (target / "requirements.txt").read_text().splitlines() if not line.startswith("#")] == [
        "pulumi-fireworks @ file:///src", policy_sdk
    ]


def test_cli_path_new_and_rules(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pulumi_fireworks.policy", *args],
                              capture_output=True, text=True, cwd=tmp_path)

    assert Path(run("path").stdout.strip()) == pack_directory()
    created = run("new", str(tmp_path / "p"))
    assert created.returncode == 0 and "pulumi preview --policy-pack" in created.stdout
    again = run("new", str(tmp_path / "p"))
    assert again.returncode == 1 and "--force" in again.stderr
    assert run("rules").stdout == rule_table()


def test_readme_rule_table_is_current() -> None:
    readme = (REPO / "README.md").read_text()
    start, end = "<!-- policy-rules:start -->\n", "<!-- policy-rules:end -->"
    assert start in readme and end in readme, "README needs the policy rule table markers"
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == rule_table(), "run `python -m pulumi_fireworks.policy rules` and paste it into README.md"


def test_readme_config_example_uses_real_rules_and_keys() -> None:
    import json

    section = (REPO / "README.md").read_text().split("## Policy pack", 1)[1]
    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    for rule, config in example.items():
        assert rule in RULES, rule
        schema = RULES[rule]().config_schema
        keys = set(schema.properties) if schema else set()
        given = {} if isinstance(config, str) else config
        assert set(given) - {"enforcementLevel"} <= keys, rule
