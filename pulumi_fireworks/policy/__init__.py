"""Guardrails for Fireworks stacks as a Pulumi policy pack (``pulumi preview --policy-pack``).

Why: GPU deployments are the most expensive thing a stack declares and API keys the most
dangerous; these rules check them before anything is created. Build your own pack from them::

    from pulumi_policy import PolicyPack
    from pulumi_fireworks.policy import all_policies
    PolicyPack(name="fireworks-guardrails", policies=all_policies())

or use the ready pack: ``python -m pulumi_fireworks.policy new ./fireworks-policy`` writes one in
the official layout (its own requirements.txt and virtualenv). Each rule's name, description,
severity, default enforcement level and config keys: ``python -m pulumi_fireworks.policy rules``.

Modules: ``values`` (unknowns, proxies, secrets), ``resources`` (typed views by type token),
``stacks`` (stack name and dev/production patterns), ``settings`` (config schema and typed
reads), ``rules`` (the rules), ``scaffold`` (the shipped pack folder).
"""

from __future__ import annotations

from .rules import (
    RULES,
    all_policies,
    allowed_accelerator_types,
    allowed_regions,
    api_key_expiry,
    dev_scale_to_zero,
    lora_deployment_compatible,
    max_gpus_per_deployment,
    max_replicas_per_deployment,
    no_public_models,
    production_deployments_protected,
    secret_value_is_secret,
    service_account_roles,
    stack_gpu_budget,
)
from .scaffold import PACK_NAME, pack_directory, write_pack

__all__ = [
    "RULES",
    "PACK_NAME",
    "all_policies",
    "pack_directory",
    "write_pack",
    "allowed_accelerator_types",
    "allowed_regions",
    "max_replicas_per_deployment",
    "max_gpus_per_deployment",
    "stack_gpu_budget",
    "dev_scale_to_zero",
    "production_deployments_protected",
    "api_key_expiry",
    "service_account_roles",
    "no_public_models",
    "lora_deployment_compatible",
    "secret_value_is_secret",
]
