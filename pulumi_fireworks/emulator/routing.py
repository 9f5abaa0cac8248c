"""Routes as data: ``(method, path template, handler)`` rows matched by regex.

Path templates use ``{name}`` placeholders that match one path segment without ``:``,
so custom methods are written literally (``/v1/accounts/{account}/deployments/{id}:scale``).
Handlers take a :class:`Request` and return a JSON-able body (HTTP 200) or a
:class:`Response`; they raise :class:`~.errors.ApiError` for API errors. Handlers are
synchronous: the store is in-process SQLite, so a request holds the lock for microseconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

from .errors import ApiError, Code, invalid_argument, invalid_field

if TYPE_CHECKING:
    from .backend import Backend
    from .store import Credential

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class Request:
    """What a handler sees: the parsed request plus the backend it works on."""

    backend: "Backend"
    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    principal: Optional["Credential"] = None
    scheme: str = "http"  # as the client reached the emulator (signed upload URLs reuse it)
    _json: Any = None

    def json(self) -> Any:
        """The JSON body; an empty body is ``{}``; malformed JSON is a 400."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except ValueError as exc:
                    raise invalid_argument(f"request body is not valid JSON: {exc}") from None
        return self._json

    def replace_json(self, body: Any) -> None:
        """Make ``body`` what :meth:`json` answers from now on (a body as the server's
        proto holds it, e.g. without fields it does not know)."""
        self._json = body

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise invalid_argument("request body must be a JSON object")
        return body

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``true``/``false``/``1``/``0``; absent is false)."""
        raw = self.query.get(name)
        if raw is None or raw == "":
            return False
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise invalid_field(name, f"not a boolean: {raw!r}")

    @property
    def account(self) -> str:
        """The account the key belongs to (only for authenticated routes)."""
        assert self.principal is not None
        return self.principal.account


@dataclass
class Response:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Union[Response, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True  # requires an API key
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        pattern = ""
        pos = 0
        for m in _PLACEHOLDER.finditer(self.template):
            pattern += re.escape(self.template[pos : m.start()]) + f"(?P<{m.group(1)}>[^/:]+)"
            pos = m.end()
        pattern += re.escape(self.template[pos:])
        object.__setattr__(self, "regex", re.compile(pattern + r"\Z"))


class Router:
    """First matching row wins; a path that matches only for other methods is a 405."""

    def __init__(self, routes: list[Route] = ()) -> None:  # type: ignore[assignment]
        self.routes: list[Route] = []
        for route in routes:
            self.add(route)

    def add(self, route: Route) -> None:
        for existing in self.routes:
            if existing.method == route.method and existing.template == route.template:
                raise ValueError(f"duplicate route {route.method} {route.template}")
        self.routes.append(route)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        path_matched = False
        for route in self.routes:
            m = route.regex.match(path)
            if m is None:
                continue
            if route.method == method:
                return route, m.groupdict()
            path_matched = True
        if path_matched:
            raise no_route(405)
        raise no_route(404)


def no_route(status: int) -> ApiError:
    """What grpc-gateway answers for a request no route serves, in the API error format.

    Its ``DefaultRoutingErrorHandler`` turns an unmatched path into NOT_FOUND "Not Found"
    (404), and a path that only other methods serve into UNIMPLEMENTED "Method Not
    Allowed" -- which its default error handler sends with the code's HTTP status, 501.
    Gateways that keep the 405 wrap that error in a ``runtime.HTTPStatusError`` (the
    usual custom routing handler): 405, still code UNIMPLEMENTED. The emulator's router
    answers 405, the ``userDeleteRoute`` behaviour any of the three.
    """
    if status == 404:
        return ApiError(Code.NOT_FOUND, "Not Found")
    if status == 405:
        return ApiError(Code.UNIMPLEMENTED, "Method Not Allowed", status=405)
    if status == 501:
        return ApiError(Code.UNIMPLEMENTED, "Method Not Allowed")
    raise ValueError(f"no routing error has status {status}")
