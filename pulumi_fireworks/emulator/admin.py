"""The admin API under ``/emulator/v1/`` (no Fireworks auth; loopback clients only).

State::

    POST   /emulator/v1/reset                      -> {}   fresh state (seeds + configured key)
    GET    /emulator/v1/config                     -> {accountId, db, transition}
    POST   /emulator/v1/clock:advance {"seconds": s} -> {"offset": total}  (timed transitions)

Behaviour (answers where the public sources leave the real gateway open; ``reset``
restores the configured ones; each switch is documented in :mod:`.config`)::

    GET    /emulator/v1/behaviour                  -> every switch below, plus "profile":
                                                      "default" | "pessimistic" | "custom"
    PATCH  /emulator/v1/behaviour {
             "profile"?: "default" | "pessimistic",   all switches at once; applied first
             "emitZeroValues"?: bool,                 spell out zero values in responses
             "missingSecretStatus"?: 404 | 500,       Get/Delete of a missing secret
             "uploadLandingChecks"?: int >= 0,        :validateUpload answers FAILED_PRECONDITION
                                                      that often after a PUT/getUploadEndpoint
             "userDeleteRoute"?: "present" | "404" | "405" | "501",
                                                      DELETE .../users/{id} served, or answered
                                                      like a gateway without the route
             "dropNewerFields"?: bool,                fields SDK 1.2.30 lacks: dropped in
                                                      requests and responses; no role "custom"
             "resignForgetsUploads"?: bool,           a model's getUploadEndpoint forgets uploads
             "ignoreSecretUpdateMask"?: bool,         PATCH of a secret replaces, mask ignored
             "protoImmutableFields"?: bool,           the protos' IMMUTABLE fields refuse changes
             "failedLoadsUnspecified"?: bool,         a failed LoRA load reports STATE_UNSPECIFIED
             "jobOutputModelFullName"?: bool          a job's outputModel answered as accounts/<a>/models/<id>
           }                                       -> the GET view; 400 (nothing changed) on an
                                                      unknown key or a bad value

    Profiles: "default" is every switch off (404, 0, "present"); "pessimistic" is
    emitZeroValues true, missingSecretStatus 500, uploadLandingChecks 3, userDeleteRoute
    "404" and every boolean true. Keys next to "profile" apply after it, e.g.
    {"profile": "pessimistic", "userDeleteRoute": "405"}.

Request log (never keys, headers or bodies)::

    GET    /emulator/v1/requests                   -> {"requests": [entry...]}
    DELETE /emulator/v1/requests                   -> {}

Fault rules (see :mod:`.faults` for the rule and action shapes; they also reach the PUTs
to signed upload URLs, as ``PUT /emulator/uploads/<resource name>/<file name>``)::

    POST   /emulator/v1/faults  {rule}             -> rule with "id"
    GET    /emulator/v1/faults                     -> {"faults": [rule...]}
    DELETE /emulator/v1/faults                     -> {}   (all)
    DELETE /emulator/v1/faults/{id}                -> {}

Lifecycle (see :mod:`.lifecycle`; timing "instant" | {"reads": N} | {"seconds": S},
outcome "READY" | "FAILED" | "STUCK")::

    GET    /emulator/v1/lifecycle                  -> {"default": policy, "rules": [rule...]}
    PUT    /emulator/v1/lifecycle/default {"timing", "outcome", "message", "statusCode"}
    POST   /emulator/v1/lifecycle/rules {"collection"?, "name"? (glob) | "nameRegex"?,
           "states"?: [...], "timing", "outcome", "message"?, "statusCode"?} -> rule with "id"
    DELETE /emulator/v1/lifecycle/rules            -> {}   (all)
    DELETE /emulator/v1/lifecycle/rules/{id}       -> {}

Accounts and keys::

    GET    /emulator/v1/accounts                   -> {"accounts": [account doc...]}
    POST   /emulator/v1/accounts {"accountId", "displayName"?, "email"?} -> account doc
    GET    /emulator/v1/keys                       -> {"keys": [{keyId, account, revoked, label}]}
    POST   /emulator/v1/keys {"accountId", "key"?, "label"?} -> {keyId, accountId, key}
    DELETE /emulator/v1/keys/{keyId}               -> {}   (revoke)

Out-of-band edits (the web UI or firectl behind the provider's back), by resource name::

    GET    /emulator/v1/<name>[?view=record]       -> stored doc, no lifecycle tick
                                                      (record view: {name, doc, meta, deleted})
    PUT    /emulator/v1/<name> {doc}               -> doc   create or replace the raw doc
    PATCH  /emulator/v1/<name> {merge patch}       -> doc   RFC 7386 merge into the doc;
           setting "state" cancels a pending transition; updateTime is bumped unless given
    DELETE /emulator/v1/<name>                     -> {}   remove it for good, with what the
                                                      service removes along: a user's API keys
                                                      are deleted and revoked (firectl's
                                                      ``delete user``; see the users handler)

Fine-tuning jobs (``supervisedFineTuningJobs``, ``dpoJobs``, ``reinforcementFineTuningJobs``;
see :mod:`.handlers.training_jobs`), a job under way (not ended, not cancelling; else 400
FAILED_PRECONDITION; unknown: 404)::

    POST   /emulator/v1/<job name>:finish          -> job doc   COMPLETED now, its output model
                                                      written (ends a job a STUCK rule holds)
    POST   /emulator/v1/<job name>:fail {"message"} -> job doc  JOB_STATE_FAILED now, with
                                                      status {code: INTERNAL, message}

Evaluator builds (see :mod:`.handlers.evaluators`; unknown evaluator: 404)::

    POST   /emulator/v1/<evaluator name>:fail {"message"} -> doc  BUILD_FAILED now, with status
                                                      {code: INTERNAL, message}, from any state
    POST   /emulator/v1/<evaluator name>:finish    -> doc   a build under way settles now with
                                                      its real result (ACTIVE, or BUILD_FAILED for
                                                      bad code); no build under way: 400

Errors use the API error format; bad admin input is 400.
"""

from __future__ import annotations

import ipaddress
import secrets
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .errors import ApiError, Code
from .handlers.evaluators import Evaluators
from .handlers.training_jobs import TrainingJobs
from .lifecycle import Policy
from .seed import account_doc
from .store import Record, split_name
from .validation import check_id, rfc3339

if TYPE_CHECKING:
    from .app import Emulator

PREFIX = "/emulator/v1"


def _error(status: int, message: str) -> JSONResponse:
    code = {400: Code.INVALID_ARGUMENT, 403: Code.PERMISSION_DENIED, 404: Code.NOT_FOUND}.get(status, Code.INTERNAL)
    return JSONResponse(ApiError(code, message, status=status).body(), status_code=status)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def create_admin_app(emulator: "Emulator") -> FastAPI:
    app = FastAPI(title="Fireworks emulator admin", docs_url=None, redoc_url=None, openapi_url=None)
    store, lifecycle = emulator.store, emulator.lifecycle

    @app.middleware("http")
    async def loopback_only(request: Request, call_next: Any) -> Any:
        host = request.client.host if request.client else "127.0.0.1"
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host in ("localhost", "testclient")
        if not loopback:
            return _error(403, "the admin API only answers loopback clients")
        try:
            return await call_next(request)
        except ValueError as exc:
            return _error(400, str(exc))

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return _error(404, "Not Found")

    @app.exception_handler(ValueError)
    async def bad_input(request: Request, exc: ValueError) -> JSONResponse:
        return _error(400, str(exc))

    async def body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            return {}
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data

    # -- state --------------------------------------------------------------------------

    @app.post(PREFIX + "/reset")
    async def reset() -> dict[str, Any]:
        emulator.reset()
        return {}

    @app.get(PREFIX + "/config")
    async def config() -> dict[str, Any]:
        return {
            "accountId": emulator.config.account_id,
            "db": emulator.config.db,
            "transition": lifecycle.default.timing.to_json(),
        }

    @app.post(PREFIX + "/clock:advance")
    async def advance_clock(request: Request) -> dict[str, Any]:
        seconds = float((await body(request)).get("seconds", 0))
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        return {"offset": lifecycle.clock.advance(seconds)}

    @app.get(PREFIX + "/behaviour")
    async def get_behaviour() -> dict[str, Any]:
        return emulator.behaviour.to_json()

    @app.patch(PREFIX + "/behaviour")
    async def set_behaviour(request: Request) -> dict[str, Any]:
        emulator.behaviour.update(await body(request))
        return emulator.behaviour.to_json()

    # -- request log --------------------------------------------------------------------

    @app.get(PREFIX + "/requests")
    async def requests() -> dict[str, Any]:
        return {"requests": emulator.requests.entries()}

    @app.delete(PREFIX + "/requests")
    async def clear_requests() -> dict[str, Any]:
        emulator.requests.clear()
        return {}

    # -- faults -------------------------------------------------------------------------

    @app.post(PREFIX + "/faults")
    async def add_fault(request: Request) -> dict[str, Any]:
        return emulator.faults.add(await body(request)).to_json()

    @app.get(PREFIX + "/faults")
    async def faults() -> dict[str, Any]:
        return {"faults": [r.to_json() for r in emulator.faults.rules()]}

    @app.delete(PREFIX + "/faults")
    async def clear_faults() -> dict[str, Any]:
        emulator.faults.clear()
        return {}

    @app.delete(PREFIX + "/faults/{rule_id}")
    async def remove_fault(rule_id: str) -> Any:
        return {} if emulator.faults.remove(rule_id) else _error(404, f"no fault rule {rule_id}")

    # -- lifecycle ----------------------------------------------------------------------

    @app.get(PREFIX + "/lifecycle")
    async def get_lifecycle() -> dict[str, Any]:
        return {"default": lifecycle.default.to_json(), "rules": [r.to_json() for r in lifecycle.rules()]}

    @app.put(PREFIX + "/lifecycle/default")
    async def set_default(request: Request) -> dict[str, Any]:
        lifecycle.default = Policy.parse(await body(request))
        return lifecycle.default.to_json()

    @app.post(PREFIX + "/lifecycle/rules")
    async def add_rule(request: Request) -> dict[str, Any]:
        return lifecycle.add_rule(await body(request)).to_json()

    @app.delete(PREFIX + "/lifecycle/rules")
    async def clear_rules() -> dict[str, Any]:
        lifecycle.clear_rules()
        return {}

    @app.delete(PREFIX + "/lifecycle/rules/{rule_id}")
    async def remove_rule(rule_id: str) -> Any:
        return {} if lifecycle.remove_rule(rule_id) else _error(404, f"no lifecycle rule {rule_id}")

    # -- accounts and keys ----------------------------------------------------------------

    @app.get(PREFIX + "/accounts")
    async def accounts() -> dict[str, Any]:
        return {"accounts": [r.doc for r in store.list("", "accounts")]}

    @app.post(PREFIX + "/accounts")
    async def add_account(request: Request) -> Any:
        data = await body(request)
        account_id = str(data.get("accountId", ""))
        check_id("account_id", account_id)
        name = f"accounts/{account_id}"
        with store.transaction():
            if store.get(name) is None:
                doc = account_doc(account_id, display_name=data.get("displayName"), email=data.get("email"),
                                  created=rfc3339(lifecycle.clock.now()))
                store.insert(Record(name, doc))
            return store.get(name).doc  # type: ignore[union-attr]

    @app.get(PREFIX + "/keys")
    async def keys() -> dict[str, Any]:
        return {"keys": [{"keyId": c.key_id, "account": c.account, "revoked": c.revoked, "label": c.label}
                         for c in store.credentials()]}

    @app.post(PREFIX + "/keys")
    async def add_key(request: Request) -> Any:
        data = await body(request)
        account_id = str(data.get("accountId", ""))
        if store.get(f"accounts/{account_id}") is None:
            return _error(404, f"no account {account_id!r}: add it first (POST {PREFIX}/accounts)")
        key = str(data.get("key") or "fw-" + secrets.token_urlsafe(24))
        credential = store.add_credential(account_id, key, label=str(data.get("label", "")))
        return {"keyId": credential.key_id, "accountId": account_id, "key": key}

    @app.delete(PREFIX + "/keys/{key_id}")
    async def revoke_key(key_id: str) -> Any:
        return {} if store.revoke_credential(key_id) else _error(404, f"no key {key_id}")

    # -- out-of-band resource edits -------------------------------------------------------

    def resource_name(path: str) -> str:
        name = "accounts/" + path
        split_name(name)  # ValueError -> 400
        return name

    @app.get(PREFIX + "/accounts/{path:path}")
    async def raw_get(path: str, view: str = "doc") -> Any:
        record = store.get(resource_name(path))
        if record is None:
            return _error(404, f"no resource accounts/{path}")
        if view == "record":
            return {"name": record.name, "doc": record.doc, "meta": record.meta, "deleted": record.deleted}
        return record.doc

    @app.put(PREFIX + "/accounts/{path:path}")
    async def raw_put(path: str, request: Request) -> Any:
        name = resource_name(path)
        doc = {**(await body(request)), "name": name}
        deleted = doc.get("state") == "DELETED"
        store.put(Record(name, doc, {}, deleted))
        return doc

    @app.patch(PREFIX + "/accounts/{path:path}")
    async def raw_patch(path: str, request: Request) -> Any:
        name = resource_name(path)
        patch = await body(request)
        with store.transaction():
            record = store.get(name)
            if record is None:
                return _error(404, f"no resource {name}")
            record.doc = merge_patch(record.doc, patch)
            record.doc["name"] = name
            if "updateTime" not in patch:
                record.doc["updateTime"] = rfc3339(lifecycle.clock.now())
            if "state" in patch:
                lifecycle.cancel(record)
                record.deleted = record.doc.get("state") == "DELETED"
            store.put(record)
        return record.doc

    @app.post(PREFIX + "/accounts/{path:path}")
    async def steer(path: str, request: Request) -> Any:
        name, sep, verb = ("accounts/" + path).rpartition(":")
        if not sep or verb not in ("finish", "fail"):
            return _error(404, "Not Found: POST serves <job or evaluator name>:finish and :fail")
        split_name(name)  # ValueError -> 400
        target = emulator.backend.collection(name)
        if not isinstance(target, (TrainingJobs, Evaluators)):
            return _error(400, f"{name} is not a fine-tuning job or an evaluator")
        message = None
        if verb == "fail":
            what = "job" if isinstance(target, TrainingJobs) else "build"
            message = str((await body(request)).get("message") or f"{what} failed (emulated failure)")
        try:
            return target.steer(emulator.backend, name, fail=message)
        except ApiError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)

    @app.delete(PREFIX + "/accounts/{path:path}")
    async def raw_delete(path: str) -> Any:
        name = resource_name(path)
        collection = emulator.backend.collection(name)
        removed = collection.remove(store, name) if collection is not None else store.delete(name)
        return {} if removed else _error(404, f"no resource {name}")

    return app
