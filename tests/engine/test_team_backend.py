"""examples/platform-and-apps on a shared state backend: S3 served on loopback (moto).

What only the engine shows, on the path a team takes: two projects on one ``s3://`` backend,
the app reading the platform's outputs through a stack reference, the backend's lock
refusing a second ``up`` of a stack while one runs, stacks of different environments
updated at once against one Fireworks account, and destroys that leave the bucket with
history only.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_objects
from tests.engine.test_convergence import wait_for
from tests.support.engine import EngineEnv, EngineStack
from tests.support.inventory import server_objects, state_objects
from tests.support.s3 import S3Backend, s3_backend

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "platform-and-apps"
HF_TOKEN = "hf_platform_token_0123456789"


@pytest.fixture
def s3() -> Iterator[S3Backend]:
    with s3_backend() as backend:
        yield backend


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "platform-and-apps", ignore=shutil.ignore_patterns("__pycache__")))


def stack(engine_env: EngineEnv, emulator: RunningEmulator, s3: S3Backend, project: Path, name: str) -> EngineStack:
    secrets = {"hfToken": HF_TOKEN} if project.name == "platform" else None
    return engine_env.stack(project, name, env_vars={**emulator.env(), **s3.env}, secret_config=secrets)


def checkpoint(s3: S3Backend, project: str, name: str) -> dict[str, object]:
    return dict(json.loads(s3.read(f".pulumi/stacks/{project}/{name}.json")))


def test_platform_and_app_on_an_s3_backend(
    engine_env: EngineEnv, emulator: RunningEmulator, s3: S3Backend, projects: Path
) -> None:
    platform = stack(engine_env, emulator, s3, projects / "platform", "dev")
    app = stack(engine_env, emulator, s3, projects / "app", "dev")

    first = platform.up()
    assert first.change_summary == {"create": 4}  # the stack, the deployment, the secret, the service account
    shared = first.outputs
    [deployment] = live_objects(emulator, "deployments")
    assert deployment["name"] == shared["deployment"] and deployment.get("minReplicaCount", 0) == 0  # dev: to zero

    app_up = app.up()
    assert app_up.change_summary == {"create": 5}  # the stack, dataset, job, load and key (the reference is read)
    out = app_up.outputs
    [load] = live_objects(emulator, "deployedModels")
    assert load["deployment"] == shared["deployment"]  # the platform's deployment, read by stack reference
    assert out["model"] == f"{load['model']}#{shared['deployment']}"
    [key] = live_objects(emulator, "apiKeys", parent=f"users/{shared['appsServiceAccount']}")
    assert key["displayName"] == "support-app (dev)"
    assert platform.preview().change_summary == {"same": 4} and app.preview().change_summary == {"same": 5}

    # The state lives in the bucket, with its secrets encrypted.
    keys = s3.keys(".pulumi/")
    assert {".pulumi/stacks/platform/dev.json", ".pulumi/stacks/support-app/dev.json"} <= set(keys)
    assert HF_TOKEN not in s3.read(".pulumi/stacks/platform/dev.json").decode()

    assert app.destroy().change_summary == {"delete": 5, "discard": 1}  # the reference is dropped, not deleted
    assert platform.destroy().change_summary == {"delete": 4}
    left = {name for name in server_objects(emulator) if "/models/" not in name}
    assert left == set()  # the trained model is kept on purpose (Fireworks keeps a job's output)
    for project in ("platform", "support-app"):
        assert not checkpoint(s3, project, "dev")["checkpoint"].get("latest", {}).get("resources")  # type: ignore[union-attr]
    assert [k for k in s3.keys(".pulumi/") if "/locks/" in k] == []
    assert any("/history/" in k for k in s3.keys(".pulumi/"))


def test_the_lock_refuses_a_second_up_and_other_environments_go_ahead(
    engine_env: EngineEnv, emulator: RunningEmulator, s3: S3Backend, projects: Path
) -> None:
    dev, staging, prod = (stack(engine_env, emulator, s3, projects / "platform", env) for env in ("dev", "staging", "prod"))

    # The first `up` holds the stack's lock while its deployment is being created (held there).
    emulator.admin.add_lifecycle_rule(collection="deployments", states=["CREATING"], outcome="STUCK")
    first = dev.spawn("up", "--yes", "--skip-preview")
    wait_for(lambda: first.poll() is not None or bool(live_objects(emulator, "deployments")))
    assert first.poll() is None, first.communicate()[0][-3000:]
    second = dev.cli("up", "--yes", "--skip-preview", check=False)
    assert second.returncode != 0
    assert "the stack is currently locked" in second.stdout + second.stderr and "pulumi cancel" in second.stdout + second.stderr
    [held] = live_objects(emulator, "deployments")
    emulator.admin.patch_resource(held["name"], {"state": "READY"})  # the capacity arrives
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 0, output[-3000:]
    assert dev.up().change_summary == {"same": 4}  # the refused run, re-run: nothing left to do
    emulator.admin.clear_lifecycle_rules()

    # Two environments at once, one account: their derived ids differ, so nothing collides.
    runs = [s.spawn("up", "--yes", "--skip-preview") for s in (staging, prod)]
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output[-3000:]
    states = state_objects(dev, emulator.account_id) + state_objects(staging, emulator.account_id) + state_objects(prod, emulator.account_id)
    assert server_objects(emulator) == states and set(states.values()) == {1}
    assert len(live_objects(emulator, "deployments")) == 3 and len(live_objects(emulator, "secrets")) == 3
    assert sorted(u["email"] for u in live_objects(emulator, "users") if not u.get("serviceAccount")) == [
        "lead@example.com", "oncall@example.com"]
    assert [k for k in s3.keys(".pulumi/") if "/locks/" in k] == []
