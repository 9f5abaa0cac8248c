"""How much a single deployment may hold: replicas, and GPUs (replicas x accelerator count).

The GPU arithmetic lives here and is shared with the stack budget (``budget.py``). It never
guesses: an accelerator count that is not set (the API picks it from the model or the shape)
or not known yet counts as *at least 1*, so totals are lower bounds, and a rule only reports
what even the lower bound already exceeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import DEPLOYMENT, Deployment
from ..settings import Setting, Settings
from ..values import Unknown

MAX_REPLICAS = "fireworks-max-replicas"
MAX_GPUS = "fireworks-max-gpus-per-deployment"


def max_replicas(deployment: Deployment) -> tuple[Optional[int], str]:
    """The most replicas the deployment may run, and the input that sets it; None if unknown.

    ``max_replica_count`` not set means the API's default, ``max(min_replica_count, 1)``;
    ``max_with_revocable_replica_count`` (revocable capacity on top) counts when larger.
    """
    low, high, revocable = (
        deployment.min_replica_count,
        deployment.max_replica_count,
        deployment.max_with_revocable_replica_count,
    )
    if isinstance(high, Unknown) or isinstance(revocable, Unknown):
        return None, "max_replica_count"
    if high is None:
        if isinstance(low, Unknown):
            return None, "max_replica_count"
        high = max(low or 0, 1)
        field = "max_replica_count (not set: the API default max(min_replica_count, 1))"
    else:
        field = "max_replica_count"
    if revocable is not None and revocable > high:
        return revocable, "max_with_revocable_replica_count"
    return high, field


@dataclass(frozen=True)
class Footprint:
    """The most GPUs one deployment may hold, as far as its inputs tell."""

    replicas: Optional[int]
    """Most replicas (see :func:`max_replicas`); None when not known yet."""
    gpus_per_replica: int
    count_known: bool
    """False when ``gpus_per_replica`` is only the lower bound 1 (count not set or unknown)."""
    accelerator_type: Optional[str]
    """None when the shape, the API default or an unknown value decides it."""

    @property
    def exact(self) -> bool:
        return self.count_known and self.replicas is not None

    @property
    def gpus(self) -> int:
        """GPUs at most (a lower bound of that unless :attr:`exact`); 0 when replicas are unknown."""
        return (self.replicas or 0) * self.gpus_per_replica

    def describe(self) -> str:
        if self.replicas is None:
            return "replicas not known yet"
        if self.count_known:
            per = f"{self.gpus_per_replica} GPU{'' if self.gpus_per_replica == 1 else 's'}"
            return f"{self.replicas} replicas x {per} = {self.gpus}"
        return f"{self.replicas} replicas x at least 1 GPU = at least {self.gpus}"


def footprint(deployment: Deployment) -> Footprint:
    replicas, _ = max_replicas(deployment)
    count = deployment.accelerator_count
    accelerator = deployment.accelerator_type
    return Footprint(
        replicas=replicas,
        gpus_per_replica=count if isinstance(count, int) else 1,
        count_known=isinstance(count, int),
        accelerator_type=accelerator if isinstance(accelerator, str) else None,
    )


_REPLICA_SETTINGS = Settings(
    MAX_REPLICAS,
    (
        Setting(
            "maxReplicas",
            {"type": "integer", "minimum": 0, "default": 10,
             "description": "Most replicas one deployment may scale to (incl. revocable ones)."},
        ),
    ),
)

_GPU_SETTINGS = Settings(
    MAX_GPUS,
    (
        Setting(
            "maxGpus",
            {"type": "integer", "minimum": 0, "default": 16,
             "description": "Most GPUs one deployment may hold: max replicas x accelerator_count."},
        ),
    ),
)


def check_replicas(deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    limit = context.config.integer("maxReplicas")
    replicas, field = max_replicas(deployment)
    if limit is None or replicas is None:
        return
    if replicas > limit:
        yield f"{field} is {replicas}, above the limit of {limit} replicas per deployment."


def check_gpus(deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    limit = context.config.integer("maxGpus")
    usage = footprint(deployment)
    if limit is None or usage.replicas is None:
        return
    if usage.gpus > limit:
        yield (
            f"the deployment may hold {usage.describe()} GPUs, above the limit of {limit} GPUs per deployment."
        )


def max_replicas_per_deployment() -> ResourceValidationPolicy:
    return resource_policy(
        name=MAX_REPLICAS,
        description="A deployment may not scale beyond the configured number of replicas.",
        remediation_steps=(
            "Lower max_replica_count (and max_with_revocable_replica_count) on the Deployment, or raise "
            "maxReplicas in the policy config."
        ),
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_REPLICA_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_replicas,
    )


def max_gpus_per_deployment() -> ResourceValidationPolicy:
    return resource_policy(
        name=MAX_GPUS,
        description="A deployment may not hold more GPUs (max replicas x accelerator count) than configured.",
        remediation_steps=(
            "Lower max_replica_count or accelerator_count on the Deployment, or raise maxGpus in the "
            "policy config."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_GPU_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_gpus,
    )
