"""Bad inputs are refused at plan time, naming the resource type and the field, with a message
that says what is wrong: every resource's table, checked through the provider's ``check`` (what
the engine calls at preview) with no API and no engine.

That the refusal reaches the CLI intact, and that no API call is made, is shown once per
resource type by tests/engine/test_bad_inputs_reach_the_cli.py.

A new resource adds its rows above the marker line that ``scripts/new-resource`` looks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_fireworks._engine import NAME_KEY, URN_KEY, FireworksProvider
from tests.support.content import LLAMA, QWEN, adapter, chat_rows, checkpoint, write_files

ADAPTER = "accounts/acme/models/support-lora"
DEPLOYMENT = "accounts/acme/deployments/serve"

# Files the Model and Dataset rows name, written into the working directory of each test (the
# provider resolves a relative source against it, as it does against the program's folder).
FILES = {
    **adapter("adapters/ok"),
    **adapter("adapters/checkpoints/checkpoint-10"),
    **adapter("adapters/checkpoints/checkpoint-20"),
    "adapters/no-config/adapter_model.safetensors": b"\0" * 16,
    "adapters/no-weights/adapter_config.json": b'{"r": 8, "target_modules": ["q_proj"]}',
    **adapter("adapters/rank-128", r=128),
    **adapter("adapters/lm-head", modules=("q_proj", "lm_head")),
    **checkpoint("checkpoints/quantized", config={"model_type": "llama", "quantization_config": {"bits": 4}}),
    **checkpoint("checkpoints/no-tokenizer", tokenizer=False),
    "data/bad-line.jsonl": chat_rows(1) + b'{"messages": [}\n' + chat_rows(1),
    "data/empty.jsonl": b"",
    "data/no-answer.jsonl": b'{"messages": [{"role": "user", "content": "hi"}]}\n',
    "data/rows.txt": chat_rows(1),
    "reward/main.py": b"def evaluate(row):\n    return 1.0\n",
    "reward/requirements.txt": b"numpy>=1.26\n",
    "reward-latin1/main.py": b"def evaluate(row):\n    return 1.0\n",
    "reward-latin1/requirements.txt": "caf\u00e9\n".encode("latin-1"),
}
OK_ADAPTER = {"source": "adapters/ok", "base_model": LLAMA}
USER = {"email": "jane@acme.com", "role": "user"}


def deployment(**inputs: Any) -> dict[str, Any]:
    return {"base_model": LLAMA, **inputs}


DATASET = "accounts/acme/datasets/support-chats"


def sft(**inputs: Any) -> dict[str, Any]:
    """A supervised fine-tuning job's inputs; ``None`` drops one."""
    return {k: v for k, v in {"dataset": DATASET, "base_model": LLAMA, **inputs}.items() if v is not None}


def rft(**inputs: Any) -> dict[str, Any]:
    """A reinforcement fine-tuning job's inputs; ``None`` drops one."""
    given = {"dataset": DATASET, "evaluator": "accounts/acme/evaluators/exact-match",
             "training_config": {"base_model": LLAMA}, **inputs}
    return {k: v for k, v in given.items() if v is not None}


# (resource type, row name, inputs, the text the refusal must contain: "<Type>.<field>: " and
# what is wrong with it, in the words the user sees; "<Type>.<field>: … words" when the words
# come later in a long message)
BAD_INPUTS: list[tuple[str, str, dict[str, Any], str]] = [
    # Deployment
    ("Deployment", "unknown-accelerator", deployment(accelerator_type="NVIDIA_TPU_V5"),
     "Deployment.accelerator_type: 'NVIDIA_TPU_V5' is not one of NVIDIA_A100_80GB"),
    ("Deployment", "negative-replicas", deployment(min_replica_count=-1),
     "Deployment.min_replica_count: must be greater than or equal to 0"),
    ("Deployment", "min-over-max", deployment(min_replica_count=4, max_replica_count=2),
     "Deployment.min_replica_count: must not exceed max_replica_count (4 > 2)"),
    ("Deployment", "window-too-long", deployment(autoscaling_policy={"scale_up_window": "2h"}),
     "Deployment.autoscaling_policy.scale_up_window: must be at most 3600s, got 7200s"),
    ("Deployment", "zero-window-too-short", deployment(autoscaling_policy={"scale_to_zero_window": "1m"}),
     "Deployment.autoscaling_policy.scale_to_zero_window: must be at least 300s, got 60s"),
    ("Deployment", "bad-duration", deployment(autoscaling_policy={"scale_down_window": "soon"}),
     "Deployment.autoscaling_policy.scale_down_window: 'soon' is not a duration; write e.g."),
    ("Deployment", "draft-and-ngram",
     deployment(draft_model=QWEN, ngram_speculation_length=3),
     "Deployment.ngram_speculation_length: speculative decoding uses either draft_model or"),
    ("Deployment", "bad-id", deployment(deployment_id="Not_Valid"),
     "Deployment.deployment_id: 'Not_Valid' is not a valid id: use 1-63 characters of a-z, 0-9"),
    ("Deployment", "id-starts-with-digit", deployment(deployment_id="9lives"),
     "Deployment.deployment_id: '9lives' is not a valid id: use 1-63 characters of a-z, 0-9 and"),
    ("Deployment", "long-display-name", deployment(display_name="x" * 80),
     "Deployment.display_name: String should have at most 63 characters"),
    ("Deployment", "bad-precision", deployment(precision="FP64"),
     "Deployment.precision: 'FP64' is not one of FP16, FP8, FP8_MM, FP8_AR, FP8_MM_KV_ATTN"),
    ("Deployment", "two-placements", deployment(placement={"region": "US_IOWA_1", "multi_region": "US"}),
     "Deployment.placement: set exactly one of region, multi_region or regions (got ['region'"),
    ("Deployment", "bad-region", deployment(placement={"region": "MARS_1"}),
     "Deployment.placement.region: 'MARS_1' is not one of US_IOWA_1, US_VIRGINIA_1"),
    ("Deployment", "shape-and-accelerator",
     deployment(accelerator_type="NVIDIA_H100_80GB", deployment_shape="accounts/fireworks/deploymentShapes/x"),
     "Deployment.accelerator_type: is set by the deployment_shape; set one or the other"),
    ("Deployment", "load-target-out-of-range", deployment(autoscaling_policy={"load_targets": {"default": 2}}),
     "Deployment.autoscaling_policy.load_targets: load target 'default' must be in (0, 1], got"),
    ("Deployment", "adopt-without-id", deployment(adopt_existing=True),
     "Deployment.adopt_existing: needs deployment_id: the id of the deployment to take over"),
    ("Deployment", "bad-base-model", deployment(base_model="llama-3"),
     "Deployment.base_model: 'llama-3' is not a model resource name; write e.g."),
    ("Deployment", "missing-base-model", {"min_replica_count": 1}, "Deployment.base_model: is required"),
    ("Deployment", "misspelled-input", deployment(min_replicas=1),
     "Deployment.min_replicas: is not an input of this resource; did you mean 'min_replica_count'"),
    ("Deployment", "name-is-an-output", deployment(name="accounts/acme/deployments/x"),
     "Deployment.name: is an output (Fireworks or the provider decides it), not an input"),
    ("Deployment", "state-is-an-output", deployment(state="READY"),
     "Deployment.state: is an output (Fireworks or the provider decides it), not an input"),
    # Secret
    ("Secret", "dash-in-key-name", {"key_name": "HF-TOKEN", "value": "v"},
     "Secret.key_name: 'HF-TOKEN' is not an environment variable name: use letters, digits and"),
    ("Secret", "key-name-starts-with-digit", {"key_name": "1TOKEN", "value": "v"},
     "Secret.key_name: '1TOKEN' is not an environment variable name: use letters, digits and"),
    ("Secret", "empty-value", {"key_name": "TOKEN", "value": ""},
     "Secret.value: String should have at least 1 character"),
    ("Secret", "bad-secret-id", {"key_name": "TOKEN", "value": "v", "secret_id": "-bad"},
     "Secret.secret_id: '-bad' is not a valid secret id: use 1-63 letters, digits, '-' and '_'"),
    ("Secret", "missing-key-name", {"value": "v"}, "Secret.key_name: is required"),
    ("Secret", "missing-value", {"key_name": "TOKEN"}, "Secret.value: is required"),
    ("Secret", "misspelled-key-name", {"key": "TOKEN", "value": "v"},
     "Secret.key: is not an input of this resource; valid inputs here: adopt_existing"),
    # User
    ("User", "bad-email", {**USER, "email": "jane-at-acme.com"},
     "User.email: 'jane-at-acme.com' is not an e-mail address"),
    ("User", "unknown-role", {**USER, "role": "owner"},
     "User.role: 'owner' is not one of admin, user, contributor, inference-user, custom"),
    ("User", "custom-without-preset", {**USER, "role": "custom"},
     "User.permission_preset: is required when role is 'custom'"),
    ("User", "preset-without-custom", {**USER, "permission_preset": "p"},
     "User.permission_preset: only goes with role 'custom', not 'user'"),
    ("User", "long-display-name", {**USER, "display_name": "x" * 64},
     "User.display_name: String should have at most 63 characters"),
    ("User", "upper-case-id", {**USER, "user_id": "Jane"},
     "User.user_id: 'Jane' is not a valid id: use 1-63 characters of a-z, 0-9 and '-', starting"),
    ("User", "missing-email", {"role": "user"}, "User.email: is required"),
    ("User", "user-name-is-an-output", {**USER, "name": "accounts/acme/users/jane"},
     "User.name: is an output (Fireworks or the provider decides it), not an input: remove it"),
    ("User", "bad-deletion-policy", {**USER, "deletion_policy": "keep"},
     "User.deletion_policy: 'keep' is not one of delete, abandon"),
    # ServiceAccount
    ("ServiceAccount", "sa-unknown-role", {"role": "superuser"},
     "ServiceAccount.role: 'superuser' is not one of admin, user, contributor, inference-user"),
    ("ServiceAccount", "sa-id-starts-with-digit", {"role": "user", "user_id": "9ci"},
     "ServiceAccount.user_id: '9ci' is not a valid id: use 1-63 characters of a-z, 0-9 and '-'"),
    ("ServiceAccount", "sa-email-is-an-output", {"role": "user", "email": "ci@acme.com"},
     "ServiceAccount.email: is an output (Fireworks or the provider decides it), not an input"),
    # ApiKey
    ("ApiKey", "expired", {"user_id": "ci", "expire_time": "2020-01-01T00:00:00Z"},
     "ApiKey.expire_time: 2020-01-01T00:00:00Z is in the past; a new key must expire in the"),
    ("ApiKey", "not-a-time", {"user_id": "ci", "expire_time": "tomorrow"},
     "ApiKey.expire_time: 'tomorrow' is not an RFC 3339 timestamp such as 2030-01-31T00:00:00Z"),
    ("ApiKey", "no-time-zone", {"user_id": "ci", "expire_time": "2031-01-01T00:00:00"},
     "ApiKey.expire_time: '2031-01-01T00:00:00' has no time zone; write e.g."),
    ("ApiKey", "missing-user", {"display_name": "k"}, "ApiKey.user_id: is required"),
    ("ApiKey", "key-is-an-output", {"user_id": "ci", "key": "fw_123"},
     "ApiKey.key: is an output (Fireworks or the provider decides it), not an input: remove it"),
    # Model
    ("Model", "missing-source", {"source": "adapters/missing", "base_model": LLAMA},
     "Model.source: adapters/missing: no such file or folder"),
    ("Model", "checkpoints-folder", {"source": "adapters/checkpoints", "base_model": LLAMA},
     "Model.source: … point source at the one to upload, adapters/checkpoints/checkpoint-<step> (the latest is adapters/checkpoints/checkpoint-20)"),
    ("Model", "no-adapter-config", {"source": "adapters/no-config", "base_model": LLAMA},
     "Model.source: adapters/no-config has no adapter_config.json"),
    ("Model", "no-weights", {"source": "adapters/no-weights", "base_model": LLAMA},
     "Model.source: adapters/no-weights has no adapter weights"),
    ("Model", "rank-too-high", {"source": "adapters/rank-128", "base_model": LLAMA},
     "Model.source: adapters/rank-128/adapter_config.json: r (the LoRA rank) is 128"),
    ("Model", "peft-rank-too-low", {**OK_ADAPTER, "peft_details": {"r": 2}},
     "Model.peft_details.r: must be greater than or equal to 4"),
    ("Model", "lm-head", {"source": "adapters/lm-head", "base_model": LLAMA},
     "Model.source: adapters/lm-head/adapter_config.json: target module 'lm_head' is not supported"),
    ("Model", "quantized-checkpoint", {"source": "checkpoints/quantized", "kind": "HF_BASE_MODEL"},
     "Model.source: checkpoints/quantized/config.json has a quantization_config"),
    ("Model", "no-tokenizer", {"source": "checkpoints/no-tokenizer", "kind": "HF_BASE_MODEL"},
     "Model.source: checkpoints/no-tokenizer has no tokenizer_config.json"),
    ("Model", "adapter-without-base", {"source": "adapters/ok"}, "Model.base_model: is required for a LoRA adapter"),
    ("Model", "unknown-kind", {**OK_ADAPTER, "kind": "GGUF"}, "Model.kind: 'GGUF' is not one of"),
    ("Model", "base-model-not-a-name", {**OK_ADAPTER, "base_model": "llama-3"},
     "Model.base_model: 'llama-3' is not a model resource name"),
    ("Model", "file-not-folder", {**OK_ADAPTER, "source": pulumi.FileAsset("adapters/ok/adapter_config.json")},
     "Model.source: a model's files are a folder"),
    ("Model", "default-precision-is-output",
     {"source": "checkpoints/no-tokenizer", "kind": "HF_BASE_MODEL", "base_model_details": {"default_precision": "FP8"}},
     "Model.base_model_details.default_precision: is not a field here"),
    # Dataset
    ("Dataset", "bad-json-line", {"source": "data/bad-line.jsonl", "format": "CHAT"},
     "Dataset.source: data/bad-line.jsonl line 2: not valid JSON"),
    ("Dataset", "no-assistant", {"source": "data/no-answer.jsonl", "format": "CHAT"},
     "Dataset.source: data/no-answer.jsonl line 1: no assistant message"),
    ("Dataset", "empty-file", {"source": "data/empty.jsonl"}, "Dataset.source: data/empty.jsonl is empty"),
    ("Dataset", "wrong-extension", {"source": "data/rows.txt"},
     "Dataset.source: data/rows.txt: a dataset file must have the .jsonl extension"),
    ("Dataset", "unknown-format", {"source": "data/no-answer.jsonl", "format": "PARQUET"},
     "Dataset.format: 'PARQUET' is not one of"),
    ("Dataset", "no-source", {"format": "CHAT"}, "Dataset.source: is required"),
    ("Dataset", "row-without-completion", {"format": "COMPLETION", "rows": [{"prompt": "a", "completion": "b"}, {"prompt": "c"}]},
     "Dataset.rows[1]: 'completion' must be a string"),
    # DeployedModel
    ("DeployedModel", "load-without-deployment", {"model": ADAPTER}, "DeployedModel.deployment: is required"),
    ("DeployedModel", "load-without-model", {"deployment": DEPLOYMENT}, "DeployedModel.model: is required"),
    ("DeployedModel", "model-not-a-name", {"model": "support-lora", "deployment": DEPLOYMENT},
     "DeployedModel.model: 'support-lora' is not a model resource name; write e.g."),
    ("DeployedModel", "deployment-not-a-name", {"model": ADAPTER, "deployment": "serve"},
     "DeployedModel.deployment: 'serve' is not a deployment resource name; write e.g."),
    ("DeployedModel", "inference-model-is-an-output", {"model": ADAPTER, "deployment": DEPLOYMENT, "state": "DEPLOYED"},
     "DeployedModel.state: is an output (Fireworks or the provider decides it), not an input"),
    # SupervisedFineTuningJob
    ("SupervisedFineTuningJob", "neither-base-nor-warm-start", sft(base_model=None),
     "SupervisedFineTuningJob.base_model: set exactly one of base_model or warm_start_from (neither is set)"),
    ("SupervisedFineTuningJob", "both-base-and-warm-start", sft(warm_start_from=ADAPTER),
     "SupervisedFineTuningJob.base_model: set exactly one of base_model or warm_start_from (both is set)"),
    ("SupervisedFineTuningJob", "no-dataset", sft(dataset=None), "SupervisedFineTuningJob.dataset: is required"),
    ("SupervisedFineTuningJob", "dataset-not-a-name", sft(dataset="support-chats"),
     "SupervisedFineTuningJob.dataset: 'support-chats' is not a dataset resource name"),
    ("SupervisedFineTuningJob", "zero-epochs", sft(epochs=0),
     "SupervisedFineTuningJob.epochs: must be greater than or equal to 1"),
    ("SupervisedFineTuningJob", "fractional-epochs", sft(epochs=1.5),
     "SupervisedFineTuningJob.epochs: must be a valid integer, got a number with a fractional"),
    ("SupervisedFineTuningJob", "rank-not-a-power-of-two", sft(lora_rank=12),
     "SupervisedFineTuningJob.lora_rank: must be a power of 2 up to 64"),
    ("SupervisedFineTuningJob", "rank-too-high", sft(lora_rank=128),
     "SupervisedFineTuningJob.lora_rank: must be less than or equal to 64"),
    ("SupervisedFineTuningJob", "negative-learning-rate", sft(learning_rate=-0.1),
     "SupervisedFineTuningJob.learning_rate: must be greater than 0"),
    ("SupervisedFineTuningJob", "learning-rate-above-one", sft(learning_rate=5),
     "SupervisedFineTuningJob.learning_rate: must be less than or equal to 1"),
    ("SupervisedFineTuningJob", "zero-context", sft(max_context_length=0),
     "SupervisedFineTuningJob.max_context_length: must be greater than or equal to 1"),
    ("SupervisedFineTuningJob", "unknown-region", sft(region="MARS_1"),
     "SupervisedFineTuningJob.region: 'MARS_1' is not one of"),
    ("SupervisedFineTuningJob", "output-model-other-path", sft(output_model="accounts/acme/datasets/x"),
     "SupervisedFineTuningJob.output_model: 'accounts/acme/datasets/x' is neither a model id"),
    ("SupervisedFineTuningJob", "wandb-without-key", sft(wandb_config={"enabled": True, "project": "p"}),
     "SupervisedFineTuningJob.wandb_config.api_key: is required when enabled is true"),
    ("SupervisedFineTuningJob", "s3-secret-not-a-name", sft(aws_s3_config={"credentials_secret": "aws"}),
     "SupervisedFineTuningJob.aws_s3_config.credentials_secret: 'aws' is not a secret resource name"),
    ("SupervisedFineTuningJob", "unknown-wait-until", sft(wait_until="trained"),
     "SupervisedFineTuningJob.wait_until: 'trained' is not one of created, running, completed"),
    ("SupervisedFineTuningJob", "carveout-and-eval-dataset",
     sft(evaluation_dataset="accounts/acme/datasets/eval", eval_auto_carveout=True),
      "SupervisedFineTuningJob.eval_auto_carveout: carves evaluation data out of the dataset"),
    ("SupervisedFineTuningJob", "state-is-an-output", sft(state="JOB_STATE_COMPLETED"),
     "SupervisedFineTuningJob.state: is an output (Fireworks or the provider decides it), not"),
    ("SupervisedFineTuningJob", "trained-model-is-an-output", sft(trained_model="accounts/acme/models/x"),
     "SupervisedFineTuningJob.trained_model: is an output (Fireworks or the provider decides"),
    # DpoJob
    ("DpoJob", "no-training-config", {"dataset": DATASET}, "DpoJob.training_config: is required"),
    ("DpoJob", "no-base-model", {"dataset": DATASET, "training_config": {"epochs": 1}},
     "DpoJob.training_config.base_model: set exactly one of base_model or warm_start_from"),
    ("DpoJob", "rank-not-a-power-of-two", {"dataset": DATASET, "training_config": {"base_model": LLAMA, "lora_rank": 3}},
     "DpoJob.training_config.lora_rank: must be a power of 2"),
    ("DpoJob", "unknown-loss", {"dataset": DATASET, "training_config": {"base_model": LLAMA}, "loss_config": {"method": "PPO"}},
     "DpoJob.loss_config.method: 'PPO' is not one of"),
    ("DpoJob", "settings-at-the-top", {"dataset": DATASET, "training_config": {"base_model": LLAMA}, "epochs": 2},
     "DpoJob.epochs: is not an input of this resource"),
    # Evaluator
    ("Evaluator", "no-code", {"display_name": "x"}, "Evaluator.source: give the reward code"),
    ("Evaluator", "no-entry-point", {"source": "reward"}, "Evaluator.entry_point: is required with source"),
    ("Evaluator", "entry-point-form", {"source": "reward", "entry_point": "main.evaluate"},
     "Evaluator.entry_point: 'main.evaluate' is not '<file>.py::<function>'"),
    ("Evaluator", "missing-entry-file", {"source": "reward", "entry_point": "reward.py::evaluate"},
     "Evaluator.entry_point: names reward.py, which is not in the code (its Python files: main.py)"),
    ("Evaluator", "missing-entry-function", {"source": "reward", "entry_point": "main.py::score"},
     "Evaluator.entry_point: names score() in main.py, which defines no top-level function of that name"),
    ("Evaluator", "missing-folder", {"source": "nowhere", "entry_point": "main.py::evaluate"},
     "Evaluator.source: nowhere: no such file or folder"),
    ("Evaluator", "requirements-not-utf8", {"source": "reward-latin1", "entry_point": "main.py::evaluate"},
     "Evaluator.source: reward-latin1/requirements.txt is not UTF-8 text"),
    ("Evaluator", "unsupported-language", {"criteria": [{"name": "exact", "code_snippets": {
        "language": "javascript", "file_contents": {"main.js": "x"}, "entry_file": "main.js", "entry_func": "f"}}]},
     "Evaluator.criteria[0].code_snippets.language: 'javascript' is not one of"),
    ("Evaluator", "inline-entry-file-missing", {"criteria": [{"name": "exact", "code_snippets": {
        "file_contents": {"main.py": "def f(r):\n    return 1\n"}, "entry_file": "reward.py", "entry_func": "f"}}]},
     "Evaluator.criteria[0].code_snippets.entry_file: names reward.py, which is not in the code"),
    ("Evaluator", "code-twice", {"source": "reward", "entry_point": "main.py::evaluate", "criteria": [
        {"name": "exact", "code_snippets": {"file_contents": {"a.py": "def f(r): return 1"}, "entry_file": "a.py",
                                            "entry_func": "f"}}]},
     "Evaluator.criteria[0].code_snippets: the code comes from source"),
    # ReinforcementFineTuningJob
    ("ReinforcementFineTuningJob", "no-evaluator", rft(evaluator=None),
     "ReinforcementFineTuningJob.evaluator: is required"),
    ("ReinforcementFineTuningJob", "evaluator-not-a-name", rft(evaluator="exact-match"),
     "ReinforcementFineTuningJob.evaluator: 'exact-match' is not an evaluator resource name"),
    ("ReinforcementFineTuningJob", "unknown-loss", rft(loss_config={"method": "PPO"}),
     "ReinforcementFineTuningJob.loss_config.method: 'PPO' is not one of"),
    ("ReinforcementFineTuningJob", "chunk-size-too-big", rft(chunk_size=20_000),
     "ReinforcementFineTuningJob.chunk_size: must be less than or equal to 10000"),
    ("ReinforcementFineTuningJob", "no-concurrent-rollouts", rft(max_concurrent_rollouts=0),
     "ReinforcementFineTuningJob.max_concurrent_rollouts: must be greater than or equal to 1"),
    ("ReinforcementFineTuningJob", "one-candidate", rft(inference_parameters={"response_candidates_count": 1}),
     "ReinforcementFineTuningJob.inference_parameters.response_candidates_count: must be"),
    ("ReinforcementFineTuningJob", "greedy", rft(inference_parameters={"temperature": 0}),
     "ReinforcementFineTuningJob.inference_parameters.temperature: must be greater than or"),
    ("ReinforcementFineTuningJob", "extra-body-not-json", rft(inference_parameters={"extra_body": "stop=\\n"}),
     "ReinforcementFineTuningJob.inference_parameters.extra_body: must be a JSON object"),
    ("ReinforcementFineTuningJob", "eleven-epochs", rft(training_config={"base_model": LLAMA, "epochs": 11}),
     "ReinforcementFineTuningJob.training_config.epochs: an RFT job takes 1 to 10 epochs, got 11"),
    ("ReinforcementFineTuningJob", "rank-64", rft(training_config={"base_model": LLAMA, "lora_rank": 64}),
     "ReinforcementFineTuningJob.training_config.lora_rank: an RFT job takes a LoRA rank of 4, 8, 16, 32, got 64"),
    ("ReinforcementFineTuningJob", "learning-rate-out-of-range", rft(training_config={"base_model": LLAMA, "learning_rate": 0.01}),
     "ReinforcementFineTuningJob.training_config.learning_rate: an RFT job takes a learning rate from 1e-05 to 0.0005"),
    ("ReinforcementFineTuningJob", "renderer-is-not-rft", rft(renderer_hugging_face_repo_id="org/repo"),
     "ReinforcementFineTuningJob.renderer_hugging_face_repo_id: is not an input of this resource"),
    ("Quota", "negative-value", {"quota_id": "monthly-spend-usd", "value": -1},
     "Quota.value: must be greater than or equal to 0"),
    ("Quota", "fractional-value", {"quota_id": "monthly-spend-usd", "value": 2.5},
     "Quota.value: must be a valid integer, got a number with a fractional part"),
    ("Quota", "value-as-text", {"quota_id": "monthly-spend-usd", "value": "5000"},
     "Quota.value: must be a whole number"),
    ("Quota", "missing-value", {"quota_id": "monthly-spend-usd"}, "Quota.value: is required"),
    ("Quota", "uppercase-id", {"quota_id": "Monthly-Spend", "value": 1},
     "Quota.quota_id: 'Monthly-Spend' is not a quota id"),
    ("Quota", "full-name-as-id", {"quota_id": "accounts/a/quotas/monthly-spend-usd", "value": 1},
     "Quota.quota_id: 'accounts/a/quotas/monthly-spend-usd' is not a quota id: use the id"),
    ("Quota", "unknown-deletion-policy", {"quota_id": "monthly-spend-usd", "value": 1, "deletion_policy": "delete"},
     "Quota.deletion_policy: 'delete' is not one of restore, leave"),
    # new-resource: bad-input rows above
]


@pytest.fixture(autouse=True)
def in_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, FILES)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("type_name", "inputs", "needle"), [(t, i, n) for t, _, i, n in BAD_INPUTS],
                         ids=[f"{t}-{name}" for t, name, _, _ in BAD_INPUTS])
def test_bad_inputs_are_refused_at_plan_time_naming_the_field(type_name: str, inputs: dict[str, Any], needle: str) -> None:
    hidden = {NAME_KEY: "thing", URN_KEY: f"urn:pulumi:dev::unit::fireworks:{type_name}::thing"}
    failures = FireworksProvider(type_name).check({}, {**inputs, **hidden}).failures
    reasons = [f.reason for f in failures]
    field, _, message = needle.partition(": ")
    assert field.startswith(f"{type_name}.") and message, f"a row names the field and says what is wrong: {needle!r}"
    assert any(_says(reason, needle) for reason in reasons), f"{needle!r} not in {reasons}"
    assert all(reason.startswith(f"{type_name}.") for reason in reasons), reasons


def _says(reason: str, needle: str) -> bool:
    """``needle`` is in ``reason``; "Type.field: … words" means the reason starts with the
    field and has the words later on."""
    head, sep, tail = needle.partition(" \u2026 ")
    if not sep:
        return needle in reason
    return reason.startswith(head) and tail in reason[len(head):]


def test_every_resource_has_bad_input_rows() -> None:
    from pulumi_fireworks._engine import registered_specs

    assert set(registered_specs()) <= {type_name for type_name, *_ in BAD_INPUTS}
