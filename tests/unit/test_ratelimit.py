"""The process-wide request-rate limiter, on a fake clock."""

from __future__ import annotations

import logging

import pytest

from pulumi_fireworks import _ratelimit
from pulumi_fireworks._config import Settings
from pulumi_fireworks._http import Client
from pulumi_fireworks._ratelimit import CUT_COOLDOWN, HOLD_AFTER, MAX_PAUSE, RECOVERY, RateLimiter, rate_setting


class FakeTime:
    def __init__(self) -> None:
        self.now = 500.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def send_times(limiter: RateLimiter, time: FakeTime, count: int) -> list[float]:
    """When ``count`` back-to-back callers get to send (each waits for its turn)."""
    times = []
    for _ in range(count):
        limiter.acquire(time.sleep)
        times.append(time.now)
    return times


def test_bursts_up_to_the_bucket_then_holds_the_rate() -> None:
    time = FakeTime()
    limiter = RateLimiter(10.0, burst=5, clock=time.clock)
    times = send_times(limiter, time, 25)
    assert times[:5] == [500.0] * 5  # the burst goes at once
    gaps = [b - a for a, b in zip(times[5:], times[6:])]
    assert all(gap == pytest.approx(0.1) for gap in gaps)
    for start in range(len(times)):  # any window of w seconds carries at most burst + rate * w
        for end in range(start, len(times)):
            assert end - start + 1 <= 5 + 10.0 * (times[end] - times[start]) + 1e-9


def test_reservations_of_concurrent_callers_are_spaced_by_the_rate() -> None:
    time = FakeTime()
    limiter = RateLimiter(20.0, burst=1, clock=time.clock)
    waits = [limiter.reserve() for _ in range(5)]  # five threads asking at the same instant
    assert waits == pytest.approx([0.0, 0.05, 0.10, 0.15, 0.20])


def test_a_429_halves_everyones_rate_and_drains_the_burst() -> None:
    time = FakeTime()
    limiter = RateLimiter(10.0, clock=time.clock)
    limiter.throttled(1.0)
    assert limiter.paused_for() == 0.0  # a short Retry-After is the refused request's own wait
    assert limiter.rate() == pytest.approx(5.0)
    times = send_times(limiter, time, 3)
    # No burst after a 429: one goes at once, then about the cut rate (it recovers slowly).
    assert times == pytest.approx([500.0, 500.2, 500.4], abs=0.01)


def test_a_long_retry_after_holds_everyone_until_it_has_passed() -> None:
    time = FakeTime()
    limiter = RateLimiter(10.0, clock=time.clock)
    limiter.throttled(HOLD_AFTER + 25.0)
    assert limiter.paused_for() == pytest.approx(HOLD_AFTER + 25.0)
    times = send_times(limiter, time, 2)
    assert times == pytest.approx([530.0, 530.2], abs=0.01)
    limiter.throttled(10_000.0)
    assert limiter.paused_for() == pytest.approx(MAX_PAUSE)


def test_a_volley_of_429s_cuts_once_and_repeated_volleys_stop_at_a_tenth() -> None:
    time = FakeTime()
    limiter = RateLimiter(16.0, clock=time.clock)
    for _ in range(10):  # responses of requests already in flight
        limiter.throttled(1.0)
    assert limiter.rate() == pytest.approx(8.0)
    for _ in range(20):
        time.now += CUT_COOLDOWN
        limiter.throttled(None)
    assert limiter.rate() == pytest.approx(1.6)
    assert limiter.throttles == 30


def test_the_rate_recovers_linearly_after_a_hold() -> None:
    time = FakeTime()
    limiter = RateLimiter(10.0, clock=time.clock)
    limiter.throttled(HOLD_AFTER)
    time.now += HOLD_AFTER
    assert limiter.rate() == pytest.approx(5.0)
    time.now += RECOVERY / 4
    assert limiter.rate() == pytest.approx(7.5)
    time.now += RECOVERY
    assert limiter.rate() == pytest.approx(10.0)


def test_a_hold_starting_while_a_caller_waits_sends_it_back_to_the_queue() -> None:
    time = FakeTime()
    limiter = RateLimiter(1.0, burst=1, clock=time.clock)
    limiter.reserve()  # someone took the only token: our caller must wait a second

    def sleep_through_a_429(seconds: float) -> None:
        if time.now == 500.0:
            limiter.throttled(30.0)  # another client's request was refused meanwhile
        time.sleep(seconds)

    waited = limiter.acquire(sleep_through_a_429)
    assert waited >= 30.0 and limiter.paused_for() == 0.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, _ratelimit.DEFAULT_RATE), ("", _ratelimit.DEFAULT_RATE), ("5", 5.0), ("0.5", 0.5),
     ("0", _ratelimit.DEFAULT_RATE), ("-1", _ratelimit.DEFAULT_RATE), ("fast", _ratelimit.DEFAULT_RATE),
     ("inf", _ratelimit.DEFAULT_RATE), ("nan", _ratelimit.DEFAULT_RATE)],
)
def test_rate_setting(raw: str | None, expected: float, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="pulumi_fireworks")
    environ = {} if raw is None else {_ratelimit.ENV_RATE: raw}
    assert rate_setting(environ) == expected
    invalid = raw not in (None, "") and expected == _ratelimit.DEFAULT_RATE
    assert (_ratelimit.ENV_RATE in caplog.text) == invalid


def test_every_client_in_the_process_shares_one_limiter() -> None:
    settings = Settings(api_key="k", base_url="http://127.0.0.1:1", account_id="a")
    first, second = Client(settings), Client(Settings(api_key="other", base_url="https://example.com"))
    try:
        assert first._limiter is second._limiter is _ratelimit.shared_limiter()
    finally:
        first.close()
        second.close()
