"""The ASGI application: :func:`create_app` builds an :class:`Emulator`.

Request path of an API call (``/v1/...``), all in :meth:`Emulator.__call__`:

1. read the body; 2. fault rules (:mod:`.faults`) may delay, fail or drop it (also the PUTs to signed
upload URLs, matched as ``/emulator/uploads/<resource name>/<file name>``);
3. match the route table (:mod:`.routing`, rows from :mod:`.handlers`); unknown routes
   are 404 in the API error format; 4. authenticate (:mod:`.auth`) routes that need it;
5. run the handler (sync; the store serialises writes); 6. answer JSON, or the API
   error format for an :class:`~.errors.ApiError`; 7. log the request (:mod:`.requestlog`).

``/emulator/v1/...`` goes to the admin API (:mod:`.admin`, a FastAPI app); the signed URLs
the emulator hands out are served without an API key: ``/emulator/uploads/...``
(:mod:`.uploads`, PUTs of uploaded files) and ``/emulator/buildlogs/...`` (:mod:`.buildlogs`,
GETs of evaluators' build logs).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Optional
from urllib.parse import parse_qsl

from . import buildlogs, handlers, seed, uploads
from .auth import authenticate
from .backend import Backend
from .config import Behaviour, EmulatorConfig
from .errors import ApiError, Code
from .faults import FaultRule, FaultTable
from .lifecycle import Clock, Lifecycle, Policy, Timing
from .requestlog import RequestLog, redact_query
from .routing import Request, Response, Router
from .rules.uploads import UploadRejected
from .store import Store

log = logging.getLogger("pulumi_fireworks.emulator")

ADMIN_PREFIX = "/emulator/"


class DroppedConnection(ConnectionAbortedError):
    """Raised to the client of an in-process transport when a ``drop`` fault fires
    (there is no socket to close)."""


class Emulator:
    """All emulator state plus the ASGI entry point."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        collections = handlers.collections()
        self.backend = Backend(
            config=config,
            store=Store(config.db),
            lifecycle=Lifecycle(Policy(timing=Timing.parse(config.transition)), Clock()),
            behaviour=Behaviour.of(config),
            collections=list(collections),
        )
        self.faults = FaultTable()
        self.requests = RequestLog()
        self.router = Router(handlers.routes(collections))
        from .admin import create_admin_app

        self.admin = create_admin_app(self)
        seed.seed(self.backend)

    @property
    def store(self) -> Store:
        return self.backend.store

    @property
    def lifecycle(self) -> Lifecycle:
        return self.backend.lifecycle

    @property
    def behaviour(self) -> Behaviour:
        return self.backend.behaviour

    def reset(self) -> None:
        """Back to a fresh start: no resources but the seeds, the configured key only,
        no faults, default lifecycle, empty request log, clock offset zero, the
        configured behaviour."""
        self.backend.behaviour = Behaviour.of(self.config)
        self.store.clear()
        self.faults.clear()
        self.requests.clear()
        self.lifecycle.reset()
        seed.seed(self.backend)

    # -- ASGI -------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith(uploads.UPLOAD_PREFIX):
            await self._upload(scope, receive, send)  # signed URLs: no API key, not logged
            return
        if scope["type"] == "http" and scope["path"].startswith(buildlogs.PREFIX):
            await buildlogs.handle(self.backend, scope, receive, send)  # likewise
            return
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.admin(scope, receive, send)
            return
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        raw_query = scope.get("query_string", b"").decode("latin-1")
        pairs = parse_qsl(raw_query, keep_blank_values=True)
        body = await _read_body(receive)
        rule = self.faults.match(method, path)
        status, account = 0, None
        try:
            if await _delay_or_drop(rule, scope, receive, send):
                return
            if rule is not None and rule.action["type"] == "error":
                response = _error_response(rule.error())
            else:
                response, account = self._dispatch(scope, method, path, dict(pairs), body)
                if rule is not None and rule.action["type"] == "commit_then_error":
                    response = _error_response(rule.error())
            status = response.status
            await _send_json(send, response)
        finally:
            self.requests.record(
                time=time.time(),
                method=method,
                path=path,
                query=redact_query(pairs),
                status=status,
                latency_ms=(time.perf_counter() - started) * 1000,
                account=account,
                fault=rule.id if isinstance(rule, FaultRule) else None,
            )

    async def _upload(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """A PUT to a signed upload URL, under the fault rules that match its file."""
        rule = self.faults.match(scope["method"], uploads.fault_path(scope["path"]))
        if await _delay_or_drop(rule, scope, receive, send):
            return
        action = rule.action["type"] if rule is not None else None
        fault = None
        if rule is not None and action in ("error", "commit_then_error"):
            error = rule.error()
            fault = UploadRejected.injected(error.status, error.message, dict(error.headers))
        await uploads.handle(self.backend, scope, receive, send, fault=fault, after_commit=action == "commit_then_error")

    def _dispatch(
        self, scope: dict[str, Any], method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[Response, Optional[str]]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        account = None
        try:
            route, params = self.router.match(method, path)
            principal = authenticate(self.store, headers) if route.auth else None
            account = principal.account if principal else None
            req = Request(self.backend, method, path, params, query, body, headers, principal, scope.get("scheme", "http"))
            result = route.handler(req)
            response = result if isinstance(result, Response) else Response(result)
        except ApiError as exc:
            response = _error_response(exc)
        except Exception:  # a bug in the emulator: answer like the API would, keep serving
            log.exception("emulator handler failed: %s %s", method, path)
            response = _error_response(ApiError(Code.INTERNAL, "internal error"))
        return response, account


def _error_response(exc: ApiError) -> Response:
    return Response(exc.body(), exc.status, dict(exc.headers))


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send_json(send: Any, response: Response) -> None:
    payload = json.dumps(response.body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _delay_or_drop(rule: Optional[FaultRule], scope: dict[str, Any], receive: Any, send: Any) -> bool:
    """Apply what a fault rule does before a request is served: wait out its latency, or
    drop the connection (then True: nothing more is sent)."""
    if rule is not None and rule.action["type"] == "latency":
        await asyncio.sleep(rule.action["seconds"])
    if rule is not None and rule.action["type"] == "drop":
        await _drop(scope, receive, send)
        return True
    return False


async def _drop(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Close the client connection without any response.

    ASGI has no "abort" message, so this reaches for the server's transport: uvicorn's
    ``send`` is a bound method of its request cycle, which holds the asyncio transport.
    ``abort()`` resets the socket; awaiting ``http.disconnect`` then lets uvicorn notice
    before the app returns (so it does not answer a 500 of its own). Under an in-process
    transport (httpx.ASGITransport) there is no socket: :class:`DroppedConnection` is
    raised to the client instead.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise DroppedConnection("connection dropped by an emulator fault")
    transport.abort()
    while (await receive())["type"] != "http.disconnect":
        pass


def create_app(config: Optional[EmulatorConfig] = None) -> Emulator:
    """The ASGI app for ``config`` (defaults: in-memory DB, ``fw-emulator-key`` for
    ``my-account``). The returned object is the app; its attributes hold the state
    (``store``, ``lifecycle``, ``faults``, ``requests``)."""
    return Emulator(config or EmulatorConfig())
