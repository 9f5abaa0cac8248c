"""``fireworks:ApiKey`` — an API key of a user or service account.

API object: a key under ``accounts/{account}/users/{user_id}/apiKeys`` (reference §9).
Everything about it is unusual, which is why this file overrides the most engine hooks:
the create body is wrapped (``{"apiKey": {...}}``), the server picks the id
(``keyId``), the key itself is returned by the create call only, there is no Get (it is
read through the list call) and no update (any change is a new key), and delete is
``POST .../apiKeys:delete {"keyId"}``.

Because the key is shown once, a create whose response is lost leaves a key nobody can
use. Each key therefore carries an annotation (``pulumi-fireworks/resource``: a digest
of the resource's URN and inputs) by which such a key is found and deleted before the
create runs again. (Annotations are a newer-spec field of ApiKey, kept by the emulator;
a server that dropped them would leave such keys behind.)
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timezone
from typing import Any, Mapping, Optional, TypedDict

import pulumi
from pulumi.dynamic import CheckResult
from pydantic import Field

from ._engine import DISCARDED, NAME_KEY, URN_KEY, ResourceEngine, register
from ._errors import NotFoundError
from ._http import Client
from ._inputs import InputsModel, is_unknown
from ._resource import FireworksResource
from ._spec import Props, ResourceSpec
from ._types import DisplayName, ResourceId, Timestamp, parse_timestamp
from ._wire.api_key import ApiKey as ApiKeyWire

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # pragma: no cover
    from typing_extensions import Unpack

__all__ = ["ApiKey", "ApiKeyArgs"]


class ApiKeyInputs(InputsModel):
    """Validation and canonical form of ApiKey inputs; the published input schema."""

    user_id: ResourceId = Field(description="The user or service account that owns the key.")
    display_name: Optional[DisplayName] = Field(default=None, description="Shown in key lists; the API's default is 'default'.")
    expire_time: Optional[Timestamp] = Field(
        default=None, description="RFC 3339 instant after which the key stops working; unset = never."
    )
    annotations: Optional[dict[str, str]] = None


class ApiKeyEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="ApiKey",
        collection="apiKeys",
        collection_key="apiKeys",
        inputs_model=ApiKeyInputs,
        wire_model=ApiKeyWire,
        id_field="key_id",
        id_source="server",
        parent="users/{user_id}",
        create_wrapper="apiKey",
        # Keys are immutable: every change is a new key (created before the old one goes).
        replace_on_change=frozenset({"display_name", "expire_time", "annotations"}),
        returned_once=frozenset({"key"}),
        secret_outputs=("key",),
    )

    def check(self, olds: Props, news: Props) -> CheckResult:
        result = super().check(olds, news)
        if MARKER in (result.inputs.get("annotations") or {}):
            reason = f"{MARKER!r} is the provider's own annotation; use another key"
            return CheckResult(news, [self.failure("annotations", reason)])
        expire = result.inputs.get("expire_time")
        if result.failures or expire is None or is_unknown(expire) or expire == olds.get("expire_time"):
            return result  # an expiry already applied may pass without blocking the stack
        if parse_timestamp(expire) <= datetime.now(timezone.utc):
            reason = f"{expire} is in the past; a new key must expire in the future"
            return CheckResult(news, [self.failure("expire_time", reason)])
        return result

    def equivalent(self, field: str, desired: Any, live: Any) -> bool:
        # The server writes instants its own way (fractions, offsets): compare instants.
        if field == "expire_time" and isinstance(desired, str) and isinstance(live, str):
            try:
                return parse_timestamp(desired) == parse_timestamp(live)
            except ValueError:
                return False
        return False

    def create_body(self, props: Mapping[str, Any], object_id: Optional[str]) -> dict[str, Any]:
        body = super().create_body(props, object_id)
        body["apiKey"]["annotations"] = {**body["apiKey"].get("annotations", {}), MARKER: _marker(props)}
        return body

    def fetch(self, client: Client, props: Mapping[str, Any], object_id: str) -> Optional[dict[str, Any]]:
        # No Get exists: the list call is the only read.
        return next((_unmarked(k) for k in self._keys(client, props) if k.get("keyId") == object_id), None)

    def send_delete(self, client: Client, props: Mapping[str, Any], object_id: str, params: Mapping[str, Any]) -> None:
        path = self.spec.collection_path(client.account_id, props) + ":delete"
        client.request("POST", path, json={"keyId": object_id})

    def id_of(self, live: Mapping[str, Any]) -> str:
        return str(live.get("keyId", ""))

    def find_created(self, client: Client, props: Mapping[str, Any]) -> Any:
        # A key whose create response was lost is useless: its value was never seen and
        # is never shown again. The marker finds exactly the keys made for this resource
        # with these inputs (no state knows them, or create would not run): delete them,
        # so that the key made next is the only one.
        ours = [k for k in self._keys(client, props) if (k.get("annotations") or {}).get(MARKER) == _marker(props)]
        for key in ours:
            self.send_delete(client, props, str(key["keyId"]), {})
        return DISCARDED if ours else None

    def _keys(self, client: Client, props: Mapping[str, Any]) -> list[dict[str, Any]]:
        path = self.spec.collection_path(client.account_id, props)
        try:
            return list(client.paginate(path, self.spec.collection_key))
        except NotFoundError:
            return []  # the user is gone, and its keys with it


MARKER = "pulumi-fireworks/resource"
"""Annotation the provider puts on every key it creates: a digest of the resource's URN
and inputs, by which a key whose create response was lost is found again."""


def _marker(props: Mapping[str, Any]) -> str:
    fields = {f: props.get(f) for f in sorted(ApiKeyInputs.model_fields)}
    seed = json.dumps([props.get(URN_KEY) or props.get(NAME_KEY), fields], sort_keys=True, default=str)
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def _unmarked(key: Mapping[str, Any]) -> dict[str, Any]:
    """A listed key without the provider's own annotation (it is no input of the user's)."""
    annotations = {k: v for k, v in (key.get("annotations") or {}).items() if k != MARKER}
    return {**key, "annotations": annotations}


SPEC = register(ApiKeyEngine()).spec


class ApiKeyArgs(TypedDict, total=False):
    """Inputs of :class:`ApiKey`; see ``schema/api_key.json``."""

    user_id: pulumi.Input[str]
    display_name: pulumi.Input[str]
    expire_time: pulumi.Input[str]
    annotations: pulumi.Input[Mapping[str, pulumi.Input[str]]]


class ApiKey(FireworksResource, module="fireworks", name="ApiKey"):
    """An API key of a user or service account.

    Example::

        ci = fireworks.ServiceAccount("ci", role="inference-user")
        key = fireworks.ApiKey("ci-key", user_id=ci.user_id, display_name="ci",
                               expire_time="2027-06-30T00:00:00Z")
        pulumi.export("ciKey", key.key)   # a secret

    The API shows ``key`` once, when the key is created: it is kept, encrypted, in the
    stack's state for good. Keys cannot change, so any input change creates a new key
    and then deletes the old one (see the README's rotation recipe).
    """

    user_id: pulumi.Output[str]
    display_name: pulumi.Output[str]
    expire_time: pulumi.Output[str]
    annotations: pulumi.Output[Mapping[str, str]]
    key_id: pulumi.Output[str]
    key: pulumi.Output[str]
    """The key itself (secret)."""
    prefix: pulumi.Output[str]
    secure: pulumi.Output[bool]
    email: pulumi.Output[str]
    create_time: pulumi.Output[str]
    last_used: pulumi.Output[str]

    _spec = SPEC

    def __init__(
        self,
        resource_name: str,
        args: Optional[ApiKeyArgs] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
        **kwargs: Unpack[ApiKeyArgs],
    ) -> None:
        super().__init__(resource_name, {**(args or {}), **kwargs}, opts)
