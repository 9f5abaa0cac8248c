"""``fireworks:User`` and ``fireworks:ServiceAccount`` — the people and robots of an account.

API object: ``accounts/{account}/users/{user_id}`` (reference §8), one collection for
both: a service account is a user with ``serviceAccount: true``, an e-mail the server
derives from its id, and no way to log into the web UI. They get two type tokens so
that policies can hold them to different rules (e.g. no ``admin`` service accounts).

Role, display name and permission preset update in place; the e-mail and the id
replace. The API has no documented delete; ``DELETE .../users/{id}`` is what firectl's
``delete user`` implies (reference §13.11), and what the emulator serves.
"""

from __future__ import annotations

import sys
from typing import Any, Literal, Mapping, Optional, TypedDict

import pulumi
from pydantic import Field

from ._engine import ResourceEngine, register
from ._ids import slug
from ._inputs import InputsModel
from ._resource import FireworksResource
from ._spec import ResourceSpec
from ._types import DisplayName, Email, ResourceId
from ._wire.user import USER_ROLES
from ._wire.user import User as UserWire

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # pragma: no cover
    from typing_extensions import Unpack

__all__ = ["User", "UserArgs", "ServiceAccount", "ServiceAccountArgs"]

Role = Literal[USER_ROLES]  # type: ignore[valid-type]


class _AccessInputs(InputsModel):
    role: Role = Field(description="admin, user, contributor, inference-user, or custom (with permission_preset).")
    permission_preset: Optional[str] = Field(default=None, description="The permissions of role 'custom'.")
    display_name: Optional[DisplayName] = None
    user_id: Optional[ResourceId] = Field(default=None, description="Id of the user. Replaces on change.")

    def cross_field_errors(self) -> list[tuple[str, str]]:
        if self.role == "custom" and not self.permission_preset:
            return [("permission_preset", "is required when role is 'custom'")]
        if self.role != "custom" and self.permission_preset:
            return [("permission_preset", f"only goes with role 'custom', not {self.role!r}")]
        return []


class UserInputs(_AccessInputs):
    """Validation and canonical form of User inputs; the published input schema."""

    email: Email = Field(description="The person's e-mail address. Replaces on change.")


class ServiceAccountInputs(_AccessInputs):
    """Validation and canonical form of ServiceAccount inputs; the published input schema."""


class UserEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="User",
        collection="users",
        collection_key="users",
        inputs_model=UserInputs,
        wire_model=UserWire,
        id_field="user_id",
        id_source="query",
        id_param="userId",
        replace_on_change=frozenset({"email"}),
        # The account allows one user per e-mail: a replacement keeping it deletes first.
        unique_fields=frozenset({"email"}),
        # Users have no FAILED state: a failure is an error in `status` (see the engine).
        ready_states=frozenset({"READY"}),
    )

    def derive_id(self, props: Mapping[str, Any]) -> Optional[str]:
        # What the API itself does without a userId: the e-mail's local part
        # (`jane.doe@acme.com` -> `jane-doe`); stable, and what people expect to see.
        email = props.get("email")
        return slug(str(email).split("@", 1)[0]) if isinstance(email, str) else None


class ServiceAccountEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="ServiceAccount",
        collection="users",
        collection_key="users",
        inputs_model=ServiceAccountInputs,
        wire_model=UserWire,
        id_field="user_id",
        id_source="query",
        id_param="userId",
        # The server derives it: <id>@<account>.sa.fireworks.ai (docs, audit logs).
        extra_outputs=frozenset({"email"}),
        ready_states=frozenset({"READY"}),
    )

    def create_body(self, props: Mapping[str, Any], object_id: Optional[str]) -> dict[str, Any]:
        return {**super().create_body(props, object_id), "serviceAccount": True}


USER_SPEC = register(UserEngine()).spec
SERVICE_ACCOUNT_SPEC = register(ServiceAccountEngine()).spec


class _AccessArgs(TypedDict, total=False):
    role: pulumi.Input[str]
    permission_preset: pulumi.Input[str]
    display_name: pulumi.Input[str]
    user_id: pulumi.Input[str]


class UserArgs(_AccessArgs, total=False):
    """Inputs of :class:`User`; see ``schema/user.json``."""

    email: pulumi.Input[str]


class ServiceAccountArgs(_AccessArgs, total=False):
    """Inputs of :class:`ServiceAccount`; see ``schema/service_account.json``."""


class _AccessOutputs:
    user_id: pulumi.Output[str]
    role: pulumi.Output[str]
    permission_preset: pulumi.Output[str]
    display_name: pulumi.Output[str]
    email: pulumi.Output[str]
    name: pulumi.Output[str]
    """Resource name, ``accounts/<account>/users/<id>``."""
    state: pulumi.Output[str]
    status: pulumi.Output[Mapping[str, Any]]
    create_time: pulumi.Output[str]
    update_time: pulumi.Output[str]


class User(FireworksResource, _AccessOutputs, module="fireworks", name="User"):
    """A person with access to the account.

    Example::

        jane = fireworks.User("jane", email="jane@acme.com", role="contributor")

    Without ``user_id`` the id is the e-mail's local part (``jane``), as the API itself
    does. ``role``, ``display_name`` and ``permission_preset`` update in place;
    ``email`` and ``user_id`` replace the user.
    """

    _spec = USER_SPEC

    def __init__(
        self,
        resource_name: str,
        args: Optional[UserArgs] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        **kwargs: Unpack[UserArgs],
    ) -> None:
        super().__init__(resource_name, {**(args or {}), **kwargs}, opts)


class ServiceAccount(FireworksResource, _AccessOutputs, module="fireworks", name="ServiceAccount"):
    """A robot user for CI and services: no web login, works through API keys.

    Example::

        ci = fireworks.ServiceAccount("ci", role="inference-user")
        key = fireworks.ApiKey("ci-key", user_id=ci.user_id)

    Without ``user_id`` the id is derived from the resource name (``ci-3f9a1c``); the
    e-mail (an output) is ``<id>@<account>.sa.fireworks.ai``. ``role``,
    ``display_name`` and ``permission_preset`` update in place; ``user_id`` replaces.
    """

    _spec = SERVICE_ACCOUNT_SPEC

    def __init__(
        self,
        resource_name: str,
        args: Optional[ServiceAccountArgs] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        **kwargs: Unpack[ServiceAccountArgs],
    ) -> None:
        super().__init__(resource_name, {**(args or {}), **kwargs}, opts)
