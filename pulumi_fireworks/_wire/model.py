"""Model: ``accounts/{account_id}/models/{model_id}``, and its upload/prepare messages.

Fields follow ``fireworks.types.Model`` (SDK 1.2.30) plus ``baseModelDetails.huggingfaceFiles``
from the newer OpenAPI document. The model is also the object public base models are
seeded with (``accounts/fireworks/models/...``).
"""

from __future__ import annotations

import typing

from typing import Literal, Optional

from pydantic import ConfigDict

from ._base import Status, WireModel, newer_spec, output_only

MODEL_KINDS: tuple[str, ...] = (
    "KIND_UNSPECIFIED",
    "HF_BASE_MODEL",
    "HF_PEFT_ADDON",
    "HF_TEFT_ADDON",
    "FLUMINA_BASE_MODEL",
    "FLUMINA_ADDON",
    "DRAFT_ADDON",
    "FIRE_AGENT",
    "LIVE_MERGE",
    "CUSTOM_MODEL",
    "EMBEDDING_MODEL",
    "SNAPSHOT_MODEL",
)
#: What the API assumes when ``kind`` is absent or ``KIND_UNSPECIFIED`` (SDK docstring).
DEFAULT_MODEL_KIND = "HF_PEFT_ADDON"
#: Kinds that carry ``peftDetails`` (required for them, forbidden for the others).
PEFT_KINDS: frozenset[str] = frozenset({"HF_PEFT_ADDON", "HF_TEFT_ADDON"})

MODEL_STATES: tuple[str, ...] = ("STATE_UNSPECIFIED", "UPLOADING", "READY")

CheckpointFormat = Literal["NATIVE", "HUGGINGFACE", "UNINITIALIZED"]
CHECKPOINT_FORMATS: tuple[str, ...] = ("CHECKPOINT_FORMAT_UNSPECIFIED", *typing.get_args(CheckpointFormat))

SnapshotType = Literal["FULL_SNAPSHOT", "INCREMENTAL_SNAPSHOT"]
SNAPSHOT_TYPES: tuple[str, ...] = typing.get_args(SnapshotType)

#: ``peftDetails.r`` bounds (inclusive), from the SDK docstring.
PEFT_RANK_MIN = 4
PEFT_RANK_MAX = 64

#: LoRA target modules the docs list as supported ("Importing fine-tuned models";
#: ``up_proj``/``w1``, ``down_proj``/``w2`` and ``gate_proj``/``w3`` are synonyms).
TargetModule = Literal[
    "q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "w1", "down_proj", "w2", "gate_proj", "w3",
    "block_sparse_moe.gate",
]
SUPPORTED_TARGET_MODULES: tuple[str, ...] = typing.get_args(TargetModule)

# -- the files of an upload (docs "Custom Models"), shared by the provider's preview
# -- checks and the emulator's :validateUpload -------------------------------------------

#: An adapter (LoRA addon) upload holds its config, its weights in one of two formats,
#: and optionally ``fireworks.json`` (a ``conversation_config`` enabling chat); nothing else.
ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS: tuple[str, ...] = ("adapter_model.safetensors", "adapter_model.bin")
ADAPTER_CHAT_CONFIG = "fireworks.json"
ADAPTER_FILES: frozenset[str] = frozenset({ADAPTER_CONFIG, *ADAPTER_WEIGHTS, ADAPTER_CHAT_CONFIG})
#: A base model upload needs its config, weights (an ``*.index.json`` when sharded) and tokenizer.
BASE_CONFIG = "config.json"
WEIGHT_SUFFIXES: tuple[str, ...] = (".safetensors", ".bin")
NOT_WEIGHTS: frozenset[str] = frozenset({"training_args.bin"})
TOKENIZER_CONFIG = "tokenizer_config.json"
TOKENIZER_VOCABS: tuple[str, ...] = ("tokenizer.json", "tokenizer.model", "vocab.json")


class Date(WireModel):
    """``google.type.Date``; zero parts mean "not significant"."""

    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None


class ConversationConfig(WireModel):
    style: Optional[str] = None
    system: Optional[str] = None
    template: Optional[str] = None


class BaseModelDetails(WireModel):
    # ``model_type`` starts with pydantic's reserved ``model_`` prefix.
    model_config = ConfigDict(protected_namespaces=())

    world_size: Optional[int] = None
    checkpoint_format: Optional[str] = None
    parameter_count: Optional[str] = None  # int64 -> JSON string
    moe: Optional[bool] = None
    tunable: Optional[bool] = None
    model_type: Optional[str] = None
    supports_fireattention: Optional[bool] = None
    default_precision: Optional[str] = None
    supports_mtp: Optional[bool] = None
    huggingface_files: Optional[list[str]] = newer_spec()


class PeftDetails(WireModel):
    base_model: Optional[str] = None
    r: Optional[int] = None
    target_modules: Optional[list[str]] = None
    base_model_type: Optional[str] = output_only()
    merge_addon_model_name: Optional[str] = None


class DeployedModelRef(WireModel):
    """A deployed model as the model's ``deployedModelRefs`` lists it (Get only)."""

    name: Optional[str] = None
    deployment: Optional[str] = None
    state: Optional[str] = None
    default: Optional[bool] = None
    public: Optional[bool] = None


class Model(WireModel):
    # Identity and server view (output only).
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    cluster: Optional[str] = output_only()  # set through the create request's ``cluster``
    imported_from: Optional[str] = output_only()
    fine_tuning_job: Optional[str] = output_only()
    deployed_model_refs: Optional[list[DeployedModelRef]] = output_only()
    calibrated: Optional[bool] = output_only()
    tunable: Optional[bool] = output_only()
    rl_tunable: Optional[bool] = output_only()
    supports_serverless: Optional[bool] = output_only()
    supported_precisions: Optional[list[str]] = output_only()
    supported_precisions_with_calibration: Optional[list[str]] = output_only()
    default_sampling_params: Optional[dict[str, float]] = output_only()

    # Settable.
    display_name: Optional[str] = None
    description: Optional[str] = None
    kind: Optional[str] = None
    base_model_details: Optional[BaseModelDetails] = None
    peft_details: Optional[PeftDetails] = None
    teft_details: Optional[dict[str, object]] = None
    github_url: Optional[str] = None
    hugging_face_url: Optional[str] = None
    public: Optional[bool] = None
    conversation_config: Optional[ConversationConfig] = None
    context_length: Optional[int] = None
    training_context_length: Optional[int] = None
    supports_image_input: Optional[bool] = None
    supports_tools: Optional[bool] = None
    supports_lora: Optional[bool] = None
    use_hf_apply_chat_template: Optional[bool] = None
    default_draft_model: Optional[str] = None
    default_draft_token_count: Optional[int] = None
    deprecation_date: Optional[Date] = None
    snapshot_type: Optional[str] = None


class CreateModelRequest(WireModel):
    """Body of ``POST .../models``."""

    model_config = ConfigDict(protected_namespaces=())  # ``model_id``

    model_id: Optional[str] = None
    model: Optional[Model] = None
    cluster: Optional[str] = None


class GetUploadEndpointRequest(WireModel):
    """Body of ``POST .../models/{id}:getUploadEndpoint`` and ``.../datasets/{id}:getUploadEndpoint``."""

    filename_to_size: Optional[dict[str, str]] = None  # int64 sizes -> JSON strings
    enable_resumable_upload: Optional[bool] = None  # models only
    read_mask: Optional[str] = None


class GetUploadEndpointResponse(WireModel):
    filename_to_signed_urls: Optional[dict[str, str]] = None
    filename_to_unsigned_uris: Optional[dict[str, str]] = None  # models only


class GetDownloadEndpointResponse(WireModel):
    filename_to_signed_urls: Optional[dict[str, str]] = None


class ValidateModelUploadResponse(WireModel):
    warnings: Optional[list[str]] = None


class PrepareModelRequest(WireModel):
    precision: Optional[str] = None
    read_mask: Optional[str] = None
