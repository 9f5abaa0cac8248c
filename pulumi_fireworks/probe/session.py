"""One probe run against one server: the API client, answers read defensively, waits,
unique ids, and the ledger of what the run made (so that it can all be removed).

Every question goes through :meth:`Session.ask`, which never raises for an answer: an
error status, an unknown body or no answer at all is an :class:`Answer` like any other.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, TypeVar

import httpx

from .._errors import APIConnectionError, APIStatusError
from .._http import RETRYABLE_STATUSES, Client
from .report import Leftover, Redactor

__all__ = ["Answer", "Made", "Session"]

T = TypeVar("T")

_EXCERPT = 140
FIRST_DELAY = 0.1
MAX_DELAY = 5.0


@dataclass(frozen=True)
class Answer:
    """What the server said to one request."""

    method: str
    path: str
    ok: bool
    status: Optional[int] = None
    """The error's HTTP status; None for a success or for no answer at all."""
    code: Optional[str] = None
    message: str = ""
    body: dict[str, Any] = field(default_factory=dict, repr=False)
    """A success's JSON body (never printed whole)."""

    @property
    def answered(self) -> bool:
        return self.ok or self.status is not None

    def text(self, *, method: bool = True) -> str:
        """``DELETE 404 NOT_FOUND "Not Found"``: status, code and the message's start."""
        prefix = f"{self.method} " if method else ""
        if self.ok:
            return f"{prefix}ok"
        if self.status is None:
            return f"{prefix}no answer ({excerpt(self.message)})"
        label = f"{self.status} {self.code}" if self.code else str(self.status)
        return f'{prefix}{label} "{excerpt(self.message)}"'


def excerpt(text: str, limit: int = _EXCERPT) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


@dataclass
class Made:
    """An object the probe made (or may have made: it is recorded before the create)."""

    kind: str
    name: str
    remove: str
    gone: bool = False
    reason: str = ""


class Session:
    """State of one probe run."""

    def __init__(
        self,
        client: Client,
        *,
        base_url: str,
        redact: Redactor,
        wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.base_url = base_url
        self.redact = redact
        self.wait = wait
        self.sleep = sleep
        self.clock = clock
        self.run_id = secrets.token_hex(4)
        self.made: list[Made] = []

    @property
    def account_id(self) -> str:
        return self.client.account_id

    def account_path(self, *parts: str) -> str:
        return "/".join([f"/v1/accounts/{self.account_id}", *parts])

    def unique_id(self, suffix: str = "") -> str:
        """``pf-probe-<random>[-suffix]``: lowercase, a valid id of every collection."""
        return f"pf-probe-{self.run_id}" + (f"-{suffix}" if suffix else "")

    # -- asking -----------------------------------------------------------------------------

    def ask(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        create: bool = False,
        retry_500: bool = True,
    ) -> Answer:
        """Send one request; whatever comes back is the answer. ``create``: never repeated
        blindly (its cleanup finds what it made by id). ``retry_500=False`` shows the first
        500 instead of retrying it (the provider reads missing secrets that way too)."""
        statuses = RETRYABLE_STATUSES if retry_500 else RETRYABLE_STATUSES - {500}
        try:
            body = self.client.request(
                method, path, params=params, json=json, idempotent=not create, retry_statuses=statuses
            )
        except APIStatusError as exc:
            return Answer(method, path, False, exc.status, exc.code, exc.message)
        except APIConnectionError as exc:
            return Answer(method, path, False, None, None, str(exc))
        except ValueError:
            return Answer(method, path, True, message="a success whose body is not JSON")
        except httpx.HTTPError as exc:
            return Answer(method, path, False, None, None, f"{type(exc).__name__}: {exc}")
        return Answer(method, path, True, body=body if isinstance(body, dict) else {"value": body})

    def poll(self, attempt: Callable[[], Optional[T]], timeout: Optional[float] = None) -> Optional[T]:
        """Call ``attempt`` until it returns something, for at most ``timeout`` seconds
        (the run's ``wait``); None when time ran out. Waits 0.1 s, then twice as long each
        time, at most 5 s."""
        deadline = self.clock() + (self.wait if timeout is None else timeout)
        delay = FIRST_DELAY
        while True:
            result = attempt()
            if result is not None:
                return result
            left = deadline - self.clock()
            if left <= 0:
                return None
            self.sleep(min(delay, left))
            delay = min(delay * 2, MAX_DELAY)

    def wait_state(self, path: str, states: frozenset[str]) -> Answer:
        """GET ``path`` until its ``state`` is one of ``states`` (or an error, or time is up);
        the last answer."""
        last: list[Answer] = []

        def attempt() -> Optional[Answer]:
            answer = self.ask("GET", path)
            last[:] = [answer]
            if not answer.ok or answer.body.get("state") in states:
                return answer
            return None

        return self.poll(attempt) or last[0]

    def wait_gone(self, path: str) -> bool:
        """GET ``path`` until it answers 404 (True), or time is up (False)."""
        return self.poll(lambda: True if self.ask("GET", path).status == 404 else None) is True

    # -- what the run made -------------------------------------------------------------------

    def track(self, kind: str, name: str, remove: str) -> Made:
        """Record an object before it is created: even a create whose answer is lost is removed."""
        made = Made(kind, name, remove)
        self.made.append(made)
        return made

    def curl(self, method: str, name: str, body: Optional[str] = None) -> str:
        """The curl command for one API call on ``name``, with the key as ``$FIREWORKS_API_KEY``."""
        data = f" -H 'Content-Type: application/json' -d '{body}'" if body else ""
        return f"curl -X {method} -H \"Authorization: Bearer $FIREWORKS_API_KEY\"{data} {self.base_url}/v1/{name}"

    def leftovers(self) -> list[Leftover]:
        return [
            Leftover(m.kind, m.name, m.reason or "its removal was not confirmed", m.remove)
            for m in self.made
            if not m.gone
        ]
