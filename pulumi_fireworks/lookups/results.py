"""What the lookup functions return: frozen, typed views of API objects.

Why not the wire models: those are lenient and mutable, keep the API's spellings
(int64 as strings, ``*_UNSPECIFIED`` enums) and carry fields a program must never see in
plain text (a deployment's ``direct_route_api_keys``). A result is what a program can
rely on instead:

* Field names are the wire models' snake_case names, plus ids split out of the resource
  name (``model_id``, ``account_id``, ...).
* Absent and zero values read the same, whichever way the server spells them (left out,
  or written as ``false``/``0``/``""``/``*_UNSPECIFIED``): flags are ``False``, replica
  counts ``0``, other numbers that are only meaningful when set (``context_length``,
  ``accelerator_count``) and strings and enums are ``None``, lists are empty tuples.
* int64 values (``parameter_count``) are ints; times are RFC 3339 strings and durations
  the API's ``"600s"`` spelling, as the resources' outputs show them.
* Results are frozen (pydantic models with ``frozen=True``): assigning a field fails.
  ``model_dump()`` gives a plain dict, e.g. to ``pulumi.export`` a whole result.

``schema/lookups/`` has the JSON Schema of each result, generated from these classes.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from pydantic import BaseModel, ConfigDict

from .._wire._base import Status as WireStatus
from .._wire.account import Account
from .._wire.deployment import AutoscalingPolicy as WireAutoscalingPolicy
from .._wire.deployment import Deployment
from .._wire.deployment import Placement as WirePlacement
from .._wire.deployment_shape import DeploymentShapeVersion
from .._wire.model import BaseModelDetails as WireBaseModelDetails
from .._wire.model import Date, Model
from .._wire.model import PeftDetails as WirePeftDetails
from .._wire.user import User

__all__ = [
    "ObjectStatus",
    "GetAccountResult",
    "BaseModelDetails",
    "PeftDetails",
    "GetModelResult",
    "ListModelsResult",
    "AutoscalingPolicy",
    "Placement",
    "GetDeploymentResult",
    "GetDeploymentShapeResult",
    "GetUserResult",
]


class _Result(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        protected_namespaces=(),  # ``model_id``, ``model_type``
    )


# -- reading wire values ------------------------------------------------------------------


def _text(value: Any) -> Optional[str]:
    """A string or enum: None when absent, empty, or an enum's ``*_UNSPECIFIED`` zero."""
    if value is None or value == "":
        return None
    text = str(value)
    return None if text.endswith("_UNSPECIFIED") else text


def _count(value: Any) -> int:
    """A number whose zero is a real value (replicas): absent reads 0."""
    return int(value or 0)


def _amount(value: Any) -> Optional[int]:
    """A number only meaningful when set (``context_length``; int64 strings too): absent or 0 is None."""
    return int(value) if value not in (None, "", 0, "0") else None


def _texts(values: Optional[list[str]]) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _segment(name: Optional[str], index: int) -> str:
    """Part ``index`` of a resource name (``accounts/a/models/m``: 1 -> ``a``, 3 -> ``m``)."""
    parts = (name or "").split("/")
    return parts[index] if len(parts) > index else ""


def _date(value: Optional[Date]) -> Optional[str]:
    """``google.type.Date`` as ``YYYY-MM-DD`` (``YYYY-MM`` or ``YYYY`` when the rest is 0)."""
    if value is None or not value.year:
        return None
    text = f"{value.year:04d}"
    if value.month:
        text += f"-{value.month:02d}"
        if value.day:
            text += f"-{value.day:02d}"
    return text


# -- shared parts ---------------------------------------------------------------------------


class ObjectStatus(_Result):
    """The server's status of an object (``google.rpc.Status``)."""

    code: Optional[str] = None
    """Status name, ``OK`` or an error such as ``FAILED_PRECONDITION``."""
    message: Optional[str] = None
    """The server's explanation, e.g. why a deployment failed."""

    @classmethod
    def from_wire(cls, wire: Optional[WireStatus]) -> Optional["ObjectStatus"]:
        if wire is None:
            return None
        return cls(code=_text(wire.code) or "OK", message=_text(wire.message))


# -- account --------------------------------------------------------------------------------


class GetAccountResult(_Result):
    """The account the API key works in (``accounts/<account_id>``)."""

    account_id: str
    """The account's id: what ``fireworks:accountId`` holds, and the ``<account>`` of every name in it."""
    name: str
    """Resource name, ``accounts/<account_id>``."""
    display_name: Optional[str] = None
    email: Optional[str] = None
    """Where billing and notifications go."""
    account_type: Optional[str] = None
    """``ENTERPRISE``, or None for a developer account."""
    state: Optional[str] = None
    """``READY`` once the account is usable."""
    suspend_state: Optional[str] = None
    """``UNSUSPENDED`` unless the account is suspended (``CREDIT_DEPLETED``, ...): then the API refuses work."""
    status: Optional[ObjectStatus] = None
    create_time: Optional[str] = None
    update_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetAccountResult":
        wire = Account.model_validate(doc)
        return cls(
            account_id=_segment(wire.name, 1),
            name=wire.name or "",
            display_name=_text(wire.display_name),
            email=_text(wire.email),
            account_type=_text(wire.account_type),
            state=_text(wire.state),
            suspend_state=_text(wire.suspend_state),
            status=ObjectStatus.from_wire(wire.status),
            create_time=_text(wire.create_time),
            update_time=_text(wire.update_time),
        )


# -- model ----------------------------------------------------------------------------------


class BaseModelDetails(_Result):
    """What a base model is made of (set for kind ``HF_BASE_MODEL``)."""

    world_size: Optional[int] = None
    """GPUs one replica of the model needs."""
    checkpoint_format: Optional[str] = None
    parameter_count: Optional[int] = None
    moe: bool = False
    """A mixture-of-experts model."""
    tunable: bool = False
    model_type: Optional[str] = None
    """The Hugging Face ``model_type`` (``llama``, ``qwen3``, ...)."""
    supports_fireattention: bool = False
    default_precision: Optional[str] = None
    supports_mtp: bool = False
    """Multi-token prediction can be enabled on its deployments (``enable_mtp``)."""

    @classmethod
    def from_wire(cls, wire: Optional[WireBaseModelDetails]) -> Optional["BaseModelDetails"]:
        if wire is None:
            return None
        return cls(
            world_size=_amount(wire.world_size),
            checkpoint_format=_text(wire.checkpoint_format),
            parameter_count=_amount(wire.parameter_count),
            moe=bool(wire.moe),
            tunable=bool(wire.tunable),
            model_type=_text(wire.model_type),
            supports_fireattention=bool(wire.supports_fireattention),
            default_precision=_text(wire.default_precision),
            supports_mtp=bool(wire.supports_mtp),
        )


class PeftDetails(_Result):
    """What a LoRA adapter applies to (set for kinds ``HF_PEFT_ADDON``/``HF_TEFT_ADDON``)."""

    base_model: Optional[str] = None
    """The model the adapter was trained on; deploy that model with ``enable_addons`` to load it."""
    r: Optional[int] = None
    """LoRA rank."""
    target_modules: tuple[str, ...] = ()
    base_model_type: Optional[str] = None
    merge_addon_model_name: Optional[str] = None

    @classmethod
    def from_wire(cls, wire: Optional[WirePeftDetails]) -> Optional["PeftDetails"]:
        if wire is None:
            return None
        return cls(
            base_model=_text(wire.base_model),
            r=_amount(wire.r),
            target_modules=_texts(wire.target_modules),
            base_model_type=_text(wire.base_model_type),
            merge_addon_model_name=_text(wire.merge_addon_model_name),
        )


class GetModelResult(_Result):
    """A model: a public base model (``accounts/fireworks/models/...``) or one of an account's own."""

    name: str
    """Resource name, ``accounts/<account>/models/<id>``: what a Deployment's ``base_model`` takes."""
    model_id: str
    account_id: str
    """The account that owns the model (``fireworks`` for public base models)."""
    display_name: Optional[str] = None
    description: Optional[str] = None
    kind: Optional[str] = None
    """``HF_BASE_MODEL``, ``HF_PEFT_ADDON`` (a LoRA adapter), ``EMBEDDING_MODEL``, ..."""
    state: Optional[str] = None
    """``READY`` once it can be deployed (``UPLOADING`` until an upload is validated)."""
    status: Optional[ObjectStatus] = None
    public: bool = False
    context_length: Optional[int] = None
    """Longest context, in tokens, the model takes; None when the API does not say."""
    training_context_length: Optional[int] = None
    supports_lora: bool = False
    """LoRA adapters of this model can be loaded onto its deployments."""
    supports_serverless: bool = False
    """Fireworks serves it serverless: no deployment needed to query it."""
    supports_image_input: bool = False
    supports_tools: bool = False
    tunable: bool = False
    """It can be fine-tuned."""
    rl_tunable: bool = False
    calibrated: bool = False
    supported_precisions: tuple[str, ...] = ()
    """Precisions its deployments may use (``FP16``, ``FP8``, ...)."""
    base_model_details: Optional[BaseModelDetails] = None
    peft_details: Optional[PeftDetails] = None
    default_draft_model: Optional[str] = None
    """Draft model its deployments use for speculative decoding unless told otherwise."""
    default_draft_token_count: Optional[int] = None
    hugging_face_url: Optional[str] = None
    github_url: Optional[str] = None
    deprecation_date: Optional[str] = None
    """``YYYY-MM-DD`` from which the model is deprecated, if announced."""
    create_time: Optional[str] = None
    update_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetModelResult":
        wire = Model.model_validate(doc)
        return cls(
            name=wire.name or "",
            model_id=_segment(wire.name, 3),
            account_id=_segment(wire.name, 1),
            display_name=_text(wire.display_name),
            description=_text(wire.description),
            kind=_text(wire.kind),
            state=_text(wire.state),
            status=ObjectStatus.from_wire(wire.status),
            public=bool(wire.public),
            context_length=_amount(wire.context_length),
            training_context_length=_amount(wire.training_context_length),
            supports_lora=bool(wire.supports_lora),
            supports_serverless=bool(wire.supports_serverless),
            supports_image_input=bool(wire.supports_image_input),
            supports_tools=bool(wire.supports_tools),
            tunable=bool(wire.tunable),
            rl_tunable=bool(wire.rl_tunable),
            calibrated=bool(wire.calibrated),
            supported_precisions=_texts(wire.supported_precisions),
            base_model_details=BaseModelDetails.from_wire(wire.base_model_details),
            peft_details=PeftDetails.from_wire(wire.peft_details),
            default_draft_model=_text(wire.default_draft_model),
            default_draft_token_count=_amount(wire.default_draft_token_count),
            hugging_face_url=_text(wire.hugging_face_url),
            github_url=_text(wire.github_url),
            deprecation_date=_date(wire.deprecation_date),
            create_time=_text(wire.create_time),
            update_time=_text(wire.update_time),
        )


class ListModelsResult(_Result):
    """The models of one account that pass a filter, in the API's order (by name)."""

    account_id: str
    """The account listed."""
    filter: Optional[str] = None
    """The filter applied (AIP-160), as given."""
    models: tuple[GetModelResult, ...] = ()
    """Every matching model (all pages)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The models' resource names."""
        return tuple(model.name for model in self.models)


# -- deployment -----------------------------------------------------------------------------


class AutoscalingPolicy(_Result):
    """How a deployment scales (durations in the API's ``"600s"`` spelling)."""

    scale_up_window: Optional[str] = None
    scale_down_window: Optional[str] = None
    scale_to_zero_window: Optional[str] = None
    """Idle time after which a deployment with ``min_replica_count`` 0 scales to zero."""
    load_targets: dict[str, float] = {}
    """Target load per metric (``default``, ``requests_per_second``, ...)."""

    @classmethod
    def from_wire(cls, wire: Optional[WireAutoscalingPolicy]) -> Optional["AutoscalingPolicy"]:
        if wire is None:
            return None
        return cls(
            scale_up_window=_text(wire.scale_up_window),
            scale_down_window=_text(wire.scale_down_window),
            scale_to_zero_window=_text(wire.scale_to_zero_window),
            load_targets=dict(wire.load_targets or {}),
        )


class Placement(_Result):
    """Where a deployment may run: one region, a multi-region, or a list of regions."""

    region: Optional[str] = None
    multi_region: Optional[str] = None
    regions: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, wire: Optional[WirePlacement]) -> Optional["Placement"]:
        if wire is None:
            return None
        return cls(region=_text(wire.region), multi_region=_text(wire.multi_region), regions=_texts(wire.regions))


class GetDeploymentResult(_Result):
    """An on-demand deployment, e.g. one another stack or team manages.

    ``direct_route_api_keys`` are left out on purpose: they are credentials, and a
    lookup's result is plain program data.
    """

    name: str
    """Resource name, ``accounts/<account>/deployments/<id>``."""
    deployment_id: str
    account_id: str
    base_model: Optional[str] = None
    inference_model: Optional[str] = None
    """What to pass as ``model=`` to query this deployment: ``<base model>#<name>``."""
    display_name: Optional[str] = None
    description: Optional[str] = None
    state: Optional[str] = None
    """``READY`` when serving; ``DELETED`` for a soft-deleted deployment (see ``delete_time``)."""
    status: Optional[ObjectStatus] = None
    min_replica_count: int = 0
    max_replica_count: Optional[int] = None
    replica_count: int = 0
    """Replicas running now."""
    desired_replica_count: int = 0
    accelerator_type: Optional[str] = None
    accelerator_count: Optional[int] = None
    precision: Optional[str] = None
    deployment_shape: Optional[str] = None
    """The shape version the deployment was created from, if any."""
    region: Optional[str] = None
    placement: Optional[Placement] = None
    autoscaling_policy: Optional[AutoscalingPolicy] = None
    enable_addons: bool = False
    """LoRA adapters can be loaded onto it."""
    draft_model: Optional[str] = None
    draft_token_count: Optional[int] = None
    ngram_speculation_length: Optional[int] = None
    enable_mtp: bool = False
    enable_session_affinity: bool = False
    max_context_length: Optional[int] = None
    direct_route_type: Optional[str] = None
    direct_route_handle: Optional[str] = None
    annotations: dict[str, str] = {}
    create_time: Optional[str] = None
    update_time: Optional[str] = None
    delete_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetDeploymentResult":
        wire = Deployment.model_validate(doc)
        name = wire.name or ""
        base_model = _text(wire.base_model)
        return cls(
            name=name,
            deployment_id=_segment(name, 3),
            account_id=_segment(name, 1),
            base_model=base_model,
            inference_model=f"{base_model}#{name}" if base_model and name else None,
            display_name=_text(wire.display_name),
            description=_text(wire.description),
            state=_text(wire.state),
            status=ObjectStatus.from_wire(wire.status),
            min_replica_count=_count(wire.min_replica_count),
            max_replica_count=wire.max_replica_count,
            replica_count=_count(wire.replica_count),
            desired_replica_count=_count(wire.desired_replica_count),
            accelerator_type=_text(wire.accelerator_type),
            accelerator_count=_amount(wire.accelerator_count),
            precision=_text(wire.precision),
            deployment_shape=_text(wire.deployment_shape),
            region=_text(wire.region),
            placement=Placement.from_wire(wire.placement),
            autoscaling_policy=AutoscalingPolicy.from_wire(wire.autoscaling_policy),
            enable_addons=bool(wire.enable_addons),
            draft_model=_text(wire.draft_model),
            draft_token_count=_amount(wire.draft_token_count),
            ngram_speculation_length=_amount(wire.ngram_speculation_length),
            enable_mtp=bool(wire.enable_mtp),
            enable_session_affinity=bool(wire.enable_session_affinity),
            max_context_length=_amount(wire.max_context_length),
            direct_route_type=_text(wire.direct_route_type),
            direct_route_handle=_text(wire.direct_route_handle),
            annotations=dict(wire.annotations or {}),
            create_time=_text(wire.create_time),
            update_time=_text(wire.update_time),
            delete_time=_text(wire.delete_time),
        )


# -- deployment shape -------------------------------------------------------------------------


class GetDeploymentShapeResult(_Result):
    """A deployment shape version: a validated hardware and serving configuration for a
    base model. Pass ``name`` as a Deployment's ``deployment_shape`` (without
    ``accelerator_type``: the shape sets it)."""

    name: str
    """The version's resource name, ``accounts/<a>/deploymentShapes/<shape>/versions/<v>``."""
    shape: str
    """The shape it is a version of, ``accounts/<a>/deploymentShapes/<shape>``."""
    shape_id: str
    version_id: str
    base_model: Optional[str] = None
    display_name: Optional[str] = None
    description: Optional[str] = None
    accelerator_type: Optional[str] = None
    accelerator_count: Optional[int] = None
    """GPUs per replica."""
    precision: Optional[str] = None
    preset_type: Optional[str] = None
    """What the shape is tuned for: ``MINIMAL``, ``FAST``, ``THROUGHPUT``, ..."""
    model_type: Optional[str] = None
    parameter_count: Optional[int] = None
    max_context_length: Optional[int] = None
    enable_addons: bool = False
    draft_model: Optional[str] = None
    draft_token_count: Optional[int] = None
    ngram_speculation_length: Optional[int] = None
    enable_session_affinity: bool = False
    num_lora_device_cached: Optional[int] = None
    disable_deployment_size_validation: bool = False
    disable_speculative_decoding: bool = False
    validated: bool = False
    latest_validated: bool = False
    """The newest validated version of its shape (what a deployment naming the shape gets)."""
    public: bool = False
    create_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetDeploymentShapeResult":
        wire = DeploymentShapeVersion.model_validate(doc)
        name = wire.name or ""
        shape = name.split("/versions/")[0]
        snap = wire.snapshot
        return cls(
            name=name,
            shape=shape,
            shape_id=_segment(name, 3),
            version_id=_segment(name, 5),
            base_model=_text(snap.base_model) if snap else None,
            display_name=_text(snap.display_name) if snap else None,
            description=_text(snap.description) if snap else None,
            accelerator_type=_text(snap.accelerator_type) if snap else None,
            accelerator_count=_amount(snap.accelerator_count) if snap else None,
            precision=_text(snap.precision) if snap else None,
            preset_type=_text(snap.preset_type) if snap else None,
            model_type=_text(snap.model_type) if snap else None,
            parameter_count=_amount(snap.parameter_count) if snap else None,
            max_context_length=_amount(snap.max_context_length) if snap else None,
            enable_addons=bool(snap and snap.enable_addons),
            draft_model=_text(snap.draft_model) if snap else None,
            draft_token_count=_amount(snap.draft_token_count) if snap else None,
            ngram_speculation_length=_amount(snap.ngram_speculation_length) if snap else None,
            enable_session_affinity=bool(snap and snap.enable_session_affinity),
            num_lora_device_cached=_amount(snap.num_lora_device_cached) if snap else None,
            disable_deployment_size_validation=bool(snap and snap.disable_deployment_size_validation),
            disable_speculative_decoding=bool(snap and snap.disable_speculative_decoding),
            validated=bool(wire.validated),
            latest_validated=bool(wire.latest_validated),
            public=bool(wire.public),
            create_time=_text(wire.create_time),
        )


# -- user -----------------------------------------------------------------------------------


class GetUserResult(_Result):
    """A user or service account of the account."""

    name: str
    """Resource name, ``accounts/<account>/users/<id>``."""
    user_id: str
    account_id: str
    email: Optional[str] = None
    """For a service account, ``<id>@<account>.sa.fireworks.ai``."""
    display_name: Optional[str] = None
    role: Optional[str] = None
    """``admin``, ``user``, ``contributor``, ``inference-user`` or ``custom``."""
    permission_preset: Optional[str] = None
    service_account: bool = False
    state: Optional[str] = None
    status: Optional[ObjectStatus] = None
    create_time: Optional[str] = None
    update_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetUserResult":
        wire = User.model_validate(doc)
        name = wire.name or ""
        return cls(
            name=name,
            user_id=_segment(name, 3),
            account_id=_segment(name, 1),
            email=_text(wire.email),
            display_name=_text(wire.display_name),
            role=_text(wire.role),
            permission_preset=_text(wire.permission_preset),
            service_account=bool(wire.service_account),
            state=_text(wire.state),
            status=ObjectStatus.from_wire(wire.status),
            create_time=_text(wire.create_time),
            update_time=_text(wire.update_time),
        )
