"""Which resource plugins a Python program needs, as our language host tells the engine.

The point for this project: pulumi-fireworks ships ``pulumi-plugin.json`` = ``{"resource":
false}``, so no ``fireworks`` plugin is ever required or downloaded, even with automatic plugin
acquisition on (its resources run in the bundled ``pulumi-python`` dynamic provider).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import grpc
import pytest
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

from tests.support.engine import (
    REPO_ROOT,
    EngineEnv,
    engine_is_ours,
    make_engine_env,
    write_python_project,
)


ENGINE_SCRIPTS = REPO_ROOT / "scripts" / "engine"


def _load_language_host() -> ModuleType:
    spec = importlib.util.spec_from_file_location("language_host", ENGINE_SCRIPTS / "language_host.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


language_host = _load_language_host()


def _fake_distribution(site: Path, dist: str, version: str, module: str, marker: dict | None) -> None:
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (site / module).mkdir()
    (site / module / "__init__.py").write_text("")
    if marker is not None:
        (site / module / "pulumi-plugin.json").write_text(json.dumps(marker))


@pytest.fixture
def host(tmp_path: Path) -> Iterator[tuple[language_pb2_grpc.LanguageRuntimeStub, Path]]:
    """Our language host started from the repo, with fake distributions on PYTHONPATH."""
    site = tmp_path / "site"
    site.mkdir()
    _fake_distribution(site, "pulumi-fakeprov", "1.2.3", "pulumi_fakeprov",
                       {"resource": True, "name": "fakeprov", "version": "1.2.3",
                        "server": "https://plugins.example.invalid"})
    _fake_distribution(site, "pulumi-legacyprov", "2.0rc1", "pulumi_legacyprov", None)
    _fake_distribution(site, "pulumi-libonly", "0.3", "pulumi_libonly", {"resource": False})
    _fake_distribution(site, "thirdparty-marked", "9.9", "thirdparty_marked",
                       {"resource": True, "name": "marked", "version": "4.5.6"})
    _fake_distribution(site, "unrelated", "1.0", "unrelated", None)
    env = {**os.environ, "PYTHONPATH": str(site), "PULUMI_PYTHON_CMD": sys.executable}
    proc = subprocess.Popen(
        [str(ENGINE_SCRIPTS / "pulumi-language-python"), "127.0.0.1:1"],
        stdout=subprocess.PIPE, env=env, text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield language_pb2_grpc.LanguageRuntimeStub(channel), site
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _program_info(directory: Path) -> language_pb2.ProgramInfo:
    return language_pb2.ProgramInfo(
        root_directory=str(directory), program_directory=str(directory), entry_point="."
    )


def test_required_packages_mimic_official_host(host, tmp_path: Path) -> None:
    stub, _site = host
    response = stub.GetRequiredPackages(
        language_pb2.GetRequiredPackagesRequest(info=_program_info(tmp_path)), timeout=120
    )
    found = {(p.name, p.kind, p.version, p.server) for p in response.packages}
    assert found == {
        ("fakeprov", "resource", "v1.2.3", "https://plugins.example.invalid"),  # from its marker
        ("legacyprov", "resource", "v2.0.0-rc.1", ""),  # name/version derived, no marker
        ("marked", "resource", "v4.5.6", ""),  # not named pulumi-*, but ships a marker
    }
    # pulumi-fireworks (editable install, marker in the source tree), pulumi, pulumi-policy and
    # pulumi-libonly ("resource": false) are not provider plugins.


def test_pulumi_fireworks_is_seen_and_skipped(host, tmp_path: Path) -> None:
    stub, _site = host
    deps = stub.GetProgramDependencies(
        language_pb2.GetProgramDependenciesRequest(info=_program_info(tmp_path), transitiveDependencies=True),
        timeout=120,
    )
    names = {d.name for d in deps.dependencies}
    assert {"pulumi-fireworks", "pulumi", "pulumi-policy"} <= names  # present in the environment ...
    required = stub.GetRequiredPackages(
        language_pb2.GetRequiredPackagesRequest(info=_program_info(tmp_path)), timeout=120
    )
    assert "fireworks" not in {p.name for p in required.packages}  # ... but not plugins


def test_about_and_plugin_info(host, tmp_path: Path) -> None:
    stub, _site = host
    about = stub.About(language_pb2.AboutRequest(info=_program_info(tmp_path)), timeout=60)
    assert Path(about.executable).resolve() == Path(sys.executable).resolve()
    assert about.version == ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize(
    ("pep440", "semver"),
    [
        ("1", "1.0.0"),
        ("1.2", "1.2.0"),
        ("1.2.3", "1.2.3"),
        ("1.2.3a4", "1.2.3-alpha.4"),
        ("1.2.3b4", "1.2.3-beta.4"),
        ("1.2.3rc4", "1.2.3-rc.4"),
        ("1.2.3.post4", "1.2.3+post4"),
        ("1.2.3.dev5", "1.2.3+dev5"),
        ("1.2.3.post4.dev5", "1.2.3+post4dev5"),
        ("1!1.2.3", None),
        ("1.2.3+local", None),
    ],
)
def test_plugin_version_from_pep440(pep440: str, semver: str | None) -> None:
    assert language_host.plugin_version_from_pep440(pep440) == semver


def test_no_plugin_download_for_pulumi_fireworks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With automatic plugin acquisition ON, a pulumi_fireworks program needs no plugin download."""
    monkeypatch.delenv("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", raising=False)
    engine_env: EngineEnv = make_engine_env(tmp_path / "engine", acquire_plugins=True)
    assert "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION" not in engine_env.env
    project = write_python_project(
        tmp_path / "proj",
        "uses-fireworks",
        """
        import pulumi
        import pulumi_fireworks
        from tests.langhost.tiny_resource import Tiny

        assert pulumi_fireworks.__name__ == "pulumi_fireworks"
        Tiny("thing", value="x")
        """,
    )
    stack = engine_env.stack(project)
    preview = stack.preview()
    assert preview.change_summary == {"create": 2}
    output = preview.stdout + preview.stderr
    assert "Downloading" not in output and "fireworks" not in output.lower().replace("uses-fireworks", "")
    plugins_dir = engine_env.pulumi_home / "plugins"
    installed = sorted(p.name for p in plugins_dir.iterdir()) if plugins_dir.exists() else []
    assert not [p for p in installed if not p.endswith(".lock")], installed
    if engine_is_ours(engine_env.bin_dir):
        required = [c for c in engine_env.langhost_calls() if c["method"] == "GetRequiredPackages"]
        assert required and all(c["packages"] == [] for c in required)
