"""Process-level tuning of the ``pulumi-python`` dynamic-provider server, applied once.

Every pulumi-fireworks resource is served by one process per engine run, ``python -m
pulumi.dynamic`` (``pulumi/dynamic/__main__.py`` in the ``pulumi`` package). Some of its
fixed choices hurt us, and the SDK offers no setting for them. The main one: it serves
gRPC from ``futures.ThreadPoolExecutor(max_workers=4)`` created inside ``main()``; a
create that waits for READY holds a worker for minutes, so only four deployments ever
wait at once, whatever ``pulumi up --parallel`` says.

Each *hook* here adjusts one such detail. A hook

* runs at most once per process: :func:`apply` is called from every provider's
  ``configure`` (inside the server's worker thread, before the provider serves its first
  call) and does nothing after the first time;
* changes something only when the internals look exactly as expected; otherwise it
  raises :class:`Skipped` and nothing changes;
* says what it did, or why it did nothing, at debug level on the ``pulumi_fireworks``
  logger. ``PULUMI_FIREWORKS_LOG_LEVEL=debug`` shows those lines on the provider's
  stderr, which Pulumi prints with the update's diagnostics.

Nothing here runs anywhere but in the dynamic-provider process: the Pulumi program,
policy packs and tests import this package too.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Callable, Iterable, Mapping, Optional, TypeVar

__all__ = ["apply", "hook", "Skipped", "ENV_WORKERS", "ENV_LOG_LEVEL", "DEFAULT_WORKERS"]

log = logging.getLogger("pulumi_fireworks")

ENV_WORKERS = "PULUMI_FIREWORKS_PROVIDER_THREADS"
"""Upper bound on provider calls the process serves at once (a waiting create holds one)."""

DEFAULT_WORKERS = 128
"""Enough for ``pulumi up --parallel 128``; the engine's ``--parallel`` and the shared
rate limiter are the real brakes. 128 idle threads cost about 2 MB."""

MAX_WORKERS = 1024
"""Settings above this are taken as this (every thread is started up front)."""

ENV_LOG_LEVEL = "PULUMI_FIREWORKS_LOG_LEVEL"
"""``debug``, ``info``, ...: log the package's messages at that level to stderr."""

DYNAMIC_MAIN = "pulumi.dynamic.__main__"
"""The module the dynamic-provider server runs as ``__main__``."""

Hook = Callable[[], str]
"""Does its one job and returns a sentence saying what it did, or raises :class:`Skipped`."""

_H = TypeVar("_H", bound=Callable[..., str])


class Skipped(Exception):
    """A hook changed nothing: there was nothing to do, or the internals were not as expected."""


_HOOKS: list[Hook] = []
_applied = False
_apply_lock = threading.Lock()


def hook(fn: _H) -> _H:
    """Register ``fn`` to run (once, in order of registration) when :func:`apply` runs."""
    _HOOKS.append(fn)
    return fn


def apply(main: Optional[ModuleType] = None) -> None:
    """Run every hook, once per process, if this is the dynamic-provider process."""
    global _applied
    with _apply_lock:
        if _applied:
            return
        _applied = True
        if not in_dynamic_provider_process(main):
            log.debug("process hooks: not the pulumi.dynamic provider process, nothing changed")
            return
        run_hooks(_HOOKS)


def run_hooks(hooks: Iterable[Hook]) -> None:
    """Run ``hooks``; a hook that skips or fails leaves the process as it was."""
    for fn in hooks:
        name = fn.__name__
        try:
            log.debug("process hook %s: %s", name, fn())
        except Skipped as skipped:
            log.debug("process hook %s: left as is: %s", name, skipped)
        except Exception:  # noqa: BLE001  (a hook must never break the provider)
            log.debug("process hook %s: failed, left as is", name, exc_info=True)


def in_dynamic_provider_process(main: Optional[ModuleType] = None) -> bool:
    """True in ``python -m pulumi.dynamic``, the server of every dynamic resource."""
    main = sys.modules.get("__main__") if main is None else main
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_MAIN


# -- hooks, in the order they run ---------------------------------------------------------


@hook
def log_to_stderr(environ: Optional[Mapping[str, str]] = None) -> str:
    """Send the package's log records to stderr at ``PULUMI_FIREWORKS_LOG_LEVEL``.

    First, so the other hooks' debug lines can be seen.
    """
    raw = (os.environ if environ is None else environ).get(ENV_LOG_LEVEL, "").strip()
    if not raw:
        raise Skipped(f"{ENV_LOG_LEVEL} is not set")
    level = logging.getLevelName(raw.upper())
    if not isinstance(level, int):
        raise Skipped(f"{ENV_LOG_LEVEL}={raw!r} is not a logging level such as debug or info")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("pulumi-fireworks %(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    return f"logging to stderr at {raw.upper()}"


def workers_setting(environ: Optional[Mapping[str, str]] = None) -> int:
    """``PULUMI_FIREWORKS_PROVIDER_THREADS``, or the default when unset or invalid."""
    raw = (os.environ if environ is None else environ).get(ENV_WORKERS, "").strip()
    if not raw:
        return DEFAULT_WORKERS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        log.warning("%s=%r is not a positive whole number; using %d", ENV_WORKERS, raw, DEFAULT_WORKERS)
        return DEFAULT_WORKERS
    return min(value, MAX_WORKERS)


@hook
def widen_worker_pool(
    limit: Optional[int] = None,
    *,
    thread: Optional[threading.Thread] = None,
    objects: Callable[[], Iterable[object]] = gc.get_objects,
) -> str:
    """Give the server's gRPC thread pool ``limit`` threads (default: the setting), started now.

    The pool is found as the one ``ThreadPoolExecutor`` running the current thread (we
    are called from inside one of its workers), so nothing depends on how ``main()``
    names it. Its ``_max_workers`` is raised and the threads are started at once
    (``_adjust_thread_count``, under the lock ``submit`` holds for it) rather than left
    to start on demand: the executor starts a thread for a new call only when its idle
    count is zero, and CPython counts a worker idle after *every* call it finishes, so
    after a run of quick calls (Check, Diff, GetPluginInfo) the count is stale and calls
    queue up behind workers held by minutes-long waits -- a ``destroy`` sent 40 Deletes
    and only 27 started. Idle threads cost about 16 KB each.

    Order and dependencies are untouched: the engine still decides what runs when, and a
    resource's dependents still wait for its create to return.
    """
    started = time.perf_counter()
    limit = workers_setting() if limit is None else limit
    current_thread = threading.current_thread() if thread is None else thread
    pools = [
        obj
        for obj in objects()
        if isinstance(obj, ThreadPoolExecutor) and current_thread in getattr(obj, "_threads", ())
    ]
    if len(pools) != 1:
        raise Skipped(f"expected one thread pool running this thread, found {len(pools)}")
    pool = pools[0]
    current = getattr(pool, "_max_workers", None)
    threads = getattr(pool, "_threads", None)
    start_one = getattr(pool, "_adjust_thread_count", None)
    lock = getattr(pool, "_shutdown_lock", None)
    if (
        type(current) is not int
        or not isinstance(threads, set)
        or not callable(start_one)
        or lock is None
        or not callable(getattr(lock, "__enter__", None))
    ):
        raise Skipped("ThreadPoolExecutor internals (_max_workers, _threads, _adjust_thread_count) changed")
    if limit <= current:
        raise Skipped(f"the pool already allows {current} threads ({ENV_WORKERS}={limit})")
    with lock:
        if getattr(pool, "_shutdown", False):
            raise Skipped("the pool is shutting down")
        pool._max_workers = limit
        # Each call starts a thread, or only uses up one stale idle count: bounded either way.
        for _ in range(4 * limit):
            if len(threads) >= limit:
                break
            start_one()
    took = time.perf_counter() - started
    return (
        f"widened the provider's gRPC worker pool from {current} to {limit} threads"
        f" ({len(threads)} running, {took:.2f}s)"
    )



@hook
def short_tracebacks(main: Optional[ModuleType] = None) -> str:
    """Have the server report our errors by their message, not a traceback.

    The SDK's ``_abort_with_traceback`` sends ``traceback.format_exc()`` to the engine,
    which prints it as the resource's error; swapping the module's ``traceback`` global
    for :class:`~._reporting.ShortTracebacks` makes that our one-or-two-line message.
    """
    from . import _reporting

    main = sys.modules.get("__main__") if main is None else main
    current = getattr(main, "traceback", None)
    if isinstance(current, _reporting.ShortTracebacks):
        raise Skipped("already in place")
    if current is not traceback or not hasattr(main, "_abort_with_traceback"):
        raise Skipped("the server no longer reports errors through traceback.format_exc")
    if _reporting.debug_enabled():
        raise Skipped(f"debug output is on ({_reporting.DEBUG_ENV} or -v=N): errors keep their tracebacks")
    main.traceback = _reporting.ShortTracebacks()  # type: ignore[union-attr]
    return "errors are reported by their message"


@hook
def diff_keys(main: Optional[ModuleType] = None) -> str:
    """Have the server tell the engine which fields a diff found (see :mod:`._display`):
    the CLI then lists exactly those, secrets and failed states included."""
    from . import _display

    main = sys.modules.get("__main__") if main is None else main
    current = getattr(main, "proto", None)
    if isinstance(current, _display.ProtoWithDiffKeys):
        raise Skipped("already in place")
    response = getattr(current, "DiffResponse", None)
    if current is None or response is None or not hasattr(current, "PropertyDiff") or not hasattr(response, "DIFF_SOME"):
        raise Skipped("the server no longer builds its DiffResponse from the proto module")
    main.proto = _display.ProtoWithDiffKeys(current)  # type: ignore[union-attr]
    return "diffs name the fields that change"
