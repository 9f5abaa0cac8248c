"""Access: API keys expire, and service accounts do not hold forbidden roles (admin)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Optional

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import API_KEY, SERVICE_ACCOUNT, ApiKey, ServiceAccount
from ..settings import Setting, Settings
from ..values import Unknown

API_KEY_EXPIRY = "fireworks-api-key-expiry"
SERVICE_ACCOUNT_ROLES = "fireworks-service-account-roles"

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


_EXPIRY_SETTINGS = Settings(
    API_KEY_EXPIRY,
    (
        Setting("maxDays", {"type": "integer", "minimum": 1, "default": 90,
                            "description": "API keys must expire at most this many days from now."}),
    ),
)

_ROLE_SETTINGS = Settings(
    SERVICE_ACCOUNT_ROLES,
    (
        Setting("forbiddenRoles", {
            "type": "array", "items": {"type": "string"}, "default": ["admin"],
            "description": "Roles service accounts may not hold (admin, user, contributor, inference-user, custom)."}),
    ),
)


def expiry_check(clock: Clock) -> Callable[[ApiKey, ResourceContext], Iterator[str]]:
    def check(key: ApiKey, context: ResourceContext) -> Iterator[str]:
        max_days = context.config.integer("maxDays")
        if max_days is None or isinstance(key.expire_time, Unknown):
            return
        now = clock()
        latest = now + timedelta(days=max_days)
        if key.expire_time is None:
            yield (
                f"API key {context.name!r} has no expire_time, so it never expires; set expire_time to an "
                f"RFC 3339 time within {max_days} days, e.g. {latest.strftime('%Y-%m-%dT%H:%M:%SZ')}."
            )
        elif key.expire_time > latest:
            days = (key.expire_time - now).days
            yield (
                f"API key {context.name!r} expires {key.expire_time.strftime('%Y-%m-%dT%H:%M:%SZ')}, in {days} "
                f"days; keys must expire within {max_days} days (by {latest.strftime('%Y-%m-%dT%H:%M:%SZ')})."
            )

    return check


def check_service_account_role(account: ServiceAccount, context: ResourceContext) -> Iterator[str]:
    forbidden = context.config.strings("forbiddenRoles") or ()
    if isinstance(account.role, str) and account.role in forbidden:
        yield (
            f"service account {context.name!r} has role {account.role!r}, which service accounts may not hold; "
            f"give it the narrowest role that works (e.g. 'inference-user')."
        )


def api_key_expiry(clock: Optional[Clock] = None) -> ResourceValidationPolicy:
    """``clock`` is for tests: the rule compares expire_time with its "now"."""
    return resource_policy(
        name=API_KEY_EXPIRY,
        description="API keys expire, within a configured number of days.",
        remediation_steps=(
            "Set expire_time on the ApiKey to an RFC 3339 time within maxDays (e.g. '2030-01-31T00:00:00Z'), "
            "and rotate the key before it expires."
        ),
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_EXPIRY_SETTINGS,
        resource_types=[API_KEY],
        read=lambda _type, props: ApiKey.read(props),
        check=expiry_check(clock or _utc_now),
    )


def service_account_roles() -> ResourceValidationPolicy:
    return resource_policy(
        name=SERVICE_ACCOUNT_ROLES,
        description="Service accounts do not hold the admin role (or other forbidden roles).",
        remediation_steps="Set role on the ServiceAccount to a narrower role such as 'inference-user' or 'user'.",
        severity=Severity.CRITICAL,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_ROLE_SETTINGS,
        resource_types=[SERVICE_ACCOUNT],
        read=lambda _type, props: ServiceAccount.read(props),
        check=check_service_account_role,
    )
