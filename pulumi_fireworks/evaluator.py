"""``fireworks:Evaluator`` — reward code for reinforcement fine-tuning, from a local folder or inline.

API object: ``accounts/{account}/evaluators/{evaluator_id}`` (SDK ``fireworks/resources/evaluators.py``).
Create is ``POST accounts/{a}/evaluatorsV2`` with ``{evaluatorId, evaluator: {...}}``; the
code then arrives one of two ways, and the service builds it (``BUILDING`` → ``ACTIVE``
or ``BUILD_FAILED``; "Evaluator build timed out after 10 minutes", docs "RFT troubleshooting"):

* **A folder** (``source``): its files, less Python caches and hidden files (``.env``,
  ``.git``, ``.venv``), are packed into one ``<id>.tar.gz`` under a top folder of that name
  and sent as Fireworks' own ``eval-protocol`` CLI sends them: ``:getUploadEndpoint``
  with the archive's size, a PUT to the signed URL, ``:validateUpload {}``. The archive
  is made the same way every time (sorted names, zero timestamps and owners). The
  ``requirements`` are the folder's ``requirements.txt`` unless given.
* **Inline** (``criteria[].code_snippets``): the files travel in the create body; no upload.

Either way the files are hashed at preview (``_uploaded.py``): one changed byte replaces
the evaluator, and so retrains every job that names it. The entry point is checked at
preview: its file must be in the code and, when the file parses here, define the function
(a file that does not parse is left to the service's build, whose Python may be newer).
A build that fails fails the create with the service's message and where its build log
is, and the evaluator is deleted again.
"""

from __future__ import annotations

import ast
import gzip
import posixpath
import re
import tarfile
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import httpx
from pulumi.dynamic import CheckFailure
from pydantic import Field, field_validator

from ._content import Content, LocalFile, SourceError, content_of, disk_file, memory_file, sha256_of
from ._errors import FireworksError
from ._fields import SERVER_DECIDES, field
from ._http import Client
from ._inputs import InputsModel
from ._spec import Props
from ._tls import tls_context
from ._types import AdoptExisting, DatasetName, DisplayName, Duration, ResourceId, adopt_field, at_least
from ._uploaded import SOURCE, ContentProblem, Source, UploadingEngine, source_files, source_form, uploaded_spec
from ._uploads import may_send_to
from ._wire.evaluator import Evaluator as EvaluatorWire

REQUIREMENTS_FILE = "requirements.txt"
ENTRY_POINT = re.compile(r"^(?P<file>[^:]+\.py)::(?P<func>[A-Za-z_][A-Za-z0-9_]*)$")
LEFT_OUT = re.compile(r"(^|/)__pycache__/|\.py[co]$")
"""Files of a folder that are never uploaded (hidden ones are skipped when listing)."""
BUILD_TIMEOUT = 15 * 60.0
"""The service gives a build 10 minutes ("Evaluator build timed out after 10 minutes");
five more cover the upload and the queue before the build starts."""

Language = Literal["python"]
"""What SDK 1.2.30 leaves open (``language: str``); Fireworks' evaluators, its
``eval-protocol`` and reward-kit are Python, and nothing documents another language."""


class CodeSnippetsInputs(InputsModel):
    language: Optional[Language] = Field(default=None, description="python (the default)")
    file_contents: dict[str, str] = Field(min_length=1, description="File name → its text")
    entry_file: str = Field(min_length=1, description="The file that holds entry_func")
    entry_func: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="The function that scores a rollout")

    @field_validator("language", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class CriterionInputs(InputsModel):
    name: str = Field(min_length=1)
    type: Optional[Literal["CODE_SNIPPETS"]] = Field(default=None, description="CODE_SNIPPETS (set when code_snippets is)")
    description: Optional[str] = None
    code_snippets: Optional[CodeSnippetsInputs] = None


class EvaluatorInputs(InputsModel):
    """Validation and canonical form of Evaluator inputs; the published input schema."""

    # Everything the build uses replaces the evaluator (a new one is built, then jobs
    # that name it retrain); what only describes it is updated in place.
    source: Optional[Source] = field(
        "The reward code: a local folder (relative to the program's directory), a pulumi.FileArchive or "
        "pulumi.AssetArchive. Its content replaces the evaluator on change",
        provider_only=True, arg_type="str | pulumi.Archive",
    )
    entry_point: Optional[str] = field(
        "The function that scores a rollout, '<file>.py::<function>' inside source (e.g. 'main.py::evaluate')",
        replaces=True, unset="",
    )
    requirements: Optional[str] = field(
        "pip requirements, one per line; default: the source folder's requirements.txt", replaces=True, unset="",
    )
    criteria: Optional[list[CriterionInputs]] = field(
        "Named criteria; one with code_snippets holds inline code instead of source", replaces=True,
        unset=SERVER_DECIDES, min_length=1,
    )
    evaluator_id: Optional[ResourceId] = field("Id of the evaluator; derived from the resource name and code when unset")
    display_name: Optional[DisplayName] = field(unset=SERVER_DECIDES)
    description: Optional[str] = field(unset="")
    default_dataset: Optional[DatasetName] = field("A dataset to evaluate on by default: a name, or the Dataset resource",
                                                   unset="")
    commit_hash: Optional[str] = field("The version of the code, for people reading it (e.g. a git commit)", unset="")
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field(
        "How long create waits for the build; default 15m", provider_only=True
    )
    adopt_existing: AdoptExisting = adopt_field()

    _source_form = field_validator("source", mode="before")(source_form)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        inline = [i for i, c in enumerate(self.criteria or []) if c.code_snippets is not None]
        if self.source is not None:
            errors += [(f"criteria[{i}].code_snippets", "the code comes from source; drop code_snippets or source")
                       for i in inline]
            if not self.entry_point:
                errors.append(("entry_point", "is required with source: '<file>.py::<function>', the function that "
                                              "scores a rollout"))
        elif not inline:
            errors.append(("source", "give the reward code: a folder in source, or a criterion with code_snippets"))
        elif self.entry_point or self.requirements:
            which = "entry_point" if self.entry_point else "requirements"
            errors.append((which, "belongs with source; inline code names its entry in code_snippets"))
        if len(inline) > 1:
            errors.append((f"criteria[{inline[1]}].code_snippets", "only one criterion can hold the code"))
        if self.entry_point and not ENTRY_POINT.match(self.entry_point):
            errors.append(("entry_point", f"{self.entry_point!r} is not '<file>.py::<function>' (e.g. 'main.py::evaluate')"))
        if self.adopt_existing and self.evaluator_id is None:
            errors.append(("adopt_existing", "needs evaluator_id: the id of the evaluator to take over"))
        return errors


class EvaluatorEngine(UploadingEngine):
    spec = uploaded_spec(
        type_name="Evaluator",
        collection="evaluators",
        collection_key="evaluators",
        inputs_model=EvaluatorInputs,
        wire_model=EvaluatorWire,
        id_field="evaluator_id",
        id_param="evaluatorId",
        create_wrapper="evaluator",
        create_collection="evaluatorsV2",
        output_docs={
            "name": "Resource name, ``accounts/<account>/evaluators/<id>``: what RFT jobs name.",
        },
        ready_states=frozenset({"ACTIVE"}),
        failed_states=frozenset({"BUILD_FAILED"}),
        default_wait_timeout=BUILD_TIMEOUT,
        summary=(
            "Reward code for reinforcement fine-tuning, built by Fireworks: a local folder (uploaded) or inline code. "
            "The code is hashed at preview: a changed byte builds a new evaluator, and every "
            "ReinforcementFineTuningJob given this one trains again."
        ),
        example=(
            'reward = fireworks.Evaluator(\n'
            '    "exact-match",\n'
            '    source="./reward",                   # main.py, requirements.txt\n'
            '    entry_point="main.py::evaluate",\n'
            ')'
        ),
    )
    content_inputs = (SOURCE, "criteria")

    def content(self, checked: Props) -> Content:
        if checked.get(SOURCE) is not None:
            content = content_of([f for f in source_files(checked[SOURCE], "reward code is") if not LEFT_OUT.search(f.name)])
            if not content.files:
                raise ContentProblem(SOURCE, "has no files to upload (Python caches and hidden files are left out)")
            requirements = _requirements(content)  # readable, or refused naming the file
            if requirements is not None and not checked.get("requirements"):
                checked["requirements"] = requirements
            match = ENTRY_POINT.match(str(checked.get("entry_point") or ""))
            if match:
                _check_entry(content, match["file"], match["func"], "entry_point")
            return content
        for i, criterion in enumerate(checked.get("criteria") or []):
            snippets = criterion.get("code_snippets")
            if snippets:
                where = f"criteria[{i}].code_snippets"
                files = [memory_file(name, text.encode(), f"{where}.file_contents[{name!r}]")
                         for name, text in sorted(snippets["file_contents"].items())]
                content = content_of(files)
                _check_entry(content, snippets["entry_file"], snippets["entry_func"], f"{where}.entry_file")
                return content
        raise ContentProblem(SOURCE, "give the reward code: a folder in source, or a criterion with code_snippets")

    def upload(self, client: Client, props: Props, path: str, content: Content) -> None:
        if props.get(SOURCE) is None:
            return  # inline code came with the create
        object_id = str(props[self.spec.id_field])
        with tempfile.TemporaryDirectory(prefix="fireworks-evaluator-") as scratch:
            archive = _pack(content, object_id, Path(scratch))
            # Each :getUploadEndpoint may forget what earlier URLs received (as for
            # datasets); with one file, sending it again is all that can mean.
            self.send_signed(client, props, path, [archive], forgets_uploaded=True,
                             expected={archive.name: sha256_of(archive)})
            self.validate_upload(client, props, path, "POST", json={})

    def complete_inputs(self, checked: Props) -> list[CheckFailure]:
        # What the service fills in for inline code is written down here, so that what it
        # answers matches the inputs (no drift on refresh).
        for criterion in checked.get("criteria") or []:
            if isinstance(criterion, dict) and isinstance(criterion.get("code_snippets"), dict):
                criterion.setdefault("type", "CODE_SNIPPETS")
                criterion["code_snippets"].setdefault("language", "python")
        return super().complete_inputs(checked)

    def failure_details(self, client: Client, props: Props, object_id: str) -> str:
        path = self.spec.object_path(client.account_id, props, object_id)
        try:
            answer = client.request("GET", path + ":getBuildLogEndpoint")
        except FireworksError:
            return ""  # the failure itself says enough; the log is a bonus
        uri = answer.get("buildLogSignedUri") if isinstance(answer, dict) else None
        if not uri:
            return ""
        tail = _log_tail(str(uri))
        quoted = f"\nIts last lines:\n{tail}" if tail else ""
        return f" The build log: {uri} (a signed URL; it expires, and the evaluator is deleted now).{quoted}"


LOG_LINES = 15


def _log_tail(uri: str) -> str:
    """The end of the build log, read now: the evaluator (and with it, maybe, its log) is
    deleted once the create has failed. Sent without credentials (the URL is signed), and
    only to https or this machine; nothing at all when it cannot be read."""
    url = httpx.URL(uri)
    if not may_send_to(url):
        return ""
    try:
        with httpx.Client(timeout=30.0, verify=tls_context()) as http:
            response = http.get(url)
    except httpx.HTTPError:
        return ""
    if response.status_code != 200:
        return ""
    lines = response.text.strip().splitlines()[-LOG_LINES:]
    return "\n".join("    " + line[:500] for line in lines)


def _requirements(content: Content) -> Optional[str]:
    file = content.file(REQUIREMENTS_FILE)
    if file is None:
        return None
    try:
        return file.read_small(1024 * 1024).decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{file.where} is not UTF-8 text; pip cannot read it either") from None


def _check_entry(content: Content, name: str, func: str, field_name: str) -> None:
    """The entry file is in the code and, when it parses here, defines the function."""
    file = content.file(name)
    if file is None:
        python = sorted(n for n in content.names if n.endswith(".py"))
        raise ContentProblem(field_name, f"names {name}, which is not in the code (its Python files: {', '.join(python) or 'none'})")
    try:
        tree = ast.parse(file.read_small(), filename=file.where)
    except (SyntaxError, ValueError):
        return  # left to the service's build, which reports the line
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if func not in defined:
        raise ContentProblem(field_name, f"names {func}() in {name}, which defines no top-level function of that name "
                                         f"(it defines: {', '.join(sorted(defined)) or 'none'})")


def _pack(content: Content, object_id: str, scratch: Path) -> LocalFile:
    """The files as ``<id>.tar.gz`` under a top folder ``<id>/``, byte-identical each time."""
    name = f"{object_id}.tar.gz"
    target = scratch / name
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for file in content.files:
                info = tarfile.TarInfo(posixpath.join(object_id, file.name))
                info.size, info.mode, info.mtime, info.uid, info.gid = file.size, 0o644, 0, 0, 0
                with file.open() as stream:
                    tar.addfile(info, stream)
    return disk_file(target, name)


SPEC = EvaluatorEngine.spec
