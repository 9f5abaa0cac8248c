"""Where deployments may run: which accelerator types and which regions."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ..._wire._enums import ACCELERATOR_TYPES, MULTI_REGIONS, REGIONS
from .._rule import ResourceContext, resource_policy
from ..resources import DEPLOYMENT, Deployment
from ..settings import Setting, Settings
from ..values import Unknown

ALLOWED_ACCELERATORS = "fireworks-allowed-accelerator-types"
ALLOWED_REGIONS = "fireworks-allowed-regions"

_ACCELERATOR_SETTINGS = Settings(
    ALLOWED_ACCELERATORS,
    (
        Setting(
            "allowedAcceleratorTypes",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(ACCELERATOR_TYPES)},
                "description": "Accelerator types deployments may use. Unset: any.",
            },
        ),
    ),
)

_REGION_SETTINGS = Settings(
    ALLOWED_REGIONS,
    (
        Setting(
            "allowedRegions",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(REGIONS)},
                "description": "Regions deployments may be placed in (placement.region / regions). Unset: any.",
            },
        ),
        Setting(
            "allowedMultiRegions",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(MULTI_REGIONS)},
                "description": "Multi-regions deployments may use (placement.multi_region). Unset: any.",
            },
        ),
    ),
)


def check_accelerator(deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    allowed = context.config.strings("allowedAcceleratorTypes")
    if allowed is None:
        return
    chosen = deployment.accelerator_type
    if isinstance(chosen, Unknown):
        return
    if chosen is None:
        if deployment.deployment_shape is not None:
            return  # the shape decides the accelerator; it cannot be read at preview
        yield (
            f"accelerator_type is not set, so the API picks one from the model, which this rule cannot "
            f"check; set accelerator_type to one of {', '.join(allowed)}."
        )
    elif chosen not in allowed:
        yield f"accelerator_type {chosen} is not allowed here; use one of {', '.join(allowed)}."


def check_region(deployment: Deployment, context: ResourceContext) -> Iterator[str]:
    regions = context.config.strings("allowedRegions")
    multi = context.config.strings("allowedMultiRegions")
    if regions is None and multi is None:
        return
    options = ", ".join([*(f"region {r}" for r in regions or ()), *(f"multi_region {m}" for m in multi or ())])
    placement = deployment.placement
    if isinstance(placement, Unknown):
        return
    if placement is None:
        yield (
            f"placement is not set, so the API may place the deployment in any region; "
            f"set placement to {options or 'an allowed region'}."
        )
        return
    chosen: list[tuple[str, str]] = []
    if isinstance(placement.region, str):
        chosen.append(("region", placement.region))
    if isinstance(placement.regions, tuple):
        chosen += [("regions", r) for r in placement.regions if isinstance(r, str)]
    for field, region in chosen:
        if regions is None or region not in regions:
            yield f"placement.{field} {region} is not allowed here; allowed: {options or 'none'}."
    if isinstance(placement.multi_region, str) and (multi is None or placement.multi_region not in multi):
        yield f"placement.multi_region {placement.multi_region} is not allowed here; allowed: {options or 'none'}."


def allowed_accelerator_types() -> ResourceValidationPolicy:
    return resource_policy(
        name=ALLOWED_ACCELERATORS,
        description="Deployments use only the accelerator types this organisation allows.",
        remediation_steps=(
            "Set accelerator_type on the Deployment to an allowed type (see the message), or add the "
            "type to allowedAcceleratorTypes in the policy config if it should be allowed."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_ACCELERATOR_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_accelerator,
    )


def allowed_regions() -> ResourceValidationPolicy:
    return resource_policy(
        name=ALLOWED_REGIONS,
        description="Deployments run only in the regions or multi-regions this organisation allows.",
        remediation_steps=(
            "Set placement={'region': ...}, {'regions': [...]} or {'multi_region': ...} on the Deployment "
            "to allowed values (placement replaces the deployment when changed), or extend "
            "allowedRegions / allowedMultiRegions in the policy config."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_REGION_SETTINGS,
        resource_types=[DEPLOYMENT],
        read=lambda _type, props: Deployment.read(props),
        check=check_region,
    )
