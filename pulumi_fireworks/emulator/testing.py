"""Test helpers: serve the emulator on a real loopback port in a background thread.

::

    with running_emulator() as emu:
        client = Fireworks(api_key=emu.api_key, account_id=emu.account_id, base_url=emu.url)
        emu.admin.add_fault(method="POST", path="/v1/accounts/*/deployments", times=1,
                            action={"type": "error", "status": 503})
        ...
        emu.admin.reset()

Readiness is an event set by uvicorn's startup (no sleeping, no polling of the port).
Everything in :class:`AdminClient` is a thin call of the admin API (:mod:`.admin`).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

import httpx

from .._tls import tls_context
from .app import Emulator, create_app
from .config import DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, SWITCHES, EmulatorConfig
from .server import Server, bind

STARTUP_TIMEOUT = 30.0


class AdminClient:
    """httpx client of ``/emulator/v1``; methods return the decoded JSON and raise
    :class:`httpx.HTTPStatusError` on errors."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url.rstrip("/") + "/emulator/v1", timeout=30, verify=tls_context())

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        response = self.http.request(method, path, json=json, params=params or None)
        response.raise_for_status()
        return response.json()

    # state
    def reset(self) -> None:
        self._call("POST", "/reset")

    def advance_clock(self, seconds: float) -> float:
        return float(self._call("POST", "/clock:advance", {"seconds": seconds})["offset"])

    # behaviour
    def behaviour(self) -> dict[str, Any]:
        return dict(self._call("GET", "/behaviour"))

    def set_behaviour(
        self,
        *,
        profile: Optional[str] = None,
        emit_zero_values: Optional[bool] = None,
        missing_secret_status: Optional[int] = None,
        upload_landing_checks: Optional[int] = None,
        user_delete_route: Optional[str] = None,
        drop_newer_fields: Optional[bool] = None,
        resign_forgets_uploads: Optional[bool] = None,
        ignore_secret_update_mask: Optional[bool] = None,
        proto_immutable_fields: Optional[bool] = None,
        failed_loads_unspecified: Optional[bool] = None,
        job_output_model_full_name: Optional[bool] = None,
    ) -> dict[str, Any]:
        """PATCH the behaviour switches given (``profile`` first, the others over it; see
        :mod:`.config`); returns every switch plus ``profile``."""
        given = {
            "emit_zero_values": emit_zero_values,
            "missing_secret_status": missing_secret_status,
            "upload_landing_checks": upload_landing_checks,
            "user_delete_route": user_delete_route,
            "drop_newer_fields": drop_newer_fields,
            "resign_forgets_uploads": resign_forgets_uploads,
            "ignore_secret_update_mask": ignore_secret_update_mask,
            "proto_immutable_fields": proto_immutable_fields,
            "failed_loads_unspecified": failed_loads_unspecified,
            "job_output_model_full_name": job_output_model_full_name,
        }
        patch: dict[str, Any] = {s.key: given[s.attr] for s in SWITCHES if given[s.attr] is not None}
        if profile is not None:
            patch["profile"] = profile
        return dict(self._call("PATCH", "/behaviour", patch))

    # request log
    def requests(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/requests")["requests"])

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    # faults
    def add_fault(self, *, action: dict[str, Any], method: str = "*", path: Optional[str] = None,
                  path_regex: Optional[str] = None, probability: float = 1.0, times: Optional[int] = None,
                  seed: Optional[int] = None) -> dict[str, Any]:
        rule: dict[str, Any] = {"action": action, "method": method, "probability": probability}
        for key, value in (("path", path), ("pathRegex", path_regex), ("times", times), ("seed", seed)):
            if value is not None:
                rule[key] = value
        return dict(self._call("POST", "/faults", rule))

    def faults(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/faults")["faults"])

    def remove_fault(self, rule_id: str) -> None:
        self._call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # lifecycle
    def lifecycle(self) -> dict[str, Any]:
        return dict(self._call("GET", "/lifecycle"))

    def set_lifecycle_default(self, *, timing: Union[str, dict[str, float]] = "instant", outcome: str = "READY",
                              message: Optional[str] = None) -> dict[str, Any]:
        body: dict[str, Any] = {"timing": timing, "outcome": outcome}
        if message is not None:
            body["message"] = message
        return dict(self._call("PUT", "/lifecycle/default", body))

    def add_lifecycle_rule(self, *, timing: Union[str, dict[str, float]] = "instant", outcome: str = "READY",
                           collection: Optional[str] = None, name: Optional[str] = None,
                           name_regex: Optional[str] = None, states: Optional[list[str]] = None,
                           message: Optional[str] = None, status_code: Optional[str] = None) -> dict[str, Any]:
        body: dict[str, Any] = {"timing": timing, "outcome": outcome}
        for key, value in (("collection", collection), ("name", name), ("nameRegex", name_regex),
                           ("states", states), ("message", message), ("statusCode", status_code)):
            if value is not None:
                body[key] = value
        return dict(self._call("POST", "/lifecycle/rules", body))

    def remove_lifecycle_rule(self, rule_id: str) -> None:
        self._call("DELETE", f"/lifecycle/rules/{rule_id}")

    def clear_lifecycle_rules(self) -> None:
        self._call("DELETE", "/lifecycle/rules")

    # fine-tuning jobs, by resource name ("accounts/a/supervisedFineTuningJobs/j")
    def finish_job(self, name: str) -> dict[str, Any]:
        """Complete a job under way at once (also one held by a STUCK rule), writing its
        output model; returns the stored job."""
        return dict(self._call("POST", f"/{name}:finish", {}))

    def fail_job(self, name: str, message: str) -> dict[str, Any]:
        """Fail a job under way at once with ``message`` in its ``status``; returns the stored job."""
        return dict(self._call("POST", f"/{name}:fail", {"message": message}))

    # evaluator builds, by resource name ("accounts/a/evaluators/e")
    def fail_build(self, name: str, message: str) -> dict[str, Any]:
        """Fail evaluator ``name``'s build at once (``BUILD_FAILED``, ``status {code: INTERNAL,
        message}``), whatever its state or code; returns the stored evaluator."""
        return dict(self._call("POST", f"/{name}:fail", {"message": message}))

    def finish_build(self, name: str) -> dict[str, Any]:
        """Settle evaluator ``name``'s build under way at once with its real result (ACTIVE,
        or BUILD_FAILED for bad code; also a build a STUCK rule holds); returns the stored evaluator."""
        return dict(self._call("POST", f"/{name}:finish", {}))

    # accounts and keys
    def add_account(self, account_id: str, *, display_name: Optional[str] = None,
                    email: Optional[str] = None) -> dict[str, Any]:
        body = {"accountId": account_id, "displayName": display_name, "email": email}
        return dict(self._call("POST", "/accounts", {k: v for k, v in body.items() if v is not None}))

    def add_key(self, account_id: str, key: Optional[str] = None, *, label: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"accountId": account_id, "label": label}
        if key is not None:
            body["key"] = key
        return dict(self._call("POST", "/keys", body))

    def keys(self) -> list[dict[str, Any]]:
        """Registered keys (ids, accounts, revoked flags; never the key values)."""
        return list(self._call("GET", "/keys")["keys"])

    def revoke_key(self, key_id: str) -> None:
        self._call("DELETE", f"/keys/{key_id}")

    # out-of-band edits, by resource name ("accounts/a/deployments/d")
    def get_resource(self, name: str, *, record: bool = False) -> dict[str, Any]:
        return dict(self._call("GET", "/" + name, **({"view": "record"} if record else {})))

    def put_resource(self, name: str, doc: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("PUT", "/" + name, doc))

    def patch_resource(self, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("PATCH", "/" + name, patch))

    def delete_resource(self, name: str) -> None:
        """Remove ``name`` for good, out of band (a user goes with its API keys, as
        firectl's ``delete user`` does)."""
        self._call("DELETE", "/" + name)


@dataclass
class RunningEmulator:
    url: str
    api_key: str
    account_id: str
    admin: AdminClient
    app: Emulator

    def client(self, **kwargs: Any) -> httpx.Client:
        """A new httpx client of the REST API, authenticated as the account's key, for
        tests that look at what the emulator holds the way a user would. It shares the
        process's TLS context: building one per client costs more than the requests."""
        headers = {"Authorization": f"Bearer {self.api_key}", **kwargs.pop("headers", {})}
        return httpx.Client(base_url=kwargs.pop("base_url", self.url), headers=headers, verify=tls_context(), **kwargs)

    def env(self) -> dict[str, str]:
        """Environment variables that point the official SDK (and the provider) here."""
        return {
            "FIREWORKS_BASE_URL": self.url,
            "FIREWORKS_API_KEY": self.api_key,
            "FIREWORKS_ACCOUNT_ID": self.account_id,
        }


@contextlib.contextmanager
def running_emulator(
    *,
    db: str = ":memory:",
    api_key: str = DEFAULT_API_KEY,
    account_id: str = DEFAULT_ACCOUNT_ID,
    transition: Union[str, float] = "instant",
    port: int = 0,
    profile: str = "default",
) -> Iterator[RunningEmulator]:
    """Serve a fresh emulator on ``127.0.0.1:<port>`` (0 = a free port) for the block,
    with the behaviour ``profile`` (``reset`` returns to it)."""
    config = EmulatorConfig(db=db, api_key=api_key, account_id=account_id, transition=transition, profile=profile)
    app = create_app(config)
    server = Server(app, bind(port))
    thread = threading.Thread(target=server.serve_forever, name="fireworks-emulator", daemon=True)
    thread.start()
    if not server.ready.wait(STARTUP_TIMEOUT) or not server.started:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
        app.store.close()
        raise RuntimeError("the Fireworks emulator did not start")
    admin = AdminClient(server.url)
    try:
        yield RunningEmulator(server.url, api_key, account_id, admin, app)
    finally:
        admin.close()
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
        app.store.close()
