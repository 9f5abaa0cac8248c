"""The one generic CRUD engine behind every resource.

A :class:`~._spec.ResourceSpec` says, as data, what differs between API objects; a
:class:`ResourceEngine` says what never does: how inputs are checked, how a diff is
decided, how creates survive lost responses, how waits end, how refresh detects drift,
and how failures clean up after themselves so nothing is left orphaned. Where an API
object really behaves differently (a create body wrapped in ``{"apiKey": ...}``, no
GET, a delete that is a POST), its resource module subclasses :class:`ResourceEngine`
and overrides the one method concerned.

What ``pulumi.dynamic`` pickles into the state is :class:`FireworksProvider`: a type
name and nothing else. Credentials and HTTP clients are made in the provider process
(``configure``) and never pickled, and the behaviour is looked up by type name, so a
state written by any version of this package keeps working with every later one.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from typing import Any, ClassVar, Iterator, Mapping, Optional

from pulumi.dynamic import (
    CheckFailure,
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
from ._drift import is_zero, project, same, satisfies
from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConflictError,
    FireworksError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResourceError,
    ResourceFailedError,
    ResourceOperationError,
)
from ._http import Client
from ._ids import autoname
from ._inputs import check_failure, is_unknown, map_paths, validate
from ._display import KIND_UPDATE, kind_of, report
from ._reporting import api_text, resource_error, warn
from ._spec import Props, ResourceSpec
from ._types import parse_timestamp
from ._wait import poll

NAME_KEY = "__name"
"""Hidden input: the Pulumi resource name, for autonaming and for error messages."""

URN_KEY = "__urn"
"""Hidden input: the resource's URN, the seed of a derived id (same at preview, at
``up`` and on a re-run after an interruption)."""

PEERS_KEY = "__peers"
"""Hidden input: what the program declares on the resources a ``peer`` input was given
(``_resource.with_peers``), for plan-time checks against them."""

IMPORTED_KEY = "__imported"
"""Hidden input: recorded by a read that imported the object (``pulumi import``,
``Resource.get``), whose inputs are all the server holds, server-chosen values included."""

AUTONAMED_KEY = "__autonamed"
"""Hidden input: set when the provider chose the id, so a replacement may pick a new one."""

WAIT_TIMEOUT = "wait_timeout"
ADOPT = "adopt_existing"


_CREATE_ATTEMPTS = 8
"""Create attempts before giving up on failures that may pass (5xx, no response), each
preceded by a check of what exists, so attempts never duplicate anything. 429s have the
client's larger budget (``RetryPolicy.max_throttled_retries``)."""

DISCARDED: Any = object()
"""What :meth:`ResourceEngine.find_created` returns for an object that was made but had
to be deleted (an API key whose value was lost): the create must run again."""

_CLOCK_SKEW = 5.0
"""How far the API's clock may lag ours when telling whether an object appeared during
our create call (NTP keeps both within well under a second)."""

_CLEANUP_MIN_WAIT = 600.0
"""Cleaning up after a failed create waits at least this long, even when the user's
``wait_timeout`` (which may be what just expired) is shorter."""


def engine_for(type_name: str) -> "ResourceEngine":
    """The behaviour of a resource type (from ``_catalog``, which imports the resources)."""
    from ._catalog import ENGINES

    return ENGINES[type_name]


def registered_specs() -> dict[str, ResourceSpec]:
    """Type name → spec of every resource."""
    from ._catalog import specs

    return specs()


class FireworksProvider(ResourceProvider):
    """``pulumi.dynamic`` provider for one Fireworks resource type.

    Pickled into every resource's state, so it holds the type name only: never
    settings, clients or behaviour. Do not rename or move this class.
    """

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __getstate__(self) -> dict[str, Any]:
        return {"type_name": self.type_name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.type_name = state["type_name"]

    def configure(self, req: ConfigureRequest) -> None:
        # Runs once per provider in the provider process, before any operation.
        _process.apply()  # once per process: waits overlap, errors are short (see _process)
        self._stack_config = {
            key: req.config.get(key) for key in (CONFIG_API_KEY, CONFIG_ACCOUNT_ID, CONFIG_BASE_URL)
        }

    @property
    def engine(self) -> "ResourceEngine":
        return engine_for(self.type_name)

    @property
    def spec(self) -> ResourceSpec:
        return self.engine.spec

    def _client(self) -> Client:
        lock = self.__dict__.setdefault("_lock", threading.Lock())
        with lock:
            client: Optional[Client] = self.__dict__.get("_http_client")
            if client is None:
                client = Client(resolve_settings(self.__dict__.get("_stack_config")))
                self._http_client = client
            return client

    @contextlib.contextmanager
    def _reported(self, operation: str, props: Props, object_id: Optional[str] = None) -> Iterator[None]:
        """Any failure of ``operation`` becomes a short error naming this resource."""
        try:
            yield
        except FireworksError as exc:
            raise resource_error(self.engine.describe(props, self.__dict__.get("_http_client"), object_id), operation, exc) from exc

    def check(self, _olds: Props, news: Props) -> CheckResult:
        result = self.engine.check(_olds or {}, news)
        if not result.failures:
            result.inputs.update(self.engine.preview_outputs(result.inputs, self._configured_account()))
        return result

    def _configured_account(self) -> Optional[str]:
        """The account when it is known without asking the API (configured, or already
        discovered by this process); plan-time work never calls the API for it."""
        client: Optional[Client] = self.__dict__.get("_http_client")
        if client is not None and client.known_account_id:
            return client.known_account_id
        try:
            return resolve_settings(self.__dict__.get("_stack_config")).account_id
        except FireworksError:
            return None

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        return self.engine.diff(olds, news)

    def create(self, props: Props) -> CreateResult:
        with self._reported("create", props):
            return self.engine.create(self._client(), props)

    def read(self, id_: str, props: Props) -> ReadResult:
        with self._reported("read", props, id_):
            return self.engine.read(self._client(), id_, props)

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        with self._reported("update", news, id_):
            return self.engine.update(self._client(), id_, olds, news)

    def delete(self, id_: str, props: Props) -> None:
        with self._reported("delete", props, id_):
            self.engine.delete(self._client(), id_, props)


class ResourceEngine:
    """Generic check / diff / create / read / update / delete for one resource type.

    Subclasses set :attr:`spec` and override hooks (the methods in the "hooks" section)
    only where their API object differs. Engines are shared by every resource of a type
    and by concurrent calls, so they keep no per-call state.
    """

    spec: ClassVar[ResourceSpec]

    @functools.cached_property
    def map_fields(self) -> frozenset[str]:
        """Dotted paths of the map inputs, whose keys are all the user's (drift if added)."""
        return map_paths(self.spec.inputs_model)

    # -- hooks ---------------------------------------------------------------------------

    def equivalent(self, field: str, desired: Any, live: Any) -> bool:
        """Extra equivalences the server's normalisation needs, on top of equality,
        proto3's omitted zero values and subset-matching of objects."""
        return False

    def derive_id(self, props: Mapping[str, Any]) -> Optional[str]:
        """The id the provider gives an object the user did not name (``spec.autoname``)."""
        return autoname(str(props.get(NAME_KEY) or self.spec.type_name), self._id_seed(props))

    def create_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters of the create call besides the id."""
        return {}

    def create_body(self, props: Mapping[str, Any], object_id: Optional[str]) -> dict[str, Any]:
        """The JSON body of the create call."""
        spec = self.spec
        body = self.wire_body(props, spec.api_inputs)
        if spec.create_wrapper:
            body = {spec.create_wrapper: body}
        if spec.id_source == "body":
            body = {spec.id_param: object_id, **body}
        return body

    def update_body(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON body of a PATCH: the whole managed object, so the result is right
        whether the server honours ``updateMask`` or replaces every mutable field. Inputs
        left unset whose default is managed are spelled out (``"public": false``), so a
        value set elsewhere is put back even by a server that skips absent fields."""
        unset = {f: d for f, d in self.spec.unset_defaults.items() if is_zero(props.get(f))}
        return self.wire_body({**props, **unset}, self.spec.api_inputs)

    def update_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters of a PATCH besides ``updateMask``."""
        return {}

    def update_plan(self, news: Props, changed: list[str]) -> tuple[Props, list[str]]:
        """What a PATCH for ``changed`` inputs sends: the inputs and the mask. A resource
        whose server derives a default from another field at create only spells that
        default out here, so an update ends where a fresh create of the same program would."""
        return news, changed

    def delete_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters of a delete the user asked for (``destroy``, a replacement)."""
        return {}

    def cleanup_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters of the delete that cleans up after a failed create: it must
        free the id for the next attempt."""
        return self.delete_query(props)

    def failure(self, field: str, message: str) -> CheckFailure:
        """A check failure of this resource's ``field`` (a dotted path may name a nested one)."""
        return check_failure(self.spec.type_name, field, message)

    def complete_inputs(self, checked: Props) -> list[CheckFailure]:
        """Add ``spec.computed_inputs`` to inputs that passed validation, in place (e.g.
        a digest of the local files an input names). Runs at ``check`` before a derived
        id is chosen, so the id follows them; must be deterministic (a saved plan is
        refused when ``check`` answers differently at ``up``) and call no API. Problems
        are failures naming the input, like validation errors. ``checked`` already holds
        the resource's name (``__name``), for :meth:`describe`."""
        return []

    def populate(self, client: Client, props: Props, object_id: str, live: dict[str, Any]) -> dict[str, Any]:
        """Give a freshly created object what its create call cannot carry (a model's
        files), between the create and the wait for a ready state; returns the live
        object. It also meets objects an interrupted earlier run made under this id,
        which may be complete already. Raise :class:`ResourceOperationError` on failure:
        the half-made object is then deleted, so a failed create leaves nothing behind."""
        return live

    def computed_outputs(self, inputs: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs derived from inputs and the live object (``spec.computed_output_names``)."""
        return {}

    def fetch(self, client: Client, props: Mapping[str, Any], object_id: str) -> Optional[dict[str, Any]]:
        """The live object, or ``None`` when the API says it does not exist."""
        try:
            return client.request("GET", self.spec.object_path(client.account_id, props, object_id))
        except NotFoundError:
            return None

    def send_delete(self, client: Client, props: Mapping[str, Any], object_id: str, params: Mapping[str, Any]) -> None:
        """Ask the API to delete the object; a 404 means it is already gone."""
        client.request("DELETE", self.spec.object_path(client.account_id, props, object_id), params=params)

    def find_created(self, client: Client, props: Mapping[str, Any]) -> Any:
        """For ids the server picks, after a create got no usable answer: the object an
        earlier create of these very inputs made (found by what it is, e.g. model +
        deployment), ``None`` if there is none, or :data:`DISCARDED` when one was made
        but is useless and has been deleted (so the create must run again). The default
        cannot tell, so a lost response is reported as such."""
        raise _CannotTell()

    def preview_outputs(self, inputs: Props, account_id: Optional[str]) -> dict[str, Any]:
        """Outputs already known at plan time, recorded with the checked inputs: the
        resource name (``accounts/<a>/deployments/<id>``) and what is computed from it.

        A dynamic provider cannot preview an update, so in a preview the engine takes a
        resource's outputs to be its checked inputs: without these, a deployment being
        updated in place would show its ``name`` as unknown, and a LoRA load naming it
        would show a replacement that ``up`` then does not make — a saved plan would not
        apply. Unknown when the id is the server's, not yet known, or the account is.
        """
        spec = self.spec
        object_id = inputs.get(spec.id_field)
        parents = [inputs.get(f) for f in spec.parent_fields]
        if spec.id_source == "server" or not account_id or not object_id or "name" not in spec.server_view:
            return {}
        if any(is_unknown(v) or v is None for v in [object_id, *parents]):
            return {}
        name = spec.object_path(account_id, inputs, str(object_id)).removeprefix("/v1/")
        return {"name": name, **self.computed_outputs(inputs, {"name": name})}

    def failure_reported(self, live: Mapping[str, Any]) -> Optional[str]:
        """Why the API says a create or update of ``live`` failed, or ``None``: a failed
        or deleted state, or (objects without a FAILED state: LoRA loads, users) an error
        code in ``status``."""
        spec = self.spec
        state = live.get("state")
        if state in spec.failed_states or state in spec.gone_states or _has_error(live, spec):
            return f"the API reports state {state}{_status_text(live)}"
        return None

    def failure_details(self, client: Client, props: Props, object_id: str) -> str:
        """More about a failure the API reported, for the error (where a build log is),
        asked before a failed create deletes the object; ``""`` when there is nothing."""
        return ""

    def id_of(self, live: Mapping[str, Any]) -> str:
        """The id of a live object (the last segment of its ``name``)."""
        return str(live.get("name", "")).rsplit("/", 1)[-1]

    def ready_states(self, props: Mapping[str, Any]) -> frozenset[str]:
        """States that end a create or update wait for this resource (a training job
        can be asked to return once it runs): ``spec.ready_states`` unless overridden."""
        return self.spec.ready_states

    def stale(self, live: Mapping[str, Any]) -> bool:
        """Whether an object found under the id a create wants can never become what
        was asked (soft-deleted; a training job that failed): it is purged and made again."""
        return live.get("state") in self.spec.gone_states

    def survives(self, failure: ResourceOperationError) -> bool:
        """Whether a create that failed this way leaves its object in place instead of
        deleting it (a training job whose wait ran out keeps training, and the next
        ``up`` finds it and waits again)."""
        return False

    def timeout_advice(self, props: Mapping[str, Any]) -> str:
        """What a wait that ran out tells the user to do."""
        return f"Raise {WAIT_TIMEOUT} if it needs longer."

    # -- check / diff ------------------------------------------------------------------------

    def check(self, olds: Props, news: Props) -> CheckResult:
        spec = self.spec
        given = {k: v for k, v in news.items() if v is not None and not k.startswith("__")}
        misplaced = [self._not_an_input(k) for k in sorted(given) if k in spec.output_names or k in spec.computed_inputs]
        if misplaced:
            return CheckResult(news, misplaced)
        checked, failures = validate(spec.inputs_model, given, spec.type_name)
        if checked is None:
            return CheckResult(news, failures)
        for key in (NAME_KEY, URN_KEY):  # before complete_inputs, whose messages name the resource
            if news.get(key) is not None:
                checked[key] = news[key]
        failures = self.complete_inputs(checked)
        if failures:
            return CheckResult(news, failures)
        if spec.autoname and spec.id_source != "server" and checked.get(spec.id_field) is None:
            # Sticky: an object keeps the id it was created with until it is replaced
            # (when the engine checks the new inputs again without the old ones).
            derived = olds.get(spec.id_field) if olds.get(AUTONAMED_KEY) else None
            derived = derived or self.derive_id(checked)
            if derived is not None:
                checked[spec.id_field] = derived
                checked[AUTONAMED_KEY] = True
        return CheckResult(checked, [])

    def _not_an_input(self, field: str) -> CheckFailure:
        """An output given as an input: refused, since it would be ignored (the server or
        the provider decides it), and a silently ignored value misleads."""
        if field in self.spec.computed_inputs:
            why = "is computed by the provider from the other inputs (e.g. the files of `source`), not an input"
        else:
            why = f"is an output (Fireworks or the provider decides it), not an input: remove it; the resource's `{field}` output holds the value"
        return self.failure(field, why)

    def diff(self, olds: Props, news: Props) -> DiffResult:
        spec = self.spec
        fields = set(spec.input_names - spec.create_only)
        if spec.id_field in fields and news.get(spec.id_field) is None and not spec.autoname:
            fields.discard(spec.id_field)  # the server chose it: nobody's input
        if olds.get(IMPORTED_KEY):
            # Imported: the recorded inputs are everything the server holds. An input the
            # program leaves to the server is not compared (as documented on the field), so
            # an import of what the program declares has nothing to do.
            fields -= {f for f in spec.server_decides if news.get(f) is None}
        changed = sorted(f for f in fields if not same(olds.get(f), news.get(f)))
        replaces = [
            f
            for f in changed
            if f in spec.replace_on_change or f == spec.id_field or f in spec.parent_fields
        ]
        kinds = {f: kind_of(olds.get(f), news.get(f)) for f in changed}
        failed = self.failed_on_server(olds)
        if failed:
            # A refresh found it failed on the server: nothing can be patched into
            # shape, so the next `up` replaces it — like a tainted resource.
            replaces.append("state")
            kinds["state"] = KIND_UPDATE
            warn(f"{self.describe(olds, None)} is {failed} on the server: the next `pulumi up` replaces it.")
        report(kinds, replaces, outputs=frozenset({"state"}))
        return DiffResult(
            changes=bool(changed) or bool(replaces),
            replaces=replaces,
            delete_before_replace=bool(replaces) and self._replacement_collides(olds, news),
        )

    def failed_on_server(self, olds: Props) -> Optional[str]:
        """Why an object a refresh recorded cannot be repaired in place (a FAILED
        deployment), or ``None``."""
        state = olds.get("state")
        return f"{state}{_status_text(olds)}" if state in self.spec.failed_states else None

    def _replacement_collides(self, olds: Props, news: Props) -> bool:
        """Whether the replacement would collide with the old object: created under the
        same id (a user-chosen id that did not change, or a derived one that comes out
        the same) or with the same value of a field the API keeps unique. Then the old
        object must be deleted first."""
        spec = self.spec
        if any(f in news and same(olds.get(f), news.get(f)) for f in spec.unique_fields):
            return True
        if spec.id_source == "server":
            return False
        new_id = news.get(spec.id_field)
        if news.get(AUTONAMED_KEY) or new_id is None:
            fresh = {k: v for k, v in news.items() if k not in (spec.id_field, AUTONAMED_KEY)}
            new_id = self.derive_id(fresh) if spec.autoname else None
        return new_id is not None and new_id == olds.get(spec.id_field)

    # -- create ------------------------------------------------------------------------

    def create(self, client: Client, props: Props) -> CreateResult:
        spec = self.spec
        object_id = props.get(spec.id_field) if spec.id_source != "server" else None
        live = self._adopt(client, props, object_id) if props.get(ADOPT) and object_id else None
        ours = live is None  # an adopted object is never deleted by a failed create
        if live is None:
            live = self._create_once(client, props, object_id)
        object_id = object_id or self.id_of(live)
        try:
            # An adopted object gets what it lacks too (an adopted model still uploading
            # gets its files); one that is complete is left as it is.
            live = self.populate(client, props, object_id, live)
            if spec.ready_states:
                live = self._wait_ready(client, props, object_id, "create" if ours else "adopt")
        except ResourceOperationError as failure:
            if ours and not self.survives(failure):
                self._clean_up(client, props, object_id, failure)
            elif ours:
                kept = self.fetch(client, props, object_id) or live
                failure.left_in_place = (object_id, self._outputs(props, object_id, kept))
            raise
        return CreateResult(object_id, self._outputs(props, object_id, live))

    def _adopt(self, client: Client, props: Props, object_id: str) -> Optional[dict[str, Any]]:
        """``adopt_existing``: the existing object, patched to match, or ``None`` if there is none."""
        live = self.fetch(client, props, object_id)
        if live is None or self.stale(live):
            return None
        self._patch_to_match(client, props, object_id, live)
        return live

    def _create_once(self, client: Client, props: Props, object_id: Optional[str]) -> dict[str, Any]:
        """POST the create; recover from lost responses without creating twice.

        Any failure that could have followed a commit (no response, a timeout, a 408,
        429 or 5xx, even a 400 or 409 from a proxy that retried a request that had
        landed) is checked before it is reported: only an object confirmed absent is
        "not created", and only then is the create tried again, with backoff.
        """
        spec = self.spec
        params = dict(self.create_query(props))
        if spec.id_source == "query":
            params[spec.id_param] = object_id
        body = self.create_body(props, object_id)
        path = spec.create_path(client.account_id, props)
        started = time.time()
        if object_id is None:
            # The server picks the id: find what an earlier, interrupted run of this
            # create made (by what it is) before making another.
            try:
                earlier = self.find_created(client, props)
            except _CannotTell:
                earlier = None
            if isinstance(earlier, dict):
                self._patch_to_match(client, props, self.id_of(earlier), earlier)
                return earlier
        failure: Optional[FireworksError] = None
        failed = throttled = 0  # attempts that failed, and those refused with 429 (a budget of their own)
        while True:
            if isinstance(failure, RateLimitError):
                # A signal to wait, not a fault (and checked like any failure before this
                # retry): as patient as any idempotent call under a rate limit.
                if throttled >= client.retry_policy.max_throttled_retries:
                    raise failure
                client.backoff(throttled, failure)
                throttled += 1
            elif failure is not None:
                if failed >= _CREATE_ATTEMPTS - 1:
                    raise failure
                client.backoff(failed, failure)
                failed += 1
            attempt = failed + throttled
            try:
                return client.request("POST", path, params=params, json=body, idempotent=False)
            except ConflictError as exc:
                failure = exc
                if object_id is None:
                    found = self._check_landed(client, props, object_id, exc)  # the server picks ids: no real conflict
                    if isinstance(found, dict):
                        return found
                    continue
                existing = self.fetch(client, props, object_id)
                if existing is not None and self.stale(existing):
                    # A soft-deleted object holds the id: this resource was deleted (a
                    # replacement under the same id, a destroy) and is being made again.
                    # The program names this id, so the dead holder is purged, not undeleted:
                    # a fresh object is exactly what a create means.
                    try:
                        self._purge(client, props, object_id)
                    except NotFoundError:
                        pass  # purged meanwhile
                    continue
                if existing is not None and self._is_ours(props, existing, attempt, started):
                    self._patch_to_match(client, props, object_id, existing)
                    return existing
                raise ResourceError(self._conflict_message(client, props, object_id, exc, existing)) from exc
            except (AuthenticationError, PermissionDeniedError):
                raise  # refused before anything was done
            except FireworksError as exc:
                failure = exc
                found = self._check_landed(client, props, object_id, exc)
                if isinstance(found, dict):
                    return found  # the create was applied; only the response was lost
                if found is not DISCARDED and not _may_succeed_later(exc):
                    raise  # confirmed: nothing was created, and trying again will not help

    def _is_ours(self, props: Props, existing: Mapping[str, Any], attempt: int, started: float) -> bool:
        """Whether an object found under the id of a create that answered 409 is ours:
        an earlier attempt of this create whose response was lost, what an interrupted
        run made under the id derived from this resource's URN, or (an explicit id) one
        that appeared while this create was under way and is exactly what it asked for.
        Anything else is someone else's, and is never taken over silently."""
        if attempt > 0 or props.get(AUTONAMED_KEY):
            return True
        try:
            created_at = parse_timestamp(str(existing.get("createTime"))).timestamp()
        except ValueError:
            return False
        return created_at >= started - _CLOCK_SKEW and not self._differing_fields(props, existing)

    def _check_landed(self, client: Client, props: Props, object_id: Optional[str], exc: FireworksError) -> Any:
        """After a create got no usable answer: the object it made, ``None`` if it
        provably made none, or :data:`DISCARDED`. Raises when that cannot be told."""
        label = self._label(props, client, object_id)
        try:
            if object_id:
                return self.fetch(client, props, object_id)
            return self.find_created(client, props)
        except _CannotTell:
            raise ResourceError(
                f"{label}: the create call got no usable answer ({api_text(exc)}); the server picks this "
                f"object's id, so whether it was created cannot be checked. Look for it before "
                f"running `pulumi up` again."
            ) from exc
        except FireworksError as check_error:
            raise ResourceError(
                f"{label}: the create call got no usable answer ({api_text(exc)}) and checking whether it "
                f"was applied failed too ({api_text(check_error)}). It may exist: " + self._adopt_hint(props, object_id)
            ) from exc

    def _adopt_hint(self, props: Props, object_id: Optional[str]) -> str:
        if props.get(AUTONAMED_KEY) or (object_id is None and type(self).find_created is not ResourceEngine.find_created):
            return "run `pulumi up` again: what it made is found and taken over, not duplicated."
        if object_id and ADOPT in self.spec.inputs_model.model_fields:
            return f"if it does, take it over with {self.spec.id_field}={object_id!r} and {ADOPT}=True."
        return "check before running `pulumi up` again."

    def _conflict_message(
        self,
        client: Client,
        props: Props,
        object_id: Optional[str],
        exc: ConflictError,
        existing: Optional[Mapping[str, Any]],
    ) -> str:
        spec = self.spec
        label = self.describe(props, client, object_id)
        noun = spec.type_name.lower()
        if existing is None:
            # Nothing holds the id: the clash is on a field the account keeps unique
            # (a user's e-mail), which the API's message names.
            unique = f" ({', '.join(sorted(spec.unique_fields))} must be unique in the account)" if spec.unique_fields else ""
            return (
                f"{label}: create failed: another {noun} conflicts with this one{unique}: {exc.message}. "
                f"The id {object_id!r} is free; change the conflicting input, or manage that existing {noun} instead."
            )
        if ADOPT in spec.inputs_model.model_fields:
            todo = f"To manage it with this stack, set {ADOPT}=True (for one `up`, or for good); otherwise choose another {spec.id_field}."
        else:
            todo = f"Choose another {spec.id_field}, or delete the existing {noun} first."
        return f"{label}: a {noun} with {spec.id_field} {object_id!r} already exists, made outside this stack or by an interrupted run (API: {exc.message}). {todo}"

    def _differing_fields(self, props: Props, live: Mapping[str, Any]) -> list[str]:
        """Inputs an existing object does not already satisfy (write-only inputs cannot be
        compared, so they always count as differing)."""
        spec = self.spec
        current = self.snake(live)
        differing = [
            f
            for f in spec.api_inputs
            if f in props
            and (f in spec.write_only or not satisfies(f, props[f], current.get(f), self.equivalent, self.map_fields, spec.may_be_dropped))
        ]
        differing += [f for f in spec.unset_defaults if is_zero(props.get(f)) and self._drifted_from_default(f, current)]
        return sorted(set(differing))

    def _drifted_from_default(self, field: str, current: Mapping[str, Any]) -> bool:
        """Whether an input left unset, whose default is managed, holds something else."""
        default = self.spec.unset_defaults[field]
        return not satisfies(field, default, current.get(field), self.equivalent, self.map_fields, self.spec.may_be_dropped)

    def _patch_to_match(self, client: Client, props: Props, object_id: str, live: Mapping[str, Any]) -> None:
        """PATCH whatever an existing object does not already satisfy."""
        differing = self._differing_fields(props, live)
        if differing and not self.spec.updatable:
            # Write-only inputs cannot be compared; an object without updates keeps them as made.
            differing = [f for f in differing if f not in self.spec.write_only]
            if differing:
                raise ResourceError(
                    f"{self._label(props, client, object_id)} already exists with other {', '.join(differing)}, and "
                    f"a {self.spec.noun} cannot be changed: delete it, or give this resource another id."
                )
            return
        if differing:
            self._patch(client, props, object_id, differing)

    def _purge(self, client: Client, props: Props, object_id: str) -> None:
        self.send_delete(client, props, object_id, self.cleanup_query(props))
        self._wait_gone(client, props, object_id, hard=True, at_least=_CLEANUP_MIN_WAIT)

    # -- read ----------------------------------------------------------------------------

    def read(self, client: Client, id_: str, props: Props) -> ReadResult:
        spec = self.spec
        refreshing = any(props.get(f) is not None for f in spec.api_inputs | spec.server_view)
        live = self.fetch(client, props, id_)
        if live is None or live.get("state") in spec.gone_states:
            if not refreshing:
                raise NotFoundError(
                    status=404,
                    code="NOT_FOUND",
                    message=f"no {spec.type_name.lower()} with id {id_!r} in account {client.account_id}",
                    method="GET",
                    url=spec.object_path(client.account_id, props, id_),
                )
            return ReadResult(id_="", outs={})  # deleted behind Pulumi's back: drop it from state
        current = self.snake(live)
        if refreshing:
            # Keep the user's spelling where the server still satisfies it; take the
            # server's value where it does not, so the next `up` shows and repairs it.
            inputs = {k: v for k, v in props.items() if k not in spec.output_names}
            for field in spec.api_inputs - spec.write_only - spec.refresh_keeps:
                if is_zero(props.get(field)):
                    # Unset, or zero, which the API does not tell apart from unset (0 replicas
                    # is "the default"); an explicit zero stays as written. It means the API's
                    # default where that is managed: anything else (made public in the web
                    # UI) is drift, recorded so that the next `up` shows it and puts the
                    # default back.
                    if field in spec.unset_defaults and self._drifted_from_default(field, current):
                        inputs[field] = current.get(field)
                    continue
                value = project(field, props[field], current.get(field), self.equivalent, self.map_fields, self.spec.may_be_dropped)
                if is_zero(value):
                    inputs.pop(field, None)  # cleared elsewhere
                else:
                    inputs[field] = value
            # What check records with the inputs (the name, what follows from it), so
            # that the next diff does not show them as added.
            inputs.update(self.preview_outputs(inputs, client.account_id))
        else:
            # Resource.get(): everything the server holds becomes the inputs.
            inputs = {f: current[f] for f in spec.api_inputs if not is_zero(current.get(f))}
            if spec.id_source != "server":
                inputs[spec.id_field] = id_
            inputs.update({f: props[f] for f in spec.parent_fields if props.get(f) is not None})
            if props.get(NAME_KEY):
                inputs[NAME_KEY] = props[NAME_KEY]
            inputs[IMPORTED_KEY] = True
        return ReadResult(id_=id_, outs=self._outputs(inputs, id_, live, previous=props), inputs=inputs)

    # -- update --------------------------------------------------------------------------

    def update(self, client: Client, id_: str, olds: Props, news: Props) -> UpdateResult:
        spec = self.spec
        changed = sorted(f for f in spec.api_inputs if not same(olds.get(f), news.get(f)))
        if changed:
            self._patch(client, news, id_, changed)
            live = self._wait_ready(client, news, id_, "update")
        else:
            live = self.fetch(client, news, id_) or {}
        return UpdateResult(outs=self._outputs(news, id_, live, previous=olds))

    def _patch(self, client: Client, props: Props, object_id: str, fields: list[str]) -> None:
        """PATCH ``fields`` to what ``props`` asks for (an update, or an adopted object
        brought in line), as :meth:`update_plan` spells it out."""
        props, fields = self.update_plan(props, fields)
        client.request(
            "PATCH",
            self.spec.object_path(client.account_id, props, object_id),
            params={"updateMask": ",".join(fields), **self.update_query(props)},
            json=self.update_body(props),
        )

    # -- delete --------------------------------------------------------------------------

    def delete(self, client: Client, id_: str, props: Props) -> None:
        try:
            self.send_delete(client, props, id_, self.delete_query(props))
        except NotFoundError:
            return
        self._wait_gone(client, props, id_)

    def _clean_up(self, client: Client, props: Props, object_id: str, failure: Exception) -> None:
        """Delete what a failed create made, so the failure leaves nothing behind."""
        try:
            self._purge(client, props, object_id)
        except NotFoundError:
            return
        except FireworksError as cleanup_error:
            where = self.spec.object_path(client.account_id, props, object_id)
            raise ResourceError(
                f"{failure}\nCleaning up also failed, so {where} may still exist and cost money: "
                f"delete it by hand. Cleanup error: {cleanup_error}"
            ) from failure

    # -- waits ---------------------------------------------------------------------------

    def _wait_ready(self, client: Client, props: Props, object_id: str, action: str) -> dict[str, Any]:
        ready = self.ready_states(props)
        if not ready:
            return self.fetch(client, props, object_id) or {}
        label = self._label(props, client, object_id)

        def done(obj: Optional[dict[str, Any]]) -> bool:
            if obj is None:
                raise ResourceFailedError(f"{label} disappeared during {action}.")
            problem = self.failure_reported(obj)
            if problem:
                raise ResourceFailedError(f"{label} {action} failed: {problem}.{self.failure_details(client, props, object_id)}")
            return obj.get("state") in ready

        def describe(obj: Optional[dict[str, Any]]) -> str:
            state = (obj or {}).get("state", "unknown")
            return (
                f"{label} {action} did not finish within {timeout:g}s (still {state}"
                f"{_status_text(obj or {})}, waiting for {' or '.join(sorted(ready))}). "
                f"{self.timeout_advice(props)}"
            )

        timeout = self._timeout(props)
        result = poll(lambda: self.fetch(client, props, object_id), done, timeout=timeout, describe=describe)
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
            lambda: self.fetch(client, props, object_id),
            gone,
            timeout=timeout,
            describe=lambda obj: f"{label} was not deleted within {timeout:g}s (state {(obj or {}).get('state')}).",
        )

    def _timeout(self, props: Props) -> float:
        value = props.get(WAIT_TIMEOUT)
        if value is None or is_unknown(value):
            return self.spec.default_wait_timeout
        return float(_durations.parse_seconds(value))

    # -- shapes of data ------------------------------------------------------------------------

    def wire_body(self, props: Mapping[str, Any], fields: Any) -> dict[str, Any]:
        """The wire (camelCase) form of the given input fields that are set."""
        selected = {f: props[f] for f in fields if props.get(f) is not None}
        return self.spec.wire_model.model_validate(selected).to_wire()

    def snake(self, live: Mapping[str, Any]) -> dict[str, Any]:
        """A live object with snake_case keys, as inputs and outputs spell them."""
        return self.spec.wire_model.model_validate(live).model_dump(mode="json", exclude_none=True, by_alias=False)

    def _outputs(
        self, inputs: Props, object_id: str, live: Mapping[str, Any], previous: Optional[Props] = None
    ) -> dict[str, Any]:
        spec = self.spec
        current = self.snake(live) if live else {}
        outs = dict(inputs)
        for name in spec.server_view:
            outs[name] = current.get(name)
        for name in spec.returned_once:
            if is_zero(outs.get(name)) and previous:
                outs[name] = previous.get(name)  # the API showed it once; keep it for good
        outs[spec.id_field] = object_id
        outs.update(self.computed_outputs(inputs, live))
        return outs

    def _id_seed(self, props: Mapping[str, Any]) -> str:
        """What a derived id is a function of: the resource's URN and the inputs whose
        change replaces it (so a replacement gets an id of its own)."""
        spec = self.spec
        parts = [str(props.get(URN_KEY) or props.get(NAME_KEY) or "")]
        # Never a credential: an id is public, and a hash of a secret would let anyone test guesses.
        seeded = (spec.replace_on_change | set(spec.parent_fields)) - set(spec.secret_outputs)
        parts += [f"{f}={props.get(f)!r}" for f in sorted(seeded)]
        return "\n".join(parts)

    def _label(self, props: Props, client: Client, object_id: Any = None) -> str:
        return self.describe(props, client, object_id)

    def describe(self, props: Mapping[str, Any], client: Optional[Client], object_id: Any = None) -> str:
        """``fireworks:Deployment 'chat' (accounts/acme/deployments/chat-1a2b3c)``: how
        messages name a resource (the path only when the account is already known)."""
        spec = self.spec
        object_id = object_id or props.get(spec.id_field)
        where = ""
        account = client.known_account_id if client is not None else None
        if object_id and account:
            where = spec.object_path(account, props, str(object_id)).removeprefix("/v1/")
        name = props.get(NAME_KEY)
        head = f"fireworks:{spec.type_name} {name!r}" if name else f"fireworks:{spec.type_name}"
        return f"{head} ({where})" if where else (f"{head} {object_id}" if object_id and not name else head)


def _may_succeed_later(exc: FireworksError) -> bool:
    """Failures worth another create attempt once the object is confirmed absent."""
    if isinstance(exc, (APIConnectionError, InternalServerError, RateLimitError)):
        return True
    return isinstance(exc, APIStatusError) and exc.status == 408


class _CannotTell(FireworksError):
    """Whether a create whose response was lost made anything cannot be told."""


def _has_error(obj: Mapping[str, Any], spec: ResourceSpec) -> bool:
    """Objects without a FAILED state (LoRA loads, users) report a failure as an error
    code in ``status``."""
    if spec.failed_states:
        return False
    status = obj.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    return bool(code) and code not in ("OK", "CODE_UNSPECIFIED")


def _status_text(obj: Mapping[str, Any]) -> str:
    status = obj.get("status") or {}
    message = status.get("message") if isinstance(status, dict) else None
    return f": {message}" if message else ""
