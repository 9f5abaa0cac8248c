"""``fireworks:Dataset`` — fine-tuning data uploaded from a JSONL file or given inline.

API object: ``accounts/{account}/datasets/{dataset_id}`` (https://docs.fireworks.ai/api-reference/create-dataset;
SDK ``fireworks/resources/datasets.py``, ``fireworks/lib/dataset_upload.py``). The create is a
create call (``UPLOADING``, with ``userUploaded: {}`` and the ``exampleCount`` the client
counted: the API expects the client to send it), then the rows: one multipart
``:upload`` for a single file up to 150 MB, else ``:getUploadEndpoint``, a PUT per file
and ``:validateUpload {}``; then the wait for ``READY``. What is shared with Model
(content digests, the upload step, cleanup) is in ``_uploaded.py``; the row rules per
format are in ``_jsonl.py``.

Datasets are immutable: the rows and the format replace the dataset, only the display
name is updated in place.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Mapping, Optional

from pydantic import field_validator

from ._content import Content, LocalFile, SourceError, cached, content_of, disk_file, folder_files, memory_file, resolve
from ._engine import _may_succeed_later
from ._errors import FireworksError
from ._http import Client
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel
from ._jsonl import Format, canonical_jsonl, row_problem, scan
from ._spec import Props
from ._types import AdoptExisting, DisplayName, Duration, ResourceId, adopt_field, at_least
from ._uploaded import SOURCE, AlreadyValidating, ContentProblem, Source, UploadingEngine, uploaded_spec, refuses_files, source_form
from ._uploads import ATTEMPTS
from ._wire.dataset import MAX_MULTIPART_UPLOAD_BYTES
from ._wire.dataset import Dataset as DatasetWire



ROWS_FILE = "rows.jsonl"
"""The file name inline ``rows`` (or a ``pulumi.StringAsset``) are uploaded under."""
EXAMPLE_COUNT = "example_count"


class DatasetInputs(InputsModel):
    """Validation and canonical form of Dataset inputs; the published input schema."""

    source: Optional[Source] = field(
        "The rows: a .jsonl file or a folder of .jsonl shards (relative to the program's directory), or a "
        "pulumi.FileAsset/StringAsset. Their content replaces the dataset on change",
        provider_only=True, arg_type="str | pulumi.Asset",
    )
    rows: Optional[list[dict[str, Any]]] = field(
        "The rows themselves, instead of source (for small data: they are kept in the stack's state); their "
        "content replaces the dataset on change",
        provider_only=True, min_length=1,
    )
    # Datasets are immutable: the rows (content_digest) and the format replace them.
    format: Optional[Format] = field("CHAT, COMPLETION or RL: every row is checked against it", replaces=True,
                                     unset=SERVER_DECIDES)
    display_name: Optional[DisplayName] = field(unset=SERVER_DECIDES)
    dataset_id: Optional[ResourceId] = field("Id of the dataset; derived from the resource name and content when unset")
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field("How long create and delete wait; default 1h",
                                                                     provider_only=True)
    adopt_existing: AdoptExisting = adopt_field()

    _source_form = field_validator("source", mode="before")(source_form)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        if self.source is not None and self.rows is not None:
            return [("rows", "give either source or rows, not both")]
        return []


class DatasetEngine(UploadingEngine):
    spec = uploaded_spec(
        type_name="Dataset",
        collection="datasets",
        collection_key="datasets",
        inputs_model=DatasetInputs,
        wire_model=DatasetWire,
        id_field="dataset_id",
        # Create takes {"datasetId": ..., "dataset": {...}} (SDK fireworks/types/dataset_create_params.py).
        id_param="datasetId",
        create_wrapper="dataset",
        computed_types={EXAMPLE_COUNT: "int"},
        output_docs={
            EXAMPLE_COUNT: "Rows uploaded (sent by the provider: the API takes the client's count).",
            "name": "Resource name, ``accounts/<account>/datasets/<id>``: what fine-tuning jobs name.",
            "estimated_token_count": "int64, as the API spells it (a decimal string).",
        },
        summary=(
            "Fine-tuning data: the rows of a local JSONL file (or given inline). Every row is checked at preview "
            "against ``format``; an error names the file, the line and the problem."
        ),
        example='train = fireworks.Dataset("train", source="data/train.jsonl", format="CHAT")\npulumi.export("dataset", train.name)',
        computed_inputs=frozenset({EXAMPLE_COUNT}),
        ready_states=frozenset({"READY"}),
    )
    content_inputs = (SOURCE, "rows", "format")

    def content(self, checked: Props) -> Content:
        format = checked.get("format")
        if checked.get("rows") is not None:
            for index, row in enumerate(checked["rows"]):
                problem = row_problem(row, format)
                if problem:
                    raise ContentProblem(f"rows[{index}]", problem)
            checked[EXAMPLE_COUNT] = len(checked["rows"])
            return content_of([memory_file(ROWS_FILE, canonical_jsonl(checked["rows"]), "rows")])
        if checked.get(SOURCE) is None:
            raise ContentProblem(SOURCE, "is required: a .jsonl file, a folder of them, or rows=[...] instead")
        files = _dataset_files(checked[SOURCE])
        checked[EXAMPLE_COUNT] = sum(_checked_rows(file, format) for file in files)
        return content_of(files)

    def create_body(self, props: Mapping[str, Any], object_id: Optional[str]) -> dict[str, Any]:
        body = super().create_body(props, object_id)
        # An uploaded dataset, with the count the client made (int64: a string).
        body["dataset"].update(userUploaded={}, exampleCount=str(int(props[EXAMPLE_COUNT])))
        return body

    def upload(self, client: Client, props: Props, path: str, content: Content) -> None:
        label = self.describe(props, client)
        [first, *more] = content.files
        if not more and first.size <= MAX_MULTIPART_UPLOAD_BYTES:
            with self.step(label, f":upload of {first.name}"):
                self._post_file(client, props, path, first)
            return
        self.send_signed(client, props, path, content.files, forgets_uploaded=True)  # a new signing forgets uploads
        self.validate_upload(client, props, path, "POST", json={})

    def _post_file(self, client: Client, props: Props, path: str, file: LocalFile) -> None:
        """The multipart ``:upload``. Not retried blindly: after a failure that may
        have followed a commit, a dataset that is READY has its rows, and one whose
        files are being validated refuses more (FAILED_PRECONDITION): both are done."""
        failure: Optional[FireworksError] = None
        for attempt in range(ATTEMPTS):
            if failure is not None:
                client.backoff(attempt - 1, failure)
            stream = file.open()
            try:
                with stream:
                    form = {"file": (file.name, stream, "application/octet-stream")}
                    client.request("POST", path + ":upload", files=form, idempotent=False)
                return
            except FireworksError as exc:
                if refuses_files(exc):
                    raise AlreadyValidating() from exc
                if not _may_succeed_later(exc):
                    raise
                failure = exc
            live = self.fetch(client, props, str(props[self.spec.id_field]))
            if live is not None and live.get("state") in self.spec.ready_states:
                return
        assert failure is not None
        raise failure


def _dataset_files(source: Any) -> list[LocalFile]:
    """A ``.jsonl`` file, or a folder of top-level ``.jsonl`` shards (the service stores
    plain file names, so shards in sub-folders would collide)."""
    if isinstance(source, dict):
        if source.get("file") is not None:
            path = resolve(source["file"])
            return [_jsonl_file(disk_file(path, path.name, source["file"]))]
        if source.get("text") is not None:
            return [memory_file(ROWS_FILE, str(source["text"]).encode(), "the StringAsset")]
        raise ContentProblem(SOURCE, "a dataset is a .jsonl file (a path or a pulumi.FileAsset), not an archive")
    path = resolve(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file or folder (resolved to {path})")
    if not path.is_dir():
        return [_jsonl_file(disk_file(path, path.name, source))]
    files = folder_files(source)
    for file in files:
        if "/" in file.name:
            raise SourceError(f"{file.where}: dataset shards must sit directly in {source}, not in sub-folders")
        _jsonl_file(file)
    return files


def _checked_rows(file: LocalFile, format: Optional[str]) -> int:
    """Rows of a file whose every line passed the format's rules; reading it also
    hashes it, so :func:`~._content.content_of` does not read it again."""

    def check() -> str:
        return json.dumps(scan(file, format))

    sha256, rows = json.loads(cached(file, f"jsonl:{format}", check))
    cached(file, "sha256", lambda: str(sha256))
    return int(rows)


def _jsonl_file(file: LocalFile) -> LocalFile:
    if not file.name.endswith(".jsonl"):
        raise SourceError(f"{file.where}: a dataset file must have the .jsonl extension (lower case)")
    return file


SPEC = DatasetEngine.spec
