"""The provider plugin (`pulumi-resource-fireworks`) through the real engine, from Pulumi YAML:
another language than Python, served by the same resource engine as the dynamic providers.

What only the engine shows: a YAML program deploying against the emulator with a lookup as
an invoke; field-level detailed diffs in `preview --json` (update vs replace, nested paths);
`pulumi import` by the `import` option with nothing to do afterwards; `customTimeouts`
ending a wait, with nothing left behind.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_objects
from tests.support.content import LLAMA, QWEN
from tests.support.engine import EngineEnv, write_python_project


def yaml_project(directory: Path, resources: dict[str, Any], outputs: dict[str, str], variables: dict[str, Any] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {"name": "yaml-fireworks", "runtime": "yaml", "resources": resources, "outputs": outputs}
    if variables:
        doc["variables"] = variables
    (directory / "Pulumi.yaml").write_text(json.dumps(doc, indent=2))  # JSON is YAML
    return directory


class Cli:
    def __init__(self, engine_env: EngineEnv, emulator: RunningEmulator, project: Path) -> None:
        self.engine_env, self.project, self.env = engine_env, project, emulator.env()
        self("stack", "init", "dev")

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = self.engine_env.run_cli([*args, "--non-interactive"], cwd=self.project, extra_env=self.env, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def write(self, resources: dict[str, Any], outputs: dict[str, str], variables: dict[str, Any] | None = None) -> None:
        yaml_project(self.project, resources, outputs, variables)


def deployment(**properties: Any) -> dict[str, Any]:
    return {"type": "fireworks:index:Deployment", "properties": properties}


def test_a_yaml_program_deploys_and_previews_field_level_diffs(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    shape = {"fn::invoke": {"function": "fireworks:index:getDeploymentShape",
                            "arguments": {"base_model": LLAMA, "accelerator_type": "NVIDIA_A100_80GB"},
                            "return": "name"}}
    chat = {"base_model": LLAMA, "deployment_shape": "${shape}", "min_replica_count": 0, "max_replica_count": 1,
            "display_name": "from YAML", "autoscaling_policy": {"scale_to_zero_window": "10m"}}
    cli = Cli(engine_env, emulator, yaml_project(tmp_path / "yaml", {"chat": deployment(**chat)},
                                                 {"name": "${chat.name}", "state": "${chat.state}"}, {"shape": shape}))
    cli("up", "--yes")
    outputs = json.loads(cli("stack", "output", "--json").stdout)
    [live] = live_objects(emulator, "deployments")
    assert outputs == {"name": live["name"], "state": "READY"} and live["displayName"] == "from YAML"
    assert live["deploymentShape"].startswith("accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct")
    cli("preview", "--expect-no-changes")

    cli.write({"chat": deployment(**{**chat, "display_name": "renamed", "autoscaling_policy": {"scale_to_zero_window": "20m"}})},
              {"name": "${chat.name}"}, {"shape": shape})
    [step] = [s for s in json.loads(cli("preview", "--json").stdout)["steps"] if s["urn"].endswith("::chat")]
    assert step["op"] == "update"
    assert step["detailedDiff"] == {
        "display_name": {"kind": "update", "inputDiff": True},
        "autoscaling_policy.scale_to_zero_window": {"kind": "update", "inputDiff": True},
    }
    cli.write({"chat": deployment(**{**chat, "base_model": QWEN, "deployment_shape": None})}, {"name": "${chat.name}"})
    [step] = [s for s in json.loads(cli("preview", "--json").stdout)["steps"] if s["urn"].endswith("::chat") and s["op"] == "replace"]
    assert step["detailedDiff"]["base_model"] == {"kind": "update-replace", "inputDiff": True}
    assert step["replaceReasons"] == ["base_model"]


def test_an_existing_deployment_is_imported_with_nothing_left_to_do(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    made = httpx.post(f"{emulator.url}/v1/accounts/{emulator.account_id}/deployments", params={"deploymentId": "made-by-hand"},
                      json={"baseModel": LLAMA, "displayName": "made by hand", "maxReplicaCount": 2},
                      headers={"Authorization": f"Bearer {emulator.api_key}"})
    assert made.status_code == 200, made.text
    program = {"base_model": LLAMA, "display_name": "made by hand", "max_replica_count": 2, "deployment_id": "made-by-hand"}
    resource = {**deployment(**program), "options": {"import": "made-by-hand"}}
    cli = Cli(engine_env, emulator, yaml_project(tmp_path / "yaml", {"chat": resource}, {"name": "${chat.name}"}))
    up = cli("up", "--yes")
    assert "imported" in up.stdout and len(live_objects(emulator, "deployments")) == 1
    cli.write({"chat": deployment(**program)}, {"name": "${chat.name}"})  # the option is for one up
    cli("preview", "--expect-no-changes")


def test_custom_timeouts_end_the_wait_and_leave_nothing_behind(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployments", states=["CREATING"], outcome="STUCK")
    resource = {**deployment(base_model=LLAMA), "options": {"customTimeouts": {"create": "3s"}}}
    cli = Cli(engine_env, emulator, yaml_project(tmp_path / "yaml", {"chat": resource}, {}))
    failed = cli("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "did not finish within 3s" in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    assert live_objects(emulator, "deployments") == []  # the half-made deployment was deleted


def test_a_job_whose_wait_ran_out_is_recorded_not_lost(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """The job goes on training after customTimeouts ends the wait: the engine records it (an
    init error), and the next up waits for that job instead of starting another."""
    emulator.admin.add_lifecycle_rule(collection="supervisedFineTuningJobs", states=["JOB_STATE_PENDING"], outcome="STUCK")
    rows = [{"messages": [{"role": "user", "content": f"question {i}"}, {"role": "assistant", "content": "hello"}]} for i in range(3)]
    resources = {
        "train": {"type": "fireworks:index:Dataset", "properties": {"rows": rows, "format": "CHAT"}},
        "tune": {"type": "fireworks:index:SupervisedFineTuningJob", "properties": {"dataset": "${train.name}", "base_model": LLAMA},
                 "options": {"customTimeouts": {"create": "3s"}}},
    }
    cli = Cli(engine_env, emulator, yaml_project(tmp_path / "yaml", resources, {"job": "${tune.name}"}))
    failed = cli("up", "--yes", check=False)
    assert failed.returncode != 0 and "did not finish within 3s" in failed.stdout + failed.stderr
    [job] = live_objects(emulator, "supervisedFineTuningJobs")
    state = json.loads(cli("stack", "export").stdout)["deployment"]["resources"]
    [recorded] = [r for r in state if r["type"] == "fireworks:index:SupervisedFineTuningJob"]
    assert recorded["id"] == job["name"].rsplit("/", 1)[-1] and recorded.get("initErrors")

    emulator.admin.finish_job(job["name"])
    cli("up", "--yes")
    assert [j["name"] for j in live_objects(emulator, "supervisedFineTuningJobs")] == [job["name"]]
    assert json.loads(cli("stack", "output", "--json").stdout)["job"] == job["name"]
    cli("preview", "--expect-no-changes")


DYNAMIC = """
    import pulumi_fireworks as fireworks
    fireworks.Deployment("chat", base_model="{model}", deployment_id="chat-moved", display_name="moved")
"""
PLUGIN = """
    import pulumi
    props = {{"base_model": "{model}", "deployment_id": "chat-moved", "display_name": "moved"}}
    pulumi.CustomResource("fireworks:index:Deployment", "chat", props, opts=pulumi.ResourceOptions({opts}))
"""


def test_a_python_stack_moves_a_resource_to_the_plugin_without_recreating_it(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """The README's recipe: forget the dynamic resource, import the same id with the plugin's type."""
    project = write_python_project(tmp_path / "moving", "moving", DYNAMIC.format(model=LLAMA))
    stack = engine_env.stack(project, env_vars=emulator.env())
    stack.up()
    [before] = live_objects(emulator, "deployments")
    [old] = stack.resources("pulumi-python:dynamic/fireworks:Deployment")
    stack.cli("state", "delete", old["urn"], "--yes")
    write_python_project(project, "moving", PLUGIN.format(model=LLAMA, opts='import_="chat-moved"'))
    assert stack.up().change_summary == {"import": 1, "same": 1}
    write_python_project(project, "moving", PLUGIN.format(model=LLAMA, opts=""))
    assert stack.preview().change_summary == {"same": 2}
    [after] = live_objects(emulator, "deployments")
    assert after["name"] == before["name"] and after["createTime"] == before["createTime"]  # never recreated
    assert [r["type"] for r in stack.resources() if "Deployment" in r["type"]] == ["fireworks:index:Deployment"]


@pytest.fixture(autouse=True)
def _plugin_on_path(engine_env: EngineEnv) -> None:
    """The plugin is this package's console script, beside the Python that runs the tests."""
    import shutil

    assert shutil.which("pulumi-resource-fireworks", path=engine_env.env["PATH"]), "pip install -e . puts it on PATH"
