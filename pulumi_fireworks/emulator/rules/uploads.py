"""File-set rules of the signed-URL uploads that models and datasets share.

The flow (https://docs.fireworks.ai/models/uploading-custom-models; SDK
``fireworks/resources/models.py``, ``fireworks/resources/datasets.py``,
``fireworks/lib/dataset_upload.py``): ``:getUploadEndpoint`` registers every file with its
size (and replaces whatever was registered before); each file is PUT to its signed URL
with ``Content-Type: application/octet-stream`` and ``X-Goog-Content-Length-Range:
<n>,<n>``; ``:validateUpload`` then checks the uploaded set.

What the emulator keeps of an uploaded file is an :class:`UploadedFile`: its size, its
SHA-256 and -- for small JSON files only (``config.json``, ``adapter_config.json``, ...)
-- its text, so validation can look inside without holding weights in memory. A resource
whose build reads its upload (an evaluator's ``.tar.gz`` of reward code) asks for the
bytes too when it registers the files (``keep_bytes``, at most :data:`MAX_KEPT_BYTES`).

Errors of the PUT itself are not API errors: the real URLs point at GCS, which answers in
XML (``<Error><Code>…</Code><Message>…</Message></Error>``); :class:`UploadRejected`
carries that shape.
"""

from __future__ import annotations

import base64
import json
import posixpath
from dataclasses import asdict, dataclass
from typing import Any, Optional

from ..._wire.model import (
    ADAPTER_CHAT_CONFIG,
    ADAPTER_CONFIG,
    ADAPTER_FILES,
    ADAPTER_WEIGHTS,
    BASE_CONFIG,
    NOT_WEIGHTS,
    TOKENIZER_CONFIG,
    TOKENIZER_VOCABS,
    WEIGHT_SUFFIXES,
)
from ..errors import failed_precondition, invalid_argument, invalid_field
from .common import parse_int64

#: JSON files up to this size are kept verbatim so validation can read them.
MAX_KEPT_TEXT = 1024 * 1024
#: The most bytes of one file kept whole (base64 in the record) for a resource that reads
#: its upload; an emulator limit, not the service's (evaluator archives are small).
MAX_KEPT_BYTES = 16 * 1024 * 1024


@dataclass
class UploadedFile:
    size: int
    sha256: str
    text: Optional[str] = None
    #: The whole file, base64, when the resource registered its files with ``keep_bytes``.
    data: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "UploadedFile":
        return cls(size=int(data["size"]), sha256=str(data["sha256"]), text=data.get("text"), data=data.get("data"))

    def content(self) -> Optional[bytes]:
        """The file's bytes, if they were kept."""
        return base64.b64decode(self.data) if self.data is not None else None


def keeps_text(filename: str, size: int) -> bool:
    return filename.endswith(".json") and size <= MAX_KEPT_TEXT


# -- registering files ---------------------------------------------------------------


def parse_filename_to_size(mapping: Optional[dict[str, Any]], *, dataset: bool) -> dict[str, int]:
    """Validate ``filenameToSize`` and return it with int sizes."""
    if not mapping:
        raise invalid_field("filename_to_size", "is required and must name at least one file")
    sizes: dict[str, int] = {}
    for filename, raw_size in mapping.items():
        check_filename(filename, dataset=dataset)
        size = parse_int64(f"filename_to_size[{filename!r}]", raw_size)
        if dataset and size == 0:
            raise invalid_field(f"filename_to_size[{filename!r}]", "dataset files must not be empty")
        sizes[filename] = size
    return sizes


def check_filename(filename: str, *, dataset: bool) -> None:
    field = f"filename_to_size[{filename!r}]"
    if not filename or filename.strip() != filename:
        raise invalid_field(field, "file names must be non-empty and have no surrounding whitespace")
    if dataset:
        # Datasets store basenames only (nested names would flatten and collide).
        if "/" in filename or "\\" in filename:
            raise invalid_field(field, "dataset files must be plain file names without directories")
        if not filename.lower().endswith(".jsonl"):
            raise invalid_field(field, "dataset files must have the .jsonl extension")
        return
    # Model files may sit in sub-directories of the checkpoint, but must stay inside it.
    normalised = posixpath.normpath(filename)
    if filename.startswith("/") or "\\" in filename or normalised != filename or normalised.startswith(".."):
        raise invalid_field(field, "model file names must be relative paths inside the checkpoint")


# -- the PUT to a signed URL ----------------------------------------------------------


class UploadRejected(Exception):
    """A PUT the storage service refuses (GCS answers in XML, not the API's JSON)."""

    def __init__(self, status: int, code: str, message: str, headers: Optional[dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    @classmethod
    def injected(cls, status: int, message: str, headers: dict[str, str]) -> "UploadRejected":
        """An injected fault (see :mod:`..faults`) in the storage service's words."""
        return cls(status, _STORAGE_CODES.get(status, "InternalError"), message, headers)

    def body(self) -> bytes:
        from xml.sax.saxutils import escape

        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<Error><Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message></Error>"
        ).encode()


#: HTTP status -> the error code GCS's XML API sends with it.
_STORAGE_CODES = {
    400: "InvalidArgument", 401: "AuthenticationRequired", 403: "AccessDenied", 404: "NoSuchKey",
    408: "RequestTimeout", 409: "Conflict", 429: "SlowDown", 500: "InternalError", 502: "BadGateway",
    503: "ServiceUnavailable", 504: "GatewayTimeout",
}


def check_put_headers(declared_size: int, content_type: Optional[str], length_range: Optional[str]) -> None:
    """Both headers are part of the signature of the real URLs, so both must be sent as signed."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/octet-stream":
        raise UploadRejected(
            403,
            "SignatureDoesNotMatch",
            f"the URL was signed for Content-Type application/octet-stream, the request sent {content_type!r}",
        )
    if length_range is None:
        raise UploadRejected(
            403,
            "SignatureDoesNotMatch",
            f"the URL was signed with the header X-Goog-Content-Length-Range: {declared_size},{declared_size}",
        )
    try:
        low_text, high_text = length_range.split(",")
        low, high = int(low_text), int(high_text)
    except ValueError:
        raise UploadRejected(400, "InvalidArgument", f"malformed X-Goog-Content-Length-Range {length_range!r}") from None
    if not low <= declared_size <= high:
        raise UploadRejected(
            403,
            "SignatureDoesNotMatch",
            f"X-Goog-Content-Length-Range {length_range!r} does not match the signed size {declared_size}",
        )


def check_put_size(declared_size: int, received: int) -> None:
    if received != declared_size:
        raise UploadRejected(
            400,
            "EntityTooLarge" if received > declared_size else "EntityTooSmall",
            f"received {received} bytes; the URL was signed for exactly {declared_size}",
        )


# -- validating the uploaded set ------------------------------------------------------


def check_all_uploaded(registered: dict[str, int], uploaded: dict[str, UploadedFile]) -> None:
    if not registered:
        raise failed_precondition("no files have been registered; call getUploadEndpoint and upload the files first")
    for filename in sorted(registered):
        if filename not in uploaded:
            raise invalid_argument(f"missing file {filename}: it was registered but has not been uploaded")
        if uploaded[filename].size != registered[filename]:
            raise invalid_argument(f"file {filename} has {uploaded[filename].size} bytes; "
                                   f"{registered[filename]} were declared in getUploadEndpoint")


def check_model_files(
    registered: dict[str, int],
    uploaded: dict[str, UploadedFile],
    *,
    addon: bool,
    config_only: bool = False,
    skip_hf_config_validation: bool = False,
    peft_rank: Optional[int] = None,
) -> list[str]:
    """Validate a model's uploaded files; returns the warnings ``:validateUpload`` reports."""
    check_all_uploaded(registered, uploaded)
    names = set(uploaded)
    if addon:
        return _check_adapter_files(names, uploaded, peft_rank)
    return _check_base_files(names, uploaded, config_only=config_only, skip_hf=skip_hf_config_validation)


def _check_adapter_files(names: set[str], uploaded: dict[str, UploadedFile], peft_rank: Optional[int]) -> list[str]:
    for filename in sorted(names - ADAPTER_FILES):
        raise invalid_argument(
            f"LoRA validation failed: unexpected file {filename}; an addon upload may only contain "
            f"{ADAPTER_CONFIG}, {' or '.join(ADAPTER_WEIGHTS)} and optionally {ADAPTER_CHAT_CONFIG}"
        )
    if ADAPTER_CONFIG not in names:
        raise invalid_argument(f"LoRA validation failed: missing file {ADAPTER_CONFIG}")
    if not names & set(ADAPTER_WEIGHTS):
        raise invalid_argument(f"LoRA validation failed: missing file {' or '.join(ADAPTER_WEIGHTS)}")
    if ADAPTER_CHAT_CONFIG in names:
        # docs: {"conversation_config": {"style": "jinja", "args": {"template": ...}}}
        chat = _json_object(ADAPTER_CHAT_CONFIG, uploaded[ADAPTER_CHAT_CONFIG])
        conversation = chat.get("conversation_config") if chat else None
        if conversation is not None and not (isinstance(conversation, dict) and conversation.get("style")):
            raise invalid_argument(
                f"LoRA validation failed: {ADAPTER_CHAT_CONFIG}: conversation_config must be an object with a style"
            )
    config = _json_object(ADAPTER_CONFIG, uploaded[ADAPTER_CONFIG])
    if config is not None and peft_rank is not None and "r" in config and config["r"] != peft_rank:
        raise invalid_argument(
            f"LoRA validation failed: {ADAPTER_CONFIG} has r={config['r']!r} but the model's peft_details.r is {peft_rank}"
        )
    return []


def _check_base_files(
    names: set[str], uploaded: dict[str, UploadedFile], *, config_only: bool, skip_hf: bool
) -> list[str]:
    warnings: list[str] = []
    if BASE_CONFIG not in names:
        raise invalid_argument(f"missing file {BASE_CONFIG}")
    weights = sorted(n for n in names if n.endswith(WEIGHT_SUFFIXES) and posixpath.basename(n) not in NOT_WEIGHTS)
    if not weights:
        raise invalid_argument("missing model weights: no *.safetensors or *.bin file was uploaded")
    for suffix in WEIGHT_SUFFIXES:
        shards = [n for n in weights if n.endswith(suffix)]
        if len(shards) > 1 and not any(n.endswith(f"{suffix}.index.json") for n in names):
            raise invalid_argument(f"missing file *{suffix}.index.json: {len(shards)} weight shards need an index")
    if not config_only:
        if TOKENIZER_CONFIG not in names:
            raise invalid_argument(f"missing file {TOKENIZER_CONFIG}")
        if not names & set(TOKENIZER_VOCABS):
            raise invalid_argument(f"missing tokenizer file: one of {', '.join(TOKENIZER_VOCABS)}")
        tokenizer_config = _json_object(TOKENIZER_CONFIG, uploaded[TOKENIZER_CONFIG])
        if tokenizer_config is not None and "chat_template" not in tokenizer_config:
            warnings.append(f"{TOKENIZER_CONFIG} has no chat_template; set conversation_config to enable chat")
    if not skip_hf:
        config = _json_object(BASE_CONFIG, uploaded[BASE_CONFIG])
        if config is not None and "quantization_config" in config:
            raise invalid_argument(f"{BASE_CONFIG}: quantization_config is not supported; upload unquantized weights")
    return warnings


def _json_object(filename: str, file: UploadedFile) -> Optional[dict[str, Any]]:
    """The parsed JSON object of a kept file (None if the file was too large to keep)."""
    if file.text is None:
        return None
    try:
        value = json.loads(file.text)
    except ValueError:
        raise invalid_argument(f"{filename} is not valid JSON") from None
    if not isinstance(value, dict):
        raise invalid_argument(f"{filename} must contain a JSON object")
    return value
