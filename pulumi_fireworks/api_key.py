"""``fireworks:ApiKey`` — an API key of a user or service account.

API object: a key under ``accounts/{account}/users/{user_id}/apiKeys``
(https://docs.fireworks.ai/api-reference/create-api-key; SDK ``fireworks/resources/api_keys.py``).
Everything about it is unusual, which is why this file overrides the most engine hooks:
the create body is wrapped (``{"apiKey": {...}}``), the server picks the id
(``keyId``), the key itself is returned by the create call only, there is no Get (it is
read through the list call) and no update (any change is a new key), and delete is
``POST .../apiKeys:delete {"keyId"}``.

Because the key is shown once, a key whose create answer is lost is useless, and must
not be left behind. It is found in two ways, so that recovery never depends on one
answer of the service:

* **What appeared during this create.** The user's keys are listed before the POST;
  after a failed or lost answer, a key that was not there before and matches these
  inputs is the one this create made. ApiKey creates of one user are serialised within
  the provider process, so a sibling's key is never taken for ours.
* **A marker annotation** (``pulumi-fireworks/resource``: digests of the resource's URN
  and inputs) on every key, for keys a killed process made after its POST. A create
  cannot tell such a key from the key a replacement (``--replace``, drift) is about to
  supersede — the engine gives a replacement's create nothing of the old state — and
  that key must stay valid until the new one exists. So such keys are revoked where the
  state's key is known: on refresh and delete, marked keys of this resource older than
  the state's key. Annotations exist only in the newest spec (not in SDK 1.2.30 nor the
  gateway proto of 0.19.20); a gateway that drops them leaves such keys (unusable, their
  value never seen) to be removed by hand.

A refresh never takes ``display_name`` from the server (renaming a key in the web UI
must not rotate it), and dropped annotations are not drift.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import threading
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Optional

import pulumi
from pulumi.dynamic import CheckResult, ReadResult

from ._engine import DISCARDED, NAME_KEY, URN_KEY, ResourceEngine
from ._errors import NotFoundError
from ._http import Client
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel, is_unknown
from ._reporting import warn
from ._spec import Props, ResourceSpec
from ._types import DisplayName, ResourceId, Timestamp, parse_timestamp
from ._wire.api_key import DEFAULT_API_KEY_DISPLAY_NAME
from ._wire.api_key import ApiKey as ApiKeyWire




class ApiKeyInputs(InputsModel):
    """Validation and canonical form of ApiKey inputs; the published input schema."""

    # Keys are immutable: every change is a new key (created before the old one goes).
    user_id: ResourceId = field("The user or service account that owns the key", required=True)
    display_name: Optional[DisplayName] = field(
        "Shown in key lists; the API's default is 'default'", replaces=True, refresh_keeps=True, unset=SERVER_DECIDES
    )
    expire_time: Optional[Timestamp] = field(
        "RFC 3339 instant after which the key stops working; unset = never", replaces=True, unset=SERVER_DECIDES
    )
    annotations: Optional[dict[str, str]] = field(replaces=True, unset=SERVER_DECIDES)


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
        returned_once=frozenset({"key"}),
        secret_output_fields=("key",),
        summary=(
            "An API key of a user or service account. The API shows ``key`` once, when the key is created: it is "
            "kept, encrypted, in the stack's state for good. Keys cannot change: a change creates a new key, then "
            "deletes the old one (see the README's rotation recipe)."
        ),
        example=(
            'ci = fireworks.ServiceAccount("ci", role="inference-user")\n'
            'key = fireworks.ApiKey("ci-key", user_id=ci.user_id, display_name="ci",\n'
            '                       expire_time="2027-06-30T00:00:00Z")\n'
            'pulumi.export("ciKey", key.key)   # a secret'
        ),
        output_docs={"key": "The key itself (a secret), shown by the API once."},
        surface_mixin="pulumi_fireworks.api_key:ApiKeyGet",
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

    def create(self, client: Client, props: Props) -> Any:
        with _one_create_per_user(client.account_id, str(props.get("user_id"))):
            token = _BEFORE.set(frozenset(str(k.get("keyId")) for k in self._keys(client, props)))
            try:
                return super().create(client, props)
            finally:
                _BEFORE.reset(token)

    def find_created(self, client: Client, props: Mapping[str, Any]) -> Any:
        # A key whose create response was lost is useless: its value was never seen and
        # is never shown again. Delete what appeared during this create, so that the key
        # made next is the only one.
        before = _BEFORE.get()
        if before is None:
            return None
        made = [k for k in self._keys(client, props) if str(k.get("keyId")) not in before and _made_for(k, props)]
        for key in made:
            self.send_delete(client, props, str(key["keyId"]), {})
        return DISCARDED if made else None

    def read(self, client: Client, id_: str, props: Props) -> ReadResult:
        result = super().read(client, id_, props)
        if result.id:
            self._sweep(client, props, id_)
        return result

    def delete(self, client: Client, id_: str, props: Props) -> None:
        self._sweep(client, props, id_)
        super().delete(client, id_, props)

    def _sweep(self, client: Client, props: Mapping[str, Any], current: str) -> None:
        """Revoke the keys interrupted creates of this resource left (a killed process
        after the POST): they carry its URN's mark and are older than the key the state
        holds. Only here, where the state's key is known: a create cannot tell such a key
        from the one a replacement is about to supersede, which must stay valid until the
        new one exists. A newer marked key (an interrupted replacement's) is left for the
        next replacement or delete."""
        keys = self._keys(client, props)
        mine = next((k for k in keys if k.get("keyId") == current), None)
        prefix = _urn_mark(props) + "."
        if mine is None or not mine.get("createTime"):
            return
        left = [
            k for k in keys
            if k.get("keyId") != current
            and str((k.get("annotations") or {}).get(MARKER, "")).startswith(prefix)
            and _older(k, mine)
        ]
        for key in left:
            self.send_delete(client, props, str(key["keyId"]), {})
        if left:
            warn(f"{self.describe(props, client, current)}: revoked {len(left)} unusable key(s) an interrupted run "
                 f"had made ({', '.join(str(k['keyId']) for k in left)}); nobody ever saw their values.")

    def _keys(self, client: Client, props: Mapping[str, Any]) -> list[dict[str, Any]]:
        path = self.spec.collection_path(client.account_id, props)
        try:
            return list(client.paginate(path, self.spec.collection_key))
        except NotFoundError:
            return []  # the user is gone, and its keys with it


_BEFORE: contextvars.ContextVar[Optional[frozenset[str]]] = contextvars.ContextVar("api_keys_before", default=None)
"""The user's key ids listed just before this create's POST (each gRPC call runs in a
thread of its own, so a context variable is per create)."""

_USER_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_USER_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _one_create_per_user(account_id: str, user_id: str) -> Iterator[None]:
    """Serialise this process's key creates for one user, so that a key appearing during
    a create is that create's (keys are made in milliseconds: nothing is slowed)."""
    with _USER_LOCKS_GUARD:
        lock = _USER_LOCKS.setdefault((account_id, user_id), threading.Lock())
    with lock:
        yield


def _made_for(key: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    """Whether a key that appeared during a create is what these inputs ask for: its marker
    when the service kept annotations, else its name and expiry."""
    marker = (key.get("annotations") or {}).get(MARKER)
    if marker is not None:
        return bool(marker == _marker(props))
    wanted = props.get("display_name") or DEFAULT_API_KEY_DISPLAY_NAME
    if (key.get("displayName") or DEFAULT_API_KEY_DISPLAY_NAME) != wanted:
        return False
    expire, live = props.get("expire_time"), key.get("expireTime")
    if not expire or not live:
        return not expire and not live
    try:
        return parse_timestamp(str(expire)) == parse_timestamp(str(live))
    except ValueError:
        return False


MARKER = "pulumi-fireworks/resource"
"""Annotation the provider puts on every key it creates, ``<urn mark>.<inputs mark>``:
digests of the resource's URN and of its inputs. The inputs mark tells this create's key
from others during a lost answer; the URN mark finds what interrupted creates of this
resource left, for :meth:`ApiKeyEngine._sweep`."""


def _urn_mark(props: Mapping[str, Any]) -> str:
    urn = str(props.get(URN_KEY) or props.get(NAME_KEY))
    return hashlib.sha256(urn.encode()).hexdigest()[:16]


def _marker(props: Mapping[str, Any]) -> str:
    fields = {f: props.get(f) for f in sorted(ApiKeyInputs.model_fields)}
    inputs = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{_urn_mark(props)}.{inputs}"


def _older(key: Mapping[str, Any], than: Mapping[str, Any]) -> bool:
    try:
        return parse_timestamp(str(key.get("createTime"))) < parse_timestamp(str(than.get("createTime")))
    except ValueError:
        return False


def _unmarked(key: Mapping[str, Any]) -> dict[str, Any]:
    """A listed key without the provider's own annotation (it is no input of the user's)."""
    annotations = {k: v for k, v in (key.get("annotations") or {}).items() if k != MARKER}
    return {**key, "annotations": annotations}


SPEC = ApiKeyEngine.spec


class ApiKeyGet:
    """What the generated ``ApiKey`` class adds: a ``get`` that knows keys live under users."""

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        user_id: Optional[pulumi.Input[str]] = None,
    ) -> Any:
        """Read an existing key into the program, read-only (not managed). A key lives
        under its user, so name the user: ``ApiKey.get("ci-key", key_id, user_id="ci")``,
        or give the id as ``"<user_id>/<key_id>"``. The key itself is never readable
        again: ``key`` stays unset."""
        if user_id is None:
            if not isinstance(id, str) or id.count("/") != 1:
                raise TypeError(
                    "ApiKey.get needs the key's user: ApiKey.get(name, key_id, user_id='<user>') "
                    "or ApiKey.get(name, '<user_id>/<key_id>')"
                )
            user_id, id = id.split("/")
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return cls(resource_name, {"user_id": user_id}, merged)  # type: ignore[call-arg]
