"""Accounts (read-only): ``GET /v1/accounts`` and ``GET /v1/accounts/{account}``.

A key sees exactly its own account (the training SDK discovers the account id by
listing with ``pageSize=2`` and expects one). Ordering is always by name (``orderBy`` is
documented as unsupported and ignored). Accounts are added through the admin API.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..._wire.account import Account
from ..auth import authorize
from ..resource import Collection
from ..routing import Request


class Accounts(Collection):
    model = Account
    collection = "accounts"
    noun = "account"
    parent_template = ""
    methods = frozenset({"get", "list"})
    default_order_by = "name"

    def authorize(self, req: Request, *, write: bool) -> None:
        assert req.principal is not None
        target = req.params.get("id", req.principal.account)
        authorize(req.principal, target, write=write)

    def list_filter(self, req: Request) -> Optional[Callable[[dict[str, Any]], bool]]:
        account = f"accounts/{req.account}"
        return lambda doc: doc.get("name") == account

    def list(self, req: Request) -> Any:
        # orderBy is "not supported" for accounts: ignore it rather than validate it.
        req.query = {k: v for k, v in req.query.items() if k != "orderBy"}
        return super().list(req)


COLLECTIONS = [Accounts()]
