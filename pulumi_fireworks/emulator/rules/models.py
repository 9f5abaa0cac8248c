"""Model rules: kind-dependent details, create/patch checks, prepare, delete.

Field paths in messages are snake_case proto paths (``model.peft_details.r`` on create,
``peft_details.r`` on PATCH, whose body is the flat resource).
"""

from __future__ import annotations

from typing import Optional

from ..._wire._enums import PRECISIONS
from ..._wire.model import (
    CHECKPOINT_FORMATS,
    DEFAULT_MODEL_KIND,
    MODEL_KINDS,
    PEFT_KINDS,
    PEFT_RANK_MAX,
    PEFT_RANK_MIN,
    SNAPSHOT_TYPES,
    Model,
)
from ..errors import failed_precondition, invalid_field
from .common import check_display_fields, check_enum, parse_child_name, parse_int64


def resolve_kind(kind: Optional[str]) -> str:
    """The effective kind: absent or ``KIND_UNSPECIFIED`` means ``HF_PEFT_ADDON`` (API default)."""
    if not kind or kind == "KIND_UNSPECIFIED":
        return DEFAULT_MODEL_KIND
    return kind


def is_addon(kind: Optional[str]) -> bool:
    """True for the LoRA kinds (``HF_PEFT_ADDON``, ``HF_TEFT_ADDON``)."""
    return resolve_kind(kind) in PEFT_KINDS


def check_model(model: Model, prefix: str = "") -> Model:
    """Validate a whole model spec and return it with ``kind`` resolved.

    ``prefix`` is prepended to field paths (``"model."`` for the create body).
    """
    check_enum(f"{prefix}kind", model.kind, MODEL_KINDS)
    kind = resolve_kind(model.kind)
    check_display_fields(prefix, model.display_name, model.description)

    if kind == "HF_BASE_MODEL":
        if model.base_model_details is None:
            raise invalid_field(f"{prefix}base_model_details", "is required when kind is HF_BASE_MODEL")
    elif model.base_model_details is not None:
        raise invalid_field(f"{prefix}base_model_details", f"must not be set when kind is {kind}")
    if model.base_model_details is not None:
        details = model.base_model_details
        p = f"{prefix}base_model_details."
        check_enum(f"{p}checkpoint_format", details.checkpoint_format, CHECKPOINT_FORMATS)
        check_enum(f"{p}default_precision", details.default_precision, ("PRECISION_UNSPECIFIED", *PRECISIONS))
        if details.parameter_count is not None:
            parse_int64(f"{p}parameter_count", details.parameter_count)
        if details.world_size is not None and details.world_size < 0:
            raise invalid_field(f"{p}world_size", f"must not be negative, got {details.world_size}")

    if kind in PEFT_KINDS:
        if model.peft_details is None:
            raise invalid_field(f"{prefix}peft_details", f"is required when kind is {kind}")
        check_peft_details(model, f"{prefix}peft_details.")
    elif model.peft_details is not None:
        raise invalid_field(f"{prefix}peft_details", f"must not be set when kind is {kind}")

    if kind == "HF_TEFT_ADDON":
        if model.teft_details is None:
            raise invalid_field(f"{prefix}teft_details", "is required when kind is HF_TEFT_ADDON")
    elif model.teft_details is not None:
        raise invalid_field(f"{prefix}teft_details", f"must not be set when kind is {kind}")

    if model.default_draft_model and not model.default_draft_token_count:
        raise invalid_field(f"{prefix}default_draft_token_count", "is required when default_draft_model is set")
    if model.default_draft_token_count is not None and model.default_draft_token_count < 0:
        raise invalid_field(f"{prefix}default_draft_token_count", "must not be negative")
    if model.conversation_config is not None and not model.conversation_config.style:
        raise invalid_field(f"{prefix}conversation_config.style", "is required")
    check_enum(f"{prefix}snapshot_type", model.snapshot_type, SNAPSHOT_TYPES)
    for field_name in ("context_length", "training_context_length"):
        value = getattr(model, field_name)
        if value is not None and value < 0:
            raise invalid_field(f"{prefix}{field_name}", f"must not be negative, got {value}")
    return model.model_copy(update={"kind": kind})


def check_peft_details(model: Model, p: str) -> None:
    details = model.peft_details
    assert details is not None
    parse_child_name(f"{p}base_model", details.base_model, "models")
    if details.r is None:
        raise invalid_field(f"{p}r", "is required")
    if not PEFT_RANK_MIN <= details.r <= PEFT_RANK_MAX:
        raise invalid_field(f"{p}r", f"must be between {PEFT_RANK_MIN} and {PEFT_RANK_MAX}, inclusive; got {details.r}")
    if not details.target_modules:
        raise invalid_field(f"{p}target_modules", "is required (e.g. [\"q_proj\", \"v_proj\"])")
    # Names outside SUPPORTED_TARGET_MODULES are accepted: newer architectures add their
    # own, and the service is not documented to refuse them (the provider's preview
    # holds adapters to the documented list).
    for index, module in enumerate(details.target_modules):
        if not module or not module.strip():
            raise invalid_field(f"{p}target_modules[{index}]", "must not be empty")


def check_base_model_usable(field: str, base: Optional[Model]) -> None:
    """The ``peft_details.base_model`` an adapter names must exist and be a base model."""
    if base is None:
        raise invalid_field(field, "the base model does not exist or is not visible to this account")
    if is_addon(base.kind):
        raise invalid_field(field, f"{base.name} is itself an addon (kind {base.kind}), not a base model")


def check_upload_allowed(model: Model) -> None:
    """``:getUploadEndpoint`` / uploads only while the model awaits its files."""
    if model.state != "UPLOADING":
        raise failed_precondition(
            f"model {model.name} is in state {model.state}; files can only be uploaded while it is UPLOADING"
        )


def check_prepare(model: Model, precision: Optional[str]) -> str:
    """Validate ``:prepare``; returns the precision to add to ``supportedPrecisions``."""
    if not precision or precision == "PRECISION_UNSPECIFIED":
        raise invalid_field("precision", "is required")
    check_enum("precision", precision, PRECISIONS)
    if model.state != "READY":
        raise failed_precondition(f"model {model.name} is in state {model.state}; only READY models can be prepared")
    if is_addon(model.kind):
        raise failed_precondition(f"model {model.name} is an addon (kind {model.kind}); only base models can be prepared")
    return precision
