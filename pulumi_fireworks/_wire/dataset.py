"""Dataset: ``accounts/{account_id}/datasets/{dataset_id}``, and its upload messages.

Fields follow ``fireworks.types.Dataset`` (SDK 1.2.30) plus ``encryptionState`` (read by
the SDK's ``fireworks/lib/dataset_upload.py``) and ``transformed.filter`` / create's
``filter`` from the newer OpenAPI document. The signed-URL upload messages are shared
with models (:mod:`.model`).
"""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict

from ._base import Status, WireModel, newer_spec, output_only

DATASET_STATES: tuple[str, ...] = ("STATE_UNSPECIFIED", "UPLOADING", "READY")

DATASET_FORMATS: tuple[str, ...] = ("FORMAT_UNSPECIFIED", "CHAT", "COMPLETION", "RL")

#: The "where the rows come from" fields; they behave like a oneof.
DATASET_SOURCE_FIELDS: tuple[str, ...] = (
    "userUploaded",
    "externalUrl",
    "transformed",
    "splitted",
    "evaluationResult",
    "evalProtocol",
)

#: ``:upload`` accepts at most this many bytes. The SDK's docstring says "This path can
#: handle file sizes up to 150Mb"; read as decimal megabytes, the smaller of the two
#: readings (150 MiB would be 157,286,400), so nothing the provider sends that way can be
#: too large for the service under either reading.
MAX_MULTIPART_UPLOAD_BYTES = 150_000_000


class Transformed(WireModel):
    source_dataset_id: Optional[str] = None
    original_format: Optional[str] = None
    filter: Optional[str] = newer_spec()


class Splitted(WireModel):
    source_dataset_id: Optional[str] = None


class EvaluationResult(WireModel):
    evaluation_job_id: Optional[str] = None


class Dataset(WireModel):
    # Identity and server view (output only).
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    created_by: Optional[str] = output_only()
    estimated_token_count: Optional[str] = output_only()  # int64 -> JSON string
    average_turn_count: Optional[float] = output_only()
    encryption_state: Optional[str] = output_only()

    # Settable.
    display_name: Optional[str] = None
    example_count: Optional[str] = None  # int64 -> JSON string
    format: Optional[str] = None
    source_job_name: Optional[str] = None
    user_uploaded: Optional[dict[str, object]] = None
    external_url: Optional[str] = None
    transformed: Optional[Transformed] = None
    splitted: Optional[Splitted] = None
    evaluation_result: Optional[EvaluationResult] = None
    eval_protocol: Optional[dict[str, object]] = None


class CreateDatasetRequest(WireModel):
    """Body of ``POST .../datasets``."""

    dataset_id: Optional[str] = None
    dataset: Optional[Dataset] = None
    source_dataset_id: Optional[str] = None
    filter: Optional[str] = newer_spec()


class DatasetUploadResponse(WireModel):
    """Response of the multipart ``:upload``: OpenAI-style, in **snake_case** on the wire."""

    model_config = ConfigDict(alias_generator=None)

    id: Optional[str] = None
    object: Optional[str] = None
    bytes: Optional[int] = None
    created_at: Optional[int] = None  # unix seconds
    filename: Optional[str] = None
    purpose: Optional[str] = None
