"""Quota rules: what the API refuses (400 naming the field, 403 for the ceiling)."""

from __future__ import annotations

from typing import Any, Optional

from ..errors import invalid_field, permission_denied


def int64(field: str, raw: Any) -> str:
    """An int64 from a request (a JSON string, or a number as protojson also accepts), in
    the string form responses use; a quota is never negative."""
    if isinstance(raw, bool) or raw is None or raw == "":
        raise invalid_field(field, "is required: a whole number (int64, as a JSON string)")
    try:
        number = int(str(raw))
    except ValueError:
        raise invalid_field(field, f"must be a whole number (int64), got {raw!r}") from None
    if number < 0:
        raise invalid_field(field, f"must be at least 0, got {number}")
    return str(number)


def check_within_ceiling(value: Optional[str], ceiling: Optional[str]) -> None:
    if value is not None and ceiling is not None and int(value) > int(ceiling):
        raise invalid_field("value", f"{value} is above max_value {ceiling}; the value must not exceed max_value")


def check_ceiling_unchanged(old: Optional[str], given: Any) -> None:
    """``maxValue`` is what Fireworks approved; repeating it is fine, changing it is not."""
    if given is not None and str(given) != str(old):
        raise permission_denied("max_value is set by Fireworks; request a quota increase to raise it")
