"""``fireworks:Deployment`` — an on-demand deployment of a model on dedicated GPUs.

API object: ``accounts/{account}/deployments/{deployment_id}``
(https://docs.fireworks.ai/api-reference/create-deployment; SDK ``fireworks/resources/deployments.py``).
Everything generic lives in ``_engine.py``; this file says what is special about
deployments: their inputs and rules, which inputs force a replacement, the create and
delete flags, and the string users put in ``model=`` to query the deployment.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from . import _durations
from ._drift import is_zero
from ._engine import ResourceEngine
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel
from ._spec import Props, ResourceSpec
from ._types import AdoptExisting, Bool, Duration, Int, ModelName, Number, ResourceId, adopt_field, at_least, at_most
from ._wire._enums import AcceleratorType, DirectRouteType, MultiRegion, Precision, Region
from ._wire.deployment import Deployment as DeploymentWire




# Documented load-target keys (autoscaling guide); the API text says only "default" is
# generally available, the rest are enterprise features — accepted, not enforced.
LOAD_TARGET_KEYS = ("default", "tokens_generated_per_second", "requests_per_second", "concurrent_requests")
_CRON = re.compile(r"^\S+(\s+\S+){4}$")


class ScalingScheduleInputs(InputsModel):
    min_replica_count: Int = Field(ge=0)
    schedule: str = Field(description="5-field cron expression, e.g. '0 9 * * 1-5'")
    duration: Annotated[Duration, at_least(300), at_most(604800)]
    timezone: str = Field(description="IANA time zone, e.g. 'America/New_York'")
    description: Optional[str] = None
    disabled: Optional[Bool] = None

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not _CRON.match(value.strip()):
            raise ValueError(f"{value!r} is not a 5-field cron expression such as '0 9 * * 1-5'")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as 'Europe/Paris'") from None
        return value

    @field_validator("duration")
    @classmethod
    def _whole_seconds(cls, value: str) -> str:
        seconds = _durations.parse_seconds(value)
        if seconds != seconds.to_integral_value():
            raise ValueError("must be a whole number of seconds")
        return value


class AutoscalingPolicyInputs(InputsModel):
    scale_up_window: Optional[Annotated[Duration, at_most(3600)]] = None
    scale_down_window: Optional[Annotated[Duration, at_most(3600)]] = None
    scale_to_zero_window: Optional[Annotated[Duration, at_least(300)]] = None
    load_targets: Optional[dict[str, Number]] = None
    scaling_schedules: Optional[dict[str, ScalingScheduleInputs]] = Field(default=None, max_length=5)

    @field_validator("load_targets")
    @classmethod
    def _targets(cls, value: Optional[dict[str, Number]]) -> Optional[dict[str, Number]]:
        for key, target in (value or {}).items():
            if key not in LOAD_TARGET_KEYS:
                raise ValueError(f"unknown load target {key!r}; use one of {', '.join(LOAD_TARGET_KEYS)}")
            if target <= 0 or (key == "default" and target > 1):
                bound = "in (0, 1]" if key == "default" else "positive"
                raise ValueError(f"load target {key!r} must be {bound}, got {target}")
        return value


class PlacementInputs(InputsModel):
    region: Optional[Region] = None
    multi_region: Optional[MultiRegion] = None
    regions: Optional[list[Region]] = Field(default=None, min_length=1)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        chosen = [f for f in ("region", "multi_region", "regions") if getattr(self, f) is not None]
        if len(chosen) != 1:
            return [("placement", f"set exactly one of region, multi_region or regions (got {chosen or 'none'})")]
        return []


class AutoTuneInputs(InputsModel):
    long_prompt: Optional[Bool] = None


class DeploymentInputs(InputsModel):
    """Validation and canonical form of Deployment inputs; the published input schema."""

    # No update path exists for base_model, placement or deployment_template (firectl's
    # `update deployment` has none, and the gateway proto marks them IMMUTABLE).
    base_model: ModelName = field("Model to serve, e.g. accounts/fireworks/models/llama-v3p1-8b-instruct", required=True, replaces=True)
    deployment_id: Optional[ResourceId] = field("Id of the deployment; derived from the resource name when unset")
    display_name: Optional[str] = field(unset=SERVER_DECIDES, max_length=63)
    description: Optional[str] = field(unset="")
    min_replica_count: Optional[Int] = field(unset=0, ge=0)
    max_replica_count: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    max_with_revocable_replica_count: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    autoscaling_policy: Optional[AutoscalingPolicyInputs] = field(unset=SERVER_DECIDES)
    accelerator_type: Optional[AcceleratorType] = field(unset=SERVER_DECIDES)
    accelerator_count: Optional[Int] = field(unset=SERVER_DECIDES, ge=1, le=64)
    precision: Optional[Precision] = field(unset=SERVER_DECIDES)
    deployment_shape: Optional[str] = field("Shape or shape-version name; the server records the version", unset=SERVER_DECIDES)
    deployment_template: Optional[str] = field("Enterprise only", replaces=True, unset=SERVER_DECIDES)
    enable_addons: Optional[Bool] = field(unset=SERVER_DECIDES)
    enable_hot_reload_latest_addon: Optional[Bool] = field(unset=SERVER_DECIDES)
    draft_model: Optional[ModelName] = field(unset=SERVER_DECIDES)
    draft_token_count: Optional[Int] = field(unset=SERVER_DECIDES, ge=1, le=64)
    ngram_speculation_length: Optional[Int] = field(unset=SERVER_DECIDES, ge=1, le=64)
    enable_mtp: Optional[Bool] = field(unset=SERVER_DECIDES)
    enable_session_affinity: Optional[Bool] = field(unset=False)
    direct_route_type: Optional[DirectRouteType] = field(unset=SERVER_DECIDES)
    # Whether a Get returns them is undocumented: never compared, so foreign keys are never
    # copied into the state.
    direct_route_api_keys: Optional[list[str]] = field(secret=True, unset=SERVER_DECIDES)
    auto_tune: Optional[AutoTuneInputs] = field(unset=SERVER_DECIDES)
    placement: Optional[PlacementInputs] = field("Where the deployment may run", replaces=True, unset=SERVER_DECIDES)
    max_context_length: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    max_concurrency_per_replica: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    disable_deployment_size_validation: Optional[Bool] = field(unset=False)
    annotations: Optional[dict[str, str]] = field(unset=SERVER_DECIDES)
    # Create-time flags (query parameters of the create call).
    skip_shape_validation: Optional[Bool] = field(create_only=True)
    disable_speculative_decoding: Optional[Bool] = field(create_only=True)
    disable_auto_deploy: Optional[Bool] = field(create_only=True)
    accept_shapeless_risk: Optional[Bool] = field(create_only=True)
    skip_image_tag_validation: Optional[Bool] = field(create_only=True)
    # Provider behaviour.
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field("How long create, update and delete wait; default 1h", provider_only=True)
    hard_delete: Optional[Bool] = field("Purge on delete instead of the default soft delete", provider_only=True)
    ignore_checks: Optional[Bool] = field("Delete even while the deployment is in use", provider_only=True)
    adopt_existing: AdoptExisting = adopt_field()

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        if self.min_replica_count is not None and self.max_replica_count is not None:
            if self.min_replica_count > self.max_replica_count:
                errors.append(("min_replica_count", f"must not exceed max_replica_count ({self.min_replica_count} > {self.max_replica_count})"))
        if self.max_with_revocable_replica_count is not None and self.max_replica_count is not None:
            if self.max_with_revocable_replica_count < self.max_replica_count:
                errors.append(("max_with_revocable_replica_count", "must be at least max_replica_count"))
        if self.draft_model is not None and self.ngram_speculation_length is not None:
            errors.append(("ngram_speculation_length", "speculative decoding uses either draft_model or ngram_speculation_length, not both"))
        if self.accelerator_type is not None and self.deployment_shape is not None:
            errors.append(("accelerator_type", "is set by the deployment_shape; set one or the other"))
        if self.adopt_existing and self.deployment_id is None:
            errors.append(("adopt_existing", "needs deployment_id: the id of the deployment to take over"))
        if self.placement is not None:
            errors.extend(self.placement.cross_field_errors())
        if self.autoscaling_policy is not None and self.max_replica_count is not None:
            for key, schedule in (self.autoscaling_policy.scaling_schedules or {}).items():
                if schedule.min_replica_count > self.max_replica_count:
                    errors.append((f"autoscaling_policy.scaling_schedules.{key}.min_replica_count", "must not exceed max_replica_count"))
        return errors


_CREATE_FLAGS = {
    "skip_shape_validation": "skipShapeValidation",
    "disable_speculative_decoding": "disableSpeculativeDecoding",
    "disable_auto_deploy": "disableAutoDeploy",
    "accept_shapeless_risk": "acceptShapelessRisk",
    "skip_image_tag_validation": "skipImageTagValidation",
}


class DeploymentEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="Deployment",
        collection="deployments",
        collection_key="deployments",
        inputs_model=DeploymentInputs,
        wire_model=DeploymentWire,
        id_field="deployment_id",
        id_source="query",
        id_param="deploymentId",
        ready_states=frozenset({"READY"}),
        failed_states=frozenset({"FAILED", "DELETING"}),
        gone_states=frozenset({"DELETED"}),
        computed_output_names=frozenset({"inference_model"}),
        summary="An on-demand deployment of a model on dedicated GPUs.",
        example=(
            'chat = fireworks.Deployment(\n'
            '    "chat",\n'
            '    base_model="accounts/fireworks/models/llama-v3p1-8b-instruct",\n'
            '    min_replica_count=0,\n'
            '    max_replica_count=1,\n'
            '    autoscaling_policy={"scale_to_zero_window": "10m"},\n'
            ')\n'
            'pulumi.export("model", chat.inference_model)   # pass as model= to chat/completions'
        ),
        output_docs={
            "inference_model": "What to pass as ``model=`` to query this deployment: ``<base model>#<name>``.",
            "direct_route_handle": "Where to send direct-route requests, when ``direct_route_type`` is set.",
        },
    )

    def equivalent(self, field: str, desired: Any, live: Any) -> bool:
        # The server records the shape *version* it resolved a shape name to.
        if field == "deployment_shape" and isinstance(desired, str) and isinstance(live, str):
            return live.startswith(desired.rstrip("/") + "/versions/")
        return False

    def create_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {param: True for field, param in _CREATE_FLAGS.items() if props.get(field)}

    def update_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"skipShapeValidation": True} if props.get("skip_shape_validation") else {}

    def update_plan(self, news: Props, changed: list[str]) -> tuple[Props, list[str]]:
        # ``max_replica_count`` left unset defaults to max(min_replica_count, 1) when the
        # deployment is created (API reference), and nothing says an update re-derives it:
        # raising min to 2 would then be refused ("2 is greater than max_replica_count 1")
        # although the same program creates fine. Spell the documented default out.
        if "min_replica_count" in changed and is_zero(news.get("max_replica_count")):
            derived = max(int(news.get("min_replica_count") or 0), 1)
            return {**news, "max_replica_count": derived}, sorted({*changed, "max_replica_count"})
        return news, changed

    def delete_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"hard": bool(props.get("hard_delete")) or None, "ignoreChecks": bool(props.get("ignore_checks")) or None}

    def cleanup_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        # A failed create must not leave the id blocked by a soft-deleted deployment.
        return {"hard": True, "ignoreChecks": True}

    def computed_outputs(self, inputs: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        name = live.get("name")
        base = inputs.get("base_model")
        return {"inference_model": f"{base}#{name}" if name and base else None}


SPEC = DeploymentEngine.spec
