"""Fine-tuning jobs: ``accounts/{account}/supervisedFineTuningJobs/{id}``, ``.../dpoJobs/{id}``
and ``.../reinforcementFineTuningJobs/{id}``.

Fields follow ``fireworks.types.SupervisedFineTuningJob``, ``fireworks.types.DpoJob``,
``fireworks.types.ReinforcementFineTuningJob`` and
``fireworks.types.shared.TrainingConfig`` / ``WandbConfig`` /
``ReinforcementLearningLossConfig`` (SDK 1.2.30). A supervised job carries its training
settings at the top level; DPO and RFT jobs nest the same settings under ``trainingConfig``.
None has an update call (SDK: create, get, list, delete, cancel, resume): a job is
immutable once created.
"""

from __future__ import annotations

import typing
from typing import Literal, Optional

from ._base import Status, WireModel, output_only

JobState = Literal[
    "JOB_STATE_UNSPECIFIED",
    "JOB_STATE_CREATING",
    "JOB_STATE_RUNNING",
    "JOB_STATE_COMPLETED",
    "JOB_STATE_FAILED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_DELETING",
    "JOB_STATE_WRITING_RESULTS",
    "JOB_STATE_VALIDATING",
    "JOB_STATE_DELETING_CLEANING_UP",
    "JOB_STATE_PENDING",
    "JOB_STATE_EXPIRED",
    "JOB_STATE_RE_QUEUEING",
    "JOB_STATE_CREATING_INPUT_DATASET",
    "JOB_STATE_IDLE",
    "JOB_STATE_CANCELLING",
    "JOB_STATE_EARLY_STOPPED",
    "JOB_STATE_PAUSED",
]
"""``JobState`` of SDK 1.2.30 (newer specs add ``JOB_STATE_DELETED``; unknown states are read as they come)."""

JOB_STATES: tuple[str, ...] = typing.get_args(JobState)

LossMethod = Literal["METHOD_UNSPECIFIED", "GRPO", "DAPO", "DPO", "ORPO", "GSPO_TOKEN"]
LOSS_METHODS: tuple[str, ...] = typing.get_args(LossMethod)


class WandbConfig(WireModel):
    """Weights & Biases reporting. ``apiKey`` travels in plain text in the create body."""

    api_key: Optional[str] = None
    enabled: Optional[bool] = None
    entity: Optional[str] = None
    project: Optional[str] = None
    run_id: Optional[str] = None
    url: Optional[str] = output_only()


class AwsS3Config(WireModel):
    credentials_secret: Optional[str] = None  # accounts/{a}/secrets/{s}
    iam_role_arn: Optional[str] = None


class AzureBlobStorageConfig(WireModel):
    credentials_secret: Optional[str] = None  # accounts/{a}/secrets/{s}
    managed_identity_client_id: Optional[str] = None
    tenant_id: Optional[str] = None


class JobProgress(WireModel):
    percent: Optional[int] = None
    epoch: Optional[int] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    cached_input_token_count: Optional[int] = None
    output_rows: Optional[int] = None
    failed_requests: Optional[int] = None
    successfully_processed_requests: Optional[int] = None
    total_input_requests: Optional[int] = None
    total_processed_requests: Optional[int] = None


class EstimatedCost(WireModel):
    """``google.type.Money``: ``units`` is an int64 (a JSON string), ``nanos`` billionths."""

    currency_code: Optional[str] = None
    units: Optional[str] = None
    nanos: Optional[int] = None


class TrainingSettings(WireModel):
    """What a supervised job holds at its top level and a DPO job under ``trainingConfig``."""

    base_model: Optional[str] = None
    warm_start_from: Optional[str] = None
    output_model: Optional[str] = None  # the model *id* (SDK: "defaults to the job ID")
    epochs: Optional[int] = None
    learning_rate: Optional[float] = None
    learning_rate_warmup_steps: Optional[int] = None
    lora_rank: Optional[int] = None
    max_context_length: Optional[int] = None
    batch_size: Optional[int] = None
    batch_size_samples: Optional[int] = None
    gradient_accumulation_steps: Optional[int] = None
    optimizer_weight_decay: Optional[float] = None
    jinja_template: Optional[str] = None
    region: Optional[str] = None
    sampler_checkpoint_save_interval_steps: Optional[int] = None


class TrainingConfig(TrainingSettings):
    """``fireworks.types.shared.TrainingConfig``."""


class DpoConfig(WireModel):
    beta: Optional[float] = None
    ref_cache_concurrency: Optional[int] = None
    ref_cache_batch_size: Optional[int] = None


class LossConfig(WireModel):
    """``ReinforcementLearningLossConfig``: DPO by default; ORPO through ``method``."""

    method: Optional[str] = None
    kl_beta: Optional[float] = None
    dpo: Optional[DpoConfig] = None


class _JobView(WireModel):
    """What every fine-tuning job reports about itself (output only)."""

    name: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    completed_time: Optional[str] = output_only()
    created_by: Optional[str] = output_only()
    trainer_logs_signed_url: Optional[str] = output_only()


class _JobCommon(_JobView):
    dataset: Optional[str] = None  # required: accounts/{a}/datasets/{d}
    display_name: Optional[str] = None
    wandb_config: Optional[WandbConfig] = None
    aws_s3_config: Optional[AwsS3Config] = None
    azure_blob_storage_config: Optional[AzureBlobStorageConfig] = None
    reservation_target: Optional[str] = None


class _TunerJob(_JobCommon):
    """Fields SDK 1.2.30 gives supervised and DPO jobs, not RFT jobs."""

    renderer_hugging_face_repo_id: Optional[str] = None
    use_reservation: Optional[bool] = None


class SupervisedFineTuningJob(TrainingSettings, _TunerJob):
    job_progress: Optional[JobProgress] = output_only()
    estimated_cost: Optional[EstimatedCost] = output_only()

    # Settable in SDK 1.2.30's create params, though only the service seems to have a
    # use for it (a signed URL to write metrics to); never set by the provider.
    metrics_file_signed_url: Optional[str] = None
    evaluation_dataset: Optional[str] = None
    eval_auto_carveout: Optional[bool] = None
    early_stop: Optional[bool] = None
    is_turbo: Optional[bool] = None
    nodes: Optional[int] = None
    use_purpose: Optional[str] = None
    mtp_enabled: Optional[bool] = None
    mtp_num_draft_tokens: Optional[int] = None
    mtp_freeze_base_model: Optional[bool] = None


class DpoJob(_TunerJob):
    training_config: Optional[TrainingConfig] = None
    loss_config: Optional[LossConfig] = None


RFT_CHUNK_SIZES = (1, 10_000)
"""SDK 1.2.30 (``chunk_size``): "Valid range is 1-10,000"."""
RFT_EPOCHS = (1, 10)
RFT_LORA_RANKS = (4, 8, 16, 32)
RFT_LEARNING_RATES = (1e-5, 5e-4)
RFT_SAMPLING: dict[str, tuple[float, float]] = {
    "max_output_tokens": (16, 16384), "temperature": (0.1, 2), "top_p": (0, 1), "top_k": (0, 100),
    "response_candidates_count": (2, 8),
}
"""The documented valid ranges of an RFT job (docs, "Parameter Tuning"; the service checks
them at create: "Invalid ranges → error with allowed values"), narrower than a supervised
job's. The provider refuses the rest at preview, the emulator at create."""


class InferenceParameters(WireModel):
    """How an RFT job samples rollouts from the model it trains."""

    max_output_tokens: Optional[int] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    top_k: Optional[int] = None
    response_candidates_count: Optional[int] = None
    extra_body: Optional[str] = None  # a JSON object, as a string


class ReinforcementFineTuningJob(_JobCommon):
    """An RFT job: rollouts of the model scored by an ``evaluator``, which steers training."""

    evaluator: Optional[str] = None  # required: accounts/{a}/evaluators/{e}
    training_config: Optional[TrainingConfig] = None
    loss_config: Optional[LossConfig] = None
    inference_parameters: Optional[InferenceParameters] = None
    evaluation_dataset: Optional[str] = None
    eval_auto_carveout: Optional[bool] = None
    chunk_size: Optional[int] = None
    max_concurrent_rollouts: Optional[int] = None
    max_concurrent_evaluations: Optional[int] = None
    max_inference_replica_count: Optional[int] = None
    mcp_server: Optional[str] = None
    node_count: Optional[int] = None
    job_progress: Optional[JobProgress] = output_only()
    accelerator_seconds: Optional[dict[str, str]] = output_only()  # accelerator type -> seconds (int64 strings)
    output_metrics: Optional[str] = output_only()
    output_stats: Optional[str] = output_only()
