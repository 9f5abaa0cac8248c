"""The Fireworks policy pack through the real engine: `pulumi preview/up --policy-pack`.

The pack is written with ``pulumi_fireworks.policy.write_pack`` (the shipped folder). Most tests
run it in this repository's environment (a ``runtime: python`` PulumiPolicy.yaml without a
virtualenv, which our dev language host runs with the program's interpreter). The official
layout, a pack run from a virtualenv of its own installed from the built wheel, is
tests/packaging/test_wheel.py's README test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
from pulumi import automation as auto

from pulumi_fireworks.emulator.testing import RunningEmulator
from pulumi_fireworks.policy import PACK_NAME, write_pack
from tests.engine.conftest import live_deployments
from tests.support.content import LLAMA, adapter, write_files
from tests.support.engine import EngineEnv, EngineStack, engine_is_ours, write_python_project


PROGRAM = Path(__file__).with_name("policy_program.py")
REPO = Path(__file__).resolve().parents[2]
DEPLOYMENT = "pulumi-python:dynamic/fireworks:Deployment"
SECRET = "pulumi-python:dynamic/fireworks:Secret"

PolicyStack = Callable[..., EngineStack]


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """The shipped pack, set to run in this environment (no virtualenv of its own)."""
    directory = write_pack(tmp_path / "pack", requirement=str(REPO))
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\ndescription: Fireworks guardrails (test)\n")
    return directory


@pytest.fixture
def policy_stack(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> PolicyStack:
    """A stack of ``policy_program.py`` named ``stack_name`` holding ``resources``."""

    def make(stack_name: str, resources: list[dict[str, Any]], files: dict[str, bytes] | None = None) -> EngineStack:
        project = write_python_project(tmp_path / "project", "guarded", "")
        shutil.copy(PROGRAM, project / "__main__.py")
        write_files(project, files or {})
        stack = engine_env.stack(project, stack_name=stack_name, env_vars=emulator.env())
        set_resources(stack, resources)
        return stack

    return make


def set_resources(stack: EngineStack, resources: list[dict[str, Any]]) -> None:
    stack.set_config("resources", json.dumps(resources))


def write_config(path: Path, config: dict[str, Any]) -> str:
    path.write_text(json.dumps(config))
    return str(path)


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def failure_text(caught: pytest.ExceptionInfo[auto.CommandError]) -> str:
    return str(caught.value)


_VIOLATION = re.compile(r"- \[(\w+)\](?: \[severity: \w+\])?\s+(fireworks-[\w-]+)\s+\(")


def violations(text: str) -> dict[str, str]:
    """Rule name -> enforcement level of each violation in the CLI's "Policies:" section."""
    return {rule: level for level, rule in _VIOLATION.findall(text) if level != "remediate"}


def remediations(text: str) -> set[str]:
    """Rules the CLI lists as having remediated a resource."""
    return {rule for level, rule in _VIOLATION.findall(text) if level == "remediate"}


def deployment(name: str, protect: bool = False, **inputs: Any) -> dict[str, Any]:
    return {"type": "Deployment", "name": name, "protect": protect, "inputs": {"base_model": LLAMA, **inputs}}


BROKEN_PROD = [
    # max replicas (12 > 10), max GPUs (12 x 2 = 24 > 16), production deployments protected
    deployment("big", max_replica_count=12, accelerator_type="NVIDIA_H100_80GB", accelerator_count=2),
    # API keys expire
    {"type": "ApiKey", "name": "ci-key", "inputs": {"user_id": "ci", "display_name": "CI"}},
    # service accounts are not admin
    {"type": "ServiceAccount", "name": "deployer", "inputs": {"role": "admin", "display_name": "deployer"}},
]
BROKEN_RULES = {
    "fireworks-max-replicas": "max_replica_count is 12, above the limit of 10",
    "fireworks-max-gpus-per-deployment": "12 replicas x 2 GPUs = 24 GPUs, above the limit of 16",
    "fireworks-production-deployments-protected": "deployment 'big' in production stack 'prod' is not protected",
    "fireworks-api-key-expiry": "API key 'ci-key' has no expire_time",
    "fireworks-service-account-roles": "service account 'deployer' has role 'admin'",
}


def fixed_prod() -> list[dict[str, Any]]:
    in_30_days = rfc3339(datetime.now(timezone.utc) + timedelta(days=30))
    return [
        deployment("big", protect=True, max_replica_count=4, accelerator_type="NVIDIA_H100_80GB", accelerator_count=2),
        {"type": "ApiKey", "name": "ci-key", "inputs": {"user_id": "ci", "display_name": "CI", "expire_time": in_30_days}},
        {"type": "ServiceAccount", "name": "deployer", "inputs": {"role": "inference-user", "display_name": "deployer"}},
    ]


def test_preview_reports_each_broken_rule_and_fails_then_passes_when_fixed(
    policy_stack: PolicyStack, pack: Path
) -> None:
    stack = policy_stack("prod", BROKEN_PROD)
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)])
    text = failure_text(caught)
    # 24 H100s at max are also past a new account's quota of 8: advisory, so it does not block alone.
    assert violations(text) == {**{rule: "mandatory" for rule in BROKEN_RULES}, "fireworks-gpu-quota": "advisory"}
    for rule, message in BROKEN_RULES.items():
        assert message in text, rule
    assert "may hold 24 NVIDIA_H100_80GB GPUs, above the account's quota of 8" in text
    assert PACK_NAME in text

    # The same stack, fixed: the preview passes and reports no violation.
    set_resources(stack, fixed_prod())
    ok = stack.preview(policy_packs=[str(pack)])
    assert ok.change_summary == {"create": 4}
    assert PACK_NAME in ok.stdout
    assert violations(ok.stdout) == {}


def test_up_blocked_by_a_mandatory_violation_creates_nothing(
    policy_stack: PolicyStack, pack: Path, emulator: RunningEmulator
) -> None:
    stack = policy_stack("dev", [deployment("big", min_replica_count=0, max_replica_count=12)])
    with pytest.raises(auto.CommandError) as caught:
        stack.up(policy_packs=[str(pack)])
    assert violations(failure_text(caught)) == {"fireworks-max-replicas": "mandatory"}
    assert live_deployments(emulator, show_deleted=True) == []
    assert [r for r in emulator.admin.requests() if r["method"] != "GET"] == []
    assert stack.resources(DEPLOYMENT) == []


def test_remediation_shows_up_in_the_created_deployment(
    policy_stack: PolicyStack, pack: Path, emulator: RunningEmulator
) -> None:
    # A dev stack: one replica kept warm, the API's default 1h scale-to-zero window.
    stack = policy_stack("dev", [deployment("chat", min_replica_count=1, max_replica_count=2)])
    up = stack.up(policy_packs=[str(pack)])
    assert up.change_summary == {"create": 2}
    assert "fireworks-dev-scale-to-zero" in up.stdout

    [live] = live_deployments(emulator)
    assert live.get("minReplicaCount", 0) == 0  # zero values are omitted on the wire
    assert live["maxReplicaCount"] == 2
    assert live["autoscalingPolicy"]["scaleToZeroWindow"] == "1800s"
    [state] = stack.resources(DEPLOYMENT)
    assert remediations(up.stdout) == {"fireworks-dev-scale-to-zero"}
    assert state["inputs"]["min_replica_count"] == 0
    assert state["inputs"]["autoscaling_policy"]["scale_to_zero_window"] == "1800s"

    # Remediated every time the same way: the next preview has nothing to change.
    assert stack.preview(policy_packs=[str(pack)]).change_summary == {"same": 2}
    assert stack.destroy().change_summary == {"delete": 2}


def test_policy_pack_config_changes_a_limit(policy_stack: PolicyStack, pack: Path, tmp_path: Path) -> None:
    stack = policy_stack("dev", [deployment("chat", min_replica_count=0, max_replica_count=4)])
    assert stack.preview(policy_packs=[str(pack)]).change_summary == {"create": 2}

    config = write_config(tmp_path / "policy-config.json", {"fireworks-max-replicas": {"maxReplicas": 2}})
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)], policy_pack_configs=[config])
    text = failure_text(caught)
    assert violations(text) == {"fireworks-max-replicas": "mandatory"}
    assert "max_replica_count is 4, above the limit of 2 replicas per deployment" in text

    # The enforcement level is configurable too: advisory reports without failing.
    config = write_config(
        tmp_path / "advisory.json", {"fireworks-max-replicas": {"enforcementLevel": "advisory", "maxReplicas": 2}}
    )
    advisory = stack.preview(policy_packs=[str(pack)], policy_pack_configs=[config])
    assert violations(advisory.stdout) == {"fireworks-max-replicas": "advisory"}


def test_invalid_policy_pack_config_is_refused_naming_the_key(
    policy_stack: PolicyStack, pack: Path, tmp_path: Path
) -> None:
    stack = policy_stack("dev", [deployment("chat", min_replica_count=0)])
    config = write_config(tmp_path / "bad.json", {"fireworks-allowed-accelerator-types": {"allowedAcceleratorTypes": ["H100"]}})
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)], policy_pack_configs=[config])
    text = failure_text(caught)
    assert "fireworks-allowed-accelerator-types" in text and "allowedAcceleratorTypes" in text


def test_lora_rule_links_a_load_to_its_deployment_by_name(policy_stack: PolicyStack, pack: Path) -> None:
    stack = policy_stack(
        "dev",
        [
            deployment("serve", min_replica_count=0, enable_addons=False),
            {"type": "Model", "name": "adapter", "inputs": {"model_id": "my-lora", "source": "adapter", "base_model": LLAMA}},
            # Names, not the resources: the provider's own peer check does not see the
            # deployment, so this is the policy's catch.
            {"type": "DeployedModel", "name": "load", "inputs": {"model": "${adapter.name}", "deployment": "${serve.name}"}},
        ],
        files=adapter("adapter"),
    )
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)])
    text = failure_text(caught)
    assert violations(text) == {"fireworks-lora-deployment-compatible": "mandatory"}
    assert "LoRA load 'load' goes onto deployment 'serve', which does not enable addons" in text


def test_stack_budget_stops_cli_up_which_previews_first_but_not_a_skipped_preview(
    policy_stack: PolicyStack, pack: Path, engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack = policy_stack("dev", [deployment("chat", min_replica_count=0, max_replica_count=2, accelerator_count=2)])
    config = write_config(tmp_path / "budget.json", {"fireworks-stack-gpu-budget": {"maxGpus": 3}})
    common = ["--stack", "dev", "--policy-pack", str(pack), "--policy-pack-config", config, "--yes", "--color", "never"]
    project = tmp_path / "project"
    cli = engine_env.run_cli(["up", *common], cwd=project, extra_env=emulator.env(), check=False)
    assert cli.returncode != 0
    assert "fireworks-stack-gpu-budget" in cli.stdout
    assert "may hold 4 GPUs, above the stack budget of 3" in cli.stdout
    assert live_deployments(emulator) == []

    # Stack rules run once every resource is planned; with the preview skipped, resources are
    # created before the stack rule runs (the update still fails).
    skipped = engine_env.run_cli(["up", "--skip-preview", *common], cwd=project, extra_env=emulator.env(), check=False)
    assert skipped.returncode != 0 and "fireworks-stack-gpu-budget" in skipped.stdout
    assert len(live_deployments(emulator)) == 1


SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")


def test_plain_secret_value_is_stored_as_a_secret(
    policy_stack: PolicyStack, pack: Path, engine_env: EngineEnv
) -> None:
    stack = policy_stack(
        "dev",
        [
            {"type": "Secret", "name": "plain", "inputs": {"secret_id": "hf-token", "key_name": "HF_TOKEN", "value": "hf_plaintext"}},
            {"type": "Secret", "name": "wrapped", "inputs": {"secret_id": "wandb", "key_name": "WANDB_API_KEY", "value": "${secret:wb_key}"}},
        ],
    )
    up = stack.up(policy_packs=[str(pack)])
    assert up.change_summary == {"create": 3}
    # The Secret class wraps a plain value itself, so the rule's remediation (the second
    # lock, for other ways of declaring the type; see tests/unit/test_policy.py) finds
    # nothing to do.
    assert remediations(up.stdout) == set()
    # `stack export` decrypts, but shows which values are secrets: both, inputs and outputs.
    for resource in stack.resources(SECRET):
        for side in ("inputs", "outputs"):
            value = resource[side]["value"]
            assert value[SECRET_SIG[0]] == SECRET_SIG[1], (resource["urn"], side)
    # What the backend stores for the resources is ciphertext.
    [checkpoint] = engine_env.backend_dir.rglob("stacks/guarded/dev.json")
    stored = json.loads(checkpoint.read_text())["checkpoint"]["latest"]["resources"]
    secrets = [r for r in stored if r["type"] == SECRET]
    assert len(secrets) == 2
    for resource in secrets:
        for side in ("inputs", "outputs"):
            assert set(resource[side]["value"]) == {SECRET_SIG[0], "ciphertext"}, (resource["urn"], side)


def _venv_on_this_environment(venv: Path) -> Path:
    """A virtualenv that sees this environment's packages (cheap: no install)."""
    import site

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "_outer_env.pth").write_text("\n".join([*site.getsitepackages(), str(REPO)]) + "\n")
    return venv / "bin" / "python"


def test_pack_without_the_option_runs_in_the_ambient_python(policy_stack: PolicyStack, pack: Path, engine_env: EngineEnv) -> None:
    """Like the official host (which gives only plugins other than policy packs a `venv`
    default), a pack whose PulumiPolicy.yaml names no virtualenv runs in PULUMI_PYTHON_CMD,
    even when it has a `venv` folder."""
    _venv_on_this_environment(pack / "venv")
    stack = policy_stack("dev", [deployment("big", min_replica_count=0, max_replica_count=12)])
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)])
    assert violations(failure_text(caught)) == {"fireworks-max-replicas": "mandatory"}
    if engine_is_ours(engine_env.bin_dir):
        [run] = [c for c in engine_env.langhost_calls() if c["method"] == "RunPlugin"]
        assert run["python"] == engine_env.env["PULUMI_PYTHON_CMD"]


def test_missing_pack_virtualenv_is_reported(policy_stack: PolicyStack, pack: Path, engine_env: EngineEnv) -> None:
    (pack / "PulumiPolicy.yaml").write_text("runtime:\n  name: python\n  options:\n    virtualenv: missing-venv\n")
    stack = policy_stack("dev", [deployment("chat", min_replica_count=0)])
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)])
    text = failure_text(caught)
    assert "missing-venv" in text
    venv = pack / "missing-venv"
    assert str(venv) in text
    if engine_is_ours(engine_env.bin_dir):
        # The official host only says it could not start <venv>/bin/python; ours says why.
        assert f"The 'virtualenv' option in PulumiPolicy.yaml is set to \"missing-venv\", but \"{venv}\" " \
               "doesn't exist" in text
        assert f"python3 -m venv {venv}" in text
