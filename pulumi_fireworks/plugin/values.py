"""The engine's property values and the plain values the resource engine works on.

Why a layer of its own: the engine speaks ``PropertyValue`` (secrets, unknowns, numbers
as floats, immutable maps); the resource engine speaks what the dynamic-provider server
hands it (plain dicts, the ``UNKNOWN`` sentinel, secrets already unwrapped). Secrets are
unwrapped on the way in and remembered by top-level key, so what was secret going in is
secret coming out, along with the resource's declared secret outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue, ResourceReference
from pulumi.runtime.rpc import UNKNOWN


def to_plain(value: PropertyValue) -> Any:
    """A property value as the resource engine takes it (unknowns as ``UNKNOWN``)."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, ResourceReference):
        ref_id = inner.resource_id
        return ref_id.value if isinstance(ref_id, PropertyValue) and isinstance(ref_id.value, str) else inner.urn
    if isinstance(inner, Mapping):
        return {str(k): to_plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [to_plain(v) for v in inner]
    if isinstance(inner, float) and inner.is_integer():
        return inner  # the engine's inputs take 2.0 as 2, as they do from the dynamic server
    return inner


def plain_map(values: Mapping[str, PropertyValue]) -> tuple[dict[str, Any], frozenset[str]]:
    """A property map as plain values, and the top-level keys that held a secret."""
    plain = {key: to_plain(value) for key, value in values.items()}
    secret = frozenset(key for key, value in values.items() if value.contains_secret())
    return plain, secret


def from_plain(value: Any, secret: bool = False) -> PropertyValue:
    """A plain value as a property value (ints become floats, as the wire carries them)."""
    if isinstance(value, PropertyValue):
        return value.with_secret(secret or value.is_secret)
    if isinstance(value, str) and value == UNKNOWN:
        return PropertyValue.computed().with_secret(secret)
    if isinstance(value, bool) or value is None:
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, Mapping):
        return PropertyValue({str(k): from_plain(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, (list, tuple)):
        return PropertyValue([from_plain(v) for v in value], is_secret=secret)
    return PropertyValue(value, is_secret=secret)


def property_map(values: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> dict[str, PropertyValue]:
    """Plain values as a property map, ``secret_keys`` marked secret (hidden ``__`` keys kept)."""
    secret = frozenset(secret_keys)
    return {key: from_plain(value, key in secret) for key, value in values.items() if value is not None}
