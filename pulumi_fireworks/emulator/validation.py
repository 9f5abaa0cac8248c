"""Field checks as data: each check raises a 400 INVALID_ARGUMENT naming the field.

A resource declares ``FieldCheck`` rows (``"autoscaling_policy.scale_up_window":
duration(max_seconds=3600)``) and :func:`run_checks` applies them to the wire document;
absent fields are skipped. Cross-field rules (exclusive fields, min <= max) stay in the
resource's handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Optional

from pydantic import BaseModel

from .errors import invalid_field
from .query import get_path, resolve_path, set_path

Check = Callable[[str, Any], Any]  # (field path, value) -> normalised value; raises ApiError

_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?\Z")
_DURATION = re.compile(r"(-?)(\d+)(?:\.(\d{1,9}))?s\Z")
MAX_DURATION_SECONDS = 315_576_000_000  # google.protobuf.Duration range


def check_id(field: str, value: str) -> None:
    """Resource ids: 1-63 chars of ``a-z0-9-``, starting with a letter, not ending in ``-``."""
    if not _ID.match(value or ""):
        raise invalid_field(
            field,
            f"{value!r} is not a valid id: use 1-63 characters a-z, 0-9 and '-', starting with a "
            "letter and not ending with '-'",
        )


def parse_duration(field: str, value: Any) -> Decimal:
    """A proto3 JSON Duration (``"30s"``, ``"1.5s"``) -> seconds. Go-style ``"10m"`` is rejected:
    proto3 JSON only has the seconds form."""
    m = _DURATION.match(value) if isinstance(value, str) else None
    if m is None:
        raise invalid_field(field, f"{value!r} is not a duration: use seconds with an 's' suffix, e.g. \"30s\"")
    seconds = Decimal(m.group(2) + "." + (m.group(3) or "0"))
    if m.group(1):
        seconds = -seconds
    if abs(seconds) > MAX_DURATION_SECONDS:
        raise invalid_field(field, f"{value!r} is out of range")
    return seconds


def format_duration(seconds: Decimal) -> str:
    """Canonical proto3 JSON: 0, 3, 6 or 9 fractional digits (``"600s"``, ``"1.500s"``)."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    whole = int(seconds)
    nanos = int((seconds - whole) * 1_000_000_000)
    if nanos == 0:
        return f"{sign}{whole}s"
    if nanos % 1_000_000 == 0:
        return f"{sign}{whole}.{nanos // 1_000_000:03d}s"
    if nanos % 1_000 == 0:
        return f"{sign}{whole}.{nanos // 1_000:06d}s"
    return f"{sign}{whole}.{nanos:09d}s"


def duration(*, min_seconds: Optional[float] = None, max_seconds: Optional[float] = None) -> Check:
    def check(field: str, value: Any) -> str:
        seconds = parse_duration(field, value)
        if seconds < 0:
            raise invalid_field(field, f"{value!r} must not be negative")
        if min_seconds is not None and seconds < Decimal(str(min_seconds)):
            raise invalid_field(field, f"{value!r} must be at least {format_duration(Decimal(str(min_seconds)))}")
        if max_seconds is not None and seconds > Decimal(str(max_seconds)):
            raise invalid_field(field, f"{value!r} must be at most {format_duration(Decimal(str(max_seconds)))}")
        return format_duration(seconds)

    return check


def enum(values: Iterable[str], *, allow_unspecified: bool = True) -> Check:
    """One of ``values``; the ``*_UNSPECIFIED`` zero value is accepted unless told not to."""
    allowed = frozenset(values)

    def check(field: str, value: Any) -> Any:
        if allow_unspecified and isinstance(value, str) and value.endswith("_UNSPECIFIED"):
            return value
        if value not in allowed:
            raise invalid_field(field, f"{value!r} is not a valid value")
        return value

    return check


def enum_list(values: Iterable[str]) -> Check:
    item = enum(values)

    def check(field: str, value: Any) -> Any:
        return [item(field, v) for v in value]

    return check


def int_range(minimum: Optional[int] = None, maximum: Optional[int] = None) -> Check:
    def check(field: str, value: Any) -> Any:
        if minimum is not None and value < minimum:
            raise invalid_field(field, f"{value} must be >= {minimum}")
        if maximum is not None and value > maximum:
            raise invalid_field(field, f"{value} must be <= {maximum}")
        return value

    return check


def max_length(limit: int) -> Check:
    """Strings must be *fewer than* ``limit`` characters (the API's wording)."""

    def check(field: str, value: Any) -> Any:
        if len(value) >= limit:
            raise invalid_field(field, f"must be fewer than {limit} characters (got {len(value)})")
        return value

    return check


def timestamp(field: str, value: Any) -> str:
    """An RFC 3339 timestamp, re-rendered in UTC with a ``Z`` suffix."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise invalid_field(field, f"{value!r} is not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise invalid_field(field, f"{value!r} has no time zone offset")
    return rfc3339(parsed.timestamp())


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class FieldCheck:
    path: str  # snake_case proto path
    check: Check


def run_checks(model: type[BaseModel], doc: dict[str, Any], checks: Mapping[str, Check]) -> None:
    """Apply ``checks`` (path -> check) to ``doc`` in place, storing normalised values."""
    for path, check in checks.items():
        wire = resolve_path(model, path)
        value = get_path(doc, wire)
        if value is not None:
            set_path(doc, wire, check(path, value))
