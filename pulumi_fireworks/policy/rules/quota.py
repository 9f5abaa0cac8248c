"""The stack's GPUs per accelerator type, at max replicas, within the account's GPU quota.

Why a rule of its own next to the GPU budget: the budget is what a team allows itself; the
quota is what Fireworks lets the account run at all, and a deployment past it fails at
create, or cannot scale up when the load comes. The default quota is a new account's, as
the docs list it (8 A100, 8 H100, 8 H200 on demand); an account with more sets ``gpuQuota``
(from ``firectl list quotas`` or ``list_quotas()``). Advisory by default for that reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .._rule import StackContext, StackResource, Violation, stack_policy
from ..resources import Deployment
from ..settings import Setting, Settings
from .capacity import Footprint, footprint

GPU_QUOTA = "fireworks-gpu-quota"
NEW_ACCOUNT_GPU_QUOTA = {"NVIDIA_A100_80GB": 8, "NVIDIA_H100_80GB": 8, "NVIDIA_H200_141GB": 8}
"""On-demand GPU quotas of a new account (docs, "Rate limits & quotas")."""

_SETTINGS = Settings(
    GPU_QUOTA,
    (
        Setting("gpuQuota", {
            "type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
            "default": NEW_ACCOUNT_GPU_QUOTA,
            "description": "The account's GPU quota per accelerator type (default: a new account's, 8 each of A100, "
                           "H100, H200). Types not listed are not checked."}),
    ),
)


def check_quota(resources: list[StackResource], context: StackContext) -> Iterator[Violation]:
    quota = context.config.numbers_by_name("gpuQuota")
    by_type: dict[str, list[tuple[str, Footprint]]] = defaultdict(list)
    for r in resources:
        if isinstance(r.view, Deployment):
            usage = footprint(r.view)
            if usage.accelerator_type is not None:
                by_type[usage.accelerator_type].append((r.name, usage))
    for accelerator, limit in sorted(quota.items()):
        items = by_type.get(accelerator, [])
        used = sum(usage.gpus for _, usage in items)
        if used > limit:
            listing = "; ".join(f"{name}: {usage.describe()}" for name, usage in items)
            yield (
                f"at max replicas the stack's deployments may hold {used} {accelerator} GPUs, above the account's quota "
                f"of {limit.normalize():f} ({listing}). Lower max_replica_count, ask Fireworks for more quota, or set "
                f"gpuQuota to your account's numbers (firectl list quotas)."
            ), None


def gpu_quota() -> StackValidationPolicy:
    return stack_policy(
        name=GPU_QUOTA,
        description="The stack's GPUs per accelerator type at max replicas stay within the account's GPU quota.",
        remediation_steps=(
            "Lower max_replica_count or accelerator_count, request a quota increase from Fireworks, or set gpuQuota "
            "to the account's quotas (`firectl list quotas`, or `list_quotas()`)."
        ),
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.ADVISORY,
        settings=_SETTINGS,
        check=check_quota,
    )
