"""Account (read-only): ``accounts/{account_id}``.

Fields follow ``fireworks.types.Account`` (SDK 1.2.30). ``email`` is required there.
"""

from __future__ import annotations

from typing import Optional

from ._base import Status, WireModel, output_only

ACCOUNT_TYPES: tuple[str, ...] = ("ACCOUNT_TYPE_UNSPECIFIED", "ENTERPRISE")
ACCOUNT_STATES: tuple[str, ...] = ("STATE_UNSPECIFIED", "CREATING", "READY", "UPDATING", "DELETING")
SUSPEND_STATES: tuple[str, ...] = (
    "UNSUSPENDED",
    "FAILED_PAYMENTS",
    "CREDIT_DEPLETED",
    "MONTHLY_SPEND_LIMIT_EXCEEDED",
    "BLOCKED_BY_ABUSE_RULE",
)


class Account(WireModel):
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    suspend_state: Optional[str] = output_only()

    display_name: Optional[str] = None
    email: Optional[str] = None
    account_type: Optional[str] = None
