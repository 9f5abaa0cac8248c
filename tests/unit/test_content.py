"""Local content: which files a source names, their digests, and hashing each file once."""

from __future__ import annotations

import io
import os
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pulumi
import pytest

from pulumi_fireworks import _content
from pulumi_fireworks._content import (
    DigestCache,
    SourceError,
    archive_files,
    asset_files,
    cache_directory,
    content_of,
    folder_files,
    plain_source,
)
from pulumi_fireworks._engine import engine_for
from tests.support.content import write_files
from tests.support.content import LLAMA, adapter, sha256


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program directory (relative paths resolve here) with a fresh digest cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_content, "_CACHE", DigestCache(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files hashed from now on (by where they are)."""
    seen: list[str] = []
    real = _content._hash

    def counting(file: _content.LocalFile) -> str:
        seen.append(file.where)
        return real(file)

    monkeypatch.setattr(_content, "_hash", counting)
    yield seen


def test_a_folder_is_its_files_by_relative_path_without_hidden_ones(project: Path) -> None:
    write_files(project, {"ckpt/config.json": b"{}", "ckpt/shards/a.bin": b"a", "ckpt/.git/HEAD": b"ref",
                          "ckpt/.DS_Store": b"x"})
    os.symlink(project / "ckpt/config.json", project / "ckpt/linked.json")  # links to files are followed
    files = folder_files("ckpt")
    assert [(f.name, f.size) for f in files] == [("config.json", 2), ("linked.json", 2), ("shards/a.bin", 1)]
    assert files[2].where == "ckpt/shards/a.bin"


@pytest.mark.parametrize("case,needle", [
    ("missing", "no such file or folder"), ("empty", "the folder has no files"), ("file", "is not a folder"),
    ("dir-link", "links to folders are not followed"),
])
def test_unusable_folders_are_refused_with_the_reason(project: Path, case: str, needle: str) -> None:
    (project / "empty").mkdir()
    write_files(project, {"file": b"x", "dir-link/real.json": b"{}", "elsewhere/f": b"y"})
    os.symlink(project / "elsewhere", project / "dir-link/sub")
    with pytest.raises(SourceError, match=needle):
        folder_files(case)


def test_the_digest_covers_names_sizes_and_bytes_not_timestamps(project: Path) -> None:
    write_files(project, adapter("a"))
    first = content_of(folder_files("a"))
    os.utime(project / "a/adapter_model.safetensors", (1, 1))
    assert content_of(folder_files("a")).digest == first.digest
    write_files(project, adapter("a", weights=b"\0" * 4095 + b"\1"))
    changed = content_of(folder_files("a"))
    assert changed.digest != first.digest and changed.manifest["adapter_model.safetensors"]["size"] == 4096
    (project / "a/adapter_model.safetensors").rename(project / "a/adapter_model.bin")
    assert content_of(folder_files("a")).digest not in (first.digest, changed.digest)  # a rename is a change


def test_archives_and_asset_archives_list_what_pulumi_would(project: Path) -> None:
    write_files(project, adapter("a"))
    with zipfile.ZipFile(project / "a.zip", "w") as zipped:
        zipped.write(project / "a/adapter_config.json", "adapter_config.json")
        zipped.write(project / "a/adapter_model.safetensors", "adapter_model.safetensors")
        zipped.writestr("__MACOSX/._adapter_config.json", b"resource fork")
    with tarfile.open(project / "a.tar.gz", "w:gz") as tarred:
        tarred.add(project / "a/adapter_config.json", "adapter_config.json")
        tarred.add(project / "a/adapter_model.safetensors", "adapter_model.safetensors")
    folder = content_of(folder_files("a"))
    assert content_of(archive_files("a.zip")).digest == folder.digest
    assert content_of(archive_files("a.tar.gz")).digest == folder.digest
    assets = {"adapter_config.json": {"file": "a/adapter_config.json"}, "extra": {"archive": "a.zip"},
              "notes.txt": {"text": "hello"}}
    listed = {f.name: f for f in asset_files(assets)}
    assert sorted(listed) == ["adapter_config.json", "extra/adapter_config.json", "extra/adapter_model.safetensors",
                              "notes.txt"]
    assert listed["notes.txt"].read_small() == b"hello"
    assert listed["extra/adapter_model.safetensors"].read_small() == (project / "a/adapter_model.safetensors").read_bytes()


def test_pulumi_assets_become_plain_json() -> None:
    archive = pulumi.AssetArchive({"a.json": pulumi.StringAsset("{}"), "w": pulumi.FileAsset("w.bin"),
                                   "d": pulumi.FileArchive("dir")})
    assert plain_source(archive) == {"assets": {"a.json": {"text": "{}"}, "w": {"file": "w.bin"}, "d": {"archive": "dir"}}}
    assert plain_source(pulumi.RemoteArchive("https://x/y.zip")) == {"uri": "https://x/y.zip"}
    assert plain_source("./adapter") == "./adapter"


def test_a_file_is_hashed_once_per_run_however_often_it_is_checked(project: Path, hashed: list[str]) -> None:
    write_files(project, adapter("a", weights=b"\7" * 100_000))
    engine = engine_for("Model")
    news = {"source": "a", "base_model": LLAMA, "__name": "lora"}
    first = engine.check({}, news)
    again = engine.check({}, {**news, "display_name": "other"})
    assert not first.failures and again.inputs["content_digest"] == first.inputs["content_digest"]
    assert sorted(hashed) == ["a/adapter_config.json", "a/adapter_model.safetensors"]


def test_the_next_process_reuses_digests_of_settled_files(project: Path, hashed: list[str]) -> None:
    write_files(project, adapter("a"))
    settled = time.time() - 60
    for path in (project / "a").iterdir():
        os.utime(path, (settled, settled))
    # ctime cannot be set back: wait out the settle window instead of sleeping in the test
    files = [_content.LocalFile(f.name, f.size, f.where, f.opener, f.identity, True) for f in folder_files("a")]
    content_of(files)
    assert len(hashed) == 2
    _content._CACHE = DigestCache(project / "cache")  # another process, the same cache file
    assert content_of(files).manifest == content_of(folder_files("a")).manifest
    assert len(hashed) == 2  # nothing hashed again
    assert DigestCache(None).get(("k",), True, lambda: "v") == "v"  # no cache file: still works


def test_files_changed_within_the_settle_window_are_not_written_to_disk(project: Path) -> None:
    write_files(project, adapter("a"))
    [config, weights] = folder_files("a")
    assert not config.settled and not weights.settled  # just written
    content_of([config, weights])
    assert not (project / "cache" / "digests.sqlite3").exists() or _rows(project / "cache" / "digests.sqlite3") == 0


def _rows(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM digests").fetchone()[0])


@pytest.mark.parametrize("environ,expected", [
    ({}, "HOME/.cache/pulumi-fireworks"),
    ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/pulumi-fireworks"),
    ({"PULUMI_FIREWORKS_CACHE_DIR": "/mine"}, "/mine"),
    ({"PULUMI_FIREWORKS_DIGEST_CACHE": "off"}, None),
])
def test_where_the_digest_cache_lives(environ: dict[str, str], expected: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "HOME")
    found = cache_directory(environ)
    assert (str(found) if found else None) == expected


def test_a_file_that_changes_size_while_read_is_an_error(project: Path) -> None:
    write_files(project, {"f.bin": b"12345"})
    [file] = folder_files(".")
    (project / "f.bin").write_bytes(b"123")
    with pytest.raises(SourceError, match="changed while it was being read"):
        _content._hash(file)


def test_memory_files_are_hashed_directly() -> None:
    file = _content.memory_file("rows.jsonl", b"{}\n", "rows")
    assert content_of([file]).manifest == {"rows.jsonl": {"size": 3, "sha256": sha256(b"{}\n")}}
    assert isinstance(file.open(), io.BytesIO)
