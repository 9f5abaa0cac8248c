"""What a deployment costs per month and what a fine-tuning job costs once, from inputs.

One module for the review summary and the policy pack, so a PR comment and a policy
violation never disagree about a number. Conventions (each a choice, said where it shows):

* **A month is 730 hours** (365 x 24 / 12, Infracost's convention).
* **Deployments** are billed per GPU-second while a replica runs; scaled to zero costs
  nothing. *At min replicas* is ``min_replica_count`` x GPUs x 730 h (0 for scale-to-zero);
  *at max* is ``max_replica_count`` x GPUs x 730 h, the ceiling autoscaling may reach. With
  a usage assumption (busy hours per month, per deployment or per stack, like Infracost's
  usage file) *expected* is the floor all month plus the rest of the peak for the busy hours:
  ``min GPUs x 730 + (max GPUs - min GPUs) x busy hours``; a deployment the usage file gives
  no busy hours for (and no stack-wide default) is taken to be busy all month, so its expected
  cost is its cost at max, never an optimistic guess. A deployment held to one region
  (``placement.region``) pays the region premium (list: 1.5x).
* **Training** is billed per training token: dataset tokens x epochs, x the LoRA SFT price
  of the base model's size class; DPO costs the DPO multiplier (list: 2x). The jobs here are
  LoRA jobs (``lora_rank`` >= 1), so the full-parameter multiplier never applies. Once the
  API has returned a job's own ``estimated_cost``, that is used instead. Reinforcement
  fine-tuning is billed by GPU time: priced from ``accelerator_seconds`` once the service
  reports them, and listed as not estimable before.
* Nothing is guessed: what cannot be priced is returned with the reason and what to give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from .prices import PriceBook, SizeClass
from .usage import Usage

HOURS_PER_MONTH = Decimal(730)

_SIZE = re.compile(r"(?<![a-z0-9])(?:(\d+)x)?(\d+(?:p\d+)?)b(?![a-z0-9])")


def parameters_billions(model: str) -> Optional[Decimal]:
    """The parameter count a model id spells (``llama-v3p1-8b-instruct`` -> 8, ``qwen3-0p6b``
    -> 0.6, ``mixtral-8x7b`` -> 56), or None when it spells none."""
    found = _SIZE.findall(model.rsplit("/", 1)[-1].lower())
    if not found:
        return None
    experts, size = found[-1]
    billions = Decimal(size.replace("p", "."))
    return billions * int(experts) if experts else billions


def monthly(gpus: Decimal, usd_per_gpu_hour: Decimal, hours: Decimal = HOURS_PER_MONTH) -> Decimal:
    return gpus * usd_per_gpu_hour * hours


def expected_gpu_hours(floor_gpus: Decimal, peak_gpus: Decimal, busy_hours: Decimal) -> Decimal:
    """The floor all month, the rest of the peak for ``busy_hours`` (module docstring)."""
    return floor_gpus * HOURS_PER_MONTH + max(peak_gpus - floor_gpus, Decimal(0)) * min(busy_hours, HOURS_PER_MONTH)


@dataclass(frozen=True)
class TrainingCost:
    """One training run's cost, or why it has none."""

    name: str
    method: str
    """``SFT``, ``DPO`` or ``RFT``."""
    usd: Optional[Decimal]
    basis: str
    """How the figure was made, in words a reviewer can check (or why there is none)."""


_METHODS = {"SupervisedFineTuningJob": "SFT", "DpoJob": "DPO", "ReinforcementFineTuningJob": "RFT"}


def is_training(type_name: str) -> bool:
    return type_name in _METHODS


def settings_of(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """A job's training settings: its ``training_config`` (DPO, RFT) or its own inputs (SFT)."""
    config = inputs.get("training_config")
    return config if isinstance(config, Mapping) else inputs


def same_run(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether a replacement trains the same as the run it replaces (dataset, base model,
    epochs), so what the API reported for that run prices this one too."""
    a, b = settings_of(old), settings_of(new)
    return old.get("dataset") == new.get("dataset") and all(
        a.get(key) == b.get(key) for key in ("base_model", "warm_start_from", "epochs"))


def by_name(values: Mapping[str, Any], name: str) -> Any:
    """``values[name]``, else by the name's last segment (``accounts/a/datasets/x`` -> ``x``),
    so a usage file may name a dataset or model by its id."""
    return values[name] if name in values else values.get(name.rsplit("/", 1)[-1])


def training_cost(
    name: str,
    type_name: str,
    inputs: Mapping[str, Any],
    book: PriceBook,
    usage: Usage,
    dataset_tokens: Mapping[str, int],
    outputs: Optional[Mapping[str, Any]] = None,
    reported_for: str = "this job",
) -> TrainingCost:
    """The cost of the run a job's create (or replacement) starts. ``dataset_tokens``: the
    tokens of the datasets the caller knows, by name; ``outputs``: what the API reported
    (for ``reported_for``), which wins over any estimate."""
    method = _METHODS[type_name]
    outputs = outputs or {}
    stated = _money(outputs.get("estimated_cost"))
    if stated is not None:
        return TrainingCost(name, method, stated, f"the API's estimated_cost for {reported_for}")
    if method == "RFT":
        return _by_gpu_time(name, outputs.get("accelerator_seconds"), book, reported_for)
    settings = settings_of(inputs)
    epochs = whole_number(settings.get("epochs")) or 1  # the API's default
    dataset = inputs.get("dataset")
    tokens = usage.job_tokens.get(name)
    if tokens is None and isinstance(dataset, str):
        tokens = dataset_tokens.get(dataset, by_name(usage.dataset_tokens, dataset))
    if tokens is None:
        return TrainingCost(name, method, None, f"dataset tokens unknown: give `jobs.{name}.training_tokens` or "
                                                "`datasets.<id>.tokens` in the usage file")
    model = settings.get("base_model") or settings.get("warm_start_from")
    size = usage.parameters_billions.get(name)
    if size is None and isinstance(model, str):
        size = by_name(usage.model_parameters_billions, model)
        size = parameters_billions(model) if size is None else size
    if size is None:
        return TrainingCost(name, method, None, f"model size unknown ({model}): give `jobs.{name}.parameters_billions` "
                                                "or `models.<id>.parameters_billions` in the usage file")
    price_class: SizeClass = book.per_million_tokens(size)
    multiplier = book.dpo_multiplier if method == "DPO" else Decimal(1)
    trained = tokens * epochs
    usd = Decimal(trained) / Decimal(1_000_000) * price_class.usd_per_million_tokens * multiplier
    dpo = f" x {multiplier.normalize():f} (DPO)" if method == "DPO" else ""
    return TrainingCost(name, method, usd, f"{tokens:,} tokens x {epochs} epoch{'s' if epochs != 1 else ''} = "
                                          f"{trained:,} at ${price_class.usd_per_million_tokens:.2f}/1M ({size.normalize():f}B, "
                                          f"{price_class.label}){dpo}")


def _by_gpu_time(name: str, seconds_by_type: Any, book: PriceBook, reported_for: str) -> TrainingCost:
    if not isinstance(seconds_by_type, Mapping) or not seconds_by_type:
        return TrainingCost(name, "RFT", None, "billed by GPU time, known only once it runs (accelerator_seconds)")
    total = Decimal(0)
    for accelerator, seconds in seconds_by_type.items():
        rate = book.gpu_hour(str(accelerator))
        if rate is None:
            return TrainingCost(name, "RFT", None, f"no price for {accelerator}: give `--price {accelerator}=USD`")
        total += Decimal(str(seconds)) / Decimal(3600) * rate
    return TrainingCost(name, "RFT", total, f"the accelerator_seconds the API reported for {reported_for}, at GPU-hour prices")


def _money(value: Any) -> Optional[Decimal]:
    """``google.type.Money`` (``units`` int64 string, ``nanos``) as dollars."""
    if not isinstance(value, Mapping) or (value.get("units") in (None, "") and not value.get("nanos")):
        return None
    return Decimal(str(value.get("units") or 0)) + Decimal(int(value.get("nanos") or 0)) / Decimal(1_000_000_000)


def dollars(value: Decimal) -> str:
    """``$1,234.50`` (``-$5.00`` below zero): cents rounded half up. Every figure of the cost
    model is written this way (the review summary, its CI messages, the policy pack), so no
    two of them disagree by a cent."""
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{'-' if cents < 0 else ''}${abs(cents):,}"


def whole_number(value: Any) -> Optional[int]:
    """A count as JSON holds it (``3`` or ``3.0``); None for anything else (a flag, text, an
    unknown), so a figure is never made from a value the preview does not know."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
