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
import dataclasses
import typing
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Optional, TypeVar, Union, cast

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


_READ_AS: Mapping[Any, Callable[[Any], Any]] = {
    str: as_str,
    int: as_int,
    bool: as_bool,
    datetime: as_timestamp,
    Decimal: as_seconds,  # durations, in seconds
}
"""How a field is read, by the type it holds (a view's fields are ``Maybe[<type>]``)."""


_V = TypeVar("_V", bound="_View")


class _View:
    """A view is read field by field from what a policy receives, each field by its type
    (:data:`_READ_AS`, nested views, lists of strings): one rule, not a reader per view."""

    @classmethod
    def read(cls: type[_V], props: Mapping[str, Any]) -> _V:
        """The view of a resource's ``props`` as a policy receives them."""
        return cls._from_mapping(visible(props))

    @classmethod
    def _read_nested(cls: type[_V], value: Any) -> Maybe[_V]:
        """A nested view's value may also be Unknown (at preview) or absent."""
        mapping = as_mapping(value)
        if not isinstance(mapping, Mapping):
            return mapping
        return cls._from_mapping(mapping)

    @classmethod
    def _from_mapping(cls: type[_V], mapping: Mapping[str, Any]) -> _V:
        hints = typing.get_type_hints(cls)
        # Every view is a frozen dataclass; mypy cannot know that of the base class.
        fields = dataclasses.fields(cast(Any, cls))
        return cls(**{f.name: _read_field(hints[f.name], mapping.get(f.name)) for f in fields})


def _read_field(hint: Any, value: Any) -> Any:
    held = [a for a in typing.get_args(hint) if a not in (Unknown, type(None))]
    target = held[0] if len(held) == 1 else hint
    if isinstance(target, type) and issubclass(target, _View):
        return target._read_nested(value)
    if typing.get_origin(target) is tuple:
        return as_str_list(value)
    return _READ_AS[target](value)


def short_id(value: Maybe[str]) -> Maybe[str]:
    """``accounts/a/models/m`` -> ``m``; ids pass through."""
    if isinstance(value, str):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


@dataclass(frozen=True)
class Placement(_View):
    region: Maybe[str]
    multi_region: Maybe[str]
    regions: Maybe[tuple[Maybe[str], ...]]


@dataclass(frozen=True)
class AutoscalingPolicy(_View):
    scale_to_zero_window: Maybe[Decimal]
    """Seconds; written ``"600s"`` after the provider's check, ``"10m"`` or ``600`` before."""


@dataclass(frozen=True)
class Deployment(_View):
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


@dataclass(frozen=True)
class Secret(_View):
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
class User(_View):
    """``fireworks:User``; roles: admin, user, contributor, inference-user, custom."""

    email: Maybe[str]
    role: Maybe[str]
    display_name: Maybe[str]
    permission_preset: Maybe[str]
    user_id: Maybe[str]


@dataclass(frozen=True)
class ServiceAccount(_View):
    """``fireworks:ServiceAccount``: a user without a login, for machines."""

    role: Maybe[str]
    display_name: Maybe[str]
    permission_preset: Maybe[str]
    user_id: Maybe[str]


@dataclass(frozen=True)
class ApiKey(_View):
    """``fireworks:ApiKey``; no ``expire_time`` means the key never expires."""

    user_id: Maybe[str]
    display_name: Maybe[str]
    expire_time: Maybe[datetime]


@dataclass(frozen=True)
class Model(_View):
    """``fireworks:Model``; ``base_model`` is set for LoRA adapters."""

    model_id: Maybe[str]
    name: Maybe[str]
    """Output ``accounts/<account>/models/<id>``; only in stack validations, after create."""
    kind: Maybe[str]
    public: Maybe[bool]
    base_model: Maybe[str]
    display_name: Maybe[str]


@dataclass(frozen=True)
class DeployedModel(_View):
    """``fireworks:DeployedModel``: a LoRA load; no ``deployment`` means serverless."""

    model: Maybe[str]
    deployment: Maybe[str]
    default: Maybe[bool]
    public: Maybe[bool]



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
