"""Process hooks: the provider server's worker pool is widened, guarded, once per process."""

from __future__ import annotations

import logging
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import ModuleSpec
from typing import Iterator

import pytest

from pulumi_fireworks import _process
from pulumi_fireworks._process import Skipped, widen_worker_pool, workers_setting

GUARD = 30.0
"""Seconds a barrier waits before declaring the threads never met (only reached on failure)."""


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """As if no provider had been configured in this process yet; hooks replaced by a recorder."""
    ran: list[str] = []

    def recorder() -> str:
        ran.append("hook")
        return "recorded"

    monkeypatch.setattr(_process, "_applied", False)
    monkeypatch.setattr(_process, "_HOOKS", [recorder])
    yield ran


def fake_main(name: str | None) -> types.ModuleType:
    module = types.ModuleType("__main__")
    module.__spec__ = ModuleSpec(name, None) if name else None
    return module


def test_hooks_run_once_and_only_in_the_dynamic_provider_process(
    fresh_process: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_fireworks")
    _process.apply(fake_main("pulumi.dynamic.__main__"))
    _process.apply(fake_main("pulumi.dynamic.__main__"))
    assert fresh_process == ["hook"]
    assert "process hook recorder: recorded" in caplog.text


@pytest.mark.parametrize("main_name", [None, "pulumi_language_python_exec", "pytest.__main__"])
def test_other_processes_are_left_alone(
    fresh_process: list[str], caplog: pytest.LogCaptureFixture, main_name: str | None
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_fireworks")
    _process.apply(fake_main(main_name))
    assert fresh_process == []
    assert "not the pulumi.dynamic provider process" in caplog.text


def test_a_failing_hook_is_logged_and_does_not_break_the_provider(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_fireworks")

    def broken() -> str:
        raise RuntimeError("internals moved")

    def skipping() -> str:
        raise Skipped("nothing to do")

    _process.run_hooks([broken, skipping])
    assert "process hook broken: failed, left as is" in caplog.text and "internals moved" in caplog.text
    assert "process hook skipping: left as is: nothing to do" in caplog.text


def test_widened_pool_runs_more_calls_at_once_including_calls_already_queued() -> None:
    """Two workers; one widens while five calls wait in the queue; all seven then meet at a barrier.

    Without the widening (or without starting threads for calls already queued, which no
    further submit would do) only two calls could ever run at once and the barrier would
    break after GUARD seconds.
    """
    pool = ThreadPoolExecutor(max_workers=2)
    meeting = threading.Barrier(7, timeout=GUARD)
    queued = threading.Event()

    def widen_then_meet() -> str:
        queued.wait(GUARD)
        message = widen_worker_pool(16)
        meeting.wait()
        return message

    try:
        first = pool.submit(widen_then_meet)
        others = [pool.submit(meeting.wait) for _ in range(6)]  # one runs, five queue
        queued.set()
        message = first.result(GUARD + 5)
        for future in others:
            future.result(GUARD + 5)
    finally:
        meeting.abort()
        pool.shutdown(wait=True)
    assert message.startswith("widened the provider's gRPC worker pool from 2 to 16 threads (16 running, ")
    assert pool._max_workers == 16  # type: ignore[attr-defined]
    assert len(pool._threads) == 16  # type: ignore[attr-defined]


def test_threads_start_up_front_though_the_idle_count_is_stale() -> None:
    """CPython counts a worker idle after every call, so after quick calls the pool would not
    start a thread for a new call even with all workers busy; ours are started at once."""
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        for _ in range(20):
            pool.submit(int).result(GUARD)  # quick calls leave stale idle counts behind
        message = pool.submit(widen_worker_pool, 12).result(GUARD)
        assert "(12 running, " in message
        meeting = threading.Barrier(12, timeout=GUARD)
        calls = [pool.submit(meeting.wait) for _ in range(12)]
        for call in calls:
            call.result(GUARD + 5)
    finally:
        pool.shutdown(wait=True)


def test_outside_a_pool_worker_nothing_changes() -> None:
    bystander = ThreadPoolExecutor(max_workers=3)
    try:
        with pytest.raises(Skipped, match="expected one thread pool running this thread, found 0"):
            widen_worker_pool(16)
        assert bystander._max_workers == 3  # type: ignore[attr-defined]
    finally:
        bystander.shutdown()


def test_unrecognised_pool_internals_change_nothing() -> None:
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        worker = pool.submit(threading.current_thread).result(GUARD)
        del pool._max_workers  # type: ignore[attr-defined]  # as if Python renamed it
        with pytest.raises(Skipped, match="internals .* changed"):
            widen_worker_pool(16, thread=worker, objects=lambda: [pool])
    finally:
        pool._max_workers = 2  # type: ignore[attr-defined]
        pool.shutdown()


def test_a_bound_at_or_below_the_pool_size_leaves_it_alone() -> None:
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        worker = pool.submit(threading.current_thread).result(GUARD)
        with pytest.raises(Skipped, match="already allows 4 threads"):
            widen_worker_pool(4, thread=worker, objects=lambda: [pool])
        assert pool._max_workers == 4  # type: ignore[attr-defined]
    finally:
        pool.shutdown()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, _process.DEFAULT_WORKERS), ("", _process.DEFAULT_WORKERS), ("16", 16), (" 200 ", 200),
     ("0", _process.DEFAULT_WORKERS), ("-3", _process.DEFAULT_WORKERS), ("many", _process.DEFAULT_WORKERS),
     ("100000", _process.MAX_WORKERS)],
)
def test_workers_setting(raw: str | None, expected: int) -> None:
    environ = {} if raw is None else {_process.ENV_WORKERS: raw}
    assert workers_setting(environ) == expected


def test_log_level_setting_sends_debug_lines_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("pulumi_fireworks")
    handlers, level = list(logger.handlers), logger.level
    try:
        assert _process.log_to_stderr({_process.ENV_LOG_LEVEL: "debug"}) == "logging to stderr at DEBUG"
        logger.debug("a debug line")
        assert "pulumi-fireworks DEBUG: a debug line" in capsys.readouterr().err
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)
    with pytest.raises(Skipped):
        _process.log_to_stderr({})
    with pytest.raises(Skipped, match="not a logging level"):
        _process.log_to_stderr({_process.ENV_LOG_LEVEL: "loud"})


def server_module() -> types.ModuleType:
    """A stand-in for ``pulumi.dynamic.__main__`` as far as the traceback hook looks."""
    import traceback as real_traceback

    main = types.ModuleType("__main__")
    main.traceback = real_traceback  # type: ignore[attr-defined]
    main._abort_with_traceback = lambda fn: fn  # type: ignore[attr-defined]
    return main


def test_our_errors_reach_the_engine_as_their_message_others_with_their_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pulumi_fireworks import ResourceError

    monkeypatch.delenv("PULUMI_FIREWORKS_DEBUG", raising=False)
    main = server_module()
    assert "reported by their message" in _process.short_tracebacks(main)
    try:
        raise ResourceError("fireworks:Deployment 'chat': create failed: 400 INVALID_ARGUMENT: bad")
    except ResourceError:
        assert main.traceback.format_exc() == "fireworks:Deployment 'chat': create failed: 400 INVALID_ARGUMENT: bad"
    try:
        raise KeyError("a bug")
    except KeyError:
        assert main.traceback.format_exc().startswith("Traceback (most recent call last):")
    with pytest.raises(Skipped, match="already"):
        _process.short_tracebacks(main)


def test_tracebacks_stay_with_debug_output_or_an_unknown_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_FIREWORKS_DEBUG", "1")
    with pytest.raises(Skipped, match="debug"):
        _process.short_tracebacks(server_module())
    monkeypatch.delenv("PULUMI_FIREWORKS_DEBUG")
    changed = server_module()
    del changed._abort_with_traceback
    with pytest.raises(Skipped, match="no longer"):
        _process.short_tracebacks(changed)
