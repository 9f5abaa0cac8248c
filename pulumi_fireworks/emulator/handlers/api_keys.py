"""API keys of a user: ``accounts/{account}/users/{user}/apiKeys``.

Sources: https://docs.fireworks.ai/api-reference/create-api-key, SDK ``fireworks/resources/api_keys.py``.

* Create: ``POST .../apiKeys`` with ``{"apiKey": {displayName?, expireTime?,
  annotations?}}`` (the wrapper is required; ``annotations`` is unknown to SDK 1.2.30 and
  dropped under the ``dropNewerFields`` behaviour, as is ``lastUsed`` from responses). The answer is the only place the ``key``
  ever appears: the emulator registers it as a credential of the account (stored as a
  SHA-256 digest by the core store) and keeps nothing else of it, so the key
  authenticates against the emulator immediately.
* List: ``GET .../apiKeys`` (paged like every list, although the API documents paging
  as "to be added"); items never carry ``key``.
* Delete: ``POST .../apiKeys:delete {"keyId"}``; the key stops authenticating at once.
  Unknown ``keyId`` -> 404. There is no Get or Update (keys are immutable).
* The user must exist (404 otherwise). Deleting the user deletes its keys.
* ``expireTime`` must be in the future; it is recorded and returned, but **not
  enforced** -- the core's credential table has no expiry, and a key that expires during
  a test run is not a case the provider can act on anyway.
* Stored records are named ``.../apiKeys/<keyId>``; the wire object has no ``name``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..._wire.api_key import ApiKey, CreateApiKeyRequest, DeleteApiKeyRequest
from ..errors import ApiError, Code
from ..resource import Collection, parse_input, request_body
from ..routing import Request, Route
from ..rules import api_keys as rules
from ..store import Record
from ..validation import rfc3339
from .users import user_record

#: Record fields the API object does not have.
_HIDDEN = ("name", "updateTime")


class ApiKeys(Collection):
    model = ApiKey
    collection = "apiKeys"
    noun = "API key"
    parent_template = "accounts/{account}/users/{user}"
    methods = frozenset({"create", "list"})
    default_order_by = "create_time"

    def custom_routes(self) -> list[Route]:
        return [Route("POST", self.collection_path() + ":delete", self.delete_key)]

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        return {k: v for k, v in record.doc.items() if k not in _HIDDEN}

    def create(self, req: Request) -> Any:
        self.authorize(req, write=True)
        raw = request_body(req, CreateApiKeyRequest)
        body = CreateApiKeyRequest.model_validate(parse_input(CreateApiKeyRequest, raw))
        now = req.backend.lifecycle.clock.now()
        api_key, _ = rules.check_create(body.api_key, datetime.fromtimestamp(now, tz=timezone.utc))
        store = req.backend.store
        with store.transaction():
            user = user_record(req)
            key_id = rules.new_key_id()
            key = rules.new_key()
            doc = api_key.to_wire()
            if api_key.expire_time:
                doc["expireTime"] = rfc3339(rules.parse_timestamp("api_key.expire_time", api_key.expire_time).timestamp())
            doc.update(
                keyId=key_id,
                prefix=rules.visible_prefix(key),
                secure=True,
                createTime=rfc3339(now),
            )
            if user.doc.get("email"):
                doc["email"] = user.doc["email"]
            record = Record(f"{user.name}/{self.collection}/{key_id}", {**doc, "name": f"{user.name}/{self.collection}/{key_id}"})
            store.insert(record)
            store.add_credential(req.params["account"], key, key_id=key_id, label=f"API key of {user.name}")
        return {**self.view(req, record, single=True), "key": key}

    def list(self, req: Request) -> Any:
        with req.backend.store.transaction():
            user_record(req)
            return super().list(req)

    def delete_key(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = DeleteApiKeyRequest.model_validate(parse_input(DeleteApiKeyRequest, req.json_object()))
        key_id = rules.check_key_id(body.key_id)
        store = req.backend.store
        with store.transaction():
            user = user_record(req)
            name = f"{user.name}/{self.collection}/{key_id}"
            if store.get(name) is None:
                raise ApiError(Code.NOT_FOUND, f"API key not found: {key_id} (user {user.name})")
            store.revoke_credential(key_id)
            store.delete(name)
        return {}


COLLECTIONS = [ApiKeys()]
