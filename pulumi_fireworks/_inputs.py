"""Plan-time validation: turn raw Pulumi inputs into checked, canonical inputs.

Runs in ``check``, at preview, without any API call. Values still unknown at preview
(outputs of other resources) are set aside, the rest is validated, and the unknowns
are put back where they were, so a preview both reports every error it can already
see and shows the canonical form (``"10m"`` → ``"600s"``) of every known value.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, Iterable, Optional

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN
from pydantic import BaseModel, ConfigDict, ValidationError

Path = tuple[Any, ...]


class InputsModel(BaseModel):
    """Base of every inputs model: unknown fields are errors (a typo must not be
    silently ignored), and checked inputs are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def is_unknown(value: Any) -> bool:
    """A value not known until apply: the dynamic provider server hands ``check`` and
    ``diff`` an ``Unknown()`` object (or, on some paths, the wire sentinel string)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


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
    """Checked inputs (canonical, ``None`` fields dropped) or the failures, field by field.

    Each failure is filed under the top-level input it concerns (Pulumi looks the
    property up to show its value; a nested path there prints as ``value {<nil>}``) and
    its reason names the full path: ``Deployment.autoscaling_policy.scale_up_window: ...``.
    """
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
            failures.append(check_failure(type_name, where, _message(model, error)))
        if failures:
            return None, failures
        # Only required values that are unknown at preview are missing. Every known value
        # was still validated above; it is just not canonicalised in this one preview
        # (a required value being unknown usually means a replacement anyway).
        return raw, []
    cross_field = getattr(checked, "cross_field_errors", None)
    problems = cross_field() if cross_field else []
    if problems:
        return None, [check_failure(type_name, where, message) for where, message in problems]
    normalised = checked.model_dump(mode="json", exclude_none=True)
    return restore_unknowns(normalised, unknown_paths), []


def check_failure(type_name: str, where: str, message: str) -> CheckFailure:
    """A failure reported as ``Type.where: message`` and filed under the top-level input
    (Pulumi shows a nested path's value as ``{<nil>}``)."""
    top = re.split(r"[.\[]", where, maxsplit=1)[0]
    return CheckFailure(top, f"{type_name}.{where}: {message}")


_CLASS_NAME = re.compile(r" or instance of \w+")


def _message(model: type[BaseModel], error: Any) -> str:
    """A pydantic error in the user's terms: no internal class names, and an unknown
    input answered with the closest valid name."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        names = _field_names_at(model, loc[:-1])
        close = _closest(str(loc[-1]), names)
        suggestion = f"; did you mean {close[0]!r}?" if close else f"; valid inputs here: {', '.join(sorted(names))}"
        return "is not an input of this resource" + suggestion if len(loc) == 1 else "is not a field here" + suggestion
    if error["type"] == "missing":
        why = _required_because(model, loc)
        return f"is required: {why}" if why else "is required"
    if error["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        close = _closest(str(error.get("input")), allowed)
        listed = ", ".join(allowed) if len(allowed) <= 12 else f"{', '.join(allowed[:12])}, ... (see the schema)"
        return f"{error.get('input')!r} is not one of {listed}" + (f"; did you mean {close[0]!r}?" if close else "")
    message = str(error["msg"]).removeprefix("Value error, ")
    message = _CLASS_NAME.sub("", message)
    message = message.replace("Input should be a valid dictionary", "must be an object (a dict)")
    return message.replace("Input should be", "must be")


REQUIRED_BECAUSE = "x-required-because"
"""``json_schema_extra`` key of a required field: why it is required, said when it is
missing (``_fields.field(required_because=...)``; the published schema carries it too)."""


def _required_because(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    if len(loc) != 1:
        return ""
    info = model.model_fields.get(str(loc[0]))
    extra = info.json_schema_extra if info is not None else None
    return str(extra.get(REQUIRED_BECAUSE, "")) if isinstance(extra, dict) else ""


def _closest(word: str, choices: list[str]) -> list[str]:
    """The choice most like ``word``, ignoring case (``fp8`` -> ``FP8``), if any is close."""
    by_lower = {c.lower(): c for c in choices}
    return [by_lower[m] for m in difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)]


def _field_names_at(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) inputs model at ``path``; [] if not a model."""
    current: Any = model
    for part in path:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            current = _model_in(current)
            if isinstance(part, int) or current is None:
                continue
        info = current.model_fields.get(str(part)) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            # a map key (e.g. a schedule's name): stay on the map's value type
            continue
        current = _model_in(info.annotation) or info.annotation
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``Optional[...]``, ``list[...]`` or ``dict[str, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def map_paths(model: type[BaseModel], prefix: str = "", _within: frozenset[type] = frozenset()) -> frozenset[str]:
    """Dotted paths of the inputs that are maps (``dict[str, ...]``), as opposed to
    objects with fixed fields: a map's keys are the user's, so a key added elsewhere is
    drift, while an object's unset fields are the server's to default. (A model nested in
    itself, such as an archive of archives, is followed once.)"""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _unoptional(info.annotation)
        if typing.get_origin(annotation) is dict:
            found.add(path)
        nested = _model_in(annotation)
        if nested is not None and nested not in _within:
            inner = f"{path}.*." if typing.get_origin(annotation) is dict else f"{path}."
            found |= map_paths(nested, inner, _within | {model})
    return frozenset(found)


def _unoptional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _unoptional(args[0])
    if typing.get_origin(annotation) is typing.Annotated:
        return _unoptional(args[0])
    return annotation
