"""The price book: dollars per GPU-hour by accelerator type and per million training tokens.

Why a dated, shipped table and not a fetch: Fireworks publishes prices on fireworks.ai/pricing
only (there is no pricing API), and nothing here may download at run time. So
``list_prices.json`` holds the list prices with the date and source of every row, every
summary prints "list prices as of <date>", and contract prices, reservations or a region
premium of your own are overrides on top (a file or flags), never edits of the table.

Keeping it current: when fireworks.ai/pricing changes, edit ``list_prices.json`` (the row's
``usd``, ``as_of`` and ``source``; the table's ``as_of``) in a pull request of its own. No
test compares the date with the calendar: an old table is shown as old in every summary,
and a test that failed by the calendar would fail every CI run on the day it expired.

Override file (``--prices``, the policy's ``pricePerGpuHour``)::

    {"source": "our contract, 2026", "usd_per_gpu_hour": {"NVIDIA_H100_80GB": 5.80},
     "training_usd_per_million_tokens": {"16": 0.40}, "region_premium": 1.0}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Optional

LIST_PRICES = "list_prices.json"


class PriceBookError(ValueError):
    """A price file or option that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SizeClass:
    """Training price of models up to ``up_to_billions`` parameters (None: any larger)."""

    up_to_billions: Optional[Decimal]
    usd_per_million_tokens: Decimal

    @property
    def label(self) -> str:
        return f"≤ {self.up_to_billions.normalize():f}B" if self.up_to_billions is not None else "larger"


@dataclass(frozen=True)
class PriceBook:
    """List prices with the overrides given on top (see the module docstring)."""

    as_of: str
    usd_per_gpu_hour: Mapping[str, Decimal]
    training: tuple[SizeClass, ...]
    dpo_multiplier: Decimal = Decimal(2)
    full_parameter_multiplier: Decimal = Decimal(2)
    region_premium: Decimal = Decimal("1.5")
    overrides: tuple[str, ...] = field(default=())
    """Where prices that are not list prices came from (a file's source, ``--price``)."""

    def gpu_hour(self, accelerator_type: Optional[str], *, regional: bool = False) -> Optional[Decimal]:
        """Dollars per GPU-hour, with the region premium for a region-restricted deployment."""
        price = self.usd_per_gpu_hour.get(accelerator_type or "")
        return None if price is None else price * (self.region_premium if regional else Decimal(1))

    def per_million_tokens(self, parameters_billions: Decimal) -> SizeClass:
        """The LoRA SFT price class of a model of this size."""
        for size in self.training:
            if size.up_to_billions is None or parameters_billions <= size.up_to_billions:
                return size
        return self.training[-1]

    def describe(self) -> str:
        """How a summary names its prices: ``list prices as of 2026-10-07`` (+ overrides)."""
        text = f"list prices as of {self.as_of}"
        return text + (f", with overrides from {', '.join(self.overrides)}" if self.overrides else "")

    def with_overrides(self, doc: Mapping[str, Any], where: str) -> PriceBook:
        """This book with an override file's prices on top."""
        unknown = set(doc) - {"source", "usd_per_gpu_hour", "training_usd_per_million_tokens", "region_premium"}
        if unknown:
            raise PriceBookError(f"{where}: unknown keys {sorted(unknown)}")
        source = doc.get("source")
        if source is not None and not isinstance(source, str):
            raise PriceBookError(f"{where}: `source` must be a string")
        gpu = doc.get("usd_per_gpu_hour") or {}
        if not isinstance(gpu, Mapping):
            raise PriceBookError(f'{where}: `usd_per_gpu_hour` must be {{"NVIDIA_H100_80GB": 5.8, ...}}')
        training = doc.get("training_usd_per_million_tokens") or {}
        if not isinstance(training, Mapping):
            raise PriceBookError(f'{where}: `training_usd_per_million_tokens` must be {{"16": 0.4, ...}} (up to N billion parameters)')
        book = replace(
            self,
            usd_per_gpu_hour={**self.usd_per_gpu_hour, **{str(k): price(f"{where}: {k}", v) for k, v in gpu.items()}},
            training=_merged_training(self.training, {price(f"{where}: size", k): price(f"{where}: {k}", v) for k, v in training.items()}),
            overrides=(*self.overrides, source or where),
        )
        if "region_premium" in doc:
            book = replace(book, region_premium=price(f"{where}: region_premium", doc["region_premium"]))
        return book

    def with_gpu_prices(self, prices: Mapping[str, Decimal], source: str) -> PriceBook:
        """This book with single prices on top (``--price TYPE=USD``)."""
        if not prices:
            return self
        return replace(self, usd_per_gpu_hour={**self.usd_per_gpu_hour, **prices}, overrides=(*self.overrides, source))

    def with_region_premium(self, multiplier: Decimal, source: str) -> PriceBook:
        """This book with another region premium (``--region-premium``)."""
        return replace(self, region_premium=multiplier, overrides=(*self.overrides, source))


def _merged_training(classes: Iterable[SizeClass], overrides: Mapping[Decimal, Decimal]) -> tuple[SizeClass, ...]:
    merged: dict[Optional[Decimal], Decimal] = {c.up_to_billions: c.usd_per_million_tokens for c in classes}
    for bound, usd in overrides.items():
        merged[bound] = usd
    bounded = sorted((k, v) for k, v in merged.items() if k is not None)
    rest = [SizeClass(None, merged[None])] if None in merged else []
    return tuple(SizeClass(k, v) for k, v in bounded) + tuple(rest)


def amount(where: str, raw: Any, what: str = "a price in dollars") -> Decimal:
    """A non-negative number from JSON or a flag (int64s arrive as strings); ``what`` names
    what it counts, so the message says what to write."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise PriceBookError(f"{where}: must be {what}, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise PriceBookError(f"{where}: {raw!r} is not a number (write {what})") from None
    if not value.is_finite() or value < 0:
        raise PriceBookError(f"{where}: must be {what}, 0 or more, got {raw!r}")
    return value


def price(where: str, raw: Any) -> Decimal:
    """A price in dollars (see :func:`amount`)."""
    return amount(where, raw)


def parse_assignments(options: Iterable[str], flag: str, unit: str, what: str = "a price in dollars") -> dict[str, Decimal]:
    """``["NVIDIA_H100_80GB=5.80", ...]`` (a repeatable ``flag``) -> numbers by name."""
    values: dict[str, Decimal] = {}
    for option in options:
        name, sep, raw = option.partition("=")
        if not sep or not name.strip():
            raise PriceBookError(f"{flag} {option!r}: write ACCELERATOR_TYPE={unit}")
        values[name.strip()] = amount(f"{flag} {name.strip()}", raw.strip(), what)
    return values


def list_prices() -> PriceBook:
    """The shipped list prices (``list_prices.json``)."""
    doc = json.loads(resources.files("pulumi_fireworks.cost").joinpath(LIST_PRICES).read_text(encoding="utf-8"))
    training = doc["training_usd_per_million_tokens"]
    return PriceBook(
        as_of=str(doc["as_of"]),
        usd_per_gpu_hour={k: price(k, v["usd"]) for k, v in doc["usd_per_gpu_hour"].items()},
        training=tuple(
            SizeClass(None if c["up_to_billions"] is None else Decimal(str(c["up_to_billions"])), price("training", c["usd"]))
            for c in training["lora_sft_by_size"]
        ),
        dpo_multiplier=price("dpo_multiplier", training["dpo_multiplier"]),
        full_parameter_multiplier=price("full_parameter_multiplier", training["full_parameter_multiplier"]),
        region_premium=price("region_premium", doc["region_premium"]["multiplier"]),
    )


def load_overrides(book: PriceBook, path: Path | str) -> PriceBook:
    """``book`` with the override file at ``path`` on top."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PriceBookError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(doc, Mapping):
        raise PriceBookError(f'{path}: expected {{"source": "...", "usd_per_gpu_hour": {{...}}}}')
    return book.with_overrides(doc, str(path))
