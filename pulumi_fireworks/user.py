"""``fireworks:User`` and ``fireworks:ServiceAccount`` — the people and robots of an account.

API object: ``accounts/{account}/users/{user_id}`` (https://docs.fireworks.ai/api-reference/create-user,
https://docs.fireworks.ai/accounts/service-accounts; SDK ``fireworks/resources/users.py``), one collection for
both: a service account is a user with ``serviceAccount: true``, an e-mail the server
derives from its id, and no way to log into the web UI. They get two type tokens so
that policies can hold them to different rules (e.g. no ``admin`` service accounts).

Role, display name and permission preset update in place; the e-mail and the id
replace.

**Deleting.** Users may have no REST delete at all: ``DELETE .../users/{id}`` is in
neither SDK 1.2.30, the docs' API reference nor the newest generated spec, and in the
gateway proto (fireworks-ai 0.19.20) ``DeleteUser`` has no HTTP binding (firectl
deletes users over gRPC). So a DELETE is tried and then *checked*: whatever it answered
(success, 404, 405, 501), only a user the API no longer shows counts as deleted. When
the user is still there, a service account's API keys are revoked (the API can do that),
and the destroy fails naming what is left and the firectl command that removes it —
unless the program chose ``deletion_policy="abandon"``, which leaves the user (after
revoking a service account's keys) with a warning. A destroy never reports success
while the user can still act without the program having said so.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Optional


from ._engine import URN_KEY, ResourceEngine
from ._errors import APIStatusError, NotFoundError, ResourceError
from ._http import Client
from ._ids import slug
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel
from ._reporting import api_text, warn
from ._spec import Props, ResourceSpec
from ._types import AdoptExisting, DisplayName, Email, ResourceId, adopt_field
from ._wire.user import Role
from ._wire.user import User as UserWire





DeletionPolicy = Literal["delete", "abandon"]
DELETION_POLICY = "deletion_policy"


class _AccessInputs(InputsModel):
    role: Role = field("admin, user, contributor, inference-user, or custom (with permission_preset)", required=True)
    permission_preset: Optional[str] = field("The permissions of role 'custom'", unset="")
    display_name: Optional[DisplayName] = field(unset=SERVER_DECIDES)
    user_id: Optional[ResourceId] = field("Id of the user")
    deletion_policy: Optional[DeletionPolicy] = field(
        "What destroy does when the API cannot delete the user (Fireworks documents no REST delete): "
        "'delete' (the default) fails, naming what is left and the firectl command that removes it; "
        "'abandon' leaves the user and reports success with a warning. Either way a service account's "
        "API keys are revoked first",
        provider_only=True,
    )
    adopt_existing: AdoptExisting = adopt_field()

    def cross_field_errors(self) -> list[tuple[str, str]]:
        if self.role == "custom" and not self.permission_preset:
            return [("permission_preset", "is required when role is 'custom'")]
        if self.role != "custom" and self.permission_preset:
            return [("permission_preset", f"only goes with role 'custom', not {self.role!r}")]
        return []


class UserInputs(_AccessInputs):
    """Validation and canonical form of User inputs; the published input schema."""

    # The account allows one user per e-mail: a replacement keeping it deletes first.
    email: Email = field("The person's e-mail address", required=True, replaces=True, unique=True)


class ServiceAccountInputs(_AccessInputs):
    """Validation and canonical form of ServiceAccount inputs; the published input schema."""


class _AccessEngine(ResourceEngine):
    """Deleting a user or service account: tried, then checked (see the module docstring)."""

    def delete(self, client: Client, id_: str, props: Props) -> None:
        refused: Optional[APIStatusError] = None
        try:
            self.send_delete(client, props, id_, self.delete_query(props))
        except APIStatusError as exc:
            if exc.status not in _NO_ROUTE:
                raise
            refused = exc  # gone already, or no such route: the Get below tells
        else:
            self._wait_gone(client, props, id_)
        live = self.fetch(client, props, id_)
        if live is None or live.get("state") in self.spec.gone_states:
            return
        self._user_left(client, props, id_, live, refused)

    def _user_left(
        self, client: Client, props: Props, user_id: str, live: Mapping[str, Any], refused: Optional[APIStatusError]
    ) -> None:
        label = self.describe(props, client, user_id)
        answer = f"DELETE answered {api_text(refused)}" if refused is not None else "DELETE answered success"
        left = f"the user still exists with role {live.get('role') or 'unknown'}"
        if live.get("serviceAccount"):
            revoked = _revoke_keys(client, self.spec.object_path(client.account_id, props, user_id))
            left += f"; {_revoked(revoked)}"
        else:
            left += " and can still sign in to the web UI (its API keys were left as they are)"
        remove = f"firectl delete user {user_id} --account-id {client.account_id}"
        if props.get(DELETION_POLICY) == "abandon":
            warn(f"{label}: left behind as deletion_policy='abandon' asks: the API cannot delete users ({answer}); "
                 f"{left}. Remove it with `{remove}`.")
            return
        raise ResourceError(
            f"{label}: delete failed: the API offers no way to delete users ({answer}), and {left}.\n"
            f"  To fix: remove it with `{remove}` and run `pulumi destroy` again; or, to leave such users "
            f"behind, set deletion_policy='abandon' on the resource and run `pulumi up` before destroying "
            f"(`pulumi state delete '{props.get(URN_KEY)}'` forgets this one without deleting it)."
        )


_NO_ROUTE = frozenset({404, 405, 501})
"""What a gateway answers for a route it does not have: 404 for an unknown path, 405 or
501 (grpc-gateway's default for a path bound to other methods)."""


def _revoke_keys(client: Client, user_path: str) -> int:
    """Delete every API key of the user at ``user_path``; how many there were."""
    keys = [str(k["keyId"]) for k in client.paginate(f"{user_path}/apiKeys", "apiKeys") if k.get("keyId")]
    for key_id in keys:
        try:
            client.request("POST", f"{user_path}/apiKeys:delete", json={"keyId": key_id})
        except NotFoundError:
            pass  # revoked meanwhile
    return len(keys)


def _keys(count: int) -> str:
    return "1 API key was" if count == 1 else f"{count} API keys were"


def _revoked(count: int) -> str:
    if count == 0:
        return "it has no API keys, so it cannot authenticate"
    return f"its {_keys(count)} revoked, so it cannot authenticate"


class UserEngine(_AccessEngine):
    spec = ResourceSpec(
        type_name="User",
        collection="users",
        collection_key="users",
        inputs_model=UserInputs,
        wire_model=UserWire,
        id_field="user_id",
        id_source="query",
        id_param="userId",
        # Users have no FAILED state: a failure is an error in `status` (see the engine).
        ready_states=frozenset({"READY"}),
        summary=(
            "A person with access to the account. Without ``user_id`` the id is the e-mail's local part "
            "(``jane``), as the API itself does."
        ),
        example='jane = fireworks.User("jane", email="jane@acme.com", role="contributor")',
    )

    def derive_id(self, props: Mapping[str, Any]) -> Optional[str]:
        # What the API itself does without a userId: the e-mail's local part
        # (`jane.doe@acme.com` -> `jane-doe`); stable, and what people expect to see.
        email = props.get("email")
        return slug(str(email).split("@", 1)[0]) if isinstance(email, str) else None


class ServiceAccountEngine(_AccessEngine):
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
        summary=(
            "A robot user for CI and services: no web login, works through API keys. Without ``user_id`` the id is "
            "derived from the resource name (``ci-3f9a1c``)."
        ),
        example='ci = fireworks.ServiceAccount("ci", role="inference-user")\nkey = fireworks.ApiKey("ci-key", user_id=ci.user_id)',
        output_docs={"email": "Derived by the server: ``<id>@<account>.sa.fireworks.ai``."},
    )

    def create_body(self, props: Mapping[str, Any], object_id: Optional[str]) -> dict[str, Any]:
        return {**super().create_body(props, object_id), "serviceAccount": True}


USER_SPEC = UserEngine.spec
SERVICE_ACCOUNT_SPEC = ServiceAccountEngine.spec
