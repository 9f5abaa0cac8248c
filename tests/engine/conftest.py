"""Fixtures for engine tests of Fireworks resources: the real engine against the emulator.

The provider runs in the engine's dynamic-provider process, so the emulator is served on
a real loopback port and reached through FIREWORKS_BASE_URL.

Tests do not `destroy` their stacks to clean up: each has its own file backend, and the
emulator is reset before the next test. A `destroy` in a test is there for what it shows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import write_files
from tests.support.engine import EngineEnv, EngineStack, write_python_project

PROGRAM = Path(__file__).with_name("deployment_program.py")
RESOURCES_PROGRAM = Path(__file__).with_name("resources_program.py")


DeploymentStack = Callable[..., EngineStack]


@pytest.fixture
def deployment_stack(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> DeploymentStack:
    """A stack of ``deployment_program.py``; pass deployments as {resource name: inputs}."""

    def make(deployments: dict[str, dict[str, Any]], *, env: dict[str, str] | None = None, **kwargs: Any) -> EngineStack:
        project = write_python_project(tmp_path / "project", "deployments", "")
        shutil.copy(PROGRAM, project / "__main__.py")
        stack = engine_env.stack(project, env_vars=env if env is not None else emulator.env(), **kwargs)
        set_deployments(stack, deployments)
        return stack

    return make


def set_deployments(stack: EngineStack, deployments: dict[str, dict[str, Any]]) -> None:
    stack.set_config("deployments", json.dumps(deployments))


def live_deployments(emulator: RunningEmulator, *, show_deleted: bool = False) -> list[dict[str, Any]]:
    """Deployments the emulator holds, read through the API as a user would."""
    import httpx

    response = httpx.get(
        f"{emulator.url}/v1/accounts/{emulator.account_id}/deployments",
        params={"showDeleted": "true" if show_deleted else "false", "pageSize": 200},
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    )
    response.raise_for_status()
    return list(response.json().get("deployments", []))


ResourcesStack = Callable[..., EngineStack]


@pytest.fixture
def resources_stack(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> ResourcesStack:
    """A stack of ``resources_program.py``: pass ``{resource name: {"type", "inputs"}}``
    (see that program for references, secrets and assets), secret config values, and
    ``files`` to write into the project (relative path -> bytes) for inputs naming them."""

    def make(
        resources: dict[str, dict[str, Any]],
        *,
        secrets: dict[str, str] | None = None,
        files: dict[str, bytes] | None = None,
        **kwargs: Any,
    ) -> EngineStack:
        project = write_python_project(tmp_path / "resources", "resources", "")
        shutil.copy(RESOURCES_PROGRAM, project / "__main__.py")
        write_files(project, files or {})
        stack = engine_env.stack(project, env_vars=emulator.env(), secret_config=secrets, **kwargs)
        set_resources(stack, resources)
        return stack

    return make


def set_resources(stack: EngineStack, resources: dict[str, dict[str, Any]]) -> None:
    stack.set_config("resources", json.dumps(resources))


def live_objects(emulator: RunningEmulator, collection: str, *, parent: str = "", **params: Any) -> list[dict[str, Any]]:
    """Objects of ``collection`` the emulator holds (under ``parent``, e.g. ``users/ci``),
    read through the API as a user would."""
    import httpx

    path = "/".join(p for p in (f"/v1/accounts/{emulator.account_id}", parent, collection) if p)
    response = httpx.get(
        emulator.url + path,
        params={"pageSize": 200, **params},
        headers={"Authorization": f"Bearer {emulator.api_key}"},
    )
    response.raise_for_status()
    return list(response.json().get(collection, []))
