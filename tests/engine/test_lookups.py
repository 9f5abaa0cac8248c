"""Lookups through the real engine: a program that calls every lookup (plain and
``_output``), exports their fields and feeds one into a resource, against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import live_deployments
from tests.support.engine import EngineEnv, write_python_project
from tests.support.content import LLAMA

FAST_SHAPE = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast/versions/v2"
MINIMAL_SHAPE = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-minimal/versions/v2"

EVERY_LOOKUP = f"""
import pulumi
import pulumi_fireworks as fireworks

account = fireworks.get_account()
llama = fireworks.get_model("{LLAMA}")
shape = fireworks.get_deployment_shape(base_model=llama.name, accelerator_type="NVIDIA_H100_80GB")
lora_bases = fireworks.list_models(account_id="fireworks", filter="supports_lora=true AND context_length>131072")

# A plain lookup's result as a resource input, known at preview.
chat = fireworks.Deployment("chat", base_model=llama.name, deployment_shape=shape.name,
                            min_replica_count=0, max_replica_count=1)
ci = fireworks.ServiceAccount("ci", role="inference-user")

# _output twins fed by resources: unknown while previewing their creation.
seen_chat = fireworks.get_deployment_output(chat.deployment_id)
seen_ci = fireworks.get_user_output(ci.user_id)
small_shape = fireworks.get_deployment_shape_output(base_model=chat.base_model, accelerator_type="NVIDIA_A100_80GB")
same_model = fireworks.get_model_output(chat.base_model)
same_account = fireworks.get_account_output()
own_models = fireworks.list_models_output(account_id=account.account_id)

pulumi.export("account", {{"id": account.account_id, "state": account.state, "name": account.name}})
pulumi.export("model", {{"context_length": llama.context_length, "supports_lora": llama.supports_lora,
                         "supports_serverless": llama.supports_serverless, "kind": llama.kind,
                         "parameter_count": llama.base_model_details.parameter_count}})
pulumi.export("shape", {{"name": shape.name, "accelerator_type": shape.accelerator_type,
                         "accelerator_count": shape.accelerator_count, "preset_type": shape.preset_type,
                         "latest_validated": shape.latest_validated}})
pulumi.export("loraBases", list(lora_bases.names))
pulumi.export("seenChat", seen_chat.apply(lambda d: {{"state": d.state, "shape": d.deployment_shape,
                                                      "inference_model": d.inference_model}}))
pulumi.export("seenCiRole", seen_ci.role)
pulumi.export("seenCiEmail", seen_ci.email)
pulumi.export("smallShape", small_shape.name)
pulumi.export("sameModelContext", same_model.context_length)
pulumi.export("sameAccount", same_account.account_id)
pulumi.export("ownModels", own_models.apply(lambda r: list(r.names)))
pulumi.export("wholeShape", shape.model_dump())
"""


def test_every_lookup_in_preview_and_up_and_one_feeds_a_deployment(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack = engine_env.stack(write_python_project(tmp_path / "lookups", "lookups", EVERY_LOOKUP), env_vars=emulator.env())

    emulator.admin.clear_requests()
    preview = stack.preview()
    assert preview.change_summary == {"create": 3}  # the stack, the deployment, the service account
    # Plain lookups ran during preview; twins fed by resources yet to be created did not.
    calls = {(r["method"], r["path"]) for r in emulator.admin.requests()}
    assert ("GET", f"/v1/{LLAMA}") in calls and ("GET", f"/v1/accounts/{emulator.account_id}") in calls
    assert ("POST", f"/v1/accounts/{emulator.account_id}/deploymentShapeVersions:match") in calls
    assert not [path for _, path in calls if "/users/" in path or "/deployments/" in path]

    up = stack.up()
    out = up.outputs
    assert out["account"] == {"id": emulator.account_id, "state": "READY", "name": f"accounts/{emulator.account_id}"}
    assert out["model"] == {"context_length": 131072, "supports_lora": True, "supports_serverless": True,
                            "kind": "HF_BASE_MODEL", "parameter_count": 8030261248}
    assert out["shape"] == {"name": FAST_SHAPE, "accelerator_type": "NVIDIA_H100_80GB", "accelerator_count": 1,
                            "preset_type": "FAST", "latest_validated": True}
    assert out["loraBases"] == ["accounts/fireworks/models/deepseek-v3p1", "accounts/fireworks/models/kimi-k2-instruct-0905"]
    [live] = live_deployments(emulator)
    assert live["deploymentShape"] == FAST_SHAPE and live["acceleratorType"] == "NVIDIA_H100_80GB"
    assert out["seenChat"] == {"state": "READY", "shape": FAST_SHAPE, "inference_model": f"{LLAMA}#{live['name']}"}
    assert out["seenCiRole"] == "inference-user"
    assert out["seenCiEmail"].endswith(f"@{emulator.account_id}.sa.fireworks.ai")
    assert out["smallShape"] == MINIMAL_SHAPE
    assert out["sameModelContext"] == 131072 and out["sameAccount"] == emulator.account_id
    assert out["ownModels"] == []
    assert out["wholeShape"]["name"] == FAST_SHAPE and out["wholeShape"]["base_model"] == LLAMA

    # Lookups read the same facts again: nothing to change.
    assert stack.preview().change_summary == {"same": 3}


@pytest.mark.parametrize(
    "program",
    [
        'fireworks.get_model("accounts/fireworks/models/nope")',
        'pulumi.export("context", fireworks.get_model_output("accounts/fireworks/models/nope").context_length)',
    ],
    ids=["plain", "output"],
)
def test_a_missing_model_fails_preview_with_its_name_and_no_traceback(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path, program: str
) -> None:
    project = write_python_project(tmp_path / "missing", "missing", f"""
        import pulumi
        import pulumi_fireworks as fireworks
        {program}
        """)
    stack = engine_env.stack(project, env_vars=emulator.env())
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.preview()
    message = str(failure.value)
    assert "error: fireworks: model 'accounts/fireworks/models/nope' not found (get_model)" in message
    assert "Traceback" not in message and 'File "' not in message
    assert emulator.api_key not in message


def test_lookups_use_the_stack_config_and_never_show_the_key(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    project = write_python_project(tmp_path / "configured", "configured", """
        import pulumi
        import pulumi_fireworks as fireworks
        pulumi.export("account", fireworks.get_account().account_id)
        pulumi.export("context", fireworks.get_model_output("accounts/fireworks/models/qwen3-0p6b").context_length)
        """)
    # No FIREWORKS_* variables: only the stack config says where and with which key.
    stack = engine_env.stack(
        project,
        env_vars={"FIREWORKS_API_KEY": "", "FIREWORKS_BASE_URL": "", "FIREWORKS_ACCOUNT_ID": ""},
        config={"fireworks:baseUrl": emulator.url, "fireworks:accountId": emulator.account_id},
        secret_config={"fireworks:apiKey": emulator.api_key},
    )
    preview = stack.preview()
    up = stack.up()
    assert up.outputs == {"account": emulator.account_id, "context": 40960}
    assert up.secret_outputs == set()
    state = json.dumps(stack.export_state())
    for text in (preview.stdout, preview.stderr, up.stdout, up.stderr, state):
        assert emulator.api_key not in text
