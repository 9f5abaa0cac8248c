"""Polling until an object reaches a state, with a deadline.

Deployments take minutes; the emulator answers at once. Polling starts fast and
backs off, so tests against the emulator finish quickly and real waits do not hammer
the API.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

from ._errors import WaitTimeoutError

Fetch = Callable[[], Optional[dict[str, Any]]]
"""Returns the live object, or ``None`` when it no longer exists."""

_FIRST_INTERVAL = 0.1
_MAX_INTERVAL = 10.0
_GROWTH = 1.5


def poll(
    fetch: Fetch,
    done: Callable[[Optional[dict[str, Any]]], bool],
    *,
    timeout: float,
    describe: Callable[[Optional[dict[str, Any]]], str],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Optional[dict[str, Any]]:
    """Fetch until ``done(obj)``; raise :class:`WaitTimeoutError` past ``timeout`` seconds.

    ``done`` may itself raise to stop early (a failed state).
    """
    deadline = clock() + timeout
    interval = _FIRST_INTERVAL
    while True:
        obj = fetch()
        if done(obj):
            return obj
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeoutError(describe(obj))
        sleep(min(interval, remaining))
        interval = min(_MAX_INTERVAL, interval * _GROWTH)
