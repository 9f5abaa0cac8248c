"""The Automation API as a new user meets it: examples/automation/deploy.py, an inline program,
run with the virtualenv's Python while that virtualenv is not on PATH (an IDE, a service,
`venv/bin/python deploy.py`).

The dynamic-provider plugin then finds no `pulumi` in the `python3` on PATH; importing
pulumi_fireworks points it at the interpreter that imported the package (see
pulumi_fireworks/_automation.py). The second test is the same run with that default turned
off (PULUMI_PYTHON_CMD set, to nothing): it fails the way users saw, which is what the first
test's success is measured against.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_objects
from tests.support.engine import EngineEnv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "automation" / "deploy.py"
SYSTEM_PATH = "/usr/bin:/bin"
"""Where a plain `python3` without pulumi is (checked below), and the engine's directory before it."""


def run(engine_env: EngineEnv, emulator: RunningEmulator, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k not in {"PATH", "PULUMI_PYTHON_CMD", "VIRTUAL_ENV", "PYTHONPATH"}}
    engine = {k: v for k, v in engine_env.env.items() if k not in {"PATH", "PULUMI_PYTHON_CMD", "PYTHONPATH"}}
    env = {**keep, **engine, **emulator.env(), "PATH": f"{engine_env.bin_dir}{os.pathsep}{SYSTEM_PATH}", **(extra or {})}
    return subprocess.run([sys.executable, str(EXAMPLE), *args], env=env, capture_output=True, text=True, timeout=300)


def result(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_an_inline_program_creates_previews_and_destroys_without_the_venv_on_path(
    engine_env: EngineEnv, emulator: RunningEmulator
) -> None:
    plain = subprocess.run(["python3", "-c", "import pulumi"], env={"PATH": SYSTEM_PATH}, capture_output=True)
    assert plain.returncode != 0  # the python3 on that PATH has no pulumi: the plugin must not use it

    up = result(run(engine_env, emulator, "up"))
    assert up["changes"] == {"create": 3}
    assert [d["name"] for d in live_objects(emulator, "deployments")] == [up["outputs"]["deployment"]]
    assert [s["name"] for s in live_objects(emulator, "secrets")] == [up["outputs"]["secret"]]
    assert result(run(engine_env, emulator, "preview"))["changes"] == {"same": 3}
    assert result(run(engine_env, emulator, "destroy"))["changes"] == {"delete": 3}
    assert live_objects(emulator, "deployments") == [] and live_objects(emulator, "secrets") == []


def test_without_that_default_the_plugin_starts_a_python_without_pulumi(
    engine_env: EngineEnv, emulator: RunningEmulator
) -> None:
    failed = run(engine_env, emulator, "up", extra={"PULUMI_PYTHON_CMD": ""})
    assert failed.returncode != 0 and "No module named 'pulumi'" in failed.stdout + failed.stderr
    assert live_objects(emulator, "deployments") == []
