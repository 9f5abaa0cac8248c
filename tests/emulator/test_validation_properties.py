"""Properties of the emulator's proto3 JSON helpers (durations, filters, page tokens)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_fireworks._wire.deployment import Deployment
from pulumi_fireworks.emulator.errors import ApiError
from pulumi_fireworks.emulator.query import decode_page_token, encode_page_token, parse_filter
from pulumi_fireworks.emulator.validation import MAX_DURATION_SECONDS, format_duration, parse_duration

nanos = st.integers(min_value=0, max_value=MAX_DURATION_SECONDS * 10**9)


@given(nanos)
def test_duration_rendering_is_canonical_and_round_trips(total_nanos: int) -> None:
    seconds = Decimal(total_nanos) / Decimal(10**9)
    text = format_duration(seconds)
    assert re.fullmatch(r"\d+(\.(\d{3}|\d{6}|\d{9}))?s", text)
    assert parse_duration("f", text) == seconds
    assert format_duration(parse_duration("f", text)) == text


@pytest.mark.parametrize("bad", ["10m", "1h", "30", "s", "1.s", "1.0000000001s", "5m0s", " 30s"])
def test_non_proto_durations_are_rejected(bad: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_duration("autoscaling_policy.scale_up_window", bad)
    assert "autoscaling_policy.scale_up_window" in info.value.message


@given(st.integers(min_value=0, max_value=10**6), st.text(max_size=20))
def test_page_tokens_round_trip_and_bind_the_query(offset: int, other: str) -> None:
    token = encode_page_token(offset, ["parent", other])
    assert decode_page_token(token, ["parent", other]) == offset
    with pytest.raises(ApiError):
        decode_page_token(token, ["parent", other + "x"])


@given(st.text(alphabet=st.characters(blacklist_characters='"\\', blacklist_categories=("Cs",)), max_size=30))
def test_filter_string_equality(value: str) -> None:
    match = parse_filter(Deployment, f'display_name="{value}"')
    assert match({"displayName": value})
    assert not match({"displayName": value + "!"})


def test_filter_single_quotes_and_bad_escapes() -> None:
    assert parse_filter(Deployment, "display_name='it\\'s \"x\"'")({"displayName": 'it\'s "x"'})
    with pytest.raises(ApiError) as info:
        parse_filter(Deployment, r'display_name="a\q"')
    assert info.value.status == 400 and "filter" in info.value.message
