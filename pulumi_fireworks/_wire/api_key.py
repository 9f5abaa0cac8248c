"""ApiKey: a key of a user, under ``accounts/{account_id}/users/{user_id}/apiKeys``.

Fields follow ``fireworks.types.APIKey`` (SDK 1.2.30) plus ``annotations`` and
``lastUsed`` from the newer OpenAPI document. There is no ``name``: a key is identified
by its user and its ``keyId``. ``key`` is the credential itself, returned only by create;
it is excluded from ``repr`` so that logging a model can never print it.
"""

from __future__ import annotations

from typing import Optional


from ._base import WireModel, newer_spec, output_only

DEFAULT_API_KEY_DISPLAY_NAME = "default"


class ApiKey(WireModel):
    # Server view (output only).
    key_id: Optional[str] = output_only()
    key: Optional[str] = output_only(repr=False)
    prefix: Optional[str] = output_only()
    secure: Optional[bool] = output_only()
    email: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    last_used: Optional[str] = output_only(newer_spec=True)

    # Settable on create (keys are immutable).
    display_name: Optional[str] = None
    expire_time: Optional[str] = None
    annotations: Optional[dict[str, str]] = newer_spec()


class CreateApiKeyRequest(WireModel):
    """Body of ``POST .../users/{u}/apiKeys``: the key is wrapped."""

    api_key: Optional[ApiKey] = None


class DeleteApiKeyRequest(WireModel):
    """Body of ``POST .../users/{u}/apiKeys:delete``."""

    key_id: Optional[str] = None
