"""Our requests, checked against the official SDK (fireworks-ai 1.2.30) as an independent oracle.

The same snake_case inputs go through our provider and through the SDK's own methods
(their parameter names are the API's field names, as ours are); both requests are
captured with httpx's MockTransport and must carry the same JSON body and query.
Fields newer than SDK 1.2.30 (annotations, scaling schedules, ...) are compared only
through the fields the SDK knows.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from fireworks import Fireworks

from pulumi_fireworks._config import Settings
from pulumi_fireworks._engine import NAME_KEY, FireworksProvider
from pulumi_fireworks._http import Client
from tests.support.content import LLAMA, QWEN

FULL_INPUTS: dict[str, Any] = {
    "base_model": LLAMA,
    "display_name": "Chat",
    "description": "all the fields",
    "min_replica_count": 1,
    "max_replica_count": 3,
    "max_with_revocable_replica_count": 4,
    "autoscaling_policy": {
        "scale_up_window": "30s",
        "scale_down_window": "600s",
        "scale_to_zero_window": "3600s",
        "load_targets": {"default": 0.7},
    },
    "accelerator_type": "NVIDIA_H100_80GB",
    "accelerator_count": 2,
    "precision": "FP8",
    "enable_addons": True,
    "draft_model": QWEN,
    "draft_token_count": 4,
    "enable_mtp": True,
    "enable_session_affinity": True,
    "direct_route_type": "INTERNET",
    "direct_route_api_keys": ["k1"],
    "auto_tune": {"long_prompt": True},
    "placement": {"regions": ["US_IOWA_1", "US_TEXAS_2"]},
    "max_context_length": 32768,
    "disable_deployment_size_validation": True,
    "deployment_template": "tmpl",
}
CREATE_FLAGS = {"skip_shape_validation": True, "disable_speculative_decoding": True, "disable_auto_deploy": True}


class Capture:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = {"name": "accounts/acct/deployments/dep", "baseModel": FULL_INPUTS["base_model"], "state": "READY"}
        return httpx.Response(200, json=body)

    def only(self, method: str) -> httpx.Request:
        [request] = [r for r in self.requests if r.method == method]
        return request


def sdk(capture: Capture) -> Fireworks:
    return Fireworks(
        api_key="k",
        account_id="acct",
        base_url="http://127.0.0.1:1",
        http_client=httpx.Client(transport=httpx.MockTransport(capture)),
        max_retries=0,
    )


def ours(capture: Capture) -> FireworksProvider:
    provider = FireworksProvider("Deployment")
    provider._http_client = Client(
        Settings(api_key="k", base_url="http://127.0.0.1:1", account_id="acct"),
        transport=httpx.MockTransport(capture),
    )
    return provider


def checked(provider: FireworksProvider, **inputs: Any) -> dict[str, Any]:
    result = provider.check({}, {**inputs, "deployment_id": "dep", NAME_KEY: "dep"})
    assert result.failures == []
    return dict(result.inputs)


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_create_sends_what_the_sdk_sends() -> None:
    ours_capture, sdk_capture = Capture(), Capture()
    provider = ours(ours_capture)
    provider.create(checked(provider, **FULL_INPUTS, **CREATE_FLAGS))
    sdk(sdk_capture).deployments.create(**FULL_INPUTS, **CREATE_FLAGS, deployment_id="dep")

    mine, theirs = ours_capture.only("POST"), sdk_capture.only("POST")
    assert mine.url.path == theirs.url.path == "/v1/accounts/acct/deployments"
    assert dict(mine.url.params) == dict(theirs.url.params)
    assert body(mine) == body(theirs)


def test_update_sends_the_sdk_body_of_the_whole_managed_object_plus_a_mask_of_the_changes() -> None:
    # The whole managed body, so the result is right whether the server honours the
    # mask or replaces every mutable field; the mask names exactly what changed.
    ours_capture, sdk_capture = Capture(), Capture()
    provider = ours(ours_capture)
    olds = dict(checked(provider, **FULL_INPUTS), state="READY")
    changes = {"display_name": "Chat 2", "autoscaling_policy": {"scale_up_window": "60s"}, "max_replica_count": 4}
    provider.update("dep", olds, checked(provider, **{**FULL_INPUTS, **changes}))
    sdk(sdk_capture).deployments.update("dep", **{**FULL_INPUTS, **changes})

    mine, theirs = ours_capture.only("PATCH"), sdk_capture.only("PATCH")
    assert mine.url.path == theirs.url.path == "/v1/accounts/acct/deployments/dep"
    assert body(mine) == body(theirs)
    assert mine.url.params["updateMask"] == "autoscaling_policy,display_name,max_replica_count"


def test_delete_sends_the_sdk_query() -> None:
    ours_capture, sdk_capture = Capture(), Capture()

    def gone(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(404, json={"code": 5, "message": "not found"})
        return ours_capture(request)

    provider = FireworksProvider("Deployment")
    provider._http_client = Client(
        Settings(api_key="k", base_url="http://127.0.0.1:1", account_id="acct"), transport=httpx.MockTransport(gone)
    )
    provider.delete("dep", {"hard_delete": True, "ignore_checks": True})
    sdk(sdk_capture).deployments.delete("dep", hard=True, ignore_checks=True)
    mine, theirs = ours_capture.only("DELETE"), sdk_capture.only("DELETE")
    assert (mine.url.path, dict(mine.url.params)) == (theirs.url.path, dict(theirs.url.params))


# -- Model and Dataset: the create body of the upload flow, and the in-place update -----------

MODEL_INPUTS: dict[str, Any] = {
    "display_name": "Support",
    "description": "a LoRA for support chats",
    "github_url": "https://github.com/acme/support",
    "hugging_face_url": "https://huggingface.co/acme/support",
    "public": False,
    "conversation_config": {"style": "jinja", "system": "be kind", "template": "{{ messages }}"},
    "context_length": 8192,
    "supports_tools": True,
    "supports_image_input": False,
    "default_draft_model": QWEN,
    "default_draft_token_count": 4,
    "deprecation_date": {"year": 2030, "month": 1, "day": 31},
}


def test_model_create_and_update_send_what_the_sdk_sends(tmp_path: Any, monkeypatch: Any) -> None:
    from pulumi_fireworks._engine import engine_for
    from tests.support.content import write_files
    from tests.support.content import LLAMA, adapter

    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, adapter("lora"))
    engine = engine_for("Model")
    result = engine.check({}, {"source": "lora", "base_model": LLAMA, "model_id": "m", **MODEL_INPUTS, NAME_KEY: "m"})
    assert result.failures == []
    sdk_capture = Capture()
    peft = {"base_model": LLAMA, "r": 8, "target_modules": ["q_proj", "v_proj"]}
    sdk(sdk_capture).models.create(model_id="m", model={"kind": "HF_PEFT_ADDON", "peft_details": peft, **MODEL_INPUTS})  # type: ignore[typeddict-item]
    assert engine.create_body(result.inputs, "m") == body(sdk_capture.only("POST"))

    ours_capture, sdk_capture = Capture(), Capture()
    provider = ours(ours_capture)
    provider.type_name = "Model"
    changed = {**result.inputs, "display_name": "Support 2"}
    provider.update("m", dict(result.inputs), changed)
    sdk(sdk_capture).models.update("m", kind="HF_PEFT_ADDON", peft_details=peft, **{**MODEL_INPUTS, "display_name": "Support 2"})  # type: ignore[arg-type]
    mine, theirs = ours_capture.only("PATCH"), sdk_capture.only("PATCH")
    assert (mine.url.path, body(mine)) == (theirs.url.path, body(theirs))
    assert mine.url.params["updateMask"] == "display_name"


def test_base_model_details_send_int64_as_the_sdk_does(tmp_path: Any, monkeypatch: Any) -> None:
    from pulumi_fireworks._engine import engine_for
    from tests.support.content import write_files
    from tests.support.content import checkpoint

    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, checkpoint("ckpt"))
    engine = engine_for("Model")
    # (default_precision is newer than SDK 1.2.30's BaseModelDetailsParam: not compared)
    details = {"world_size": 2, "parameter_count": 8_000_000_000, "moe": False, "supports_mtp": True}
    result = engine.check({}, {"source": "ckpt", "kind": "HF_BASE_MODEL", "base_model_details": details,
                               "model_id": "b", NAME_KEY: "b"})
    assert result.failures == []
    sdk_capture = Capture()
    sdk_details = {**details, "parameter_count": "8000000000", "checkpoint_format": "HUGGINGFACE", "model_type": "llama"}
    sdk(sdk_capture).models.create(model_id="b", model={"kind": "HF_BASE_MODEL", "base_model_details": sdk_details})  # type: ignore[typeddict-item]
    assert engine.create_body(result.inputs, "b") == body(sdk_capture.only("POST"))


def test_dataset_create_sends_what_the_sdk_sends(tmp_path: Any, monkeypatch: Any) -> None:
    from pulumi_fireworks._engine import engine_for
    from tests.support.content import chat_rows

    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.jsonl").write_bytes(chat_rows(4))
    engine = engine_for("Dataset")
    result = engine.check({}, {"source": "train.jsonl", "format": "CHAT", "display_name": "Train", "dataset_id": "d",
                               NAME_KEY: "d"})
    assert result.failures == []
    sdk_capture = Capture()
    sdk(sdk_capture).datasets.create(
        dataset_id="d", dataset={"user_uploaded": {}, "example_count": "4", "format": "CHAT", "display_name": "Train"}
    )
    assert engine.create_body(result.inputs, "d") == body(sdk_capture.only("POST"))


def test_evaluator_create_sends_what_the_sdk_sends_to_the_path_it_uses() -> None:
    from pulumi_fireworks._engine import engine_for

    engine = engine_for("Evaluator")
    snippets = {"file_contents": {"main.py": "def evaluate(row):\n    return 1.0\n"}, "entry_file": "main.py",
                "entry_func": "evaluate"}
    inputs = {"criteria": [{"name": "exact", "description": "exact match", "code_snippets": snippets}],
              "display_name": "Exact", "default_dataset": "accounts/acct/datasets/d", "commit_hash": "abc123"}
    result = engine.check({}, {**inputs, "evaluator_id": "e", NAME_KEY: "e"})
    assert result.failures == []
    sdk_capture = Capture()
    sdk(sdk_capture).evaluators.create(evaluator_id="e", evaluator={
        "criteria": [{"name": "exact", "description": "exact match", "type": "CODE_SNIPPETS",
                      "code_snippets": {**snippets, "language": "python"}}],  # type: ignore[list-item]
        "display_name": "Exact", "default_dataset": "accounts/acct/datasets/d", "commit_hash": "abc123"})
    sent = sdk_capture.only("POST")
    assert engine.spec.create_path("acct", result.inputs) == sent.url.path
    assert engine.create_body(result.inputs, "e") == body(sent)


def test_rft_job_create_sends_what_the_sdk_sends() -> None:
    from pulumi_fireworks._engine import engine_for

    engine = engine_for("ReinforcementFineTuningJob")
    inputs = {
        "dataset": "accounts/acct/datasets/d", "evaluator": "accounts/acct/evaluators/e",
        "training_config": {"base_model": FULL_INPUTS["base_model"], "epochs": 2, "lora_rank": 16,
                            "learning_rate": 1e-4, "output_model": "math-v1"},
        "loss_config": {"method": "GRPO", "kl_beta": 0.01},
        "inference_parameters": {"temperature": 0.7, "top_p": 0.9, "top_k": 40, "max_output_tokens": 1024,
                                 "response_candidates_count": 4, "extra_body": '{"stop": []}'},
        "chunk_size": 100, "max_concurrent_rollouts": 32, "max_concurrent_evaluations": 16, "node_count": 1,
        "display_name": "Math",
    }
    result = engine.check({}, {**inputs, "reinforcement_fine_tuning_job_id": "j", NAME_KEY: "j"})
    assert result.failures == []
    sdk_capture = Capture()
    sdk(sdk_capture).reinforcement_fine_tuning_jobs.create(reinforcement_fine_tuning_job_id="j", **inputs)  # type: ignore[arg-type]
    sent = sdk_capture.only("POST")
    assert engine.spec.create_path("acct", result.inputs) == sent.url.path
    assert engine.create_query(result.inputs) | {"reinforcementFineTuningJobId": "j"} == dict(sent.url.params)
    assert engine.create_body(result.inputs, "j") == body(sent)
