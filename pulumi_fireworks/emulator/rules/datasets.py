"""Dataset rules: create body, source oneof, example counts, upload preconditions."""

from __future__ import annotations

from typing import Optional

from ..._wire.dataset import DATASET_FORMATS, DATASET_SOURCE_FIELDS, MAX_MULTIPART_UPLOAD_BYTES, Dataset
from ..errors import failed_precondition, invalid_field
from .common import check_display_fields, check_enum, check_resource_id, parse_int64

_SNAKE = {
    "userUploaded": "user_uploaded",
    "externalUrl": "external_url",
    "transformed": "transformed",
    "splitted": "splitted",
    "evaluationResult": "evaluation_result",
    "evalProtocol": "eval_protocol",
}


def check_dataset(dataset: Dataset, prefix: str = "") -> Dataset:
    """Validate a dataset spec; returns it with ``example_count`` normalised to a decimal string."""
    check_display_fields(prefix, dataset.display_name)
    check_enum(f"{prefix}format", dataset.format, DATASET_FORMATS)
    wire = dataset.to_wire()
    sources = [f for f in DATASET_SOURCE_FIELDS if f in wire]
    if len(sources) > 1:
        names = " and ".join(prefix + _SNAKE[s] for s in sources)
        raise invalid_field(prefix + _SNAKE[sources[1]], f"only one source may be set, got {names}")
    if dataset.external_url is not None and not dataset.external_url.startswith(("gs://", "s3://", "https://")):
        raise invalid_field(f"{prefix}external_url", "must be a gs://, s3:// or https:// URI")
    if dataset.transformed is not None and not dataset.transformed.source_dataset_id:
        raise invalid_field(f"{prefix}transformed.source_dataset_id", "is required")
    if dataset.splitted is not None and not dataset.splitted.source_dataset_id:
        raise invalid_field(f"{prefix}splitted.source_dataset_id", "is required")
    if dataset.evaluation_result is not None and not dataset.evaluation_result.evaluation_job_id:
        raise invalid_field(f"{prefix}evaluation_result.evaluation_job_id", "is required")
    update: dict[str, object] = {}
    if dataset.example_count is not None:
        update["example_count"] = str(parse_int64(f"{prefix}example_count", dataset.example_count))
    if dataset.transformed is not None:
        check_enum(f"{prefix}transformed.original_format", dataset.transformed.original_format, DATASET_FORMATS)
    return dataset.model_copy(update=update) if update else dataset


def check_create(dataset_id: Optional[str], dataset: Optional[Dataset], source_dataset_id: Optional[str]) -> Dataset:
    check_resource_id("dataset_id", dataset_id)
    if dataset is None:
        raise invalid_field("dataset", "is required")
    checked = check_dataset(dataset, "dataset.")
    if source_dataset_id is not None:
        check_resource_id("source_dataset_id", source_dataset_id)
        if dataset.user_uploaded is not None or dataset.external_url is not None:
            raise invalid_field("source_dataset_id", "cannot be combined with dataset.user_uploaded or dataset.external_url")
    return checked


def needs_upload(dataset: Dataset, source_dataset_id: Optional[str]) -> bool:
    """Uploaded datasets wait in UPLOADING for their files; derived and external ones are
    filled by the service itself and settle through the lifecycle engine."""
    if source_dataset_id or dataset.external_url or dataset.transformed or dataset.splitted:
        return False
    return True


def check_source_ready(source: Optional[Dataset], source_id: str) -> None:
    if source is None:
        raise invalid_field("source_dataset_id", f"dataset {source_id} does not exist")
    if source.state != "READY":
        raise failed_precondition(f"source dataset {source.name} is in state {source.state}; it must be READY")


def check_upload_allowed(dataset: Dataset) -> None:
    if dataset.state != "UPLOADING":
        raise failed_precondition(
            f"dataset {dataset.name} is in state {dataset.state}; files can only be uploaded while it is UPLOADING"
        )


def check_multipart_file(filename: Optional[str], size: int) -> None:
    """The single ``file`` part of ``:upload``."""
    if filename is None:
        raise invalid_field("file", "is required (multipart/form-data part named 'file')")
    if not filename.lower().endswith(".jsonl"):
        raise invalid_field("file", f"{filename!r}: dataset files must have the .jsonl extension")
    if size == 0:
        raise invalid_field("file", "must not be empty")
    if size > MAX_MULTIPART_UPLOAD_BYTES:
        raise invalid_field(
            "file",
            f"is {size} bytes; :upload accepts at most {MAX_MULTIPART_UPLOAD_BYTES} bytes -- "
            "use getUploadEndpoint for larger files",
        )


def check_download_allowed(dataset: Dataset) -> None:
    if dataset.state != "READY":
        raise failed_precondition(f"dataset {dataset.name} is in state {dataset.state}; only READY datasets can be downloaded")
