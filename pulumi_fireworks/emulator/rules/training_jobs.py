"""Fine-tuning job rules (supervised, DPO and reinforcement fine-tuning): training
settings, the fields every job shares, the RFT job's own fields, state changes (cancel,
resume, delete), the cost estimate and what a finished RFT job reports.

Sources: SDK 1.2.30 ``fireworks/resources/supervised_fine_tuning_jobs.py``, ``dpo_jobs.py``,
``reinforcement_fine_tuning_jobs.py``, ``fireworks/types/shared/training_config.py``,
``fireworks/types/reinforcement_fine_tuning_job.py`` (``chunk_size``: "Valid range is
1-10,000"; ``accelerator_seconds``: "keyed by accelerator type (e.g., "NVIDIA_H100_80GB").
Updated when job completes or is cancelled"; ``extra_body``: "parameters for the inference
request as a JSON string"; ``top_p``: "typically between 0 and 1"); docs "additional SFT
job settings" ("LoRA rank must be a power of 2 up to 64"), "Epochs" ("we set a max value of
3 million dataset examples × epochs"), "monitor training" ("Cancelled jobs cannot be resumed").

Field paths: a supervised job carries its settings at the top level (``base_model``), a DPO
job under ``training_config`` (``training_config.base_model``); every settings check takes
that ``prefix``. The numeric bounds the sources leave open are the sensible ones: counts
that size something (``epochs``, ``nodes``, ``lora_rank``) are at least 1, the other counts
at least 0 (0 being proto3's "unset": the service chooses), ``learning_rate`` above 0.
An RFT job's counts that size something (``node_count``, the concurrency limits, the
inference replicas, ``max_output_tokens``, ``response_candidates_count``) are at least 1
when sent; ``temperature`` and ``top_k`` at least 0; ``top_p`` in (0, 1].
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ..._wire._enums import REGIONS
from ..._wire.dataset import Dataset
from ..._wire.model import Model
from ..._wire.training_job import (
    LOSS_METHODS,
    RFT_CHUNK_SIZES,
    RFT_EPOCHS,
    RFT_LEARNING_RATES,
    RFT_LORA_RANKS,
    RFT_SAMPLING,
    InferenceParameters,
    LossConfig,
    ReinforcementFineTuningJob,
    TrainingSettings,
    WandbConfig,
)
from ..errors import ApiError, failed_precondition, invalid_field
from ..validation import check_id
from .common import check_display_fields, check_enum, parse_child_name, parse_int64
from .models import resolve_kind

PENDING = "JOB_STATE_PENDING"
VALIDATING = "JOB_STATE_VALIDATING"
RUNNING = "JOB_STATE_RUNNING"
COMPLETED = "JOB_STATE_COMPLETED"
FAILED = "JOB_STATE_FAILED"
CANCELLING = "JOB_STATE_CANCELLING"
CANCELLED = "JOB_STATE_CANCELLED"
PAUSED = "JOB_STATE_PAUSED"

#: The stages a job goes through, each settling to the next.
STAGES = (PENDING, VALIDATING, RUNNING, COMPLETED)
#: States a job never leaves by itself.
TERMINAL_STATES = frozenset({COMPLETED, FAILED, CANCELLED, "JOB_STATE_EARLY_STOPPED", "JOB_STATE_EXPIRED"})
#: Terminal states that produced no model: a job in one of them no longer claims its ``output_model`` id.
NO_MODEL_STATES = frozenset({FAILED, CANCELLED, "JOB_STATE_EXPIRED"})
#: States ``:resume`` starts again from.
RESUMABLE_STATES = frozenset({FAILED, PAUSED})

#: Docs: "LoRA rank must be a power of 2 up to 64"; the default rank is 8.
LORA_RANKS = (1, 2, 4, 8, 16, 32, 64)
DEFAULT_LORA_RANK = 8
DEFAULT_EPOCHS = 1
#: Docs ("Epochs"): "we set a max value of 3 million dataset examples × epochs".
MAX_EXAMPLE_EPOCHS = 3_000_000
#: What a trained LoRA adapts (all linear layers of a decoder block, the trainer's default).
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")

#: Settings that count something and must be at least 1 when given.
_POSITIVE = ("epochs",)
#: Settings that must not be negative (0: the service chooses).
_NON_NEGATIVE = (
    "learning_rate_warmup_steps",
    "max_context_length",
    "batch_size",
    "batch_size_samples",
    "gradient_accumulation_steps",
    "sampler_checkpoint_save_interval_steps",
)


# -- the request -----------------------------------------------------------------------------


def check_settings(settings: TrainingSettings, prefix: str) -> None:
    """The training settings of a create, without look-ups (``prefix``: ``""`` or ``"training_config."``)."""
    if settings.base_model and settings.warm_start_from:
        raise invalid_field(f"{prefix}warm_start_from",
                            f"only one of {prefix}base_model or {prefix}warm_start_from may be set")
    if not settings.base_model and not settings.warm_start_from:
        raise invalid_field(f"{prefix}base_model",
                            f"is required (or set {prefix}warm_start_from to continue training a LoRA)")
    if settings.base_model:
        parse_child_name(f"{prefix}base_model", settings.base_model, "models")
    if settings.warm_start_from:
        parse_child_name(f"{prefix}warm_start_from", settings.warm_start_from, "models")
    if settings.output_model:
        check_output_model_id(f"{prefix}output_model", settings.output_model)
    for name in _POSITIVE:
        value = getattr(settings, name)
        if value is not None and value < 1:
            raise invalid_field(f"{prefix}{name}", f"must be at least 1, got {value}")
    for name in _NON_NEGATIVE:
        value = getattr(settings, name)
        if value is not None and value < 0:
            raise invalid_field(f"{prefix}{name}", f"must not be negative, got {value}")
    if settings.lora_rank is not None and settings.lora_rank not in LORA_RANKS:
        ranks = ", ".join(map(str, LORA_RANKS))
        raise invalid_field(f"{prefix}lora_rank", f"must be a power of 2 up to 64 ({ranks}); got {settings.lora_rank}")
    if settings.learning_rate is not None and not settings.learning_rate > 0:
        raise invalid_field(f"{prefix}learning_rate", f"must be greater than 0, got {settings.learning_rate}")
    if settings.optimizer_weight_decay is not None and settings.optimizer_weight_decay < 0:
        raise invalid_field(f"{prefix}optimizer_weight_decay",
                            f"must not be negative, got {settings.optimizer_weight_decay}")
    check_enum(f"{prefix}region", settings.region, ("REGION_UNSPECIFIED", *REGIONS))


def check_output_model_id(field: str, value: str) -> None:
    """``output_model`` is a model *id* (SDK: "The model ID to be assigned to the resulting
    fine-tuned model"), not a resource name."""
    if "/" in value:
        raise invalid_field(field, f"{value!r} must be a model id (e.g. 'my-model'), not a resource name")
    check_id(field, value)


def check_common(display_name: Optional[str], wandb: Optional[WandbConfig], account: str,
                 storage_secrets: dict[str, Optional[str]]) -> None:
    """The fields every job type has: ``display_name``, ``wandb_config`` and the storage
    configs' ``credentials_secret`` (the names only; existence is the handler's)."""
    check_display_fields("", display_name)
    if wandb is not None and wandb.enabled:
        for name in ("api_key", "project"):
            if not getattr(wandb, name):
                raise invalid_field(f"wandb_config.{name}", "is required when wandb_config.enabled is true")
    for field, secret in storage_secrets.items():
        if secret:
            check_own(field, secret, "secrets", account)


def check_loss_config(loss: Optional[LossConfig], prefix: str = "loss_config.") -> None:
    if loss is None:
        return
    check_enum(f"{prefix}method", loss.method, LOSS_METHODS)
    if loss.kl_beta is not None and loss.kl_beta < 0:
        raise invalid_field(f"{prefix}kl_beta", f"must not be negative, got {loss.kl_beta}")
    if loss.dpo is not None and loss.dpo.beta is not None and loss.dpo.beta < 0:
        raise invalid_field(f"{prefix}dpo.beta", f"must not be negative, got {loss.dpo.beta}")


def check_own(field: str, name: str, collection: str, account: str) -> None:
    """``name`` is ``accounts/<account>/<collection>/<id>`` of the caller's own account."""
    owner, _ = parse_child_name(field, name, collection)
    if owner != account:
        raise invalid_field(field, f"{name} does not belong to account {account}")


def check_at_least(field: str, value: Optional[float], minimum: int) -> None:
    if value is not None and value < minimum:
        raise invalid_field(field, f"must be at least {minimum}, got {value}")


#: RFT counts that must be at least 1 when sent.
_RFT_POSITIVE = ("max_concurrent_rollouts", "max_concurrent_evaluations", "max_inference_replica_count", "node_count")


def check_rft(job: ReinforcementFineTuningJob, account: str) -> None:
    """The fields only an RFT job has, without look-ups (the evaluator's name, not its state)."""
    if not job.evaluator:
        raise invalid_field("evaluator", "is required: the evaluator that scores the rollouts")
    check_own("evaluator", job.evaluator, "evaluators", account)
    low, high = RFT_CHUNK_SIZES
    if job.chunk_size is not None and not low <= job.chunk_size <= high:
        raise invalid_field("chunk_size", f"must be between {low} and {high:,}, got {job.chunk_size}")
    for name in _RFT_POSITIVE:
        check_at_least(name, getattr(job, name), 1)
    check_loss_config(job.loss_config)
    check_rft_training(job.training_config)
    if job.inference_parameters is not None:
        check_inference_parameters(job.inference_parameters)


def check_between(field: str, value: Optional[float], bounds: tuple[float, float]) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise invalid_field(field, f"must be between {low:g} and {high:g}, got {value:g}")


def check_rft_training(config: Optional[TrainingSettings]) -> None:
    if config is None:
        return
    check_between("training_config.epochs", config.epochs, RFT_EPOCHS)
    check_between("training_config.learning_rate", config.learning_rate, RFT_LEARNING_RATES)
    if config.lora_rank is not None and config.lora_rank not in RFT_LORA_RANKS:
        raise invalid_field("training_config.lora_rank", f"must be one of {', '.join(map(str, RFT_LORA_RANKS))}, "
                                                         f"got {config.lora_rank}")


def check_inference_parameters(params: InferenceParameters, prefix: str = "inference_parameters.") -> None:
    for name, bounds in RFT_SAMPLING.items():
        check_between(f"{prefix}{name}", getattr(params, name), bounds)
    if params.extra_body:
        try:
            extra = json.loads(params.extra_body)
        except ValueError:
            extra = None
        if not isinstance(extra, dict):
            raise invalid_field(f"{prefix}extra_body", f"must be a JSON object as a string (e.g. '{{\"stop\": []}}'), "
                                                       f"got {params.extra_body!r}")


# -- what the request names ------------------------------------------------------------------


def check_dataset_ready(field: str, dataset: Dataset) -> None:
    if dataset.state != "READY":
        raise failed_precondition(f"{field}: dataset {dataset.name} is in state {dataset.state}; it must be READY")


def check_base_model(field: str, model: Model) -> None:
    """``base_model``: a READY base model (not an addon)."""
    if resolve_kind(model.kind) != "HF_BASE_MODEL":
        raise invalid_field(field, f"{model.name} is not a base model (kind {resolve_kind(model.kind)}); "
                                   "to continue training a LoRA set warm_start_from instead")
    if model.state != "READY":
        raise failed_precondition(f"{field}: model {model.name} is in state {model.state}; it must be READY")


def check_warm_start(field: str, model: Model) -> str:
    """``warm_start_from``: a READY ``HF_PEFT_ADDON``; returns its base model."""
    if resolve_kind(model.kind) != "HF_PEFT_ADDON":
        raise invalid_field(field, f"{model.name} is not a LoRA model (kind {resolve_kind(model.kind)}, "
                                   "expected HF_PEFT_ADDON)")
    if model.state != "READY":
        raise failed_precondition(f"{field}: model {model.name} is in state {model.state}; it must be READY")
    base = model.peft_details.base_model if model.peft_details else None
    if not base:
        raise failed_precondition(f"{field}: model {model.name} has no peft_details.base_model")
    return base


def check_output_model_free(field: str, model_name: str, *, exists: bool, claimed_by: Optional[str]) -> None:
    if exists:
        raise failed_precondition(f"{field}: model {model_name} already exists; choose another output model id")
    if claimed_by:
        raise failed_precondition(f"{field}: job {claimed_by} already writes model {model_name}; "
                                  "choose another output model id")


def example_count(dataset: Dataset) -> Optional[int]:
    """The dataset's ``exampleCount`` (an int64 string), or None when unknown."""
    if dataset.example_count is None:
        return None
    try:
        return parse_int64("example_count", dataset.example_count)
    except ApiError:  # a malformed stored count is "unknown", not the job's fault
        return None


def check_example_epochs(field: str, examples: Optional[int], epochs: Optional[int]) -> None:
    if examples is None:
        return
    total = examples * (epochs or DEFAULT_EPOCHS)
    if total > MAX_EXAMPLE_EPOCHS:
        raise invalid_field(field, f"dataset examples × epochs is {examples} × {epochs or DEFAULT_EPOCHS} = {total}; "
                                   f"at most {MAX_EXAMPLE_EPOCHS:,} are allowed")


# -- state changes ---------------------------------------------------------------------------


def check_cancel(noun: str, name: str, state: Optional[str]) -> None:
    if state in TERMINAL_STATES:
        raise failed_precondition(f"{noun} {name} is in state {state}; only a job that has not ended can be cancelled")


def check_resume(noun: str, name: str, state: Optional[str]) -> None:
    if state == CANCELLED:
        raise failed_precondition(f"{noun} {name} is cancelled: cancelled jobs cannot be resumed")
    if state not in RESUMABLE_STATES:
        raise failed_precondition(f"{noun} {name} is in state {state}; only failed or paused jobs can be resumed")


def check_delete(noun: str, name: str, state: Optional[str]) -> None:
    if state not in TERMINAL_STATES:
        raise failed_precondition(f"{noun} {name} is still active (state {state}); cancel it first")


def check_steerable(noun: str, name: str, state: Optional[str]) -> None:
    """The admin API's finish/fail: only a job that is still under way."""
    if state in TERMINAL_STATES or state == CANCELLING:
        raise failed_precondition(f"{noun} {name} is in state {state}; only a job under way can be finished or failed")


# -- the estimate ----------------------------------------------------------------------------

#: Tokens an example is assumed to hold (the emulator keeps no rows to count).
TOKENS_PER_EXAMPLE = 1_000
#: LoRA SFT price per training token in nanodollars, by base model size (pricing page
#: snapshot: $0.50 per 1M tokens up to 16B parameters, $3 to 80B, $6 to 300B, $10 above).
_PRICE_TIERS = ((16 * 10**9, 500), (80 * 10**9, 3_000), (300 * 10**9, 6_000))
_PRICE_ABOVE = 10_000


def estimated_cost(examples: Optional[int], epochs: Optional[int], parameter_count: Optional[int]) -> dict[str, Any]:
    """``google.type.Money`` for examples × epochs × :data:`TOKENS_PER_EXAMPLE` tokens at the
    price tier of the base model (the smallest tier when its size is unknown); an unknown
    example count is taken as one example."""
    params = parameter_count or 0
    per_token = next((price for limit, price in _PRICE_TIERS if params <= limit), _PRICE_ABOVE)
    nanos_total = (examples or 1) * (epochs or DEFAULT_EPOCHS) * TOKENS_PER_EXAMPLE * per_token
    units, nanos = divmod(nanos_total, 10**9)
    return {"currencyCode": "USD", "units": str(units), "nanos": nanos}


# -- what a reinforcement fine-tuning job reports -------------------------------------------

#: The accelerator an emulated RFT job trains on.
RFT_ACCELERATOR = "NVIDIA_H100_80GB"
#: Accelerator seconds an emulated RFT job uses per node and epoch (an hour of one GPU).
RFT_SECONDS_PER_NODE_EPOCH = 3_600
#: The mean reward an emulated RFT job ends with.
RFT_REWARD_MEAN = 0.75


def accelerator_seconds(nodes: Optional[int], epochs: Optional[int], percent: int = 100) -> dict[str, str]:
    """``acceleratorSeconds`` of a job that got ``percent`` of the way: accelerator type ->
    int64 seconds as a string; empty when it never trained."""
    seconds = RFT_SECONDS_PER_NODE_EPOCH * (nodes or 1) * (epochs or DEFAULT_EPOCHS) * percent // 100
    return {RFT_ACCELERATOR: str(seconds)} if seconds > 0 else {}


def rft_outputs(examples: Optional[int], epochs: Optional[int], candidates: Optional[int]) -> dict[str, str]:
    """``outputMetrics`` and ``outputStats`` of a completed RFT job: small JSON documents as
    strings (the SDK types both as strings), derived from the job alone so they are
    deterministic. An unknown example count is taken as one example."""
    rollouts = (examples or 1) * (epochs or DEFAULT_EPOCHS) * (candidates or 1)
    metrics = {"reward/mean": RFT_REWARD_MEAN, "reward/std": 0.1, "epochs": epochs or DEFAULT_EPOCHS}
    stats = {"examples": examples or 1, "rollouts": rollouts, "evaluations": rollouts}
    return {"outputMetrics": _json(metrics), "outputStats": _json(stats)}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
