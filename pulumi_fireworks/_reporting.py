"""What a user sees when an operation fails: one or two lines, not a traceback.

Two pieces. :func:`resource_error` turns any failure of an operation into a
:class:`~._errors.ResourceError` that names the resource, the operation, the API's code
and message, and what to do. :class:`ShortTracebacks` stands in for the ``traceback``
module in the ``pulumi.dynamic`` provider server (which reports every exception with its
full traceback), so that our errors are reported by their message alone — unless debug
output is on (``PULUMI_FIREWORKS_DEBUG=1``, or the engine's ``-v=N`` logging flags), when
tracebacks are what is wanted. The process hook that installs it is in :mod:`._process`.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any

from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    FireworksError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResourceError,
)

log = logging.getLogger(__name__)

DEBUG_ENV = "PULUMI_FIREWORKS_DEBUG"

_RERUN = "run `pulumi up` again: what was already made is found again, never duplicated"


def hint(exc: FireworksError) -> str:
    """What the user can do about ``exc``."""
    if isinstance(exc, AuthenticationError):
        return "check the API key (`pulumi config set --secret fireworks:apiKey ...` or FIREWORKS_API_KEY)"
    if isinstance(exc, PermissionDeniedError):
        return "the key's user lacks the permission: use a key of a user whose role allows this"
    if isinstance(exc, NotFoundError):
        return "something it names does not exist: check the names and ids in its inputs"
    if isinstance(exc, BadRequestError):
        return "change the input the message points at, then run `pulumi up` again"
    if isinstance(exc, RateLimitError):
        return f"the API kept rate-limiting after retries; wait, or lower `--parallel`, then {_RERUN}"
    if isinstance(exc, (InternalServerError, APIConnectionError)):
        return f"the service did not answer properly; {_RERUN}"
    if isinstance(exc, APIStatusError) and exc.status == 408:
        return f"the request timed out; {_RERUN}"
    return ""


def warn(message: str) -> None:
    """Tell the user something that is not a failure. The engine shows what a provider
    writes to stderr among the update's diagnostics; there is no other channel for a
    dynamic provider."""
    print(f"warning: {message}", file=sys.stderr, flush=True)


def api_text(exc: FireworksError) -> str:
    """The API's own words for a status error (code and message), else the error's text."""
    if isinstance(exc, APIStatusError):
        code = f"{exc.status} {exc.code}" if exc.code else str(exc.status)
        return f"{code}: {exc.message}"
    return str(exc)


def resource_error(label: str, operation: str, exc: FireworksError) -> ResourceError:
    """``exc`` as the one-or-two-line error ``pulumi up`` shows for this resource."""
    if isinstance(exc, ResourceError):
        return exc  # already names the resource and says what to do
    if isinstance(exc, ConfigurationError):
        return ResourceError(f"{label}: {operation} failed: {exc}")
    todo = hint(exc)
    return ResourceError(f"{label}: {operation} failed: {api_text(exc)}" + (f"\n  To fix: {todo}." if todo else ""))


def debug_enabled(argv: list[str] | None = None, environ: Any = None) -> bool:
    """Full tracebacks are wanted: PULUMI_FIREWORKS_DEBUG is set, or the engine started
    the provider with verbose logging (``-v=N``, which ``pulumi -v=N --logflow`` passes on)."""
    environ = os.environ if environ is None else environ
    if str(environ.get(DEBUG_ENV, "")).lower() in ("1", "true", "yes"):
        return True
    for arg in argv if argv is not None else sys.argv:
        if arg.startswith("-v=") and arg[3:].isdigit() and int(arg[3:]) > 0:
            return True
    return False


class ShortTracebacks:
    """Stands in for the ``traceback`` module in the provider server: ``format_exc``
    gives our errors' message alone; everything else is the real module's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, FireworksError):
            return str(exc)
        return traceback.format_exc(*args, **kwargs)
