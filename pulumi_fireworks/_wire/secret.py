"""Secret: ``accounts/{account_id}/secrets/{secret_id}``.

Fields follow ``fireworks.types.Secret`` (SDK 1.2.30). ``value`` is input only: it is
accepted on create and update and never returned. It is excluded from ``repr`` so that
logging a model can never print it.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from ._base import WireModel


class Secret(WireModel):
    # ``name`` is output only on reads but *required* on create, where it carries the
    # id (bare id or full resource name), so it is not marked output_only.
    name: Optional[str] = None
    key_name: Optional[str] = None
    value: Optional[str] = Field(default=None, repr=False)


class UpdateSecretRequest(WireModel):
    """Body of ``PATCH .../secrets/{id}``."""

    key_name: Optional[str] = None
    value: Optional[str] = Field(default=None, repr=False)
