"""What a lookup's argument names: a full resource name, or an id in the configured account.

Checked before anything is sent, for two reasons: a malformed name gets a message saying
what was expected instead of the API's 404, and nothing a program passes can change the
request path (``?``, ``#``, ``..`` or extra ``/`` segments never reach the URL).
"""

from __future__ import annotations

import re
from typing import Callable

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class BadName(ValueError):
    """The argument is not a name of the kind the lookup takes; the message says why."""


def resource_name(given: object, collection: str, noun: str, account_id: Callable[[], str]) -> str:
    """``accounts/<a>/<collection>/<id>`` for ``given``, which is either that name or a
    bare ``<id>`` in the configured account (``account_id`` is only asked for then)."""
    if not isinstance(given, str) or not given:
        raise BadName(f"expected a {noun} name or id, got {given!r}")
    parts = given.split("/")
    if len(parts) == 1 and _SEGMENT.match(given):
        return f"accounts/{account_id()}/{collection}/{given}"
    if len(parts) == 4 and parts[0] == "accounts" and parts[2] == collection and all(
        _SEGMENT.match(p) for p in (parts[1], parts[3])
    ):
        return given
    raise BadName(
        f"{given!r} is not a {noun} name: give accounts/<account>/{collection}/<id>, "
        f"or the id of a {noun} in your account"
    )


def account_id(given: object) -> str:
    """An account id (``fireworks``), also accepted as ``accounts/<id>``."""
    text = given.removeprefix("accounts/") if isinstance(given, str) else given
    if not isinstance(text, str) or not _SEGMENT.match(text):
        raise BadName(f"{given!r} is not an account id: give e.g. 'fireworks' or 'accounts/fireworks'")
    return text
