"""How a lookup reaches the API from the *program* process, and how its failures read.

Resources talk to the API from the dynamic-provider process, which the engine hands the
stack configuration (``FireworksProvider.configure``). Lookups run in the program, where
the same configuration is Pulumi's program config: this module reads the same three keys
there and resolves them exactly as the provider does (:func:`.._config.resolve_settings`:
stack config, then environment), then uses the same :class:`.._http.Client`, so retries
and error mapping are the resources' own.

The key is read as plain text because a synchronous lookup needs it now, not as an
``Output``; it only ever goes into the ``Authorization`` header of the client kept here
(``Settings`` hides it from ``repr``), never into a result, an output or a message.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from typing import Iterator, Mapping, Optional

import pulumi.runtime
from pydantic import ValidationError

from .._config import CONFIG_ACCOUNT_ID, CONFIG_API_KEY, CONFIG_BASE_URL, Settings, resolve_settings
from .._errors import ConfigurationError, FireworksError, LookupFailedError, NotFoundError
from .._http import Client
from .._reporting import api_text, hint
from ._names import BadName

_clients: dict[Settings, Client] = {}
_lock = threading.Lock()
_given: contextvars.ContextVar[Optional[Mapping[str, Optional[str]]]] = contextvars.ContextVar("given", default=None)


@contextlib.contextmanager
def configured(stack_config: Mapping[str, Optional[str]]) -> Iterator[None]:
    """Lookups in this context read ``stack_config`` (``fireworks:*`` keys) instead of the
    program's: the provider plugin serves them as invokes, outside any program."""
    token = _given.set(stack_config)
    try:
        yield
    finally:
        _given.reset(token)


def program_settings() -> Settings:
    """The provider's settings as the program sees them: ``fireworks:*`` stack config
    (``pulumi.runtime.get_config``, what ``pulumi.Config("fireworks").get`` reads, without
    a warning for the secret key), then the environment."""
    given = _given.get()
    keys = (CONFIG_API_KEY, CONFIG_ACCOUNT_ID, CONFIG_BASE_URL)
    stack_config = {key: given.get(key) for key in keys} if given is not None else {key: pulumi.runtime.get_config(key) for key in keys}
    return resolve_settings(stack_config)


def client() -> Client:
    """One client per distinct configuration, shared by every lookup of the program (so
    the account is discovered once)."""
    settings = program_settings()
    with _lock:
        found = _clients.get(settings)
        if found is None:
            found = _clients[settings] = Client(settings)
        return found


class Call:
    """One lookup in progress: the client, and what is being looked up (for messages)."""

    def __init__(self, function: str, noun: str, target: str) -> None:
        self.function = function
        self.noun = noun
        self.target = target
        """What the messages name; set to the full resource name once it is known."""
        self._client: Optional[Client] = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = client()
        return self._client

    def not_found(self, what: Optional[str] = None) -> LookupFailedError:
        """The one-line error for an object that does not exist."""
        return LookupFailedError(
            what or f"fireworks: {self.noun} {self.target!r} not found ({self.function})", not_found=True
        )

    def failed(self, reason: str, todo: str = "") -> LookupFailedError:
        message = f"fireworks: {self.function}({self.target!r}) failed: {reason}"
        return LookupFailedError(message + (f"\n  To fix: {todo}." if todo else ""))


@contextlib.contextmanager
def lookup(function: str, noun: str, target: str) -> Iterator[Call]:
    """Run one lookup; any failure leaves it as a :class:`LookupFailedError` whose message
    names ``function`` and what it looked up (``call.target``)."""
    call = Call(function, noun, target)
    try:
        yield call
    except LookupFailedError:
        raise
    except BadName as exc:
        raise LookupFailedError(f"fireworks: {function}: {exc}") from None
    except NotFoundError as exc:
        raise call.not_found() from exc
    except ConfigurationError as exc:
        raise call.failed(str(exc)) from exc
    except FireworksError as exc:
        raise call.failed(api_text(exc), hint(exc)) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise call.failed(f"the API's answer is not a {noun} ({where}: {first['msg']})") from exc
