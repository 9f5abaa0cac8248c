"""Deployment's plan-time rules: check (validation, canonical form, autonaming) and diff."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fireworks._engine import AUTONAMED_KEY, NAME_KEY, FireworksProvider
from pulumi_fireworks._inputs import is_unknown
from tests.support.content import LLAMA, QWEN

provider = FireworksProvider("Deployment")

# (inputs beyond base_model, the field the failure must name, words the reason must contain)
BAD_INPUTS: list[tuple[dict[str, Any], str, str]] = [
    ({"accelerator_type": "NVIDIA_TPU_V5"}, "accelerator_type", "NVIDIA_H100_80GB"),
    ({"min_replica_count": -1}, "min_replica_count", "greater than or equal to 0"),
    ({"max_replica_count": -2}, "max_replica_count", "greater than or equal to 0"),
    ({"min_replica_count": 3, "max_replica_count": 1}, "min_replica_count", "must not exceed max_replica_count"),
    ({"autoscaling_policy": {"scale_up_window": "2h"}}, "autoscaling_policy.scale_up_window", "at most 3600s"),
    ({"autoscaling_policy": {"scale_down_window": 7200}}, "autoscaling_policy.scale_down_window", "at most 3600s"),
    ({"autoscaling_policy": {"scale_to_zero_window": "1m"}}, "autoscaling_policy.scale_to_zero_window", "at least 300s"),
    ({"autoscaling_policy": {"scale_up_window": "soon"}}, "autoscaling_policy.scale_up_window", "not a duration"),
    ({"autoscaling_policy": {"load_targets": {"default": 1.5}}}, "autoscaling_policy.load_targets", "(0, 1]"),
    ({"autoscaling_policy": {"load_targets": {"gpu_temp": 3}}}, "autoscaling_policy.load_targets", "unknown load target"),
    ({"draft_model": "accounts/fireworks/models/d", "ngram_speculation_length": 4}, "ngram_speculation_length", "not both"),
    ({"deployment_id": "Bad_ID"}, "deployment_id", "not a valid id"),
    ({"deployment_id": "1abc"}, "deployment_id", "starting with a letter"),
    ({"deployment_id": "x" * 64}, "deployment_id", "1-63"),
    ({"display_name": "n" * 64}, "display_name", "at most 63 characters"),
    ({"precision": "FP64"}, "precision", "FP16"),
    ({"placement": {"region": "US_IOWA_1", "multi_region": "US"}}, "placement", "exactly one"),
    ({"placement": {"region": "MARS_1"}}, "placement.region", "US_IOWA_1"),
    ({"accelerator_type": "NVIDIA_H100_80GB", "deployment_shape": "accounts/fireworks/deploymentShapes/s"}, "accelerator_type", "deployment_shape"),
    ({"accelerator_count": 0}, "accelerator_count", "greater than or equal to 1"),
    ({"direct_route_type": "CARRIER_PIGEON"}, "direct_route_type", "INTERNET"),
    ({"adopt_existing": True}, "adopt_existing", "needs deployment_id"),
    ({"wait_timeout": "0s"}, "wait_timeout", "at least 1s"),
    ({"autoscaling_policy": {"scaling_schedules": {"w": {"min_replica_count": 1, "schedule": "daily", "duration": "1h", "timezone": "UTC"}}}}, "autoscaling_policy.scaling_schedules.w.schedule", "cron"),
    ({"autoscaling_policy": {"scaling_schedules": {"w": {"min_replica_count": 1, "schedule": "0 9 * * 1-5", "duration": "1h", "timezone": "Mars/Olympus"}}}}, "autoscaling_policy.scaling_schedules.w.timezone", "IANA"),
    ({"enable_addons": "maybe"}, "enable_addons", "true or false"),
    ({"enable_addons": 1}, "enable_addons", "true or false"),
    ({"min_replica_count": True}, "min_replica_count", "whole number"),
    ({"max_replica_count": "3"}, "max_replica_count", "whole number"),
    ({"max_replica_count": 2.5}, "max_replica_count", "fractional part"),
    ({"replicas": 2}, "replicas", "not an input of this resource"),
    ({"max_replicas": 2}, "max_replicas", "did you mean 'max_replica_count'?"),
    ({"autoscaling_policy": {"scale_to_zero": "10m"}}, "autoscaling_policy.scale_to_zero", "did you mean 'scale_to_zero_window'?"),
    ({"autoscaling_policy": "fast"}, "autoscaling_policy", "must be an object"),
    ({"precision": "fp8"}, "precision", "did you mean 'FP8'?"),
]


@pytest.mark.parametrize(("extra", "field", "words"), BAD_INPUTS, ids=[case[1] + ":" + str(i) for i, case in enumerate(BAD_INPUTS)])
def test_bad_inputs_fail_naming_the_field(extra: dict[str, Any], field: str, words: str) -> None:
    result = provider.check({}, {"base_model": LLAMA, **extra, NAME_KEY: "d"})
    # Filed under the top-level input (Pulumi shows its value), the reason names the path.
    assert [f.property for f in result.failures] == [field.split(".")[0]]
    assert words in result.failures[0].reason
    assert result.failures[0].reason.startswith(f"Deployment.{field}:")
    assert "Inputs" not in result.failures[0].reason  # no internal class names


def test_base_model_is_required_and_checked() -> None:
    missing = provider.check({}, {NAME_KEY: "d"})
    assert [f.property for f in missing.failures] == ["base_model"]
    wrong = provider.check({}, {"base_model": "llama", NAME_KEY: "d"})
    assert "accounts/fireworks/models/" in wrong.failures[0].reason


def test_check_canonicalises_durations_and_autonames() -> None:
    result = provider.check(
        {},
        {"base_model": LLAMA, "autoscaling_policy": {"scale_to_zero_window": "10m", "scale_up_window": 30}, NAME_KEY: "My Chat"},
    )
    assert result.failures == []
    assert result.inputs["autoscaling_policy"] == {"scale_to_zero_window": "600s", "scale_up_window": "30s"}
    assert result.inputs["deployment_id"].startswith("my-chat-")
    assert result.inputs[AUTONAMED_KEY] is True


def test_check_keeps_the_generated_id_across_updates() -> None:
    first = provider.check({}, {"base_model": LLAMA, NAME_KEY: "chat"}).inputs
    again = provider.check(first, {"base_model": LLAMA, "display_name": "x", NAME_KEY: "chat"}).inputs
    assert again["deployment_id"] == first["deployment_id"]


# The dynamic provider server hands `check` an `Unknown()` object; the wire sentinel
# string is accepted too.
UNKNOWNS = [pytest.param(Unknown(), id="Unknown-object"), pytest.param(UNKNOWN, id="sentinel-string")]


@pytest.mark.parametrize("unknown", UNKNOWNS)
def test_unknown_values_at_preview_are_not_errors_and_stay_unknown(unknown: Any) -> None:
    result = provider.check(
        {},
        {"base_model": LLAMA, "display_name": unknown,
         "autoscaling_policy": {"scale_up_window": unknown, "scale_down_window": "1m"}, NAME_KEY: "d"},
    )
    assert result.failures == []
    assert result.inputs["autoscaling_policy"] == {"scale_up_window": UNKNOWN, "scale_down_window": "60s"}
    assert result.inputs["display_name"] == UNKNOWN


@pytest.mark.parametrize("unknown", UNKNOWNS)
def test_an_unknown_required_value_still_lets_other_errors_through(unknown: Any) -> None:
    fine = provider.check({}, {"base_model": unknown, NAME_KEY: "d"})
    assert fine.failures == [] and is_unknown(fine.inputs["base_model"])
    bad = provider.check({}, {"base_model": unknown, "min_replica_count": -1, NAME_KEY: "d"})
    assert [f.property for f in bad.failures] == ["min_replica_count"]


def checked(**inputs: Any) -> dict[str, Any]:
    result = provider.check({}, {"base_model": LLAMA, "deployment_id": "dep", NAME_KEY: "d", **inputs})
    assert result.failures == []
    return dict(result.inputs, state="READY", name="accounts/a/deployments/dep")  # as stored outputs


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"display_name": "new"}, []),
        ({"max_replica_count": 3}, []),
        ({"autoscaling_policy": {"scale_to_zero_window": "20m"}}, []),
        ({"accelerator_type": "NVIDIA_H200_141GB"}, []),
        ({"base_model": QWEN}, ["base_model"]),
        ({"placement": {"region": "US_TEXAS_2"}}, ["placement"]),
        ({"deployment_id": "other"}, ["deployment_id"]),
    ],
)
def test_diff_decides_update_or_replace_per_field(change: dict[str, Any], replaces: list[str]) -> None:
    olds = checked()
    news = {k: v for k, v in olds.items() if k not in ("state", "name")}
    news.update(provider.check({}, {**news, **change}).inputs)
    result = provider.diff("dep", olds, news)
    assert result.changes is True
    assert result.replaces == replaces
    # A user-chosen id that stays must be freed before its replacement is created;
    # a new id lets the replacement come up first.
    assert result.delete_before_replace is (bool(replaces) and news["deployment_id"] == "dep")


def test_no_diff_for_equivalent_spellings_and_provider_key() -> None:
    olds = checked(autoscaling_policy={"scale_to_zero_window": "10m"})
    news = provider.check({}, {"base_model": LLAMA, "deployment_id": "dep", NAME_KEY: "d", "autoscaling_policy": {"scale_to_zero_window": "600s"}}).inputs
    news["__provider"] = "another pickle"
    assert provider.diff("dep", olds, news).changes is False


def test_autonamed_replacement_creates_before_deleting() -> None:
    olds = dict(provider.check({}, {"base_model": LLAMA, NAME_KEY: "d"}).inputs)
    news = provider.check(olds, {"base_model": QWEN, NAME_KEY: "d"}).inputs
    result = provider.diff(olds["deployment_id"], olds, news)
    assert result.replaces == ["base_model"]
    assert result.delete_before_replace is False


def test_a_failed_deployment_is_replaced_even_without_input_changes() -> None:
    olds = dict(checked(), state="FAILED")
    news = {k: v for k, v in olds.items() if k not in ("state", "name")}
    result = provider.diff("dep", olds, news)
    assert result.changes is True and result.replaces == ["state"]


def test_a_create_only_flag_changed_later_is_no_diff() -> None:
    # Sent with the create call only: changing it later could not do anything, so it
    # must not show an update that sends nothing.
    olds = checked()
    news = {k: v for k, v in olds.items() if k not in ("state", "name")}
    news.update(provider.check({}, {**news, "disable_speculative_decoding": True}).inputs)
    assert provider.diff("dep", olds, news).changes is False
