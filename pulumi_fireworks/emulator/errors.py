"""API errors as the real control plane sends them (grpc-gateway's ``google.rpc.Status``).

Body: ``{"code": <gRPC code as int>, "message": "...", "details": []}`` with the HTTP
status of the gRPC code (grpc-gateway's standard ``runtime.HTTPStatusFromCode``; the body is what
the SDK's ``fireworks/training/sdk/errors.py`` parses). The mapping is data (:data:`HTTP_STATUS`);
handlers raise :class:`ApiError` (or one of the helpers) and the app turns it into a
response. Messages name the offending field in snake_case, as proto field paths are.
"""

from __future__ import annotations

import enum
from typing import Any, Optional


class Code(enum.IntEnum):
    """gRPC status codes (``google.rpc.Code``)."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


#: gRPC code -> HTTP status, as grpc-gateway maps them.
HTTP_STATUS: dict[Code, int] = {
    Code.OK: 200,
    Code.CANCELLED: 499,
    Code.UNKNOWN: 500,
    Code.INVALID_ARGUMENT: 400,
    Code.DEADLINE_EXCEEDED: 504,
    Code.NOT_FOUND: 404,
    Code.ALREADY_EXISTS: 409,
    Code.PERMISSION_DENIED: 403,
    Code.RESOURCE_EXHAUSTED: 429,
    Code.FAILED_PRECONDITION: 400,
    Code.ABORTED: 409,
    Code.OUT_OF_RANGE: 400,
    Code.UNIMPLEMENTED: 501,
    Code.INTERNAL: 500,
    Code.UNAVAILABLE: 503,
    Code.DATA_LOSS: 500,
    Code.UNAUTHENTICATED: 401,
}

#: HTTP status -> the gRPC code an injected fault reports (inverse of the table above,
#: picking the most common code for statuses several codes share).
CODE_FOR_HTTP: dict[int, Code] = {
    400: Code.INVALID_ARGUMENT,
    401: Code.UNAUTHENTICATED,
    403: Code.PERMISSION_DENIED,
    404: Code.NOT_FOUND,
    405: Code.UNIMPLEMENTED,
    409: Code.ALREADY_EXISTS,
    429: Code.RESOURCE_EXHAUSTED,
    499: Code.CANCELLED,
    500: Code.INTERNAL,
    501: Code.UNIMPLEMENTED,
    502: Code.UNAVAILABLE,
    503: Code.UNAVAILABLE,
    504: Code.DEADLINE_EXCEEDED,
}


def code_for_http(status: int) -> Code:
    if status in CODE_FOR_HTTP:
        return CODE_FOR_HTTP[status]
    return Code.UNKNOWN if status >= 500 else Code.INVALID_ARGUMENT


class ApiError(Exception):
    """An error the API answers with; ``status`` may override the code's HTTP status."""

    def __init__(
        self,
        code: Code,
        message: str,
        *,
        status: Optional[int] = None,
        details: Optional[list[dict[str, Any]]] = None,
        headers: Optional[dict[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else HTTP_STATUS[code]
        self.details = details or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": int(self.code), "message": self.message, "details": self.details}


def invalid_argument(message: str) -> ApiError:
    return ApiError(Code.INVALID_ARGUMENT, message)


def invalid_field(field: str, problem: str) -> ApiError:
    """400 INVALID_ARGUMENT naming the (snake_case) field path."""
    return ApiError(Code.INVALID_ARGUMENT, f"invalid value for field {field!r}: {problem}")


def not_found(name: str, what: str = "resource") -> ApiError:
    return ApiError(Code.NOT_FOUND, f"{what} not found: {name}")


def already_exists(name: str) -> ApiError:
    return ApiError(Code.ALREADY_EXISTS, f"resource already exists: {name}")


def failed_precondition(message: str) -> ApiError:
    return ApiError(Code.FAILED_PRECONDITION, message)


def permission_denied(message: str) -> ApiError:
    return ApiError(Code.PERMISSION_DENIED, message)


def unauthenticated(message: str) -> ApiError:
    return ApiError(Code.UNAUTHENTICATED, message)
