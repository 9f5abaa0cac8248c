"""One request-rate limit for the whole provider process; 429s slow everyone down.

Why: one provider process serves every resource of a ``pulumi up``. Forty deployments
waiting at once each poll gently, but together they are a load the API may refuse. So
every :class:`~pulumi_fireworks._http.Client` in the process sends through one
:class:`RateLimiter`:

* a token bucket: at most ``rate`` requests per second on average, bursts of ``burst``;
* a 429 is a signal about the account, not about one request. The refused request waits
  its own ``Retry-After`` (the client's backoff), and the limiter halves the rate for
  everyone (at most once per :data:`CUT_COOLDOWN`, so a volley of 429s from requests
  already in flight counts once, and never below :data:`MIN_RATE_FRACTION` of the
  configured rate) and drains the bucket, so the others slow down before they are
  refused too;
* a long ``Retry-After`` (:data:`HOLD_AFTER` or more: a quota window, not a burst) also
  holds every request until it has passed, instead of letting each waiter discover it
  with a refused request of its own;
* the rate then climbs back linearly to the configured one over :data:`RECOVERY` seconds
  (additive increase, multiplicative decrease -- how TCP shares a link).

The limiter only computes waits; callers sleep with their own ``sleep`` (tests inject a
fake clock and sleep). Setting: ``PULUMI_FIREWORKS_MAX_REQUESTS_PER_SECOND`` (default
:data:`DEFAULT_RATE`), read once per process.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Callable, Mapping, Optional

__all__ = ["RateLimiter", "shared_limiter", "ENV_RATE", "DEFAULT_RATE"]

log = logging.getLogger("pulumi_fireworks.ratelimit")

ENV_RATE = "PULUMI_FIREWORKS_MAX_REQUESTS_PER_SECOND"
DEFAULT_RATE = 100.0
"""Requests per second for the whole process unless configured. The control plane does
not publish its limit; a 429 lowers the rate from there. 100 lets a hundred instant
resources (a create and one poll each) through in one burst, and is well above what
waits need (forty deployments five minutes into their waits poll about 3 times a second)."""

BURST_SECONDS = 2.0
"""The bucket holds this many seconds' worth of requests (a burst of 200 at 100/s)."""

MIN_RATE_FRACTION = 0.1
"""429s never push the rate below this fraction of the configured rate (10/s of 100/s):
below it, random refusals would stall a large update for little relief."""

RECOVERY = 30.0
"""Seconds for the rate to climb back from zero to the configured rate after a 429."""

CUT_COOLDOWN = 1.0
"""429s within this many seconds of a rate cut do not cut it again."""

HOLD_AFTER = 5.0
"""A ``Retry-After`` this long or longer holds every request in the process."""

MAX_PAUSE = 120.0
"""Cap on a process-wide hold."""

_MAX_REQUEUES = 16
"""A caller whose turn was voided by a new hold queues again, at most this often."""


class RateLimiter:
    """Token bucket shared by threads, with a multiplicative cut on 429; thread-safe."""

    def __init__(
        self,
        rate: float,
        *,
        burst: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.max_rate = float(rate)
        self.min_rate = self.max_rate * MIN_RATE_FRACTION
        self.burst = max(1.0, burst if burst is not None else rate * BURST_SECONDS)
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._tokens = self.burst
        self._stamp = now  # the bucket is filled up to this instant
        self._rate = self.max_rate  # the rate at _rate_at; it recovers linearly from there
        self._rate_at = now
        self._paused_until = now
        self._last_cut = now - CUT_COOLDOWN
        self.throttles = 0
        """How many 429s this limiter was told about (for logs and tests)."""

    # -- state ----------------------------------------------------------------------

    def rate(self) -> float:
        """The rate in force now (requests per second)."""
        with self._lock:
            return self._rate_now(self._clock())

    def paused_for(self) -> float:
        """Seconds until requests may flow again after a long Retry-After (0 when not held)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    def _rate_now(self, now: float) -> float:
        recovered = max(0.0, now - self._rate_at) * self.max_rate / RECOVERY
        return min(self.max_rate, self._rate + recovered)

    # -- sending --------------------------------------------------------------------

    def reserve(self) -> float:
        """Take the next turn; return how many seconds the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            rate = self._rate_now(now)
            start = max(now, self._paused_until)
            if start > self._stamp:
                self._tokens = min(self.burst, self._tokens + (start - self._stamp) * rate)
                self._stamp = start
            self._tokens -= 1.0
            ready_at = self._stamp + max(0.0, -self._tokens) / rate
            return max(0.0, ready_at - now)

    def acquire(self, sleep: Callable[[float], None]) -> float:
        """Wait (with ``sleep``) for a turn to send one request; return the seconds waited.

        A hold that starts while the caller waits voids its turn: it queues again behind
        the hold, so nobody sends into a hold it did not know about.
        """
        waited = 0.0
        for _ in range(_MAX_REQUEUES):
            delay = self.reserve()
            if delay > 0:
                sleep(delay)
                waited += delay
            if self.paused_for() <= 0:
                break
        return waited

    # -- feedback -------------------------------------------------------------------

    def throttled(self, retry_after: Optional[float]) -> None:
        """The API answered 429: cut everyone's rate; hold everyone for a long ``retry_after``."""
        with self._lock:
            now = self._clock()
            self.throttles += 1
            self._tokens = min(self._tokens, 1.0)  # no burst right after a 429
            if retry_after is not None and retry_after >= HOLD_AFTER:
                self._paused_until = max(self._paused_until, now + min(retry_after, MAX_PAUSE))
                self._stamp = max(self._stamp, self._paused_until)  # no tokens accrue while held
            if now - self._last_cut >= CUT_COOLDOWN:
                before = self._rate_now(now)
                self._rate = max(self.min_rate, before / 2)
                self._rate_at = max(now, self._paused_until)  # recovery starts after any hold
                self._last_cut = now
                log.debug(
                    "429 from the API: %.1f req/s for everyone (was %.1f), %.1fs held",
                    self._rate, before, max(0.0, self._paused_until - now),
                )


def rate_setting(environ: Optional[Mapping[str, str]] = None) -> float:
    """``PULUMI_FIREWORKS_MAX_REQUESTS_PER_SECOND``, or the default when unset or invalid."""
    raw = (os.environ if environ is None else environ).get(ENV_RATE, "").strip()
    if not raw:
        return DEFAULT_RATE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        log.warning("%s=%r is not a positive number of requests per second; using %g", ENV_RATE, raw, DEFAULT_RATE)
        return DEFAULT_RATE
    return value


_shared: Optional[RateLimiter] = None
_shared_lock = threading.Lock()


def shared_limiter() -> RateLimiter:
    """The process-wide limiter every client uses unless given its own."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RateLimiter(rate_setting())
        return _shared
