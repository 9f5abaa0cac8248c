"""The polling schedule: small overshoot past READY, capped interval, jitter, bounded polls."""

from __future__ import annotations

import random
from typing import Any, Callable, Optional

import pytest

from pulumi_fireworks._errors import WaitTimeoutError
from pulumi_fireworks._wait import MAX_INTERVAL, RATIO, SLACK, poll


class Simulation:
    """An object that becomes READY ``ready_at`` seconds into the wait, on a fake clock."""

    def __init__(self, ready_at: float) -> None:
        self.ready_at = ready_at
        self.now = 0.0
        self.fetches: list[float] = []
        self.sleeps: list[float] = []

    def fetch(self) -> Optional[dict[str, Any]]:
        self.fetches.append(self.now)
        return {"state": "READY" if self.now >= self.ready_at else "CREATING"}

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def run(self, jitter: Callable[[], float], timeout: float = 7200.0) -> float:
        poll(
            self.fetch,
            lambda obj: bool(obj and obj["state"] == "READY"),
            timeout=timeout,
            describe=lambda obj: "timed out",
            clock=lambda: self.now,
            sleep=self.sleep,
            jitter=jitter,
        )
        return self.now


READY_TIMES = [0.0, 0.05, 0.3, 1.0, 2.5, 7.0, 10.0, 20.0, 33.3, 60.0, 300.0, 1234.5, 3600.0]


@pytest.mark.parametrize("ready_at", READY_TIMES)
@pytest.mark.parametrize("jitter_kind", ["none", "full", "random"])
def test_readiness_is_noticed_within_five_percent_of_the_wait_or_a_second(ready_at: float, jitter_kind: str) -> None:
    rng = random.Random(ready_at)
    jitter = {"none": lambda: 0.0, "full": lambda: 0.999, "random": rng.random}[jitter_kind]
    sim = Simulation(ready_at)
    noticed = sim.run(jitter)
    overshoot = noticed - ready_at
    assert 0 <= overshoot <= min(MAX_INTERVAL, max(SLACK, RATIO * ready_at)) + 1e-9
    assert max(sim.sleeps, default=0.0) <= MAX_INTERVAL


def test_the_first_look_is_immediate() -> None:
    sim = Simulation(0.0)
    sim.run(lambda: 0.0)
    assert sim.fetches == [0.0] and sim.sleeps == []


@pytest.mark.parametrize(("wait", "most_polls"), [(20.0, 30), (300.0, 90), (3600.0, 200)])
def test_polls_grow_with_the_log_of_the_wait_until_the_cap(wait: float, most_polls: int) -> None:
    sim = Simulation(wait)
    sim.run(lambda: 0.0)
    assert len(sim.fetches) <= most_polls


def test_forty_waits_started_together_do_not_poll_in_lockstep() -> None:
    schedules = []
    for seed in range(40):
        sim = Simulation(60.0)
        sim.run(random.Random(seed).random)
        schedules.append(sim.fetches)
    # After the first few polls every wait has its own rhythm: no two poll at the same instant.
    tenth = [round(fetches[10], 6) for fetches in schedules]
    assert len(set(tenth)) == 40


def test_timeout_stops_at_the_deadline_with_the_description() -> None:
    sim = Simulation(float("inf"))
    with pytest.raises(WaitTimeoutError, match="timed out"):
        sim.run(lambda: 0.0, timeout=100.0)
    assert sim.now == pytest.approx(100.0)


def test_the_original_call_signature_still_works() -> None:
    seen = iter([None, {"state": "READY"}])
    result = poll(lambda: next(seen), lambda obj: obj is not None, timeout=5, describe=str, sleep=lambda s: None)
    assert result == {"state": "READY"}
