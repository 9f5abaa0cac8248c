"""Persistent state: generic JSON documents in SQLite (a file, or ``:memory:``).

Every API object is one row keyed by its resource *name*
(``accounts/a/deployments/d``, ``accounts/fireworks/deploymentShapes/s/versions/v``,
``accounts/a``), with the name's parts split out for listing:

* ``account``    -- the ``accounts/<account>`` segment (scopes what a key may see);
* ``parent``     -- the name minus its last two segments (``accounts/a``);
* ``collection`` -- the second-to-last segment (``deployments``);
* ``doc``        -- the wire JSON exactly as the API returns it;
* ``meta``       -- emulator bookkeeping the API never shows (pending lifecycle
  transitions, read counters, ...);
* ``deleted``    -- the soft-delete flag (the doc then says ``state: DELETED``);
* ``seq``        -- insertion order, the tie-breaker of every listing.

API keys live in ``credentials`` as SHA-256 digests only: the plaintext is never stored.

Thread safety: one connection guarded by a re-entrant lock. ``with store.transaction():``
holds the lock and an SQLite transaction, so a handler's read-modify-write is atomic
even while uvicorn serves many requests and the admin API edits the same rows.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    name       TEXT PRIMARY KEY,
    account    TEXT NOT NULL,
    parent     TEXT NOT NULL,
    collection TEXT NOT NULL,
    doc        TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',
    deleted    INTEGER NOT NULL DEFAULT 0,
    seq        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources (parent, collection, seq);
CREATE INDEX IF NOT EXISTS resources_by_collection ON resources (collection, account);
CREATE TABLE IF NOT EXISTS credentials (
    key_id      TEXT PRIMARY KEY,
    account     TEXT NOT NULL,
    key_sha256  TEXT NOT NULL UNIQUE,
    revoked     INTEGER NOT NULL DEFAULT 0,
    label       TEXT NOT NULL DEFAULT ''
);
"""


def split_name(name: str) -> tuple[str, str, str, str]:
    """``accounts/a/deployments/d`` -> (account, parent, collection, id)."""
    parts = name.strip("/").split("/")
    if len(parts) < 2 or len(parts) % 2 or parts[0] != "accounts" or not all(parts):
        raise ValueError(f"not a resource name: {name!r}")
    return parts[1], "/".join(parts[:-2]), parts[-2], parts[-1]


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Record:
    """One stored resource. ``doc`` and ``meta`` are plain JSON-able dicts."""

    name: str
    doc: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    seq: int = 0

    @property
    def id(self) -> str:
        return split_name(self.name)[3]

    @property
    def account(self) -> str:
        return split_name(self.name)[0]


@dataclass(frozen=True)
class Credential:
    key_id: str
    account: str
    revoked: bool
    label: str


class AlreadyExists(Exception):
    pass


class Store:
    """Generic document store; see the module docstring."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM resources").fetchone()
        self._seq = int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- transactions ---------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Hold the lock and one SQLite transaction; re-entrant (inner calls join)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    # -- resources ------------------------------------------------------------------

    @staticmethod
    def _record(row: tuple[Any, ...]) -> Record:
        name, doc, meta, deleted, seq = row
        return Record(name, json.loads(doc), json.loads(meta), bool(deleted), int(seq))

    def get(self, name: str) -> Optional[Record]:
        with self._lock:
            row = self._db.execute(
                "SELECT name, doc, meta, deleted, seq FROM resources WHERE name = ?", (name,)
            ).fetchone()
        return self._record(row) if row else None

    def insert(self, record: Record) -> Record:
        """Add a new resource; raises :class:`AlreadyExists` if the name is taken."""
        with self.transaction():
            if self.get(record.name) is not None:
                raise AlreadyExists(record.name)
            self._seq += 1
            record.seq = self._seq
            self._write(record)
        return record

    def put(self, record: Record) -> Record:
        """Insert or replace (keeping the original insertion order on replace)."""
        with self.transaction():
            old = self.get(record.name)
            if old is not None:
                record.seq = old.seq
            else:
                self._seq += 1
                record.seq = self._seq
            self._write(record)
        return record

    def _write(self, record: Record) -> None:
        account, parent, collection, _ = split_name(record.name)
        self._db.execute(
            "INSERT OR REPLACE INTO resources (name, account, parent, collection, doc, meta, deleted, seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.name,
                account,
                parent,
                collection,
                json.dumps(record.doc, sort_keys=True),
                json.dumps(record.meta, sort_keys=True),
                int(record.deleted),
                record.seq,
            ),
        )

    def delete(self, name: str) -> bool:
        """Remove a resource for good; True if it existed."""
        with self.transaction():
            cur = self._db.execute("DELETE FROM resources WHERE name = ?", (name,))
            return cur.rowcount > 0

    def list(self, parent: str, collection: str, *, include_deleted: bool = True) -> list[Record]:
        """The children of ``parent`` in ``collection``, in insertion order."""
        sql = "SELECT name, doc, meta, deleted, seq FROM resources WHERE parent = ? AND collection = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq", (parent, collection)).fetchall()
        return [self._record(r) for r in rows]

    def find(
        self, collection: str, field_path: str, value: Any, *, account: Optional[str] = None
    ) -> builtins.list[Record]:
        """Live (not soft-deleted) resources of ``collection`` whose ``doc.<field_path>`` equals
        ``value`` -- used for reference checks such as "is this deployment in use"."""
        sql = (
            "SELECT name, doc, meta, deleted, seq FROM resources"
            " WHERE collection = ? AND deleted = 0 AND json_extract(doc, ?) = ?"
        )
        args: list[Any] = [collection, "$." + field_path, value]
        if account is not None:
            sql += " AND account = ?"
            args.append(account)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [self._record(r) for r in rows]

    def names(self) -> builtins.list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT name FROM resources ORDER BY seq")]

    # -- credentials ----------------------------------------------------------------

    def add_credential(self, account: str, key: str, *, key_id: Optional[str] = None, label: str = "") -> Credential:
        """Register ``key`` (stored as a digest) for ``account``; idempotent per key."""
        digest = key_digest(key)
        with self.transaction():
            row = self._db.execute(
                "SELECT key_id, account, revoked, label FROM credentials WHERE key_sha256 = ?", (digest,)
            ).fetchone()
            if row is not None:
                self._db.execute("UPDATE credentials SET revoked = 0 WHERE key_sha256 = ?", (digest,))
                return Credential(row[0], row[1], False, row[3])
            key_id = key_id or secrets.token_hex(8)
            self._db.execute(
                "INSERT INTO credentials (key_id, account, key_sha256, revoked, label) VALUES (?, ?, ?, 0, ?)",
                (key_id, account, digest, label),
            )
        return Credential(key_id, account, False, label)

    def credential_for(self, key: str) -> Optional[Credential]:
        """The live credential of ``key``, or None if unknown or revoked."""
        with self._lock:
            row = self._db.execute(
                "SELECT key_id, account, revoked, label FROM credentials WHERE key_sha256 = ?",
                (key_digest(key),),
            ).fetchone()
        if row is None or row[2]:
            return None
        return Credential(row[0], row[1], bool(row[2]), row[3])

    def revoke_credential(self, key_id: str) -> bool:
        with self.transaction():
            cur = self._db.execute("UPDATE credentials SET revoked = 1 WHERE key_id = ?", (key_id,))
            return cur.rowcount > 0

    def credentials(self) -> builtins.list[Credential]:
        with self._lock:
            rows = self._db.execute("SELECT key_id, account, revoked, label FROM credentials ORDER BY rowid")
            return [Credential(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    # -- whole-store operations -----------------------------------------------------

    def clear(self) -> None:
        """Forget everything (resources and credentials)."""
        with self.transaction():
            self._db.execute("DELETE FROM resources")
            self._db.execute("DELETE FROM credentials")
