"""User rules: roles, e-mails, service accounts, ids derived from e-mails.

* Roles: the SDK's ``admin, user, contributor, inference-user`` and the newer spec's
  ``custom``, which requires ``permissionPreset`` (and only ``custom`` may carry one).
  ``custom_roles=False`` (a server without ``permissionPreset``) refuses ``custom``.
* Humans need an ``email``; the id defaults to one derived from it.
* Service accounts need ``userId``; their e-mail is always
  ``<id>@<account>.sa.fireworks.ai`` (docs, audit logs). A different e-mail is a 400.
* ``serviceAccount`` and ``email`` cannot change after create (undocumented; the e-mail
  is the user's identity and a service account's is derived from its id).
"""

from __future__ import annotations

import re
from typing import Optional

from ..._wire.user import SERVICE_ACCOUNT_EMAIL_DOMAIN, USER_ROLES, User
from ..errors import invalid_field
from .common import check_display_fields, check_enum, check_resource_id

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def service_account_email(user_id: str, account: str) -> str:
    return f"{user_id}@{account}.{SERVICE_ACCOUNT_EMAIL_DOMAIN}"


def check_role(user: User, *, custom_roles: bool = True) -> None:
    roles = USER_ROLES if custom_roles else tuple(r for r in USER_ROLES if r != "custom")
    if not user.role:
        raise invalid_field("role", f"is required: one of {', '.join(roles)}")
    if user.role == "custom" and not custom_roles:
        raise invalid_field(
            "role", f"'custom' is not available (no permission presets on this server); use one of {', '.join(roles)}"
        )
    check_enum("role", user.role, roles)
    if user.role == "custom" and not user.permission_preset:
        raise invalid_field("permission_preset", "is required when role is custom")
    if user.role != "custom" and user.permission_preset:
        raise invalid_field("permission_preset", f"must not be set when role is {user.role}")


def check_email(email: Optional[str]) -> None:
    if email is not None and not _EMAIL_RE.match(email):
        raise invalid_field("email", f"{email!r} is not an e-mail address")


def check_create(
    user: User, user_id: Optional[str], account: str, *, custom_roles: bool = True
) -> tuple[Optional[str], User]:
    """Validate a create; returns (the explicit id or None, the user with e-mail settled)."""
    check_role(user, custom_roles=custom_roles)
    check_display_fields("", user.display_name)
    check_resource_id("user_id", user_id, required=bool(user.service_account))
    if user.service_account:
        assert user_id is not None
        email = service_account_email(user_id, account)
        if user.email and user.email != email:
            raise invalid_field("email", f"must not be set for a service account (it is always {email})")
        return user_id, user.model_copy(update={"email": email, "service_account": True})
    if not user.email:
        raise invalid_field("email", "is required for a user that is not a service account")
    check_email(user.email)
    return user_id, user.model_copy(update={"service_account": False})


def user_id_from_email(email: str) -> str:
    """A valid resource id from the e-mail's local part (``Jane.Doe+x@acme.com`` -> ``jane-doe-x``)."""
    local = email.split("@", 1)[0].lower()
    slug = re.sub(r"[^a-z0-9]+", "-", local).strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"user-{slug}".rstrip("-")
    return slug[:63].rstrip("-")


def check_update(current: User, merged: User, *, custom_roles: bool = True) -> User:
    """A PATCH, after the core merged it (``serviceAccount`` and ``email`` are the
    collection's ``immutable_fields``: kept when absent, a 400 when changed)."""
    if not merged.role:
        raise invalid_field("role", "is required")
    check_role(merged, custom_roles=custom_roles)
    check_display_fields("", merged.display_name)
    return merged
