"""Sending local files to signed upload URLs: streamed, a few at a time, retried, re-signed.

The middle of a Model or Dataset create (https://docs.fireworks.ai/models/uploading-custom-models;
SDK ``fireworks/lib/dataset_upload.py``): ``:getUploadEndpoint``
answers a signed URL per file (GCS V4 URLs on the real service, valid for about an
hour), and each file is PUT there with the two headers the URL was signed with,
``Content-Type: application/octet-stream`` and ``X-Goog-Content-Length-Range: n,n``.

* **Streamed.** A file is read in 1 MiB chunks while it is sent, with its
  ``Content-Length`` declared (no chunked encoding, which signed URLs do not promise to
  take): memory does not grow with the file. The chunks are hashed on the way and
  compared with the digest the preview recorded, so what was reviewed is what arrived.
* **A few at a time.** Up to :data:`WORKERS` files in parallel.
* **Retried.** No response, 408, 429 and 5xx are tried again (up to
  :data:`ATTEMPTS` times per file, honouring ``Retry-After``); other refusals are final.
* **Re-signed.** A URL refused as expired (400 ``ExpiredToken``) or forbidden (403) is
  re-signed and tried again. Where a new ``:getUploadEndpoint`` forgets what was
  uploaded (datasets; for models nothing says, so they are treated alike), every file
  sent under older URLs is sent again; elsewhere URLs older than :data:`RESIGN_AFTER`
  are also requested again before a file starts (as the official SDK's helper does).
* **No credentials.** The PUTs use an HTTP client of their own that never carries the
  API key (a signed URL is its own authority), and go to ``https`` URLs only, or to
  ``http`` on a loopback address (the emulator).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable, Collection, Iterator, Mapping, Optional, Sequence

import httpx

from ._config import is_loopback
from ._content import LocalFile, SourceError, read_chunks
from ._errors import ResourceOperationError
from ._http import RetryPolicy
from ._tls import tls_context

WORKERS = 4
ATTEMPTS = 6
RESIGNS = 3
"""Re-signings a single file may ask for before its refusal is taken as final."""
RESIGN_AFTER = 45 * 60.0
ROUNDS = 4
"""Passes over the files when re-signing makes the service forget uploads (datasets)."""
TIMEOUT = httpx.Timeout(600.0, connect=30.0)

_RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class UploadError(ResourceOperationError):
    """A create's upload step failed; the message names the step and the file."""


class StepFailed(Exception):
    """One step of an upload failed: ``step`` says which (and which file), ``detail`` why."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step
        self.detail = detail


class SignedUrls:
    """The signed URL of every file, asked for again when they age or are refused.

    ``request`` is the ``:getUploadEndpoint`` call for every file; ``forgets_uploaded``
    says whether a new call makes the service forget files already uploaded."""

    def __init__(
        self,
        request: Callable[[], Mapping[str, str]],
        names: Collection[str],
        *,
        forgets_uploaded: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._request = request
        self._names = frozenset(names)
        self._clock = clock
        self._lock = threading.Lock()
        self.forgets_uploaded = forgets_uploaded
        self.version = 0
        """How many times the URLs were signed; uploads under an older version are
        forgotten when ``forgets_uploaded``."""
        self._urls: dict[str, str] = {}
        self._signed_at = 0.0
        self._sign()

    def current(self, name: str) -> tuple[str, int]:
        """The URL to use for ``name`` now, and the version it belongs to."""
        with self._lock:
            if not self.forgets_uploaded and self._clock() - self._signed_at > RESIGN_AFTER:
                # Ahead of expiry, as the SDK's helper does. Where a signing forgets what
                # was sent, only a refused (expired) URL is worth that price.
                self._sign()
            return self._urls[name], self.version

    def resign(self, seen: int) -> None:
        """New URLs, unless another file already got them since version ``seen``."""
        with self._lock:
            if self.version == seen:
                self._sign()

    def _sign(self) -> None:
        urls = dict(self._request())
        missing = sorted(self._names - set(urls))
        if missing:
            raise StepFailed("getUploadEndpoint", f"no upload URL was given for {', '.join(missing)}")
        for name in sorted(self._names):
            check_url(name, urls[name])
        self._urls = urls
        self._signed_at = self._clock()
        self.version += 1


def may_send_to(url: httpx.URL) -> bool:
    """A signed URL is used only over ``https``, or ``http`` on this machine (the emulator)."""
    return url.scheme == "https" or (url.scheme == "http" and is_loopback(url.host))


def check_url(name: str, url: str) -> None:
    """Files go to ``https`` URLs, or to ``http`` on this machine (the emulator) only."""
    parsed = httpx.URL(url)
    if may_send_to(parsed):
        return
    raise StepFailed("getUploadEndpoint", f"the upload URL for {name} is not https ({parsed.scheme}://{parsed.host}); refusing to send it")


def put_all(
    files: Sequence[LocalFile],
    urls: SignedUrls,
    expected: Mapping[str, str],
    *,
    workers: int = WORKERS,
    http: Optional[httpx.Client] = None,
    retry: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """PUT every file to its signed URL; ``expected`` is each file's SHA-256 (hex).

    Raises :class:`StepFailed` naming the first file that could not be sent; the other
    transfers stop at their next chunk."""
    client = http or httpx.Client(timeout=TIMEOUT, verify=tls_context())
    sender = _Sender(client, urls, expected, retry, sleep)
    try:
        pending = list(files)
        for _ in range(ROUNDS):
            versions = sender.send(pending, workers)
            if not urls.forgets_uploaded:
                return
            pending = [f for f in files if versions.get(f.name, urls.version) != urls.version]
            if not pending:
                return
        raise StepFailed("upload", f"the upload URLs kept being re-signed; {len(pending)} files were still not uploaded")
    finally:
        if http is None:
            client.close()


class _Stopped(Exception):
    """Another file failed: this transfer gives up at its next chunk."""


class _Sender:
    def __init__(
        self,
        http: httpx.Client,
        urls: SignedUrls,
        expected: Mapping[str, str],
        retry: RetryPolicy,
        sleep: Callable[[float], None],
    ) -> None:
        self.http, self.urls, self.expected, self.retry, self.sleep = http, urls, expected, retry, sleep
        self.stopping = threading.Event()

    def send(self, files: Sequence[LocalFile], workers: int) -> dict[str, int]:
        """Send ``files``; the URL version each one was sent under, by name."""
        versions: dict[str, int] = {}
        failure: Optional[BaseException] = None
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(files))), thread_name_prefix="upload") as pool:
            futures = {pool.submit(self.put, f): f for f in files}
            for future in as_completed(futures):
                try:
                    versions[futures[future].name] = future.result()
                except _Stopped:
                    pass
                except BaseException as exc:  # the first failure is the one reported
                    if failure is None:
                        failure = exc
                        self.stopping.set()
        if failure is not None:
            raise failure
        return versions

    def put(self, file: LocalFile) -> int:
        step = f"upload of {file.name}"
        attempts = resigns = 0
        while True:
            url, version = self.urls.current(file.name)
            response: Optional[httpx.Response] = None
            digest = hashlib.sha256()
            try:
                response = self.http.put(
                    url,
                    content=self._chunks(file, digest),
                    headers={
                        # Both are signed headers of the URL; Content-Length also keeps
                        # httpx from switching to chunked encoding.
                        "Content-Type": "application/octet-stream",
                        "X-Goog-Content-Length-Range": f"{file.size},{file.size}",
                        "Content-Length": str(file.size),
                    },
                )
            except SourceError as exc:
                raise StepFailed(step, str(exc)) from None
            except httpx.TransportError as exc:
                problem = f"no response ({type(exc).__name__}: {exc})"
            else:
                if response.is_success:
                    self._verify(file, digest.hexdigest(), step)
                    return version
                problem = describe(response)
                if _needs_new_url(response) and resigns < RESIGNS:
                    resigns += 1
                    self.urls.resign(version)
                    continue
                if response.status_code not in _RETRYABLE:
                    raise StepFailed(step, problem)
            attempts += 1
            if attempts >= ATTEMPTS or self.stopping.is_set():
                raise StepFailed(step, f"{problem} (after {attempts} attempts)")
            self.sleep(self.retry.delay(attempts - 1, response))

    def _chunks(self, file: LocalFile, digest: "hashlib._Hash") -> Iterator[bytes]:
        for chunk in read_chunks(file):
            if self.stopping.is_set():
                raise _Stopped()
            digest.update(chunk)
            yield chunk

    def _verify(self, file: LocalFile, sent: str, step: str) -> None:
        wanted = self.expected.get(file.name)
        if wanted is not None and sent != wanted:
            raise StepFailed(
                step,
                f"{file.where} changed after the preview: it now has SHA-256 {sent}, the plan recorded {wanted}. "
                "Run `pulumi up` again to upload what is there now",
            )


_XML_FIELD = re.compile(r"<(Code|Message)>(.*?)</\1>", re.S)


def describe(response: httpx.Response) -> str:
    """``PUT answered 503 ServiceUnavailable: ...`` from a storage error (XML, as GCS sends)."""
    fields = dict(_XML_FIELD.findall(response.text[:4000])) if response.content else {}
    code = fields.get("Code") or response.reason_phrase
    message = fields.get("Message") or response.text[:300].strip()
    return f"PUT answered {response.status_code} {code}" + (f": {message}" if message else "")


def _needs_new_url(response: httpx.Response) -> bool:
    """Expired (GCS: 400 ExpiredToken) or refused (403: signature, superseded)."""
    return response.status_code == 403 or (response.status_code == 400 and "ExpiredToken" in response.text)
