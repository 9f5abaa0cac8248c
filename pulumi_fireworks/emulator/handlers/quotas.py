"""Quotas: ``accounts/{account}/quotas/{quota}``. Rules: :mod:`..rules.quotas`.

Sources: the docs' API reference ("get quota", "update quota", "list quotas"), the
``gateway.Quota`` protobuf of ``fireworks-ai`` 0.19.20, and the docs' "Rate limits &
quotas" page (a new account's on-demand defaults).

* Get, List and PATCH only: the REST API has no create and no delete for quotas. A PATCH
  of an id the account lacks is 404, unless ``createIfNotExists=true`` makes it.
* Every account has :data:`DEFAULTS` (made when the account's quotas are first touched):
  the documented on-demand GPU quotas (8 A100, 8 H100, 8 H200; ids spelled as
  ``_wire.quota.gpu_quota_id`` guesses, the real ones being undocumented), 2,000 GPU-hours
  a month, 100 LoRAs, 6,000 serverless requests per minute, and a monthly spend limit
  of $500 under an approved ceiling of $5,000 (an account at the docs' "Tier 3").
* ``value`` may be at most ``maxValue`` (firectl: "must be less than max_value"; equal is
  taken as allowed): above it is 400 INVALID_ARGUMENT naming both numbers. ``maxValue`` is
  Fireworks' approval, not the account's to raise: a PATCH that changes it is 403. A quota
  made by ``createIfNotExists`` gets its first value as its ceiling (the emulator's choice:
  the sources say nothing).
* ``usage`` of a GPU quota is computed from the account's deployments (replicas x
  accelerators of that type, deployments being deleted excluded); the others read 0.
* int64 fields travel as JSON strings; ``usage`` is a number.
"""

from __future__ import annotations

from typing import Any

from ..._wire._enums import ACCELERATOR_TYPES
from ..._wire.quota import MONTHLY_SPEND_USD, SERVERLESS_INFERENCE_RPM, Quota, gpu_quota_id
from ..errors import not_found
from ..query import parse_mask
from ..resource import Collection, parse_input, request_body
from ..routing import Request
from ..rules import quotas as rules
from ..store import Record

DEFAULTS: dict[str, tuple[int, int]] = {
    gpu_quota_id("NVIDIA_A100_80GB"): (8, 8),
    gpu_quota_id("NVIDIA_H100_80GB"): (8, 8),
    gpu_quota_id("NVIDIA_H200_141GB"): (8, 8),
    "gpu-hours-monthly": (2000, 2000),
    "lora-models": (100, 100),
    SERVERLESS_INFERENCE_RPM: (6000, 6000),
    MONTHLY_SPEND_USD: (500, 5000),
}
"""Quota id -> (value, maxValue) of a new account (module docstring)."""

_DEFAULTS_MADE = "defaultQuotasMade"
"""Account record flag: its default quotas exist."""

_GPU_QUOTAS = {gpu_quota_id(t): t for t in ACCELERATOR_TYPES}


class Quotas(Collection):
    model = Quota
    collection = "quotas"
    noun = "quota"
    methods = frozenset({"get", "list", "update"})
    default_order_by = "name"

    def require(self, req: Request, *, read: bool = True) -> Record:
        self._ensure_defaults(req)
        return super().require(req, read=read)

    def list(self, req: Request) -> Any:
        self._ensure_defaults(req)
        return super().list(req)

    def _ensure_defaults(self, req: Request) -> None:
        """Give an account the quotas a new account has, the first time its quotas are
        touched (once: one removed through the admin API stays removed)."""
        store = req.backend.store
        account = f"accounts/{req.params['account']}"
        with store.transaction():
            holder = store.get(account)
            if holder is None or holder.meta.get(_DEFAULTS_MADE):
                return
            now = self.now(req)
            for quota_id, (value, ceiling) in DEFAULTS.items():
                name = f"{account}/{self.collection}/{quota_id}"
                if store.get(name) is None:
                    doc = {"name": name, "value": str(value), "maxValue": str(ceiling), "createTime": now, "updateTime": now}
                    store.insert(Record(name, doc))
            holder.meta[_DEFAULTS_MADE] = True
            store.put(holder)

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        doc = dict(record.doc)
        quota_id = record.name.rsplit("/", 1)[-1]
        accelerator = _GPU_QUOTAS.get(quota_id)
        doc["usage"] = float(self._gpus_in_use(req, accelerator)) if accelerator else 0.0
        return doc

    def _gpus_in_use(self, req: Request, accelerator_type: str) -> int:
        """GPUs of ``accelerator_type`` the account's deployments hold now."""
        used = 0
        for record in req.backend.store.list(f"accounts/{req.params['account']}", "deployments", include_deleted=False):
            doc = record.doc
            if doc.get("acceleratorType") == accelerator_type and doc.get("state") != "DELETING":
                used += int(doc.get("replicaCount") or 0) * int(doc.get("acceleratorCount") or 1)
        return used

    def update(self, req: Request) -> Any:
        self.authorize(req, write=True)
        raw = dict(request_body(req, Quota))
        # int64 as protojson takes it: a JSON string or a number (checked by the rules).
        numbers: dict[str, Any] = {key: raw.pop(key) for key in ("value", "maxValue") if key in raw}
        body: dict[str, Any] = {**parse_input(Quota, raw), **numbers}
        mask = parse_mask(Quota, req.query.get("updateMask"), "update_mask")
        paths = {path[0] for path in mask} if mask is not None else {"value", "maxValue"}
        store = req.backend.store
        with store.transaction():
            self._ensure_defaults(req)
            record = self.load(req, self.resource_name(req), read=False)
            if record is None:
                if not req.flag("createIfNotExists"):
                    raise not_found(self.resource_name(req), self.noun)
                record = self._made(req, body)
            old = dict(record.doc)
            new = dict(old)
            if "value" in paths:
                new["value"] = rules.int64("value", body.get("value"))
            if "maxValue" in paths and "maxValue" in body:
                rules.check_ceiling_unchanged(old.get("maxValue"), body.get("maxValue"))
            rules.check_within_ceiling(new.get("value"), new.get("maxValue"))
            if new != old:
                new["updateTime"] = self.now(req)
                record.doc = new
            self.save(req, record)
        return self.respond(req, record)

    def _made(self, req: Request, body: dict[str, Any]) -> Record:
        """A quota ``createIfNotExists`` makes: its first value is its ceiling too."""
        value = rules.int64("value", body.get("value"))
        now = self.now(req)
        name = self.resource_name(req)
        return Record(name, {"name": name, "value": value, "maxValue": value, "createTime": now, "updateTime": now})


COLLECTIONS = [Quotas()]
