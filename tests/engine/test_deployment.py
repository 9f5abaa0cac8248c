"""Deployment through the real engine against the emulator: the lifecycle a user lives."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import DeploymentStack, live_deployments, set_deployments
from tests.support.engine import EngineStack
from tests.support.content import LLAMA, QWEN

TYPE = "pulumi-python:dynamic/fireworks:Deployment"


def test_lifecycle_update_replace_drift_destroy(deployment_stack: DeploymentStack, emulator: RunningEmulator) -> None:
    # Zero values spelled out (as many gateways do): every profile (zero values omitted or spelled out, the
    # pessimistic one) runs at the provider tier (tests/provider/test_lifecycles.py); this
    # shows the same holds for the engine's own diff, refresh and state.
    emulator.admin.set_behaviour(emit_zero_values=True)
    spec = {
        "base_model": LLAMA,
        "display_name": "chat v1",
        "min_replica_count": 0,
        "max_replica_count": 2,
        "autoscaling_policy": {"scale_to_zero_window": "10m", "scale_up_window": 30},
    }
    stack = deployment_stack({"chat": spec})

    assert stack.preview().change_summary == {"create": 2}  # the stack and the deployment
    up = stack.up()
    assert up.change_summary == {"create": 2}
    created = up.outputs["chat"]
    assert created["state"] == "READY"
    assert created["id"].startswith("chat-")
    assert created["inference_model"] == f"{LLAMA}#accounts/{emulator.account_id}/deployments/{created['id']}"
    [live] = live_deployments(emulator)
    assert live["displayName"] == "chat v1" and live["autoscalingPolicy"]["scaleToZeroWindow"] == "600s"

    # Server defaults and "10m" vs "600s" must not show up as changes.
    assert stack.preview().change_summary == {"same": 2}

    # A mutable field: updated in place, same deployment.
    set_deployments(stack, {"chat": {**spec, "display_name": "chat v2", "max_replica_count": 3}})
    up = stack.up()
    assert up.change_summary == {"same": 1, "update": 1}
    assert up.outputs["chat"]["id"] == created["id"]
    [live] = live_deployments(emulator)
    assert (live["displayName"], live["maxReplicaCount"]) == ("chat v2", 3)
    update_calls = [r for r in emulator.admin.requests() if r["method"] == "PATCH"]
    assert len(update_calls) == 1
    assert sorted(update_calls[0]["query"]["updateMask"].split(",")) == ["display_name", "max_replica_count"]

    # The base model cannot change in place: replaced, new id, old one gone.
    spec = {**spec, "display_name": "chat v2", "max_replica_count": 3, "base_model": QWEN}
    set_deployments(stack, {"chat": spec})
    up = stack.up()
    assert up.change_summary == {"same": 1, "replace": 1}
    replaced = up.outputs["chat"]
    assert replaced["id"] != created["id"]
    assert [d["name"].rsplit("/", 1)[-1] for d in live_deployments(emulator)] == [replaced["id"]]

    # A change made behind Pulumi's back (web UI, firectl) ...
    emulator.admin.patch_resource(f"accounts/{emulator.account_id}/deployments/{replaced['id']}", {"displayName": "edited in the UI"})
    refresh = stack.refresh()
    assert refresh.change_summary.get("update") == 1  # ... is reported by refresh
    preview = stack.preview(diff=True)
    assert preview.change_summary == {"same": 1, "update": 1}  # ... and put back by the next up
    assert "edited in the UI" in preview.stdout
    stack.up()
    [live] = live_deployments(emulator)
    assert live["displayName"] == "chat v2"
    assert stack.preview().change_summary == {"same": 2}

    destroy = stack.destroy()
    assert destroy.change_summary == {"delete": 2}
    assert live_deployments(emulator) == []
    assert stack.resources(TYPE) == []


def export(stack: EngineStack, *flags: str, env: dict[str, str]) -> str:
    return stack.engine_env.run_cli(
        ["stack", "export", *flags, "--stack", stack.name], cwd=Path(stack.stack.workspace.work_dir), extra_env=env
    ).stdout


def test_api_key_from_config_never_lands_in_our_resources_and_rotation_works(
    deployment_stack: DeploymentStack, emulator: RunningEmulator
) -> None:
    old_key = emulator.admin.add_key(emulator.account_id, "fw-old-key-0123456789")
    env = {"FIREWORKS_BASE_URL": emulator.url}
    stack = deployment_stack(
        {"keyed": {"base_model": LLAMA}},
        env=env,
        config={"fireworks:accountId": emulator.account_id},
        secret_config={"fireworks:apiKey": old_key["key"]},
    )
    stack.up()
    assert old_key["key"] not in export(stack, env=env)
    # With --show-secrets the engine itself shows the stack config it hands to the default
    # `pulumi-python` provider (all of it, for dynamic providers: GetPackageConfig in
    # pkg/resource/deploy/target.go). Our resources — their inputs, outputs and pickled
    # provider — never hold the key.
    state = json.loads(export(stack, "--show-secrets", env=env))
    ours = [r for r in state["deployment"]["resources"] if r["type"] == TYPE]
    assert len(ours) == 1 and old_key["key"] not in json.dumps(ours)

    new_key = emulator.admin.add_key(emulator.account_id, "fw-new-key-9876543210")
    emulator.admin.revoke_key(old_key["keyId"])
    stack.set_config("fireworks:apiKey", new_key["key"], secret=True)
    # refresh/destroy reuse the provider configuration recorded at the last `up` unless
    # told to run the program, which is how a key rotated in stack config reaches them.
    assert stack.refresh(run_program=True).change_summary == {"same": 2}
    assert stack.destroy(run_program=True).change_summary.get("delete") == 2
    assert live_deployments(emulator) == []


def test_api_key_from_the_environment_never_lands_in_state_and_rotates_freely(
    deployment_stack: DeploymentStack, emulator: RunningEmulator
) -> None:
    old_key = emulator.admin.add_key(emulator.account_id, "fw-env-old-key-0123")
    # No FIREWORKS_ACCOUNT_ID: the provider finds the account from the key.
    env = {"FIREWORKS_BASE_URL": emulator.url, "FIREWORKS_API_KEY": old_key["key"]}
    stack = deployment_stack({"env-keyed": {"base_model": LLAMA}}, env=env)
    stack.up()
    for flags in ((), ("--show-secrets",)):
        assert old_key["key"] not in export(stack, *flags, env=env)

    emulator.admin.revoke_key(old_key["keyId"])
    new_env = {**env, "FIREWORKS_API_KEY": emulator.api_key}
    stack.stack.workspace.env_vars.update(new_env)
    assert stack.refresh().change_summary == {"same": 2}
    assert stack.destroy().change_summary == {"delete": 2}
    assert live_deployments(emulator) == []


def test_get_reads_an_existing_deployment(deployment_stack: DeploymentStack, emulator: RunningEmulator, engine_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.engine import write_python_project

    stack = deployment_stack({"source": {"base_model": LLAMA, "display_name": "src"}})
    source_id = stack.up().outputs["source"]["id"]
    project = write_python_project(
        tmp_path / "reader",
        "reader",
        f"""
        import pulumi
        import pulumi_fireworks as fireworks
        d = fireworks.Deployment.get("existing", "{source_id}")
        pulumi.export("state", d.state)
        pulumi.export("display_name", d.display_name)
        pulumi.export("model", d.inference_model)
        """,
    )
    reader = engine_env.stack(project, stack_name="reader", env_vars=emulator.env())
    outputs = reader.up().outputs
    assert outputs["state"] == "READY" and outputs["display_name"] == "src"
    assert outputs["model"].endswith(f"/deployments/{source_id}")
    json.dumps(outputs)


def test_direct_route_api_keys_are_secret_in_state_even_when_passed_plain(
    deployment_stack: DeploymentStack, emulator: RunningEmulator
) -> None:
    keys = ["direct-route-key-aaaaaaaa", "direct-route-key-bbbbbbbb"]
    stack = deployment_stack(
        {"routed": {"base_model": LLAMA, "direct_route_type": "INTERNET", "direct_route_api_keys": keys}}
    )
    stack.up()
    assert stack.preview().change_summary == {"same": 2}
    # (The test passes its specs as plain stack config, so only our resource is checked.)
    state = json.loads(export(stack, env=emulator.env()))
    [ours] = [json.dumps(r) for r in state["deployment"]["resources"] if r["type"] == TYPE]
    assert "direct_route_api_keys" in ours
    for key in keys:
        assert key not in ours
    assert all(key not in json.dumps(entry) for entry in emulator.admin.requests() for key in keys)

