"""Authentication and account scoping, as the gateway does it.

* The key travels as ``Authorization: Bearer <key>`` (the SDK) or ``X-Api-Key: <key>``
  (the training SDK); a missing, unknown or revoked key is 401 UNAUTHENTICATED.
* A key belongs to one account and sees only that account's resources.
* Fireworks' public account (:data:`PUBLIC_ACCOUNT`) is readable by every key for the
  collections that are public there (models, deployment shapes and their versions);
  writes there are denied.
* Any other account's path is **403 PERMISSION_DENIED**, whether or not the account
  exists. Choice: Google's AIP-211 requires PERMISSION_DENIED for a parent the caller
  cannot access (so as not to leak existence), and the gateway is a Google-style API; the
  docs' error-code table (https://docs.fireworks.ai/guides/inference-error-codes) gives 404
  also when "you don't have permission to access it", but no source shows it for a foreign
  *account*, so the emulator uses 403 and keeps 404 for
  resources missing in the caller's own (or the public) account.
"""

from __future__ import annotations

from typing import Mapping, Optional

from .errors import permission_denied, unauthenticated
from .store import Credential, Store

PUBLIC_ACCOUNT = "fireworks"


def extract_key(headers: Mapping[str, str]) -> Optional[str]:
    """The API key of a request, or None. Header names are case-insensitive."""
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return None
    key = headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


def authenticate(store: Store, headers: Mapping[str, str]) -> Credential:
    key = extract_key(headers)
    if key is None:
        raise unauthenticated("missing API key: send 'Authorization: Bearer <API key>'")
    credential = store.credential_for(key)
    if credential is None:
        raise unauthenticated("invalid API key")
    return credential


def authorize(principal: Credential, account: str, *, write: bool, public_read: bool = False) -> None:
    """Raise 403 unless ``principal`` may read (or write) under ``accounts/<account>``."""
    if account == principal.account:
        return
    if account == PUBLIC_ACCOUNT and public_read and not write:
        return
    raise permission_denied(f"permission denied: the API key cannot access accounts/{account}")
