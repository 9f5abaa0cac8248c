"""The ``dropNewerFields`` behaviour: a gateway whose protos predate some fields.

The wire models mark every field the official SDK (``fireworks-ai==1.2.30``) does not
know with :func:`~pulumi_fireworks._wire._base.newer_spec`; this module walks a JSON
document along a model and removes those fields at every depth (nested messages, lists
and maps of messages). That is what such a gateway does: grpc-gateway unmarshals
requests with ``DiscardUnknown``, so an unknown field is dropped silently, and a field
its protos lack is never in a response either. The list is the wire models' markers, not
a table of its own.
"""

from __future__ import annotations

import typing
from typing import Any, Optional, Sequence

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from .._wire._base import newer_spec_fields
from .query import _unwrap


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """Wire name -> the (unwrapped) annotation of each field of ``model``."""
    return {info.alias or to_camel(name): _unwrap(info.annotation) for name, info in model.model_fields.items()}


def _message(annotation: Any) -> Optional[type[BaseModel]]:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def drop_newer_fields(model: type[BaseModel], doc: Any) -> Any:
    """A copy of the JSON ``doc`` (an instance of ``model``) without the fields SDK 1.2.30
    does not know; unknown keys and non-objects are left as they are."""
    if not isinstance(doc, dict):
        return doc
    newer = newer_spec_fields(model)
    fields = _fields(model)
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in newer:
            continue
        out[key] = _drop_in(fields.get(key), value)
    return out


def _drop_in(annotation: Any, value: Any) -> Any:
    message = _message(annotation)
    if message is not None:
        return drop_newer_fields(message, value)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args and _message(_unwrap(args[0])) and isinstance(value, list):
        return [drop_newer_fields(_unwrap(args[0]), item) for item in value]
    if origin is dict and len(args) == 2 and _message(_unwrap(args[1])) and isinstance(value, dict):
        return {k: drop_newer_fields(_unwrap(args[1]), v) for k, v in value.items()}
    return value


def is_newer_path(model: type[BaseModel], wire_path: Sequence[str]) -> bool:
    """Whether a field path (wire names, as :func:`~.query.resolve_path` returns them)
    passes through a field SDK 1.2.30 does not know."""
    current: Any = model
    for segment in wire_path:
        message = _message(current)
        if message is None:
            return False  # a map key or a scalar: nothing newer below
        if segment in newer_spec_fields(message):
            return True
        current = _fields(message).get(segment)
        if typing.get_origin(current) is dict:
            return False  # a path ends with the map key (resolve_path)
    return False
