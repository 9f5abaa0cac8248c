"""What Model and Dataset share: objects whose create uploads local files.

Their engine adds three things to the generic one:

* ``check`` records the content: the files a ``source`` (or inline data) names, each
  one's size and SHA-256 (``files``), and one digest of them all (``content_digest``).
  Both are computed inputs (``spec.computed_inputs``), so a preview shows a changed file
  as a replacement of the object (its API cannot change an uploaded object's files) and a
  saved plan pins the exact bytes. Bad content is refused there, naming the file.
* ``populate`` (between the create call and the wait for ``READY``) uploads the files,
  as the resource's steps say (:meth:`UploadingEngine.upload`). Any failure names the
  step and the file, and the engine then deletes the half-made object: nothing is left
  ``UPLOADING``.
* An object an interrupted earlier run made under the same derived id already holds
  these very files when it is ``READY`` (the id is derived from the content digest), so
  it is taken over as it is; one still ``UPLOADING`` gets its upload again, unless its
  files are already being validated (the service then takes no more): the wait for
  ``READY`` tells how that ends.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

from pulumi.dynamic import CheckFailure, CheckResult
from pulumi.runtime.rpc import UNKNOWN
from pydantic import Field, model_validator

from ._content import Content, LocalFile, SourceError, archive_files, asset_files, plain_source
from ._engine import ResourceEngine
from ._errors import BadRequestError, FireworksError
from ._http import Client
from ._inputs import InputsModel, split_unknowns
from ._reporting import api_text
from ._spec import Props, ResourceSpec
from ._uploads import SignedUrls, StepFailed, UploadError, put_all
from ._wait import poll

SOURCE = "source"
CONTENT_DIGEST = "content_digest"
FILES = "files"
CONTENT_INPUTS = frozenset({CONTENT_DIGEST, FILES})
"""The computed inputs every uploading resource has."""
CONTENT_TYPES = {CONTENT_DIGEST: "str", FILES: "Mapping[str, Mapping[str, Any]]"}
CONTENT_DOCS = {
    CONTENT_DIGEST: "``sha256:<hex>`` over every uploaded file's name, size and SHA-256.",
    FILES: "File name → ``{\"size\", \"sha256\"}`` of what was uploaded.",
}


def uploaded_spec(
    *, computed_inputs: frozenset[str] = frozenset(), computed_types: Optional[Mapping[str, str]] = None,
    output_docs: Optional[Mapping[str, str]] = None, **spec: Any,
) -> ResourceSpec:
    """The spec of an object whose create uploads local files: what every such object has
    (the content inputs, a changed digest replacing it) added to what ``spec`` says. Its
    create wraps the object in the body with the id beside it (``{"modelId", "model"}``),
    as every uploading collection's does (SDK ``*_create_params.py``)."""
    return ResourceSpec(
        id_source="body",
        computed_inputs=CONTENT_INPUTS | computed_inputs,
        computed_replaces=frozenset({CONTENT_DIGEST}),
        computed_types={**CONTENT_TYPES, **(computed_types or {})},
        output_docs={**CONTENT_DOCS, **(output_docs or {})},
        **spec,
    )


class AssetInputs(InputsModel):
    """A ``source`` given as a Pulumi asset or archive, in the plain form ``check`` turns
    it into (see :func:`~._content.plain_source`). Exactly one field is set."""

    archive: Optional[str] = Field(default=None, description="pulumi.FileArchive: a folder, or a .zip/.tar/.tgz file.")
    assets: Optional[dict[str, "AssetInputs"]] = Field(default=None, description="pulumi.AssetArchive: name -> asset or archive.")
    file: Optional[str] = Field(default=None, description="pulumi.FileAsset: a file.")
    text: Optional[str] = Field(default=None, description="pulumi.StringAsset: the contents themselves.")

    @model_validator(mode="after")
    def _one(self) -> "AssetInputs":
        given = [f for f in type(self).model_fields if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of archive, assets, file or text (got {given or 'none'})")
        return self


Source = Union[str, AssetInputs]


def source_form(value: Any) -> Any:
    """``field_validator(mode="before")`` of a ``source``: one clear error for a value
    that is none of the accepted forms (instead of one per member of the union)."""
    if not isinstance(value, (str, dict)):
        raise ValueError(f"must be a path, a pulumi.FileArchive/AssetArchive or a pulumi.FileAsset, not {type(value).__name__}")
    if isinstance(value, dict) and "uri" in value:
        raise ValueError(f"remote archives and assets ({value['uri']}) are not supported: download them and give the local path")
    return value


def source_files(source: Any, what: str) -> list[LocalFile]:
    """The files a ``source`` of folders names (a path, a FileArchive or an AssetArchive);
    ``what`` begins the refusal of a single file (``"reward code is"``)."""
    if isinstance(source, str):
        return archive_files(source)
    if source.get("archive") is not None:
        return archive_files(source["archive"])
    if source.get("assets") is not None:
        return asset_files(source["assets"])
    raise ContentProblem(SOURCE, f"{what} a folder, a pulumi.FileArchive or a pulumi.AssetArchive, not a single file")


class ContentProblem(ValueError):
    """Content that cannot be uploaded; ``field`` is the input to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UploadingEngine(ResourceEngine):
    """Engine of an object whose create uploads local files (see the module docstring).

    Subclasses implement :meth:`content` and :meth:`upload`."""

    content_inputs: tuple[str, ...] = (SOURCE,)
    """The inputs :meth:`content` reads: while one is unknown (an output of a resource
    not created yet), the content is unknown too."""

    # -- what the subclass says ---------------------------------------------------------

    def content(self, checked: Props) -> Content:
        """The files to upload, after checking them (raise :class:`ContentProblem` or
        :class:`~._content.SourceError`). May complete ``checked`` with what the files
        imply (a LoRA's rank read from its ``adapter_config.json``). Called at ``check``
        with every input known, and again in ``create`` (digests then come from the cache)."""
        raise NotImplementedError

    def upload(self, client: Client, props: Props, path: str, content: Content) -> None:
        """Send ``content`` to the object at ``path`` (``/v1/accounts/a/models/m``),
        each API call inside :meth:`step` so that a failure names it."""
        raise NotImplementedError

    # -- check ---------------------------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        if news.get(SOURCE) is not None:
            news = {**news, SOURCE: plain_source(news[SOURCE])}
        return super().check(olds, news)

    def complete_inputs(self, checked: Props) -> list[CheckFailure]:
        if any(split_unknowns(checked.get(name))[1] for name in self.content_inputs):
            # Known at `up`; until then the preview shows the content as unknown.
            for name in self.spec.computed_inputs:
                checked[name] = UNKNOWN
            return []
        try:
            content = self.content(checked)
        except ContentProblem as problem:
            return [self.failure(problem.field, str(problem))]
        except SourceError as problem:
            return [self.failure(SOURCE, str(problem))]
        checked[CONTENT_DIGEST] = content.digest
        checked[FILES] = content.manifest
        return []

    # -- create --------------------------------------------------------------------------

    def populate(self, client: Client, props: Props, object_id: str, live: dict[str, Any]) -> dict[str, Any]:
        if live.get("state") in self.spec.ready_states:
            return live  # made and filled by an interrupted earlier run (see the module docstring)
        label = self.describe(props, client, object_id)
        with self.step(label, "reading the files"):
            try:
                content = self.content(dict(props))
            except ContentProblem as problem:
                raise StepFailed("reading the files", str(problem)) from None
            if content.digest != props.get(CONTENT_DIGEST):
                raise StepFailed(
                    "reading the files",
                    "the files changed after the preview (their digest is no longer the planned one); "
                    "run `pulumi up` again to upload what is there now",
                )
        try:
            self.upload(client, props, self.spec.object_path(client.account_id, props, object_id), content)
        except AlreadyValidating:
            pass  # an interrupted earlier run got as far as validation: the wait tells how it ends
        return live

    def send_signed(
        self, client: Client, props: Props, path: str, files: Sequence[LocalFile], *, forgets_uploaded: bool,
        expected: Optional[Mapping[str, str]] = None,
    ) -> None:
        """The signed-URL part of an upload: ``:getUploadEndpoint`` with every file and
        its size, then a PUT of each file (see :mod:`._uploads`). Each file must hash to
        what ``expected`` says (default: the manifest the preview recorded)."""
        label = self.describe(props, client)
        sizes = {f.name: str(f.size) for f in files}  # int64 travels as a string
        if expected is None:
            expected = {name: m["sha256"] for name, m in props[FILES].items()}

        signings = []

        def sign() -> Mapping[str, str]:
            signings.append(1)
            try:
                body = client.request("POST", path + ":getUploadEndpoint", json={"filenameToSize": sizes})
            except FireworksError as exc:
                if len(signings) == 1 and refuses_files(exc):
                    raise AlreadyValidating() from exc
                raise StepFailed("getUploadEndpoint", api_text(exc)) from exc
            return dict(body.get("filenameToSignedUrls") or {})

        with self.step(label, "upload"):
            urls = SignedUrls(sign, sizes, forgets_uploaded=forgets_uploaded)
            put_all(files, urls, expected)

    def validate_upload(self, client: Client, props: Props, path: str, method: str, **request: Any) -> None:
        """``:validateUpload``, asked again while the service says the files are still
        landing.

        Fireworks' REST upload guide: "Because the transfer is asynchronous,
        validateUpload returns FAILED_PRECONDITION while files are still landing. Poll it
        until it returns 200." So that answer is retried on the wait's schedule until
        ``wait_timeout``; a server that validates at once answers 200 the first time.
        A FAILED_PRECONDITION can also mean the object is past uploading (an interrupted
        run validated it): a READY object ends the poll. Any other refusal (a missing or
        unexpected file: INVALID_ARGUMENT naming it) fails at once.
        """
        label = self.describe(props, client)
        object_id = str(props[self.spec.id_field])
        timeout = self._timeout(props)
        pending: list[FireworksError] = []

        def attempt() -> Optional[dict[str, Any]]:
            try:
                client.request(method, path + ":validateUpload", **request)
                return {}
            except BadRequestError as exc:
                if exc.code != "FAILED_PRECONDITION":
                    raise
                pending[:] = [exc]
            live = self.fetch(client, props, object_id)
            # Past validation already: ready, or failed (the wait that follows reports it).
            ended = self.spec.ready_states | self.spec.failed_states
            return live if live is not None and live.get("state") in ended else None

        def describe(_: Optional[dict[str, Any]]) -> str:
            answer = api_text(pending[0]) if pending else "FAILED_PRECONDITION"
            return (
                f"the service still said the files were not ready to validate after {timeout:g}s ({answer}); "
                "if every file was uploaded, raise wait_timeout"
            )

        with self.step(label, "validateUpload"):
            poll(attempt, lambda answer: answer is not None, timeout=timeout, describe=describe)

    @contextlib.contextmanager
    def step(self, label: str, name: str) -> Iterator[None]:
        """Run one step of the upload: a failure becomes an :class:`UploadError` naming
        the step (and, for a transfer, the file)."""
        noun = self.spec.type_name.lower()
        try:
            yield
        except StepFailed as failed:
            raise UploadError(f"{label} create failed at {failed.step}: {failed.detail}. {_DELETING.format(noun)}") from None
        except SourceError as exc:
            raise UploadError(f"{label} create failed at {name}: {exc}. {_DELETING.format(noun)}") from exc
        except FireworksError as exc:
            raise UploadError(f"{label} create failed at {name}: {api_text(exc)}. {_DELETING.format(noun)}") from exc


_DELETING = "The half-made {} is deleted again, so nothing is left uploading"


class AlreadyValidating(Exception):
    """The service takes no more files for the object: they are being validated (what
    an interrupted earlier run left behind, taken over by this create)."""


def refuses_files(exc: FireworksError) -> bool:
    """The answer of an upload call to an object whose files are already being validated."""
    return isinstance(exc, BadRequestError) and exc.code == "FAILED_PRECONDITION"

