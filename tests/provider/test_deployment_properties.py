"""Property-based, at the provider tier: any valid Deployment spec converges. After a create,
an update or a replacement from the previous example, neither a plan nor a refresh sees a
change, under each way the emulator can answer (zero values omitted or spelled out, the
pessimistic profile).

One walk goes through the generated specs, so consecutive examples also exercise updates
and replacements between arbitrary specs, as a stack would. This is what catches perpetual
diffs caused by server-side normalisation (defaults, duration spellings, omitted zero values).
tests/engine/test_deployment_properties.py runs a few of the same specs through the engine.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_fireworks._wire import _enums
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.provider.test_lifecycles import PROFILES
from tests.support.inventory import server_objects
from tests.support.content import LLAMA, QWEN

BASE_MODELS = [
    LLAMA,
    QWEN,
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
        spec["draft_model"] = QWEN
        spec["draft_token_count"] = draw(st.integers(1, 8))
    elif speculation == "ngram":
        spec["ngram_speculation_length"] = draw(st.integers(1, 8))
    return spec



class Walk:
    """One Deployment carried from example to example, as a stack carries it from `up` to `up`."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.id = ""
        self.state: dict[str, Any] = {}
        self.olds: dict[str, Any] = {}

    def up(self, spec: dict[str, Any]) -> None:
        """What `up` does: check against the stored inputs, then create, update or replace
        (create first; a replacement is re-checked with no olds, as the engine does)."""
        d = self.driver
        if self.id:
            decision = d.diff(self.state, spec, olds=self.olds)
            if not decision.replaces:
                checked = d.check(spec, self.olds)
                if decision.changes:
                    self.state = dict(d.provider.update(self.id, self.state, checked).outs or {})
                self.olds = checked
                return
            d.delete(*self._create(spec))
        else:
            self._create(spec)

    def _create(self, spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create under fresh inputs; returns what was there before (id and state)."""
        previous = self.id, self.state
        self.olds = self.driver.check(spec)
        result = self.driver.provider.create(self.olds)
        self.id, self.state = str(result.id), dict(result.outs or {})
        return previous

    def refresh(self) -> None:
        self.id, self.state, self.olds = self.driver.read(self.id, self.state)


@pytest.fixture(params=sorted(PROFILES))
def walk(request: pytest.FixtureRequest, emulator: RunningEmulator, driver: Callable[..., Driver]) -> Walk:
    """One walk for every example of a test (function-scoped fixtures are shared across them)."""
    emulator.admin.set_behaviour(**PROFILES[request.param])
    return Walk(driver("Deployment", "prop"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=deployment_specs())
def test_any_valid_spec_converges_with_no_diff(walk: Walk, emulator: RunningEmulator, spec: dict[str, Any]) -> None:
    walk.up(spec)
    assert walk.state["state"] == "READY"
    assert walk.driver.diff(walk.state, spec, olds=walk.olds).changes is False, f"perpetual diff for {spec}"
    # Refresh reads the server's normalised view back; it must still match the spec.
    walk.refresh()
    assert walk.id, f"refresh lost the deployment of {spec}"
    assert walk.driver.diff(walk.state, spec, olds=walk.olds).changes is False, f"diff after refresh for {spec}"
    assert len(server_objects(emulator)) == 1
