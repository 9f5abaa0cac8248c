"""The usage file: what the preview cannot know, assumed in writing (like Infracost's).

::

    {
      "busy_hours_per_month": 200,                       # every deployment, unless named below
      "deployments": {"chat": {"busy_hours_per_month": 730}},   # by Pulumi resource name
      "jobs": {"support-sft": {"training_tokens": 2000000, "parameters_billions": 8}},
      "datasets": {"support-train": {"tokens": 2000000}},       # by dataset name, id or resource name
      "models": {"accounts/acme/models/house-base": {"parameters_billions": 70}}  # by model name or id
    }

Tokens of a dataset here win over the count the service returned (``estimated_token_count``);
a job's ``training_tokens`` win over both.

Every key is optional; a value that cannot be used fails with the key and what to write.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Optional

from .prices import PriceBookError


class UsageError(PriceBookError):
    """A usage file that cannot be used."""


@dataclass(frozen=True)
class Usage:
    default_busy_hours: Optional[Decimal] = None
    busy_hours: Mapping[str, Decimal] = field(default_factory=dict)
    job_tokens: Mapping[str, int] = field(default_factory=dict)
    dataset_tokens: Mapping[str, int] = field(default_factory=dict)
    parameters_billions: Mapping[str, Decimal] = field(default_factory=dict)
    """By job (Pulumi resource name)."""
    model_parameters_billions: Mapping[str, Decimal] = field(default_factory=dict)
    """By model name or id."""

    def busy_hours_of(self, deployment: str) -> Optional[Decimal]:
        return self.busy_hours.get(deployment, self.default_busy_hours)


def _number(where: str, raw: Any, *, whole: bool = False) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise UsageError(f"usage file: {where} must be a number, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise UsageError(f"usage file: {where} must be a number, got {raw!r}") from None
    if value < 0 or (whole and value != value.to_integral_value()):
        raise UsageError(f"usage file: {where} must be a {'whole ' if whole else ''}number >= 0, got {raw!r}")
    return value


def _section(doc: Mapping[str, Any], key: str, fields: set[str]) -> Mapping[str, Mapping[str, Any]]:
    section = doc.get(key) or {}
    if not isinstance(section, Mapping) or not all(isinstance(v, Mapping) for v in section.values()):
        raise UsageError(f"usage file: `{key}` must map names to objects, e.g. {{\"chat\": {{...}}}}")
    for name, entry in section.items():
        unknown = set(entry) - fields
        if unknown:
            raise UsageError(f"usage file: {key}.{name} has unknown keys {sorted(unknown)} (known: {sorted(fields)})")
    return section


def parse_usage(doc: Any) -> Usage:
    if not isinstance(doc, Mapping):
        raise UsageError("usage file: expected a JSON object")
    known = {"busy_hours_per_month", "deployments", "jobs", "datasets", "models"}
    unknown = set(doc) - known
    if unknown:
        raise UsageError(f"usage file: unknown keys {sorted(unknown)} (known: {sorted(known)})")
    deployments = _section(doc, "deployments", {"busy_hours_per_month"})
    jobs = _section(doc, "jobs", {"training_tokens", "parameters_billions"})
    datasets = _section(doc, "datasets", {"tokens"})
    models = _section(doc, "models", {"parameters_billions"})
    default = doc.get("busy_hours_per_month")
    return Usage(
        default_busy_hours=None if default is None else _number("busy_hours_per_month", default),
        busy_hours={n: _number(f"deployments.{n}.busy_hours_per_month", e["busy_hours_per_month"])
                    for n, e in deployments.items() if "busy_hours_per_month" in e},
        job_tokens={n: int(_number(f"jobs.{n}.training_tokens", e["training_tokens"], whole=True))
                    for n, e in jobs.items() if "training_tokens" in e},
        dataset_tokens={n: int(_number(f"datasets.{n}.tokens", e["tokens"], whole=True)) for n, e in datasets.items() if "tokens" in e},
        parameters_billions={n: _number(f"jobs.{n}.parameters_billions", e["parameters_billions"])
                             for n, e in jobs.items() if "parameters_billions" in e},
        model_parameters_billions={n: _number(f"models.{n}.parameters_billions", e["parameters_billions"])
                                   for n, e in models.items() if "parameters_billions" in e},
    )


def load_usage(path: Path | str) -> Usage:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_usage(doc)
