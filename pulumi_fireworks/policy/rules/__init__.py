"""Every rule of the pack, each a factory returning a fresh ``pulumi_policy`` policy."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import Policy

from .access import API_KEY_EXPIRY, SERVICE_ACCOUNT_ROLES, api_key_expiry, service_account_roles
from .budget import GPU_BUDGET, stack_gpu_budget
from .evaluators import RFT_EVALUATOR_IN_STACK, rft_evaluator_in_stack
from .capacity import MAX_GPUS, MAX_REPLICAS, max_gpus_per_deployment, max_replicas_per_deployment
from .lora import LORA_TARGETS, lora_deployment_compatible
from .models import NO_PUBLIC_MODELS, no_public_models
from .placement import ALLOWED_ACCELERATORS, ALLOWED_REGIONS, allowed_accelerator_types, allowed_regions
from .production import PRODUCTION_PROTECTED, production_deployments_protected
from .quota import GPU_QUOTA, gpu_quota
from .scale_to_zero import DEV_SCALE_TO_ZERO, dev_scale_to_zero
from .secrets import SECRET_VALUE_IS_SECRET, secret_value_is_secret
from .training import TRAINING_LIMITS, training_limits

__all__ = [
    "RULES",
    "all_policies",
    "allowed_accelerator_types",
    "allowed_regions",
    "max_replicas_per_deployment",
    "max_gpus_per_deployment",
    "stack_gpu_budget",
    "gpu_quota",
    "dev_scale_to_zero",
    "production_deployments_protected",
    "api_key_expiry",
    "service_account_roles",
    "no_public_models",
    "lora_deployment_compatible",
    "secret_value_is_secret",
    "training_limits",
    "rft_evaluator_in_stack",
]

RULES: dict[str, Callable[[], Policy]] = {
    ALLOWED_ACCELERATORS: allowed_accelerator_types,
    ALLOWED_REGIONS: allowed_regions,
    MAX_REPLICAS: max_replicas_per_deployment,
    MAX_GPUS: max_gpus_per_deployment,
    GPU_BUDGET: stack_gpu_budget,
    GPU_QUOTA: gpu_quota,
    DEV_SCALE_TO_ZERO: dev_scale_to_zero,
    PRODUCTION_PROTECTED: production_deployments_protected,
    API_KEY_EXPIRY: api_key_expiry,
    SERVICE_ACCOUNT_ROLES: service_account_roles,
    NO_PUBLIC_MODELS: no_public_models,
    LORA_TARGETS: lora_deployment_compatible,
    SECRET_VALUE_IS_SECRET: secret_value_is_secret,
    TRAINING_LIMITS: training_limits,
    RFT_EVALUATOR_IN_STACK: rft_evaluator_in_stack,
}
"""Policy name -> factory, in the order the pack lists them."""


def all_policies() -> list[Policy]:
    """A fresh policy object for every rule, for ``PolicyPack(policies=...)``."""
    return [factory() for factory in RULES.values()]
