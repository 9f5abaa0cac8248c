"""Rules that make the review command exit non-zero, so CI can stop a risky merge.

Why separate from the rendering: the same findings are shown in the PR comment (so the author
sees why CI failed) and decide the exit code; each rule is a sentence a reviewer understands.

"Protected" means Pulumi's ``protect`` resource option, or a ``--protect`` pattern. The engine
itself refuses to replace or delete a resource with ``protect`` (the preview fails), but a
pattern lets a team guard resources it does not want locked in code, e.g. every production
deployment: ``--protect 'fireworks:Deployment::prod-*'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Optional

from ..cost import dollars
from .preview import Preview, ResourceChange

if TYPE_CHECKING:
    from .costs import Bound, CostReport
    from .quotas import Headroom


@dataclass(frozen=True)
class GateOptions:
    fail_on_delete: bool = False
    """Fail when a resource is deleted (replacements are covered by the two options below)."""
    fail_on_replace: bool = False
    """Fail on any replacement."""
    fail_on_replace_protected: bool = False
    """Fail when a protected resource would be replaced."""
    protect_patterns: tuple[str, ...] = ()
    """Also protected: resources whose ``<type>::<name>`` (``fireworks:Deployment::chat``)
    matches one of these shell-style patterns."""
    max_monthly_increase: Optional[Decimal] = None
    """Fail when the stack's monthly cost rises by more dollars than this."""
    max_monthly_total: Optional[Decimal] = None
    """Fail when the stack's monthly cost after the change is above this."""
    max_monthly_increase_percent: Optional[Decimal] = None
    """Fail when the monthly cost rises by more than this percentage (from nothing: any rise)."""
    cost_bound: str = "max"
    """Which monthly figure the thresholds read: ``max`` (autoscaling's ceiling), ``min`` or ``expected``."""
    fail_on_quota: bool = False
    """Fail when the change would pass the account's quota headroom (``--quotas``/``--gpu-quota``)."""


def is_protected(change: ResourceChange, patterns: Sequence[str] = ()) -> bool:
    return change.protected or any(fnmatchcase(change.label, pattern) for pattern in patterns)


@dataclass(frozen=True)
class GateFailure:
    label: str
    """The resource, ``<type>::<name>``."""
    reason: str
    """What breaks the rule, with the option that asked for it."""

    def __str__(self) -> str:
        return f"{self.label} {self.reason}"


def gate_failures(preview: Preview, options: GateOptions) -> list[GateFailure]:
    """One entry per rule broken, in the order of the resources."""
    failures: list[GateFailure] = []
    for change in sorted(preview.changes, key=lambda c: c.label):
        if change.action == "delete" and options.fail_on_delete:
            failures.append(GateFailure(change.label, "would be deleted (--fail-on-delete)"))
        if change.action == "replace":
            if options.fail_on_replace:
                failures.append(GateFailure(change.label, "would be replaced (--fail-on-replace)"))
            elif options.fail_on_replace_protected and is_protected(change, options.protect_patterns):
                failures.append(
                    GateFailure(change.label, "is protected and would be replaced (--fail-on-replace-protected)")
                )
    return failures


def cost_failures(report: CostReport, options: GateOptions, headroom: list[Headroom]) -> list[GateFailure]:
    """The cost thresholds, on the monthly figure ``options.cost_bound`` names. The total after
    is a lower bound where something has no price, so it fails only when even that bound breaks
    the rule; a rise counts the deployments priced on each side and names those it leaves out."""
    bound: Bound = options.cost_bound  # type: ignore[assignment]
    before, _ = report.total("before", bound)
    after, _ = report.total("after", bound)
    increase, left_out = report.rise(bound)
    label, failures = f"monthly cost at {bound}", []
    shown = f"{dollars(before.value)} → {dollars(after.value)}" + (
        f"; not counting what has no price: {', '.join(left_out)}" if left_out else "")
    if options.max_monthly_increase is not None and increase > options.max_monthly_increase:
        failures.append(GateFailure("stack", f"{label} rises by {dollars(increase)} ({shown}), above "
                                             f"--max-monthly-increase {dollars(options.max_monthly_increase)}"))
    if options.max_monthly_total is not None and after.value > options.max_monthly_total:
        failures.append(GateFailure("stack", f"{label} would be {dollars(after.value)}, above --max-monthly-total "
                                             f"{dollars(options.max_monthly_total)}"))
    limit = options.max_monthly_increase_percent
    if limit is not None and increase > 0 and (before.value == 0 or increase * 100 / before.value > limit):
        rise = "from nothing" if before.value == 0 else f"{(increase * 100 / before.value).quantize(Decimal('0.1'))} %"
        failures.append(GateFailure("stack", f"{label} rises {rise} ({shown}), above --max-monthly-increase-percent "
                                             f"{limit.normalize():f}"))
    if options.fail_on_quota:
        failures += [GateFailure("account", row.shortfall(bound)) for row in headroom if row.left < 0]
    return failures
