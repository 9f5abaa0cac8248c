"""Process hooks: the provider server's worker pool is widened, guarded, once per process;
the provider stops when its engine has ended, and never while it lives."""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from pulumi_fireworks import FireworksError, _process
from pulumi_fireworks._config import Settings
from pulumi_fireworks._http import Client
from pulumi_fireworks._process import (
    EngineGone,
    EngineWatch,
    Skipped,
    engine_address,
    widen_worker_pool,
    workers_setting,
)
from pulumi_fireworks._ratelimit import RateLimiter

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


# -- the engine watch ----------------------------------------------------------------------


class FakeTime:
    """A clock that moves only when the watch sleeps (or a test moves it)."""

    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    """A pipe standing for the provider's stdin: (our reading end, the engine's writing end)."""
    read_end, write_end = os.pipe()
    yield read_end, write_end
    for fd in (read_end, write_end):
        try:
            os.close(fd)
        except OSError:
            pass


def closed_port() -> tuple[str, int]:
    """A loopback address where nothing listens any more."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()  # type: ignore[no-any-return]


def watch(
    *, stdin: int | None = None, answers: list[bool] | None = None, ppids: list[int] | None = None,
    time: FakeTime | None = None,
) -> tuple[EngineWatch, list[tuple[str, int]]]:
    """An EngineWatch with parent 42 on fakes: ``ppids`` are what getppid returns in turn (then
    the last again), ``answers`` what the probes of the engine's address say; probes are recorded."""
    probed: list[tuple[str, int]] = []
    ppid_values = list(ppids or [42])
    answer_values = list(answers or [])
    fake = time or FakeTime()

    def getppid() -> int:
        return ppid_values.pop(0) if len(ppid_values) > 1 else ppid_values[0]

    def probe(address: tuple[str, int]) -> bool:
        probed.append(address)
        return answer_values.pop(0)

    engine = EngineWatch(parent=42, stdin=stdin, address=("127.0.0.1", 4321), getppid=getppid, answers=probe,
                         interval=0.01, clock=fake.clock, sleep=fake.sleep)
    return engine, probed


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["127.0.0.1:39313"], ("127.0.0.1", 39313)),
     (["--logtostderr", "-v=9", "--tracing", "file:/tmp/t.trace", "127.0.0.1:80"], ("127.0.0.1", 80)),
     (["[::1]:5000"], ("::1", 5000)), (["--tracing", "127.0.0.1:9"], None), ([], None),
     (["localhost"], None), (["127.0.0.1:0"], None), (["127.0.0.1:http"], None)],
)
def test_the_engine_address_comes_from_the_plugin_arguments(argv: list[str], expected: object) -> None:
    assert engine_address(argv) == expected


def test_a_probe_says_gone_only_when_nothing_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert _process.answers(listener.getsockname())
    assert not _process.answers(closed_port())
    for doubt in (TimeoutError("timed out"), OSError(errno.EMFILE, "Too many open files")):
        def failing(*args: object, error: OSError = doubt, **kwargs: object) -> socket.socket:
            raise error

        monkeypatch.setattr(socket, "create_connection", failing)
        assert _process.answers(("127.0.0.1", 4321))  # no proof that the engine is gone


def test_an_open_stdin_and_the_same_parent_never_fire(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    engine, probed = watch(stdin=read_end)
    os.write(write_end, b"whatever the engine might write is read and dropped")
    assert [engine.look() for _ in range(20)] == [None] * 20
    assert probed == []  # nothing to confirm: no connection is ever made to the engine


def test_the_end_of_stdin_fires_once_the_engine_no_longer_answers(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    engine, probed = watch(stdin=read_end, answers=[False])
    assert engine.look() is None
    os.close(write_end)  # the engine exited: the kernel closed its end
    reason = engine.look()
    assert reason is not None and "stdin has ended and nothing answers at 127.0.0.1:4321" in reason
    assert probed == [("127.0.0.1", 4321)]


def test_the_end_of_stdin_while_the_engine_answers_only_starts_probing(
    pipe: tuple[int, int], caplog: pytest.LogCaptureFixture
) -> None:
    """An engine that closed the pipe but still listens (or a listener closed a moment after
    the pipe by a dying engine) is probed again: after 50 ms, then doubling up to 2 s."""
    caplog.set_level(logging.DEBUG, logger="pulumi_fireworks")
    read_end, write_end = pipe
    time = FakeTime()
    engine, probed = watch(stdin=read_end, answers=[True] * 8 + [False], time=time)
    os.close(write_end)
    probe_times = []
    reason = None
    for _ in range(10_000):
        before = len(probed)
        reason = engine.look()
        if len(probed) > before:
            probe_times.append(round(time.now - 100.0, 2))
        if reason is not None:
            break
    assert reason is not None and "nothing answers" in reason
    assert probe_times == [0.0, 0.05, 0.15, 0.35, 0.75, 1.55, 3.15, 5.15, 7.15]
    assert "stdin has ended, but the engine still answers at 127.0.0.1:4321" in caplog.text


def test_a_new_parent_fires_without_a_probe() -> None:
    engine, probed = watch(ppids=[42, 42, 1])
    assert engine.look() is None and engine.look() is None
    assert engine.look() == "the process that started this provider (pid 42) has exited"
    assert probed == []


def test_without_an_address_stdin_is_not_watched(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    os.close(write_end)
    engine = EngineWatch(parent=42, stdin=read_end, address=None, getppid=lambda: 42, interval=0.01,
                         sleep=lambda _: None)
    assert engine.stdin is None and engine.look() is None


def test_only_a_pipe_counts_as_the_engine_s_stdin(pipe: tuple[int, int], tmp_path: Path) -> None:
    assert _process.is_pipe(pipe[0])
    with open(tmp_path / "file", "w") as regular, open(os.devnull) as null:
        assert not _process.is_pipe(regular.fileno()) and not _process.is_pipe(null.fileno())
    assert not _process.is_pipe(999)  # not open


def test_the_hook_watches_in_a_daemon_thread_until_the_engine_ends(pipe: tuple[int, int]) -> None:
    read_end, write_end = pipe
    gone: list[str] = []
    ended = threading.Event()

    def on_gone(reason: str) -> None:
        gone.append(reason)
        ended.set()

    host, port = closed_port()
    message = _process.watch_engine([f"{host}:{port}"], stdin=read_end, on_gone=on_gone)
    assert message == f"watching for the engine's end: parent pid {os.getppid()}, stdin, confirmed at {host}:{port}"
    [thread] = [t for t in threading.enumerate() if t.name == "pulumi-fireworks-engine-watch"]
    assert thread.daemon and not ended.wait(0.3)
    os.close(write_end)
    assert ended.wait(GUARD) and "stdin has ended" in gone[0]
    thread.join(GUARD)


def test_when_the_engine_is_gone_no_request_starts_and_the_process_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_process, "_engine_gone", threading.Event())
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = Client(Settings(api_key="k-123", base_url="http://127.0.0.1:1", account_id="acct"),
                    transport=httpx.MockTransport(answer), limiter=RateLimiter(1000.0))
    assert client.request("GET", "/v1/accounts/acct/deployments") == {}
    exits: list[int] = []

    def fake_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)  # os._exit never returns

    monkeypatch.setattr(os, "_exit", fake_exit)
    with pytest.raises(SystemExit):
        _process.leave("the engine has exited")
    assert exits == [_process.EXIT_CODE] and _process.engine_gone()
    with pytest.raises(EngineGone, match=r"POST /v1/accounts/acct/deployments not sent: the Pulumi engine .* has exited"):
        client.request("POST", "/v1/accounts/acct/deployments", json={}, idempotent=False)
    assert len(sent) == 1 and issubclass(EngineGone, FireworksError)
