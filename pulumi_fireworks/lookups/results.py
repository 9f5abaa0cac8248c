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

import typing
from typing import Any, Mapping, Optional, TypeVar

from pydantic import BaseModel, ConfigDict

from .._wire.account import Account
from .._wire.deployment import Deployment
from .._wire.deployment_shape import DeploymentShapeVersion
from .._wire.model import Date, Model
from .._wire.quota import Quota
from .._wire.training_job import DpoJob, ReinforcementFineTuningJob, SupervisedFineTuningJob
from .._wire.user import User

# The lookups' return types; their parts (ObjectStatus, BaseModelDetails, PeftDetails,
# AutoscalingPolicy, Placement) are imported from this module.
__all__ = [
    "GetAccountResult",
    "GetModelResult",
    "ListModelsResult",
    "GetDeploymentResult",
    "GetDeploymentShapeResult",
    "GetUserResult",
    "GetFineTuningJobResult",
    "GetQuotaResult",
    "ListQuotasResult",
]


_R = TypeVar("_R", bound="_Result")


class _Result(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        protected_namespaces=(),  # ``model_id``, ``model_type``
    )

    @classmethod
    def read(cls: type[_R], source: Optional[BaseModel], **derived: Any) -> _R:
        """The result whose fields are read from the wire object's fields of the same name
        (see :func:`_read`), except those given in ``derived``."""
        values: dict[str, Any] = dict(derived)
        for name, info in cls.model_fields.items():
            if name in derived:
                continue
            value = _read(info.annotation, getattr(source, name, None))
            if value is None and info.is_required():
                value = ""  # a name the server left out
            elif value is None and info.default is not None:
                continue  # absent: the field's default (``ObjectStatus.code`` reads OK)
            values[name] = value
        return cls(**values)


# -- reading wire values ------------------------------------------------------------------


def _read(annotation: Any, value: Any) -> Any:
    """One wire value as the result field's type says to read it (module docstring)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = len(args) == 1 and type(None) in typing.get_args(annotation)
    kind = args[0] if optional else annotation
    if isinstance(kind, type) and issubclass(kind, _Result):
        return kind.read(value) if value is not None else None
    if kind is bool:
        return bool(value)
    if kind is int:
        return _amount(value) if optional else int(value or 0)
    if kind is str:
        return _text(value)
    if typing.get_origin(kind) is tuple:
        return tuple(str(v) for v in value or ())
    if typing.get_origin(kind) is dict:
        return dict(value or {})
    raise TypeError(f"no wire reading for {annotation!r}")


def _text(value: Any) -> Optional[str]:
    """A string or enum: None when absent, empty, or an enum's ``*_UNSPECIFIED`` zero."""
    if value is None or value == "":
        return None
    text = str(value)
    return None if text.endswith("_UNSPECIFIED") else text


def _amount(value: Any) -> Optional[int]:
    """A number only meaningful when set (``context_length``; int64 strings too): absent or 0 is None."""
    return int(value) if value not in (None, "", 0, "0") else None


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

    code: str = "OK"
    """Status name, ``OK`` or an error such as ``FAILED_PRECONDITION``."""
    message: Optional[str] = None
    """The server's explanation, e.g. why a deployment failed."""


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
        return cls.read(wire, account_id=_segment(wire.name, 1))


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


class PeftDetails(_Result):
    """What a LoRA adapter applies to (set for kinds ``HF_PEFT_ADDON``/``HF_TEFT_ADDON``)."""

    base_model: Optional[str] = None
    """The model the adapter was trained on; deploy that model with ``enable_addons`` to load it."""
    r: Optional[int] = None
    """LoRA rank."""
    target_modules: tuple[str, ...] = ()
    base_model_type: Optional[str] = None
    merge_addon_model_name: Optional[str] = None


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
        return cls.read(
            wire,
            model_id=_segment(wire.name, 3),
            account_id=_segment(wire.name, 1),
            deprecation_date=_date(wire.deprecation_date),
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


class Placement(_Result):
    """Where a deployment may run: one region, a multi-region, or a list of regions."""

    region: Optional[str] = None
    multi_region: Optional[str] = None
    regions: tuple[str, ...] = ()


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
    max_replica_count: int = 0
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
        name, base_model = wire.name or "", _text(wire.base_model)
        return cls.read(
            wire,
            deployment_id=_segment(name, 3),
            account_id=_segment(name, 1),
            inference_model=f"{base_model}#{name}" if base_model and name else None,
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
        return cls.read(
            wire.snapshot,  # the shape's fields, as validated in this version
            name=name,
            shape=name.split("/versions/")[0],
            shape_id=_segment(name, 3),
            version_id=_segment(name, 5),
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
        return cls.read(wire, user_id=_segment(wire.name, 3), account_id=_segment(wire.name, 1))


# -- fine-tuning jobs ---------------------------------------------------------------------------


class GetFineTuningJobResult(_Result):
    """A supervised or DPO fine-tuning job, e.g. one another stack ran: what it trained,
    on what, and how far it got. Pass ``trained_model`` as a DeployedModel's ``model``."""

    name: str
    """Resource name, ``accounts/<account>/supervisedFineTuningJobs/<id>`` (or ``dpoJobs``)."""
    job_id: str
    account_id: str
    state: Optional[str] = None
    """``JOB_STATE_COMPLETED`` once the model is written; states the SDK does not know pass through."""
    status: Optional[ObjectStatus] = None
    dataset: Optional[str] = None
    base_model: Optional[str] = None
    warm_start_from: Optional[str] = None
    trained_model: Optional[str] = None
    """The model it trains, ``accounts/<account>/models/<id>`` (exists once it completed)."""
    epochs: Optional[int] = None
    learning_rate: Optional[float] = None
    lora_rank: Optional[int] = None
    display_name: Optional[str] = None
    progress_percent: Optional[int] = None
    create_time: Optional[str] = None
    completed_time: Optional[str] = None

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetFineTuningJobResult":
        name = str(doc.get("name", ""))
        kind = DpoJob if "/dpoJobs/" in name else ReinforcementFineTuningJob if "/reinforcementFineTuningJobs/" in name \
            else SupervisedFineTuningJob
        wire: Any = kind.model_validate(doc)
        settings = getattr(wire, "training_config", None) or wire  # DPO and RFT jobs nest them
        name, account = wire.name or "", _segment(wire.name, 1)
        output = _text(settings.output_model) or _segment(name, 3)
        progress = getattr(wire, "job_progress", None)
        return cls(
            name=name,
            job_id=_segment(name, 3),
            account_id=account,
            state=_text(wire.state),
            status=ObjectStatus.read(wire.status) if wire.status is not None else None,
            dataset=_text(wire.dataset),
            base_model=_text(settings.base_model),
            warm_start_from=_text(settings.warm_start_from),
            # The API answers the model's id (SDK: "the model ID") or its full name.
            trained_model=output if output.startswith("accounts/") else f"accounts/{account}/models/{output}",
            epochs=settings.epochs or None,
            learning_rate=settings.learning_rate or None,
            lora_rank=settings.lora_rank or None,
            display_name=_text(wire.display_name),
            progress_percent=progress.percent if progress is not None else None,
            create_time=_text(wire.create_time),
            completed_time=_text(wire.completed_time),
        )


# -- quotas -----------------------------------------------------------------------------------


class GetQuotaResult(_Result):
    """One quota of the account: what it enforces, its approved ceiling, and what is used.

    ``model_dump()`` of these (a list, e.g. ``pulumi.export("quotas", ...)``) is the quota
    snapshot ``python -m pulumi_fireworks.review --quotas`` reads."""

    name: str
    """Resource name, ``accounts/<account>/quotas/<id>``."""
    quota_id: str
    """``monthly-spend-usd``, ``serverless-inference-rpm``, a GPU quota's id, ..."""
    account_id: str
    value: int = 0
    """What the account enforces (0 when the server leaves it out, proto3's zero)."""
    max_value: int = 0
    """The most ``value`` may be: the ceiling Fireworks approved."""
    usage: float = 0.0
    """How much of it the account uses now."""
    update_time: Optional[str] = None

    @property
    def headroom(self) -> float:
        """``value - usage``: how much more the account may use now."""
        return self.value - self.usage

    @classmethod
    def from_wire(cls, doc: Mapping[str, Any]) -> "GetQuotaResult":
        wire = Quota.model_validate(doc)
        return cls(
            name=wire.name or "",
            quota_id=_segment(wire.name, 3),
            account_id=_segment(wire.name, 1),
            value=int(wire.value or 0),
            max_value=int(wire.max_value or 0),
            usage=float(wire.usage or 0.0),
            update_time=_text(wire.update_time),
        )


class ListQuotasResult(_Result):
    """Every quota of the account, in the API's order."""

    account_id: str
    quotas: tuple[GetQuotaResult, ...] = ()

    def by_id(self, quota_id: str) -> Optional[GetQuotaResult]:
        """The quota with this id, or None when the account has no such quota."""
        return next((q for q in self.quotas if q.quota_id == quota_id), None)
