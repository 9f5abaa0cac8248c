"""Evaluator rules: the request checks, the code upload and the build -- a real,
deterministic check of the reward code, so a test breaks a build by writing bad code.

Sources: SDK 1.2.30 ``fireworks/resources/evaluators.py`` (create, then "Package your source
directory as a ``.tar.gz``", ``:getUploadEndpoint``, ``PUT``, ``:validateUpload`` "to trigger
server-side validation", "Poll Get Evaluator until ready"; states ``BUILDING`` "Environment
is being prepared", ``ACTIVE``, ``BUILD_FAILED`` "Check build logs via Get Evaluator Build
Log Endpoint"; update: "Changing ``requirements`` or ``entry_point`` triggers a rebuild"),
``fireworks/types/evaluator_*.py``; eval-protocol's ``entry_point`` form
``<file>.py::<function>``.

The build (:func:`build`) never runs the code. In order, stopping at the first problem:

1. **The code.** Uploaded: the one ``.tar.gz`` archive, unpacked in memory
   (:func:`unpack`): a gzip-compressed tar whose files sit at its root or under one
   top-level folder (both are accepted; the folder is dropped). Inline: each criterion's
   ``code_snippets.file_contents``, whose ``language`` must be Python (or unset).
2. **Compiling.** Every ``*.py`` file goes through :func:`compile` (to bytecode: also the
   errors :mod:`ast` alone misses, such as ``return`` outside a function):
   ``"<file>:<line>: <message>"``, e.g. ``"reward.py:3: invalid syntax"``.
3. **The entry point.** ``entry_point`` (``"<file>.py::<function>"``), and for inline code
   each criterion's ``entry_file`` + ``entry_func``: the file must be part of the code and
   define a top-level ``def`` / ``async def`` of that name (found with :mod:`ast`):
   ``"entry point reward.py::score: no function 'score' in reward.py"``, ``"entry point
   reward.py::score: no file reward.py in the code"``. Uploaded code must name its entry
   point (FAILED_PRECONDITION ``"entry point: not set; ..."``).
4. **The requirements.** ``requirements`` (the text of a requirements.txt), else the
   uploaded ``requirements.txt``: every line that is not empty, a comment or a pip option
   (``-r``, ``--index-url``, ...) must look like a requirement specifier (:data:`REQUIREMENT`):
   ``"requirements.txt:2: not a requirement specifier: 'numpy=1.0'"``.

A problem becomes ``BUILD_FAILED`` with ``status {code: INVALID_ARGUMENT, message}``
(FAILED_PRECONDITION when uploaded code names no entry point); the same message ends
the build log (:func:`build_log_text`).
"""

from __future__ import annotations

import ast
import base64
import io
import posixpath
import re
import tarfile
from dataclasses import dataclass, field
from typing import Any, Optional

from ..._wire.evaluator import Evaluator
from ..errors import failed_precondition, invalid_field
from .common import check_display_fields, check_enum, parse_child_name
from .uploads import MAX_KEPT_BYTES

BUILDING = "BUILDING"
ACTIVE = "ACTIVE"
BUILD_FAILED = "BUILD_FAILED"

CRITERION_TYPES = ("TYPE_UNSPECIFIED", "CODE_SNIPPETS")
SOURCE_TYPES = ("TYPE_UNSPECIFIED", "TYPE_UPLOAD", "TYPE_GITHUB", "TYPE_TEMPORARY")
#: eval-protocol's entry point: ``tests/test_math.py::test_math_eval``.
ENTRY_POINT = re.compile(r"(?P<file>[^:]+\.py)::(?P<func>[A-Za-z_][A-Za-z0-9_]*)\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Archive names ``:getUploadEndpoint`` takes (eval-protocol and the provider send ``<id>.tar.gz``).
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
#: The most an archive may unpack to (an emulator limit against decompression bombs).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
REQUIREMENTS_FILE = "requirements.txt"

# A PEP 508 requirement, loosely: name, extras, version clauses or "@ url", and a marker.
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_EXTRAS = rf"(?:\s*\[\s*(?:{_NAME}(?:\s*,\s*{_NAME})*)?\s*\])?"
_CLAUSE = r"(?:===|==|!=|<=|>=|~=|<|>)\s*[A-Za-z0-9.*+!_-]+"
_VERSIONS = rf"(?:\s*\(?\s*{_CLAUSE}(?:\s*,\s*{_CLAUSE})*\s*\)?)?"
REQUIREMENT = re.compile(rf"{_NAME}{_EXTRAS}(?:\s*@\s*\S+|{_VERSIONS})(?:\s*;.+)?\Z")
#: Lines pip reads that are not specifiers: options (``-r x``, ``--index-url``) and URLs.
_NOT_A_SPECIFIER = re.compile(r"-|[A-Za-z][A-Za-z0-9+.-]*://")


# -- the request -----------------------------------------------------------------------------


def check_evaluator(evaluator: Evaluator, prefix: str = "") -> None:
    """An evaluator of a create (``prefix`` ``"evaluator."``) or an update, without look-ups."""
    check_display_fields(prefix, evaluator.display_name, evaluator.description)
    if evaluator.entry_point and not ENTRY_POINT.match(evaluator.entry_point):
        raise invalid_field(f"{prefix}entry_point", f"{evaluator.entry_point!r} is not '<file>.py::<function>' "
                                                    "(e.g. 'main.py::evaluate')")
    for i, criterion in enumerate(evaluator.criteria or []):
        where = f"{prefix}criteria[{i}]"
        check_enum(f"{where}.type", criterion.type, CRITERION_TYPES)
        snippets = criterion.code_snippets
        if criterion.type == "CODE_SNIPPETS" and snippets is None:
            raise invalid_field(f"{where}.code_snippets", "is required for a criterion of type CODE_SNIPPETS")
        if snippets is None or not snippets.file_contents:
            continue
        for name in snippets.file_contents:
            check_code_path(f"{where}.code_snippets.file_contents[{name!r}]", name)
        if not snippets.entry_file:
            raise invalid_field(f"{where}.code_snippets.entry_file", "is required with file_contents")
        check_code_path(f"{where}.code_snippets.entry_file", snippets.entry_file)
        if not snippets.entry_file.endswith(".py"):
            raise invalid_field(f"{where}.code_snippets.entry_file", f"{snippets.entry_file!r} is not a .py file")
        if not snippets.entry_func:
            raise invalid_field(f"{where}.code_snippets.entry_func", "is required with file_contents")
        if not _IDENTIFIER.match(snippets.entry_func):
            raise invalid_field(f"{where}.code_snippets.entry_func",
                                f"{snippets.entry_func!r} is not a Python function name")
    if evaluator.source is not None:
        check_enum(f"{prefix}source.type", evaluator.source.type, SOURCE_TYPES)
    if evaluator.default_dataset:
        parse_child_name(f"{prefix}default_dataset", evaluator.default_dataset, "datasets")


def check_code_path(field_name: str, name: str) -> None:
    """A file of the code: a relative path that stays inside the evaluator's folder."""
    normalised = posixpath.normpath(name) if name else ""
    if not name or name.startswith("/") or "\\" in name or normalised != name or normalised.startswith(".."):
        raise invalid_field(field_name, f"{name!r} must be a relative path inside the evaluator's folder")


def has_inline_code(evaluator: Evaluator) -> bool:
    """Whether the code came in the body (``criteria[].code_snippets.file_contents``)."""
    return any(c.code_snippets is not None and c.code_snippets.file_contents for c in evaluator.criteria or [])


def check_archive_names(sizes: dict[str, int]) -> None:
    """``:getUploadEndpoint``: the code travels as one ``.tar.gz`` of its folder, small
    enough for the emulator to keep (:data:`~.uploads.MAX_KEPT_BYTES`)."""
    if len(sizes) != 1:
        raise invalid_field("filename_to_size", f"an evaluator's code is one .tar.gz archive of its folder; "
                                                f"got {len(sizes)} files")
    ((name, size),) = sizes.items()
    if not name.endswith(ARCHIVE_SUFFIXES):
        raise invalid_field(f"filename_to_size[{name!r}]", "an evaluator's code is one .tar.gz archive of its folder")
    if size > MAX_KEPT_BYTES:
        raise invalid_field(f"filename_to_size[{name!r}]",
                            f"the emulator takes evaluator archives of up to {MAX_KEPT_BYTES} bytes, got {size}")


def not_waiting_for_code(name: str, state: Optional[str], inline: bool) -> Exception:
    """The refusal of an upload call to an evaluator whose code has already arrived."""
    how = "came inline with the create" if inline else "has already been uploaded"
    return failed_precondition(f"evaluator {name} is not waiting for code (state {state}): its code {how}; "
                               "to upload new code, update it with prepare_code_upload=true first")


def check_not_in_use(name: str, job: Optional[str], state: Optional[str]) -> None:
    """Delete: refused while a job that has not ended scores its rollouts with ``name``."""
    if job is not None:
        raise failed_precondition(f"evaluator {name} is in use by reinforcement fine-tuning job {job} "
                                  f"(state {state}); cancel the job or let it end first")


def check_usable(field_name: str, evaluator: Evaluator) -> None:
    """What a reinforcement fine-tuning job names: an ACTIVE evaluator."""
    if evaluator.state != ACTIVE:
        raise failed_precondition(f"{field_name}: evaluator {evaluator.name} is in state {evaluator.state}; "
                                  "it must be ACTIVE (wait for its build, or fix it if the build failed)")


# -- the uploaded archive --------------------------------------------------------------------


@dataclass
class UploadedCode:
    """What the build keeps of an uploaded archive: its Python files and requirements.txt
    (the other files are only counted), or why it could not be unpacked."""

    archive: str
    size: int
    files: dict[str, bytes] = field(default_factory=dict)
    other_files: int = 0
    error: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"archive": self.archive, "size": self.size, "otherFiles": self.other_files,
                               "files": {n: base64.b64encode(b).decode("ascii") for n, b in self.files.items()}}
        if self.error is not None:
            out["error"] = self.error
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "UploadedCode":
        return cls(archive=str(data["archive"]), size=int(data["size"]), other_files=int(data.get("otherFiles", 0)),
                   files={n: base64.b64decode(b) for n, b in (data.get("files") or {}).items()},
                   error=data.get("error"))


def unpack(archive: str, data: Optional[bytes]) -> UploadedCode:
    """The code in an uploaded ``.tar.gz``, read in memory (nothing is extracted to disk).

    Only regular files count (folders, links and devices are skipped); a member whose path
    leaves the archive (``/etc/x``, ``../x``) makes the archive unusable. When every file
    sits under one top-level folder (``reward/main.py``: eval-protocol and the provider
    pack ``<id>/...``), that folder is dropped."""
    if data is None:
        return UploadedCode(archive, 0, error=f"{archive}: the emulator did not keep this file")
    code = UploadedCode(archive, len(data))
    found: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                path = posixpath.normpath(member.name)
                if path.startswith(("/", "..")) or "\\" in path:
                    code.error = f"{archive}: {member.name!r} lies outside the archive's folder"
                    return code
                total += member.size
                if total > MAX_UNPACKED_BYTES:
                    code.error = f"{archive}: unpacks to more than {MAX_UNPACKED_BYTES} bytes"
                    return code
                stream = tar.extractfile(member)
                found[path] = stream.read() if stream is not None else b""
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        code.error = f"{archive}: not a gzip-compressed tar archive ({exc})"
        return code
    tops = {p.split("/", 1)[0] for p in found}
    if len(tops) == 1 and all("/" in p for p in found):
        found = {p.split("/", 1)[1]: b for p, b in found.items()}
    for path, content in sorted(found.items()):
        if path.endswith(".py") or path == REQUIREMENTS_FILE:
            code.files[path] = content
        else:
            code.other_files += 1
    return code


# -- the build -------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """The log lines of the checks and the problem that fails the build (None: it builds)."""

    log: list[str]
    problem: Optional[str] = None
    code: str = "INVALID_ARGUMENT"


class _Failed(Exception):
    def __init__(self, message: str, code: str = "INVALID_ARGUMENT") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def build(evaluator: Evaluator, uploaded: Optional[UploadedCode]) -> BuildResult:
    """Build ``evaluator``'s code: ``uploaded`` (an archive sent through ``:validateUpload``)
    or, without one, the inline ``criteria[].code_snippets``. See the module docstring."""
    log: list[str] = []
    try:
        if uploaded is not None:
            _build_upload(evaluator, uploaded, log)
        else:
            _build_inline(evaluator, log)
    except _Failed as failed:
        log.append(f"error: {failed.message}")
        return BuildResult(log, failed.message, failed.code)
    return BuildResult(log)


def _build_upload(evaluator: Evaluator, uploaded: UploadedCode, log: list[str]) -> None:
    log.append(f"code: {uploaded.archive} ({uploaded.size} bytes)")
    if uploaded.error is not None:
        raise _Failed(uploaded.error)
    sources = {n: b for n, b in uploaded.files.items() if n.endswith(".py")}
    others = uploaded.other_files + len(uploaded.files) - len(sources)
    log.append(f"unpacked: {len(sources)} Python files and {others} other files")
    _compile_all(sources, log)
    if not evaluator.entry_point:
        raise _Failed("entry point: not set; uploaded code needs entry_point '<file>.py::<function>' "
                      "(e.g. 'main.py::evaluate')", "FAILED_PRECONDITION")
    _check_entry(evaluator.entry_point, sources, log)
    requirements = evaluator.requirements
    if requirements is None and REQUIREMENTS_FILE in uploaded.files:
        requirements = uploaded.files[REQUIREMENTS_FILE].decode("utf-8", errors="replace")
    _check_requirements(requirements, log)


def _build_inline(evaluator: Evaluator, log: list[str]) -> None:
    every: dict[str, bytes] = {}
    for i, criterion in enumerate(evaluator.criteria or []):
        snippets = criterion.code_snippets
        if snippets is None or not snippets.file_contents:
            continue
        log.append(f"code: criteria[{i}] ({criterion.name or 'unnamed'}): {len(snippets.file_contents)} inline files")
        language = (snippets.language or "python").lower()
        if language != "python":
            raise _Failed(f"criteria[{i}].code_snippets.language: {snippets.language!r} is not supported; "
                          "evaluators are built for Python")
        sources = {n: t.encode("utf-8") for n, t in snippets.file_contents.items() if n.endswith(".py")}
        _compile_all(sources, log)
        _check_entry(f"{snippets.entry_file}::{snippets.entry_func}", sources, log)
        every.update(sources)
    if evaluator.entry_point:
        _check_entry(evaluator.entry_point, every, log)
    _check_requirements(evaluator.requirements, log)


def _compile_all(sources: dict[str, bytes], log: list[str]) -> None:
    for name in sorted(sources):
        try:
            compile(sources[name], name, "exec", dont_inherit=True)
        except SyntaxError as exc:  # also IndentationError, TabError
            raise _Failed(f"{name}:{exc.lineno or 1}: {exc.msg}") from None
        except (ValueError, RecursionError, MemoryError) as exc:
            raise _Failed(f"{name}:1: cannot be compiled: {exc or type(exc).__name__}") from None
        log.append(f"compiled {name}")


def _check_entry(entry: str, sources: dict[str, bytes], log: list[str]) -> None:
    match = ENTRY_POINT.match(entry)
    if match is None:  # the request checks refuse these; a stored document may still hold one
        raise _Failed(f"entry point {entry}: not '<file>.py::<function>'")
    file, func = match["file"], match["func"]
    if file not in sources:
        raise _Failed(f"entry point {entry}: no file {file} in the code")
    tree = ast.parse(sources[file], file)  # compiled already: it parses
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if func not in defined:
        raise _Failed(f"entry point {entry}: no function {func!r} in {file}")
    log.append(f"entry point {entry}: found")


def _check_requirements(text: Optional[str], log: list[str]) -> None:
    if text is None:
        log.append("requirements: none")
        return
    count = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if not line or _NOT_A_SPECIFIER.match(line):
            continue
        if not REQUIREMENT.match(line):
            raise _Failed(f"{REQUIREMENTS_FILE}:{number}: not a requirement specifier: {line!r}")
        count += 1
    log.append(f"requirements: {count} packages")


# -- the build log ---------------------------------------------------------------------------


def build_log_text(name: str, build_meta: dict[str, Any], state: Optional[str],
                   status: Optional[dict[str, Any]]) -> str:
    """The build log of evaluator ``name``: the checks of its latest build and how it
    ended (what the evaluator's state and status say: a lifecycle rule or the admin API
    may fail a build whose code is fine). While ``BUILDING`` only that it started."""
    lines = [f"build {build_meta.get('number')} of {name}"]
    if state == BUILDING:
        lines.append("building ...")
    else:
        lines += [str(line) for line in build_meta.get("log") or []]
        if state == ACTIVE:
            lines.append("build succeeded: the evaluator is ACTIVE")
        else:
            message = (status or {}).get("message") or "build failed"
            lines.append(f"BUILD FAILED ({(status or {}).get('code') or 'UNKNOWN'}): {message}")
    return "\n".join(lines) + "\n"

