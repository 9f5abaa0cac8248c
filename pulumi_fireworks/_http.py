"""The HTTP client every resource uses: auth, retries, error mapping, pagination.

Retries follow the same rules as the official SDK, with one deliberate difference:
a request that is not idempotent (a create) is only retried here when it provably
never reached the server (the connection was never made). Anything else — a timeout
after sending, a 5xx, even a 429 from a proxy that had already passed the request on —
may have been applied, so it is surfaced to the engine, which checks what exists
before trying again (``ResourceEngine._create_once``). That is how nothing is ever
created twice. The error carries the server's ``Retry-After`` for that next attempt.

Every request, first attempt or retry, waits for its turn at the process-wide rate
limiter (``_ratelimit``). Every 429 is reported to that limiter, which lowers the rate
of every client in the process (and holds them all for a long ``Retry-After``). An
idempotent request refused with 429 waits its ``Retry-After`` and queues again, with its
own, larger retry budget: the API asked us to come back, and repeating a read is safe.
No request starts once the engine that ran this provider has exited (:func:`._process.engine_gone`).
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Optional

import httpx

from ._config import Settings
from ._process import EngineGone, engine_gone
from ._ratelimit import RateLimiter, shared_limiter
from ._tls import tls_context
from ._wire._enums import STATUS_CODES
from ._errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    status_error_class,
)

__all__ = ["Client", "RetryPolicy"]

_USER_AGENT = "pulumi-fireworks/0.1.0"


RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped, honouring Retry-After."""

    max_retries: int = 5
    initial_delay: float = 0.5
    max_delay: float = 20.0
    max_throttled_retries: int = 30
    """429s answered to one request before giving up (each waits out its Retry-After)."""

    def delay(self, attempt: int, response: Optional[httpx.Response]) -> float:
        hinted = _retry_after(response) if response is not None else None
        if hinted is not None:
            return min(hinted, _MAX_RETRY_AFTER)
        ceiling = min(self.max_delay, self.initial_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


def _retry_after(response: httpx.Response) -> Optional[float]:
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


class Client:
    """A small synchronous client for the control-plane REST API."""

    def __init__(
        self,
        settings: Settings,
        *,
        retry: RetryPolicy = RetryPolicy(),
        timeout: httpx.Timeout = httpx.Timeout(60.0, connect=10.0),
        transport: Optional[httpx.BaseTransport] = None,
        sleep: Callable[[float], None] = time.sleep,
        limiter: Optional[RateLimiter] = None,
    ) -> None:
        self._settings = settings
        self._retry = retry
        self._sleep = sleep
        self._limiter = limiter if limiter is not None else shared_limiter()
        self._account_id = settings.account_id
        self._http = httpx.Client(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {settings.api_key}",
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
            },
            timeout=timeout,
            transport=transport,
            verify=tls_context(),
        )

    def close(self) -> None:
        self._http.close()

    @property
    def retry_policy(self) -> RetryPolicy:
        """How patient this client is; callers that retry whole operations use the same budgets."""
        return self._retry

    @property
    def account_id(self) -> str:
        """The configured account, or the single account the key belongs to."""
        if self._account_id is None:
            self._account_id = self._discover_account_id()
        return self._account_id

    @property
    def known_account_id(self) -> Optional[str]:
        """The account if already known, without asking the API."""
        return self._account_id

    def _discover_account_id(self) -> str:
        body = self.request("GET", "/v1/accounts", params={"pageSize": 2})
        names = [str(a.get("name", "")) for a in body.get("accounts", [])]
        if len(names) != 1:
            raise ConfigurationError(
                f"Could not tell which account to use: the API key sees {len(names)} accounts. "
                "Set `pulumi config set fireworks:accountId <id>` or export FIREWORKS_ACCOUNT_ID."
            )
        return names[0].removeprefix("accounts/")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        idempotent: bool = True,
        retry_statuses: frozenset[int] = RETRYABLE_STATUSES,
        files: Optional[Mapping[str, Any]] = None,
    ) -> dict[str, Any]:
        """Send one API call and return its JSON body, retrying where that is safe
        (error statuses in ``retry_statuses``, for idempotent calls). ``files`` makes it
        a multipart upload (httpx's form: name -> (filename, stream, type))."""
        query = _encode_params(params)
        retries = self._retry.max_retries
        attempt = 0
        throttled = 0
        retryable_429 = idempotent and 429 in retry_statuses
        while True:
            self._limiter.acquire(self._sleep)
            if engine_gone():
                raise EngineGone(f"{method} {path} not sent: the Pulumi engine that ran this provider has exited.")
            try:
                response = self._http.request(method, path, params=query, json=json, files=files)
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if (idempotent or never_sent) and attempt < retries:
                    self._sleep(self._retry.delay(attempt, None))
                    attempt += 1
                    continue
                raise APIConnectionError(
                    f"{method} {path}: no response from {self._settings.base_url} ({exc!s}).",
                    method=method,
                    url=path,
                ) from exc
            if response.is_success:
                return _json_body(response)
            if response.status_code == 429:
                # Everyone slows down, whatever happens to this request next.
                self._limiter.throttled(_retry_after(response))
                if retryable_429 and throttled < self._retry.max_throttled_retries:
                    # This one waits its Retry-After (or backoff), then queues again.
                    self._sleep(self._retry.delay(throttled, response))
                    throttled += 1
                    continue
            retryable = idempotent and response.status_code in retry_statuses and response.status_code != 429
            if retryable and attempt < retries:
                self._sleep(self._retry.delay(attempt, response))
                attempt += 1
                continue
            raise _status_error(method, path, response)

    def backoff(self, attempt: int, after: Optional[BaseException] = None) -> None:
        """Wait before trying something again: the ``Retry-After`` the failure ``after``
        carried, else jittered exponential backoff (attempt 0 first)."""
        hinted = after.retry_after if isinstance(after, APIStatusError) else None
        self._sleep(min(hinted, _MAX_RETRY_AFTER) if hinted is not None else self._retry.delay(attempt, None))

    def paginate(
        self,
        path: str,
        collection_key: str,
        params: Optional[Mapping[str, Any]] = None,
        page_size: int = 200,
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list call, following ``nextPageToken``."""
        query = dict(params or {}, pageSize=page_size)
        while True:
            body = self.request("GET", path, params=query)
            yield from body.get(collection_key, [])
            token = body.get("nextPageToken")
            if not token:
                return
            query["pageToken"] = token


def _encode_params(params: Optional[Mapping[str, Any]]) -> dict[str, str]:
    encoded: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            encoded[key] = ",".join(str(v) for v in value)
        else:
            encoded[key] = str(value)
    return encoded


def _json_body(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    body = response.json()
    return body if isinstance(body, dict) else {"value": body}


def _status_error(method: str, path: str, response: httpx.Response) -> APIStatusError:
    code: Optional[str] = None
    message = response.reason_phrase or "error"
    details: list[Any] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        nested = body.get("error")
        error: dict[str, Any] = nested if isinstance(nested, dict) else body
        raw_code = error.get("code")
        if isinstance(raw_code, int) and 0 <= raw_code < len(STATUS_CODES):
            code = STATUS_CODES[raw_code]
        elif isinstance(raw_code, str):
            code = raw_code
        message = str(error.get("message") or message)
        details = error.get("details") or []
    elif response.text:
        message = response.text[:500]
    cls = status_error_class(response.status_code)
    return cls(
        status=response.status_code,
        code=code,
        message=message,
        method=method,
        url=path,
        details=details,
        retry_after=_retry_after(response),
    )
