"""The one generic CRUD path. A resource is a :class:`Collection` subclass that declares
data (model, names, states, immutable fields, references) and overrides a few hooks;
everything else -- routing, auth, parsing, ids, conflicts, lifecycles, soft delete,
``updateMask``, list filtering/ordering/paging, ``readMask`` -- happens here once.

Standard methods (AIP-131..135), for ``parent_template = "accounts/{account}"`` and
``collection = "widgets"``::

    POST   /v1/accounts/{account}/widgets            create   (id: query ``id_query_param``
                                                               or :meth:`Collection.create_input`)
    GET    /v1/accounts/{account}/widgets            list     (pageSize, pageToken, filter,
                                                               orderBy, readMask[, showDeleted])
    GET    /v1/accounts/{account}/widgets/{id}       get      (readMask)
    PATCH  /v1/accounts/{account}/widgets/{id}       update   (updateMask)
    DELETE /v1/accounts/{account}/widgets/{id}       delete   ([hard, ignoreChecks] if soft_delete)

Hooks, in the order a write calls them: :meth:`Collection.create_input` (id and body of
a create), :meth:`Collection.validate` (raise 400s), :meth:`Collection.normalize` (fill
server defaults), :meth:`Collection.on_updated` (an update changed something: start a
transition), :meth:`Collection.on_settled` (a transition finished),
:meth:`Collection.before_delete` (refuse a delete), :meth:`Collection.render` (the
response view of a stored doc). Custom methods (``:scale``) are extra :class:`Route`
rows from :meth:`Collection.custom_routes`, built on :meth:`Collection.load` and
:meth:`Collection.save`.
"""

from __future__ import annotations

import builtins
import copy
import secrets
import string
from typing import Any, Callable, ClassVar, Mapping, Optional

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_snake

from .._wire._base import WireModel, output_only_fields
from .auth import authorize
from .errors import ApiError, already_exists, failed_precondition, invalid_argument, invalid_field, not_found
from .lifecycle import TRANSITIONS, Settlement, Transition
from .newer_fields import drop_newer_fields, is_newer_path
from .query import (
    decode_page_token,
    emit_zero_values,
    encode_page_token,
    get_path,
    omit_zero_values,
    page_size,
    parse_filter,
    parse_mask,
    parse_order_by,
    project,
    resolve_path,
    set_path,
    sort_docs,
)
from .routing import Request, Response, Route
from .store import AlreadyExists, Record, Store, split_name
from .validation import check_id, rfc3339

#: How long a soft-deleted resource stays (GET-able, blocking its id) before it is purged.
#: Undocumented; 30 days is the usual retention of Google-style soft deletes.
DEFAULT_PURGE_AFTER_SECONDS = 30 * 24 * 3600


# -- request bodies -------------------------------------------------------------------------


def _strip(obj: Any) -> None:
    """Drop unknown (extra) and output-only fields from a parsed model tree, in place."""
    if isinstance(obj, BaseModel):
        if obj.__pydantic_extra__:
            obj.__pydantic_extra__.clear()
        ro = output_only_fields(type(obj))
        for name, info in type(obj).model_fields.items():
            if (info.alias or name) in ro:
                setattr(obj, name, None)
            else:
                _strip(getattr(obj, name))
    elif isinstance(obj, list):
        for item in obj:
            _strip(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            _strip(item)


def parse_input(model: type[WireModel], body: Any, *, prefix: str = "") -> dict[str, Any]:
    """A request body as the server keeps it: typed by ``model``, with unknown fields and
    output-only fields dropped (grpc-gateway discards unknown JSON fields by default, and
    the API ignores output-only ones). A type error is a 400 naming the field. Under the
    ``dropNewerFields`` behaviour the body comes from :func:`request_body`, without the
    fields SDK 1.2.30 does not know: those are unknown too, dropped before any check."""
    if not isinstance(body, dict):
        raise invalid_argument(f"{prefix or 'request body'} must be a JSON object")
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(to_snake(str(p)) if isinstance(p, str) else str(p) for p in err["loc"])
        field = f"{prefix}.{loc}" if prefix else loc
        raise invalid_field(field, err["msg"]) from None
    _strip(parsed)
    return parsed.to_wire()


def request_body(req: Request, model: type[WireModel]) -> dict[str, Any]:
    """The JSON object body of ``req`` (a ``model``) as the server receives it: under the
    ``dropNewerFields`` behaviour without the fields SDK 1.2.30 does not know. The
    request's body is replaced by that, so later raw reads (``req.json_object()``, e.g.
    a create wrapper's ``sourceDatasetId``) see what the server's proto would hold."""
    body = req.json_object()
    if req.backend.behaviour.drop_newer_fields:
        body = drop_newer_fields(model, body)
        req.replace_json(body)
    return body


def random_id(length: int = 8) -> str:
    """A server-generated id: a letter, then lower-case letters and digits."""
    alphabet = string.ascii_lowercase + string.digits
    return secrets.choice(string.ascii_lowercase) + "".join(secrets.choice(alphabet) for _ in range(length - 1))


# -- the generic collection ---------------------------------------------------------------


class Collection:
    """Generic CRUD for one collection; see the module docstring. Subclass and set the
    class attributes; override hooks only where the resource differs."""

    #: The wire model (shared with the provider).
    model: ClassVar[type[WireModel]]
    #: Collection segment of the resource name, e.g. ``"deployments"``.
    collection: ClassVar[str]
    #: Singular noun for messages, e.g. ``"deployment"``.
    noun: ClassVar[str] = "resource"
    #: Key of the item list in a List response; defaults to :attr:`collection`.
    list_key: ClassVar[Optional[str]] = None
    #: Parent of the collection as a name template over route placeholders.
    parent_template: ClassVar[str] = "accounts/{account}"
    #: Which standard methods exist.
    methods: ClassVar[frozenset[str]] = frozenset({"create", "get", "list", "update", "delete"})
    #: Query parameter carrying the id on create (``deploymentId``); None = see create_input.
    id_query_param: ClassVar[Optional[str]] = None
    #: Default ``orderBy`` of List.
    default_order_by: ClassVar[str] = "create_time"
    #: Readable by every key when stored under the public ``fireworks`` account.
    public_read: ClassVar[bool] = False
    #: Query flag that makes a create a dry run (``validateOnly``), if supported.
    validate_only_param: ClassVar[Optional[str]] = None
    #: Transitional states entered by create / update / delete (None = no lifecycle).
    create_state: ClassVar[Optional[str]] = None
    update_state: ClassVar[Optional[str]] = None
    delete_state: ClassVar[Optional[str]] = None
    #: States in which an update starts :attr:`update_state` (others keep their transition).
    steady_states: ClassVar[frozenset[str]] = frozenset({"READY", "FAILED"})
    transitions: ClassVar[Mapping[str, Transition]] = TRANSITIONS
    #: Soft delete (``DELETED``, ``showDeleted``, ``hard``, ``:undelete``) instead of removal.
    soft_delete: ClassVar[bool] = False
    purge_after_seconds: ClassVar[float] = DEFAULT_PURGE_AFTER_SECONDS
    #: Settable fields that an update may not change (snake_case, top level).
    immutable_fields: ClassVar[frozenset[str]] = frozenset()
    #: The fields the 0.19.20 protos mark IMMUTABLE (``field_behavior``), which the
    #: ``protoImmutableFields`` behaviour adds to :attr:`immutable_fields` (fields the wire
    #: model lacks cannot change anyway: they are dropped as unknown).
    proto_immutable_fields: ClassVar[frozenset[str]] = frozenset()
    #: ``(collection, field)`` pairs whose live documents reference this resource's name;
    #: any such reference makes a delete without ``ignoreChecks`` a FAILED_PRECONDITION.
    in_use_by: ClassVar[tuple[tuple[str, str], ...]] = ()

    # -- names and routes -----------------------------------------------------------------

    @property
    def key(self) -> str:
        return self.list_key or self.collection

    def parent_name(self, req: Request) -> str:
        return self.parent_template.format(**req.params)

    def resource_name(self, req: Request) -> str:
        parent = self.parent_name(req)
        return f"{parent}/{self.collection}/{req.params['id']}" if parent else f"{self.collection}/{req.params['id']}"

    def collection_path(self) -> str:
        parent = f"/{self.parent_template}" if self.parent_template else ""
        return f"/v1{parent}/{self.collection}"

    def routes(self) -> list[Route]:
        base = self.collection_path()
        item = base + "/{id}"
        table = [
            ("create", "POST", base, self.create),
            ("list", "GET", base, self.list),
            ("get", "GET", item, self.get),
            ("update", "PATCH", item, self.update),
            ("delete", "DELETE", item, self.delete),
        ]
        # Custom methods first: "{id}" never matches ':' so order only matters for clarity.
        return self.custom_routes() + [Route(m, p, h) for op, m, p, h in table if op in self.methods]

    def custom_routes(self) -> list[Route]:
        return []

    # -- access ------------------------------------------------------------------------------

    def authorize(self, req: Request, *, write: bool) -> None:
        assert req.principal is not None
        authorize(req.principal, req.params["account"], write=write, public_read=self.public_read)

    # -- hooks ------------------------------------------------------------------------------

    def create_input(self, req: Request) -> tuple[Optional[str], dict[str, Any]]:
        """The requested id (None = server-generated) and the raw resource body."""
        rid = req.query.get(self.id_query_param) if self.id_query_param else None
        return (rid or None), request_body(req, self.model)

    def new_id(self, req: Request, doc: dict[str, Any]) -> str:
        return random_id()

    def id_field(self) -> str:
        return to_snake(self.id_query_param) if self.id_query_param else f"{self.noun}_id"

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        """Raise ApiError for a bad ``doc`` (create: ``old`` is None)."""

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        """Fill in server defaults and canonical spellings, in place."""

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        """A transition finished (``record`` is saved afterwards unless it is gone)."""

    def before_delete(self, req: Request, record: Record) -> None:
        """Refuse a delete by raising; the default enforces :attr:`in_use_by`."""
        if req.flag("ignoreChecks"):
            return
        for collection, field in self.in_use_by:
            users = [
                u for u in req.backend.store.find(collection, field, record.name)
                if self._referrer_alive(req, collection, u.name)
            ]
            if users:
                raise failed_precondition(
                    f"{self.noun} {record.name} is in use by {users[0].name}; "
                    "unload it first or delete with ignore_checks=true"
                )

    @staticmethod
    def _referrer_alive(req: Request, collection: str, name: str) -> bool:
        """Settle a referrer first: one whose removal (UNDEPLOYING -> gone) is already due
        must not block a delete, even if nobody has read it since."""
        owner = next((c for c in req.backend.collections if c.collection == collection), None)
        if owner is None:
            return True
        referrer = owner.load(req, name, read=False)
        return referrer is not None and not referrer.deleted

    def list_filter(self, req: Request) -> Optional[Callable[[dict[str, Any]], bool]]:
        """An extra List predicate from collection-specific parameters (``targetModel``)."""
        return None

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        """The response body for a stored resource (``single``: a Get, not a List item)."""
        return record.doc

    # -- lifecycle plumbing -------------------------------------------------------------------

    def now(self, req: Request) -> str:
        return rfc3339(req.backend.lifecycle.clock.now())

    def start(self, req: Request, record: Record, state: Optional[str], *, gone: bool = False) -> None:
        if state is not None:
            req.backend.lifecycle.start(record, state, gone=gone, transitions=self.transitions)

    def load(self, req: Request, name: str, *, read: bool = True) -> Optional[Record]:
        """The stored resource with its lifecycle advanced (a read counts towards
        ``{"reads": N}`` timings); None if absent, purged or just gone."""
        store, lifecycle = req.backend.store, req.backend.lifecycle
        with store.transaction():
            record = store.get(name)
            if record is None:
                return None
            purge = record.doc.get("purgeTime")
            if record.deleted and purge and purge <= self.now(req):
                store.delete(name)
                return None
            before = copy.deepcopy(record.meta)
            settlement = lifecycle.advance(record, count_read=read)
            if settlement is not None:
                if settlement.to_state is None:
                    store.delete(name)
                    return None
                record.deleted = settlement.to_state == "DELETED"
                self.on_settled(req, record, settlement)
            if settlement is not None or record.meta != before:
                store.put(record)
            return record

    def require(self, req: Request, *, read: bool = True) -> Record:
        name = self.resource_name(req)
        record = self.load(req, name, read=read)
        if record is None:
            raise not_found(name, self.noun)
        return record

    def save(self, req: Request, record: Record) -> None:
        req.backend.store.put(record)

    def view(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        """What the API sends for ``record``: :meth:`render`, zero values omitted (protojson)
        or spelled out (the ``emit_zero_values`` behaviour)."""
        return self.finish(req, self.render(req, record, single=single))

    def finish(self, req: Request, doc: dict[str, Any]) -> dict[str, Any]:
        """A rendered document as the wire carries it (see :meth:`view`); under the
        ``dropNewerFields`` behaviour without the fields a gateway with older protos
        cannot send."""
        behaviour = req.backend.behaviour
        if behaviour.emit_zero_values:
            doc = emit_zero_values(self.model, omit_zero_values(self.model, doc))
        else:
            doc = omit_zero_values(self.model, doc)
        return drop_newer_fields(self.model, doc) if behaviour.drop_newer_fields else doc

    def respond(self, req: Request, record: Record, *, single: bool = True) -> dict[str, Any]:
        paths = parse_mask(self.model, req.query.get("readMask"), "read_mask")
        return project(self.view(req, record, single=single), paths)

    # -- standard methods ------------------------------------------------------------------

    def create(self, req: Request) -> Any:
        self.authorize(req, write=True)
        rid, body = self.create_input(req)
        doc = parse_input(self.model, body)
        if rid is None:
            rid = self.new_id(req, doc)
        else:
            check_id(self.id_field(), rid)
        parent = self.parent_name(req)
        name = f"{parent}/{self.collection}/{rid}" if parent else f"{self.collection}/{rid}"
        store = req.backend.store
        with store.transaction():
            if store.get(name) is not None:
                raise already_exists(name)
            self.validate(req, doc, None)
            self.normalize(req, doc, None)
            now = self.now(req)
            doc.update(name=name, createTime=now, updateTime=now)
            record = Record(name, doc)
            self.start(req, record, self.create_state)
            if self.validate_only_param and req.flag(self.validate_only_param):
                return self.view(req, record, single=True)
            try:
                store.insert(record)
            except AlreadyExists:
                raise already_exists(name) from None
        return self.view(req, record, single=True)

    def get(self, req: Request) -> Any:
        self.authorize(req, write=False)
        return self.respond(req, self.require(req))

    def list(self, req: Request) -> Any:
        self.authorize(req, write=False)
        q = req.query
        show_deleted = self.soft_delete and req.flag("showDeleted")
        predicate = parse_filter(self.model, q.get("filter"))
        order = parse_order_by(self.model, q.get("orderBy"), self.default_order_by)
        mask = parse_mask(self.model, q.get("readMask"), "read_mask")
        size = page_size(q.get("pageSize"))
        extra = self.list_filter(req)
        request_parts = [self.parent_name(req)] + sorted(
            [k, v] for k, v in q.items() if k not in ("pageToken", "pageSize")
        )
        offset = decode_page_token(q.get("pageToken"), request_parts)
        docs = []
        for stored in req.backend.store.list(self.parent_name(req), self.collection):
            record = self.load(req, stored.name)
            if record is None or (record.deleted and not show_deleted):
                continue
            doc = self.render(req, record, single=False)
            if predicate(doc) and (extra is None or extra(doc)):
                docs.append(doc)
        docs = sort_docs(docs, order)
        page = docs[offset : offset + size]
        views = [project(self.finish(req, d), mask) for d in page]
        out: dict[str, Any] = {self.key: views, "totalSize": len(docs)}
        if offset + size < len(docs):
            out["nextPageToken"] = encode_page_token(offset + size, request_parts)
        return out

    def update(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = parse_input(self.model, request_body(req, self.model))
        mask = parse_mask(self.model, req.query.get("updateMask"), "update_mask")
        if mask is not None and req.backend.behaviour.drop_newer_fields:
            # A server without the field cannot update it: the path is ignored like the
            # body's field (absent from the body, it would otherwise clear the field).
            mask = [path for path in mask if not is_newer_path(self.model, path)]
        store = req.backend.store
        with store.transaction():
            record = self.require(req, read=False)
            if record.deleted:
                raise failed_precondition(f"{self.noun} {record.name} is deleted; undelete it first")
            old = record.doc
            new = self.apply_update(old, body, mask, immutable=self.immutables(req))
            self.validate(req, new, old)
            self.normalize(req, new, old)
            if new == old:
                return self.respond(req, record)  # nothing changed: no transition, same updateTime
            new["updateTime"] = self.now(req)
            record.doc = new
            self.on_updated(req, record, old)
            self.save(req, record)
        return self.respond(req, record)

    def on_updated(self, req: Request, record: Record, old: dict[str, Any]) -> None:
        """An update changed ``record`` (from ``old``), before it is saved: by default a
        resource in one of :attr:`steady_states` starts :attr:`update_state`."""
        if self.update_state and old.get("state") in self.steady_states:
            self.start(req, record, self.update_state)

    def immutables(self, req: Request) -> frozenset[str]:
        """The fields an update may not change: :attr:`immutable_fields`, plus
        :attr:`proto_immutable_fields` under the ``protoImmutableFields`` behaviour."""
        if req.backend.behaviour.proto_immutable_fields:
            return self.immutable_fields | self.proto_immutable_fields
        return self.immutable_fields

    def mutable_fields(self, immutable: Optional[frozenset[str]] = None) -> set[str]:
        """Wire names of the fields a mask-less PATCH replaces (``immutable``: the
        snake_case fields that may not change, :attr:`immutable_fields` by default)."""
        ro = output_only_fields(self.model)
        fixed = {resolve_path(self.model, f)[0] for f in (self.immutable_fields if immutable is None else immutable)}
        names = {info.alias or n for n, info in self.model.model_fields.items()}
        return names - ro - fixed

    def apply_update(
        self,
        old: dict[str, Any],
        body: dict[str, Any],
        mask: Optional[builtins.list[builtins.list[str]]],
        *,
        immutable: Optional[frozenset[str]] = None,
    ) -> dict[str, Any]:
        """The updated document.

        With ``updateMask``: exactly the listed paths are copied from the body (a path
        absent from the body is cleared). Without one: *every* mutable field is replaced
        by the body's value, absent ones cleared -- the training SDK in the fireworks-ai
        wheel documents this ("omitting the mask would cause the server to replace all
        mutable fields with whatever body contained"). Immutable fields may be repeated
        unchanged but not changed (AIP-203); output-only fields were already dropped.
        ``immutable``: snake_case fields, :attr:`immutable_fields` by default.
        """
        fixed = self.immutable_fields if immutable is None else immutable
        immutable_wire = {resolve_path(self.model, f)[0]: f for f in fixed}
        ro = output_only_fields(self.model)
        new = copy.deepcopy(old)
        if mask is None:
            for wire in self.mutable_fields(fixed):
                set_path(new, [wire], copy.deepcopy(body.get(wire)))
            touched = [[k] for k in body if k in immutable_wire]
        else:
            touched = mask
            for path in mask:
                if path[0] in ro or path[0] in immutable_wire:
                    continue
                set_path(new, path, copy.deepcopy(get_path(body, path)))
        for path in touched:
            value = get_path(body, path)
            if path[0] in immutable_wire and value is not None and value != get_path(old, path):
                raise invalid_field(immutable_wire[path[0]], "is immutable and cannot be changed after creation")
        return new

    def delete(self, req: Request) -> Any:
        self.authorize(req, write=True)
        hard = self.soft_delete and req.flag("hard")
        store = req.backend.store
        with store.transaction():
            record = self.require(req, read=False)
            self.before_delete(req, record)
            if self.soft_delete and not hard:
                if record.deleted or record.doc.get("state") == self.delete_state:
                    return {}  # already deleted / deleting: idempotent
                now = req.backend.lifecycle.clock.now()
                record.doc["deleteTime"] = rfc3339(now)
                record.doc["purgeTime"] = rfc3339(now + self.purge_after_seconds)
                self.start(req, record, self.delete_state)
                self.save(req, record)
            elif self.delete_state:
                self.start(req, record, self.delete_state, gone=True)
                self.save(req, record)
            else:
                store.delete(record.name)
        return {}

    def remove(self, store: Store, name: str) -> bool:
        """Remove ``name`` for good, out of band (the admin API's ``DELETE``, as firectl or
        the web UI would): no lifecycle, no checks, but with whatever the service removes
        along with it (see the users handler). True if it existed."""
        return store.delete(name)

    # -- helpers for custom methods -----------------------------------------------------------

    @staticmethod
    def ok(body: Any = None, status: int = 200) -> Response:
        return Response({} if body is None else body, status)


def reject(field: str, problem: str) -> ApiError:
    """Shorthand for handlers: a 400 INVALID_ARGUMENT naming ``field``."""
    return invalid_field(field, problem)


__all__ = ["Collection", "parse_input", "random_id", "reject", "request_body", "split_name"]
