"""Dev-like stacks scale to zero: no replica kept warm, and a short scale-to-zero window.

The remediation sets both where that is safe: only inputs that are known (never over an
unknown), only fields the API updates in place (no replacement), and only values the API
accepts (a window of at least 5 minutes). It writes the canonical spelling (``"1800s"``), the
same the provider's check produces, because remediated inputs reach the provider after its
check.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Optional

from pulumi_policy import EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy, Secret, Severity

from ... import _durations
from .._rule import ResourceContext, resource_policy
from ..resources import DEPLOYMENT, AutoscalingPolicy, Deployment
from ..settings import Setting, Settings
from ..stacks import DEV_STACKS, matches_any
from ..values import Unknown, raw_props

DEV_SCALE_TO_ZERO = "fireworks-dev-scale-to-zero"

API_DEFAULT_SCALE_TO_ZERO_WINDOW = Decimal(3600)
"""The API's default scale-to-zero window (1h), which applies when none is set."""
API_MIN_SCALE_TO_ZERO_WINDOW = Decimal(300)
"""The API refuses windows under 5 minutes."""

_SETTINGS = Settings(
    DEV_SCALE_TO_ZERO,
    (
        Setting("devStacks", {"type": "array", "items": {"type": "string"}, "default": list(DEV_STACKS),
                              "description": "Stack-name patterns (fnmatch, case-insensitive) of dev-like stacks."}),
        Setting("maxScaleToZeroWindow", {
            "type": ["string", "number"], "default": "30m",
            "description": "Longest autoscaling_policy.scale_to_zero_window allowed in dev-like stacks "
                           "(\"30m\", \"1800s\" or seconds). Not set on a deployment means the API default, 1h."}),
    ),
)


def _applies(context: ResourceContext) -> bool:
    patterns = context.config.strings("devStacks") or ()
    return matches_any(context.stack, patterns)


def _window(deployment: Deployment) -> Optional[Decimal]:
    """The effective window in seconds, or None when it cannot be known yet."""
    policy = deployment.autoscaling_policy
    if isinstance(policy, Unknown):
        return None
    window = policy.scale_to_zero_window if isinstance(policy, AutoscalingPolicy) else None
    if isinstance(window, Unknown):
        return None
    return API_DEFAULT_SCALE_TO_ZERO_WINDOW if window is None else window


def _spell(seconds: Decimal) -> str:
    return _durations.to_wire(seconds)


def check_scale_to_zero(deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    if not _applies(context):
        return
    low = deployment.min_replica_count
    if isinstance(low, int) and low > 0:
        yield f"min_replica_count is {low} in dev-like stack {context.stack!r}; set it to 0 so the deployment scales to zero."
    limit = context.config.duration_seconds("maxScaleToZeroWindow")
    window = _window(deployment)
    if limit is not None and window is not None and window > limit:
        unset = deployment.autoscaling_policy is None or (
            isinstance(deployment.autoscaling_policy, AutoscalingPolicy)
            and deployment.autoscaling_policy.scale_to_zero_window is None
        )
        what = f"not set (the API default is {_spell(window)})" if unset else _spell(window)
        yield (
            f"autoscaling_policy.scale_to_zero_window is {what} in dev-like stack {context.stack!r}; "
            f"set it to at most {_spell(limit)}."
        )


def remediate_scale_to_zero(args: ResourceValidationArgs, context: ResourceContext) -> Optional[Mapping[str, Any]]:
    """Inputs with min_replica_count 0 and the window at the limit, or None to leave them."""
    if not _applies(context):
        return None
    deployment = Deployment.read(args.props)
    raw = raw_props(args.props)
    new: dict[str, Any] = {key: copy.deepcopy(value) for key, value in raw.items()}
    changed = False

    low = deployment.min_replica_count
    if isinstance(low, int) and low > 0 and not isinstance(raw.get("min_replica_count"), Secret):
        new["min_replica_count"] = 0
        changed = True

    limit = context.config.duration_seconds("maxScaleToZeroWindow")
    window = _window(deployment)
    current_policy = raw.get("autoscaling_policy")
    if (
        limit is not None
        and limit >= API_MIN_SCALE_TO_ZERO_WINDOW
        and window is not None
        and window > limit
        and (current_policy is None or isinstance(current_policy, Mapping))
    ):
        policy = dict(current_policy or {})
        policy["scale_to_zero_window"] = _spell(limit)
        new["autoscaling_policy"] = policy
        changed = True
    return new if changed else None


def dev_scale_to_zero() -> ResourceValidationPolicy:
    return resource_policy(
        name=DEV_SCALE_TO_ZERO,
        description="Deployments in dev-like stacks scale to zero (min replicas 0, a short scale-to-zero window).",
        remediation_steps=(
            "Set min_replica_count=0 and autoscaling_policy={'scale_to_zero_window': '<= the limit'} on the "
            "Deployment. At enforcement level 'remediate' (the default) the policy sets both itself where safe "
            "(known values only, in-place fields only, windows of at least 5m). Dev-like stacks are those "
            "matching devStacks."
        ),
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.REMEDIATE,
        settings=_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_scale_to_zero,
        remediate=remediate_scale_to_zero,
    )
