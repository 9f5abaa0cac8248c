"""Property values as a policy receives them, turned into plain Python that rules can trust.

Why this exists: ``pulumi_policy`` hands rules its own proxies. In validations they raise
``UnknownValueError`` on any value not known at preview (an output of a resource that is not
created yet), and pulumi_policy turns that into a generic "can't run policy during preview"
warning for the whole rule. Our rules must instead skip exactly the unknown part and still check
the rest, so every value is read here once: unknowns become :data:`UNKNOWN`, values of the wrong
shape become an :class:`Unknown` with a reason (the provider's own check reports those), numbers
that are whole become ints (the engine sends every number as a float), and hidden keys
(``__provider``, ``__name``, ...) are dropped.

What a policy can observe about secrets (pulumi_policy 1.21, engine v3.274.1):

* The engine sends secrets to every analyzer call marked as secrets (``KeepSecrets: true``).
* In ``Analyze``/``AnalyzeStack`` (validations), pulumi_policy deserialises *without* keeping the
  mark: a validation sees a secret's plain value and cannot tell it was secret.
* In ``Remediate`` it keeps the mark: the props' raw mapping holds :class:`pulumi_policy.Secret`
  wrappers. :func:`secret_keys` reads them there; it returns an empty set in validations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar, Union

from pulumi_policy import Secret
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from .. import _durations

__all__ = [
    "UNKNOWN",
    "Unknown",
    "Maybe",
    "plain",
    "visible",
    "secret_keys",
    "raw_props",
    "is_unknown_sentinel",
    "as_str",
    "as_int",
    "as_bool",
    "as_seconds",
    "as_timestamp",
    "as_str_list",
    "as_mapping",
]

_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class Unknown:
    """A value a rule must not judge: unknown at preview, or not of the shape the rule reads.

    Rules skip these; they never guess. ``reason`` says why, for messages and debugging.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


UNKNOWN = Unknown("not known until the resources it depends on are created")
"""The one value that stands for "unknown at preview"."""

T = TypeVar("T")
Maybe = Union[T, Unknown, None]
"""A field as a rule sees it: its value, :class:`Unknown`, or ``None`` when not set."""


def is_unknown_sentinel(value: object) -> bool:
    """True for the strings Pulumi uses on the wire for values unknown at preview."""
    return isinstance(value, str) and value in _SENTINELS


def raw_props(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """The mapping under pulumi_policy's proxies (its ``"__target"`` key), or ``props`` itself.

    Needed where the proxy hides something the rule needs: the secret marks in a remediation,
    and copying every key (hidden ones included) into a remediation's result.
    """
    try:
        target = props["__target"]
    except (KeyError, TypeError, UnknownValueError):
        return props
    return target if isinstance(target, Mapping) else props


def plain(value: Any) -> Any:
    """``value`` with proxies, secrets and unknown sentinels replaced by plain Python values."""
    if isinstance(value, Secret):
        return plain(value.value)
    if is_unknown_sentinel(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:  # iterating a proxy never raises; reading an unknown item does
            try:
                item = value[key]
            except UnknownValueError:
                out[str(key)] = UNKNOWN
                continue
            out[str(key)] = plain(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def visible(props: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`plain` of a resource's props without hidden ``__`` keys (``__provider``, ...)."""
    converted = plain(props)
    return {k: v for k, v in converted.items() if not k.startswith("__")}


def secret_keys(props: Mapping[str, Any]) -> frozenset[str]:
    """Top-level keys whose values are marked secret.

    Only meaningful in a remediation, where the raw mapping holds :class:`pulumi_policy.Secret`
    wrappers. In a validation pulumi_policy has already dropped the marks, so this is always
    empty there (see the module docstring): callers must know which hook they are in.
    """
    raw = raw_props(props)
    return frozenset(k for k, v in raw.items() if isinstance(v, Secret))


# -- reading one field ----------------------------------------------------------------------


def _wrong(kind: str, value: Any) -> Unknown:
    return Unknown(f"expected {kind}, got {type(value).__name__} {value!r}")


def as_str(value: Any) -> Maybe[str]:
    if value is None or isinstance(value, Unknown):
        return value
    return value if isinstance(value, str) else _wrong("a string", value)


def as_int(value: Any) -> Maybe[int]:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return _wrong("an integer", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _wrong("an integer", value)


def as_number(value: Any) -> Maybe[float]:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _wrong("a number", value)
    return float(value)


def as_bool(value: Any) -> Maybe[bool]:
    if value is None or isinstance(value, Unknown):
        return value
    return value if isinstance(value, bool) else _wrong("a boolean", value)


def as_seconds(value: Any) -> Maybe[Decimal]:
    """A duration as users write it (``"10m"``, ``"600s"``, ``600``) in seconds."""
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return _durations.parse_seconds(value)
    except ValueError as exc:
        return Unknown(f"not a duration: {exc}")


_FRACTION = re.compile(r"(\.\d{6})\d+")


def as_timestamp(value: Any) -> Maybe[datetime]:
    """An RFC 3339 timestamp (``2030-01-31T00:00:00Z``) as an aware UTC datetime."""
    if value is None or isinstance(value, Unknown):
        return value
    if not isinstance(value, str):
        return _wrong("an RFC 3339 timestamp string", value)
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(r"\1", text)  # nanoseconds -> microseconds (fromisoformat's limit)
    try:
        parsed = datetime.fromisoformat(text.replace("t", "T"))
    except ValueError:
        return Unknown(f"{value!r} is not an RFC 3339 timestamp")
    if parsed.tzinfo is None:
        return Unknown(f"{value!r} has no time zone offset (RFC 3339 needs one, e.g. 'Z')")
    return parsed.astimezone(timezone.utc)


def as_str_list(value: Any) -> Maybe[tuple[Maybe[str], ...]]:
    if value is None or isinstance(value, Unknown):
        return value
    if not isinstance(value, list):
        return _wrong("a list", value)
    return tuple(as_str(item) for item in value)


def as_mapping(value: Any) -> Maybe[Mapping[str, Any]]:
    if value is None or isinstance(value, Unknown):
        return value
    return value if isinstance(value, Mapping) else _wrong("an object", value)
