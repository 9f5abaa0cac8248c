"""The stack's GPU budget: the sum over its deployments of the most GPUs each may hold.

Per accelerator type, in total, in dollars per hour (priced only by the config's table),
and in dollars per month (``maxMonthlyDollars``: the cost model the review summary uses,
:mod:`pulumi_fireworks.cost`: the dated list prices with ``pricePerGpuHour`` on top, the
region premium, 730 hours a month, at max replicas). Totals are lower bounds when some
deployment's numbers are not known (see ``capacity.py``), and only what the lower bound
already exceeds is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...cost import HOURS_PER_MONTH, PriceBook, dollars, list_prices, monthly

from .._rule import StackContext, StackResource, Violation, stack_policy
from ..resources import Deployment
from ..settings import Setting, Settings
from .capacity import Footprint, footprint

GPU_BUDGET = "fireworks-stack-gpu-budget"
UNSPECIFIED = "unspecified accelerator type"

_SETTINGS = Settings(
    GPU_BUDGET,
    (
        Setting("maxGpus", {"type": "integer", "minimum": 0,
                            "description": "Most GPUs all deployments of the stack may hold together. Unset: no limit."}),
        Setting("maxGpusByAcceleratorType", {
            "type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
            "description": "Per accelerator type, e.g. {\"NVIDIA_H100_80GB\": 16}. Unset types: no limit."}),
        Setting("pricePerGpuHour", {
            "type": "object", "additionalProperties": {"type": "number", "minimum": 0},
            "description": "Your price per GPU-hour by accelerator type, e.g. {\"NVIDIA_H100_80GB\": 2.9}: "
                           "maxDollarsPerHour is priced by these alone, maxMonthlyDollars by the dated list "
                           "prices with these on top."}),
        Setting("maxDollarsPerHour", {"type": "number", "minimum": 0,
                                      "description": "Most the stack's deployments may cost per hour at full "
                                                     "scale, priced with pricePerGpuHour. Unset: no limit."}),
        Setting("maxMonthlyDollars", {"type": "number", "minimum": 0,
                                      "description": "Most the stack's deployments may cost per month (730 h) at max "
                                                     "replicas, at the dated list prices with pricePerGpuHour on top. "
                                                     "Unset: no limit."}),
    ),
)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _listing(items: list[tuple[str, Footprint]]) -> str:
    return "; ".join(f"{name}: {usage.describe()}" for name, usage in items)


def check_budget(resources: list[StackResource], context: StackContext) -> Iterator[Violation]:
    config = context.config
    max_total = config.integer("maxGpus")
    max_by_type = config.numbers_by_name("maxGpusByAcceleratorType")
    prices = config.numbers_by_name("pricePerGpuHour")
    max_dollars = config.number("maxDollarsPerHour")

    usages = [(r.name, footprint(r.view)) for r in resources if isinstance(r.view, Deployment)]
    unknown = [name for name, usage in usages if usage.replicas is None]
    lower_bound = bool(unknown) or any(not usage.exact for _, usage in usages)
    by_type: dict[str, list[tuple[str, Footprint]]] = defaultdict(list)
    for name, usage in usages:
        by_type[usage.accelerator_type or UNSPECIFIED].append((name, usage))
    at_least = "at least " if lower_bound else ""
    caveat = f" (not counted, not known yet: {', '.join(unknown)})" if unknown else ""

    total = sum(usage.gpus for _, usage in usages)
    if max_total is not None and total > max_total:
        yield (
            f"the stack's deployments may hold {at_least}{total} GPUs, above the stack budget of "
            f"{max_total}{caveat}: {_listing(usages)}."
        ), None
    for accelerator, limit in sorted(max_by_type.items()):
        items = by_type.get(accelerator, [])
        used = sum(usage.gpus for _, usage in items)
        if used > limit:
            yield (
                f"the stack's deployments may hold {at_least}{used} {accelerator} GPUs, above the budget of "
                f"{_number(limit)}{caveat}: {_listing(items)}."
            ), None

    max_monthly = config.number("maxMonthlyDollars")
    if max_monthly is not None:
        yield from _monthly_budget(resources, usages, list_prices().with_gpu_prices(prices, "pricePerGpuHour"), max_monthly)

    if max_dollars is None:
        return
    cost = Decimal(0)
    for accelerator, items in sorted(by_type.items()):
        if accelerator == UNSPECIFIED:
            continue  # cannot be priced; the total below is a lower bound
        if accelerator not in prices:
            yield (
                f"maxDollarsPerHour is set but pricePerGpuHour has no price for {accelerator} "
                f"(used by {', '.join(name for name, _ in items)}), so the budget cannot be checked; "
                f"add your price for it."
            ), None
            continue
        cost += prices[accelerator] * sum(usage.gpus for _, usage in items)
    unpriced = [name for name, _ in by_type.get(UNSPECIFIED, [])]
    if cost > max_dollars:
        note = f" (not counted, accelerator type not set: {', '.join(unpriced)})" if unpriced else ""
        yield (
            f"at full scale the stack's deployments cost {at_least}${_number(cost)} per hour at the configured "
            f"prices, above the budget of ${_number(max_dollars)}{note}{caveat}."
        ), None


def _monthly_budget(
    resources: list[StackResource], usages: list[tuple[str, Footprint]], book: PriceBook, limit: Decimal
) -> Iterator[Violation]:
    """The monthly form: names the deployments that count most, largest first."""
    regional = {r.name: _regional(r.view) for r in resources if isinstance(r.view, Deployment)}
    costs, unpriced = [], []
    for name, usage in usages:
        rate = book.gpu_hour(usage.accelerator_type, regional=regional.get(name, False))
        if rate is None or usage.replicas is None:
            unpriced.append(name)
            continue
        costs.append((monthly(Decimal(usage.gpus), rate), name, usage))
    total = sum((c for c, _, _ in costs), Decimal(0))
    if total <= limit:
        return
    costs.sort(key=lambda item: (-item[0], item[1]))
    top = "; ".join(f"{name}: {usage.describe()} GPUs = {dollars(cost)}" for cost, name, usage in costs[:5])
    more = f" and {len(costs) - 5} more" if len(costs) > 5 else ""
    left_out = f" (not priced: {', '.join(unpriced)})" if unpriced else ""
    at_least = "at least " if unpriced or any(not u.exact for _, _, u in costs) else ""
    yield (
        f"at max replicas the stack's deployments cost {at_least}{dollars(total)} a month ({HOURS_PER_MONTH} h, "
        f"{book.describe()}), above the monthly budget of {dollars(limit)}{left_out}. Largest first: {top}{more}."
    ), None


def _regional(view: Deployment) -> bool:
    placement = view.placement
    return placement is not None and isinstance(getattr(placement, "region", None), str)


def stack_gpu_budget() -> StackValidationPolicy:
    return stack_policy(
        name=GPU_BUDGET,
        description="All deployments of the stack together stay within a GPU budget (count, per type, dollars per hour or month).",
        remediation_steps=(
            "Lower max_replica_count / accelerator_count of the listed deployments, remove some, or raise "
            "the budget (maxGpus, maxGpusByAcceleratorType, maxDollarsPerHour, maxMonthlyDollars) in the policy config. "
            "Stack rules run after resources are planned: `pulumi preview` and `pulumi up` (which previews "
            "first) stop before creating anything, `pulumi up --skip-preview` does not."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_SETTINGS,
        check=check_budget,
    )
