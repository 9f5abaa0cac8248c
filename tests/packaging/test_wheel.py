"""Packaging truth: the wheel a user installs, in a virtualenv that cannot see this
repository, runs the quickstart through the engine — and a wheel missing a file fails.

Everything else in the suite runs from the source tree; this tier is what catches a
module or data file that the package does not ship.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator, running_emulator
from tests.support.engine import EngineEnv

REPO = Path(__file__).resolve().parents[2]
PROBE = '''
import sys as _sys
import pulumi_fireworks as _package
pulumi.export("interpreter", _sys.executable)
pulumi.export("package_file", _package.__file__)
'''


def shipped_files() -> set[str]:
    """What the wheel must hold: every tracked file of the package."""
    listed = subprocess.run(
        ["git", "ls-files", "pulumi_fireworks"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    return set(listed)


def missing_from(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return shipped_files() - set(archive.namelist())


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """sdist and wheel, built from a copy of the sources (the work tree stays clean)."""
    root = tmp_path_factory.mktemp("dist")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for relative in shipped_files():
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, source / relative)
    out = root / "out"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(source)],
        check=True, capture_output=True,
    )
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def venv(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed as a user would (deps from PyPI)."""
    path = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [str(path / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(dists["wheel"])],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator() as emu:
        yield emu


def test_the_wheel_and_sdist_ship_every_package_file(dists: dict[str, Path]) -> None:
    assert missing_from(dists["wheel"]) == set()
    assert {"pulumi_fireworks/py.typed", "pulumi_fireworks/pulumi-plugin.json"} <= shipped_files()
    assert any(name.startswith("pulumi_fireworks/policy/pack/") for name in shipped_files())
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert shipped_files() <= names


def doctored(wheel: Path, drop: str, directory: Path) -> Path:
    """The wheel without one file (as a packaging mistake would leave it)."""
    out = directory / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != drop:
                target.writestr(item, source.read(item.filename))
    return out


def test_the_quickstart_runs_from_the_installed_wheel_and_a_missing_file_fails_it(
    dists: dict[str, Path], venv: Path, emulator: RunningEmulator, engine_env: EngineEnv, tmp_path: Path
) -> None:
    project = shutil.copytree(REPO / "examples" / "quickstart", tmp_path / "quickstart")
    # As the README tells users: the project's own virtualenv, nothing from this repository.
    (project / "Pulumi.yaml").write_text(
        (project / "Pulumi.yaml").read_text().rstrip() + f"\n  options:\n    virtualenv: {venv}\n"
    )
    (project / "__main__.py").write_text((project / "__main__.py").read_text() + PROBE)
    isolated = {**emulator.env(), "PYTHONPATH": "", "PULUMI_PYTHON_CMD": ""}
    stack = engine_env.stack(project, env_vars=isolated)
    up = stack.up()
    assert up.outputs["state"] == "READY"
    assert up.outputs["interpreter"].startswith(str(venv))
    assert up.outputs["package_file"].startswith(str(venv / "lib"))
    assert stack.preview().change_summary.get("same", 0) >= 2
    stack.destroy()

    # The same check fails once a module is missing from the wheel.
    broken = doctored(dists["wheel"], "pulumi_fireworks/_ids.py", tmp_path)
    assert missing_from(broken) == {"pulumi_fireworks/_ids.py"}
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(broken)],
        check=True,
    )
    try:
        with pytest.raises(auto_errors.CommandError) as failure:
            stack.preview()
        assert "_ids" in str(failure.value)
    finally:
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(dists["wheel"])],
            check=True,
        )
