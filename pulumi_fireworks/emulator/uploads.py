"""Signed upload URLs, served by the emulator itself.

The real ``:getUploadEndpoint`` answers GCS V4 signed URLs; the emulator answers
``<emulator base URL>/emulator/uploads/<token>``, where the token *is* the signature: a
payload (resource name, file name, declared size, upload generation, expiry) and its
HMAC-SHA256 under a per-emulator random key. So a URL

* needs no Fireworks credentials (like a signed URL, it carries its own authority),
* cannot be guessed or altered (changing any byte breaks the HMAC),
* expires after :data:`URL_LIFETIME_SECONDS` on the emulator clock (so the admin clock
  offset can expire it in tests without sleeping), and
* dies when the file set is registered again (the generation moves on) or the resource
  leaves the state that takes uploads (``UPLOADING``; an evaluator waits for its code in
  ``BUILDING``: :func:`register`'s ``accepting``) or starts validating them.

A PUT must send ``Content-Type: application/octet-stream`` and
``X-Goog-Content-Length-Range: <n>,<n>`` (both are signed headers of the real URLs) and
exactly the declared number of bytes. The body is streamed: only its size, SHA-256 and,
for small ``*.json`` files, the text are kept (see :mod:`.rules.uploads`), unless the
resource registered its files with ``keep_bytes`` (an evaluator's build unpacks its
archive): then the whole file is kept too. Refusals use
GCS's XML error shape. Upload PUTs are not written to the request log (the token is a
credential). Fault rules (:mod:`.faults`) reach them as ``PUT /emulator/uploads/<resource
name>/<file name>`` (:func:`fault_path`).

State lives in the resource record's ``meta["upload"]``::

    {"generation": 3, "registered": {"config.json": 512, ...},
     "files": {"config.json": {"size": 512, "sha256": "...", "text": "{...}"}},
     "landingChecks": 1, "accepting": "UPLOADING", "keepBytes": false}

``landingChecks`` counts the ``:validateUpload`` calls refused since the last PUT or
registration (:func:`still_landing`, the ``uploadLandingChecks`` behaviour).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import quote

from .errors import ApiError, failed_precondition
from .routing import Request
from .rules.uploads import (
    MAX_KEPT_BYTES,
    MAX_KEPT_TEXT,
    UploadedFile,
    UploadRejected,
    check_put_headers,
    check_put_size,
    keeps_text,
)
from .store import Record

if TYPE_CHECKING:
    from .backend import Backend

UPLOAD_PREFIX = "/emulator/uploads/"
#: Fireworks documents ~1 h for dataset URLs (the SDK helper re-signs after 45 min).
URL_LIFETIME_SECONDS = 3600.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Grant:
    """What a signed URL allows: one PUT of ``size`` bytes as ``filename`` of ``name``."""

    name: str
    filename: str
    size: int
    generation: int
    expires: float


def sign(backend: "Backend", grant: Grant) -> str:
    payload = json.dumps(
        [grant.name, grant.filename, grant.size, grant.generation, grant.expires], separators=(",", ":")
    ).encode()
    mac = hmac.new(backend.upload_key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def fault_path(path: str) -> str:
    """What fault rules match an upload PUT against: ``/emulator/uploads/<resource
    name>/<file name>`` (the token's payload, unverified), so that a rule can fail one
    file of one model; the raw path when the token does not even parse."""
    try:
        payload = json.loads(_unb64(path[len(UPLOAD_PREFIX) :].split(".")[0]))
        return f"{UPLOAD_PREFIX}{payload[0]}/{payload[1]}"
    except (ValueError, IndexError, TypeError):
        return path


def verify(backend: "Backend", token: str) -> Grant:
    try:
        payload_text, mac_text = token.split(".")
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        raise UploadRejected(403, "AccessDenied", "malformed upload URL") from None
    if not hmac.compare_digest(mac, hmac.new(backend.upload_key, payload, hashlib.sha256).digest()):
        raise UploadRejected(403, "SignatureDoesNotMatch", "the upload URL signature is invalid")
    name, filename, size, generation, expires = json.loads(payload)
    grant = Grant(name, filename, int(size), int(generation), float(expires))
    if backend.lifecycle.clock.now() > grant.expires:
        raise UploadRejected(400, "ExpiredToken", "the upload URL has expired; request a new one")
    return grant


# -- registration (the :getUploadEndpoint side) -------------------------------------------


def base_url(req: Request) -> str:
    """The emulator's URL as the caller reached it (so the signed URLs work for them)."""
    scheme = req.scheme or "http"
    host = req.headers.get("host") or "127.0.0.1"
    return f"{scheme}://{host}"


def register(record: Record, sizes: dict[str, int], *, keep_matching: bool, accepting: str = "UPLOADING",
             keep_bytes: bool = False) -> int:
    """Replace the registered file set; returns the new generation.

    ``keep_matching``: files already uploaded under the same name and size stay uploaded
    (a model upload resumed with the same file list); otherwise everything is forgotten
    (datasets: "getUploadEndpoint overwrites the registered file set"). ``accepting``: the
    state in which the resource takes the PUTs (an evaluator waits for code in
    ``BUILDING``). ``keep_bytes``: keep each file whole (see :mod:`.rules.uploads`).
    """
    state = record.meta.get("upload") or {}
    old_files: dict[str, Any] = state.get("files", {})
    files = {n: f for n, f in old_files.items() if sizes.get(n) == f.get("size")} if keep_matching else {}
    generation = int(state.get("generation", 0)) + 1
    record.meta["upload"] = {"generation": generation, "registered": dict(sizes), "files": files,
                             "accepting": accepting, "keepBytes": keep_bytes}
    return generation


def still_landing(record: Record, checks: int) -> Optional[ApiError]:
    """The answer of a ``:validateUpload`` that comes while the PUT files are "still
    landing", or None once they have landed -- and validation really runs.

    Fireworks' docs ("Upload via REST API"): "Because the transfer is asynchronous,
    validateUpload returns FAILED_PRECONDITION while files are still landing. Poll it
    until it returns 200". The emulator has no asynchronous transfer, so "landing" is a
    count, not a clock: the first ``checks`` calls after a PUT or a registration are
    refused (deterministic for tests; ``checks`` is the ``uploadLandingChecks``
    behaviour, 0 by default). Nothing is landing before a file was PUT. Counts the
    refusal in ``record.meta`` (the caller saves the record).
    """
    state = record.meta.get("upload") or {}
    landing = sorted(state.get("files") or {})
    refused = int(state.get("landingChecks", 0))
    if not landing or refused >= checks:
        return None
    state["landingChecks"] = refused + 1
    return failed_precondition(f"files are still landing ({', '.join(landing)}); retry")


def signed_urls(req: Request, record: Record, generation: int) -> dict[str, str]:
    backend = req.backend
    expires = backend.lifecycle.clock.now() + URL_LIFETIME_SECONDS
    base = base_url(req)
    registered: dict[str, int] = record.meta["upload"]["registered"]
    return {
        filename: f"{base}{UPLOAD_PREFIX}{quote(sign(backend, Grant(record.name, filename, size, generation, expires)))}"
        for filename, size in registered.items()
    }


def file_set(record: Record) -> tuple[dict[str, int], dict[str, UploadedFile]]:
    """(registered name -> size, uploaded name -> file) of ``record``."""
    state = record.meta.get("upload") or {}
    registered = {n: int(s) for n, s in state.get("registered", {}).items()}
    files = {n: UploadedFile.from_json(f) for n, f in state.get("files", {}).items()}
    return registered, files


def add_file(record: Record, filename: str, file: UploadedFile) -> None:
    """Record an uploaded file directly (the multipart ``:upload`` path)."""
    state = record.meta.setdefault("upload", {"generation": 0, "registered": {}, "files": {}})
    state["registered"][filename] = file.size
    state["files"][filename] = file.to_json()


class FileDigest:
    """Incremental size + SHA-256 (+ text for small JSON files) of a streamed file."""

    def __init__(self, filename: str, declared_size: Optional[int] = None, *, keep_bytes: bool = False) -> None:
        self.filename = filename
        self.size = 0
        self._sha = hashlib.sha256()
        self._keep_bytes = keep_bytes
        self._keep = keep_bytes or keeps_text(filename, declared_size if declared_size is not None else 0)
        self._limit = MAX_KEPT_BYTES if keep_bytes else MAX_KEPT_TEXT
        self._chunks: list[bytes] = []

    def update(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        self._sha.update(chunk)
        if self._keep:
            self._chunks.append(chunk)
            if self.size > self._limit:
                self._keep, self._chunks = False, []

    def result(self) -> UploadedFile:
        text = data = None
        if self._keep and self._chunks:
            whole = b"".join(self._chunks)
            if self._keep_bytes:
                data = base64.b64encode(whole).decode("ascii")
            else:
                text = whole.decode("utf-8", errors="replace")
        return UploadedFile(self.size, self._sha.hexdigest(), text, data)


# -- the PUT (ASGI) -----------------------------------------------------------------------


def _live_record(backend: "Backend", grant: Grant) -> Record:
    record = backend.store.get(grant.name)
    state = (record.meta.get("upload") or {}) if record is not None else {}
    if record is None or record.deleted:
        raise UploadRejected(404, "NoSuchUpload", "the resource of this upload URL no longer exists")
    if state.get("generation") != grant.generation or grant.filename not in state.get("registered", {}):
        raise UploadRejected(403, "AccessDenied", "the upload URL was superseded by a newer getUploadEndpoint call")
    accepting = state.get("accepting", "UPLOADING")
    if record.doc.get("state") != accepting or (record.meta.get("pending") or {}).get("state") == accepting:
        raise UploadRejected(403, "AccessDenied", "the resource no longer accepts uploads (upload already validated)")
    return record


async def handle(
    backend: "Backend",
    scope: dict[str, Any],
    receive: Any,
    send: Any,
    *,
    fault: Optional[UploadRejected] = None,
    after_commit: bool = False,
) -> None:
    """ASGI handler for ``PUT /emulator/uploads/<token>``.

    ``fault`` is an injected failure (see :mod:`.faults`): answered at once, or, with
    ``after_commit``, after the file was stored (the client then cannot tell)."""
    body_pending = True  # the request body has not been read to its end yet
    try:
        if fault is not None and not after_commit:
            raise fault
        if scope["method"] != "PUT":
            raise UploadRejected(405, "MethodNotAllowed", "upload URLs accept PUT only")
        grant = verify(backend, scope["path"][len(UPLOAD_PREFIX) :])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        check_put_headers(grant.size, headers.get("content-type"), headers.get("x-goog-content-length-range"))
        keep_bytes = bool(_live_record(backend, grant).meta["upload"].get("keepBytes"))
        digest = FileDigest(grant.filename, grant.size, keep_bytes=keep_bytes)
        while body_pending:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body_pending = bool(message.get("more_body"))
            digest.update(message.get("body", b""))
            if digest.size > grant.size:
                break
        check_put_size(grant.size, digest.size)
        with backend.store.transaction():
            record = _live_record(backend, grant)
            record.meta["upload"]["files"][grant.filename] = digest.result().to_json()
            record.meta["upload"].pop("landingChecks", None)  # a new file is landing: count again
            backend.store.put(record)
        if fault is not None:
            raise fault
        await _respond(send, 200, b"", "text/plain")
    except UploadRejected as exc:
        if body_pending:
            await _drain(receive)
        await _respond(send, exc.status, exc.body(), "application/xml", exc.headers)


async def _drain(receive: Any) -> None:
    """Read and discard the rest of the request body (so the client sees our answer)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            return


async def _respond(
    send: Any, status: int, body: bytes, content_type: str, headers: Optional[dict[str, str]] = None
) -> None:
    extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})
