"""Shared fixtures. Engine helpers live in ``tests.support.engine`` (see its docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.engine import EngineEnv, make_engine_env


@pytest.fixture
def engine_env(tmp_path: Path) -> EngineEnv:
    """An isolated engine environment: temp PULUMI_HOME and file backend, test passphrase.

    Use ``engine_env.stack(project_dir, env_vars={...}, config={...})`` to get a stack of a local
    program (see ``tests.support.engine.write_python_project``).
    """
    return make_engine_env(tmp_path / "engine")
