"""Comparing what the user asked for with what the server holds (``_drift``)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fireworks._drift import is_zero, project, same, satisfies


def nothing(field: str, desired: Any, live: Any) -> bool:
    return False


MAPS = frozenset({"annotations", "autoscaling_policy.load_targets"})


@pytest.mark.parametrize("zero", [None, False, 0, 0.0, "", [], {}, "STATE_UNSPECIFIED", "ACCELERATOR_TYPE_UNSPECIFIED"])
def test_every_zero_value_means_not_set(zero: Any) -> None:
    assert is_zero(zero)
    assert satisfies("f", None, zero, nothing) and satisfies("f", zero, None, nothing)
    assert same(zero, None) and same(None, zero)


@pytest.mark.parametrize("value", [True, 1, "x", [0], {"a": 1}, UNKNOWN])
def test_values_that_are_set(value: Any) -> None:
    assert not is_zero(value)


def test_objects_match_on_the_fields_the_user_set() -> None:
    desired = {"scale_to_zero_window": "600s"}
    live = {"scale_to_zero_window": "600s", "scale_up_window": "30s"}  # a server default
    assert satisfies("autoscaling_policy", desired, live, nothing, MAPS)
    assert project("autoscaling_policy", desired, live, nothing, MAPS) == desired


def test_a_key_added_to_a_map_elsewhere_is_drift_and_refresh_records_it() -> None:
    desired = {"team": "ml"}
    live = {"team": "ml", "owner": "someone-else"}
    assert not satisfies("annotations", desired, live, nothing, MAPS)
    assert project("annotations", desired, live, nothing, MAPS) == live
    # a zero-valued extra key is no drift
    assert satisfies("annotations", desired, {"team": "ml", "x": ""}, nothing, MAPS)


def test_a_map_nested_in_an_object_is_a_map_too() -> None:
    desired = {"load_targets": {"default": 0.7}}
    live = {"load_targets": {"default": 0.7, "requests_per_second": 5.0}, "scale_up_window": "30s"}
    assert not satisfies("autoscaling_policy", desired, live, nothing, MAPS)
    assert project("autoscaling_policy", desired, live, nothing, MAPS) == {
        "load_targets": {"default": 0.7, "requests_per_second": 5.0}
    }


def test_numbers_compare_as_numbers_and_drift_takes_the_server_value() -> None:
    assert satisfies("f", 2, 2.0, nothing)
    assert project("display_name", "mine", "edited in the UI", nothing) == "edited in the UI"


def test_an_unknown_new_value_is_always_a_change() -> None:
    assert not same("x", UNKNOWN)
    assert not same({"a": "x"}, {"a": UNKNOWN})
