"""Parse ``pulumi preview --json`` into what changes, resource by resource.

``pulumi preview --json`` writes one of two things (pkg/backend/display/json.go):

* by default one JSON document (a "preview digest"): ``steps`` with each step's ``op``,
  ``oldState``/``newState`` and ``replaceReasons``, plus ``diagnostics`` and ``changeSummary``.
  Unchanged resources are only in it with ``--show-sames``; policy violations never are
  (the engine drops them from the digest);
* with ``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true`` a stream of engine events, one JSON object
  per line, which has every resource (unchanged ones too), the replacement steps in the order
  the engine will run them, and ``policyEvent`` entries for policy violations.

Both become the same :class:`Preview`; the rest of the package never looks at raw JSON shapes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

from .values import secret_fields

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"

REPLACEMENT_OPS = frozenset(
    {"replace", "create-replacement", "delete-replaced", "discard-replaced", "read-replacement", "import-replacement"}
)
"""Engine step ops that are part of replacing one resource (pkg/resource/deploy/step.go)."""


class PreviewFormatError(ValueError):
    """The input is neither form of ``pulumi preview --json`` output."""


@dataclass(frozen=True)
class ResourceState:
    """One side of a step: the resource as recorded before, or as it will be."""

    type: str
    id: Optional[str]
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    protect: bool = False
    additional_secret_outputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceChange:
    """What the preview does to one resource (all of a replacement's steps merged)."""

    urn: str
    type: str
    name: str
    action: str
    """``create``, ``update``, ``replace``, ``delete``, ``same``, ``read``, ``import`` or the
    engine's own op name for anything rarer."""
    ops: tuple[str, ...]
    old: Optional[ResourceState]
    new: Optional[ResourceState]
    replace_reasons: tuple[str, ...] = ()
    delete_before_create: Optional[bool] = None
    """For a replacement: whether the old resource goes first (None when the JSON does not say)."""
    changed_keys: Optional[frozenset[str]] = None
    """The top-level fields the provider said change (the step's ``detailedDiff``), when it
    said: the only way to know whether a secret input changed, since the JSON masks both sides."""

    @property
    def type_name(self) -> str:
        """``Deployment`` for ``pulumi-python:dynamic/fireworks:Deployment``."""
        return self.type.rsplit(":", 1)[-1]

    @property
    def type_label(self) -> str:
        """The type as a reader knows it: ``fireworks:Deployment``, ``aws:s3/bucket:Bucket``."""
        return self.type.removeprefix("pulumi-python:dynamic/")

    @property
    def label(self) -> str:
        return f"{self.type_label}::{self.name}"

    @property
    def protected(self) -> bool:
        """Pulumi's ``protect`` option, on either side."""
        return bool((self.old and self.old.protect) or (self.new and self.new.protect))

    @property
    def id(self) -> Optional[str]:
        return (self.old.id if self.old else None) or (self.new.id if self.new else None) or None

    @property
    def secret_fields(self) -> frozenset[str]:
        additional = [
            *(self.old.additional_secret_outputs if self.old else ()),
            *(self.new.additional_secret_outputs if self.new else ()),
        ]
        return secret_fields(self.type, additional)


@dataclass(frozen=True)
class PolicyViolation:
    urn: str
    pack: str
    pack_version: str
    policy: str
    level: str
    """``advisory``, ``mandatory``, ``remediate`` or ``disabled``."""
    message: str


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str
    urn: Optional[str] = None


@dataclass(frozen=True)
class Preview:
    stack: str
    project: str
    resources: tuple[ResourceChange, ...]
    """Every resource in the JSON except the stack itself, unchanged ones included."""
    change_summary: Mapping[str, int] = field(default_factory=dict)
    violations: tuple[PolicyViolation, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    """Errors and warnings (debug and info messages are left out)."""
    unchanged_missing: int = 0
    """Unchanged resources the engine counted but the JSON does not list (no ``--show-sames``)."""
    format: Literal["document", "events"] = "document"

    @property
    def changes(self) -> tuple[ResourceChange, ...]:
        return tuple(r for r in self.resources if r.action != "same")

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def load_preview(path: Path | str) -> Preview:
    return parse_preview(Path(path).read_text(encoding="utf-8"))


def parse_preview(text: str) -> Preview:
    """Either form of ``pulumi preview --json`` output."""
    stripped = text.strip()
    if not stripped:
        raise PreviewFormatError("the preview JSON is empty (did `pulumi preview --json` fail before printing?)")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and not _is_event(document):
        return _from_document(document)
    events: list[Mapping[str, Any]] = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PreviewFormatError(
                f"line {number} is not JSON ({exc.msg}); expected the output of `pulumi preview --json`"
            ) from None
        if not isinstance(event, dict) or not _is_event(event):
            raise PreviewFormatError(f"line {number} is not a Pulumi engine event")
        events.append(event)
    return _from_events(events)


_EVENT_KEYS = frozenset(
    {"sequence", "timestamp", "resourcePreEvent", "resOutputsEvent", "diagnosticEvent", "policyEvent",
     "preludeEvent", "summaryEvent", "cancelEvent", "stdoutEvent"}
)


def _is_event(obj: Mapping[str, Any]) -> bool:
    return bool(_EVENT_KEYS.intersection(obj)) and "steps" not in obj


# -- the preview document --------------------------------------------------------------


def _from_document(doc: Mapping[str, Any]) -> Preview:
    if "steps" not in doc and "changeSummary" not in doc:
        raise PreviewFormatError("not a `pulumi preview --json` document (no `steps`, no `changeSummary`)")
    merger = _Merger()
    for step in doc.get("steps") or []:
        merger.add(
            op=str(step.get("op", "")),
            urn=str(step.get("urn", "")),
            type_=None,
            old=step.get("oldState"),
            new=step.get("newState"),
            keys=step.get("replaceReasons") or (),
            detailed=step.get("detailedDiff"),
        )
    diagnostics = [
        Diagnostic(str(d.get("severity", "")), str(d.get("message", "")), d.get("urn") or None)
        for d in doc.get("diagnostics") or []
        if d.get("severity") in ("error", "warning")
    ]
    return merger.preview(_summary(doc.get("changeSummary")), (), diagnostics, "document")


# -- the event stream --------------------------------------------------------------------


def _from_events(events: Sequence[Mapping[str, Any]]) -> Preview:
    merger = _Merger()
    violations: list[PolicyViolation] = []
    diagnostics: list[Diagnostic] = []
    summary: Mapping[str, int] = {}
    for event in sorted(events, key=lambda e: int(e.get("sequence") or 0)):
        if "resourcePreEvent" in event:
            meta = (event["resourcePreEvent"] or {}).get("metadata") or {}
            merger.add(
                op=str(meta.get("op", "")),
                urn=str(meta.get("urn", "")),
                type_=meta.get("type"),
                old=meta.get("old"),
                new=meta.get("new"),
                keys=meta.get("keys") or (),
                detailed=meta.get("detailedDiff"),
            )
        elif "policyEvent" in event:
            p = event["policyEvent"] or {}
            violations.append(
                PolicyViolation(
                    urn=str(p.get("resourceUrn", "")),
                    pack=str(p.get("policyPackName", "")),
                    pack_version=str(p.get("policyPackVersion", "")),
                    policy=str(p.get("policyName", "")),
                    level=str(p.get("enforcementLevel", "")),
                    message=str(p.get("message", "")),
                )
            )
        elif "diagnosticEvent" in event:
            d = event["diagnosticEvent"] or {}
            if d.get("severity") in ("error", "warning") and not d.get("ephemeral"):
                message = f"{d.get('prefix') or ''}{d.get('message') or ''}"
                diagnostics.append(Diagnostic(str(d["severity"]), message, d.get("urn") or None))
        elif "summaryEvent" in event:
            summary = _summary((event["summaryEvent"] or {}).get("resourceChanges"))
    return merger.preview(summary, violations, diagnostics, "events")


# -- shared --------------------------------------------------------------------------------


def _summary(raw: Any) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, (int, float))}


def _state(raw: Any) -> Optional[ResourceState]:
    if not isinstance(raw, Mapping):
        return None
    return ResourceState(
        type=str(raw.get("type", "")),
        id=str(raw["id"]) if raw.get("id") else None,
        inputs=dict(raw.get("inputs") or {}),
        outputs=dict(raw.get("outputs") or {}),
        protect=bool(raw.get("protect")),
        additional_secret_outputs=tuple(str(k) for k in raw.get("additionalSecretOutputs") or ()),
    )


def _split_urn(urn: str) -> tuple[str, str, str, str]:
    """``urn:pulumi:<stack>::<project>::<type path>::<name>`` -> its four parts."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        return "", "", "", urn
    stack = parts[0].removeprefix("urn:pulumi:")
    type_ = parts[2].rsplit("$", 1)[-1]
    return stack, parts[1], type_, parts[3]


@dataclass
class _Pending:
    urn: str
    type: str
    ops: list[str] = field(default_factory=list)
    old: dict[str, ResourceState] = field(default_factory=dict)
    new: dict[str, ResourceState] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    changed: Optional[set[str]] = None


class _Merger:
    """Collects steps by URN (a replacement is up to three steps) in first-seen order."""

    def __init__(self) -> None:
        self.pending: dict[str, _Pending] = {}
        self.root_same = False
        self.sames_listed = 0

    def add(
        self, *, op: str, urn: str, type_: Any, old: Any, new: Any, keys: Iterable[Any], detailed: Any = None
    ) -> None:
        _, _, urn_type, _ = _split_urn(urn)
        type_token = str(type_ or (old or {}).get("type") or (new or {}).get("type") or urn_type)
        if op == "same":
            self.sames_listed += 1
        if type_token == ROOT_STACK_TYPE:
            return
        entry = self.pending.setdefault(urn, _Pending(urn, type_token))
        entry.ops.append(op)
        if (state := _state(old)) is not None:
            entry.old.setdefault(op, state)
        if (state := _state(new)) is not None:
            entry.new.setdefault(op, state)
        for key in keys:
            if str(key) not in entry.keys:
                entry.keys.append(str(key))
        if isinstance(detailed, Mapping):
            entry.changed = (entry.changed or set()) | {_top_key(str(path)) for path in detailed}

    def preview(
        self,
        summary: Mapping[str, int],
        violations: Iterable[PolicyViolation],
        diagnostics: Iterable[Diagnostic],
        form: Literal["document", "events"],
    ) -> Preview:
        stack = project = ""
        resources = []
        for entry in self.pending.values():
            stack, project, _, name = _split_urn(entry.urn)
            resources.append(_merge(entry, name))
        for v in violations:
            stack, project = stack or _split_urn(v.urn)[0], project or _split_urn(v.urn)[1]
        missing = max(0, summary.get("same", 0) - self.sames_listed) if form == "document" else 0
        return Preview(
            stack=stack,
            project=project,
            resources=tuple(resources),
            change_summary=dict(summary),
            violations=tuple(violations),
            diagnostics=tuple(diagnostics),
            unchanged_missing=missing,
            format=form,
        )


def _merge(entry: _Pending, name: str) -> ResourceChange:
    ops = tuple(entry.ops)
    # `preview --refresh` adds a "refresh" step before each resource's own: the plan, and the
    # refreshed state it starts from, are the other steps'.
    planned = tuple(op for op in ops if op != "refresh") or ops
    delete_first: Optional[bool] = None
    if REPLACEMENT_OPS.intersection(ops):
        action = "replace"
        if "delete-replaced" in ops and "create-replacement" in ops:
            delete_first = ops.index("delete-replaced") < ops.index("create-replacement")
    else:
        action = planned[0] if planned and planned[0] != "refresh" else "same"
    old = _pick(entry.old, ("replace", "delete-replaced"), planned)
    new = _pick(entry.new, ("replace", "create-replacement"), planned)
    if action in ("delete",):
        new = None
    return ResourceChange(
        urn=entry.urn,
        type=entry.type,
        name=name,
        action=action,
        ops=ops,
        old=old,
        new=new,
        replace_reasons=tuple(entry.keys),
        delete_before_create=delete_first,
        changed_keys=frozenset(entry.changed) if entry.changed is not None else None,
    )


def _top_key(path: str) -> str:
    """``autoscaling_policy.scale_up_window`` → ``autoscaling_policy``."""
    for i, char in enumerate(path):
        if char in ".[":
            return path[:i]
    return path


def _pick(states: Mapping[str, ResourceState], preferred: Sequence[str], ops: Sequence[str]) -> Optional[ResourceState]:
    for op in (*preferred, *ops):
        if op in states:
            return states[op]
    return None
