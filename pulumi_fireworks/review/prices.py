"""The GPU footprint's price table: dollars per GPU-hour by accelerator type.

The review builds it from the cost model's price book (:mod:`pulumi_fireworks.cost.prices`:
dated list prices with overrides on top). This module keeps the older price-file format,
which ``--prices`` still accepts, and the ``--price`` options::

    {
      "source": "fireworks.ai/pricing, on-demand, checked 2025-06-01",
      "usd_per_gpu_hour": {"NVIDIA_H100_80GB": 5.80, "NVIDIA_A100_80GB": 2.90}
    }

Single prices can also be given (or overridden) on the command line: ``--price NVIDIA_H100_80GB=5.80``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from ..cost.prices import PriceBookError, parse_assignments, price


PriceTableError = PriceBookError
"""A price file or option that cannot be used (the cost model's error; the old name stays)."""


@dataclass(frozen=True)
class PriceTable:
    usd_per_gpu_hour: Mapping[str, Decimal] = field(default_factory=dict)
    source: Optional[str] = None

    def price(self, accelerator_type: Optional[str]) -> Optional[Decimal]:
        if accelerator_type is None:
            return None
        return self.usd_per_gpu_hour.get(accelerator_type)

    def with_prices(self, overrides: Mapping[str, Decimal]) -> PriceTable:
        """This table with ``overrides`` (from ``--price`` options) on top."""
        if not overrides:
            return self
        if self.usd_per_gpu_hour:
            source = f"{self.source or 'price file'}, with --price overrides"
        else:
            source = "--price options"
        return PriceTable({**self.usd_per_gpu_hour, **overrides}, source)


def parse_prices(doc: Any, where: str = "price table") -> PriceTable:
    if not isinstance(doc, Mapping) or not isinstance(doc.get("usd_per_gpu_hour"), Mapping):
        raise PriceTableError(
            f"{where}: expected {{\"source\": \"...\", \"usd_per_gpu_hour\": {{\"NVIDIA_H100_80GB\": 5.8, ...}}}}"
        )
    unknown = set(doc) - {"source", "usd_per_gpu_hour"}
    if unknown:
        raise PriceTableError(f"{where}: unknown keys {sorted(unknown)}")
    source = doc.get("source")
    if source is not None and not isinstance(source, str):
        raise PriceTableError(f"{where}: `source` must be a string")
    prices = {str(k): price(f"{where}: {k}", v) for k, v in doc["usd_per_gpu_hour"].items()}
    return PriceTable(prices, source)


def load_prices(path: Path | str) -> PriceTable:
    text = Path(path).read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PriceTableError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_prices(doc, str(path))


def parse_price_options(options: Iterable[str]) -> dict[str, Decimal]:
    """``["NVIDIA_H100_80GB=5.80", ...]`` -> prices."""
    return parse_assignments(options, "--price", "DOLLARS_PER_GPU_HOUR")
