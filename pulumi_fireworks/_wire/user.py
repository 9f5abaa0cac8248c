"""User (humans and service accounts): ``accounts/{account_id}/users/{user_id}``.

Fields follow ``fireworks.types.User`` (SDK 1.2.30) plus ``permissionPreset`` from the
newer OpenAPI document (used with role ``custom``). The id comes from the ``userId``
query parameter of create.
"""

from __future__ import annotations

import typing

from typing import Literal, Optional

from ._base import Status, WireModel, newer_spec, output_only

#: SDK roles, then the newer spec's ``custom`` (which goes with ``permissionPreset``).
Role = Literal["admin", "user", "contributor", "inference-user", "custom"]
USER_ROLES: tuple[str, ...] = typing.get_args(Role)

USER_STATES: tuple[str, ...] = ("STATE_UNSPECIFIED", "CREATING", "READY", "UPDATING", "DELETING")

#: Service accounts get this e-mail (docs: audit logs show ``<id>@<account>.sa.fireworks.ai``).
SERVICE_ACCOUNT_EMAIL_DOMAIN = "sa.fireworks.ai"


class User(WireModel):
    # Identity and server view (output only).
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()

    # Settable (``serviceAccount`` effectively only on create).
    role: Optional[str] = None
    email: Optional[str] = None
    display_name: Optional[str] = None
    service_account: Optional[bool] = None
    permission_preset: Optional[str] = newer_spec()
