"""Which stack a resource is in, and whether that stack counts as dev-like or production.

Why from the URN: pulumi_policy (1.21) gives rules no stack name - the engine sends it in
``ConfigureStack``, which the SDK ignores, and it does not export ``PULUMI_STACK`` to policy
packs. Every resource URN starts with ``urn:pulumi:<stack>::<project>::``, so the stack name is
always there, at preview and during updates, for every backend.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

__all__ = ["stack_of", "project_of", "matches_any", "DEV_STACKS", "PRODUCTION_STACKS"]

DEV_STACKS: tuple[str, ...] = (
    "dev", "dev-*", "*-dev", "development", "test", "test-*", "*-test",
    "sandbox", "sandbox-*", "*-sandbox", "pr-*", "preview-*",
)
"""Default stack-name patterns of dev-like stacks (``fnmatch``, case-insensitive)."""

PRODUCTION_STACKS: tuple[str, ...] = ("prod", "production", "prod-*", "*-prod", "production-*", "*-production")
"""Default stack-name patterns of production stacks (``fnmatch``, case-insensitive)."""


def _parts(urn: str) -> list[str]:
    if not urn.startswith("urn:pulumi:"):
        raise ValueError(f"{urn!r} is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)")
    return urn[len("urn:pulumi:"):].split("::")


def stack_of(urn: str) -> str:
    """``urn:pulumi:dev::proj::type::name`` -> ``dev``."""
    return _parts(urn)[0]


def project_of(urn: str) -> str:
    """``urn:pulumi:dev::proj::type::name`` -> ``proj``."""
    parts = _parts(urn)
    return parts[1] if len(parts) > 1 else ""


def matches_any(stack: str, patterns: Iterable[str]) -> bool:
    """True when ``stack`` matches one of the ``fnmatch`` patterns, ignoring case."""
    name = stack.lower()
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in patterns)
