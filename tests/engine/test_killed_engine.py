"""A killed `pulumi` (SIGKILL, as when CI kills a job): the provider stops, recovery converges.

Nothing can catch SIGKILL, so the CLI leaves its plugins behind. The language host and the
program notice and exit; the dynamic-provider process must too (``_process.watch_engine``),
or it goes on with the creates it was serving: it polls, retries refused creates and makes
objects nobody will record. The stack stays locked; the README's recovery is
``pulumi cancel`` then ``pulumi up``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import DeploymentStack
from tests.engine.test_convergence import wait_for
from tests.support.content import LLAMA
from tests.support.engine import EngineStack
from tests.support.inventory import assert_state_is_the_server, server_objects

WAVE = 6
"""Deployments created at once (all within the CLI's default ``--parallel``)."""

REFUSED = 3
"""Creates the emulator answers 503 first: the provider tries each again after RETRY_AFTER."""

RETRY_AFTER = 10.0
"""Seconds a refused create waits before its next attempt: a provider left running after
the kill would send those attempts this long after the wave, well past BOUND."""

BOUND = 5.0
"""Seconds after the kill by which the last API request has reached the emulator. The watch
notices at once (the engine's end of the provider's stdin closes with the engine); the rest
is a request already on its way at the kill and a loaded 2-core machine's scheduling."""

GONE_WITHIN = 15.0
"""Seconds every process this test's engine started has to exit after the kill."""


def processes_of(stack: EngineStack) -> dict[int, str]:
    """Live processes (pid -> command line) whose environment names this test's PULUMI_HOME:
    the CLI's plugins (language host, program, dynamic provider) inherit it."""
    marker = f"PULUMI_HOME={stack.engine_env.pulumi_home}".encode()
    found: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # exited meanwhile, or not ours to read
            continue
        if state != "Z" and marker in environ:
            found[int(entry)] = cmdline.strip()
    return found


def arrivals(emulator: RunningEmulator, method: str | None = None) -> list[float]:
    """When API requests reached the emulator (its log stamps the answer; minus the latency)."""
    return [
        entry["time"] - entry["latencyMs"] / 1000
        for entry in emulator.admin.requests()
        if method is None or entry["method"] == method
    ]


def test_a_killed_cli_leaves_no_provider_working_and_cancel_then_up_converges(
    deployment_stack: DeploymentStack, emulator: RunningEmulator
) -> None:
    emulator.admin.set_lifecycle_default(timing={"seconds": 60})
    emulator.admin.add_fault(
        method="POST", path_regex=r"/deployments$", times=REFUSED,
        action={"type": "error", "status": 503, "retryAfter": RETRY_AFTER},
    )
    stack = deployment_stack({f"wave-{i}": {"base_model": LLAMA} for i in range(WAVE)})
    process = stack.spawn("up", "--yes", "--skip-preview", "--non-interactive")
    try:
        # The wave is in flight: every create was sent once; some wait for READY, some
        # were refused and wait to try again.
        wait_for(lambda: len(arrivals(emulator, "POST")) >= WAVE, timeout=120)
        assert len(processes_of(stack)) >= 3  # CLI, language host, program, provider
        killed_at = time.time()
        process.kill()
        process.communicate(timeout=30)

        deadline = time.monotonic() + GONE_WITHIN
        while processes_of(stack) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_of(stack) == {}, "left running after the kill"
        # Nothing the provider could still send arrives late: no retried create, not even a poll.
        late_creates = [round(t - killed_at, 2) for t in arrivals(emulator, "POST") if t > killed_at + BOUND]
        assert late_creates == [], f"creates this many seconds after the kill: {late_creates}"
        late = [round(t - killed_at, 2) for t in arrivals(emulator) if t > killed_at + BOUND]
        assert late == [], f"requests this many seconds after the kill: {late}"
        assert len(arrivals(emulator, "POST")) == WAVE
    finally:
        for pid in processes_of(stack):  # only on failure: do not leave them to the next test
            os.kill(pid, signal.SIGKILL)

    # The CLI's lock outlives it: a plain re-run is refused, and says what to do.
    rerun = stack.cli("up", "--yes", "--skip-preview", "--non-interactive", check=False)
    assert rerun.returncode != 0 and "currently locked" in rerun.stderr and "pulumi cancel" in rerun.stderr
    stack.cli("cancel", "--yes")
    emulator.admin.clear_faults()
    emulator.admin.set_lifecycle_default(timing="instant")
    emulator.admin.advance_clock(60)  # the creates the wave made settle now
    up = stack.up()
    assert up.change_summary.get("create", 0) >= WAVE - REFUSED
    objects = server_objects(emulator)
    assert len(objects) == WAVE and set(objects.values()) == {1}  # one each: none repeated
    assert_state_is_the_server(stack, emulator)


def test_the_language_host_ends_what_it_started_before_it_exits() -> None:
    """No engine needed: the host's last act kills a program that ignores SIGINT (its own
    timers would have died with it)."""
    import importlib.util
    import subprocess
    import sys

    from tests.support.engine import REPO_ROOT

    path = REPO_ROOT / "scripts" / "engine" / "language_host.py"
    spec = importlib.util.spec_from_file_location("language_host_under_test", path)
    assert spec is not None and spec.loader is not None
    host = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(host)
    children = host.Children()
    stubborn = "import signal, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); print(flush=True); time.sleep(60)"
    polite = "import sys, time; print(flush=True); time.sleep(60)"
    procs = [children.start(host.Command([sys.executable, "-c", code], None, None), stdout=subprocess.PIPE)
             for code in (stubborn, polite)]
    for proc in procs:
        proc.stdout.readline()  # started, SIGINT handler in place
    started = time.monotonic()
    children.end_all(grace=1.0)
    assert [proc.returncode for proc in procs] == [-signal.SIGKILL, -signal.SIGINT]
    assert time.monotonic() - started < 5
