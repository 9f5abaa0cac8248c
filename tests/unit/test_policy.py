"""Every rule of the policy pack on valid and invalid inputs, and with values unknown at preview.

Rules run in pulumi_policy's own servicer with props in wire form (tests/support/policy.py),
so numbers arrive as floats, unknowns as sentinels and hidden keys only in remediations,
exactly as under `pulumi preview --policy-pack`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pulumi_fireworks.policy import (
    RULES,
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
    training_limits,
)
from pulumi_fireworks.policy.resources import (
    API_KEY,
    DPO_JOB,
    REINFORCEMENT_FINE_TUNING_JOB,
    SUPERVISED_FINE_TUNING_JOB,
    DEPLOYED_MODEL,
    DEPLOYMENT,
    MODEL,
    SECRET,
    SERVICE_ACCOUNT,
)
from pulumi_fireworks.policy.rules import gpu_quota
from tests.support.policy import UNKNOWN, Harness, StackItem, is_secret, secret, urn
from tests.support.content import LLAMA, QWEN

# What the provider's check leaves in the inputs, hidden keys included (remediations see them).
HIDDEN = {"__provider": secret("gASVpickled"), "__name": "chat", "__autonamed": True}


def deployment(**inputs: Any) -> dict[str, Any]:
    return {"base_model": LLAMA, "deployment_id": "chat-1a2b3c", **HIDDEN, **inputs}


def findings(policy: Any, type_: str, props: dict[str, Any], config: Any = None, **kw: Any) -> list[str]:
    outcome = Harness(policy(), config=config).step(type_, props, **kw)
    return outcome.messages()


# -- allowed accelerator types -------------------------------------------------------------------

ACCEL = {"fireworks-allowed-accelerator-types": {"allowedAcceleratorTypes": ["NVIDIA_A100_80GB", "NVIDIA_H100_80GB"]}}


def test_accelerators_unrestricted_by_default() -> None:
    assert findings(allowed_accelerator_types, DEPLOYMENT, deployment(accelerator_type="NVIDIA_B200_180GB")) == []


def test_accelerators_allowed_and_not_allowed() -> None:
    assert findings(allowed_accelerator_types, DEPLOYMENT, deployment(accelerator_type="NVIDIA_H100_80GB"), ACCEL) == []
    [message] = findings(allowed_accelerator_types, DEPLOYMENT, deployment(accelerator_type="NVIDIA_B200_180GB"), ACCEL)
    assert "accelerator_type NVIDIA_B200_180GB is not allowed" in message
    assert "NVIDIA_A100_80GB, NVIDIA_H100_80GB" in message


def test_accelerators_unset_must_be_explicit_unless_a_shape_decides() -> None:
    [message] = findings(allowed_accelerator_types, DEPLOYMENT, deployment(), ACCEL)
    assert "accelerator_type is not set" in message
    shaped = deployment(deployment_shape="accounts/fireworks/deploymentShapes/llama-8b-fast")
    assert findings(allowed_accelerator_types, DEPLOYMENT, shaped, ACCEL) == []


def test_accelerators_unknown_is_skipped() -> None:
    assert findings(allowed_accelerator_types, DEPLOYMENT, deployment(accelerator_type=UNKNOWN), ACCEL) == []


# -- allowed regions --------------------------------------------------------------------------

REGIONS = {"fireworks-allowed-regions": {"allowedRegions": ["EU_FRANKFURT_1", "EU_PARIS_1"], "allowedMultiRegions": ["EUROPE"]}}


def test_regions_allowed() -> None:
    for placement in ({"region": "EU_PARIS_1"}, {"multi_region": "EUROPE"}, {"regions": ["EU_FRANKFURT_1", "EU_PARIS_1"]}):
        assert findings(allowed_regions, DEPLOYMENT, deployment(placement=placement), REGIONS) == [], placement


def test_regions_not_allowed_names_each_bad_value() -> None:
    messages = findings(allowed_regions, DEPLOYMENT, deployment(placement={"regions": ["EU_PARIS_1", "US_IOWA_1", "AP_TOKYO_1"]}), REGIONS)
    assert len(messages) == 2
    assert "placement.regions US_IOWA_1 is not allowed" in messages[0]
    assert "AP_TOKYO_1" in messages[1]
    [multi] = findings(allowed_regions, DEPLOYMENT, deployment(placement={"multi_region": "GLOBAL"}), REGIONS)
    assert "placement.multi_region GLOBAL is not allowed" in multi


def test_regions_unset_placement_is_a_violation_only_when_restricted() -> None:
    assert findings(allowed_regions, DEPLOYMENT, deployment()) == []
    [message] = findings(allowed_regions, DEPLOYMENT, deployment(), REGIONS)
    assert "placement is not set" in message and "region EU_FRANKFURT_1" in message


def test_regions_unknown_values_are_skipped_and_the_rest_checked() -> None:
    assert findings(allowed_regions, DEPLOYMENT, deployment(placement=UNKNOWN), REGIONS) == []
    assert findings(allowed_regions, DEPLOYMENT, deployment(placement={"region": UNKNOWN}), REGIONS) == []
    [message] = findings(allowed_regions, DEPLOYMENT, deployment(placement={"regions": [UNKNOWN, "US_IOWA_1"]}), REGIONS)
    assert "US_IOWA_1" in message


# -- max replicas / max GPUs per deployment ------------------------------------------------------


def test_max_replicas_default_limit() -> None:
    assert findings(max_replicas_per_deployment, DEPLOYMENT, deployment(max_replica_count=10)) == []
    [message] = findings(max_replicas_per_deployment, DEPLOYMENT, deployment(max_replica_count=11))
    assert message.endswith("max_replica_count is 11, above the limit of 10 replicas per deployment.")


def test_max_replicas_counts_revocable_and_the_api_default() -> None:
    [message] = findings(max_replicas_per_deployment, DEPLOYMENT, deployment(max_replica_count=4, max_with_revocable_replica_count=12))
    assert "max_with_revocable_replica_count is 12" in message
    config = {"fireworks-max-replicas": {"maxReplicas": 0}}
    [default] = findings(max_replicas_per_deployment, DEPLOYMENT, deployment(), config)
    assert "not set: the API default" in default and "is 1," in default


def test_max_replicas_configurable_and_unknown_skipped() -> None:
    config = {"fireworks-max-replicas": {"maxReplicas": 2}}
    assert findings(max_replicas_per_deployment, DEPLOYMENT, deployment(max_replica_count=3), config)
    assert findings(max_replicas_per_deployment, DEPLOYMENT, deployment(max_replica_count=UNKNOWN), config) == []
    # max unset: the API default max(min, 1) needs min, which is unknown here
    assert findings(max_replicas_per_deployment, DEPLOYMENT, deployment(min_replica_count=UNKNOWN), config) == []


def test_max_gpus_is_replicas_times_accelerator_count() -> None:
    assert findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=2, accelerator_count=8)) == []
    [message] = findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=3, accelerator_count=8))
    assert "3 replicas x 8 GPUs = 24 GPUs, above the limit of 16" in message


def test_max_gpus_unset_count_is_a_lower_bound_of_one() -> None:
    assert findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=16)) == []
    [message] = findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=17))
    assert "17 replicas x at least 1 GPU = at least 17" in message


def test_max_gpus_unknown_replicas_are_skipped_unknown_count_is_at_least_one() -> None:
    assert findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=UNKNOWN, accelerator_count=8)) == []
    assert findings(max_gpus_per_deployment, DEPLOYMENT, deployment(max_replica_count=20, accelerator_count=UNKNOWN))


# -- stack GPU budget ----------------------------------------------------------------------------


def dep_item(resource_name: str, **inputs: Any) -> StackItem:
    return StackItem(DEPLOYMENT, resource_name, deployment(**inputs))


BUDGET_STACK = [
    dep_item("chat", max_replica_count=2, accelerator_type="NVIDIA_H100_80GB", accelerator_count=4),
    dep_item("batch", max_replica_count=3, accelerator_type="NVIDIA_A100_80GB", accelerator_count=2),
]


def budget(config: dict[str, Any], items: list[StackItem] = BUDGET_STACK) -> list[str]:
    harness = Harness(stack_gpu_budget(), config={"fireworks-stack-gpu-budget": config})
    return [f.message for f in harness.analyze_stack(items)]


def test_budget_unlimited_by_default() -> None:
    assert budget({}) == []


def test_budget_total_and_per_type() -> None:
    assert budget({"maxGpus": 14}) == []
    [total] = budget({"maxGpus": 13})
    assert "may hold 14 GPUs, above the stack budget of 13" in total
    assert "chat: 2 replicas x 4 GPUs = 8; batch: 3 replicas x 2 GPUs = 6" in total
    [h100] = budget({"maxGpusByAcceleratorType": {"NVIDIA_H100_80GB": 4, "NVIDIA_A100_80GB": 6}})
    assert "8 NVIDIA_H100_80GB GPUs, above the budget of 4" in h100


def test_budget_in_dollars_uses_only_configured_prices() -> None:
    prices = {"NVIDIA_H100_80GB": 3.5, "NVIDIA_A100_80GB": 2}
    assert budget({"pricePerGpuHour": prices, "maxDollarsPerHour": 40}) == []  # 8*3.5 + 6*2 = 40
    [over] = budget({"pricePerGpuHour": prices, "maxDollarsPerHour": 39.99})
    assert "cost $40 per hour at the configured prices, above the budget of $39.99" in over
    [missing] = budget({"pricePerGpuHour": {"NVIDIA_H100_80GB": 3.5}, "maxDollarsPerHour": 1000})
    assert "no price for NVIDIA_A100_80GB (used by batch)" in missing


def test_budget_with_unknowns_reports_only_a_lower_bound_that_already_exceeds() -> None:
    items = [*BUDGET_STACK, dep_item("new", max_replica_count=UNKNOWN, accelerator_type="NVIDIA_H100_80GB", accelerator_count=8)]
    assert budget({"maxGpus": 14}, items) == []  # 14 known, the rest not guessed
    [message] = budget({"maxGpus": 10}, items)
    assert "at least 14 GPUs" in message and "not known yet: new" in message
    assert "new: replicas not known yet" in message
    shaped = [dep_item("shaped", max_replica_count=4, deployment_shape="accounts/fireworks/deploymentShapes/s")]
    [bound] = budget({"maxGpus": 3}, shaped)
    assert "at least 4 GPUs" in bound and "shaped: 4 replicas x at least 1 GPU = at least 4" in bound


def test_budget_ignores_other_resources_and_reads_outputs() -> None:
    items = [
        *BUDGET_STACK,
        StackItem("pulumi:pulumi:Stack", "proj-dev", {}),
        StackItem(MODEL, "m", {"model_id": "m"}),
    ]
    assert budget({"maxGpus": 14}, items) == []


def test_the_monthly_budget_blocks_a_stack_above_it_naming_the_costliest_first() -> None:
    """By hand at list prices: chat 2 x 4 H100 x $8.00 x 730 = $46,720.00; batch 3 x 2 A100 x $2.90 x
    730 = $12,702.00; together $59,422.00."""
    assert budget({"maxMonthlyDollars": 59422}) == []
    [over] = budget({"maxMonthlyDollars": 50000})
    assert "cost $59,422.00 a month (730 h, list prices as of 2026-10-07), above the monthly budget of $50,000.00" in over
    assert over.index("chat: 2 replicas x 4 GPUs = 8 GPUs = $46,720.00") < over.index("batch: 3 replicas x 2 GPUs = 6 GPUs = $12,702.00")
    [contract] = budget({"maxMonthlyDollars": 30000, "pricePerGpuHour": {"NVIDIA_H100_80GB": 4}})  # 8 x 4 x 730 = 23,360
    assert "$36,062.00 a month" in contract and "with overrides from pricePerGpuHour" in contract
    regional = [dep_item("eu", max_replica_count=1, accelerator_type="NVIDIA_H100_80GB", accelerator_count=1,
                         placement={"region": "EU_ICELAND_1"})]
    [premium] = budget({"maxMonthlyDollars": 8000}, regional)
    assert "cost $8,760.00 a month" in premium  # 1 x $8.00 x 1.5 x 730


def quota(config: dict[str, Any] | None, items: list[StackItem] = BUDGET_STACK) -> list[str]:
    harness = Harness(gpu_quota(), config={"fireworks-gpu-quota": config} if config is not None else None)
    return [f.message for f in harness.analyze_stack(items)]


def test_the_gpu_quota_defaults_to_a_new_accounts_and_takes_the_accounts_own() -> None:
    assert quota(None) == []  # 8 H100 and 6 A100 at max: within a new account's 8 of each
    grown = [*BUDGET_STACK, dep_item("more", max_replica_count=1, accelerator_type="NVIDIA_H100_80GB", accelerator_count=2)]
    [over] = quota(None, grown)
    assert "may hold 10 NVIDIA_H100_80GB GPUs, above the account's quota of 8" in over and "gpuQuota" in over
    assert quota({"gpuQuota": {"NVIDIA_H100_80GB": 16}}, grown) == []


# -- dev stacks scale to zero (with remediation) ---------------------------------------------------


def test_scale_to_zero_remediates_min_replicas_and_window_in_dev() -> None:
    outcome = Harness(dev_scale_to_zero()).step(
        DEPLOYMENT, deployment(min_replica_count=1, max_replica_count=2, autoscaling_policy={"scale_up_window": "30s"}), stack="dev"
    )
    assert outcome.remediated_by == ["fireworks-dev-scale-to-zero"]
    assert outcome.findings == []
    assert outcome.props["min_replica_count"] == 0
    assert outcome.props["autoscaling_policy"] == {"scale_up_window": "30s", "scale_to_zero_window": "1800s"}
    # Everything else is kept, hidden keys and their secrecy included.
    assert outcome.props["__provider"] == secret("gASVpickled")
    assert outcome.props["__name"] == "chat" and outcome.props["max_replica_count"] == 2


def test_scale_to_zero_compliant_deployment_is_left_alone() -> None:
    outcome = Harness(dev_scale_to_zero()).step(
        DEPLOYMENT, deployment(min_replica_count=0, autoscaling_policy={"scale_to_zero_window": "600s"}), stack="dev-alice"
    )
    assert outcome.remediated_by == [] and outcome.findings == []


def test_scale_to_zero_parses_user_spellings() -> None:
    config = {"fireworks-dev-scale-to-zero": "advisory"}
    for window in ("10m", 600, "600s", "0.25h"):
        assert findings(dev_scale_to_zero, DEPLOYMENT, deployment(autoscaling_policy={"scale_to_zero_window": window}), config) == [], window
    [message] = findings(dev_scale_to_zero, DEPLOYMENT, deployment(autoscaling_policy={"scale_to_zero_window": "45m"}), config)
    assert "scale_to_zero_window is 2700s" in message and "at most 1800s" in message


def test_scale_to_zero_as_a_check_reports_both_problems() -> None:
    config = {"fireworks-dev-scale-to-zero": "mandatory"}
    outcome = Harness(dev_scale_to_zero(), config=config).step(DEPLOYMENT, deployment(min_replica_count=2), stack="test")
    assert outcome.remediated_by == []
    assert [f.level for f in outcome.findings] == ["mandatory", "mandatory"]
    assert "min_replica_count is 2 in dev-like stack 'test'" in outcome.findings[0].message
    assert "not set (the API default is 3600s)" in outcome.findings[1].message


def test_scale_to_zero_only_in_dev_like_stacks() -> None:
    for stack in ("prod", "staging", "production-eu"):
        outcome = Harness(dev_scale_to_zero()).step(DEPLOYMENT, deployment(min_replica_count=3), stack=stack)
        assert outcome.remediated_by == [] and outcome.findings == [], stack
    custom = {"fireworks-dev-scale-to-zero": {"devStacks": ["staging"]}}
    outcome = Harness(dev_scale_to_zero(), config=custom).step(DEPLOYMENT, deployment(min_replica_count=3), stack="staging")
    assert outcome.props["min_replica_count"] == 0


def test_scale_to_zero_never_remediates_over_unknowns() -> None:
    outcome = Harness(dev_scale_to_zero()).step(
        DEPLOYMENT, deployment(min_replica_count=UNKNOWN, autoscaling_policy=UNKNOWN), stack="dev"
    )
    assert outcome.remediated_by == [] and outcome.findings == []
    # A known part is still fixed; the unknown part stays as it is.
    outcome = Harness(dev_scale_to_zero()).step(
        DEPLOYMENT, deployment(min_replica_count=2, autoscaling_policy={"scale_to_zero_window": UNKNOWN}), stack="dev"
    )
    assert outcome.props["min_replica_count"] == 0
    assert outcome.props["autoscaling_policy"] == {"scale_to_zero_window": UNKNOWN}
    assert outcome.findings == []


def test_scale_to_zero_does_not_remediate_to_a_window_the_api_refuses() -> None:
    config = {"fireworks-dev-scale-to-zero": {"maxScaleToZeroWindow": "1m"}}
    outcome = Harness(dev_scale_to_zero(), config=config).step(DEPLOYMENT, deployment(min_replica_count=0), stack="dev")
    assert outcome.remediated_by == []
    [finding] = outcome.findings
    assert finding.level == "mandatory"  # a remediation that cannot fix it reports as mandatory
    assert "at most 60s" in finding.message


# -- production deployments are protected ----------------------------------------------------------


def test_production_requires_protect() -> None:
    [message] = findings(production_deployments_protected, DEPLOYMENT, deployment(), stack="prod", name="chat")
    assert "deployment 'chat' in production stack 'prod' is not protected" in message
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(), stack="prod", protect=True) == []
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(), stack="dev") == []
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(), stack="PROD-eu")  # case-insensitive
    # Resource options are always known, so unknown inputs do not hide a missing protect.
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(base_model=UNKNOWN, max_replica_count=UNKNOWN), stack="prod")


def test_production_stack_patterns_are_configurable() -> None:
    config = {"fireworks-production-deployments-protected": {"productionStacks": ["live"]}}
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(), config, stack="prod") == []
    assert findings(production_deployments_protected, DEPLOYMENT, deployment(), config, stack="live")


# -- API keys expire ---------------------------------------------------------------------------------

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


def key_findings(props: dict[str, Any], config: Any = None) -> list[str]:
    return Harness(api_key_expiry(clock=lambda: NOW), config=config).step(API_KEY, props, name="ci-key").messages()


def test_api_key_without_expiry_never_expires() -> None:
    [message] = key_findings({"user_id": "ci", "display_name": "ci"})
    assert "API key 'ci-key' has no expire_time, so it never expires" in message
    assert "2030-04-01T00:00:00Z" in message  # a suggestion within 90 days


def test_api_key_expiry_within_limit() -> None:
    assert key_findings({"expire_time": "2030-03-01T00:00:00Z"}) == []
    assert key_findings({"expire_time": "2030-03-31T23:59:59.999999999+00:00"}) == []  # nanoseconds
    [message] = key_findings({"expire_time": "2030-06-01T00:00:00Z"})
    assert "expires 2030-06-01T00:00:00Z, in 151 days; keys must expire within 90 days" in message
    assert key_findings({"expire_time": "2030-06-01T00:00:00Z"}, {"fireworks-api-key-expiry": {"maxDays": 365}}) == []


def test_api_key_unknown_or_unreadable_expiry_is_skipped() -> None:
    assert key_findings({"expire_time": UNKNOWN}) == []
    assert key_findings({"expire_time": "next tuesday"}) == []  # the provider's check rejects it


def test_api_key_expiry_uses_the_real_clock_by_default() -> None:
    soon = (datetime.now(timezone.utc) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    late = (datetime.now(timezone.utc) + timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert findings(api_key_expiry, API_KEY, {"expire_time": soon}) == []
    assert findings(api_key_expiry, API_KEY, {"expire_time": late})


# -- service accounts are not admin ------------------------------------------------------------------


def test_service_account_roles() -> None:
    [message] = findings(service_account_roles, SERVICE_ACCOUNT, {"role": "admin"}, name="deployer")
    assert "service account 'deployer' has role 'admin'" in message
    assert findings(service_account_roles, SERVICE_ACCOUNT, {"role": "inference-user"}) == []
    assert findings(service_account_roles, SERVICE_ACCOUNT, {"role": UNKNOWN}) == []
    assert findings(service_account_roles, SERVICE_ACCOUNT, {}) == []
    config = {"fireworks-service-account-roles": {"forbiddenRoles": ["admin", "contributor"]}}
    assert findings(service_account_roles, SERVICE_ACCOUNT, {"role": "contributor"}, config)


# -- models are not public -----------------------------------------------------------------------------


def test_public_models_need_allow_listing() -> None:
    [message] = findings(no_public_models, MODEL, {"model_id": "my-lora", "public": True}, name="lora")
    assert "model 'lora' is public" in message
    assert findings(no_public_models, MODEL, {"model_id": "my-lora", "public": False}) == []
    assert findings(no_public_models, MODEL, {"model_id": "my-lora"}) == []
    allow = {"fireworks-no-public-models": {"allowedPublicModels": ["demo-*"]}}
    assert findings(no_public_models, MODEL, {"model_id": "demo-chat", "public": True}, allow) == []
    assert findings(no_public_models, MODEL, {"model_id": "secret-sauce", "public": True}, allow)


def test_public_lora_loads_need_allow_listing() -> None:
    load = {"model": "accounts/acme/models/my-lora", "public": True}
    [message] = findings(no_public_models, DEPLOYED_MODEL, load, name="load")
    assert "LoRA load 'load' of accounts/acme/models/my-lora is public" in message
    allow = {"fireworks-no-public-models": {"allowedPublicModels": ["my-lora"]}}
    assert findings(no_public_models, DEPLOYED_MODEL, load, allow) == []


def test_public_models_with_unknowns() -> None:
    assert findings(no_public_models, MODEL, {"model_id": "x", "public": UNKNOWN}) == []
    allow = {"fireworks-no-public-models": {"allowedPublicModels": ["demo-*"]}}
    # The name is needed only to consult a non-empty allow-list.
    assert findings(no_public_models, DEPLOYED_MODEL, {"model": UNKNOWN, "public": True}, allow) == []
    assert findings(no_public_models, DEPLOYED_MODEL, {"model": UNKNOWN, "public": True})


# -- LoRA loads onto compatible deployments (stack) ------------------------------------------------------


def lora_findings(items: list[StackItem]) -> list[tuple[str, str]]:
    return [(f.message, f.urn) for f in Harness(lora_deployment_compatible()).analyze_stack(items)]


ADAPTER = StackItem(MODEL, "adapter", {"model_id": "my-lora", "base_model": LLAMA, "kind": "HF_PEFT_ADDON"})


def test_lora_onto_a_deployment_without_addons() -> None:
    dep = dep_item("serve", deployment_id="serve-1", name="accounts/acme/deployments/serve-1")
    load = StackItem(DEPLOYED_MODEL, "load", {"model": "accounts/acme/models/my-lora", "deployment": "accounts/acme/deployments/serve-1"})
    [(message, where)] = lora_findings([dep, ADAPTER, load])
    assert "LoRA load 'load' goes onto deployment 'serve', which does not enable addons" in message
    assert where == urn("dev", DEPLOYED_MODEL, "load")


def test_lora_base_model_must_match() -> None:
    dep = dep_item("serve", deployment_id="serve-1", enable_addons=True, base_model=QWEN)
    load = StackItem(DEPLOYED_MODEL, "load", {"model": "accounts/acme/models/my-lora", "deployment": "accounts/acme/deployments/serve-1"})
    [(message, _)] = lora_findings([dep, ADAPTER, load])
    assert f"(base model {LLAMA}) onto deployment 'serve', which serves {QWEN}" in message
    good = dep_item("serve", deployment_id="serve-1", enable_addons=True)
    assert lora_findings([good, ADAPTER, load]) == []


def test_lora_links_through_property_dependencies_when_names_are_unknown() -> None:
    dep = dep_item("serve", enable_addons=False)
    deps = {"deployment": [urn("dev", DEPLOYMENT, "serve")], "model": [urn("dev", MODEL, "adapter")]}
    load = StackItem(DEPLOYED_MODEL, "load", {"model": UNKNOWN, "deployment": UNKNOWN}, property_dependencies=deps)
    [(message, _)] = lora_findings([dep, ADAPTER, load])
    assert "does not enable addons" in message


def test_lora_skips_unknowns_serverless_and_outside_resources() -> None:
    unknown_addons = dep_item("serve", deployment_id="serve-1", enable_addons=UNKNOWN, base_model=UNKNOWN)
    load = StackItem(DEPLOYED_MODEL, "load", {"model": "accounts/acme/models/my-lora", "deployment": "accounts/acme/deployments/serve-1"})
    assert lora_findings([unknown_addons, ADAPTER, load]) == []
    serverless = StackItem(DEPLOYED_MODEL, "load", {"model": "accounts/acme/models/my-lora"})
    assert lora_findings([dep_item("serve", deployment_id="serve-1"), ADAPTER, serverless]) == []
    elsewhere = StackItem(DEPLOYED_MODEL, "load", {"model": "accounts/acme/models/x", "deployment": "accounts/acme/deployments/other"})
    assert lora_findings([dep_item("serve", deployment_id="serve-1"), elsewhere]) == []


# -- secrets are Pulumi secrets ----------------------------------------------------------------------------


def test_plain_secret_value_is_wrapped_by_the_remediation() -> None:
    outcome = Harness(secret_value_is_secret()).step(SECRET, {"secret_id": "hf-token", "value": "hf_abc", **HIDDEN})
    assert outcome.remediated_by == ["fireworks-secret-value-is-secret"]
    assert is_secret(outcome.props["value"]) and outcome.props["value"]["value"] == "hf_abc"
    assert outcome.props["__provider"] == secret("gASVpickled") and outcome.props["secret_id"] == "hf-token"


def test_secret_value_already_secret_or_unknown_is_left_alone() -> None:
    for value in (secret("hf_abc"), UNKNOWN):
        outcome = Harness(secret_value_is_secret()).step(SECRET, {"secret_id": "hf-token", "value": value})
        assert outcome.remediated_by == [] and outcome.findings == []


def test_secret_rule_cannot_see_secrecy_in_validations_and_says_so() -> None:
    harness = Harness(secret_value_is_secret(), config={"fireworks-secret-value-is-secret": "mandatory"})
    outcome = harness.step(SECRET, {"secret_id": "hf-token", "value": "hf_abc"})
    assert outcome.remediated_by == [] and outcome.findings == []
    assert "only this policy's remediation, at enforcement level 'remediate'" in outcome.not_applicable[
        "fireworks-secret-value-is-secret"
    ]


# -- the pack as a whole -------------------------------------------------------------------------------


def test_rules_ignore_other_resource_types_and_hidden_keys() -> None:
    harness = Harness(*[factory() for factory in RULES.values()])
    outcome = harness.step("pulumi-python:dynamic/tiny:Tiny", {"value": "x", "role": "admin", "public": True}, stack="prod")
    assert outcome.findings == [] and outcome.remediated_by == []


def test_every_rule_has_metadata() -> None:
    for name, factory in RULES.items():
        policy = factory()
        assert policy.name == name and name.startswith("fireworks-")
        assert policy.description and policy.remediation_steps and policy.severity is not None
        assert policy.enforcement_level is not None


@pytest.mark.parametrize("level", ["advisory", "mandatory", "disabled"])
def test_enforcement_level_is_configurable(level: str) -> None:
    harness = Harness(max_replicas_per_deployment(), config={"fireworks-max-replicas": level})
    outcome = harness.step(DEPLOYMENT, deployment(max_replica_count=50))
    assert [f.level for f in outcome.findings] == ([] if level == "disabled" else [level])


# -- training limits ---------------------------------------------------------------------------

TRAINING = {"fireworks-training-limits": {"allowedTrainingBaseModels": ["accounts/fireworks/models/llama-*"], "maxEpochs": 2}}


def test_jobs_train_allowed_base_models_for_at_most_max_epochs() -> None:
    sft = {"dataset": "accounts/a/datasets/d", "base_model": LLAMA, "epochs": 2}
    assert findings(training_limits, SUPERVISED_FINE_TUNING_JOB, sft, TRAINING) == []
    [message] = findings(training_limits, SUPERVISED_FINE_TUNING_JOB, {**sft, "epochs": 5}, TRAINING, name="tune")
    assert "'tune' runs 5 epochs, more than maxEpochs (2)" in message
    dpo = {"dataset": "accounts/a/datasets/d", "training_config": {"base_model": QWEN, "epochs": 1}}
    [message] = findings(training_limits, DPO_JOB, dpo, TRAINING, name="prefs")
    assert f"fine-tunes {QWEN}, which is not in allowedTrainingBaseModels" in message
    assert findings(training_limits, DPO_JOB, dpo) == []  # by default any model, up to 3 epochs
    assert findings(training_limits, SUPERVISED_FINE_TUNING_JOB, {**sft, "epochs": UNKNOWN}, TRAINING) == []


def test_rft_jobs_sample_at_most_max_concurrent_rollouts_once_capped() -> None:
    rft = {"dataset": "accounts/a/datasets/d", "evaluator": "accounts/a/evaluators/e",
           "training_config": {"base_model": LLAMA, "epochs": 1}}
    capped = {"fireworks-training-limits": {"maxConcurrentRollouts": 64}}
    assert findings(training_limits, REINFORCEMENT_FINE_TUNING_JOB, rft) == []  # no cap by default
    assert findings(training_limits, REINFORCEMENT_FINE_TUNING_JOB, {**rft, "max_concurrent_rollouts": 64}, capped) == []
    [message] = findings(training_limits, REINFORCEMENT_FINE_TUNING_JOB, {**rft, "max_concurrent_rollouts": 256}, capped,
                         name="math")
    assert "'math' samples 256 rollouts at once, more than maxConcurrentRollouts (64)" in message
    [message] = findings(training_limits, REINFORCEMENT_FINE_TUNING_JOB, rft, capped, name="math")
    assert "sets no max_concurrent_rollouts" in message
    both = findings(training_limits, REINFORCEMENT_FINE_TUNING_JOB,
                    {**rft, "training_config": {"base_model": QWEN, "epochs": 9}}, TRAINING, name="math")
    assert len(both) == 2 and "runs 9 epochs, more than maxEpochs (2)" in both[1] and QWEN in both[0]


# -- RFT jobs scored by an evaluator of the stack (stack) ------------------------------------------


def test_rft_jobs_are_scored_by_an_evaluator_the_stack_declares() -> None:
    from pulumi_fireworks.policy import rft_evaluator_in_stack
    from pulumi_fireworks.policy.resources import EVALUATOR

    ours = "accounts/acme/evaluators/reward-1"
    reward = StackItem(EVALUATOR, "reward", {"name": ours, "entry_point": "main.py::evaluate"})
    job = {"dataset": "accounts/acme/datasets/d", "training_config": {"base_model": LLAMA}}

    def check(*items: StackItem, config: Any = None) -> list[str]:
        return [f.message for f in Harness(rft_evaluator_in_stack(), config=config).analyze_stack(items)]

    assert check(reward, StackItem(REINFORCEMENT_FINE_TUNING_JOB, "rft", {**job, "evaluator": ours})) == []
    linked = StackItem(REINFORCEMENT_FINE_TUNING_JOB, "rft", {**job, "evaluator": UNKNOWN},
                       property_dependencies={"evaluator": [urn("dev", EVALUATOR, "reward")]})
    assert check(reward, linked) == []  # created in the same update: linked by dependency
    outside = StackItem(REINFORCEMENT_FINE_TUNING_JOB, "rft", {**job, "evaluator": "accounts/acme/evaluators/by-hand"})
    [message] = check(reward, outside)
    assert "RFT job 'rft' is scored by accounts/acme/evaluators/by-hand, an evaluator this stack does not declare" in message
    shared = {"fireworks-rft-evaluator-in-stack": {"allowedExternalEvaluators": ["accounts/acme/evaluators/by-*"]}}
    assert check(reward, outside, config=shared) == []
