"""Rule configuration: one declaration gives the JSON schema the engine checks and the typed
values the rule reads.

Why both sides: the engine validates ``--policy-pack-config`` against each policy's schema and
fills in the schema's defaults, but a rule can also be called without the engine (unit tests,
another pack that passes no config), so the rule applies the same defaults itself and reads
every value through a typed getter whose error names the policy, the key and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from pulumi_policy import PolicyConfigSchema

from .. import _durations

__all__ = ["Setting", "Settings", "Config", "PolicyConfigError"]


class PolicyConfigError(ValueError):
    """A policy's configuration value cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Setting:
    """One configuration key: its JSON schema (with ``description`` and usually ``default``)."""

    key: str
    schema: Mapping[str, Any]

    @property
    def default(self) -> Any:
        return self.schema.get("default")


@dataclass(frozen=True)
class Settings:
    """The configuration keys of one policy."""

    policy: str
    items: tuple[Setting, ...] = field(default=())

    def schema(self) -> Optional[PolicyConfigSchema]:
        if not self.items:
            return None
        return PolicyConfigSchema(properties={s.key: dict(s.schema) for s in self.items})

    def resolve(self, given: Optional[Mapping[str, Any]]) -> Config:
        values = {s.key: s.default for s in self.items if "default" in s.schema}
        for key, value in (given or {}).items():
            if key == "enforcementLevel":
                continue
            values[key] = value
        return Config(self.policy, values)


class Config:
    """A policy's configuration with defaults applied, read through typed getters."""

    def __init__(self, policy: str, values: Mapping[str, Any]) -> None:
        self.policy = policy
        self.values = dict(values)

    def _error(self, key: str, expected: str) -> PolicyConfigError:
        return PolicyConfigError(
            f"policy {self.policy!r}: config {key!r} must be {expected}, got {self.values.get(key)!r}; "
            f"fix it in the file given to --policy-pack-config"
        )

    def integer(self, key: str) -> Optional[int]:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._error(key, "a whole number >= 0")
        return value

    def number(self, key: str) -> Optional[Decimal]:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self._error(key, "a number >= 0")
        return Decimal(str(value))

    def strings(self, key: str) -> Optional[tuple[str, ...]]:
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self._error(key, "a list of strings")
        return tuple(value)

    def duration_seconds(self, key: str) -> Optional[Decimal]:
        value = self.values.get(key)
        if value is None:
            return None
        try:
            return _durations.parse_seconds(value)
        except ValueError:
            raise self._error(key, 'a duration such as "30m", "1800s" or a number of seconds') from None

    def numbers_by_name(self, key: str) -> dict[str, Decimal]:
        value = self.values.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self._error(key, "an object of numbers, e.g. {\"NVIDIA_H100_80GB\": 2}")
        out: dict[str, Decimal] = {}
        for name, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
                raise self._error(key, f"an object of numbers >= 0 (bad entry {name!r})")
            out[str(name)] = Decimal(str(number))
        return out
