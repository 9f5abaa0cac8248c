"""GPUs a stack's Fireworks deployments hold, by accelerator type, before and after a change.

Why: a deployment is billed per GPU-hour while its replicas run, so what a pull request does to
the bill is ``replicas x accelerator_count`` per accelerator type. The floor (``min_replica_count``)
is paid all the time; the ceiling (``max_replica_count``) is what autoscaling may reach. Both are
computed from the inputs in the preview JSON, never guessed:

* ``min_replica_count`` defaults to 0 and ``max_replica_count`` to ``max(min, 1)`` (the API's rule);
* without ``accelerator_count`` the server picks the count, so the figure is a lower bound
  (at least one GPU per running replica) and shown as such;
* with a ``deployment_shape`` the accelerator comes from the shape, which the preview does not
  know, so those deployments are counted under "via shape <name>", without a price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Optional

from ..cost.model import whole_number
from .preview import Preview, ResourceChange
from .prices import PriceTable
from .values import UNKNOWN, normalise

DEPLOYMENT_TYPE = "pulumi-python:dynamic/fireworks:Deployment"

UNSPECIFIED = "unspecified (server default)"
UNKNOWN_TYPE = "known after up"


@dataclass(frozen=True)
class Amount:
    """A count or a cost; ``exact=False`` means "at least ``value``"."""

    value: Decimal
    exact: bool = True

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.value + other.value, self.exact and other.exact)

    def times(self, price: Decimal) -> Amount:
        return Amount(self.value * price, self.exact)


ZERO = Amount(Decimal(0))


@dataclass(frozen=True)
class DeploymentGpus:
    """One deployment's GPU footprint, from its inputs."""

    name: str
    accelerator: str
    """The accelerator type, or a label: via shape ..., unspecified, known after up."""
    accelerator_type: Optional[str]
    """The type when the inputs name it (the key of the price table)."""
    per_replica: Optional[int]
    min_replicas: Optional[int]
    max_replicas: Optional[int]

    def gpus(self, bound: Literal["min", "max"]) -> Amount:
        replicas = self.min_replicas if bound == "min" else self.max_replicas
        if replicas is None:
            # Unknown until up: at least the floor we know of.
            floor = self.min_replicas or 0
            per = self.per_replica if self.per_replica is not None else 1
            return Amount(Decimal(floor * per), exact=False)
        if replicas == 0:
            return ZERO
        if self.per_replica is None:
            return Amount(Decimal(replicas), exact=False)
        return Amount(Decimal(replicas * self.per_replica))


def deployment_gpus(name: str, inputs: Mapping[str, Any]) -> DeploymentGpus:
    values = {k: normalise(v) for k, v in inputs.items()}
    shape = values.get("deployment_shape")
    accelerator_type = values.get("accelerator_type")
    if isinstance(accelerator_type, str):
        label: str = accelerator_type
        typed: Optional[str] = accelerator_type
    elif accelerator_type is UNKNOWN:
        label, typed = UNKNOWN_TYPE, None
    elif isinstance(shape, str):
        label, typed = f"via shape {_shape_id(shape)}", None
    elif shape is UNKNOWN:
        label, typed = f"via shape ({UNKNOWN_TYPE})", None
    else:
        label, typed = UNSPECIFIED, None
    low = _count(values.get("min_replica_count"), default=0)
    high_raw = values.get("max_replica_count")
    if high_raw is None:
        high: Optional[int] = None if low is None else max(low, 1)
    else:
        high = _count(high_raw, default=None)
    return DeploymentGpus(
        name=name,
        accelerator=label,
        accelerator_type=typed,
        per_replica=_count(values.get("accelerator_count"), default=None),
        min_replicas=low,
        max_replicas=high,
    )


def _count(value: Any, *, default: Optional[int]) -> Optional[int]:
    return default if value is None else whole_number(value)


def _shape_id(shape: str) -> str:
    marker = "/deploymentShapes/"
    return shape.split(marker, 1)[1] if marker in shape else shape


@dataclass(frozen=True)
class FootprintRow:
    accelerator: str
    accelerator_type: Optional[str]
    before_min: Amount
    before_max: Amount
    after_min: Amount
    after_max: Amount

    def cost(self, prices: PriceTable, side: Literal["before", "after"], bound: Literal["min", "max"]) -> Optional[Amount]:
        """Dollars per hour, or None when this row has GPUs but no price."""
        gpus: Amount = getattr(self, f"{side}_{bound}")
        price = prices.price(self.accelerator_type)
        if price is None:
            return ZERO if gpus == ZERO else None
        return gpus.times(price)


@dataclass(frozen=True)
class Footprint:
    rows: tuple[FootprintRow, ...]
    deployments_before: tuple[DeploymentGpus, ...]
    deployments_after: tuple[DeploymentGpus, ...]
    complete: bool
    """False when unchanged deployments may be missing from the preview JSON."""

    @property
    def total(self) -> FootprintRow:
        total = FootprintRow("Total", None, ZERO, ZERO, ZERO, ZERO)
        for row in self.rows:
            total = FootprintRow(
                "Total",
                None,
                total.before_min + row.before_min,
                total.before_max + row.before_max,
                total.after_min + row.after_min,
                total.after_max + row.after_max,
            )
        return total

    def total_cost(
        self, prices: PriceTable, side: Literal["before", "after"], bound: Literal["min", "max"]
    ) -> tuple[Amount, bool]:
        """The summed dollars of the priced rows, and whether every row with GPUs had a price."""
        total, complete = ZERO, True
        for row in self.rows:
            cost = row.cost(prices, side, bound)
            if cost is None:
                complete = False
            else:
                total = total + cost
        return total, complete


def footprint(preview: Preview) -> Footprint:
    """Before: every deployment the stack has now; after: every one it will have."""
    before: list[DeploymentGpus] = []
    after: list[DeploymentGpus] = []
    for change in preview.resources:
        if change.type != DEPLOYMENT_TYPE or change.action in ("read",):
            continue
        if change.old is not None and change.action not in ("create", "import"):
            before.append(deployment_gpus(change.name, change.old.inputs))
        if change.new is not None and change.action != "delete":
            after.append(deployment_gpus(change.name, change.new.inputs))
    return Footprint(
        rows=_rows(before, after),
        deployments_before=tuple(before),
        deployments_after=tuple(after),
        complete=preview.unchanged_missing == 0,
    )


def _rows(before: Iterable[DeploymentGpus], after: Iterable[DeploymentGpus]) -> tuple[FootprintRow, ...]:
    sums: dict[str, list[Amount]] = {}
    types: dict[str, Optional[str]] = {}
    for offset, deployments in ((0, before), (2, after)):
        for d in deployments:
            slot = sums.setdefault(d.accelerator, [ZERO, ZERO, ZERO, ZERO])
            types[d.accelerator] = d.accelerator_type
            slot[offset] = slot[offset] + d.gpus("min")
            slot[offset + 1] = slot[offset + 1] + d.gpus("max")
    # Named accelerator types first, then the labels (shapes, unspecified).
    order = sorted(sums, key=lambda label: (types[label] is None, label))
    return tuple(FootprintRow(label, types[label], *sums[label]) for label in order)
