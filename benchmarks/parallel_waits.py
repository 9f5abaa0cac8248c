"""Parallel readiness: N deployments against one wait, the engine floor, and plain httpx.

    python benchmarks/parallel_waits.py [--n 40] [--transition 30] [--instant 100] [--parallel 64]

Run it in the dev environment (``source scripts/env.sh`` first: it needs the engine).
In one run (about 6 minutes with the defaults) it prints, side by side:

* ``pulumi up`` (create), ``up`` (update in place) and ``destroy`` of ``--n`` deployments
  whose transitions take ``--transition`` seconds in the emulator, as a multiple of that
  wait T: the goal is about 1 T, whatever N is;
* the engine floor: the same N no-op dynamic resources (``tests.langhost.tiny_resource``);
* ``--instant`` deployments that become READY at once, against the floor for as many
  no-op resources, and against no-op resources shaped like a Deployment (same inputs and
  outputs, ``benchmarks/shaped_noop.py``): the second ratio is what our provider's own
  work adds per resource, the rest is the cost of the resource's shape in SDK and engine;
* a plain parallel httpx script making the same API calls directly (one thread per
  deployment, polling every 0.5 s): what the API alone costs;
* the CPU seconds of the Pulumi processes (CLI, engine, language host, program, provider)
  of each row: less sensitive than wall time to what else runs on the machine;
* the API calls each row made, from the emulator's request log.

The emulator runs in a subprocess (its own GIL). Wall times include everything a user
waits for (CLI start, program, engine, provider process). Short scenarios run
``--repeat`` times and show their best time; the waits run once (T dwarfs the noise).
The machine is printed first: figures from a loaded machine are noisy, so it also prints
the load average.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.engine import EngineEnv, EngineStack, make_engine_env, write_python_project  # noqa: E402

KEY = "bench-key"
ACCOUNT = "bench"
BASE_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct"

PROGRAM = """
import pulumi

config = pulumi.Config()
kind, count, label = config.require("kind"), config.require_int("count"), config.require("label")
if kind == "deployment":
    import pulumi_fireworks as fireworks

    for i in range(count):
        fireworks.Deployment(f"d{i}", base_model=%r, display_name=f"bench {label}",
                             min_replica_count=0, max_replica_count=1)
elif kind == "shaped":
    from benchmarks.shaped_noop import ShapedNoop

    for i in range(count):
        ShapedNoop(f"s{i}", base_model=%r, display_name=f"bench {label}", min_replica_count=0, max_replica_count=1)
else:
    from tests.langhost.tiny_resource import Tiny

    for i in range(count):
        Tiny(f"t{i}", value=f"bench {label}")
""" % (BASE_MODEL, BASE_MODEL)


@dataclass
class Run:
    """One timed operation: wall seconds, CPU seconds of the Pulumi processes, API calls."""

    seconds: float
    cpu: Optional[float]
    calls: dict[str, int]


@dataclass
class Row:
    scenario: str
    n: int
    run: Run
    transition: Optional[float] = None
    floor: Optional[Run] = None
    shaped: Optional[Run] = None

    def cells(self) -> list[str]:
        seconds = self.run.seconds
        per_t = f"{seconds / self.transition:.2f}" if self.transition else ""
        per_floor = f"{seconds / self.floor.seconds:.2f}" if self.floor else ""
        per_shaped = f"{seconds / self.shaped.seconds:.2f}" if self.shaped else ""
        cpu = f"{self.run.cpu:.1f}" if self.run.cpu is not None else ""
        calls = " ".join(f"{m} {c}" for m, c in sorted(self.run.calls.items())) or "-"
        return [self.scenario, str(self.n), f"{seconds:.1f}", per_t, per_floor, per_shaped, cpu, calls]


class Emulator:
    """``python -m pulumi_fireworks.emulator`` in a subprocess, plus its admin API."""

    def __init__(self, transition: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_fireworks.emulator", "--port", "0", "--db", ":memory:",
             "--api-key", KEY, "--account-id", ACCOUNT, "--transition", str(transition)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("Fireworks emulator listening on "):
            self.process.terminate()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line.strip().rsplit(" ", 1)[1]
        self.admin = httpx.Client(base_url=self.url + "/emulator/v1", timeout=30)

    def env(self) -> dict[str, str]:
        return {"FIREWORKS_BASE_URL": self.url, "FIREWORKS_API_KEY": KEY, "FIREWORKS_ACCOUNT_ID": ACCOUNT}

    def set_transition(self, timing: Any) -> None:
        self.admin.put("/lifecycle/default", json={"timing": timing, "outcome": "READY"}).raise_for_status()

    def clear_requests(self) -> None:
        self.admin.delete("/requests").raise_for_status()

    def calls(self) -> dict[str, int]:
        entries = self.admin.get("/requests").raise_for_status().json()["requests"]
        return dict(collections.Counter(e["method"] for e in entries))

    def close(self) -> None:
        self.admin.close()
        self.process.terminate()
        self.process.wait(timeout=30)


class Bench:
    def __init__(self, root: Path, emulator: Emulator, parallel: int) -> None:
        self.env: EngineEnv = make_engine_env(root / "engine", log_langhost=False)
        self.project = write_python_project(root / "project", "bench", PROGRAM)
        self.emulator = emulator
        self.parallel = parallel

    def stack(self, name: str, kind: str, count: int) -> EngineStack:
        stack = self.env.stack(self.project, stack_name=name, env_vars=self.emulator.env())
        stack.set_config("kind", kind)
        stack.set_config("count", str(count))
        stack.set_config("label", "v1")
        return stack

    def timed(self, action: Callable[[], Any]) -> Run:
        self.emulator.clear_requests()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI and everything it waited for
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return Run(seconds, cpu, self.emulator.calls())

    def lifecycle(
        self, name: str, kind: str, count: int, *, update: bool, repeat: int = 1
    ) -> dict[str, Run]:
        """up (create), optionally up (update of every resource), destroy: the best time of
        ``repeat`` runs per phase (other load on the machine only ever adds)."""
        best: dict[str, Run] = {}
        for attempt in range(repeat):
            stack = self.stack(f"{name}-{attempt}", kind, count)
            out = {"up": self.timed(lambda: stack.up(parallel=self.parallel))}
            if update:
                stack.set_config("label", "v2")
                out["update"] = self.timed(lambda: stack.up(parallel=self.parallel))
            out["destroy"] = self.timed(lambda: stack.destroy(parallel=self.parallel))
            stack.remove()
            for phase, result in out.items():
                if phase not in best or result.seconds < best[phase].seconds:
                    best[phase] = result
        return best


def plain_httpx(emulator: Emulator, n: int, interval: float = 0.5) -> dict[str, Run]:
    """The same calls without Pulumi: N threads create, poll to READY; then delete, poll to DELETED."""
    base = f"/v1/accounts/{ACCOUNT}/deployments"
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=emulator.url, headers={"Authorization": f"Bearer {KEY}"})
        mine: httpx.Client = local.client
        return mine

    def wait_for(path: str, state: str) -> None:
        while client().get(path).raise_for_status().json().get("state") != state:
            time.sleep(interval)

    def create(i: int) -> None:
        client().post(base, params={"deploymentId": f"plain-{i}"},
                      json={"baseModel": BASE_MODEL, "minReplicaCount": 0, "maxReplicaCount": 1}).raise_for_status()
        wait_for(f"{base}/plain-{i}", "READY")

    def delete(i: int) -> None:
        client().delete(f"{base}/plain-{i}").raise_for_status()
        wait_for(f"{base}/plain-{i}", "DELETED")

    out: dict[str, Run] = {}
    with ThreadPoolExecutor(n) as pool:
        for phase, work in (("create", create), ("delete", delete)):
            emulator.clear_requests()
            started = time.perf_counter()
            list(pool.map(work, range(n)))
            out[phase] = Run(time.perf_counter() - started, None, emulator.calls())
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load {load}"


def print_table(rows: list[Row]) -> None:
    header = ["scenario", "N", "wall s", "x T", "x floor", "x shaped", "CPU s", "API calls"]
    table = [header] + [r.cells() for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(c.ljust(w) if i in (0, 7) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="deployments that wait")
    parser.add_argument("--transition", type=float, default=30.0,
                        help="seconds each transition takes (T); the engine's own ~3 s are noise to it")
    parser.add_argument("--instant", type=int, default=100, help="deployments that are READY at once")
    parser.add_argument("--parallel", type=int, default=64, help="pulumi --parallel")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each short scenario (floors, instant); the best is shown")
    args = parser.parse_args()
    t = args.transition
    print(f"machine: {machine()}")
    engine = subprocess.run(["pulumi", "version"], capture_output=True, text=True).stdout.strip()
    print(f"pulumi {engine}; --parallel {args.parallel}; T = {t:g} s; N = {args.n}; instant N = {args.instant}",
          flush=True)

    emulator = Emulator(t)
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="fw-bench-") as tmp:
            bench = Bench(Path(tmp), emulator, args.parallel)
            # Warm-up (not reported): first runs pay for cold caches and .pyc compilation.
            emulator.set_transition("instant")
            bench.lifecycle("warm-tiny", "tiny", 1, update=False)
            bench.lifecycle("warm-deployment", "deployment", 1, update=False)
            emulator.set_transition({"seconds": t})
            floor = bench.lifecycle("floor", "tiny", args.n, update=True, repeat=args.repeat)
            waits = bench.lifecycle("waits", "deployment", args.n, update=True)
            for phase, label in (("up", "up (create)"), ("update", "up (update)"), ("destroy", "destroy")):
                rows.append(Row(f"deployments, {label}", args.n, waits[phase], t, floor[phase]))
            for phase, label in (("up", "up (create)"), ("update", "up (update)"), ("destroy", "destroy")):
                rows.append(Row(f"engine floor (no-op), {label}", args.n, floor[phase], t))
            print_table(rows)
            print(flush=True)

            emulator.set_transition("instant")
            instant_floor = bench.lifecycle("instant-floor", "tiny", args.instant, update=False, repeat=args.repeat)
            shaped = bench.lifecycle("instant-shaped", "shaped", args.instant, update=False, repeat=args.repeat)
            instant = bench.lifecycle("instant", "deployment", args.instant, update=False, repeat=args.repeat)
            for phase, label in (("up", "up (create)"), ("destroy", "destroy")):
                rows.append(Row(f"instant deployments, {label}", args.instant, instant[phase], None,
                                instant_floor[phase], shaped[phase]))
                rows.append(Row(f"no-op shaped like them, {label}", args.instant, shaped[phase], None,
                                instant_floor[phase]))
                rows.append(Row(f"engine floor (no-op), {label}", args.instant, instant_floor[phase]))

            emulator.set_transition({"seconds": t})
            plain = plain_httpx(emulator, args.n)
            rows.append(Row("plain httpx, create + wait", args.n, plain["create"], t))
            rows.append(Row("plain httpx, delete + wait", args.n, plain["delete"], t))
    finally:
        emulator.close()
    print_table(rows)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
