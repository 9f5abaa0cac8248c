"""The Python language host's runtime options, as a user of the official host relies on them.

Users run pulumi-fireworks under the official CLI and its Python host; our tests run under the
host in scripts/engine. These tests pin down what must be the same (engine v3.274.1,
``sdk/python/cmd/pulumi-language-python`` and ``sdk/python/toolchain`` upstream): which
interpreter runs the program *and* the dynamic provider (the process that imports our package)
for each ``toolchain`` and ``virtualenv``, what a ``typechecker`` does, ``main:`` handling, and the
errors for bad option values or a broken virtualenv. Most go through the real engine, so they
hold for the official host too; the rest talk to our host over gRPC.

Virtualenvs are made by the tests and see this environment's packages through a ``.pth`` file,
so nothing is downloaded except where the official behaviour itself installs (noted there).
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi import automation as auto
from pulumi.runtime.proto import language_pb2

from tests.support.engine import REPO_ROOT, EngineEnv, engine_is_ours, language_host, write_python_project

pytestmark = pytest.mark.engine

# Where the program and its dynamic provider ran. The provider class is defined in the program,
# so it is pickled by value and needs nothing but `pulumi` in the provider's interpreter.
WHO_PROGRAM = """
    import sys

    import pulumi
    from pulumi.dynamic import CreateResult, Resource, ResourceProvider


    class WhoProvider(ResourceProvider):
        def create(self, props):
            import sys

            return CreateResult("who", {"python": sys.executable})


    class Who(Resource):
        python: pulumi.Output[str]

        def __init__(self, name):
            super().__init__(WhoProvider(), name, {"python": None})


    pulumi.export("program_python", sys.executable)
    pulumi.export("provider_python", Who("who").python)
"""
# The directory holding this environment's tools (uv and poetry come with the test extra).
TOOLS = str(Path(sys.executable).parent)


def see_this_environment(venv: Path) -> Path:
    """Make ``venv`` see this environment's packages (pulumi, mypy, ...); returns its python."""
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "_outer_env.pth").write_text("\n".join([*site.getsitepackages(), str(REPO_ROOT)]) + "\n")
    return venv / "bin" / "python"


def make_venv(venv: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return see_this_environment(venv)


def tools_env(engine_env: EngineEnv, **extra: str) -> dict[str, str]:
    """Stack environment with this environment's tools first on PATH."""
    return {"PATH": TOOLS + ":" + engine_env.env["PATH"], **extra}


def set_runtime_options(project: Path, options: dict[str, Any]) -> None:
    data = json.loads((project / "Pulumi.yaml").read_text())
    data["runtime"] = {"name": "python", "options": options}
    (project / "Pulumi.yaml").write_text(json.dumps(data, indent=2))


def failure(caught: pytest.ExceptionInfo[auto.CommandError]) -> str:
    return str(caught.value)


# --------------------------------------------------------------------------------------------
# Option values: refused like upstream's parseOptions; unknown keys ignored like upstream.
# --------------------------------------------------------------------------------------------


def test_bad_option_values_are_refused_and_unknown_keys_ignored(engine_env: EngineEnv, tmp_path: Path) -> None:
    """Upstream refuses an unknown `toolchain` or `typechecker` value and a non-string option,
    before anything runs; an unknown option *key* is ignored (the project schema allows any)."""
    project = write_python_project(tmp_path / "proj", "options", "import pulumi\npulumi.export('ran', True)\n",
                                   runtime_options={"toolchain": "conda"})
    stack = engine_env.stack(project)
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert "unsupported toolchain option: conda" in failure(caught)

    set_runtime_options(project, {"typechecker": "pylint"})
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert "unsupported typechecker option: pylint" in failure(caught)

    set_runtime_options(project, {"virtualenv": 3})
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert "virtualenv option must be a string" in failure(caught)

    set_runtime_options(project, {"toolchain": "pip", "frobnicate": "yes", "venv": "typo-of-virtualenv"})
    assert stack.up().outputs == {"ran": True}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"toolchain": "conda"}, "unsupported toolchain option: conda"),
        ({"toolchain": ["uv"]}, "toolchain option must be a string"),
        ({"typechecker": "pylint"}, "unsupported typechecker option: pylint"),
        ({"typechecker": True}, "typechecker option must be a string"),
        ({"virtualenv": 3}, "virtualenv option must be a string"),
    ],
)
def test_host_refuses_bad_option_values(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    """Every RPC that reads options refuses them the same way (here About, GetRequiredPackages)."""
    info = language_pb2.ProgramInfo(root_directory=str(tmp_path), program_directory=str(tmp_path),
                                    entry_point=".")
    info.options.update(options)
    with language_host({"PULUMI_PYTHON_CMD": sys.executable}) as stub:
        for call in (lambda: stub.About(language_pb2.AboutRequest(info=info), timeout=60),
                     lambda: stub.GetRequiredPackages(language_pb2.GetRequiredPackagesRequest(info=info), timeout=60)):
            with pytest.raises(grpc.RpcError) as caught:
                call()
            assert caught.value.details() == message


# --------------------------------------------------------------------------------------------
# pip: the `virtualenv` option (relative to the project root), or the ambient Python.
# --------------------------------------------------------------------------------------------


def test_virtualenv_option_selects_program_and_provider_python(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = write_python_project(tmp_path / "proj", "venv-choice", WHO_PROGRAM,
                                   runtime_options={"virtualenv": "venv"})
    python = make_venv(project / "venv")
    up = engine_env.stack(project).up()
    assert up.outputs == {"program_python": str(python), "provider_python": str(python)}


def test_no_virtualenv_uses_pulumi_python_cmd(engine_env: EngineEnv, tmp_path: Path) -> None:
    """Without options both run PULUMI_PYTHON_CMD (a `venv` folder is not picked up)."""
    python = make_venv(tmp_path / "elsewhere")
    project = write_python_project(tmp_path / "proj", "ambient", WHO_PROGRAM)
    make_venv(project / "venv")
    up = engine_env.stack(project, env_vars={"PULUMI_PYTHON_CMD": str(python)}).up()
    assert up.outputs == {"program_python": str(python), "provider_python": str(python)}


def test_virtualenv_with_main_directory(engine_env: EngineEnv, tmp_path: Path) -> None:
    """With `main: src/` the program's relative `virtualenv` is under the project root, but the
    official dynamic-provider script looks under src/ (pulumi/pulumi#7061): a relative path
    breaks every dynamic resource, an absolute one works for both."""
    project = write_python_project(tmp_path / "proj", "venv-main", WHO_PROGRAM,
                                   runtime_options={"virtualenv": "venv"}, main="src")
    python = make_venv(project / "venv")
    stack = engine_env.stack(project)
    with pytest.raises(auto.CommandError) as caught:
        stack.up()
    text = failure(caught)
    assert f"\"{project / 'src' / 'venv'}\" doesn't exist" in text

    set_runtime_options(project, {"virtualenv": str(project / "venv")})
    up = stack.up()
    assert up.outputs == {"program_python": str(python), "provider_python": str(python)}


def test_broken_virtualenv_is_a_clear_error(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = write_python_project(tmp_path / "proj", "venv-broken", WHO_PROGRAM,
                                   runtime_options={"virtualenv": "venv"})
    (project / "venv").mkdir()
    (project / "venv" / "README").write_text("not a virtualenv\n")
    with pytest.raises(auto.CommandError) as caught:
        engine_env.stack(project).preview()
    text = failure(caught)
    venv = project / "venv"
    assert str(venv / "bin" / "python") in text or str(venv) in text
    if engine_is_ours(engine_env.bin_dir):
        # The official host fails at the same point (listing packages) but only says that
        # <venv>/bin/python could not be started; ours gives the message its Run gives.
        assert (f"The 'virtualenv' option in Pulumi.yaml is set to \"venv\", but \"{venv}\" doesn't appear to be "
                "a virtual environment") in text
        assert f"python3 -m venv {venv}" in text and "pip install -r requirements.txt" in text


def _wheel(directory: Path, dist: str, version: str, module: str, marker: dict[str, Any]) -> Path:
    """A minimal wheel (no build backend, so pip installs it offline)."""
    tag = dist.replace("-", "_")
    info = f"{tag}-{version}.dist-info"
    path = directory / f"{tag}-{version}-py3-none-any.whl"
    files = {
        f"{module}/__init__.py": "",
        f"{module}/pulumi-plugin.json": json.dumps(marker),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_missing_virtualenv_is_created_with_requirements(tmp_path: Path) -> None:
    """Upstream creates a missing `virtualenv` and installs requirements.txt into it before it
    lists the program's packages (every preview/up). Its `pip install --upgrade pip setuptools
    wheel` step uses the package index (PyPI, or pip's cache)."""
    project = write_python_project(tmp_path / "proj", "venv-create", "")
    wheel = _wheel(tmp_path, "pulumi-madeup", "1.2.3", "pulumi_madeup",
                   {"resource": True, "name": "madeup", "version": "1.2.3"})
    (project / "requirements.txt").write_text(f"{wheel}\n")
    info = language_pb2.ProgramInfo(root_directory=str(project), program_directory=str(project), entry_point=".")
    info.options.update({"virtualenv": "venv"})
    with language_host({"PULUMI_PYTHON_CMD": sys.executable}) as stub:
        response = stub.GetRequiredPackages(language_pb2.GetRequiredPackagesRequest(info=info), timeout=600)
    assert [(p.name, p.version) for p in response.packages] == [("madeup", "v1.2.3")]
    venv_python = project / "venv" / "bin" / "python"
    shown = subprocess.run([str(venv_python), "-c", "import pulumi_madeup; print(pulumi_madeup.__file__)"],
                           check=True, capture_output=True, text=True).stdout
    assert shown.startswith(str(project / "venv"))


# --------------------------------------------------------------------------------------------
# uv and poetry.
# --------------------------------------------------------------------------------------------

UV_ENV = {"UV_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
PYPROJECT = '[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = []\n'


def test_uv_toolchain(engine_env: EngineEnv, tmp_path: Path) -> None:
    """`toolchain: uv` runs the program (after `uv sync`) and the provider in the project's .venv."""
    project = write_python_project(tmp_path / "proj", "uv-choice", WHO_PROGRAM, runtime_options={"toolchain": "uv"},
                                   extra_files={"pyproject.toml": PYPROJECT.format(name="uv-choice")})
    env = {**tools_env(engine_env), **UV_ENV}
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(project / ".venv")],
                   check=True, env={**engine_env.env_with(env)})
    python = see_this_environment(project / ".venv")
    up = engine_env.stack(project, env_vars=env).up()
    assert up.outputs == {"program_python": str(python), "provider_python": str(python)}
    assert (project / "uv.lock").is_file()  # `uv sync` ran before the program


def test_uv_is_detected_from_its_lock_file(tmp_path: Path) -> None:
    """Without a `toolchain` option, a uv.lock (here one directory up) selects uv, whose
    environment is the .venv beside it; a poetry.lock would select poetry."""
    root = tmp_path / "repo"
    program = root / "infra"
    program.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(name="detected"))
    env = {"PATH": TOOLS + ":" + os.environ["PATH"], **UV_ENV}
    subprocess.run(["uv", "lock", "--quiet"], cwd=root, check=True, env={**os.environ, **env})
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(root / ".venv")], check=True,
                   env={**os.environ, **env})
    info = language_pb2.ProgramInfo(root_directory=str(program), program_directory=str(program), entry_point=".")
    with language_host({**env, "PULUMI_PYTHON_CMD": sys.executable}) as stub:
        about = stub.About(language_pb2.AboutRequest(info=info), timeout=120)
    assert about.executable == str(root / ".venv" / "bin" / "python")
    assert about.metadata["toolchain"] == "Auto"  # upstream reports the option, not the detection


def test_uv_install_dependencies_makes_a_uv_project(tmp_path: Path) -> None:
    """`pulumi install` with uv: a requirements.txt project becomes a uv project (pyproject.toml
    with [project], requirements.txt folded in and removed), then `uv sync`."""
    project = write_python_project(tmp_path / "proj", "uv-install", "", runtime_options={"toolchain": "uv"},
                                   extra_files={"requirements.txt": "# nothing yet\n"})
    env = {"PATH": TOOLS + ":" + os.environ["PATH"], **UV_ENV}
    info = language_pb2.ProgramInfo(root_directory=str(project), program_directory=str(project), entry_point=".")
    info.options.update({"toolchain": "uv"})
    with language_host(env) as stub:
        output = b"".join(r.stdout for r in stub.InstallDependencies(
            language_pb2.InstallDependenciesRequest(info=info, directory=str(project)), timeout=300))
    assert b"Finished installing dependencies" in output
    assert not (project / "requirements.txt").exists()
    assert 'name = "uv-install"' in (project / "pyproject.toml").read_text()
    assert (project / "uv.lock").is_file() and (project / ".venv" / "bin" / "python").is_file()


POETRY_PYPROJECT = (
    '[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n\n'
    "[tool.poetry]\npackage-mode = false\n"
)


def test_poetry_toolchain(engine_env: EngineEnv, tmp_path: Path) -> None:
    """`toolchain: poetry` runs the program and the provider in `poetry env info --path` (here
    the in-project .venv). Do not also set `virtualenv`: the host ignores it for poetry, but the
    official dynamic-provider script still prefers it, so the two would disagree."""
    project = write_python_project(
        tmp_path / "proj", "poetry-choice", WHO_PROGRAM,
        runtime_options={"toolchain": "poetry"},
        extra_files={"pyproject.toml": POETRY_PYPROJECT.format(name="poetry-choice")},
    )
    # Poetry prefers an activated virtualenv (scripts/env.sh activates the repo's): none here.
    env = tools_env(engine_env, POETRY_VIRTUALENVS_IN_PROJECT="true", VIRTUAL_ENV="",
                    POETRY_CACHE_DIR=str(tmp_path / "poetry-cache"))
    python = make_venv(project / ".venv")
    up = engine_env.stack(project, env_vars=env).up()
    assert up.outputs == {"program_python": str(python), "provider_python": str(python)}


# --------------------------------------------------------------------------------------------
# typechecker.
# --------------------------------------------------------------------------------------------


def test_typechecker_runs_before_the_program(engine_env: EngineEnv, tmp_path: Path) -> None:
    """`typechecker: mypy` checks the program directory (minus the virtualenv) first; a type
    error fails the run before the program starts. An uninstalled checker is named."""
    bad = """
        import pulumi

        count: int = "three"
        pulumi.export("count", count)
    """
    project = write_python_project(tmp_path / "proj", "typed", bad,
                                   runtime_options={"virtualenv": "venv", "typechecker": "mypy"},
                                   extra_files={"mypy.ini": "[mypy]\nfollow_imports = skip\n"})
    make_venv(project / "venv")
    stack = engine_env.stack(project)
    with pytest.raises(auto.CommandError) as caught:
        stack.up()
    text = failure(caught)
    assert "mypy failed: exit status 1" in text
    assert "Incompatible types in assignment" in text
    assert stack.resources() == []  # the program never ran

    (project / "__main__.py").write_text("import pulumi\n\ncount: int = 3\npulumi.export('count', count)\n")
    assert stack.up().outputs == {"count": 3}

    # A virtualenv without pyright (nor anything else): named before anything runs.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / "bare")], check=True)
    set_runtime_options(project, {"virtualenv": "bare", "typechecker": "pyright"})
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert ("The typechecker option is set to pyright, but pyright is not installed. Please add an entry for "
            "pyright to requirements.txt and run `bare/bin/pip install -r requirements.txt`") in failure(caught)


# --------------------------------------------------------------------------------------------
# main: a file, a directory, a directory without __main__.py.
# --------------------------------------------------------------------------------------------


def test_main_file_and_directory(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: main-file\nruntime: python\nmain: app/infra.py\n")
    (project / "app").mkdir()
    (project / "app" / "infra.py").write_text(
        "import os, sys\nimport pulumi\npulumi.export('argv0', sys.argv[0])\npulumi.export('cwd', os.getcwd())\n")
    stack = engine_env.stack(project)
    assert stack.up().outputs == {"argv0": "infra.py", "cwd": str(project / "app")}

    (project / "Pulumi.yaml").write_text("name: main-file\nruntime: python\nmain: app/\n")
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    assert f"unable to find main python program `__main__.py` in `{project / 'app'}`" in failure(caught)

    (project / "app" / "__main__.py").write_text("import pulumi\npulumi.export('ran', '__main__')\n")
    assert stack.up().outputs == {"ran": "__main__"}


def test_an_error_raised_while_the_sdk_handles_the_engine_s_end_is_not_a_second_error() -> None:
    """The executor reports no "unhandled exception" for what fails because the engine already
    ended the deployment (a RunError "Resource monitor has terminated" in the chain), and
    still reports any other."""
    import importlib.machinery
    import importlib.util

    import pulumi

    path = REPO_ROOT / "scripts" / "engine" / "pulumi-language-python-exec"
    loader = importlib.machinery.SourceFileLoader("language_python_exec", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    executor = importlib.util.module_from_spec(spec)
    loader.exec_module(executor)

    def raised_while_handling(first: BaseException) -> BaseException:
        try:
            try:
                raise first
            except BaseException:
                raise RuntimeError("the SDK's clean-up failed too")
        except RuntimeError as second:
            return second

    assert executor._after_monitor_gone(raised_while_handling(pulumi.RunError(executor.MONITOR_GONE)))
    assert not executor._after_monitor_gone(raised_while_handling(pulumi.RunError("a real failure")))
    assert not executor._after_monitor_gone(ValueError("the user's own bug"))
