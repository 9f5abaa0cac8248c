"""The one generic CRUD engine behind every resource.

A :class:`ResourceSpec` says what differs between API objects; this module says what
never does: how inputs are checked, how a diff is decided, how creates survive lost
responses, how waits end, how refresh detects drift, and how failures clean up after
themselves so nothing is left orphaned.

The provider object is pickled into the program's state by ``pulumi.dynamic``. It
therefore carries only the spec's name: credentials and HTTP clients are made in the
provider process (``configure``) and never pickled.
"""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any, Mapping, Optional

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import _durations, _process
from ._config import CONFIG_ACCOUNT_ID, CONFIG_API_KEY, CONFIG_BASE_URL, resolve_settings
from ._drift import project, satisfies
from ._errors import (
    APIConnectionError,
    ConflictError,
    FireworksError,
    InternalServerError,
    NotFoundError,
    ResourceFailedError,
    ResourceOperationError,
)
from ._http import Client
from ._inputs import is_unknown, validate
from ._spec import Props, ResourceSpec
from ._wait import poll

NAME_KEY = "__name"
"""Hidden input: the Pulumi resource name, for autonaming and for error messages."""

AUTONAMED_KEY = "__autonamed"
"""Hidden input: set when the provider chose the id, so a replacement may pick a new one."""

WAIT_TIMEOUT = "wait_timeout"
ADOPT = "adopt_existing"

_SPECS: dict[str, ResourceSpec] = {}

_CLEANUP_MIN_WAIT = 600.0
"""Cleaning up after a failed create waits at least this long, even when the user's
``wait_timeout`` (which may be what just expired) is shorter."""


def register(spec: ResourceSpec) -> ResourceSpec:
    """Make ``spec`` available to providers in the provider process."""
    _SPECS[spec.type_name] = spec
    return spec


def _spec_named(type_name: str) -> ResourceSpec:
    if type_name not in _SPECS:
        import pulumi_fireworks  # noqa: F401  (importing the package registers every spec)
    return _SPECS[type_name]


class FireworksProvider(ResourceProvider):
    """``pulumi.dynamic`` provider for one Fireworks resource type."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __getstate__(self) -> dict[str, Any]:
        # Only the spec's name is ever pickled into state: no settings, no clients.
        return {"type_name": self.type_name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.type_name = state["type_name"]

    # -- configuration -----------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        _process.apply()  # once per process: let waits overlap (see _process)
        self._stack_config = {
            key: req.config.get(key) for key in (CONFIG_API_KEY, CONFIG_ACCOUNT_ID, CONFIG_BASE_URL)
        }

    @property
    def spec(self) -> ResourceSpec:
        return _spec_named(self.type_name)

    def _client(self) -> Client:
        lock = self.__dict__.setdefault("_lock", threading.Lock())
        with lock:
            client: Optional[Client] = self.__dict__.get("_http_client")
            if client is None:
                settings = resolve_settings(self.__dict__.get("_stack_config"))
                client = Client(settings)
                self._http_client = client
            return client

    # -- check / diff ----------------------------------------------------------------

    def check(self, _olds: Props, news: Props) -> CheckResult:
        spec = self.spec
        olds = _olds or {}
        raw = {
            k: v
            for k, v in news.items()
            if v is not None and not k.startswith("__") and k not in spec.output_names
        }
        checked, failures = validate(spec.inputs_model, raw, spec.type_name)
        if checked is None:
            return CheckResult(news, failures)
        name = news.get(NAME_KEY)
        if spec.id_strategy != "server" and checked.get(spec.id_field) is None:
            checked[spec.id_field] = olds.get(spec.id_field) or _autoname(str(name or spec.type_name))
            checked[AUTONAMED_KEY] = True
        checked[NAME_KEY] = name
        return CheckResult(checked, [])

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        spec = self.spec
        fields = set(spec.inputs_model.model_fields)
        changed = sorted(f for f in fields if not _same(olds.get(f), news.get(f)))
        replaces = [f for f in changed if f in spec.replace_on_change or f == spec.id_field]
        if olds.get("state") in spec.failed_states:
            # A refresh found it failed (or being deleted) on the server: nothing can be
            # patched into shape, so the next `up` replaces it — like a tainted resource.
            replaces.append("state")
        return DiffResult(
            changes=bool(changed) or bool(replaces),
            replaces=replaces,
            # A replacement that keeps a user-chosen id must free it first.
            delete_before_replace=bool(replaces) and not news.get(AUTONAMED_KEY),
        )

    # -- create ------------------------------------------------------------------------

    def create(self, props: Props) -> CreateResult:
        spec, client = self.spec, self._client()
        object_id = props.get(spec.id_field)
        if props.get(ADOPT) and object_id:
            live = self._get(client, object_id)
            if live is not None:
                live = self._converge(client, props, live)
                return CreateResult(object_id, self._outputs(props, live))
        live = self._create_once(client, props)
        object_id = object_id or _id_of(live)
        try:
            live = self._wait_ready(client, props, object_id, "create")
        except ResourceOperationError as failure:
            self._clean_up(client, props, object_id, failure)
            raise
        return CreateResult(object_id, self._outputs(props, live))

    def _create_once(self, client: Client, props: Props) -> dict[str, Any]:
        """POST the create; recover from lost responses without creating twice."""
        spec = self.spec
        object_id = props.get(spec.id_field)
        params = dict(spec.create_query(props))
        body = self._wire_body(props, spec.api_inputs)
        if spec.id_strategy == "query":
            params[spec.id_param] = object_id
        elif spec.id_strategy == "body":
            body = {spec.id_param: object_id, **body}
        path = spec.collection_path(client.account_id)
        attempts = 3
        for attempt in range(attempts):
            try:
                return client.request("POST", path, params=params, json=body, idempotent=False)
            except ConflictError as exc:
                existing = self._get(client, object_id, include_gone=True) if object_id else None
                if attempt > 0 and existing is not None and existing.get("state") not in spec.gone_states:
                    return existing  # our own earlier attempt landed; its response was lost
                raise FireworksError(self._conflict_message(client, object_id, existing, exc)) from exc
            except (APIConnectionError, InternalServerError) as exc:
                if spec.id_strategy == "server" or not object_id:
                    raise
                try:
                    existing = self._get(client, object_id)
                except FireworksError as check_error:
                    raise FireworksError(
                        f"{self._label(props, client)}: the create call got no usable answer ({exc}) "
                        f"and checking whether it was applied failed too ({check_error}). It may exist: "
                        f"if it does, take it over with {spec.id_field}={object_id!r} and {ADOPT}=True."
                    ) from exc
                if existing is not None:
                    return existing  # the create was applied; only the response was lost
                if attempt == attempts - 1:
                    raise FireworksError(
                        f"{self._label(props, client)}: create failed after {attempts} attempts: {exc}"
                    ) from exc
        raise AssertionError("unreachable")

    def _conflict_message(
        self, client: Client, object_id: Any, existing: Optional[dict[str, Any]], exc: ConflictError
    ) -> str:
        spec = self.spec
        where = f"fireworks:{spec.type_name} {spec.object_path(client.account_id, str(object_id))}"
        if existing is not None and existing.get("state") in spec.gone_states:
            return (
                f"{where} cannot be created: the id is still held by a soft-deleted "
                f"{spec.type_name.lower()} (API: {exc.message}). Hard-delete or undelete it, "
                f"or choose another {spec.id_field}."
            )
        return (
            f"{where} already exists (API: {exc.message}). To manage that existing object with "
            f"Pulumi, set {ADOPT}=True; otherwise choose another {spec.id_field}."
        )

    def _converge(self, client: Client, props: Props, live: dict[str, Any]) -> dict[str, Any]:
        """Adoption: PATCH whatever the existing object does not already satisfy."""
        spec = self.spec
        current = self._snake(live)
        differing = sorted(
            f for f in spec.api_inputs if f in props and not satisfies(f, props[f], current.get(f), spec.equivalent)
        )
        object_id = str(props[spec.id_field])
        if differing:
            self._patch(client, props, object_id, differing)
        return self._wait_ready(client, props, object_id, "adopt")

    # -- read ----------------------------------------------------------------------------

    def read(self, id_: str, props: Props) -> ReadResult:
        spec, client = self.spec, self._client()
        live = self._get(client, id_)
        if live is None:
            return ReadResult(id_="", outs={})
        current = self._snake(live)
        managed = [f for f in spec.api_inputs if props.get(f) is not None]
        if managed:
            # refresh: keep the user's spelling where the server still satisfies it
            inputs = {k: v for k, v in props.items() if k not in spec.output_names}
            for field in managed:
                if field in spec.write_only:
                    continue
                value = project(field, props[field], current.get(field), spec.equivalent)
                if value is None:
                    inputs.pop(field, None)
                else:
                    inputs[field] = value
        else:
            # Resource.get(): everything the server holds becomes the inputs
            inputs = {f: current[f] for f in spec.api_inputs if current.get(f) is not None}
        inputs[spec.id_field] = id_
        return ReadResult(id_=id_, outs=self._outputs(inputs, live), inputs=inputs)

    # -- update --------------------------------------------------------------------------

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        spec, client = self.spec, self._client()
        changed = sorted(f for f in spec.api_inputs if not _same(olds.get(f), news.get(f)))
        if changed:
            self._patch(client, news, id_, changed)
            live = self._wait_ready(client, news, id_, "update")
        else:
            live = self._get(client, id_) or {}
        return UpdateResult(outs=self._outputs(news, live))

    def _patch(self, client: Client, props: Props, object_id: str, fields: list[str]) -> None:
        spec = self.spec
        body = {**spec.patch_body_extra(props), **self._wire_body(props, fields)}
        client.request(
            "PATCH",
            spec.object_path(client.account_id, object_id),
            params={"updateMask": ",".join(fields), **spec.update_query(props)},
            json=body,
        )

    # -- delete --------------------------------------------------------------------------

    def delete(self, id_: str, props: Props) -> None:
        spec, client = self.spec, self._client()
        try:
            client.request(
                "DELETE", spec.object_path(client.account_id, id_), params=spec.delete_query(props)
            )
        except NotFoundError:
            return
        self._wait_gone(client, props, id_)

    def _clean_up(self, client: Client, props: Props, object_id: str, failure: Exception) -> None:
        """Delete what a failed create made, so the failure leaves nothing behind."""
        spec = self.spec
        try:
            client.request(
                "DELETE",
                spec.object_path(client.account_id, object_id),
                params=spec.cleanup_query(props),
            )
            self._wait_gone(client, props, object_id, hard=True, at_least=_CLEANUP_MIN_WAIT)
        except NotFoundError:
            return
        except FireworksError as cleanup_error:
            raise FireworksError(
                f"{failure}\nCleaning up also failed, so {spec.object_path(client.account_id, object_id)} "
                f"may still exist and cost money: delete it by hand. Cleanup error: {cleanup_error}"
            ) from failure

    # -- helpers -------------------------------------------------------------------------

    def _get(self, client: Client, object_id: Any, *, include_gone: bool = False) -> Optional[dict[str, Any]]:
        spec = self.spec
        try:
            live = client.request("GET", spec.object_path(client.account_id, str(object_id)))
        except NotFoundError:
            return None
        if not include_gone and live.get("state") in spec.gone_states:
            return None
        return live

    def _wait_ready(self, client: Client, props: Props, object_id: str, action: str) -> dict[str, Any]:
        spec = self.spec
        label = self._label(props, client, object_id)
        if not spec.ready_states:
            return self._get(client, object_id) or {}

        def done(obj: Optional[dict[str, Any]]) -> bool:
            if obj is None:
                raise ResourceFailedError(f"{label} disappeared during {action}.")
            state = obj.get("state")
            if state in spec.failed_states or state in spec.gone_states:
                raise ResourceFailedError(
                    f"{label} {action} failed: the API reports state {state}"
                    f"{_status_text(obj)}."
                )
            return state in spec.ready_states

        def describe(obj: Optional[dict[str, Any]]) -> str:
            state = (obj or {}).get("state", "unknown")
            return (
                f"{label} {action} did not finish within {timeout:g}s (still {state}"
                f"{_status_text(obj or {})}). Raise {WAIT_TIMEOUT} if it needs longer."
            )

        timeout = self._timeout(props)
        result = poll(lambda: self._get(client, object_id, include_gone=True), done, timeout=timeout, describe=describe)
        return result or {}

    def _wait_gone(
        self, client: Client, props: Props, object_id: str, *, hard: bool = False, at_least: float = 0.0
    ) -> None:
        spec = self.spec
        label = self._label(props, client, object_id)
        timeout = max(self._timeout(props), at_least)

        def gone(obj: Optional[dict[str, Any]]) -> bool:
            return obj is None or (not hard and obj.get("state") in spec.gone_states)

        poll(
            lambda: self._get(client, object_id, include_gone=True),
            gone,
            timeout=timeout,
            describe=lambda obj: f"{label} was not deleted within {timeout:g}s "
            f"(state {(obj or {}).get('state')}).",
        )

    def _timeout(self, props: Props) -> float:
        value = props.get(WAIT_TIMEOUT)
        if value is None or is_unknown(value):
            return self.spec.default_wait_timeout
        return float(_durations.parse_seconds(value))

    def _wire_body(self, props: Mapping[str, Any], fields: Any) -> dict[str, Any]:
        selected = {f: props[f] for f in fields if props.get(f) is not None}
        return self.spec.wire_model.model_validate(selected).to_wire()

    def _snake(self, live: Mapping[str, Any]) -> dict[str, Any]:
        return self.spec.wire_model.model_validate(live).model_dump(
            mode="json", exclude_none=True, by_alias=False
        )

    def _outputs(self, inputs: Props, live: Mapping[str, Any]) -> dict[str, Any]:
        spec = self.spec
        current = self._snake(live) if live else {}
        outs = dict(inputs)
        for name in spec.server_view:
            outs[name] = current.get(name)
        outs.update(spec.computed_outputs(inputs, live))
        return outs

    def _label(self, props: Props, client: Client, object_id: Any = None) -> str:
        spec = self.spec
        object_id = object_id or props.get(spec.id_field)
        where = spec.object_path(client.account_id, str(object_id)).removeprefix("/v1/") if object_id else ""
        name = props.get(NAME_KEY)
        return f"fireworks:{spec.type_name} {name!r} ({where})" if name else f"fireworks:{spec.type_name} {where}"


def _same(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return False
    if old in (None, {}, []) and new in (None, {}, []):
        return True
    return bool(old == new)


def _id_of(live: Mapping[str, Any]) -> str:
    return str(live.get("name", "")).rsplit("/", 1)[-1]


def _status_text(obj: Mapping[str, Any]) -> str:
    status = obj.get("status") or {}
    message = status.get("message") if isinstance(status, dict) else None
    return f": {message}" if message else ""


_SLUG = re.compile(r"[^a-z0-9]+")


def _autoname(resource_name: str) -> str:
    """``My Deployment`` → ``my-deployment-3f9a1c``: a valid, unique API id."""
    slug = _SLUG.sub("-", resource_name.lower()).strip("-") or "resource"
    if not slug[0].isalpha():
        slug = "r-" + slug
    return f"{slug[:56].rstrip('-')}-{secrets.token_hex(3)}"
