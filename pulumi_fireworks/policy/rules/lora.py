"""LoRA loads (DeployedModel) go only onto deployments that can take them.

A LoRA adapter is served on a deployment that enables addons and runs the adapter's base
model. Both are checked when both resources are in the stack. At preview the deployment's
name is often unknown (it is created in the same update); the engine still tells which
resource an input comes from (property dependencies), so the link is found by that first and
by name or id otherwise. Anything outside the stack is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .._rule import StackContext, StackResource, Violation, stack_policy
from ..resources import DeployedModel, Deployment, Model, short_id
from ..settings import Settings
from ..values import Maybe, Unknown

LORA_TARGETS = "fireworks-lora-deployment-compatible"


def _linked(
    resources: list[StackResource], load: StackResource, field: str, kind: type, value: Maybe[str]
) -> Optional[StackResource]:
    """The resource of ``kind`` that input ``field`` of ``load`` refers to, if it is in the stack."""
    by_urn = {r.urn: r for r in resources}
    sources = [by_urn[u] for u in load.property_dependencies.get(field, ()) if u in by_urn]
    sources = [r for r in sources if isinstance(r.view, kind)]
    if len(sources) == 1:
        return sources[0]
    if not isinstance(value, str):
        return None
    segment = "/deployments/" if kind is Deployment else "/models/"
    for resource in resources:
        typed = resource.view
        if not isinstance(typed, kind):
            continue
        name = typed.name if isinstance(typed, (Deployment, Model)) else None
        ident = typed.deployment_id if isinstance(typed, Deployment) else (
            typed.model_id if isinstance(typed, Model) else None)
        if isinstance(name, str) and name == value:
            return resource
        if isinstance(ident, str) and (value == ident or (segment in value and short_id(value) == ident)):
            return resource
    return None


def check_lora_targets(resources: list[StackResource], _context: StackContext) -> Iterator[Violation]:
    for load in resources:
        if not isinstance(load.view, DeployedModel):
            continue
        if load.view.deployment is None:
            continue  # serverless: no deployment to check
        target = _linked(resources, load, "deployment", Deployment, load.view.deployment)
        if target is None or not isinstance(target.view, Deployment):
            continue
        deployment = target.view
        addons = deployment.enable_addons
        if not isinstance(addons, Unknown) and addons is not True:
            yield (
                f"LoRA load {load.name!r} goes onto deployment {target.name!r}, which does not enable addons; "
                f"set enable_addons=True on that Deployment."
            ), load.urn
        source = _linked(resources, load, "model", Model, load.view.model)
        if source is None or not isinstance(source.view, Model):
            continue
        adapter_base, deployment_base = source.view.base_model, deployment.base_model
        if isinstance(adapter_base, str) and isinstance(deployment_base, str) and adapter_base != deployment_base:
            yield (
                f"LoRA load {load.name!r} puts model {source.name!r} (base model {adapter_base}) onto deployment "
                f"{target.name!r}, which serves {deployment_base}; load it onto a deployment of its base model."
            ), load.urn


def lora_deployment_compatible() -> StackValidationPolicy:
    return stack_policy(
        name=LORA_TARGETS,
        description="LoRA loads go onto deployments that enable addons and serve the adapter's base model.",
        remediation_steps=(
            "Set enable_addons=True on the target Deployment, and load each adapter onto a deployment whose "
            "base_model is the adapter's base_model (or load it serverless, without deployment)."
        ),
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=Settings(LORA_TARGETS),
        check=check_lora_targets,
    )
