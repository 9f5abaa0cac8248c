"""The money side of a preview: each deployment's monthly cost before and after, and the
one-off cost of the training runs it starts (the quota headroom is :mod:`.quotas`).

Why on top of :mod:`.footprint`: the GPU arithmetic is done once there; this module prices
it with the cost model (:mod:`pulumi_fireworks.cost`), the same one the policy pack uses.
Figures are :class:`~.footprint.Amount`\\ s (``exact=False``: a lower bound) or ``None``
(no price for that accelerator, or a shape the preview does not resolve): a total says
whether it covers every deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Optional

from ..cost import HOURS_PER_MONTH, PriceBook, TrainingCost, Usage, expected_gpu_hours, training_cost
from ..cost.model import by_name, is_training, same_run
from .footprint import DEPLOYMENT_TYPE, ZERO, Amount, DeploymentGpus, Footprint
from .preview import Preview
from .values import normalise

Bound = Literal["min", "max", "expected"]
Side = Literal["before", "after"]


@dataclass(frozen=True)
class DeploymentCost:
    name: str
    accelerator: str
    before: Optional[dict[Bound, Optional[Amount]]]
    after: Optional[dict[Bound, Optional[Amount]]]
    """Dollars per month by bound; None for a side where the deployment does not exist."""

    def pair(self, bound: Bound) -> tuple[Optional[Amount], Optional[Amount]]:
        """Before and after at ``bound``: $0 where the deployment does not exist, None where
        it has no price."""
        before = self.before.get(bound) if self.before is not None else ZERO
        after = self.after.get(bound) if self.after is not None else ZERO
        return before, after


@dataclass(frozen=True)
class CostReport:
    book: PriceBook
    usage: Usage
    deployments: tuple[DeploymentCost, ...]
    training: tuple[tuple[str, str, TrainingCost], ...]
    """(label, action, cost) of each training run a create or replacement starts."""

    @property
    def has_expected(self) -> bool:
        return self.usage.default_busy_hours is not None or bool(self.usage.busy_hours)

    def total(self, side: Side, bound: Bound) -> tuple[Amount, bool]:
        """The summed dollars per month, and whether every deployment was priced."""
        total, complete = ZERO, True
        for d in self.deployments:
            figures = d.before if side == "before" else d.after
            if figures is None:
                continue
            amount = figures.get(bound)
            if amount is None:
                complete = False
            else:
                total = total + amount
        return total, complete


    def rise(self, bound: Bound) -> tuple[Decimal, tuple[str, ...]]:
        """How much the monthly cost rises, over the deployments priced on each side they exist
        (one priced on one side only would count as a rise or fall it is not), and the names of
        those left out."""
        rise, left_out = Decimal(0), []
        for d in self.deployments:
            before, after = d.pair(bound)
            if before is None or after is None:
                left_out.append(d.name)
            else:
                rise += after.value - before.value
        return rise, tuple(left_out)


def cost_report(preview: Preview, fp: Footprint, book: PriceBook, usage: Usage) -> CostReport:
    regional = _regional(preview)
    before = {d.name: d for d in fp.deployments_before}
    after = {d.name: d for d in fp.deployments_after}
    rows = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        label = (a or b).accelerator if (a or b) is not None else ""  # type: ignore[union-attr]
        rows.append(DeploymentCost(
            name, label,
            _figures(b, book, usage, regional.get(("before", name), False)) if b else None,
            _figures(a, book, usage, regional.get(("after", name), False)) if a else None,
        ))
    return CostReport(book, usage, tuple(rows), _training(preview, book, usage))


def _figures(d: DeploymentGpus, book: PriceBook, usage: Usage, regional: bool) -> dict[Bound, Optional[Amount]]:
    rate = book.gpu_hour(d.accelerator_type, regional=regional)
    low, high = d.gpus("min"), d.gpus("max")
    def priced(gpus: Amount) -> Optional[Amount]:
        return (ZERO if gpus == ZERO else None) if rate is None else gpus.times(rate * HOURS_PER_MONTH)

    # Without an assumption for it, a deployment is taken to be busy all month (expected = max).
    busy = usage.busy_hours_of(d.name)
    hours = expected_gpu_hours(low.value, high.value, HOURS_PER_MONTH if busy is None else busy)
    expected = (ZERO if high == ZERO else None) if rate is None else Amount(hours * rate, low.exact and high.exact)
    return {"min": priced(low), "max": priced(high), "expected": expected}


def _regional(preview: Preview) -> dict[tuple[Side, str], bool]:
    """Deployments held to one region (``placement.region`` set), which pay the region premium."""
    found: dict[tuple[Side, str], bool] = {}
    for change in preview.resources:
        if change.type != DEPLOYMENT_TYPE:
            continue
        for side, state in (("before", change.old), ("after", change.new)):
            if state is not None:
                placement = normalise(state.inputs.get("placement"))
                found[(side, change.name)] = isinstance(placement, Mapping) and isinstance(placement.get("region"), str)  # type: ignore[index]
    return found


def _dataset_tokens(preview: Preview, usage: Usage) -> dict[str, int]:
    """Tokens of each dataset of the stack, by its name: the usage file's (by resource name,
    name or id), else the count the service returned (``estimated_token_count``)."""
    tokens: dict[str, int] = {}
    for change in preview.resources:
        state = change.new or change.old
        if change.type_name != "Dataset" or state is None:
            continue
        # The name is recorded with the checked inputs (a "same" step carries no new outputs).
        name = state.inputs.get("name") or state.outputs.get("name")
        if not isinstance(name, str):
            continue
        count = usage.dataset_tokens.get(change.name, by_name(usage.dataset_tokens, name))
        if count is None and change.old is not None and change.action not in ("create", "replace"):
            # The count is of the data the service holds now: not of a dataset about to be made.
            counted = change.old.outputs.get("estimated_token_count")
            count = int(counted) if isinstance(counted, (str, int)) and str(counted).isdigit() and int(counted) > 0 else None
        if count is not None:
            tokens[name] = count
    return tokens


def _training(preview: Preview, book: PriceBook, usage: Usage) -> tuple[tuple[str, str, TrainingCost], ...]:
    """Each run a create or replacement starts. A replacement that trains the same as the run
    it replaces is priced by what the API reported for that run, and says so."""
    tokens = _dataset_tokens(preview, usage)
    runs = []
    for change in sorted(preview.changes, key=lambda c: c.label):
        if not is_training(change.type_name) or change.action not in ("create", "replace") or change.new is None:
            continue
        inputs = {k: normalise(v) for k, v in change.new.inputs.items()}
        outputs, reported = None, "this job"
        if change.action == "replace" and change.old is not None:
            old_inputs = {k: normalise(v) for k, v in change.old.inputs.items()}
            if same_run(old_inputs, inputs):
                outputs, reported = change.old.outputs, "the run it replaces (same dataset, base model and epochs)"
        cost = training_cost(change.name, change.type_name, inputs, book, usage, tokens, outputs, reported)
        runs.append((change.label, change.action, cost))
    return tuple(runs)
