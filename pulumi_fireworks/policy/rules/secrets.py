"""A Fireworks Secret's value is a Pulumi secret, so it is encrypted in state and hidden in output.

What a policy can observe (pulumi_policy 1.21): only a remediation sees which inputs are marked
secret; a validation receives secrets already unwrapped (see ``values.py``). So this rule works
as a remediation: at enforcement level ``remediate`` (its default) a value passed in plain text
is wrapped as a secret before the provider sees it, and the engine reports the remediation. At
``advisory`` or ``mandatory`` there is nothing it can see, and it reports itself as not
applicable instead of passing silently. Note that ``pulumi_fireworks.Secret`` itself may already
wrap ``value`` as a secret at construction; the rule guards every other way of declaring the
resource type (and any future change to that class).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, cast

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    Severity,
)

from ..resources import SECRET
from ..values import is_unknown_sentinel, raw_props

SECRET_VALUE_IS_SECRET = "fireworks-secret-value-is-secret"

NOT_VISIBLE = (
    "validations cannot see whether 'value' is a Pulumi secret (pulumi_policy unwraps secrets before "
    "validating); only this policy's remediation, at enforcement level 'remediate', checks it."
)


def _validate(args: ResourceValidationArgs, _report: ReportViolation) -> None:
    if args.resource_type == SECRET:
        args.not_applicable(NOT_VISIBLE)


def remediate_secret_value(args: ResourceValidationArgs) -> Optional[Mapping[str, Any]]:
    """The inputs with ``value`` wrapped as a secret, or None when it already is one (or unset)."""
    if args.resource_type != SECRET:
        return None
    raw = raw_props(args.props)
    value = raw.get("value")
    if value is None or isinstance(value, Secret) or is_unknown_sentinel(value):
        return None
    new = dict(raw)
    new["value"] = Secret(value)
    return new


def secret_value_is_secret() -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=SECRET_VALUE_IS_SECRET,
        description="The value of a Fireworks Secret is a Pulumi secret (encrypted in state, hidden in output).",
        validate=_validate,
        # Typed as returning an awaitable upstream; a plain mapping is accepted too (see _rule.py).
        remediate=cast(ResourceRemediation, remediate_secret_value),
        enforcement_level=EnforcementLevel.REMEDIATE,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "Pass the value as a secret: value=config.require_secret('...') or pulumi.Output.secret(...). "
            "At enforcement level 'remediate' (the default) the policy wraps a plain value itself."
        ),
        tags=["fireworks"],
    )
