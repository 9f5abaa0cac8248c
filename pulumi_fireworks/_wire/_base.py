"""The base class and markers every wire model uses.

Design choices, each mirroring how the real API (protobuf over grpc-gateway) behaves:

* Reading is lenient (``extra="allow"``): a newer server may add fields or enum
  values, and a provider must not break on them. Enum-typed fields are therefore
  plain ``str`` on the wire model; the known values live in :mod:`._enums` and are
  enforced where *we* choose values (input validation, the emulator's request
  parsing), never when reading a response.
* Output-only fields are marked with :func:`output_only` so the emulator can drop them
  from request bodies (the real service ignores them) and the provider never sends them.
* Fields that the official SDK (``fireworks-ai==1.2.30``) does not know -- they come from
  newer OpenAPI documents -- are marked with :func:`newer_spec` (or
  ``output_only(newer_spec=True)``). A gateway built from protos without them drops them
  from requests (grpc-gateway discards unknown JSON fields) and never returns them; the
  emulator's ``dropNewerFields`` behaviour answers like that, from this one list.
* int64 values travel as JSON strings and durations as ``"<seconds>s"``, as proto3 JSON
  mandates; the models keep those wire spellings unchanged.
"""

from __future__ import annotations

import typing
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

_OUTPUT_ONLY = "x-output-only"
_NEWER_SPEC = "x-newer-spec"


class WireModel(BaseModel):
    """Base of every wire object: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API would send or accept: aliases, absent fields omitted."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def output_only(*, newer_spec: bool = False, **kwargs: Any) -> Any:
    """A field the server fills and ignores on input (``readOnly`` in the OpenAPI spec);
    ``newer_spec``: also unknown to SDK 1.2.30 (see :func:`newer_spec`)."""
    extra: dict[str, Any] = {_OUTPUT_ONLY: True}
    if newer_spec:
        extra[_NEWER_SPEC] = True
    return Field(default=None, json_schema_extra=extra, **kwargs)


def newer_spec(**kwargs: Any) -> Any:
    """A settable field that only newer OpenAPI documents than SDK 1.2.30 describe: the
    real service may or may not know it (see the module docstring)."""
    return Field(default=None, json_schema_extra={_NEWER_SPEC: True}, **kwargs)


def _marked(model: type[BaseModel], marker: str) -> frozenset[str]:
    names = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(marker):
            names.add(info.alias or name)
    return frozenset(names)


def output_only_fields(model: type[BaseModel]) -> frozenset[str]:
    """The wire (camelCase) names of the output-only fields of ``model``."""
    return _marked(model, _OUTPUT_ONLY)


def newer_spec_fields(model: type[BaseModel]) -> frozenset[str]:
    """The wire (camelCase) names of ``model``'s own fields that SDK 1.2.30 does not know
    (top level only; nested models carry their own markers)."""
    return _marked(model, _NEWER_SPEC)


def newer_spec_paths(model: type[BaseModel], prefix: str = "") -> frozenset[str]:
    """Dotted snake_case paths (``autoscaling_policy.scaling_schedules``) of every field
    of ``model``, nested ones included, that SDK 1.2.30 does not know: what a gateway
    built without them drops from a request and never returns."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(_NEWER_SPEC):
            found.add(prefix + name)
            continue
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found |= newer_spec_paths(arg, f"{prefix}{name}.")
    return frozenset(found)


class Status(WireModel):
    """``google.rpc.Status`` as resources embed it: the code is the enum *name*."""

    code: Optional[str] = None
    message: Optional[str] = None
