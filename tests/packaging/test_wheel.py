"""Packaging truth: the wheel a user installs, in a virtualenv that cannot see this
repository, runs the quickstart through the engine — and a wheel missing a file fails; and the
README's policy-pack commands, run as written, install the pack from that same wheel.

Everything else in the suite runs from the source tree; this tier is what catches a
module or data file that the package does not ship.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from pulumi.automation import errors as auto_errors

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.engine import EngineEnv, engine_is_ours, write_python_project

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


POLICY_PROGRAM = """
    import pulumi_fireworks as fireworks

    # One replica kept warm in a dev stack: fireworks-dev-scale-to-zero remediates it to zero.
    fireworks.Deployment("chat", base_model="accounts/fireworks/models/llama-v3p1-8b-instruct",
                         min_replica_count=1, max_replica_count=2)
"""


def readme_policy_commands() -> list[str]:
    """The shell block of the README's "Policy pack" section, line by line."""
    section = (REPO / "README.md").read_text().split("\n## Policy pack\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def user_shell_env(engine_env: EngineEnv, extra: dict[str, str]) -> dict[str, str]:
    """A user's shell: this suite's virtualenv neither active nor on PATH, no PYTHONPATH; the
    engine first on PATH, with its private home and backend."""
    ours = {str(Path(sys.executable).parent), str(REPO / ".venv" / "bin")}
    path = [str(engine_env.bin_dir)] + [p for p in os.environ["PATH"].split(os.pathsep) if p not in ours]
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PULUMI_PYTHON_CMD"}}
    env.update({k: v for k, v in engine_env.env.items() if k not in {"PATH", "PYTHONPATH", "PULUMI_PYTHON_CMD"}})
    if engine_is_ours(engine_env.bin_dir):
        # Our stand-in for the official (Go) language host is Python, and needs the `pulumi` SDK
        # itself; the program and the pack still run in their own virtualenvs.
        env["PULUMI_FIREWORKS_HOST_PYTHON"] = sys.executable
    return {**env, **extra, "PATH": os.pathsep.join(path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_the_readme_policy_pack_commands_run_as_written(
    dists: dict[str, Path], venv: Path, emulator: RunningEmulator, engine_env: EngineEnv, tmp_path: Path
) -> None:
    """From a project whose `venv` has the wheel (as "Using it" says), the README's commands
    write the pack, install it from that same wheel into the pack's own virtualenv, and run it."""
    project = write_python_project(tmp_path / "project", "guarded", POLICY_PROGRAM,
                                   runtime_options={"virtualenv": "venv"})
    (project / "venv").symlink_to(venv)  # the module's user virtualenv: the built wheel installed
    engine_env.stack(project, stack_name="dev")  # `pulumi stack init dev`
    commands = readme_policy_commands()
    assert commands[0].startswith("venv/bin/python -m pulumi_fireworks.policy new ")
    assert commands[-1].startswith("pulumi preview --policy-pack ")

    shell = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(commands)], cwd=project, capture_output=True, text=True,
        env=user_shell_env(engine_env, emulator.env()), timeout=900,
    )
    out = re.sub(r"\x1b\[[0-9;]*m", "", shell.stdout)
    assert shell.returncode == 0, out + shell.stderr

    pack = project / "fireworks-policy"
    requirements = (pack / "requirements.txt").read_text().splitlines()
    assert f"pulumi-fireworks @ {dists['wheel'].as_uri()}" in requirements
    # `new` printed the README's next commands.
    for command in commands[1:]:
        assert f"  {command.split('  #')[0].strip()}\n" in out, command
    # The pack's virtualenv has the package from that wheel, not from this repository.
    installed = subprocess.run(
        [str(pack / "venv" / "bin" / "python"), "-c",
         "import importlib.metadata as m, pulumi_fireworks as p; "
         "print(p.__file__); print(m.distribution('pulumi-fireworks').read_text('direct_url.json'))"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env={"PATH": os.environ["PATH"]},
    ).stdout.splitlines()
    assert installed[0].startswith(str(pack / "venv" / "lib"))
    assert dists["wheel"].as_uri() in installed[1]
    # The preview ran the pack from that virtualenv, and its rules ran.
    assert "fireworks-guardrails" in out
    assert "fireworks-dev-scale-to-zero" in out, out
    if engine_is_ours(engine_env.bin_dir):
        [run] = [c for c in engine_env.langhost_calls() if c["method"] == "RunPlugin"]
        assert run["python"] == str(pack / "venv" / "bin" / "python")
