"""Users and service accounts: ``accounts/{account}/users/{user}``.

Sources: https://docs.fireworks.ai/api-reference/create-user, SDK ``fireworks/resources/users.py``.

* Create: ``POST ...?userId=<id>`` with ``{role, email?, displayName?, serviceAccount?,
  permissionPreset?}``; ``CREATING -> READY``. Rules: :mod:`..rules.users`. Without
  ``userId`` a human's id is derived from the e-mail's local part (a numeric suffix
  when that id is taken); a second user with the same e-mail is a 409. Under the
  ``dropNewerFields`` behaviour ``permissionPreset`` is dropped as unknown and role
  ``custom`` is a 400 naming ``role`` (a server without presets has no custom roles).
* Update: ``PATCH`` (``role`` required, as in the SDK); ``UPDATING -> READY``.
  ``serviceAccount`` and ``email`` are immutable (also IMMUTABLE in the 0.19.20 protos).
* Delete: ``DELETE .../users/{id}`` -- not in SDK 1.2.30, the docs' API reference or the
  newest spec, and ``Gateway.DeleteUser`` has no ``google.api.http`` binding in the
  0.19.20 protos (firectl deletes over gRPC). The emulator serves it by default
  (``DELETING ->`` gone; the user's API keys are deleted with it and stop authenticating
  at once). The ``userDeleteRoute`` behaviour answers like a gateway without the route
  instead (:func:`..routing.no_route`: ``"404"`` NOT_FOUND "Not Found", ``"405"`` or
  ``"501"`` UNIMPLEMENTED "Method Not Allowed") and deletes nothing; the key is still
  checked first, as the emulator authenticates before it routes. A user is then deleted
  out of band, as firectl would: the admin API's ``DELETE /emulator/v1/<user name>``
  (:meth:`Users.remove`), which deletes and revokes its keys too.
* Users have no FAILED state: an emulated failure leaves the user in its previous state
  with an error ``status``.
"""

from __future__ import annotations

from typing import Any, Optional

from ..._wire.user import User
from ..errors import ApiError, Code, failed_precondition
from ..lifecycle import GONE, Transition
from ..resource import Collection
from ..routing import Request, no_route
from ..rules import users as rules
from ..store import Record, Store

TRANSITIONS = {
    t.state: t
    for t in (
        Transition("CREATING", "READY", failed="CREATING"),
        Transition("UPDATING", "READY", failed="READY"),
        Transition("DELETING", GONE, failed="READY"),
    )
}


class Users(Collection):
    model = User
    collection = "users"
    noun = "user"
    id_query_param = "userId"
    default_order_by = "name"
    create_state = "CREATING"
    update_state = "UPDATING"
    delete_state = "DELETING"
    steady_states = frozenset({"READY"})
    transitions = TRANSITIONS
    immutable_fields = frozenset({"service_account", "email"})
    proto_immutable_fields = frozenset({"service_account", "email"})

    @staticmethod
    def _custom_roles(req: Request) -> bool:
        return not req.backend.behaviour.drop_newer_fields

    def new_id(self, req: Request, doc: dict[str, Any]) -> str:
        _, user = rules.check_create(
            User.model_validate(doc), None, req.params["account"], custom_roles=self._custom_roles(req)
        )
        stem = rules.user_id_from_email(user.email or "")
        store, parent = req.backend.store, self.parent_name(req)
        candidate, n = stem, 1
        while store.get(f"{parent}/{self.collection}/{candidate}") is not None:
            n += 1
            suffix = f"-{n}"
            candidate = stem[: 63 - len(suffix)].rstrip("-") + suffix
        return candidate

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        if old is not None:
            rules.check_update(User.model_validate(old), User.model_validate(doc), custom_roles=self._custom_roles(req))
            return
        _, user = rules.check_create(
            User.model_validate(doc), req.query.get("userId") or None, req.params["account"],
            custom_roles=self._custom_roles(req),
        )
        if not user.service_account:
            for other in req.backend.store.find(self.collection, "email", user.email, account=req.params["account"]):
                raise ApiError(Code.ALREADY_EXISTS, f"a user with email {user.email} already exists: {other.name}")
        doc.update(email=user.email, serviceAccount=user.service_account)

    def delete(self, req: Request) -> Any:
        route = req.backend.behaviour.user_delete_route
        if route != "present":
            raise no_route(int(route))
        with req.backend.store.transaction():
            result = super().delete(req)
            delete_api_keys(req.backend.store, self.resource_name(req))
        return result

    def remove(self, store: Store, name: str) -> bool:
        """Out of band (firectl's ``delete user``, over gRPC): the user is gone at once and
        its API keys with it, as the API's delete does."""
        with store.transaction():
            delete_api_keys(store, name)
            return store.delete(name)


def delete_api_keys(store: Store, user_name: str) -> None:
    """Delete (and revoke) every API key of ``user_name``."""
    for record in store.list(user_name, "apiKeys"):
        store.revoke_credential(record.doc.get("keyId") or record.id)
        store.delete(record.name)


def user_record(req: Request) -> Record:
    """The user a nested request is about (``.../users/{user}/...``), or 404."""
    name = f"accounts/{req.params['account']}/users/{req.params['user']}"
    record = req.backend.store.get(name)
    if record is None:
        raise ApiError(Code.NOT_FOUND, f"user not found: {name}")
    if record.doc.get("state") == "DELETING":
        raise failed_precondition(f"user {name} is being deleted")
    return record


COLLECTIONS = [Users()]
