"""A strict check that a JSON body is what the official SDK's model describes.

Stainless models are lenient on purpose: responses are built with ``construct`` (no
validation) and ``extra="allow"`` keeps unknown keys. So "the SDK parsed it" proves
little. :func:`assert_sdk_parses` instead runs real pydantic validation of the raw JSON
against the SDK type (Literal enums, datetimes, required fields, nested types) and then
walks the result: any key the SDK type does not declare lands in ``__pydantic_extra__``
and fails the check unless listed in ``allow_extra`` (newer-spec fields).
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import BaseModel


def _extras(obj: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for key in obj.__pydantic_extra__ or {}:
            found.append(f"{path}{key}")
        for name in type(obj).model_fields:
            found += _extras(getattr(obj, name), f"{path}{name}.")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            found += _extras(item, f"{path}{i}.")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            found += _extras(item, f"{path}{key}.")
    return found


def assert_sdk_parses(sdk_type: type[BaseModel], data: Any, allow_extra: Iterable[str] = ()) -> BaseModel:
    """Validate ``data`` (raw JSON) against ``sdk_type``; fail on errors or unknown keys."""
    parsed = sdk_type.model_validate(data)  # raises pydantic.ValidationError
    unknown = [e for e in _extras(parsed) if e not in set(allow_extra)]
    assert not unknown, f"{sdk_type.__name__}: fields the SDK does not know: {unknown}"
    return parsed
