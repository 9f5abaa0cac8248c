"""Typed access to each Fireworks resource's inputs, by type token.

Why: a rule should read ``deployment.max_replica_count`` as an ``int`` (or know it cannot),
not dig through proxies, floats and sentinels. Each view is built from what a policy receives -
the inputs in a resource validation, the outputs (which repeat the inputs) in a stack
validation - and works the same for the resource classes of this package and for any other
resource registered with the same type token. Fields mirror the API's field names in
snake_case; every field is ``Maybe[...]``: a value, :class:`~.values.Unknown` (skip it), or
``None`` (not set: the API's default applies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Optional, Union

from .values import (
    Maybe,
    Unknown,
    as_bool,
    as_int,
    as_mapping,
    as_seconds,
    as_str,
    as_str_list,
    as_timestamp,
    visible,
)

__all__ = [
    "TYPE_PREFIX",
    "DEPLOYMENT",
    "SECRET",
    "USER",
    "SERVICE_ACCOUNT",
    "API_KEY",
    "MODEL",
    "DEPLOYED_MODEL",
    "Placement",
    "AutoscalingPolicy",
    "Deployment",
    "Secret",
    "User",
    "ServiceAccount",
    "ApiKey",
    "Model",
    "DeployedModel",
    "View",
    "view",
    "short_id",
]

TYPE_PREFIX = "pulumi-python:dynamic/fireworks:"
DEPLOYMENT = TYPE_PREFIX + "Deployment"
SECRET = TYPE_PREFIX + "Secret"
USER = TYPE_PREFIX + "User"
SERVICE_ACCOUNT = TYPE_PREFIX + "ServiceAccount"
API_KEY = TYPE_PREFIX + "ApiKey"
MODEL = TYPE_PREFIX + "Model"
DEPLOYED_MODEL = TYPE_PREFIX + "DeployedModel"


def short_id(value: Maybe[str]) -> Maybe[str]:
    """``accounts/a/models/m`` -> ``m``; ids pass through."""
    if isinstance(value, str):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


@dataclass(frozen=True)
class Placement:
    region: Maybe[str]
    multi_region: Maybe[str]
    regions: Maybe[tuple[Maybe[str], ...]]

    @classmethod
    def read(cls, value: Any) -> Maybe[Placement]:
        mapping = as_mapping(value)
        if not isinstance(mapping, Mapping):
            return mapping
        return cls(
            region=as_str(mapping.get("region")),
            multi_region=as_str(mapping.get("multi_region")),
            regions=as_str_list(mapping.get("regions")),
        )


@dataclass(frozen=True)
class AutoscalingPolicy:
    scale_to_zero_window: Maybe[Decimal]
    """Seconds; written ``"600s"`` after the provider's check, ``"10m"`` or ``600`` before."""

    @classmethod
    def read(cls, value: Any) -> Maybe[AutoscalingPolicy]:
        mapping = as_mapping(value)
        if not isinstance(mapping, Mapping):
            return mapping
        return cls(scale_to_zero_window=as_seconds(mapping.get("scale_to_zero_window")))


@dataclass(frozen=True)
class Deployment:
    """``fireworks:Deployment`` (``schema/deployment.json`` lists every input)."""

    base_model: Maybe[str]
    deployment_id: Maybe[str]
    name: Maybe[str]
    """Output ``accounts/<account>/deployments/<id>``; only in stack validations, after create."""
    display_name: Maybe[str]
    min_replica_count: Maybe[int]
    max_replica_count: Maybe[int]
    max_with_revocable_replica_count: Maybe[int]
    accelerator_type: Maybe[str]
    accelerator_count: Maybe[int]
    deployment_shape: Maybe[str]
    placement: Maybe[Placement]
    autoscaling_policy: Maybe[AutoscalingPolicy]
    enable_addons: Maybe[bool]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> Deployment:
        p = visible(props)
        return cls(
            base_model=as_str(p.get("base_model")),
            deployment_id=as_str(p.get("deployment_id")),
            name=as_str(p.get("name")),
            display_name=as_str(p.get("display_name")),
            min_replica_count=as_int(p.get("min_replica_count")),
            max_replica_count=as_int(p.get("max_replica_count")),
            max_with_revocable_replica_count=as_int(p.get("max_with_revocable_replica_count")),
            accelerator_type=as_str(p.get("accelerator_type")),
            accelerator_count=as_int(p.get("accelerator_count")),
            deployment_shape=as_str(p.get("deployment_shape")),
            placement=Placement.read(p.get("placement")),
            autoscaling_policy=AutoscalingPolicy.read(p.get("autoscaling_policy")),
            enable_addons=as_bool(p.get("enable_addons")),
        )


@dataclass(frozen=True)
class Secret:
    """``fireworks:Secret``: ``value`` is write-only and should always be a Pulumi secret."""

    secret_id: Maybe[str]
    key_name: Maybe[str]
    value_set: Union[bool, Unknown]
    """Whether a value is given (its content is never read by rules)."""

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> Secret:
        p = visible(props)
        value = p.get("value")
        return cls(
            secret_id=as_str(p.get("secret_id")),
            key_name=as_str(p.get("key_name")),
            value_set=value if isinstance(value, Unknown) else value is not None,
        )


@dataclass(frozen=True)
class User:
    """``fireworks:User``; roles: admin, user, contributor, inference-user, custom."""

    email: Maybe[str]
    role: Maybe[str]
    display_name: Maybe[str]
    permission_preset: Maybe[str]
    user_id: Maybe[str]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> User:
        p = visible(props)
        return cls(
            email=as_str(p.get("email")),
            role=as_str(p.get("role")),
            display_name=as_str(p.get("display_name")),
            permission_preset=as_str(p.get("permission_preset")),
            user_id=as_str(p.get("user_id")),
        )


@dataclass(frozen=True)
class ServiceAccount:
    """``fireworks:ServiceAccount``: a user without a login, for machines."""

    role: Maybe[str]
    display_name: Maybe[str]
    permission_preset: Maybe[str]
    user_id: Maybe[str]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> ServiceAccount:
        p = visible(props)
        return cls(
            role=as_str(p.get("role")),
            display_name=as_str(p.get("display_name")),
            permission_preset=as_str(p.get("permission_preset")),
            user_id=as_str(p.get("user_id")),
        )


@dataclass(frozen=True)
class ApiKey:
    """``fireworks:ApiKey``; no ``expire_time`` means the key never expires."""

    user_id: Maybe[str]
    display_name: Maybe[str]
    expire_time: Maybe[datetime]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> ApiKey:
        p = visible(props)
        return cls(
            user_id=as_str(p.get("user_id")),
            display_name=as_str(p.get("display_name")),
            expire_time=as_timestamp(p.get("expire_time")),
        )


@dataclass(frozen=True)
class Model:
    """``fireworks:Model``; ``base_model`` is set for LoRA adapters."""

    model_id: Maybe[str]
    name: Maybe[str]
    """Output ``accounts/<account>/models/<id>``; only in stack validations, after create."""
    kind: Maybe[str]
    public: Maybe[bool]
    base_model: Maybe[str]
    display_name: Maybe[str]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> Model:
        p = visible(props)
        return cls(
            model_id=as_str(p.get("model_id")),
            name=as_str(p.get("name")),
            kind=as_str(p.get("kind")),
            public=as_bool(p.get("public")),
            base_model=as_str(p.get("base_model")),
            display_name=as_str(p.get("display_name")),
        )


@dataclass(frozen=True)
class DeployedModel:
    """``fireworks:DeployedModel``: a LoRA load; no ``deployment`` means serverless."""

    model: Maybe[str]
    deployment: Maybe[str]
    default: Maybe[bool]
    public: Maybe[bool]

    @classmethod
    def read(cls, props: Mapping[str, Any]) -> DeployedModel:
        p = visible(props)
        return cls(
            model=as_str(p.get("model")),
            deployment=as_str(p.get("deployment")),
            default=as_bool(p.get("default")),
            public=as_bool(p.get("public")),
        )


View = Union[Deployment, Secret, User, ServiceAccount, ApiKey, Model, DeployedModel]

_READERS: dict[str, Any] = {
    DEPLOYMENT: Deployment.read,
    SECRET: Secret.read,
    USER: User.read,
    SERVICE_ACCOUNT: ServiceAccount.read,
    API_KEY: ApiKey.read,
    MODEL: Model.read,
    DEPLOYED_MODEL: DeployedModel.read,
}


def view(resource_type: str, props: Mapping[str, Any]) -> Optional[View]:
    """The typed view of a Fireworks resource, or ``None`` for any other type."""
    reader = _READERS.get(resource_type)
    if reader is None:
        return None
    result: View = reader(props)
    return result
