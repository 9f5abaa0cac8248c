"""Secret rules: the id carried in ``name``, ``keyName``, ``value``.

Id charset (undocumented: not in the SDK nor the docs). Real clients use both lower-case ids with
``-`` (eval-protocol: ``my-eval-api-key``) and firectl-style ``MY_SECRET``, so the
emulator accepts the union: 1-63 characters of ``A-Z a-z 0-9 - _``, starting with a
letter and not ending with ``-`` or ``_``. Ids are case-sensitive.

``keyName`` is injected as an environment variable, so it must be a portable variable
name: ``[A-Za-z_][A-Za-z0-9_]*``, at most 255 characters.

``value`` is input only. The functions here never put it into an error message.
"""

from __future__ import annotations

import re
from typing import Optional

from ..errors import invalid_field

SECRET_ID_RE = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$")
KEY_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
MAX_VALUE_BYTES = 64 * 1024


def secret_id_from_name(name: Optional[str], account: str) -> str:
    """``name`` may be the bare id or ``accounts/<account>/secrets/<id>``."""
    if not name:
        raise invalid_field("name", "is required (the secret id, or accounts/<account>/secrets/<id>)")
    secret_id = name
    if "/" in name:
        parts = name.split("/")
        if len(parts) != 4 or parts[0] != "accounts" or parts[2] != "secrets":
            raise invalid_field("name", f"{name!r} is neither a secret id nor accounts/<account>/secrets/<id>")
        if parts[1] != account:
            raise invalid_field("name", f"{name!r} does not belong to account {account}")
        secret_id = parts[3]
    if not SECRET_ID_RE.match(secret_id):
        raise invalid_field(
            "name",
            f"{secret_id!r} is not a valid secret id: use 1-63 characters of letters, digits, '-' and '_', "
            "starting with a letter and ending with a letter or digit",
        )
    return secret_id


def check_key_name(key_name: Optional[str]) -> str:
    if not key_name:
        raise invalid_field("key_name", "is required (the environment variable name, e.g. MY_API_KEY)")
    if not KEY_NAME_RE.match(key_name):
        raise invalid_field(
            "key_name", f"{key_name!r} is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"
        )
    return key_name


def check_value(value: Optional[str]) -> None:
    """Size only -- and the message never includes the value."""
    if value is not None and len(value.encode()) > MAX_VALUE_BYTES:
        raise invalid_field("value", f"must be at most {MAX_VALUE_BYTES} bytes")
