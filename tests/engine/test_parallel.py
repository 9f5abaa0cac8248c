"""Waits for independent deployments overlap; dependents still wait; the API is spared.

Timing is read from the emulator's request log (when each create, patch or delete was sent,
when each wait's last poll came), not from sleeps. The bounds are what the old behaviour
(four provider calls at a time) could not meet, with a wide margin for a loaded machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_deployments
from tests.support.engine import EngineEnv, EngineStack, write_python_project

pytestmark = pytest.mark.engine

PROGRAM = Path(__file__).with_name("parallel_program.py")
TYPE = "pulumi-python:dynamic/fireworks:Deployment"

ParallelStack = Callable[..., EngineStack]


@pytest.fixture
def parallel_stack(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> ParallelStack:
    """A stack of ``parallel_program.py`` with ``count`` deployments; ``env`` adds variables."""

    def make(count: int, *, dependent: bool = False, env: dict[str, str] | None = None) -> EngineStack:
        project = write_python_project(tmp_path / "project", "parallel", "")
        shutil.copy(PROGRAM, project / "__main__.py")
        stack = engine_env.stack(project, env_vars={**emulator.env(), **(env or {})})
        stack.set_config("count", str(count))
        stack.set_config("dependent", "true" if dependent else "false")
        return stack

    return make


def sent(log: list[dict[str, Any]], method: str) -> list[float]:
    return sorted(entry["time"] for entry in log if entry["method"] == method)


def deployment_id(entry: dict[str, Any]) -> str:
    return str(entry["query"]["deploymentId"]) if entry["method"] == "POST" else str(entry["path"].rsplit("/", 1)[-1])


def test_waits_overlap_for_create_update_and_delete(parallel_stack: ParallelStack, emulator: RunningEmulator) -> None:
    # T leaves room for a loaded machine (the suite runs on several workers): the writes must
    # all go out within one T, and serialised waits would take at least 3 T.
    count, transition = 12, 5.0
    emulator.admin.set_lifecycle_default(timing={"seconds": transition})
    stack = parallel_stack(count, env={"PULUMI_FIREWORKS_LOG_LEVEL": "debug"})

    def phase(method: str, run: Callable[[], Any]) -> Any:
        emulator.admin.clear_requests()
        result = run()
        log = emulator.admin.requests()
        writes = sent(log, method)
        assert len(writes) == count
        # Every write went out before the first deployment could even be ready: none of them
        # waited for a worker held by another deployment's wait ...
        assert writes[-1] - writes[0] < transition, f"{method}s were sent over {writes[-1] - writes[0]:.1f}s"
        # ... so all the waits together took about one wait. Four at a time needs >= 3 T.
        waited = max(sent(log, "GET")) - writes[0]
        assert waited < count * transition / 4, f"{method}: the waits took {waited:.1f}s"
        return result

    up = phase("POST", lambda: stack.up(parallel=64))
    assert "widened the provider's gRPC worker pool from 4 to 128 threads" in up.stdout
    assert {output for output in up.outputs["ids"]} == {d["name"].rsplit("/", 1)[-1] for d in live_deployments(emulator)}

    stack.set_config("label", "v2")
    phase("PATCH", lambda: stack.up(parallel=64))
    assert {d["displayName"] for d in live_deployments(emulator)} == {f"v2 {i}" for i in range(count)}

    phase("DELETE", lambda: stack.destroy(parallel=64))
    assert live_deployments(emulator) == []


def test_a_dependent_still_starts_only_after_its_deployment_is_ready(
    parallel_stack: ParallelStack, emulator: RunningEmulator
) -> None:
    transition = 4.0  # the independent creates must go out within one T, even on a loaded machine
    emulator.admin.set_lifecycle_default(timing={"seconds": transition})
    stack = parallel_stack(3, dependent=True)
    up = stack.up(parallel=64)
    first, dependent = up.outputs["ids"][0], up.outputs["dependent"]
    log = emulator.admin.requests()
    posts = {deployment_id(e): e["time"] for e in log if e["method"] == "POST"}
    polls_of_first = [e["time"] for e in log if e["method"] == "GET" and deployment_id(e) == first]
    # The dependent was created after the poll that found the first one READY, never during its wait.
    assert posts[dependent] > max(polls_of_first) >= posts[first] + transition
    [live] = [d for d in live_deployments(emulator) if d["name"].endswith("/" + dependent)]
    assert live["displayName"] == "after d0 was READY"
    # The independent ones did not wait for each other.
    independent = sorted(t for name, t in posts.items() if name != dependent)
    assert independent[-1] - independent[0] < transition


def test_the_thread_setting_bounds_how_many_calls_run_at_once(
    parallel_stack: ParallelStack, emulator: RunningEmulator
) -> None:
    transition = 2.0
    emulator.admin.set_lifecycle_default(timing={"seconds": transition})
    stack = parallel_stack(6, env={"PULUMI_FIREWORKS_PROVIDER_THREADS": "4", "PULUMI_FIREWORKS_LOG_LEVEL": "debug"})
    up = stack.up(parallel=64)
    assert "left as is: the pool already allows 4 threads" in up.stdout
    posts = sent(emulator.admin.requests(), "POST")
    # Four creates held the four workers; the fifth could only start once one of them was READY.
    assert posts[4] - posts[0] >= transition


def test_a_no_change_up_costs_no_api_call_and_refresh_one_get_each(
    parallel_stack: ParallelStack, emulator: RunningEmulator
) -> None:
    stack = parallel_stack(3)
    stack.up(parallel=64)

    emulator.admin.clear_requests()
    assert stack.preview().change_summary == {"same": 4}
    assert stack.up(parallel=64).change_summary == {"same": 4}
    assert emulator.admin.requests() == []

    for refreshing in (lambda: stack.refresh(), lambda: stack.up(refresh=True)):
        emulator.admin.clear_requests()
        refreshing()
        calls = [(e["method"], deployment_id(e)) for e in emulator.admin.requests()]
        assert sorted(calls) == sorted(("GET", i) for i in stack.outputs()["ids"])


def test_forty_deployments_converge_through_a_storm_of_429s(
    parallel_stack: ParallelStack, emulator: RunningEmulator
) -> None:
    count = 40
    emulator.admin.set_lifecycle_default(timing={"seconds": 2.0})
    fault = emulator.admin.add_fault(
        path="/v1/*", probability=0.3, seed=13, action={"type": "error", "status": 429, "retryAfter": 1}
    )
    stack = parallel_stack(count)
    up = stack.up(parallel=64)

    hits = {f["id"]: f["hits"] for f in emulator.admin.faults()}[fault["id"]]
    assert hits >= 10  # the storm was real (30 % of well over 80 requests)
    emulator.admin.clear_faults()
    in_state = sorted(r["id"] for r in stack.resources(TYPE))
    assert len(in_state) == count and sorted(up.outputs["ids"]) == in_state
    for show_deleted in (False, True):  # nothing orphaned, nothing created twice, nothing half-deleted
        live = live_deployments(emulator, show_deleted=show_deleted)
        assert sorted(d["name"].rsplit("/", 1)[-1] for d in live) == in_state
        assert {d["state"] for d in live} == {"READY"}
    created = [e for e in emulator.admin.requests() if e["method"] == "POST" and e["status"] == 200]
    assert len(created) == count

    emulator.admin.set_lifecycle_default(timing="instant")
    stack.destroy(parallel=64)
    assert live_deployments(emulator) == []
