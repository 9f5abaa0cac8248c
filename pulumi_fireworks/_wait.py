"""Polling until an object reaches a state, with a deadline.

Deployments take minutes; the emulator answers at once. The schedule is chosen so that
the time lost after the object is ready (the *overshoot*) stays small relative to the
wait, without hammering the API:

* the first look is immediate (instant operations cost one GET);
* a short ramp (0.1 s, growing x1.5 up to :data:`SLACK`) catches quick transitions;
* after that the interval is :data:`RATIO` of the time waited so far, so a wait that
  ends after t seconds is noticed within max(SLACK, RATIO x t) -- 5 % -- instead of up
  to 50 % with a plain x1.5 backoff; the number of polls grows only with log(t) (about
  28 for a 20 s wait, 90 for 5 min);
* the interval never exceeds :data:`MAX_INTERVAL` (reached after 10 min), so hour-long
  waits still poll twice a minute (about 215 polls in all);
* each interval is shortened by a random fraction up to :data:`JITTER`, so forty waits
  started together drift apart instead of polling in lockstep. Jitter only ever
  shortens an interval: the overshoot bound holds.

Every poll goes through the HTTP client, whose process-wide rate limiter bounds what all
waits together ask of the API (see ``_ratelimit``).
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any, Callable, Optional

from ._errors import WaitTimeoutError

Fetch = Callable[[], Optional[dict[str, Any]]]
"""Returns the live object, or ``None`` when it no longer exists."""

FIRST_INTERVAL = 0.1
"""Seconds before the second look."""

GROWTH = 1.5
"""Growth of the interval during the ramp."""

SLACK = 1.0
"""Absolute overshoot allowed: the ramp stops growing here until RATIO takes over (at 20 s)."""

RATIO = 0.05
"""Interval as a fraction of the time waited so far: the relative overshoot bound. 5 %
rather than 10 %: a poll is a cheap GET, a minute of a user's wait is not."""

MAX_INTERVAL = 30.0
"""Cap on the interval, whatever the wait has lasted."""

JITTER = 0.2
"""Each interval is drawn uniformly from [1 - JITTER, 1] x the scheduled one."""


def schedule(elapsed: float, previous: float) -> float:
    """The unjittered interval: the ramp, or RATIO of the wait so far, capped."""
    ramp = min(SLACK, previous * GROWTH)
    return min(MAX_INTERVAL, max(ramp, RATIO * elapsed))


_cancelled = threading.Event()


def cancel_all() -> None:
    """End every wait of this process at its next look (the engine's ``Cancel``: the
    provider plugin is asked to stop; the dynamic path never is)."""
    _cancelled.set()


def _sleep(seconds: float) -> None:
    """``time.sleep`` that wakes when the waits are cancelled."""
    _cancelled.wait(seconds)


def poll(
    fetch: Fetch,
    done: Callable[[Optional[dict[str, Any]]], bool],
    *,
    timeout: float,
    describe: Callable[[Optional[dict[str, Any]]], str],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = _sleep,
    jitter: Callable[[], float] = random.random,
) -> Optional[dict[str, Any]]:
    """Fetch until ``done(obj)``; raise :class:`WaitTimeoutError` past ``timeout`` seconds.

    ``done`` may itself raise to stop early (a failed state). ``jitter`` returns numbers
    in [0, 1) (tests pass a constant to make the schedule exact).
    """
    started = clock()
    deadline = started + timeout
    scheduled = FIRST_INTERVAL / GROWTH  # so that the ramp's first step is FIRST_INTERVAL
    while True:
        obj = fetch()
        if done(obj):
            return obj
        now = clock()
        remaining = deadline - now
        if remaining <= 0:
            raise WaitTimeoutError(describe(obj))
        if _cancelled.is_set():
            raise WaitTimeoutError(f"{describe(obj)} (cancelled: the engine asked the provider to stop)")
        scheduled = schedule(now - started, scheduled)
        sleep(min(scheduled * (1.0 - JITTER * jitter()), remaining))
