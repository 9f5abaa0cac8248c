"""The machinery of the policy views: reading a view field by field from what a policy
receives. The views themselves are generated from each resource's declaration
(``_views.py``, see ``pulumi_fireworks._codegen``)."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, TypeVar, Union, cast

from .values import (
    Maybe,
    Unknown,
    as_bool,
    as_int,
    as_mapping,
    as_number,
    as_seconds,
    as_str,
    as_str_list,
    as_timestamp,
    visible,
)

TYPE_PREFIX = "pulumi-python:dynamic/fireworks:"

_READ_AS: Mapping[Any, Callable[[Any], Any]] = {
    str: as_str,
    int: as_int,
    bool: as_bool,
    float: as_number,
    datetime: as_timestamp,
    Decimal: as_seconds,  # durations, in seconds
}
"""How a field is read, by the type it holds (a view's fields are ``Maybe[<type>]``)."""


_V = TypeVar("_V", bound="_View")





class _View:
    """A view is read field by field from what a policy receives, each field by its type
    (:data:`_READ_AS`, nested views, lists of strings): one rule, not a reader per view."""

    @classmethod
    def read(cls: type[_V], props: Mapping[str, Any]) -> _V:
        """The view of a resource's ``props`` as a policy receives them."""
        return cls._from_mapping(visible(props))

    @classmethod
    def _read_nested(cls: type[_V], value: Any) -> Maybe[_V]:
        """A nested view's value may also be Unknown (at preview) or absent."""
        mapping = as_mapping(value)
        if not isinstance(mapping, Mapping):
            return mapping
        return cls._from_mapping(mapping)

    @classmethod
    def _from_mapping(cls: type[_V], mapping: Mapping[str, Any]) -> _V:
        hints = typing.get_type_hints(cls)
        # Every view is a frozen dataclass; mypy cannot know that of the base class.
        fields = dataclasses.fields(cast(Any, cls))
        return cls(**{f.name: _read(f.name, hints[f.name], mapping) for f in fields})


def _read(name: str, hint: Any, mapping: Mapping[str, Any]) -> Any:
    """A field of a view; ``<secret>_set`` says whether a secret input is given (its value
    is never read)."""
    if hint == Union[bool, Unknown] and name.endswith("_set"):
        value = mapping.get(name.removesuffix("_set"))
        return value if isinstance(value, Unknown) else value is not None
    return _read_field(hint, mapping.get(name))


def _read_field(hint: Any, value: Any) -> Any:
    held = [a for a in typing.get_args(hint) if a not in (Unknown, type(None))]
    target = held[0] if len(held) == 1 else hint
    if isinstance(target, type) and issubclass(target, _View):
        return target._read_nested(value)
    if typing.get_origin(target) is tuple:
        return as_str_list(value)
    if typing.get_origin(target) in (Mapping, dict) or target is Mapping:
        return as_mapping(value)
    return _READ_AS[target](value)
