"""Production deployments are protected, so a stray `pulumi destroy` cannot take them down."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import DEPLOYMENT, Deployment
from ..settings import Setting, Settings
from ..stacks import PRODUCTION_STACKS, matches_any

PRODUCTION_PROTECTED = "fireworks-production-deployments-protected"

_SETTINGS = Settings(
    PRODUCTION_PROTECTED,
    (
        Setting("productionStacks", {
            "type": "array", "items": {"type": "string"}, "default": list(PRODUCTION_STACKS),
            "description": "Stack-name patterns (fnmatch, case-insensitive) of production stacks."}),
    ),
)


def check_protected(_deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    patterns = context.config.strings("productionStacks") or ()
    if matches_any(context.stack, patterns) and not context.protect:
        yield (
            f"deployment {context.name!r} in production stack {context.stack!r} is not protected; "
            f"pass opts=pulumi.ResourceOptions(protect=True)."
        )


def production_deployments_protected() -> ResourceValidationPolicy:
    return resource_policy(
        name=PRODUCTION_PROTECTED,
        description="Deployments in production stacks are declared with protect=True.",
        remediation_steps=(
            "Add opts=pulumi.ResourceOptions(protect=True) to the Deployment (a policy cannot set resource "
            "options, so this has no automatic remediation). Production stacks are those matching "
            "productionStacks."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_protected,
    )
