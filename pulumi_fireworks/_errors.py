"""Errors raised by pulumi-fireworks.

Users meet these in ``pulumi up`` output, so every message says what went wrong,
on which resource, and what to do. The tree mirrors the official SDK's, so code that
already handles ``fireworks`` errors reads the same::

    FireworksError
    ├── ConfigurationError          credentials, account id or base URL missing or unsafe
    ├── APIConnectionError          no HTTP response (refused, reset, timed out)
    ├── APIStatusError              the API answered with an error status
    │   ├── BadRequestError         400 (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE)
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── NotFoundError           404
    │   ├── ConflictError           409 (ALREADY_EXISTS, ABORTED)
    │   ├── RateLimitError          429
    │   └── InternalServerError     5xx
    ├── ResourceError               an operation on one resource failed; the message
    │   │                           names the resource, the operation and what to do
    │   └── ResourceOperationError  a resource did not reach the state we waited for
    │       ├── ResourceFailedError the server reported a failed state
    │       └── WaitTimeoutError    the deadline passed first
    └── LookupFailedError           a lookup function (``get_model``, ...) failed

What ``pulumi up`` shows is a :class:`ResourceError`: every other error is wrapped in one
naming the resource (its ``__cause__`` is the original, e.g. the API's status error).
Lookups run in the program, not the provider: their errors are :class:`LookupFailedError`,
which is also a ``pulumi.RunError`` so that the CLI prints its message without a traceback.
"""

from __future__ import annotations

from typing import Any, Optional

from pulumi.errors import RunError

__all__ = [
    "FireworksError",
    "ConfigurationError",
    "APIConnectionError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
    "ResourceError",
    "ResourceOperationError",
    "ResourceFailedError",
    "WaitTimeoutError",
    "LookupFailedError",
]


class FireworksError(Exception):
    """Base of every error this package raises."""


class ConfigurationError(FireworksError):
    """The provider cannot talk to the API as configured."""


class APIConnectionError(FireworksError):
    """The request got no HTTP response; it may or may not have been applied."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APIStatusError(FireworksError):
    """The API answered with an error status.

    ``code`` is the gRPC status name (``"NOT_FOUND"``) when the body carried one, and
    ``message`` the API's own text, which users should see verbatim.
    """

    def __init__(
        self,
        *,
        status: int,
        code: Optional[str],
        message: str,
        method: str,
        url: str,
        details: Optional[list[Any]] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after
        """Seconds the server asked to wait before trying again (``Retry-After``), if any."""
        self.code = code
        self.message = message
        self.method = method
        self.url = url
        self.details = details or []
        label = f"{status} {code}" if code else str(status)
        super().__init__(f"{method} {url} failed with {label}: {message}")


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIStatusError)


class ResourceError(FireworksError):
    """An operation on one resource failed; the message says which, how, and what to do."""


class ResourceOperationError(ResourceError):
    """A resource did not reach the state a create, update or delete waited for."""

    left_in_place: Optional[tuple[str, dict[str, Any]]] = None
    """Set by a create that keeps the object it made despite this failure (a training job
    whose wait ran out keeps training): its id and outputs, so a front that can record a
    half-made resource (the provider plugin's init errors) does, instead of losing it."""


class ResourceFailedError(ResourceOperationError):
    pass


class WaitTimeoutError(ResourceOperationError):
    pass


class LookupFailedError(FireworksError, RunError):
    """A lookup function failed: the message names the function and what it looked up,
    never the key. ``not_found`` tells "no such object" from every other failure, whose
    original error (the API's status error, a configuration error) is ``__cause__``.

    A ``pulumi.RunError``: the language host prints a program's ``RunError`` as a plain
    message and exits, where any other exception gets the program's full traceback.
    """

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found
