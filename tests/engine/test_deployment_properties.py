"""Property-based: any valid Deployment spec converges — after `up`, neither `preview` nor `refresh` sees a change.

One stack walks through the generated specs, so consecutive examples also exercise
updates and replacements between arbitrary specs. This is what catches perpetual diffs
caused by server-side normalisation (defaults, duration spellings, omitted zero values).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_fireworks._wire import _enums
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import DeploymentStack, live_deployments, set_deployments
from tests.support.engine import EngineStack

BASE_MODELS = [
    "accounts/fireworks/models/llama-v3p1-8b-instruct",
    "accounts/fireworks/models/qwen3-0p6b",
    "accounts/fireworks/models/mixtral-8x7b",
]


def seconds_spelled(low: int, high: int) -> st.SearchStrategy[Any]:
    """A duration in any spelling users write: 90, "90s", "1m30s", "1.5m"."""
    def spell(seconds: int, style: int) -> Any:
        if style == 0:
            return seconds
        if style == 1:
            return f"{seconds}s"
        minutes, rest = divmod(seconds, 60)
        return f"{minutes}m{rest}s" if minutes else f"{rest}s"

    return st.builds(spell, st.integers(low, high), st.integers(0, 2))


@st.composite
def deployment_specs(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"base_model": draw(st.sampled_from(BASE_MODELS))}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "display_name": st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=40),
        "description": st.text(max_size=60),
        "accelerator_type": st.sampled_from(_enums.ACCELERATOR_TYPES),
        "accelerator_count": st.sampled_from([1, 2, 4, 8]),
        "precision": st.sampled_from(["FP16", "FP8", "BF16"]),
        "enable_addons": st.booleans(),
        "enable_mtp": st.booleans(),
        "enable_session_affinity": st.booleans(),
        "max_context_length": st.integers(0, 131072),
        "annotations": st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), st.text(max_size=10), max_size=3),
        "auto_tune": st.fixed_dictionaries({"long_prompt": st.booleans()}),
        "placement": st.one_of(
            st.fixed_dictionaries({"region": st.sampled_from(["US_IOWA_1", "US_TEXAS_2", "EU_FRANKFURT_1"])}),
            st.fixed_dictionaries({"multi_region": st.sampled_from(_enums.MULTI_REGIONS)}),
            st.fixed_dictionaries({"regions": st.lists(st.sampled_from(["US_IOWA_1", "US_TEXAS_2"]), min_size=1, max_size=2, unique=True)}),
        ),
        "autoscaling_policy": st.fixed_dictionaries(
            {},
            optional={
                "scale_up_window": seconds_spelled(0, 3600),
                "scale_down_window": seconds_spelled(0, 3600),
                "scale_to_zero_window": seconds_spelled(300, 7200),
                "load_targets": st.fixed_dictionaries({"default": st.sampled_from([0.25, 0.5, 0.8, 1.0])}),
            },
        ),
    }
    for field, strategy in optional.items():
        if draw(st.booleans()):
            spec[field] = draw(strategy)
    low = draw(st.integers(0, 2))
    if draw(st.booleans()):
        spec["min_replica_count"] = low
    if draw(st.booleans()):
        spec["max_replica_count"] = draw(st.integers(max(low, spec.get("min_replica_count", 0)), 4))
    speculation = draw(st.sampled_from(["none", "draft", "ngram"]))
    if speculation == "draft":
        spec["draft_model"] = "accounts/fireworks/models/qwen3-0p6b"
        spec["draft_token_count"] = draw(st.integers(1, 8))
    elif speculation == "ngram":
        spec["ngram_speculation_length"] = draw(st.integers(1, 8))
    return spec


@pytest.fixture
def walking_stack(deployment_stack: DeploymentStack) -> EngineStack:
    """One stack for every example: function-scoped fixtures are shared across examples."""
    return deployment_stack({})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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

