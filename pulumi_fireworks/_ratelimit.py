"""One request-rate limit for the whole provider process; 429s slow everyone down.

Why: one provider process serves every resource of a ``pulumi up``. Forty deployments
waiting at once each poll gently, but together they are a load the API may refuse. So
every :class:`~pulumi_fireworks._http.Client` in the process sends through one
:class:`RateLimiter`:

* a token bucket: at most ``rate`` requests per second on average, bursts of ``burst``;
* a 429 is a signal about the account, not about one request: it halves the rate for
  everyone (at most once per :data:`CUT_COOLDOWN`, so a volley of 429s from requests
  already in flight counts once), drains the bucket (no burst afterwards), and holds
  every request until its ``Retry-After`` has passed;
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
DEFAULT_RATE = 50.0
"""Requests per second for the whole process unless configured. The control plane does
not publish its limit; a 429 lowers the rate from there."""

BURST_SECONDS = 2.0
"""The bucket holds this many seconds' worth of requests (a burst of 100 at 50/s)."""

MIN_RATE = 1.0
"""Repeated 429s never push the rate below this (requests per second)."""

RECOVERY = 30.0
"""Seconds for the rate to climb back from zero to the configured rate after a 429."""

CUT_COOLDOWN = 1.0
"""429s within this many seconds of a rate cut do not cut it again."""

DEFAULT_PAUSE = 1.0
"""How long everyone holds after a 429 that carries no usable ``Retry-After``."""

MAX_PAUSE = 120.0
"""Cap on a ``Retry-After`` pause."""

_MAX_REQUEUES = 16
"""A caller whose turn was voided by a new 429 queues again, at most this often."""


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
        """Seconds until requests may flow again after a 429 (0 when not paused)."""
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

        A 429 that arrives while the caller waits voids its turn: it queues again behind
        the new pause, so nobody sends into a pause it did not know about.
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
        """The API answered 429: hold everyone for ``retry_after`` seconds and cut the rate."""
        pause = DEFAULT_PAUSE if retry_after is None else min(max(0.0, retry_after), MAX_PAUSE)
        with self._lock:
            now = self._clock()
            self.throttles += 1
            self._paused_until = max(self._paused_until, now + pause)
            # After the pause one request may go at once, then the (cut) rate; no burst, and
            # no tokens accrue during the pause.
            self._tokens = min(self._tokens, 1.0)
            self._stamp = max(self._stamp, self._paused_until)
            if now - self._last_cut >= CUT_COOLDOWN:
                before = self._rate_now(now)
                self._rate = max(min(MIN_RATE, self.max_rate), before / 2)
                self._rate_at = self._paused_until  # recovery starts when the pause ends
                self._last_cut = now
                log.debug(
                    "429 from the API: every request holds %.1fs, then %.1f req/s (was %.1f)",
                    pause, self._rate, before,
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
