"""The scheduled drift check (examples/ci/drift-check.yml runs `python -m
pulumi_fireworks.review.drift`) against a real stack: zero when Fireworks matches the state,
one with a summary naming the field after a change made outside Pulumi, and nothing written
to the state or to Fireworks by the check itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects
from tests.support.content import LLAMA
from tests.support.engine import EngineStack

STACK = {"chat": {"type": "Deployment", "inputs": {"base_model": LLAMA, "display_name": "chat", "max_replica_count": 2}}}


def drift(stack: EngineStack, output: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **stack.engine_env.env_with(stack.stack.workspace.env_vars)}
    return subprocess.run(
        [sys.executable, "-m", "pulumi_fireworks.review.drift", "--stack", stack.name, "--cwd",
         stack.stack.workspace.work_dir, "--pulumi", str(stack.engine_env.bin_dir / "pulumi"), "--output", str(output)],
        env=env, capture_output=True, text=True, timeout=300,
    )


def test_the_drift_check_is_quiet_until_something_changes_elsewhere(
    resources_stack: ResourcesStack, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack = resources_stack(STACK)
    stack.up()
    summary = tmp_path / "summary.md"
    quiet = drift(stack, summary)
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert "No drift" in summary.read_text()

    [deployment] = live_objects(emulator, "deployments")
    emulator.admin.patch_resource(deployment["name"], {"displayName": "renamed in the web UI", "maxReplicaCount": 5})
    state_before = stack.export_state()
    found = drift(stack, summary)
    assert found.returncode == 1, found.stderr[-2000:]
    assert "fireworks:Deployment::chat would update: display_name, max_replica_count" in found.stderr
    text = summary.read_text()
    assert text.startswith("## Drift in") and "renamed in the web UI" in text and "`max_replica_count`" in text
    assert stack.export_state() == state_before  # the check refreshes in memory only
    assert live_objects(emulator, "deployments")[0]["displayName"] == "renamed in the web UI"  # and changes nothing

    bad = subprocess.run([sys.executable, "-m", "pulumi_fireworks.review.drift", "--stack", "nope", "--cwd", str(tmp_path),
                          "--pulumi", str(stack.engine_env.bin_dir / "pulumi")],
                         env={**os.environ, **stack.engine_env.env}, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "drift:" in bad.stderr
