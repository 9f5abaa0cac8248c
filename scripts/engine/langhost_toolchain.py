"""Which Python runs a Pulumi program or plugin: ``runtime.options`` resolved like the official host.

Why this is its own module: it is the part of the language host that users' projects depend on
(which interpreter, which virtualenv, what happens when it is missing), it needs no gRPC, and the
tests exercise it directly. It follows the official host of the engine we ship, Pulumi v3.274.1:
``parseOptions`` in ``sdk/python/cmd/pulumi-language-python/main.go`` and the toolchains in
``sdk/python/toolchain/`` (``toolchain.go``, ``pip.go``, ``uv.go``, ``poetry.go``). Error messages
keep the official wording so that what a test sees is what a user sees.

Options (``runtime.options`` of Pulumi.yaml, PulumiPolicy.yaml or PulumiPlugin.yaml):

* ``toolchain``: ``pip`` | ``uv`` | ``poetry``; without it a ``uv.lock`` or ``poetry.lock`` in the
  program directory or above picks uv or poetry, else pip. Any other value is an error.
* ``virtualenv``: pip and uv; relative to the project root. Without it pip uses
  ``PULUMI_PYTHON_CMD`` or ``python3``/``python`` on PATH (for a plugin other than a policy pack
  the default is ``venv``), uv the ``.venv`` beside ``uv.lock``/``pyproject.toml``. Poetry ignores
  it and asks ``poetry env info --path``.
* ``typechecker``: ``mypy`` | ``pyright``, run before the program; any other value is an error.
* Any other key is ignored, as upstream does (its project schema allows any option).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

TOOLCHAINS = ("pip", "poetry", "uv")
TYPECHECKERS = ("mypy", "pyright")
MIN_UV = (0, 6, 15)
MIN_POETRY = (1, 8, 0)
VENV_DOCS = "https://www.pulumi.com/docs/intro/languages/python/#virtual-environments"

# Receives the output of installs (virtualenv creation, pip, uv, poetry) as it is produced.
Output = Callable[[str], None]


class ToolchainError(Exception):
    """A problem the user must fix in the project (bad option, missing tool or virtualenv)."""


@dataclass(frozen=True)
class PythonOptions:
    """Parsed runtime options; ``toolchain`` is ``"auto"`` when the option is absent."""

    root: Path
    program_dir: Path
    virtualenv: str = ""
    typechecker: str = ""
    toolchain: str = "auto"
    # Which file the options came from, for messages.
    source: str = "Pulumi.yaml"


def parse_options(
    root: str, program_dir: str, options: Mapping[str, Any], *, is_plugin: bool = False,
    source: str = "Pulumi.yaml",
) -> PythonOptions:
    """Validate ``runtime.options`` like upstream's ``parseOptions``.

    ``is_plugin`` is true for plugins other than policy packs (upstream: ``RunPlugin`` with a kind
    other than ``analyzer``, ``InstallDependencies`` with ``is_plugin``): they default to a
    ``venv`` folder, because upstream refuses to run a plugin in the ambient Python; programs and
    policy packs keep the ambient-Python default for backwards compatibility.
    """
    virtualenv = options.get("virtualenv", "")
    if not isinstance(virtualenv, str):
        raise ToolchainError("virtualenv option must be a string")
    typechecker = options.get("typechecker", "")
    if not isinstance(typechecker, str):
        raise ToolchainError("typechecker option must be a string")
    if "typechecker" in options and typechecker not in TYPECHECKERS:
        raise ToolchainError(f"unsupported typechecker option: {typechecker}")
    toolchain = options.get("toolchain", "auto")
    if not isinstance(toolchain, str):
        raise ToolchainError("toolchain option must be a string")
    if "toolchain" in options and toolchain not in TOOLCHAINS:
        raise ToolchainError(f"unsupported toolchain option: {toolchain}")
    if is_plugin and toolchain in ("pip", "auto") and not virtualenv:
        virtualenv = "venv"
    return PythonOptions(Path(root or "."), Path(program_dir or root or "."), virtualenv, typechecker,
                         toolchain, source)


@dataclass(frozen=True)
class Command:
    """A process to start: argv, its environment (None: inherit) and working directory."""

    argv: list[str]
    env: dict[str, str] | None = None
    cwd: str | None = None


class Toolchain(Protocol):
    """What the host needs from a toolchain (a subset of upstream's ``Toolchain`` interface)."""

    name: str

    def command(self, *args: str) -> Command: ...
    def validate_venv(self) -> None: ...
    def ensure_venv(self, cwd: Path, out: Output) -> None: ...
    def install_dependencies(self, cwd: Path, out: Output) -> None: ...
    def virtualenv_path(self) -> Path | None: ...
    def version(self) -> str: ...


def resolve_toolchain(opts: PythonOptions, environ: Mapping[str, str]) -> Toolchain:
    """Upstream's ``ResolveToolchain``, including lock-file detection when no toolchain is set."""
    toolchain = opts.toolchain
    if toolchain == "auto":
        if _search_up(opts.program_dir, "uv.lock"):
            toolchain = "uv"
        elif _search_up(opts.program_dir, "poetry.lock"):
            toolchain = "poetry"
        else:
            toolchain = "pip"
    if toolchain == "uv":
        venv = Path(opts.virtualenv) if opts.virtualenv else None
        if venv is not None and not venv.is_absolute():
            venv = opts.root / venv
        return Uv(opts.program_dir, venv, environ)
    if toolchain == "poetry":
        return Poetry(opts.program_dir, environ)
    return Pip(opts.root, opts.virtualenv, environ, opts.source)


# --------------------------------------------------------------------------------------------
# Shared helpers.
# --------------------------------------------------------------------------------------------


def activate(environ: Mapping[str, str], venv: Path) -> dict[str, str]:
    """``environ`` with ``venv`` activated: its bin first on PATH, VIRTUAL_ENV set, no PYTHONHOME."""
    env = {k: v for k, v in environ.items() if k not in ("PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = str(venv / "bin") + (os.pathsep + environ["PATH"] if environ.get("PATH") else "")
    env["VIRTUAL_ENV"] = str(venv)
    return env


def is_virtualenv(directory: Path | None) -> bool:
    return directory is not None and (directory / "bin" / "python").is_file()


def _search_up(start: Path, name: str) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``name``."""
    for directory in (start.resolve(), *start.resolve().parents):
        if (directory / name).exists():
            return directory
    return None


def runs_here(command: Command) -> bool:
    """Whether ``command`` would start this very interpreter, in this environment.

    Then a question about the program's interpreter (its packages, its version) can be
    answered in this process, with the same answer: the engine asks them before every
    preview and update, and each Python process started only to answer costs ~0.1-0.25 s
    of CPU. The paths are compared unresolved: a virtualenv's ``bin/python`` links to the
    base interpreter but is another environment."""
    if command.env is not None and dict(command.env) != dict(os.environ):
        return False
    found = shutil.which(command.argv[0])
    return found is not None and os.path.abspath(found) == os.path.abspath(sys.executable)


def default_python(environ: Mapping[str, str]) -> str:
    """Upstream's ``CommandPath``: ``PULUMI_PYTHON_CMD``, else ``python3``, else ``python``."""
    names = [environ["PULUMI_PYTHON_CMD"]] if environ.get("PULUMI_PYTHON_CMD") else ["python3", "python"]
    for name in names:
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    quoted = " ".join(f'"{n}"' for n in names)
    raise ToolchainError(f"failed to locate any of [{quoted}] on your PATH. Have you installed Python 3.10 or greater?")


def run_step(command: Command, out: Output, what: str) -> None:
    """Run an install step, streaming its output; a failure names the step and the command."""
    try:
        proc = subprocess.Popen(command.argv, env=command.env, cwd=command.cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    except OSError as exc:
        raise ToolchainError(f"{what}: {exc}") from exc
    assert proc.stdout is not None
    tail: list[str] = []
    for line in proc.stdout:
        out(line)
        tail = (tail + [line])[-20:]
    if proc.wait() != 0:
        raise ToolchainError(f"{what} via '{' '.join(command.argv)}': exit status {proc.returncode}: "
                             + "".join(tail).strip())


def _capture(argv: list[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Run a query command; its stdout, or a ToolchainError with its stderr."""
    proc = subprocess.run(argv, cwd=cwd, env=dict(env) if env is not None else None, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise ToolchainError(f"{' '.join(argv)}: exit status {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _load_pyproject(directory: Path) -> dict[str, Any] | None:
    path = directory / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        import tomllib
    except ModuleNotFoundError as exc:  # Python 3.10: the host needs 3.11 for pyproject.toml
        raise ToolchainError("reading pyproject.toml needs Python 3.11 or newer for the language host") from exc
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ToolchainError(f"unmarshaling pyproject.toml: {exc}") from exc


def buildable_project_name(directory: Path) -> str | None:
    """The ``[project] name`` of a buildable pyproject.toml (upstream's ``IsBuildablePackage``)."""
    pyproject = _load_pyproject(directory) or {}
    name = (pyproject.get("project") or {}).get("name")
    backend = (pyproject.get("build-system") or {}).get("build-backend")
    return name if name and backend else None


def _project_name(directory: Path) -> str:
    """``name`` of the Pulumi.yaml in ``directory`` or above ("" if none). No YAML parser in the
    standard library: JSON (which is YAML) is parsed, else the top-level ``name:`` line is read."""
    found = _search_up(directory, "Pulumi.yaml")
    if found is None:
        return ""
    text = (found / "Pulumi.yaml").read_text()
    try:
        name = json.loads(text).get("name", "")
        return name if isinstance(name, str) else ""
    except (ValueError, AttributeError):
        match = re.search(r"^name:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
        return match.group(1) if match else ""


# --------------------------------------------------------------------------------------------
# pip: a virtualenv of the user's choice, or the ambient Python.
# --------------------------------------------------------------------------------------------


class Pip:
    """Upstream's ``pip`` toolchain (``sdk/python/toolchain/pip.go``)."""

    name = "pip"

    def __init__(self, root: Path, virtualenv: str, environ: Mapping[str, str], source: str) -> None:
        self.option = virtualenv
        self.venv: Path | None = None
        if virtualenv:
            venv = Path(virtualenv)
            self.venv = venv if venv.is_absolute() else root / venv
        self.environ = dict(environ)
        self.source = source

    def command(self, *args: str) -> Command:
        if self.venv is None:
            return Command([default_python(self.environ), *args])
        return Command([str(self.venv / "bin" / "python"), *args], activate(self.environ, self.venv))

    def validate_venv(self) -> None:
        if self.option and not is_virtualenv(self.venv):
            raise ToolchainError(self.virtualenv_error())

    def virtualenv_error(self) -> str:
        """Upstream's ``NewVirtualEnvError``, naming the file the option is in."""
        assert self.venv is not None
        state = "doesn't exist" if not self.venv.exists() else "doesn't appear to be a virtual environment"
        python = self.venv / "bin" / "python"
        return (
            f"The 'virtualenv' option in {self.source} is set to \"{self.option}\", but \"{self.venv}\" {state}; "
            "run the following commands to create the virtual environment and install dependencies into it:\n\n"
            f"    1. python3 -m venv {self.venv}\n"
            f"    2. {python} -m pip install --upgrade pip setuptools wheel\n"
            f"    3. {python} -m pip install -r requirements.txt\n\n\n"
            f"For more information see: {VENV_DOCS}"
        )

    def ensure_venv(self, cwd: Path, out: Output) -> None:
        """Create the virtualenv and install requirements.txt when the option names a missing or
        empty directory (upstream does this before listing packages, i.e. on every preview/up)."""
        if not self.option or is_virtualenv(self.venv):
            return
        assert self.venv is not None
        if self.venv.exists() and not self.venv.is_dir():
            raise ToolchainError(
                f"the 'virtualenv' option in {self.source} is set to \"{self.venv}\" but it is not a directory"
            )
        if not self.venv.exists() or not any(self.venv.iterdir()):
            self.install_dependencies(cwd, out)

    def install_dependencies(self, cwd: Path, out: Output) -> None:
        """Upstream's ``InstallDependencies``: (re)create the venv, update pip, install requirements."""
        if self.venv is not None:
            out("Creating virtual environment...\n")
            run_step(Command([default_python(self.environ), "-m", "venv", str(self.venv)]), out,
                 f"creating virtual environment at '{self.venv}'")
            out("Finished creating virtual environment\n")
        pip = self.command("-m", "pip", "install")
        env = pip.env if pip.env is not None else self.environ
        out("Updating pip, setuptools, and wheel in virtual environment...\n")
        run_step(Command([*pip.argv, "--upgrade", "pip", "setuptools", "wheel"], env, str(cwd)), out,
             "updating pip, setuptools, and wheel")
        out("Finished updating\n")
        if (cwd / "requirements.txt").is_file():
            out("Installing dependencies in virtual environment...\n")
            run_step(Command([*pip.argv, "-r", "requirements.txt"], env, str(cwd)), out, "installing dependencies")
            out("Finished installing dependencies\n")

    def virtualenv_path(self) -> Path | None:
        return self.venv

    def version(self) -> str:
        """pip's version, as upstream's ``pip --version`` reports it. Read from the installed
        distribution's metadata: ``pip --version`` imports pip itself, which costs ~0.3 s of
        CPU, and the engine waits for About before every preview and update."""
        command = self.command("-c", "import importlib.metadata as m; print(m.version('pip'))")
        if runs_here(command):
            import importlib.metadata

            try:
                return importlib.metadata.version("pip")
            except importlib.metadata.PackageNotFoundError:
                return ""
        try:
            return _capture(command.argv, env=command.env).strip()
        except ToolchainError:
            return ""


# --------------------------------------------------------------------------------------------
# uv: a project environment that `uv sync` keeps in step with pyproject.toml / uv.lock.
# --------------------------------------------------------------------------------------------


class Uv:
    """Upstream's ``uv`` toolchain (``sdk/python/toolchain/uv.go``)."""

    name = "uv"

    def __init__(self, program_dir: Path, virtualenv: Path | None, environ: Mapping[str, str]) -> None:
        self.root = program_dir
        self.environ = dict(environ)
        uv = shutil.which("uv", path=environ.get("PATH"))
        if uv is None:
            raise ToolchainError("Could not find `uv` executable.\nInstall uv and make sure it is in your PATH.")
        self.uv = uv
        if virtualenv is None:
            project_dir = _search_up(program_dir, "uv.lock") or _search_up(program_dir, "pyproject.toml") or program_dir
            configured = environ.get("UV_PROJECT_ENVIRONMENT")
            virtualenv = project_dir / configured if configured else project_dir / ".venv"
        self.venv = virtualenv if virtualenv.is_absolute() else program_dir / virtualenv
        text = _capture([uv, "--version"]).strip()
        match = re.match(r"uv (\d+\.\d+(?:\.\d+)?)", text)
        if match is None:
            raise ToolchainError(f"unexpected output from `uv --version`: \"{text}\"")
        self._version = match.group(1)
        if _version_tuple(self._version) < MIN_UV:
            raise ToolchainError(f"uv version {text} is less than the minimum required version "
                                 f"{'.'.join(map(str, MIN_UV))}")

    def _uv(self, cwd: Path, *args: str) -> Command:
        return Command([self.uv, *args], {**self.environ, "UV_PROJECT_ENVIRONMENT": str(self.venv)}, str(cwd))

    def _check_pyproject_has_project(self, cwd: Path) -> None:
        if _search_up(cwd, "uv.lock"):
            return
        directory = _search_up(cwd, "pyproject.toml")
        if directory is not None and "project" not in (_load_pyproject(directory) or {}):
            raise ToolchainError(
                f"{directory / 'pyproject.toml'} is missing a [project] section, which uv requires to install "
                "dependencies; add a [project] section with a name and dependencies to use the uv toolchain"
            )

    def command(self, *args: str) -> Command:
        """Like ``uv run``: sync the environment (keeping extra packages), then use its python."""
        if _search_up(self.root, "pyproject.toml"):
            self._check_pyproject_has_project(self.root)
            sync = self._uv(self.root, "sync", "--inexact")
            proc = subprocess.run(sync.argv, env=sync.env, cwd=sync.cwd, capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, check=False)
            if proc.returncode != 0:
                raise ToolchainError(f"error creating virtual environment: {proc.stderr.strip()}")
        return Command([str(self.venv / "bin" / "python"), *args], activate(self.environ, self.venv), str(self.root))

    def validate_venv(self) -> None:
        if not is_virtualenv(self.venv):
            raise ToolchainError(f"'{self.venv}' is not a virtualenv")

    def ensure_venv(self, cwd: Path, out: Output) -> None:
        if not is_virtualenv(self.venv):
            run_step(self._uv(cwd, "venv", "--quiet", "--allow-existing", str(self.venv)), out,
                 "error creating virtual environment")

    def install_dependencies(self, cwd: Path, out: Output) -> None:
        """``uv sync``; a project without uv.lock is first made a uv project (``uv init`` and
        requirements.txt moved into pyproject.toml with ``uv add -r``), as upstream does."""
        if not _search_up(cwd, "uv.lock"):
            self._prepare_project(cwd, out)
        self._check_pyproject_has_project(cwd)
        run_step(self._uv(cwd, "sync"), out, "error installing dependencies")

    def _prepare_project(self, cwd: Path, out: Output) -> None:
        existing = _search_up(cwd, "pyproject.toml")
        if existing is not None:
            if "project" in (_load_pyproject(existing) or {}) or not (existing / "requirements.txt").is_file():
                return
            name = _project_name(cwd) or existing.name
            with open(existing / "pyproject.toml", "a", encoding="utf-8") as handle:
                handle.write(f'\n[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = []\n')
            self._merge_requirements(existing, out)
            return
        requirements_dir = _search_up(cwd, "requirements.txt")
        args = ["init", "--bare", "--no-package", "--no-pin-python"]
        name = _project_name(cwd)
        if name:
            args += ["--name", name]
        run_step(self._uv(requirements_dir or cwd, *args), out, "error initializing python project")
        if requirements_dir is not None:
            self._merge_requirements(requirements_dir, out)

    def _merge_requirements(self, directory: Path, out: Output) -> None:
        args = ["add", "--no-sync", "-r", str(directory / "requirements.txt")]
        if _version_tuple(self._version) >= (0, 8, 0):
            args.append("--no-workspace")
        run_step(self._uv(directory, *args), out, "error installing dependencies from requirements.txt")
        (directory / "requirements.txt").unlink()
        out("Deleted requirements.txt, dependencies for this project are tracked in pyproject.toml\n")

    def virtualenv_path(self) -> Path | None:
        return self.venv

    def version(self) -> str:
        return self._version


# --------------------------------------------------------------------------------------------
# poetry: the environment poetry manages for the project.
# --------------------------------------------------------------------------------------------


class Poetry:
    """Upstream's ``poetry`` toolchain (``sdk/python/toolchain/poetry.go``); ignores ``virtualenv``."""

    name = "poetry"

    def __init__(self, program_dir: Path, environ: Mapping[str, str]) -> None:
        self.directory = program_dir
        self.environ = dict(environ)
        poetry = shutil.which("poetry", path=environ.get("PATH"))
        if poetry is None:
            raise ToolchainError("Could not find `poetry` executable.\nInstall poetry and make sure it is in your "
                                 "PATH, or set the toolchain option in Pulumi.yaml to `pip`.")
        self.poetry = poetry
        text = _capture([poetry, "--version", "--no-ansi", "--no-plugins"], env=self.environ).strip()
        match = re.search(r"Poetry \(version (\d+\.\d+(?:\.\d+)?)", text)
        if match is None:
            raise ToolchainError(f"unexpected output from poetry --version: \"{text}\"")
        self._version = match.group(1)
        if _version_tuple(self._version) < MIN_POETRY:
            raise ToolchainError(f"poetry version {self._version} is less than the minimum required version "
                                 f"{'.'.join(map(str, MIN_POETRY))}")

    def virtualenv_path(self) -> Path:
        try:
            path = _capture([self.poetry, "env", "info", "--path"], cwd=self.directory, env=self.environ).strip()
        except ToolchainError as exc:
            raise ToolchainError(f"failed to get venv path: {exc}") from exc
        if not path:
            raise ToolchainError("expected a virtualenv path, got empty string")
        return Path(path)

    def command(self, *args: str) -> Command:
        venv = self.virtualenv_path()
        return Command([str(venv / "bin" / "python"), *args], activate(self.environ, venv), str(self.directory))

    def validate_venv(self) -> None:
        venv = self.virtualenv_path()
        if not is_virtualenv(venv):
            raise ToolchainError(f"'{venv}' is not a virtualenv")

    def ensure_venv(self, cwd: Path, out: Output) -> None:
        try:
            self.virtualenv_path()
        except ToolchainError:
            self.install_dependencies(cwd, out)

    def install_dependencies(self, cwd: Path, out: Output) -> None:
        # Upstream first writes a pyproject.toml from requirements.txt when there is none; we leave
        # that to `poetry init` and let `poetry install` say what is missing.
        run_step(Command([self.poetry, "install", "--no-ansi"], self.environ, str(self.directory)), out,
             "poetry install failed")

    def version(self) -> str:
        return self._version
