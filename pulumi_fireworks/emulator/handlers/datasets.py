"""Datasets: ``accounts/{account}/datasets/{dataset}``.

Sources: https://docs.fireworks.ai/api-reference/create-dataset, SDK ``fireworks/resources/datasets.py``
and ``fireworks/lib/dataset_upload.py``.

Create takes ``{datasetId, dataset, sourceDatasetId?, filter?}``. An uploaded dataset
(``userUploaded``, or no source at all) waits in ``UPLOADING`` until its rows arrive,
either

* in one multipart ``POST :upload`` (part ``file``, at most 150,000,000 bytes -- the SDK:
  "up to 150Mb", read as decimal megabytes, the smaller reading; the answer is the
  OpenAI-style snake_case ``{id, object, bytes, created_at, filename, purpose}``), or
* through ``POST :getUploadEndpoint`` (``.jsonl`` files only, non-empty, plain names;
  every call replaces the registered file set), a PUT per file to the emulator's own
  signed URLs (:mod:`..uploads`), and ``POST :validateUpload {}`` (under the
  ``uploadLandingChecks`` behaviour its first calls after a PUT answer
  FAILED_PRECONDITION "files are still landing", as the docs say models' does);

and then settles to ``READY`` through the lifecycle engine (transition ``UPLOADING``; an
emulated failure leaves it ``UPLOADING`` with an error ``status``). A dataset derived from
another (``sourceDatasetId``, ``transformed``, ``splitted``) or pointing at an
``externalUrl`` is filled by the service itself: it starts the same transition at once.

Choices where the public sources (the docs, SDK 1.2.30) are silent:

* ``exampleCount`` is the client's (the SDK's ``fireworks/lib/dataset_upload.py`` counts the
  lines and sends it on create):
  it is kept as sent, never counted from the uploaded rows, and stays absent when the
  client sends none.
* While an upload is being validated, no more files are taken (``:upload`` and
  ``:getUploadEndpoint`` are FAILED_PRECONDITION), as for models.
* Delete is always allowed: nothing documents a dataset being "in use" (also not by the
  fine-tuning jobs that name it), and a dataset derived from another (``transformed``,
  ``splitted``) names its source by id only, so it outlives it.
* Only ``displayName`` may change (datasets are immutable; the other settable fields
  are ``immutable_fields``: repeating them is fine, changing them is a 400).
* ``:validateUpload`` on a READY dataset is a no-op (``{}``); uploads to it are refused.
* ``:getDownloadEndpoint`` is 501 UNIMPLEMENTED: the emulator keeps only sizes and
  digests of uploaded rows, not the rows.
* A missing ``sourceDatasetId`` is 404 NOT_FOUND naming the field.
* ``estimatedTokenCount`` (output only) is filled when an uploaded dataset settles READY:
  the uploaded bytes / 4 (the common rule of thumb of about four characters of English per
  token; the service's tokenizer is unknown). The review summary prices training from it.
"""

from __future__ import annotations

import time
from typing import Any, Optional

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from ..._wire.dataset import CreateDatasetRequest, Dataset, DatasetUploadResponse
from ..._wire.model import GetUploadEndpointRequest, GetUploadEndpointResponse
from ..errors import ApiError, Code, invalid_field
from ..lifecycle import Transition
from ..resource import Collection, parse_input, request_body
from ..routing import Request, Route
from ..rules import datasets as rules
from ..rules.uploads import check_all_uploaded, parse_filename_to_size
from ..store import Record
from .. import uploads
from ._refs import require_visible

TRANSITIONS = {"UPLOADING": Transition("UPLOADING", "READY", failed="UPLOADING")}

BYTES_PER_TOKEN = 4
"""The emulator's token estimate (module docstring)."""


class Datasets(Collection):
    model = Dataset
    collection = "datasets"
    noun = "dataset"
    default_order_by = "name"
    transitions = TRANSITIONS
    immutable_fields = frozenset(
        {
            "example_count",
            "format",
            "source_job_name",
            "user_uploaded",
            "external_url",
            "transformed",
            "splitted",
            "evaluation_result",
            "eval_protocol",
        }
    )
    proto_immutable_fields = frozenset({"format"})  # 0.19.20 protos: Dataset.format is IMMUTABLE

    def on_settled(self, req: Request, record: Record, settlement: Any) -> None:
        if settlement.to_state == "READY":
            _, files = uploads.file_set(record)
            uploaded = sum(f.size for f in files.values())
            if uploaded:
                record.doc["estimatedTokenCount"] = str(uploaded // BYTES_PER_TOKEN)

    def custom_routes(self) -> list[Route]:
        item = self.collection_path() + "/{id}"
        return [
            Route("POST", item + ":upload", self.upload),
            Route("POST", item + ":getUploadEndpoint", self.get_upload_endpoint),
            Route("POST", item + ":validateUpload", self.validate_upload),
            Route("GET", item + ":getDownloadEndpoint", self.get_download_endpoint),
        ]

    # -- create ------------------------------------------------------------------------------

    def create_input(self, req: Request) -> tuple[Optional[str], dict[str, Any]]:
        raw = request_body(req, CreateDatasetRequest)
        parsed = CreateDatasetRequest.model_validate(parse_input(CreateDatasetRequest, raw))
        rules.check_create(parsed.dataset_id, parsed.dataset, parsed.source_dataset_id)
        return parsed.dataset_id, raw["dataset"]

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        checked = rules.check_dataset(Dataset.model_validate(doc), "dataset." if old is None else "")
        doc.update(checked.to_wire())
        source_id = req.json_object().get("sourceDatasetId") if old is None else None
        if source_id:
            source = require_visible(req, f"accounts/{req.account}/datasets/{source_id}", "source_dataset_id", "dataset")
            rules.check_source_ready(Dataset.model_validate(source.doc), source_id)

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        if old is not None:
            return
        source_id = req.json_object().get("sourceDatasetId")
        if source_id and not any(doc.get(k) is not None for k in ("transformed", "splitted")):
            source = req.backend.store.get(f"accounts/{req.account}/datasets/{source_id}")
            transformed: dict[str, Any] = {"sourceDatasetId": source_id}
            if source is not None and source.doc.get("format"):
                transformed["originalFormat"] = source.doc["format"]
            if req.json_object().get("filter"):
                transformed["filter"] = req.json_object()["filter"]
            doc["transformed"] = transformed
        doc["state"] = "UPLOADING"

    def create(self, req: Request) -> Any:
        with req.backend.store.transaction():
            body = super().create(req)
            parsed = Dataset.model_validate(body)
            if not rules.needs_upload(parsed, req.json_object().get("sourceDatasetId")):
                record = req.backend.store.get(body["name"])
                assert record is not None
                self.start(req, record, "UPLOADING")
                self.save(req, record)
        return body

    # -- uploads ------------------------------------------------------------------------------

    def _uploading(self, req: Request) -> Record:
        record = self.require(req, read=False)
        rules.check_upload_allowed(Dataset.model_validate(record.doc))
        if (record.meta.get("pending") or {}).get("state") == "UPLOADING":
            raise ApiError(Code.FAILED_PRECONDITION, f"dataset {record.name} is already being validated")
        return record

    def get_upload_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = GetUploadEndpointRequest.model_validate(parse_input(GetUploadEndpointRequest, req.json_object()))
        sizes = parse_filename_to_size(body.filename_to_size, dataset=True)
        with req.backend.store.transaction():
            record = self._uploading(req)
            generation = uploads.register(record, sizes, keep_matching=False)
            self.save(req, record)
        urls = uploads.signed_urls(req, record, generation)
        return GetUploadEndpointResponse(filename_to_signed_urls=urls).to_wire()

    def validate_upload(self, req: Request) -> Any:
        self.authorize(req, write=True)
        req.json_object()  # body is {} (anything else is ignored, but it must be JSON)
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            if record.doc.get("state") == "READY":
                return {}
            rules.check_upload_allowed(Dataset.model_validate(record.doc))
            if (record.meta.get("pending") or {}).get("state") == "UPLOADING":
                return {}  # already validating
            landing = uploads.still_landing(record, req.backend.behaviour.upload_landing_checks)
            if landing is None:
                registered, files = uploads.file_set(record)
                check_all_uploaded(registered, files)
                record.doc["updateTime"] = self.now(req)
                self.start(req, record, "UPLOADING")
            self.save(req, record)
        if landing is not None:
            raise landing  # after the commit: the refusal counts
        return {}

    def upload(self, req: Request) -> Any:
        """``POST :upload`` -- multipart/form-data with one ``file`` part."""
        self.authorize(req, write=True)
        filename, digest = _read_multipart_file(req)
        rules.check_multipart_file(filename, digest.size if digest else 0)
        assert filename is not None and digest is not None
        with req.backend.store.transaction():
            record = self._uploading(req)
            record.meta.pop("upload", None)  # the single file replaces any registered set
            uploads.add_file(record, filename, digest.result())
            record.doc["updateTime"] = self.now(req)
            self.start(req, record, "UPLOADING")
            self.save(req, record)
        return DatasetUploadResponse(
            id=req.params["id"],
            object="file",
            bytes=digest.size,
            created_at=int(time.time()),
            filename=filename,
            purpose="fine-tune",
        ).to_wire()

    def get_download_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=False)
        record = self.require(req)
        rules.check_download_allowed(Dataset.model_validate(record.doc))
        raise ApiError(
            Code.UNIMPLEMENTED,
            "getDownloadEndpoint is not implemented by the emulator (it keeps only digests of uploaded rows)",
        )


def _read_multipart_file(req: Request) -> tuple[Optional[str], Optional[uploads.FileDigest]]:
    """The ``file`` part's filename and digest (streamed through the parser, not copied)."""
    content_type = req.headers.get("content-type", "")
    media_type, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise invalid_field("file", "the request must be multipart/form-data with a 'file' part")
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "current": None}
    found: dict[str, Any] = {}

    def on_part_begin() -> None:
        state["headers"], state["current"] = {}, None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].decode("latin-1").lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, params = parse_options_header(state["headers"].get("content-disposition", b""))
        if params.get(b"name") == b"file" and "digest" not in found:
            name = params.get(b"filename", b"").decode("utf-8", errors="replace") or None
            found["filename"] = name
            found["digest"] = state["current"] = uploads.FileDigest(name or "", None)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["current"] is not None:
            state["current"].update(data[start:end])

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(req.body)
        parser.finalize()
    except Exception as exc:  # python-multipart raises its own error types
        raise invalid_field("file", f"malformed multipart body: {exc}") from None
    return found.get("filename"), found.get("digest")


COLLECTIONS = [Datasets()]
