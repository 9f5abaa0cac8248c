"""Look-ups of referenced resources shared by the model-related handlers (and who the
caller is, for the ``createdBy`` of jobs and evaluators).

A referenced resource is loaded through its collection (:meth:`Collection.load` with
``read=False``), so a transition that is already due settles first -- e.g. a model whose
``:validateUpload`` finished "instantly" is READY for a LoRA load that follows at once,
without an intervening GET -- while ``{"reads": N}`` timings are not consumed.
"""

from __future__ import annotations

from typing import Optional

from ..auth import PUBLIC_ACCOUNT
from ..errors import ApiError, Code
from ..backend import Served
from ..routing import Request
from ..store import Record


def collection_of(req: Request, name: str) -> Optional[Served]:
    """The collection that serves ``name`` (by its collection segment)."""
    return req.backend.collection(name)


def load_settled(req: Request, name: str) -> Optional[Record]:
    collection = collection_of(req, name)
    if collection is None:
        return req.backend.store.get(name)
    return collection.load(req, name, read=False)


def visible(req: Request, record: Optional[Record]) -> bool:
    """Whether the caller's key may read ``record`` (own account, public account, or public)."""
    if record is None or record.deleted:
        return False
    return record.account in (req.account, PUBLIC_ACCOUNT) or record.doc.get("public") is True


def find_visible(req: Request, name: str) -> Optional[Record]:
    record = load_settled(req, name)
    return record if visible(req, record) else None


def require_visible(req: Request, name: str, field: str, noun: str) -> Record:
    """The referenced resource, or 404 NOT_FOUND naming ``field`` (the deployments
    handler's convention for a missing referenced resource)."""
    record = find_visible(req, name)
    if record is None:
        raise ApiError(Code.NOT_FOUND, f"{field}: {noun} not found: {name}")
    return record


def caller_email(req: Request) -> Optional[str]:
    """The e-mail of the user whose API key made the request, else the account's."""
    principal = req.principal
    if principal is None:
        return None
    store = req.backend.store
    for key in store.find("apiKeys", "keyId", principal.key_id, account=principal.account):
        if key.doc.get("email"):
            return str(key.doc["email"])
    account = store.get(f"accounts/{principal.account}")
    email = account.doc.get("email") if account is not None else None
    return str(email) if email else None
