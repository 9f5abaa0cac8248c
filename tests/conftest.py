"""Shared fixtures, and the test tiers. Engine helpers live in ``tests.support.engine``.

Tiers are marked here, in one place, by directory (``pytest -m "not engine"`` runs the
fast tiers only; ``-m live`` the opt-in tier against the real API):

* ``tests/unit``, ``tests/emulator``, ``tests/provider``: no Pulumi engine;
* ``tests/engine``, ``tests/faults``, ``tests/packaging``: the real engine (``engine``);
* ``tests/langhost``: the real engine too (``engine``), testing the Python language host in
  scripts/engine rather than the product (``langhost``; ``-m "engine and not langhost"``
  leaves them out, CI runs them);
* ``tests/live``: the real Fireworks API, only with FIREWORKS_API_KEY set (``live``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator, running_emulator
from tests.support.engine import EngineEnv, make_engine_env


ENGINE_TIERS = ("engine", "faults", "packaging", "langhost")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    live_asked = "live" in (config.option.markexpr or "")
    kept, deselected = [], []
    for item in items:
        tier = Path(str(item.fspath)).relative_to(root).parts[0]
        if tier in ENGINE_TIERS:
            item.add_marker(pytest.mark.engine)
        if tier == "langhost":
            item.add_marker(pytest.mark.langhost)
        elif tier == "live":
            item.add_marker(pytest.mark.live)
            if not live_asked:
                deselected.append(item)  # never part of a normal run (nor CI): ask with -m live
                continue
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture
def engine_env(tmp_path: Path) -> EngineEnv:
    """An isolated engine environment: temp PULUMI_HOME and file backend, test passphrase.

    Use ``engine_env.stack(project_dir, env_vars={...}, config={...})`` to get a stack of a local
    program (see ``tests.support.engine.write_python_project``).
    """
    return make_engine_env(tmp_path / "engine")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[RunningEmulator]:
    """One emulator on a loopback port for the session (tiers with needs of their own,
    such as tests/emulator, define theirs)."""
    with running_emulator() as emu:
        yield emu


@pytest.fixture
def emulator(emulator_server: RunningEmulator) -> RunningEmulator:
    """The session's emulator, reset to its seeded state for this test."""
    emulator_server.admin.reset()
    return emulator_server
