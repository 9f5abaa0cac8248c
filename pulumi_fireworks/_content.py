"""Local content that a resource uploads: the files a ``source`` names, and their digests.

A Model or Dataset holds exactly the bytes of some local files. What those files are is
decided at ``check`` (preview) time, in the provider process, and recorded as inputs: a
manifest (every file's name, size and SHA-256) and one digest of the manifest. Unchanged
files therefore mean no diff whatever their timestamps, and a changed, added or removed
file shows in the preview as a replacement.

**Where relative paths point.** Pulumi starts the program and the dynamic provider in the
same directory: the project directory (the one with ``Pulumi.yaml``), or the ``main:``
directory when ``Pulumi.yaml`` sets one. Relative paths are resolved there, which is
where Pulumi resolves a ``FileAsset``/``FileArchive`` path and where the program's own
``open()`` looks, so a path means the same thing in all three.

**Sources.** ``pulumi.dynamic`` hands ``check`` archives and assets as ``FileArchive``,
``AssetArchive``, ``FileAsset`` and ``StringAsset`` objects, which a dynamic provider
cannot keep in its state (the engine stores them without their path and later fails to
read them back). :func:`plain_source` turns them into plain JSON (``{"archive": path}``,
``{"assets": {...}}``, ``{"file": path}``, ``{"text": ...}``) before validation.

**Hashing once.** Reading a 5 GB checkpoint takes seconds, and ``pulumi up`` runs its
preview and its update in two provider processes. Digests are cached by the file's
identity (device, inode, size, modification and change times in ns): in the process, and
in a small SQLite file under ``$XDG_CACHE_HOME/pulumi-fireworks`` (``~/.cache``), so the
update reuses what the preview computed. Only files unchanged for a few seconds are
written there (a write in the same clock tick could otherwise go unseen, git's "racy"
case). ``PULUMI_FIREWORKS_DIGEST_CACHE=off`` turns the file off; the directory moves with
``PULUMI_FIREWORKS_CACHE_DIR``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import sqlite3
import stat
import tarfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Callable, Iterator, Mapping, Optional, Protocol

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
"""Bytes read at a time: memory stays flat whatever the size of a file."""

CACHE_ENV = "PULUMI_FIREWORKS_DIGEST_CACHE"
CACHE_DIR_ENV = "PULUMI_FIREWORKS_CACHE_DIR"
_SETTLED_NS = 3_000_000_000
"""A file's digest is kept on disk only once it has not changed for this long."""



class Readable(Protocol):
    """An open binary stream (a file, an archive member, bytes in memory)."""

    def read(self, size: int, /) -> bytes: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None, /
    ) -> bool | None: ...


Opener = Callable[[], Readable]


class SourceError(ValueError):
    """The local content cannot be used; the message says which file and why."""


@dataclass(frozen=True)
class LocalFile:
    """One file to upload: its name in the upload, its size, and how to read it."""

    name: str
    """Relative POSIX path inside the upload (``config.json``, ``shards/part-0.jsonl``)."""
    size: int
    where: str
    """Where it is, for messages: a path on disk, or ``archive.zip:member``."""
    opener: Opener
    identity: Optional[tuple[Any, ...]] = None
    """What the digest cache knows it by; ``None`` for content held in memory."""
    settled: bool = False
    """Unchanged for a while, so its digest may be kept on disk."""

    def open(self) -> Readable:
        return self.opener()

    def read_small(self, limit: int = 16 * 1024 * 1024) -> bytes:
        """The whole file, for small configuration files only."""
        if self.size > limit:
            raise SourceError(f"{self.where} is {self.size} bytes; a configuration file this large is not plausible")
        return b"".join(read_chunks(self))


@dataclass(frozen=True)
class Content:
    """The files of an upload and their digests, as ``check`` records them."""

    files: tuple[LocalFile, ...]
    manifest: dict[str, dict[str, Any]]
    """File name → ``{"size": <bytes>, "sha256": <hex>}``."""
    digest: str
    """``sha256:<hex>`` of the manifest: changes exactly when some file does."""

    @property
    def names(self) -> set[str]:
        return {f.name for f in self.files}

    def file(self, name: str) -> Optional[LocalFile]:
        return next((f for f in self.files if f.name == name), None)


# -- sources as given ------------------------------------------------------------------


def plain_source(value: Any) -> Any:
    """A ``source`` input with Pulumi's asset and archive objects turned into plain JSON
    (anything else is returned as it is, for validation to judge)."""
    from pulumi import asset

    if isinstance(value, asset.FileArchive):
        return {"archive": value.path}
    if isinstance(value, asset.AssetArchive):
        return {"assets": {name: plain_source(item) for name, item in value.assets.items()}}
    if isinstance(value, asset.FileAsset):
        return {"file": value.path}
    if isinstance(value, asset.StringAsset):
        return {"text": value.text}
    if isinstance(value, (asset.RemoteArchive, asset.RemoteAsset)):
        return {"uri": value.uri}
    return value


def resolve(path: str) -> Path:
    """A path as the program means it (see the module docstring)."""
    return Path(os.path.expanduser(path)).absolute()


# -- listing files -------------------------------------------------------------------------


def folder_files(path: str) -> list[LocalFile]:
    """Every file below a folder, named by its path inside it.

    Hidden entries (``.git``, ``.cache``, ``.DS_Store``) are skipped; links to files are
    followed (a Hugging Face cache snapshot is made of them); links to folders are
    refused rather than followed out of the folder or skipped silently."""
    root = resolve(path)
    if not root.exists():
        raise SourceError(f"{path}: no such file or folder (resolved to {root})")
    if not root.is_dir():
        raise SourceError(f"{path} is not a folder")
    found: list[LocalFile] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if os.path.islink(os.path.join(directory, name)):
                raise SourceError(f"{os.path.join(directory, name)} is a link to a folder; links to folders are not followed")
        for name in sorted(filenames):
            if not name.startswith("."):
                full = Path(directory, name)
                relative = full.relative_to(root).as_posix()
                found.append(disk_file(full, relative, f"{path.rstrip('/')}/{relative}"))
    if not found:
        raise SourceError(f"{path}: the folder has no files")
    return found


def disk_file(path: Path, name: str, where: Optional[str] = None) -> LocalFile:
    """One file on disk, uploaded as ``name``; ``where`` is how messages name it (the
    path as the user wrote it; default: the absolute path)."""
    where = where or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError(f"{where}: no such file (or a broken link; resolved to {path})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{where} is not a regular file")
    identity = ("file", str(path.resolve()), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    settled = time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > _SETTLED_NS
    return LocalFile(name, info.st_size, where, lambda: open(path, "rb"), identity, settled)


def memory_file(name: str, data: bytes, where: str) -> LocalFile:
    return LocalFile(name, len(data), where, lambda: io.BytesIO(data))


def archive_files(path: str) -> list[LocalFile]:
    """What a ``pulumi.FileArchive`` holds: a folder, or the members of a ``.zip``/
    ``.jar`` or ``.tar``/``.tgz``/``.tar.gz`` file (as Pulumi itself reads it)."""
    root = resolve(path)
    if root.is_dir() or not root.exists():
        return folder_files(path)
    lower = root.name.lower()
    if lower.endswith((".zip", ".jar")):
        return _zip_members(root)
    if lower.endswith((".tar", ".tgz", ".tar.gz")):
        return _tar_members(root)
    raise SourceError(f"{path}: an archive must be a folder or a .zip, .jar, .tar, .tgz or .tar.gz file")


def _hidden(member: str) -> bool:
    parts = PurePosixPath(member).parts
    return any(p.startswith(".") for p in parts) or (bool(parts) and parts[0] == "__MACOSX")


def _zip_members(archive: Path) -> list[LocalFile]:
    def listing() -> list[tuple[str, int]]:
        with zipfile.ZipFile(archive) as zipped:
            return [(i.filename, i.file_size) for i in zipped.infolist() if not i.is_dir()]

    def open_member(stack: contextlib.ExitStack, member: str) -> Readable:
        return stack.enter_context(zipfile.ZipFile(archive)).open(member)

    return _members(archive, "zip", (zipfile.BadZipFile, OSError), listing, open_member)


def _tar_members(archive: Path) -> list[LocalFile]:
    def listing() -> list[tuple[str, int]]:
        with tarfile.open(archive) as tarred:
            return [(PurePosixPath(m.name).as_posix(), m.size) for m in tarred.getmembers() if m.isfile()]

    def open_member(stack: contextlib.ExitStack, member: str) -> Readable:
        stream = stack.enter_context(tarfile.open(archive)).extractfile(member)
        assert stream is not None
        return stream

    return _members(archive, "tar", (tarfile.TarError, OSError), listing, open_member)


def _members(
    archive: Path,
    kind: str,
    errors: tuple[type[Exception], ...],
    listing: Callable[[], list[tuple[str, int]]],
    open_member: Callable[[contextlib.ExitStack, str], Readable],
) -> list[LocalFile]:
    """The files of an archive file; each is read by opening the archive anew (so
    several can be uploaded at once), and is known to the cache by the archive's
    identity and its own name."""
    base = disk_file(archive, archive.name)
    try:
        members = [(name, size) for name, size in listing() if not _hidden(name)]
    except errors as exc:
        raise SourceError(f"{archive}: not a readable {kind} file ({exc})") from None

    def opener(member: str) -> Opener:
        def open_it() -> Readable:
            stack = contextlib.ExitStack()
            return _Closing(open_member(stack, member), stack)

        return open_it

    return [
        LocalFile(name, size, f"{archive}:{name}", opener(name), (*(base.identity or ()), name), base.settled)
        for name, size in members
    ]


class _Closing:
    """A member's stream that also closes the archive it was opened from."""

    def __init__(self, stream: Readable, stack: contextlib.ExitStack) -> None:
        self._stream, self._stack = stream, stack

    def read(self, size: int = -1, /) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()
        self._stack.close()

    def __enter__(self) -> "_Closing":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def asset_files(assets: Mapping[str, Any], where: str = "") -> list[LocalFile]:
    """What a ``pulumi.AssetArchive`` holds: each key names a file (a ``FileAsset`` or
    ``StringAsset``) or, for a nested archive, the folder its members go into."""
    found: list[LocalFile] = []
    for key, item in sorted(assets.items()):
        name = PurePosixPath(key).as_posix()
        label = f"{where}{key}"
        if item.get("file") is not None:
            found.append(disk_file(resolve(item["file"]), name, item["file"]))
        elif item.get("text") is not None:
            found.append(memory_file(name, str(item["text"]).encode(), f"assets[{label!r}]"))
        elif item.get("archive") is not None:
            found += [_renamed(f, f"{name}/{f.name}") for f in archive_files(item["archive"])]
        elif item.get("assets") is not None:
            found += [_renamed(f, f"{name}/{f.name}") for f in asset_files(item["assets"], f"{label}/")]
    return found


def _renamed(file: LocalFile, name: str) -> LocalFile:
    return LocalFile(name, file.size, file.where, file.opener, file.identity, file.settled)


# -- digests ---------------------------------------------------------------------------------


def content_of(files: list[LocalFile]) -> Content:
    """The manifest and digest of ``files`` (each file hashed at most once per run)."""
    names: dict[str, LocalFile] = {}
    for file in files:
        if file.name in names:
            raise SourceError(f"two files would be uploaded as {file.name}: {names[file.name].where} and {file.where}")
        names[file.name] = file
    manifest = {f.name: {"size": f.size, "sha256": sha256_of(f)} for f in sorted(files, key=lambda f: f.name)}
    return Content(tuple(sorted(files, key=lambda f: f.name)), manifest, manifest_digest(manifest))


def manifest_digest(manifest: Mapping[str, Mapping[str, Any]]) -> str:
    lines = "".join(f"{name}\0{int(m['size'])}\0{m['sha256']}\n" for name, m in sorted(manifest.items()))
    return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


def sha256_of(file: LocalFile) -> str:
    return cached(file, "sha256", lambda: _hash(file))


def _hash(file: LocalFile) -> str:
    digest = hashlib.sha256()
    for chunk in read_chunks(file):
        digest.update(chunk)
    return digest.hexdigest()


def read_chunks(file: LocalFile) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time; a file that changed size on the way is an error."""
    read = 0
    try:
        stream = file.open()
        with stream:
            while chunk := stream.read(CHUNK_SIZE):
                read += len(chunk)
                yield chunk
    except OSError as exc:
        raise SourceError(f"{file.where}: cannot be read ({exc.strerror or exc})") from None
    if read != file.size:
        raise SourceError(f"{file.where} changed while it was being read ({file.size} bytes, then {read})")


def cached(file: LocalFile, kind: str, compute: Callable[[], str]) -> str:
    """``compute()`` for this file, remembered under its identity and ``kind``."""
    if file.identity is None:
        return compute()
    return _CACHE.get((kind, *file.identity), file.settled, compute)


class DigestCache:
    """Values computed from a file's bytes, by the file's identity: in memory, and in
    SQLite for settled files. Concurrent ``check`` calls on one file compute it once."""

    def __init__(self, directory: Optional[Path]) -> None:
        self._directory = directory
        self._memory: dict[tuple[Any, ...], str] = {}
        self._locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: tuple[Any, ...], settled: bool, compute: Callable[[], str]) -> str:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._memory:
                return self._memory[key]
            text = json.dumps(key)
            value = self._load(text)
            if value is None:
                value = compute()
                if settled:
                    self._store(text, value)
            self._memory[key] = value
            return value

    @contextlib.contextmanager
    def _db(self) -> Iterator[Optional[sqlite3.Connection]]:
        if self._directory is None:
            yield None
            return
        try:
            self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            db = sqlite3.connect(self._directory / "digests.sqlite3", timeout=10)
        except (OSError, sqlite3.Error) as exc:
            log.debug("digest cache unavailable: %s", exc)
            yield None
            return
        try:
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS digests (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                yield db
        except sqlite3.Error as exc:
            log.debug("digest cache failed: %s", exc)
        finally:
            db.close()

    def _load(self, key: str) -> Optional[str]:
        with self._db() as db:
            row = db.execute("SELECT value FROM digests WHERE key = ?", (key,)).fetchone() if db else None
            return str(row[0]) if row else None
        return None  # the cache failed: compute

    def _store(self, key: str, value: str) -> None:
        with self._db() as db:
            if db is not None:
                db.execute("INSERT OR REPLACE INTO digests (key, value) VALUES (?, ?)", (key, value))


def cache_directory(environ: Mapping[str, str] = os.environ) -> Optional[Path]:
    if environ.get(CACHE_ENV, "").lower() in ("0", "off", "false", "no"):
        return None
    if environ.get(CACHE_DIR_ENV):
        return Path(environ[CACHE_DIR_ENV])
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pulumi-fireworks"


_CACHE = DigestCache(cache_directory())
