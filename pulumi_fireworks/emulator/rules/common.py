"""Checks shared by every resource: ids, text lengths, int64 strings, resource names."""

from __future__ import annotations

import re
from typing import Any, Optional

from ..errors import invalid_field
from ..validation import check_id

#: Display names must be fewer than 64 characters, descriptions fewer than 1000.
MAX_DISPLAY_NAME = 63
MAX_DESCRIPTION = 999

#: int64 bounds (proto3 JSON carries them as strings).
INT64_MAX = 2**63 - 1


def check_resource_id(field: str, value: Optional[str], *, required: bool = True) -> Optional[str]:
    """``value`` if it is a valid resource id (the core's :func:`check_id`); 400 naming
    ``field`` otherwise, also when it is required but absent."""
    if value is None or value == "":
        if required:
            raise invalid_field(field, "is required")
        return None
    check_id(field, value)
    return value


def check_length(field: str, value: Optional[str], max_len: int) -> None:
    if value is not None and len(value) > max_len:
        raise invalid_field(field, f"must be fewer than {max_len + 1} characters long (got {len(value)})")


def check_display_fields(prefix: str, display_name: Optional[str], description: Optional[str] = None) -> None:
    check_length(f"{prefix}display_name", display_name, MAX_DISPLAY_NAME)
    check_length(f"{prefix}description", description, MAX_DESCRIPTION)


def check_enum(field: str, value: Optional[str], allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise invalid_field(field, f"unknown value {value!r}; expected one of {', '.join(allowed)}")


def parse_int64(field: str, value: Any, *, minimum: int = 0) -> int:
    """An int64 as proto3 JSON allows it (a decimal string, or a JSON number)."""
    if isinstance(value, bool):
        raise invalid_field(field, f"expected an integer, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        number = int(value.strip())
    else:
        raise invalid_field(field, f"expected an integer (int64 as a decimal string), got {value!r}")
    if number < minimum or number > INT64_MAX:
        raise invalid_field(field, f"must be between {minimum} and {INT64_MAX}, got {number}")
    return number


def parse_child_name(field: str, value: Optional[str], collection: str) -> tuple[str, str]:
    """``accounts/<a>/<collection>/<id>`` -> ``(a, id)``; 400 naming ``field`` otherwise."""
    if not value:
        raise invalid_field(field, "is required")
    parts = value.split("/")
    if len(parts) != 4 or parts[0] != "accounts" or parts[2] != collection or not parts[1] or not parts[3]:
        raise invalid_field(field, f"{value!r} is not a resource name of the form accounts/<account>/{collection}/<id>")
    return parts[1], parts[3]
