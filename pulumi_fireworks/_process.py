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

**When the engine dies** (``kill -9`` of ``pulumi``, a CI job killed on timeout, an
out-of-memory kill), nothing tells the provider: the engine starts it in a process group
of its own (a signal to the CLI's group misses it), the SDK's server holds no connection
to the engine and never reads its arguments, and Pulumi's own health check of the engine
(``rpcutil.Healthcheck``, only in Go providers built on ``provider.Main``) looks every
five minutes. So the provider went on with the creates in flight: polling, trying refused
creates again, making objects no state would record. (The language host and the program
do stop: the program's calls to the engine fail, and our host watches its parent and its stdin.)
:func:`watch_engine` gives the provider a daemon thread that looks for the engine's end
in three ways:

* **stdin at end of file**, seen at once. The engine starts every plugin with a pipe as
  stdin and keeps the only writing end (Go opens it close-on-exec), never writing to it or
  closing it, so the kernel ends the pipe exactly when the engine process ends, however it
  ends. This also works through a launcher that does not ``exec``: the official
  ``pulumi-resource-pulumi-python`` runs Python as a child of ``sh``, which stays alive.
* **the engine's address refusing connections**: the engine passes its gRPC address as
  the plugin's argument. A refused connection must confirm an end of stdin before anything
  is done, so an engine that closed the pipe early would only turn the watch to this probe,
  never stop a provider whose engine lives. A dying process closes its descriptors one
  after the other, so the listener can outlive the pipe by a moment: the probe is repeated
  after 50 ms, then less and less often, up to every :data:`PROBE_INTERVAL` seconds. Any
  doubt (a timeout, no free descriptors) counts as alive.
* **the parent process changing** (``os.getppid()``, every :data:`WATCH_INTERVAL`
  seconds): the process that started us has exited. That is the engine itself when the
  launcher ``exec``s (ours in ``scripts/engine`` does); the official launcher's ``sh``
  only exits after us.

Once the engine is gone, :func:`engine_gone` is true, so the HTTP client starts no other
API call (:class:`EngineGone`), and the process ends at once with ``os._exit`` (a normal
exit would wait for the server's threads): waits in flight are abandoned, and the next
``pulumi up`` takes their objects over. Only on POSIX; without the engine's address, or
with a stdin that is not a pipe, only the parent is watched.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import select
import socket
import stat
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Callable, Iterable, Mapping, Optional, Sequence, TypeVar

from ._errors import FireworksError

__all__ = [
    "apply",
    "hook",
    "Skipped",
    "EngineGone",
    "engine_gone",
    "ENV_WORKERS",
    "ENV_LOG_LEVEL",
    "DEFAULT_WORKERS",
]

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


WATCH_INTERVAL = 0.5
"""Seconds between looks at the parent process (an end of stdin is seen at once)."""

FIRST_PROBE_GAP = 0.05
"""Seconds before the engine's address is probed again when it still answered as stdin ended;
the gap doubles up to :data:`PROBE_INTERVAL`."""

PROBE_INTERVAL = 2.0
"""Seconds between probes of the engine's address while it answers though stdin has ended."""

PROBE_TIMEOUT = 1.0
"""Seconds a probe of the engine's address may take; no answer in time counts as alive."""

EXIT_CODE = 1
"""The provider's exit status when it ends because its engine did."""


class Skipped(Exception):
    """A hook changed nothing: there was nothing to do, or the internals were not as expected."""


class EngineGone(FireworksError):
    """The Pulumi engine that started this provider process has exited: no API call is started."""


_HOOKS: list[Hook] = []
_applied = False
_apply_lock = threading.Lock()
_engine_gone = threading.Event()


def engine_gone() -> bool:
    """True once this process has seen its engine exit; then no API call may start.

    Cheap enough for every request (a flag), and false in any process not watching.
    """
    return _engine_gone.is_set()


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


def engine_address(argv: Sequence[str]) -> Optional[tuple[str, int]]:
    """The engine's gRPC address from a plugin's arguments, ``[flags...] host:port``.

    The engine passes ``[--logtostderr] [-v=N] [--tracing URL] <address>``.
    """
    args = list(argv)
    candidates = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "--tracing")]
    if not candidates:
        return None
    host, _, port = candidates[-1].rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host, int(port)


def answers(address: tuple[str, int], timeout: float = PROBE_TIMEOUT) -> bool:
    """False only when nothing listens at ``address`` any more (connection refused)."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return True  # a timeout, no free descriptors...: not proof that the engine is gone


def is_pipe(fd: int) -> bool:
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False


class EngineWatch:
    """Looks for the end of the engine that started this process (see the module docstring).

    Every observation can be swapped for a fake: the parent pid (``getppid``), stdin's file
    descriptor (``stdin``: watched only with an ``address`` to confirm its end), the probe of
    the engine's address (``answers``), and time (``clock``, ``sleep``).
    """

    def __init__(
        self,
        *,
        parent: int,
        stdin: Optional[int] = None,
        address: Optional[tuple[str, int]] = None,
        getppid: Callable[[], int] = os.getppid,
        answers: Callable[[tuple[str, int]], bool] = answers,
        interval: float = WATCH_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.parent = parent
        self.stdin = stdin if address is not None else None
        self.address = address
        self._getppid = getppid
        self._answers = answers
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next_probe: Optional[float] = None  # set once stdin has ended
        self._probe_gap = FIRST_PROBE_GAP

    def look(self) -> Optional[str]:
        """Wait up to one interval; say why the engine is gone, or None while it looks alive."""
        if self._getppid() != self.parent:
            return f"the process that started this provider (pid {self.parent}) has exited"
        timeout = self._interval
        if self._next_probe is not None:
            timeout = max(0.0, min(timeout, self._next_probe - self._clock()))
        if self.stdin is not None:
            try:
                readable, _, _ = select.select([self.stdin], [], [], timeout)
            except (OSError, ValueError):  # no longer a descriptor select can watch: not a sign
                log.debug("engine watch: stdin can no longer be watched; watching the parent only")
                self.stdin = None
                return None
            if readable and not self._read(self.stdin):
                self.stdin = None
                self._next_probe = self._clock()
        else:
            self._sleep(timeout)
        if self._next_probe is None or self._clock() < self._next_probe:
            return None
        assert self.address is not None
        host, port = self.address
        if not self._answers(self.address):
            return f"the engine has exited: this provider's stdin has ended and nothing answers at {host}:{port}"
        # A dying process closes its descriptors one by one: the listener may outlive the pipe
        # by a moment. Probe again soon, then less and less often.
        if self._probe_gap == FIRST_PROBE_GAP:
            log.debug("engine watch: stdin has ended, but the engine still answers at %s:%d", host, port)
        self._next_probe = self._clock() + self._probe_gap
        self._probe_gap = min(2 * self._probe_gap, PROBE_INTERVAL)
        return None

    def _read(self, fd: int) -> bool:
        """Read (and drop) what is there; False at end of file."""
        try:
            return bool(os.read(fd, 4096))
        except OSError as exc:
            return exc.errno in (errno.EAGAIN, errno.EINTR)  # anything else: the pipe is unusable

    def run(self, on_gone: Callable[[str], None]) -> None:
        """Look until the engine is gone, then call ``on_gone`` with the reason."""
        while (reason := self.look()) is None:
            pass
        on_gone(reason)


def leave(reason: str) -> None:
    """The engine is gone: start no more API calls, and end the process now."""
    _engine_gone.set()
    try:
        log.debug("engine watch: %s; stopping this provider process", reason)
    finally:
        os._exit(EXIT_CODE)


@hook
def watch_engine(
    argv: Optional[Sequence[str]] = None,
    *,
    stdin: int = 0,
    on_gone: Callable[[str], None] = leave,
) -> str:
    """Start a daemon thread that ends this process soon after its engine has ended.

    Costs one thread that sleeps in ``select`` and a ``getppid`` twice a second; nothing on
    the path of any call.
    """
    if os.name != "posix":
        raise Skipped("only on POSIX (it reads a pipe with select and compares parent pids)")
    address = engine_address(sys.argv[1:] if argv is None else argv)
    watched = stdin if address is not None and is_pipe(stdin) else None
    watch = EngineWatch(parent=os.getppid(), stdin=watched, address=address)
    threading.Thread(target=watch.run, args=(on_gone,), name="pulumi-fireworks-engine-watch", daemon=True).start()
    signs = [f"parent pid {watch.parent}"]
    if watched is not None and address is not None:
        signs.append(f"stdin, confirmed at {address[0]}:{address[1]}")
    return "watching for the engine's end: " + ", ".join(signs)


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
