"""Field-by-field changes between a resource's old and new inputs.

Why here and not in the engine: the ``pulumi-python`` servicer sends no field-level diff of
its own (pulumi-fireworks adds the names of the changed top-level fields, not their values),
but the JSON does carry the old inputs (from state) and the new ones (after ``check``, which
normalises them). Because check already rewrote ``"10m"`` to ``"600s"`` and dropped defaults,
comparing the two shows what the user changed, in the provider's canonical spelling.

Secrets cannot be compared: the JSON masks both sides. When the provider said which fields
change (pulumi-fireworks' resources do, in the step's ``detailedDiff``), a secret is reported
changed or left out accordingly, its values still masked; otherwise it is reported as "not
compared" rather than guessed either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .preview import ResourceChange
from .values import SECRET, UNKNOWN, contains, flatten, recorded_outputs, visible_inputs


class _Absent:
    """No value on that side (the field is not set)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

Kind = Literal["added", "removed", "changed", "secret"]


@dataclass(frozen=True)
class FieldChange:
    path: str
    """Dotted path of the input (``autoscaling_policy.scale_to_zero_window``)."""
    old: Any
    new: Any
    kind: Kind
    """``secret``: both sides are secret, so whether it changed cannot be told."""
    forces_replacement: bool = False


def field_changes(change: ResourceChange) -> list[FieldChange]:
    """What a reviewer should see for ``change``: every changed input of an update or
    replacement, every input of a create (old side absent) or of a delete (new side absent)."""
    secrets, outputs = change.secret_fields, recorded_outputs(change.type)
    old = _inputs_only(change.old.inputs, secrets, outputs) if change.old and change.action != "create" else {}
    new = _inputs_only(change.new.inputs, secrets, outputs) if change.new and change.action != "delete" else {}
    reasons = set(change.replace_reasons)
    result = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path, ABSENT), new.get(path, ABSENT)
        kind = _kind(before, after)
        if kind == "secret" and change.changed_keys is not None:
            # The provider said which fields change: an unchanged secret is no change, and
            # a changed one is "changed" with both values still hidden.
            kind = "changed" if _top(path) in change.changed_keys else None
        if kind is not None:
            result.append(FieldChange(path, before, after, kind, _top(path) in reasons))
    return result


def _inputs_only(inputs: Mapping[str, Any], secrets: frozenset[str], outputs: frozenset[str]) -> dict[str, Any]:
    return flatten({k: v for k, v in visible_inputs(inputs, secrets).items() if k not in outputs})


def _kind(before: Any, after: Any) -> Kind | None:
    if before is ABSENT and after is ABSENT:
        return None
    if before is ABSENT:
        return "added"
    if after is ABSENT:
        return "removed"
    if contains(after, UNKNOWN):
        return "changed"
    if _same(before, after):
        if contains(before, SECRET) or contains(after, SECRET):
            return "secret"
        return None
    return "changed"


def _same(a: Any, b: Any) -> bool:
    # JSON numbers: 4 and 4.0 are the same input.
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return bool(a == b) and type(a) is type(b)


def _top(path: str) -> str:
    for i, char in enumerate(path):
        if char in ".[":
            return path[:i]
    return path


def replacement_reason_values(change: ResourceChange, changes: list[FieldChange]) -> Mapping[str, Any]:
    """Replacement reasons that are not a changed input (e.g. ``state`` of a deployment that
    failed on the server), with the value the old outputs hold for them."""
    changed_tops = {_top(c.path) for c in changes}
    outputs = visible_inputs(change.old.outputs, change.secret_fields) if change.old else {}
    return {
        reason: outputs.get(reason, ABSENT)
        for reason in change.replace_reasons
        if reason not in changed_tops and not reason.startswith("__")
    }
