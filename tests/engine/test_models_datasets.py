"""Model and Dataset through the real engine against the emulator: local files in, the
exact bytes on the platform, and a preview that shows when they change.

The files live in the test's Pulumi project (relative paths resolve there), and the
emulator keeps every uploaded file's SHA-256, so "the platform holds exactly these
bytes" is checked byte for byte.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.engine.conftest import ResourcesStack, live_objects, set_resources
from tests.provider.test_model_create_failures import STEPS, WEIGHTS
from tests.support.content import LLAMA, adapter, chat_rows, checkpoint, sha256, write_files
from tests.support.engine import EngineEnv, EngineStack, write_python_project
from tests.support.inventory import assert_state_is_the_server

MODEL = "pulumi-python:dynamic/fireworks:Model"
DATASET = "pulumi-python:dynamic/fireworks:Dataset"

STACK: dict[str, dict[str, Any]] = {
    "support-lora": {"type": "Model", "inputs": {"source": "adapters/support", "base_model": LLAMA}},
    "train": {"type": "Dataset", "inputs": {"source": "data/train.jsonl", "format": "CHAT"}},
}
FILES = {**adapter("adapters/support"), "data/train.jsonl": chat_rows(3)}


def uploaded(emulator: RunningEmulator, name: str) -> dict[str, str]:
    """File name -> SHA-256 of what the emulator received for ``name``."""
    record = emulator.admin.get_resource(name, record=True)
    return {file: meta["sha256"] for file, meta in record["meta"]["upload"]["files"].items()}


def local(project: Path, folder: str) -> dict[str, str]:
    return {p.name: sha256(p.read_bytes()) for p in sorted((project / folder).iterdir())}


def flip_a_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1
    path.write_bytes(bytes(data))


def project_of(stack: EngineStack) -> Path:
    return Path(stack.stack.workspace.work_dir)


def test_files_up_ready_unchanged_then_one_byte_replaces_and_destroy_leaves_nothing(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    # Zero values omitted (protojson's default): every profile (zero values omitted or spelled out, the
    # pessimistic one) runs at the provider tier (tests/provider/test_lifecycles.py); this
    # shows the same holds for the engine's own diff, refresh and state.
    stack = resources_stack(STACK, files=FILES)
    project = project_of(stack)

    up = stack.up()
    assert up.change_summary == {"create": 3}
    model, dataset = up.outputs["support-lora"], up.outputs["train"]
    assert model["state"] == "READY" and model["kind"] == "HF_PEFT_ADDON"
    assert model["peft_details"] == {"base_model": LLAMA, "r": 8, "target_modules": ["q_proj", "v_proj"]}
    assert uploaded(emulator, model["name"]) == local(project, "adapters/support")
    assert {n: f["sha256"] for n, f in model["files"].items()} == local(project, "adapters/support")
    assert dataset["state"] == "READY" and dataset["example_count"] == 3
    [live_dataset] = live_objects(emulator, "datasets")
    assert live_dataset["exampleCount"] == "3" and live_dataset["format"] == "CHAT"
    assert uploaded(emulator, dataset["name"]) == {"train.jsonl": sha256(FILES["data/train.jsonl"])}
    assert_state_is_the_server(stack, emulator)

    assert stack.preview().change_summary == {"same": 3}
    for path in project.rglob("*"):  # newer timestamps, same bytes: nothing to do
        os.utime(path, (path.stat().st_atime + 60, path.stat().st_mtime + 60))
    assert stack.preview().change_summary == {"same": 3}

    # One byte of one file of each: both are replaced (the API cannot change uploaded files).
    flip_a_byte(project / "adapters/support/adapter_model.safetensors", 100)
    rows = project / "data/train.jsonl"
    rows.write_bytes(rows.read_bytes().replace(b"question 1", b"question 7"))
    preview = stack.preview(diff=True)
    assert preview.change_summary == {"same": 1, "replace": 2}
    assert "content_digest" in preview.stdout
    up = stack.up()
    assert up.change_summary == {"same": 1, "replace": 2}
    [live_model] = live_objects(emulator, "models")
    assert live_model["name"] == up.outputs["support-lora"]["name"] != model["name"]
    assert uploaded(emulator, live_model["name"]) == local(project, "adapters/support")
    assert up.outputs["support-lora"]["content_digest"] != model["content_digest"]
    [live_dataset] = live_objects(emulator, "datasets")
    assert uploaded(emulator, live_dataset["name"]) == {"train.jsonl": sha256(rows.read_bytes())}
    assert_state_is_the_server(stack, emulator)

    # Metadata changes in place.
    set_resources(stack, {
        "support-lora": {"type": "Model", "inputs": {**STACK["support-lora"]["inputs"], "display_name": "Support",
                                                     "supports_tools": True}},
        "train": {"type": "Dataset", "inputs": {**STACK["train"]["inputs"], "display_name": "Training rows"}},
    })
    assert stack.up().change_summary == {"same": 1, "update": 2}
    [live_model] = live_objects(emulator, "models")
    assert live_model["displayName"] == "Support" and live_model["supportsTools"] is True
    assert stack.refresh().change_summary == {"same": 3}
    assert stack.preview().change_summary == {"same": 3}

    assert stack.destroy().change_summary == {"delete": 3}
    assert live_objects(emulator, "models") == [] and live_objects(emulator, "datasets") == []


def test_archives_assets_shards_and_a_base_model_with_an_adapter_on_it(resources_stack: ResourcesStack, emulator: RunningEmulator, tmp_path: Path) -> None:
    """``pulumi.dynamic`` hands ``check`` archive objects; they are kept as plain paths, so
    the state reads back (a raw archive in a dynamic provider's state does not)."""
    chat = b'{"conversation_config": {"style": "jinja", "args": {"template": "{{ messages }}"}}}'
    files = {**FILES, **checkpoint("checkpoints/tiny"), "data/shards/part-0.jsonl": chat_rows(2),
             "data/shards/part-1.jsonl": chat_rows(3, answer="bye")}
    stack = resources_stack({
        "from-archive": {"type": "Model", "inputs": {"source": {"$archive": "adapters/support"}, "base_model": LLAMA}},
        "from-zip": {"type": "Model", "inputs": {"source": {"$archive": "zipped/adapter.zip"}, "base_model": LLAMA}},
        "from-assets": {"type": "Model", "inputs": {"base_model": LLAMA, "source": {"$assets": {
            "adapter_config.json": {"$file": "adapters/support/adapter_config.json"},
            "adapter_model.safetensors": {"$file": "adapters/support/adapter_model.safetensors"},
            "fireworks.json": {"$text": chat.decode()},
        }}}},
        "base": {"type": "Model", "inputs": {"source": "checkpoints/tiny", "kind": "HF_BASE_MODEL",
                                             "base_model_details": {"world_size": 1, "parameter_count": 8000000}}},
        "on-base": {"type": "Model", "inputs": {"source": "adapters/support", "base_model": "${base.name}"}},
        "asset-rows": {"type": "Dataset", "inputs": {"source": {"$file": "data/train.jsonl"}}},
        "shards": {"type": "Dataset", "inputs": {"source": "data/shards", "format": "CHAT"}},
        "inline-rows": {"type": "Dataset", "inputs": {"format": "RL", "rows": [
            {"messages": [{"role": "user", "content": "2+2?"}], "ground_truth": 4},
        ]}},
    }, files=files)
    project = project_of(stack)
    (project / "zipped").mkdir()
    with zipfile.ZipFile(project / "zipped/adapter.zip", "w") as zipped:
        for name in ("adapter_config.json", "adapter_model.safetensors"):
            zipped.write(project / "adapters/support" / name, name)

    assert stack.preview().change_summary == {"create": 9}  # on-base's base model is not known yet
    up = stack.up()
    assert up.change_summary == {"create": 9}
    out = up.outputs
    assert out["on-base"]["peft_details"]["base_model"] == out["base"]["name"]
    assert out["shards"]["example_count"] == 5  # two shards, sent through signed URLs
    assert set(uploaded(emulator, out["shards"]["name"])) == {"part-0.jsonl", "part-1.jsonl"}
    assert out["from-archive"]["source"] == {"archive": "adapters/support"}
    assert out["from-archive"]["content_digest"] == out["from-zip"]["content_digest"]  # the same two files
    assert set(uploaded(emulator, out["from-assets"]["name"])) == {"adapter_config.json", "adapter_model.safetensors", "fireworks.json"}
    assert out["base"]["base_model_details"] == {"checkpoint_format": "HUGGINGFACE", "model_type": "llama",
                                                 "world_size": 1, "parameter_count": 8000000}
    assert [m for m in live_objects(emulator, "models") if m["name"] == out["base"]["name"]][0]["baseModelDetails"][
        "parameterCount"] == "8000000"
    assert out["inline-rows"]["example_count"] == 1
    assert uploaded(emulator, out["inline-rows"]["name"]) == {
        "rows.jsonl": sha256(b'{"ground_truth":4,"messages":[{"content":"2+2?","role":"user"}]}\n')
    }
    assert stack.preview().change_summary == {"same": 9}
    assert stack.refresh().change_summary == {"same": 9}
    assert stack.destroy().change_summary == {"delete": 9}
    assert live_objects(emulator, "models") == [] and live_objects(emulator, "datasets") == []


def test_a_save_pretrained_folder_deploys_leaving_out_what_the_service_refuses(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    """PEFT's ``save_pretrained`` writes a README.md model card beside the adapter, and a
    training run leaves tokenizer files and checkpoints: the adapter files are uploaded,
    the rest is named at preview, and editing it changes nothing."""
    run = "runs/support"
    files = {
        **adapter(run, extra={"README.md": b"---\nlibrary_name: peft\n---\n# Model Card", "tokenizer.json": b"{}",
                              "tokenizer_config.json": b"{}", "special_tokens_map.json": b"{}"}),
        **adapter(f"{run}/checkpoint-10", weights=b"\1" * 4096,
                  extra={"optimizer.pt": b"\2" * 8192, "trainer_state.json": b"{}", "README.md": b"# Model Card"}),
    }
    stack = resources_stack({"support-lora": {"type": "Model", "inputs": {"source": run, "base_model": LLAMA}}}, files=files)
    project = project_of(stack)
    note = ("fireworks:Model 'support-lora': uploading adapter_config.json, adapter_model.safetensors; left out README.md, "
            "special_tokens_map.json, tokenizer.json, tokenizer_config.json, checkpoint-10/ (9 files): a LoRA upload "
            "holds only adapter_config.json, one weights file (adapter_model.safetensors, else adapter_model.bin) and "
            "fireworks.json from the folder's top level; the service refuses any other file")

    # What a terminal shows: the provider's stderr, among the stack's diagnostics.
    shown = stack.cli("preview", "--non-interactive", "--color=never").stdout
    assert "+ 2 to create" in shown and note in shown.split("Diagnostics:")[1], shown
    up = stack.up()
    model = up.outputs["support-lora"]
    assert up.change_summary == {"create": 2} and model["state"] == "READY"
    adapter_files = {name: sha256(files[f"{run}/{name}"]) for name in ("adapter_config.json", "adapter_model.safetensors")}
    assert uploaded(emulator, model["name"]) == adapter_files  # exactly the adapter, byte for byte
    assert {name: f["sha256"] for name, f in model["files"].items()} == adapter_files
    assert model["peft_details"] == {"base_model": LLAMA, "r": 8, "target_modules": ["q_proj", "v_proj"]}
    assert_state_is_the_server(stack, emulator)

    (project / run / "README.md").write_text("# Model Card\n\nNow with a description of the training data.\n")
    flip_a_byte(project / run / "checkpoint-10/optimizer.pt", 3)
    preview = stack.preview()
    assert preview.change_summary == {"same": 2}
    assert note in preview.stdout  # said on every preview, a no-change one too
    stack.destroy()
    assert live_objects(emulator, "models") == []


def test_relative_paths_resolve_in_the_program_directory(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> None:
    """Pulumi starts the program and the provider in the program's directory: the project
    directory, or the ``main:`` directory when Pulumi.yaml sets one (here ``src``)."""
    project = write_python_project(tmp_path / "nested", "nested", """
        import pulumi_fireworks as fireworks
        fireworks.Dataset("train", source="data/train.jsonl", format="CHAT")
    """, main="src")
    write_files(project, {"data/train.jsonl": chat_rows(2)})  # beside Pulumi.yaml: not where it looks
    stack = engine_env.stack(project, env_vars=emulator.env())
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.preview()
    assert f"resolved to {project / 'src' / 'data' / 'train.jsonl'}" in str(failure.value)
    write_files(project / "src", {"data/train.jsonl": chat_rows(2)})
    assert stack.up().outputs == {}
    [dataset] = stack.resources(DATASET)
    assert dataset["outputs"]["example_count"] == 2 and dataset["outputs"]["source"] == "data/train.jsonl"


# -- a failed create leaves nothing ---------------------------------------------------------


def test_a_failed_model_create_leaves_no_model_and_the_next_up_makes_it(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    """The engine records nothing for a failed create, so the provider must delete what it
    made. The failure at each step is a table at the provider tier
    (tests/provider/test_model_create_failures.py); this is one step through the CLI."""
    fault, message = STEPS["one PUT"]
    emulator.admin.add_fault(**fault)
    stack = resources_stack({"support-lora": STACK["support-lora"]}, files=FILES)
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    text = str(failure.value)
    assert "fireworks:Model 'support-lora'" in text
    assert message in text, text
    assert "Traceback" not in text
    assert live_objects(emulator, "models") == []  # deleted again: nothing is left UPLOADING
    assert stack.resources(MODEL) == []

    emulator.admin.clear_faults()
    assert stack.up().change_summary == {"same": 1, "create": 1}  # the next run simply makes it
    assert_state_is_the_server(stack, emulator)


def test_a_failed_dataset_upload_leaves_no_dataset(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="POST", path="/v1/accounts/*/datasets/*:upload",
                             action={"type": "error", "status": 400, "message": "injected"})
    stack = resources_stack({"train": STACK["train"]}, files=FILES)
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.up()
    assert "create failed at :upload of train.jsonl: 400 INVALID_ARGUMENT: injected" in str(failure.value)
    assert live_objects(emulator, "datasets") == []


def test_failed_puts_are_retried(resources_stack: ResourcesStack, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="PUT", path=f"/emulator/uploads/*/{WEIGHTS}", times=2,
                             action={"type": "error", "status": 503, "retryAfter": 0})
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*/adapter_config.json", times=1, action={"type": "drop"})
    stack = resources_stack({"support-lora": STACK["support-lora"]}, files=FILES)
    up = stack.up()
    assert up.outputs["support-lora"]["state"] == "READY"
    assert emulator.admin.faults() == []  # every injected failure was met, and got over
    assert uploaded(emulator, up.outputs["support-lora"]["name"]) == local(project_of(stack), "adapters/support")


def test_saved_plan_pins_the_files(resources_stack: ResourcesStack, emulator: RunningEmulator, tmp_path: Path) -> None:
    """`up --plan` applies what was previewed; a file changed after the preview makes the
    engine refuse the plan instead of uploading bytes nobody reviewed."""
    stack = resources_stack(STACK, files=FILES)
    plan = tmp_path / "plan.json"
    assert stack.preview(plan=str(plan)).change_summary == {"create": 3}
    planned = json.loads(plan.read_text())
    assert stack.up(plan=str(plan)).change_summary == {"create": 3}
    assert planned  # (the engine compared every checked input, digests included)

    flip_a_byte(project_of(stack) / "adapters/support/adapter_model.safetensors", 7)
    assert stack.preview(plan=str(plan)).change_summary == {"same": 2, "replace": 1}
    flip_a_byte(project_of(stack) / "adapters/support/adapter_model.safetensors", 8)  # edited after review
    with pytest.raises(auto_errors.CommandError):
        stack.up(plan=str(plan))
    assert len(live_objects(emulator, "models")) == 1


def test_a_model_still_in_use_is_not_deleted_and_says_by_what(
    resources_stack: ResourcesStack, emulator: RunningEmulator
) -> None:
    """The reference is silent; the emulator refuses (FAILED_PRECONDITION) to delete a model
    that a deployment serves or a LoRA load uses, and the destroy says so and keeps it."""
    stack = resources_stack({"support-lora": STACK["support-lora"]}, files=FILES)
    model = stack.up().outputs["support-lora"]["name"]
    deployments = f"{emulator.url}/v1/accounts/{emulator.account_id}/deployments"
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    httpx.post(deployments, params={"deploymentId": "elsewhere"}, json={"baseModel": model}, headers=headers).raise_for_status()
    with pytest.raises(auto_errors.CommandError) as failure:
        stack.destroy()
    text = str(failure.value)
    assert "delete failed: 400 FAILED_PRECONDITION" in text and "deployments/elsewhere" in text
    assert len(stack.resources(MODEL)) == 1 and len(live_objects(emulator, "models")) == 1
    httpx.delete(f"{deployments}/elsewhere", params={"hard": "true"}, headers=headers).raise_for_status()
    stack.destroy()
    assert live_objects(emulator, "models") == []
