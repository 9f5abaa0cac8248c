"""Plan-time validation: turn raw Pulumi inputs into checked, canonical inputs.

Runs in ``check``, at preview, without any API call. Values still unknown at preview
(outputs of other resources) are set aside, the rest is validated, and the unknowns
are put back where they were, so a preview both reports every error it can already
see and shows the canonical form (``"10m"`` → ``"600s"``) of every known value.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import UNKNOWN
from pydantic import BaseModel, ConfigDict, ValidationError

Path = tuple[Any, ...]


class InputsModel(BaseModel):
    """Base of every inputs model: unknown fields are errors (a typo must not be
    silently ignored), and checked inputs are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN


def split_unknowns(value: Any, path: Path = ()) -> tuple[Any, list[Path]]:
    """``value`` without its unknowns, and where they were."""
    if is_unknown(value):
        return None, [path]
    if isinstance(value, dict):
        clean: dict[str, Any] = {}
        found: list[Path] = []
        for key, item in value.items():
            item_clean, item_paths = split_unknowns(item, path + (key,))
            found.extend(item_paths)
            if not item_paths or item_paths[0] != path + (key,):
                clean[key] = item_clean
        return clean, found
    if isinstance(value, list):
        found = []
        items = []
        for index, item in enumerate(value):
            item_clean, item_paths = split_unknowns(item, path + (index,))
            found.extend(item_paths)
            items.append(item_clean)
        return items, found
    return value, []


def restore_unknowns(value: dict[str, Any], paths: Iterable[Path]) -> dict[str, Any]:
    for path in paths:
        target: Any = value
        for key in path[:-1]:
            if isinstance(target, dict):
                target = target.setdefault(key, {})
            elif isinstance(target, list) and isinstance(key, int) and key < len(target):
                target = target[key]
            else:
                break
        else:
            if isinstance(target, dict):
                target[path[-1]] = UNKNOWN
            elif isinstance(target, list) and isinstance(path[-1], int) and path[-1] < len(target):
                target[path[-1]] = UNKNOWN
    return value


def dotted(loc: Iterable[Any]) -> str:
    """``("autoscaling_policy", "scale_up_window")`` → ``autoscaling_policy.scale_up_window``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate(
    model: type[BaseModel], raw: dict[str, Any], type_name: str
) -> tuple[Optional[dict[str, Any]], list[CheckFailure]]:
    """Checked inputs (canonical, ``None`` fields dropped) or the failures, field by field."""
    known, unknown_paths = split_unknowns(raw)
    try:
        checked = model.model_validate(known)
    except ValidationError as exc:
        failures = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            # A required value that is merely unknown at preview is not an error.
            if error["type"] == "missing" and loc in unknown_paths:
                continue
            # Cross-field rules report on the model itself; name their field when given.
            where = dotted(loc) or error.get("ctx", {}).get("field", "") or "inputs"
            message = str(error["msg"]).removeprefix("Value error, ")
            failures.append(CheckFailure(where, f"{type_name}.{where}: {message}"))
        if failures:
            return None, failures
        # Only required values that are unknown at preview are missing. Every known value
        # was still validated above; it is just not canonicalised in this one preview
        # (a required value being unknown usually means a replacement anyway).
        return raw, []
    cross_field = getattr(checked, "cross_field_errors", None)
    problems = cross_field() if cross_field else []
    if problems:
        return None, [CheckFailure(where, f"{type_name}.{where}: {message}") for where, message in problems]
    normalised = checked.model_dump(mode="json", exclude_none=True)
    return restore_unknowns(normalised, unknown_paths), []
