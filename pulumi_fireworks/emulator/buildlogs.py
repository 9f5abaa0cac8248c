"""Signed build-log URLs of evaluators, served by the emulator itself.

``GET .../evaluators/{id}:getBuildLogEndpoint`` answers ``{"buildLogSignedUri": ...}``
(SDK 1.2.30 ``EvaluatorGetBuildLogEndpointResponse``: "a signed URL to download the
evaluator's build logs. Useful for debugging ``BUILD_FAILED`` state"). The real one points
at cloud storage; the emulator answers ``<emulator base URL>/emulator/buildlogs/<token>``,
signed the way :mod:`.uploads` signs upload URLs (an HMAC-SHA256 under the emulator's
random key over the evaluator's name, the build number and the expiry), but under its own
domain (the MAC covers a ``build-log`` prefix), so a log token never passes for an upload
token nor the other way round. So a URL

* needs no Fireworks credentials (like a signed URL, it carries its own authority),
* cannot be guessed or altered,
* expires after :data:`~.uploads.URL_LIFETIME_SECONDS` on the emulator clock (400
  ``ExpiredToken``), and
* shows the log of the build it was signed for: once a newer build replaced it, 404
  ``NoSuchKey``; so is an evaluator that is gone.

A ``GET`` answers ``200 text/plain`` with :func:`.rules.evaluators.build_log_text`, read
after settling the evaluator's lifecycle like any read (so a timed build that is due has
finished in the log too). Refusals use the storage service's XML error shape (as the PUTs
to upload URLs do). These GETs are neither logged (the token is a credential) nor
subject to fault rules.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .routing import Request
from .rules.evaluators import build_log_text
from .rules.uploads import UploadRejected
from .store import split_name
from .uploads import URL_LIFETIME_SECONDS, base_url

if TYPE_CHECKING:
    from .backend import Backend

PREFIX = "/emulator/buildlogs/"
_DOMAIN = b"build-log\0"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(backend: "Backend", payload: bytes) -> bytes:
    return hmac.new(backend.upload_key, _DOMAIN + payload, hashlib.sha256).digest()


def signed_url(req: Request, name: str, build: int) -> str:
    """The URL of build ``build``'s log of evaluator ``name``, as the caller reaches the emulator."""
    expires = req.backend.lifecycle.clock.now() + URL_LIFETIME_SECONDS
    payload = json.dumps([name, build, expires], separators=(",", ":")).encode()
    token = f"{_b64(payload)}.{_b64(_mac(req.backend, payload))}"
    return f"{base_url(req)}{PREFIX}{quote(token)}"


def _verify(backend: "Backend", token: str) -> tuple[str, int]:
    try:
        payload_text, mac_text = token.split(".")
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        raise UploadRejected(403, "AccessDenied", "malformed build log URL") from None
    if not hmac.compare_digest(mac, _mac(backend, payload)):
        raise UploadRejected(403, "SignatureDoesNotMatch", "the build log URL signature is invalid")
    name, build, expires = json.loads(payload)
    if backend.lifecycle.clock.now() > float(expires):
        raise UploadRejected(400, "ExpiredToken", "the build log URL has expired; request a new one")
    return str(name), int(build)


def _log_text(backend: "Backend", name: str, build: int) -> str:
    account, _, _, evaluator_id = split_name(name)
    collection = backend.collection(name)
    req = Request(backend, "GET", f"/v1/{name}", {"account": account, "id": evaluator_id}, {})
    record = collection.load(req, name, read=False) if collection is not None else None
    meta = (record.meta.get("build") or {}) if record is not None else {}
    if record is None or meta.get("number") != build:
        raise UploadRejected(404, "NoSuchKey", "this build log no longer exists (the evaluator is gone, "
                                               "or a newer build replaced it)")
    return build_log_text(name, meta, record.doc.get("state"), record.doc.get("status"))


async def handle(backend: "Backend", scope: dict[str, Any], receive: Any, send: Any) -> None:
    """ASGI handler for ``GET /emulator/buildlogs/<token>``."""
    try:
        if scope["method"] not in ("GET", "HEAD"):
            raise UploadRejected(405, "MethodNotAllowed", "build log URLs accept GET only")
        name, build = _verify(backend, scope["path"][len(PREFIX):])
        body, status, content_type = _log_text(backend, name, build).encode(), 200, "text/plain; charset=utf-8"
    except UploadRejected as exc:
        body, status, content_type = exc.body(), exc.status, "application/xml"
    while True:  # a GET has no body to speak of, but read it to its end
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
