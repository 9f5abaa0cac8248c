"""Secrets: ``accounts/{account}/secrets/{secret}``.

Sources: https://docs.fireworks.ai/api-reference/create-secret, SDK ``fireworks/resources/secrets.py``.

* Create: ``{name, keyName, value}``; ``name`` is the bare id or the full resource name
  (id charset: :mod:`..rules.secrets`). Existing id -> 409.
* Get / List return ``{name, keyName}`` only -- never ``value``, and no timestamps (the
  SDK type has none).
* Update: ``PATCH {keyName (required), value?}``; an absent ``value`` keeps the old one
  (clients cannot read it back to resend it). With ``updateMask`` only the paths it
  names change (``key_name`` then required, ``value`` as above); fields of the body it
  does not name are ignored. The ``ignoreSecretUpdateMask`` behaviour ignores the mask
  instead, as a gateway does: in the 0.19.20 protos ``UpdateSecretRequest`` is the one
  in-scope Update request without an ``update_mask`` field, and grpc-gateway ignores
  query parameters that match no field.
* ``value`` is write-only in the emulator too. Only its SHA-256 is stored (in the record's
  ``meta``, never in the document Get/List render) -- the emulator has no use for the
  plaintext, and the admin API's record view shows ``meta``, so the plaintext is never
  kept at all. It is never part of an error message, and the request log records no
  bodies.
* Get or Delete of a missing secret is **404 NOT_FOUND** by default. The real service has
  been reported to answer 500 for a Get (eval-protocol/python-sdk's
  ``eval_protocol/platform_api.py`` treats 500 as "not found" for Get and Delete); the
  ``missingSecretStatus`` behaviour (CLI ``--missing-secret-status 500``, admin
  ``PATCH /emulator/v1/behaviour``) answers 500 INTERNAL for both, so clients can be tested
  telling "gone" from "broken" (e.g. through List, which is unaffected). Update keeps its 404.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..._wire.secret import Secret, UpdateSecretRequest
from ..errors import ApiError, Code, already_exists, invalid_field
from ..query import parse_mask
from ..resource import Collection, parse_input, request_body
from ..routing import Request
from ..rules import secrets as rules
from ..store import AlreadyExists, Record

#: What Get/List show of a stored secret.
VISIBLE_FIELDS = ("name", "keyName")


def _value(raw: dict[str, Any]) -> Any:
    value = raw.pop("value", None)
    if value is not None and not isinstance(value, str):
        raise invalid_field("value", "must be a string")
    rules.check_value(value)
    return value


def _remember(record: Record, value: str) -> None:
    record.meta["valueSha256"] = hashlib.sha256(value.encode()).hexdigest()


class Secrets(Collection):
    model = Secret
    collection = "secrets"
    noun = "secret"
    default_order_by = "name"

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        return {k: record.doc[k] for k in VISIBLE_FIELDS if k in record.doc}

    def get(self, req: Request) -> Any:
        return self._missing_as_configured(req, super().get)

    def delete(self, req: Request) -> Any:
        return self._missing_as_configured(req, super().delete)

    @staticmethod
    def _missing_as_configured(req: Request, call: Any) -> Any:
        """``call(req)``, with its NOT_FOUND answered as the ``missingSecretStatus`` behaviour says."""
        try:
            return call(req)
        except ApiError as exc:
            if exc.code == Code.NOT_FOUND and req.backend.behaviour.missing_secret_status == 500:
                raise ApiError(Code.INTERNAL, "internal error") from None
            raise

    def create(self, req: Request) -> Any:
        self.authorize(req, write=True)
        raw = dict(request_body(req, Secret))
        value = _value(raw)  # taken out first: nothing below can echo it
        name_field = raw.pop("name", None)
        if name_field is not None and not isinstance(name_field, str):
            raise invalid_field("name", "must be a string")
        secret_id = rules.secret_id_from_name(name_field, req.params["account"])
        body = parse_input(Secret, raw)
        key_name = rules.check_key_name(body.get("keyName"))
        name = f"{self.parent_name(req)}/{self.collection}/{secret_id}"
        store = req.backend.store
        with store.transaction():
            if store.get(name) is not None:
                raise already_exists(name)
            now = self.now(req)
            record = Record(name, {"name": name, "keyName": key_name, "createTime": now, "updateTime": now})
            _remember(record, value or "")
            try:
                store.insert(record)
            except AlreadyExists:
                raise already_exists(name) from None
        return self.view(req, record, single=True)

    def update(self, req: Request) -> Any:
        self.authorize(req, write=True)
        raw = dict(request_body(req, UpdateSecretRequest))
        value = _value(raw)
        raw.pop("name", None)  # output only on update
        body = UpdateSecretRequest.model_validate(parse_input(UpdateSecretRequest, raw))
        mask = None
        if not req.backend.behaviour.ignore_secret_update_mask:
            mask = parse_mask(Secret, req.query.get("updateMask"), "update_mask")
        paths = {path[0] for path in mask} if mask is not None else {"keyName", "value"}
        key_name = rules.check_key_name(body.key_name) if "keyName" in paths else None
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            if key_name is not None:
                record.doc["keyName"] = key_name
            if value is not None and "value" in paths:
                _remember(record, value)
            record.doc["updateTime"] = self.now(req)
            self.save(req, record)
        return self.respond(req, record)


COLLECTIONS = [Secrets()]
