"""Users and service accounts: ``accounts/{account}/users/{user}`` (reference §8).

* Create: ``POST ...?userId=<id>`` with ``{role, email?, displayName?, serviceAccount?,
  permissionPreset?}``; ``CREATING -> READY``. Rules: :mod:`..rules.users`. Without
  ``userId`` a human's id is derived from the e-mail's local part (a numeric suffix
  when that id is taken); a second user with the same e-mail is a 409.
* Update: ``PATCH`` (``role`` required, as in the SDK); ``UPDATING -> READY``.
  ``serviceAccount`` and ``email`` are immutable.
* Delete: ``DELETE .../users/{id}`` -- not in the SDK or the published OpenAPI; firectl's
  ``delete user`` implies it. ``DELETING ->`` gone. The user's API keys are deleted with
  it and stop authenticating at once.
* Users have no FAILED state: an emulated failure leaves the user in its previous state
  with an error ``status``.
"""

from __future__ import annotations

from typing import Any, Optional

from ..._wire.user import User
from ..errors import ApiError, Code, failed_precondition
from ..lifecycle import GONE, Transition
from ..resource import Collection
from ..routing import Request
from ..rules import users as rules
from ..store import Record

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

    def new_id(self, req: Request, doc: dict[str, Any]) -> str:
        _, user = rules.check_create(User.model_validate(doc), None, req.params["account"])
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
            rules.check_update(User.model_validate(old), User.model_validate(doc))
            return
        _, user = rules.check_create(User.model_validate(doc), req.query.get("userId") or None, req.params["account"])
        if not user.service_account:
            for other in req.backend.store.find(self.collection, "email", user.email, account=req.params["account"]):
                raise ApiError(Code.ALREADY_EXISTS, f"a user with email {user.email} already exists: {other.name}")
        doc.update(email=user.email, serviceAccount=user.service_account)

    def delete(self, req: Request) -> Any:
        with req.backend.store.transaction():
            result = super().delete(req)
            delete_api_keys(req, self.resource_name(req))
        return result


def delete_api_keys(req: Request, user_name: str) -> None:
    """Delete (and revoke) every API key of ``user_name``."""
    store = req.backend.store
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
