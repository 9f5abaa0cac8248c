"""The gRPC resource provider: every request handed to the resources' own engine.

Each call finds the resource's :class:`~pulumi_fireworks._engine.FireworksProvider` by type
token and calls the very method the dynamic-provider server would, so both fronts share
one implementation of check / diff / create / read / update / delete. What a plugin adds:

* **Detailed diffs**: the engine's own field kinds (``_display.report``), as
  ``ADD``/``UPDATE``/``DELETE`` or their ``_REPLACE`` forms, with nested paths for objects
  (``autoscaling_policy.scale_to_zero_window``); ``preview --json`` carries them.
* **Import**: a ``Read`` with no inputs is a ``pulumi import`` (or the ``import`` option):
  everything the server holds becomes the inputs, so the next preview of a program that
  declares the same has nothing to do.
* **customTimeouts**: the engine's timeout for create, update and delete becomes the wait's
  deadline unless the program set ``wait_timeout``.
* **Cancel**: stops every wait in flight (``_wait.cancel_all``).
* **Partial state**: a create that made an object and keeps it despite failing (a training
  job whose wait ran out goes on training) is recorded by the engine as an init error, not
  lost; elsewhere a failed create deletes what it made, as on the dynamic path.

Errors reach the CLI as the engine's own one-line messages, without a Python traceback.
Blocking work runs in worker threads; the gRPC loop stays free for ``Cancel``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import Any, Optional, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import status_pb2  # google.rpc.Status as pulumi registers it (importing google.rpc.status_pb2 too clashes)
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import proto
from pulumi.runtime.proto import provider_pb2_grpc

from .. import _wait
from .._config import CONFIG_ACCOUNT_ID, CONFIG_API_KEY, CONFIG_BASE_URL
from .._display import take
from .._drift import same
from .._engine import NAME_KEY, URN_KEY, WAIT_TIMEOUT, FireworksProvider, registered_specs
from .._errors import FireworksError, ResourceOperationError
from ..lookups.functions import CATALOG
from .schema import PACKAGE, function_token, package_schema, resource_type
from .values import plain_map, property_map

T = TypeVar("T")

_CONFIG_KEYS = {"apiKey": CONFIG_API_KEY, "accountId": CONFIG_ACCOUNT_ID, "baseUrl": CONFIG_BASE_URL}
_KINDS = {
    ("ADD", False): proto.PropertyDiff.ADD, ("ADD", True): proto.PropertyDiff.ADD_REPLACE,
    ("DELETE", False): proto.PropertyDiff.DELETE, ("DELETE", True): proto.PropertyDiff.DELETE_REPLACE,
    ("UPDATE", False): proto.PropertyDiff.UPDATE, ("UPDATE", True): proto.PropertyDiff.UPDATE_REPLACE,
}
_LOOKUPS = {function_token(entry.function.__name__): entry for entry in CATALOG}


def _unmarshal(values: Any) -> tuple[dict[str, Any], frozenset[str]]:
    return plain_map(PropertyValue.unmarshal_map(values))


def _marshal(values: Mapping[str, Any], secret_keys: frozenset[str]) -> Any:
    return PropertyValue.marshal_map(property_map(values, secret_keys))


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


class FireworksServicer(provider_pb2_grpc.ResourceProviderServicer):
    """The ``fireworks`` provider plugin (see the module docstring)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.config: dict[str, Optional[str]] = {}
        self.fronts: dict[str, FireworksProvider] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def front(self, type_token: str) -> FireworksProvider:
        """The resource's provider object, configured like the dynamic path's."""
        type_name = type_token.rsplit(":", 1)[-1]
        if type_token != resource_type(type_name) or type_name not in registered_specs():
            raise FireworksError(f"{PACKAGE}: no resource type {type_token!r}")
        provider = self.fronts.get(type_name)
        if provider is None:
            provider = FireworksProvider(type_name)
            provider._stack_config = dict(self.config)
            self.fronts[type_name] = provider
        return provider

    def front_of(self, request: Any) -> FireworksProvider:
        """The provider object of the resource a request is about: its ``type``, or (from engines
        that send none) the URN's type, after any parent types (``parent$fireworks:index:X``)."""
        return self.front(request.type or request.urn.split("::")[2].rsplit("$", 1)[-1])

    async def run(self, context: Any, call: Callable[[], T], secrets: frozenset[str] = frozenset()) -> T:
        """``call()`` in a worker thread; a provider error ends the RPC with its message alone.

        A create that failed but kept its object (``left_in_place``) ends as Pulumi's "init
        error": the engine records the object, with the failure, and the next ``up`` updates it
        (waits again) instead of creating another."""
        try:
            return await asyncio.to_thread(call)
        except ResourceOperationError as exc:
            if exc.left_in_place is None:
                await context.abort(grpc.StatusCode.UNKNOWN, str(exc))
                raise
            object_id, outs = exc.left_in_place
            detail = proto.ErrorResourceInitFailed(id=object_id, properties=_marshal(outs, secrets), reasons=[str(exc)])
            status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=str(exc))
            status.details.add().Pack(detail)
            await context.abort(grpc.StatusCode.UNKNOWN, str(exc),
                                trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),))
            raise
        except (FireworksError, ValueError) as exc:
            await context.abort(grpc.StatusCode.UNKNOWN, str(exc))
            raise  # abort raises; this is never reached

    def _secrets(self, type_name: str, given: frozenset[str]) -> frozenset[str]:
        return given | frozenset(registered_specs()[type_name].secret_outputs)

    # -- plugin and package ------------------------------------------------------------------

    async def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return proto.PluginInfo(version=self.version)

    async def GetSchema(self, request: Any, context: Any) -> Any:
        return proto.GetSchemaResponse(schema=json.dumps(package_schema(self.version)))

    async def CheckConfig(self, request: Any, context: Any) -> Any:
        return proto.CheckResponse(inputs=request.news)

    async def DiffConfig(self, request: Any, context: Any) -> Any:
        return proto.DiffResponse(changes=proto.DiffResponse.DIFF_NONE)

    async def Configure(self, request: Any, context: Any) -> Any:
        args, _ = _unmarshal(request.args)
        variables = dict(request.variables)
        for key, config_key in _CONFIG_KEYS.items():
            value = args.get(key) or variables.get(f"{PACKAGE}:config:{key}") or variables.get(config_key)
            self.config[config_key] = value if isinstance(value, str) and value else None
        return proto.ConfigureResponse(acceptSecrets=True, supportsPreview=False, acceptResources=True)

    async def Cancel(self, request: Any, context: Any) -> Any:
        _wait.cancel_all()
        return empty_pb2.Empty()

    # -- resources ---------------------------------------------------------------------------

    async def Check(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        olds, _ = _unmarshal(request.olds)
        news, secret = _unmarshal(request.news)
        news.update({NAME_KEY: _name_of(request.urn), URN_KEY: request.urn})
        result = await self.run(context, lambda: front.check(olds, news))
        failures = [proto.CheckFailure(property=f.property, reason=f.reason) for f in result.failures or []]
        inputs = _marshal(result.inputs or {}, self._secrets(front.type_name, secret))
        return proto.CheckResponse(inputs=inputs, failures=failures)

    async def Diff(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        olds, _ = _unmarshal(request.olds)
        news, _ = _unmarshal(request.news)
        result, reported = await self.run(context, lambda: (front.diff(request.id, olds, news), take()))
        kinds, replaces = (reported[0], set(reported[1])) if reported else ({}, set(result.replaces or []))
        detailed: dict[str, Any] = {}
        for field, kind in kinds.items():
            for path in _paths(field, olds.get(field), news.get(field)):
                detailed[path] = proto.PropertyDiff(kind=_KINDS[(kind, field in replaces)], inputDiff=True)
        return proto.DiffResponse(
            changes=proto.DiffResponse.DIFF_SOME if result.changes else proto.DiffResponse.DIFF_NONE,
            replaces=sorted(result.replaces or []),
            deleteBeforeReplace=bool(result.delete_before_replace),
            diffs=sorted(kinds),
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    async def Create(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        props, secret = _unmarshal(request.properties)
        timed = _with_timeout(front, props, request.timeout)
        secrets = self._secrets(front.type_name, secret)
        result = await self.run(context, lambda: front.create(timed), secrets)
        outs = _without_injected(dict(result.outs or {}), props)
        return proto.CreateResponse(id=str(result.id), properties=_marshal(outs, secrets))

    async def Read(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        state, secret = _unmarshal(request.properties)
        inputs, _ = _unmarshal(request.inputs)
        if not state and not inputs:  # `pulumi import`: only the id is known
            state = {NAME_KEY: _name_of(request.urn)}
        result = await self.run(context, lambda: front.read(request.id, {**inputs, **state}))
        secrets = self._secrets(front.type_name, secret)
        return proto.ReadResponse(
            id=str(result.id or ""),
            properties=_marshal(dict(result.outs or {}), secrets),
            inputs=_marshal(dict(result.inputs or {}), secrets),
        )

    async def Update(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        olds, _ = _unmarshal(request.olds)
        news, secret = _unmarshal(request.news)
        timed = _with_timeout(front, news, request.timeout)
        result = await self.run(context, lambda: front.update(request.id, olds, timed))
        outs = _without_injected(dict(result.outs or {}), news)
        return proto.UpdateResponse(properties=_marshal(outs, self._secrets(front.type_name, secret)))

    async def Delete(self, request: Any, context: Any) -> Any:
        front = self.front_of(request)
        props, _ = _unmarshal(request.properties)
        timed = _with_timeout(front, props, request.timeout)
        await self.run(context, lambda: front.delete(request.id, timed))
        return empty_pb2.Empty()

    async def Invoke(self, request: Any, context: Any) -> Any:
        found = _LOOKUPS.get(request.tok)
        if found is None:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{PACKAGE}: no function {request.tok!r}")
            raise AssertionError("abort raises")
        entry = found
        args, _ = _unmarshal(request.args)
        settings = dict(self.config)

        def lookup() -> dict[str, Any]:
            from ..lookups import _session

            with _session.configured(settings):
                return dict(entry.function(**{k: v for k, v in args.items() if v is not None}).model_dump())

        result = await self.run(context, lookup)
        return proto.InvokeResponse(**{"return": _marshal(result, frozenset())})


def _paths(field: str, old: Any, new: Any, prefix: str = "") -> list[str]:
    """The changed leaves under ``field`` (objects are walked; lists and scalars are leaves)."""
    path = f"{prefix}.{field}" if prefix else field
    if isinstance(old, Mapping) and isinstance(new, Mapping) and old and new:
        keys = sorted(set(old) | set(new))
        leaves = [p for k in keys if not same(old.get(k), new.get(k)) for p in _paths(k, old.get(k), new.get(k), path)]
        return leaves or [path]
    return [path]


def _with_timeout(front: FireworksProvider, props: dict[str, Any], timeout: float) -> dict[str, Any]:
    """The engine's ``customTimeouts`` as the wait's deadline, unless the program set one."""
    if timeout and timeout > 0 and WAIT_TIMEOUT in front.spec.inputs_model.model_fields and not props.get(WAIT_TIMEOUT):
        return {**props, WAIT_TIMEOUT: f"{int(timeout)}s"}
    return props


def _without_injected(outs: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs without a ``wait_timeout`` the plugin added (it is no input: a diff would show it)."""
    if WAIT_TIMEOUT in outs and WAIT_TIMEOUT not in given:
        outs.pop(WAIT_TIMEOUT)
    return outs
