"""ApiKey rules: the create body, key material, expiry.

Keys look like ``fw_`` plus 32 letters and digits. Only their SHA-256 is stored (the
store's credential table), so ``secure`` is always true: the emulator, like Fireworks for
secure keys, cannot show the plaintext again. ``prefix`` is the first 8 characters.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timezone
from typing import Optional

from ..._wire.api_key import DEFAULT_API_KEY_DISPLAY_NAME, ApiKey
from ..errors import invalid_field
from .common import check_display_fields

KEY_PREFIX = "fw_"
KEY_BODY_LEN = 32
VISIBLE_PREFIX_LEN = 8
_ALNUM = string.ascii_letters + string.digits


def new_key() -> str:
    return KEY_PREFIX + "".join(secrets.choice(_ALNUM) for _ in range(KEY_BODY_LEN))


def new_key_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(20))


def visible_prefix(key: str) -> str:
    return key[:VISIBLE_PREFIX_LEN]


def parse_timestamp(field: str, value: str) -> datetime:
    """RFC 3339 (``2030-01-02T03:04:05Z``, with or without fractions/offset)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise invalid_field(field, f"{value!r} is not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise invalid_field(field, f"{value!r} has no time zone; use e.g. 2030-01-01T00:00:00Z")
    return parsed.astimezone(timezone.utc)


def check_create(api_key: Optional[ApiKey], now: datetime) -> tuple[ApiKey, Optional[datetime]]:
    """Validate the wrapped ``apiKey``; returns it with defaults and its expiry (or None)."""
    if api_key is None:
        raise invalid_field("api_key", "is required (the body is {\"apiKey\": {...}})")
    check_display_fields("api_key.", api_key.display_name)
    expires: Optional[datetime] = None
    if api_key.expire_time:
        expires = parse_timestamp("api_key.expire_time", api_key.expire_time)
        if expires <= now:
            raise invalid_field("api_key.expire_time", "must be in the future")
    display_name = api_key.display_name or DEFAULT_API_KEY_DISPLAY_NAME
    return api_key.model_copy(update={"display_name": display_name}), expires


def check_key_id(key_id: Optional[str]) -> str:
    if not key_id:
        raise invalid_field("key_id", "is required")
    return key_id
