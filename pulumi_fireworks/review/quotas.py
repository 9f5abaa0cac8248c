"""Quota headroom: can the account run what the change asks for?

Why the arithmetic is not simply ``value - usage - (after - before)``: a quota's ``usage``
is what the account runs *now*, and that already includes this stack's deployments at the
replicas they run now, not at their ceiling. So per accelerator type::

    rest of the account = usage - what this stack runs now          (never below 0)
    left                = value - rest of the account - this stack's GPUs at max after the change

"What this stack runs now" is the ``replica_count`` the state recorded at the last ``up`` or
refresh, x ``accelerator_count``; where none is recorded, ``min_replica_count`` (the least it
can run), so the rest of the account is never understated and the headroom never overstated.
``pulumi preview --refresh --json`` records the counts of the moment.

The monthly spend limit covers the whole account, and its ``usage`` is spending so far, not
a monthly rate, so it cannot be split the same way: the row compares this stack's monthly
cost after the change with the limit, and says that the rest of the account is not known.

GPU quotas are matched by :func:`~pulumi_fireworks._wire.quota.gpu_quota_id`, an assumed
spelling (the ids are undocumented), which is why ``--gpu-quota TYPE=N`` gives them directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

from .._wire.quota import MONTHLY_SPEND_USD, gpu_quota_id
from ..cost.model import dollars, whole_number
from ..cost.prices import PriceBookError, amount, parse_assignments
from .costs import Bound, CostReport
from .footprint import DEPLOYMENT_TYPE, ZERO, Amount, Footprint
from .preview import Preview


@dataclass(frozen=True)
class QuotaFigure:
    quota_id: str
    value: Decimal
    usage: Decimal


def parse_quotas(doc: Any, where: str) -> dict[str, QuotaFigure]:
    """A quota snapshot: the REST list answer (``{"quotas": [...]}``, camelCase, int64 as
    strings), or the ``list_quotas()`` results a stack exports (snake_case), as a list or
    under ``quotas``. Quotas by id."""
    items = doc.get("quotas") if isinstance(doc, Mapping) else doc
    if not isinstance(items, list) or not all(isinstance(q, Mapping) for q in items):
        raise PriceBookError(f'{where}: expected {{"quotas": [{{"name": "accounts/<a>/quotas/<id>", "value": "8", '
                             '"usage": 4}, ...]} or a list of {"quota_id": ..., "value": ..., "usage": ...}')
    figures = {}
    for index, q in enumerate(items):
        quota_id = str(q.get("quota_id") or str(q.get("name") or "").rsplit("/", 1)[-1])
        if not quota_id:
            raise PriceBookError(f"{where}: quota #{index + 1} has neither `quota_id` nor `name`")
        figures[quota_id] = QuotaFigure(
            quota_id,
            amount(f"{where}: {quota_id}.value", q.get("value") or 0, "a number"),
            amount(f"{where}: {quota_id}.usage", q.get("usage") or 0, "a number"),
        )
    return figures


def load_quotas(path: Path | str) -> dict[str, QuotaFigure]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PriceBookError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_quotas(doc, str(path))


def parse_gpu_quotas(options: Iterable[str]) -> dict[str, Decimal]:
    """``["NVIDIA_H100_80GB=16", ...]`` -> GPUs per accelerator type."""
    return parse_assignments(options, "--gpu-quota", "GPUS", "a number of GPUs")


@dataclass(frozen=True)
class Headroom:
    what: str
    """The accelerator type, or the spend limit."""
    unit: Literal["GPUs", "USD"]
    limit: Decimal
    others: Optional[Decimal]
    """What the rest of the account uses (module docstring); None where the snapshot cannot tell."""
    now: Amount
    """This stack now: GPUs running, or dollars a month before the change."""
    after: Amount
    """This stack after the change: GPUs at max replicas, or dollars a month at the cost bound."""

    @property
    def left(self) -> Decimal:
        return self.limit - (self.others or Decimal(0)) - self.after.value

    def shortfall(self, bound: Bound) -> str:
        """Why the change does not fit, for the CI message."""
        if self.unit == "USD":
            return (f"would pass its monthly spend limit of {dollars(self.limit)}: this stack alone would cost "
                    f"{dollars(self.after.value)} a month at {bound} (--fail-on-quota)")
        others = f"{self.others.normalize():f}" if self.others is not None else "an unknown number"
        return (f"would pass its {self.what} quota of {self.limit.normalize():f} GPUs: the rest of the account uses "
                f"{others}, and this stack would hold {self.after.value.normalize():f} at max replicas "
                f"({self.left.normalize():f} left) (--fail-on-quota)")


def stack_gpus_now(preview: Preview, fp: Footprint) -> dict[str, Amount]:
    """GPUs this stack runs now, by accelerator type (module docstring)."""
    recorded = {
        change.name: whole_number(change.old.outputs.get("replica_count"))
        for change in preview.resources
        if change.type == DEPLOYMENT_TYPE and change.old is not None
    }
    now: dict[str, Amount] = {}
    for d in fp.deployments_before:
        if d.accelerator_type is None:
            continue
        replicas = recorded.get(d.name)
        running = Amount(Decimal(replicas if replicas is not None else d.min_replicas or 0))
        if replicas is None or d.per_replica is None:
            running = Amount(running.value, exact=False)
        per = d.per_replica if d.per_replica is not None else 1
        now[d.accelerator_type] = now.get(d.accelerator_type, ZERO) + running.times(Decimal(per))
    return now


def headroom(preview: Preview, fp: Footprint, report: CostReport, quotas: Mapping[str, QuotaFigure],
             gpu_quotas: Mapping[str, Decimal], bound: Bound) -> list[Headroom]:
    """One row per accelerator type the stack uses that has a quota (``--gpu-quota`` wins over
    the snapshot), and one for the monthly spend limit when the snapshot has it."""
    now = stack_gpus_now(preview, fp)
    rows = []
    for row in fp.rows:
        if row.accelerator_type is None:
            continue
        figure = quotas.get(gpu_quota_id(row.accelerator_type))
        limit = gpu_quotas.get(row.accelerator_type, figure.value if figure else None)
        if limit is None:
            continue
        running = now.get(row.accelerator_type, ZERO)
        others = max(figure.usage - running.value, Decimal(0)) if figure else None
        rows.append(Headroom(row.accelerator_type, "GPUs", limit, others, running, row.after_max))
    spend = quotas.get(MONTHLY_SPEND_USD)
    if spend is not None:
        before, _ = report.total("before", bound)
        after, _ = report.total("after", bound)
        rows.append(Headroom("monthly spend limit (whole account)", "USD", spend.value, None, before, after))
    return rows
