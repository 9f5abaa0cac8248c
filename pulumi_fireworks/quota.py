"""``fireworks:Quota`` — one of the account's quotas (its spend limit, a GPU quota), set as code.

API object: ``accounts/{account}/quotas/{quota_id}`` (docs' API reference "get quota",
"update quota", "list quotas"; not in SDK 1.2.30; wire model :mod:`._wire.quota`). What is
special about it:

* **A quota is the account's, not the stack's.** Every account has its quotas before any
  program runs, and the REST API has no create and no delete for them, only
  ``PATCH ...?createIfNotExists=``. So *create* takes over the quota the account has (the
  way OpenAI's Terraform provider manages the organisation's spend limit), records the
  value it found (``original_value``) and sets ``value``; *destroy* puts that value back
  (``deletion_policy="restore"``, the default) or leaves the quota as set (``"leave"``).
  A quota the account did not have is made by the create (``createIfNotExists=true``) and,
  as there is no delete, left in place by destroy, with a warning.
* **``value`` may not pass ``max_value``**, the ceiling Fireworks approves (firectl: "must be
  less than max_value"; raising it is a request to Fireworks, not an API call). The
  provider reads the quota before it writes, and refuses with both numbers, so the error
  does not depend on how the service words its refusal.
* The PATCH sends ``{name, value}`` with ``updateMask=value``: ``max_value`` is never
  sent, so a server that would replace every field without a mask cannot lower it.
* ``value`` and ``max_value`` are int64 (JSON strings on the wire); inputs and outputs are
  plain ints. ``usage`` is what the account uses now, as the server counts it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Mapping, Optional

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pydantic import AfterValidator

from ._engine import ResourceEngine
from ._errors import NotFoundError, ResourceError
from ._fields import field
from ._http import Client
from ._inputs import InputsModel
from ._reporting import warn
from ._spec import Props, ResourceSpec
from ._types import Int
from ._wire.quota import Quota as QuotaWire

ORIGINAL_VALUE = "original_value"
MAX_VALUE = "max_value"
DELETION_POLICY = "deletion_policy"
VALUE = "value"

_QUOTA_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")


def _quota_id(value: str) -> str:
    if not _QUOTA_ID.match(value):
        raise ValueError(
            f"{value!r} is not a quota id: use the id `firectl list quotas` shows (lowercase letters, digits, "
            "'.', '_' and '-'), e.g. 'monthly-spend-usd'"
        )
    return value


QuotaId = Annotated[str, AfterValidator(_quota_id)]
DeletionPolicy = Literal["restore", "leave"]


class QuotaInputs(InputsModel):
    """Validation and canonical form of Quota inputs; the published input schema."""

    quota_id: QuotaId = field(
        "Which quota: 'monthly-spend-usd' (the spend limit, in dollars), 'serverless-inference-rpm', or a GPU "
        "quota's id as `firectl list quotas` shows it",
        required=True,
    )
    value: Int = field(
        "The value the account enforces; at most the quota's max_value (the ceiling Fireworks approves)",
        required=True,
        ge=0,
    )
    deletion_policy: Optional[DeletionPolicy] = field(
        "What destroy does: 'restore' (the default) puts back the value the quota had before this resource "
        "set it (original_value); 'leave' keeps the value as set",
        provider_only=True,
    )


class QuotaEngine(ResourceEngine):
    """Create takes the account's quota over, delete gives it back (module docstring)."""

    spec = ResourceSpec(
        type_name="Quota",
        collection="quotas",
        collection_key="quotas",
        inputs_model=QuotaInputs,
        wire_model=QuotaWire,
        id_field="quota_id",
        id_param="quotaId",
        autoname=False,
        owned_by_account=True,
        computed_output_names=frozenset({MAX_VALUE, ORIGINAL_VALUE}),
        computed_types={MAX_VALUE: "int", ORIGINAL_VALUE: "int", "usage": "float"},
        returned_once=frozenset({ORIGINAL_VALUE}),
        output_docs={
            MAX_VALUE: "The most `value` may be: the ceiling Fireworks approved for the account.",
            ORIGINAL_VALUE: "The value the quota had before this resource set it (none when the account had no "
                            "such quota): what destroy restores.",
            "usage": "How much of the quota the account uses now, as the service counts it.",
            "name": "Resource name, ``accounts/<account>/quotas/<id>``.",
        },
        summary="One of the account's quotas (the monthly spend limit, a GPU quota), set to a value; destroy "
                "restores the value it had.",
        example='budget = fireworks.Quota("budget", quota_id="monthly-spend-usd", value=5000)',
    )

    # -- the wire's int64 strings as ints --------------------------------------------------

    def snake(self, live: Mapping[str, Any]) -> dict[str, Any]:
        current = super().snake(live)
        for key in (VALUE, MAX_VALUE):
            if key in current:
                current[key] = _int64(current[key])
        return current

    def computed_outputs(self, inputs: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        return {MAX_VALUE: self.snake(live).get(MAX_VALUE)} if live else {}

    def _set(self, client: Client, props: Props, quota_id: str, *, create_missing: bool) -> dict[str, Any]:
        path = self.spec.object_path(client.account_id, props, quota_id)
        body = {"name": path.removeprefix("/v1/"), VALUE: str(int(props[VALUE]))}
        params: dict[str, Any] = {"updateMask": VALUE}
        if create_missing:
            params["createIfNotExists"] = "true"
        return client.request("PATCH", path, params=params, json=body)

    def _check_within_max(self, client: Client, props: Props, live: Optional[Mapping[str, Any]]) -> None:
        """Refuse a value above the quota's ceiling, naming both numbers, before writing it."""
        ceiling = self.snake(live).get(MAX_VALUE) if live else None
        wanted = int(props[VALUE])
        if ceiling is not None and wanted > ceiling:
            raise ResourceError(
                f"{self.describe(props, client)}: value {wanted} is above the quota's max_value {ceiling}, the most "
                f"Fireworks approved for this account. Lower value to at most {ceiling}, or ask Fireworks to raise "
                f"the quota (https://fireworks.ai/company/contact-us) and run `pulumi up` again."
            )

    # -- create / read / update / delete ---------------------------------------------------

    def create(self, client: Client, props: Props) -> CreateResult:
        quota_id = str(props[self.spec.id_field])
        found = self.fetch(client, props, quota_id)
        self._check_within_max(client, props, found)
        live = self._set(client, props, quota_id, create_missing=found is None)
        outs = self._outputs(props, quota_id, live)
        # What destroy gives back: the value found (0 when the server left it out, proto3's
        # zero), or nothing when the account had no such quota.
        outs[ORIGINAL_VALUE] = self.snake(found).get(VALUE, 0) if found is not None else None
        return CreateResult(quota_id, outs)

    def read(self, client: Client, id_: str, props: Props) -> ReadResult:
        result = super().read(client, id_, props)
        if result.inputs and result.outs and props.get(VALUE) == 0:
            # The engine reads an input of 0 as "unset" (proto3 cannot tell them apart), but
            # a quota of 0 is a value like any other: one raised elsewhere is drift.
            live = self.fetch(client, props, id_)
            raised = self.snake(live).get(VALUE) if live else None
            if raised:
                result.inputs[VALUE] = result.outs[VALUE] = raised
        return result

    def update(self, client: Client, id_: str, olds: Props, news: Props) -> UpdateResult:
        if int(olds.get(VALUE) or 0) != int(news[VALUE]):
            self._check_within_max(client, news, self.fetch(client, news, id_))
            live = self._set(client, news, id_, create_missing=False)
        else:
            live = self.fetch(client, news, id_) or {}  # only deletion_policy changed
        return UpdateResult(outs=self._outputs(news, id_, live, previous=olds))

    def delete(self, client: Client, id_: str, props: Props) -> None:
        label = self.describe(props, client, id_)
        if props.get(DELETION_POLICY) == "leave":
            return
        original = props.get(ORIGINAL_VALUE)
        if original is None:
            warn(f"{label}: left as set: the account had no such quota before this resource made it, and the API "
                 f"cannot delete quotas. Set its value by hand if it should change.")
            return
        try:
            self._set(client, {**props, VALUE: original}, id_, create_missing=False)
        except NotFoundError:
            return  # the quota is gone: nothing to give back


def _int64(value: Any) -> Optional[int]:
    """An int64 as the wire spells it (a JSON string; some gateways send a number)."""
    if value is None or value == "":
        return None
    return int(value)


SPEC = QuotaEngine.spec
