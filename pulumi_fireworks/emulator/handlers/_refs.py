"""Look-ups of referenced resources shared by the model-related handlers.

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
