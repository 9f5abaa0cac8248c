"""A Python ``LanguageRuntime`` gRPC server for the Pulumi engine (dev tooling, not the product).

Why this exists: the engine we build from source (scripts/engine/install.sh) needs a
``pulumi-language-python`` plugin to run Python programs, dynamic providers and Python policy
packs. The official one is its own Go module
(``github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3``) and the Go module proxy
this machine can reach refuses to serve it (HTTP 403 "This module version is not available").
So this file implements the same gRPC service with the stubs that the ``pulumi`` PyPI package
ships, and behaves like the official host of engine v3.274.1 wherever a user can tell:

* Which interpreter runs the program or plugin, from ``runtime.options`` (``toolchain``,
  ``virtualenv``, ``typechecker``): ``langhost_toolchain.py`` beside this file.
* Questions about the program's environment (installed packages, plugin markers) are answered by
  ``langhost_probe.py``, a standard-library-only script run *in that interpreter*.
* The program itself runs in ``pulumi-language-python-exec`` (beside this file), started with the
  chosen interpreter; exit code 32 means "already reported to the user" (``bail``).

How the engine uses a language plugin: it execs it with ``[--logtostderr] [-v=N] [--tracing URL]
<engine address>``, reads the gRPC port from the first line of stdout and streams the rest of
stdout/stderr into its diagnostics. ``preview``/``up`` call ``GetRequiredPackages`` then ``Run``;
``--policy-pack <dir>`` calls ``RunPlugin`` (``kind = "analyzer"``) for the pack directory;
``pulumi about`` calls ``GetPluginInfo``, ``About``, ``GetProgramDependencies``; ``pulumi install``
calls ``InstallDependencies``.

Set ``PULUMI_FIREWORKS_LANGHOST_LOG=<file>`` to append one JSON line per RPC the engine makes.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # also when loaded by path (the tests import this file)
    sys.path.insert(0, str(HERE))

from langhost_toolchain import (  # noqa: E402 - needs the path above
    Command,
    PythonOptions,
    Toolchain,
    ToolchainError,
    buildable_project_name,
    parse_options,
    resolve_toolchain,
    run_step,
    runs_here,
)

# Version we report to the engine: this host is shipped with (and tested against) that engine.
HOST_VERSION = "3.274.1"
EXEC_SCRIPT = HERE / "pulumi-language-python-exec"
WARM_PYTHON = HERE / "warm_python.py"
PROBE_SCRIPT = HERE / "langhost_probe.py"
# Exit code meaning "the program already reported a user-actionable error; just fail".
BAIL_EXIT_CODE = 32
# Distributions that are Pulumi packages without a resource plugin (the official host's list,
# plus the SDK itself, which the official host never sees because it ships a plugin marker).
PACKAGES_WITHOUT_PLUGINS = frozenset({"pulumi", "pulumi-policy", "pulumi-esc-sdk"})
# A program or plugin gets this long after SIGINT (Cancel, or the engine ending the call).
STOP_GRACE_SECONDS = 5.0


# --------------------------------------------------------------------------------------------
# Package -> plugin mapping (GetRequiredPackages).
# --------------------------------------------------------------------------------------------


def plugin_version_from_pep440(version: str) -> str | None:
    """Translate a PEP 440 package version into the plugin's semver, or None if impossible.

    ``1.2`` -> ``1.2.0``, ``1.2.3a4`` -> ``1.2.3-alpha.4``, ``1.2.3rc1`` -> ``1.2.3-rc.1``,
    ``1.2.3.post4`` -> ``1.2.3+post4``, ``1.2.3.dev5`` -> ``1.2.3+dev5``. Epochs and local
    versions are not translatable (the official host skips such packages too).
    """
    match = re.fullmatch(
        r"(?P<release>\d+(?:\.\d+)*)(?:(?P<pre>a|b|rc)(?P<pre_n>\d+))?"
        r"(?:\.post(?P<post>\d+))?(?:\.dev(?P<dev>\d+))?",
        version,
    )
    if match is None:
        return None
    segments = match.group("release").split(".")
    result = ".".join(segments + ["0"] * (3 - len(segments)))
    if match.group("pre"):
        label = {"a": "alpha", "b": "beta", "rc": "rc"}[match.group("pre")]
        result += f"-{label}.{match.group('pre_n')}"
    build = ""
    if match.group("post") is not None:
        build += f"post{match.group('post')}"
    if match.group("dev") is not None:
        build += f"dev{match.group('dev')}"
    return result + ("+" + build if build else "")


def required_packages(packages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Map installed distributions to the resource plugins the engine must load.

    Like the official host: a distribution counts if it ships ``pulumi-plugin.json`` or its
    name starts with ``pulumi-``; known plugin-less ones are skipped, as is any whose marker says
    ``"resource": false`` (pulumi-fireworks ships exactly that: it is a dynamic-provider library
    whose resources run in the ``pulumi-python`` dynamic provider, not a plugin of its own).
    """
    required: list[dict[str, Any]] = []
    for pkg in packages:
        name = str(pkg["name"])
        marker = pkg.get("plugin_json")
        if (marker is None and not name.startswith("pulumi-")) or name in PACKAGES_WITHOUT_PLUGINS:
            continue
        if marker is not None and not marker.get("resource", False):
            continue
        marker = marker or {}
        version = marker.get("version") or plugin_version_from_pep440(str(pkg["version"]))
        if not version:
            continue
        dep: dict[str, Any] = {
            "name": marker.get("name") or name.removeprefix("pulumi-"),
            "kind": "resource",
            "version": version if version.startswith("v") else "v" + version,
            "server": marker.get("server", ""),
        }
        if marker.get("parameterization"):
            dep["parameterization"] = marker["parameterization"]
        required.append(dep)
    return required


def probe_packages(toolchain: Toolchain) -> list[dict[str, Any]]:
    """The distributions installed in the toolchain's interpreter (``langhost_probe.py``)."""
    command = toolchain.command(str(PROBE_SCRIPT), "packages")
    if runs_here(command):  # the same answer, without a process (see runs_here)
        import langhost_probe

        return langhost_probe.list_packages()
    try:
        proc = subprocess.run(command.argv, env=command.env, cwd=command.cwd, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, check=False)
    except OSError as exc:
        raise ToolchainError(f"listing Python packages with {command.argv[0]} failed: {exc}") from exc
    if proc.returncode != 0:
        raise ToolchainError(f"listing Python packages with {command.argv[0]} failed "
                             f"(exit {proc.returncode}):\n{proc.stderr.strip()}")
    packages: list[dict[str, Any]] = json.loads(proc.stdout)
    return packages


# --------------------------------------------------------------------------------------------
# Running child processes.
# --------------------------------------------------------------------------------------------


def _log_call(method: str, **details: Any) -> None:
    """Append a line to $PULUMI_FIREWORKS_LANGHOST_LOG so tests can see what the engine called."""
    path = os.environ.get("PULUMI_FIREWORKS_LANGHOST_LOG")
    if not path:
        return
    line = json.dumps({"method": method, "pid": os.getpid(), **details}, default=str)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def warm(argv: list[str], env: dict[str, str] | None) -> list[str]:
    """``argv`` through warm_python.py when the environment names a warm interpreter (the test
    suite's), which forks the program from it if it can run it exactly as asked; else ``argv``."""
    if (os.environ if env is None else env).get("PULUMI_FIREWORKS_WARM_PYTHON") and WARM_PYTHON.is_file():
        return [sys.executable, "-S", "-I", str(WARM_PYTHON), "run", *argv]
    return argv


class Children:
    """The programs and plugins we started, so Cancel and shutdown can stop them."""

    def __init__(self) -> None:
        self._procs: set[subprocess.Popen[Any]] = set()
        self._lock = threading.Lock()

    def start(self, command: Command, **kwargs: Any) -> subprocess.Popen[Any]:
        proc: subprocess.Popen[Any] = subprocess.Popen(warm(command.argv, command.env), env=command.env,
                                                       cwd=command.cwd, **kwargs)
        with self._lock:
            self._procs.add(proc)
        return proc

    def wait(self, proc: subprocess.Popen[Any]) -> int:
        code = proc.wait()
        with self._lock:
            self._procs.discard(proc)
        return code

    @staticmethod
    def stop(proc: subprocess.Popen[Any]) -> None:
        """SIGINT first (the program may clean up), SIGKILL after a grace period, like upstream."""
        if proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)

        def kill() -> None:
            if proc.poll() is None:
                proc.kill()

        timer = threading.Timer(STOP_GRACE_SECONDS, kill)
        timer.daemon = True
        timer.start()

    def stop_all(self) -> None:
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            self.stop(proc)

    def end_all(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Before this host exits: SIGINT every child, SIGKILL what still runs after ``grace``
        seconds. (``stop``'s timers are daemon threads and would die with us, leaving a
        program that ignores SIGINT running after a killed engine.)"""
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _streamed(proc: subprocess.Popen[bytes]) -> Iterator[tuple[str, bytes]]:
    """(``"stdout"``|``"stderr"``, chunk) as soon as the process writes (a plugin's port must not
    wait for a buffer to fill)."""
    chunks: queue.Queue[tuple[str, bytes]] = queue.Queue()

    def pump(stream: Any, kind: str) -> None:
        fd = stream.fileno()
        while data := os.read(fd, 65536):
            chunks.put((kind, data))
        chunks.put((kind, b""))

    for stream, kind in ((proc.stdout, "stdout"), (proc.stderr, "stderr")):
        threading.Thread(target=pump, args=(stream, kind), daemon=True).start()
    open_streams = 2
    while open_streams:
        kind, data = chunks.get()
        if data:
            yield kind, data
        else:
            open_streams -= 1


# --------------------------------------------------------------------------------------------
# The gRPC service.
# --------------------------------------------------------------------------------------------


def _import_protos() -> tuple[Any, Any, Any]:
    """The generated gRPC modules of the language protocol, without the SDK around them.

    ``pulumi.runtime.proto`` is a subpackage of the SDK, so importing it runs the SDK's own
    ``__init__`` (its whole runtime: ~0.45 s of CPU). The engine starts this host twice for
    every preview and update, so we register the packages as bare namespaces and import
    only the generated modules (they need nothing but ``google.protobuf`` and ``grpc``).
    Nothing else in this process imports the SDK. If the layout ever differs, the plain
    import is used."""
    import importlib
    import importlib.util
    import types

    names = ("language_pb2", "language_pb2_grpc", "plugin_pb2")
    spec = importlib.util.find_spec("pulumi")
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    if "pulumi" not in sys.modules and roots and (Path(roots[0]) / "runtime" / "proto" / "language_pb2.py").is_file():
        for package, where in (("pulumi", ""), ("pulumi.runtime", "runtime"), ("pulumi.runtime.proto", "runtime/proto")):
            module = types.ModuleType(package)
            module.__path__ = [str(Path(roots[0]) / where)]
            sys.modules[package] = module
    loaded = [importlib.import_module(f"pulumi.runtime.proto.{name}") for name in names]
    return loaded[0], loaded[1], loaded[2]


def serve(argv: Sequence[str]) -> int:
    """Start the gRPC server, print its port, and block until the engine stops us."""
    from concurrent import futures

    import grpc
    from google.protobuf import empty_pb2, json_format

    language_pb2, language_pb2_grpc, plugin_pb2 = _import_protos()

    # The engine passes `[--logtostderr] [-v=N] [--tracing URL] <engine address>`.
    engine_address, tracing = "", ""
    i = 0
    while i < len(argv):
        if argv[i] == "--tracing" and i + 1 < len(argv):
            tracing = argv[i + 1]
            i += 2
            continue
        if not argv[i].startswith("-"):
            engine_address = argv[i]
        i += 1
    children = Children()

    def options_of(info: Any, *, is_plugin: bool = False, source: str = "Pulumi.yaml") -> PythonOptions:
        options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
        return parse_options(info.root_directory, info.program_directory, options, is_plugin=is_plugin,
                             source=source)

    def fail(context: Any, exc: Exception) -> NoReturn:
        """Report a project problem as the RPC's error, as the Go host does (status UNKNOWN)."""
        context.abort(grpc.StatusCode.UNKNOWN, str(exc))
        raise AssertionError("context.abort returned")

    def to_stderr(text: str) -> None:
        # Our stderr is streamed into the engine's diagnostics (upstream logs ephemerally).
        sys.stderr.write(text)
        sys.stderr.flush()

    def package_dependency(dep: Mapping[str, Any]) -> Any:
        msg = plugin_pb2.PackageDependency(name=dep["name"], kind=dep["kind"], version=dep["version"],
                                           server=dep["server"])
        param = dep.get("parameterization")
        if param:
            msg.parameterization.name = param.get("name", "")
            msg.parameterization.version = param.get("version", "")
            value = param.get("value", b"")
            if isinstance(value, str):
                import base64

                value = base64.b64decode(value)  # Go marshals []byte as base64 in JSON
            msg.parameterization.value = value
        return msg

    def run_typechecker(opts: PythonOptions, toolchain: Toolchain) -> None:
        """Upstream runs ``python -m mypy|pyright <program dir>`` before the program; a failure
        fails the run with the checker's output."""
        checker = opts.typechecker
        args = ["-m", checker]
        if checker == "mypy":
            venv = toolchain.virtualenv_path()
            if venv is None:
                # Upstream computes filepath.Rel(program dir, "") here and fails with
                # "Rel: can't make . relative to <dir>"; say what that means instead.
                raise ToolchainError(
                    f"The typechecker option is set to mypy, which needs a virtual environment to exclude from "
                    f"checking, but none is configured: set the 'virtualenv' runtime option (the official host "
                    f"fails here too, with \"Rel: can't make . relative to {opts.program_dir}\")")
            args += ["--exclude", os.path.relpath(venv, opts.program_dir)]
        args.append(str(opts.program_dir))
        installed = {p["name"] for p in probe_packages(toolchain)}
        if checker not in installed:
            if toolchain.name == "poetry":
                how = f"Please install it using `poetry add {checker}`."
            else:
                how = (f"Please add an entry for {checker} to requirements.txt and run "
                       f"`{opts.virtualenv}/bin/pip install -r requirements.txt`")
            raise ToolchainError(f"The typechecker option is set to {checker}, but {checker} is not installed. {how}")
        command = toolchain.command(*args)
        proc = subprocess.run(command.argv, env=command.env, cwd=str(opts.program_dir), capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, check=False)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            output = proc.stdout + proc.stderr
            raise ToolchainError(f"{checker} failed: exit status {proc.returncode}" + (f"\n{output}" if output else ""))

    class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
        """LanguageRuntime implementation; every method logs itself via ``_log_call``."""

        def __init__(self) -> None:
            self.engine_address = engine_address

        def Handshake(self, request: Any, context: Any) -> Any:
            _log_call("Handshake", engine_address=request.engine_address)
            self.engine_address = request.engine_address
            return language_pb2.LanguageHandshakeResponse()

        def GetPluginInfo(self, request: Any, context: Any) -> Any:
            _log_call("GetPluginInfo")
            return plugin_pb2.PluginInfo(version=HOST_VERSION)

        def GetRequiredPackages(self, request: Any, context: Any) -> Any:
            """Upstream first makes sure the environment exists (creating a ``virtualenv`` and
            installing requirements.txt into it, ``uv venv``, ``poetry install``), then lists it."""
            info = request.info
            try:
                toolchain = resolve_toolchain(options_of(info), os.environ)
                toolchain.ensure_venv(Path(info.program_directory), to_stderr)
                # Upstream lets `pip list` fail here on a broken virtualenv ("fork/exec
                # .../bin/python: no such file or directory"); we give Run's clearer message.
                toolchain.validate_venv()
                required = required_packages(probe_packages(toolchain))
            except ToolchainError as exc:
                _log_call("GetRequiredPackages", program_directory=info.program_directory, error=str(exc))
                fail(context, exc)
            _log_call("GetRequiredPackages", program_directory=info.program_directory,
                      packages=[d["name"] for d in required])
            return language_pb2.GetRequiredPackagesResponse(packages=[package_dependency(d) for d in required])

        def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
            _log_call("GetRequiredPlugins")  # replaced by GetRequiredPackages, as upstream
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "method GetRequiredPlugins not implemented")

        def Run(self, request: Any, context: Any) -> Any:
            info = request.info
            details = dict(project=request.project, stack=request.stack, dry_run=request.dryRun,
                           program_directory=info.program_directory, entry_point=info.entry_point)
            try:
                opts = options_of(info)
                toolchain = resolve_toolchain(opts, os.environ)
                toolchain.validate_venv()
                if opts.typechecker:
                    run_typechecker(opts, toolchain)
                args = [str(EXEC_SCRIPT)]
                for flag, value in (
                    ("monitor", request.monitor_address), ("engine", self.engine_address),
                    ("project", request.project), ("root_directory", info.root_directory),
                    ("stack", request.stack), ("pwd", request.pwd),
                    ("dry_run", "true" if request.dryRun else "false"), ("parallel", str(request.parallel)),
                    ("tracing", tracing), ("organization", request.organization),
                ):
                    if value:
                        args += [f"--{flag}", value]
                args += [info.entry_point, *request.args]
                command = toolchain.command(*args)
            except ToolchainError as exc:
                _log_call("Run", **details, error=str(exc))
                fail(context, exc)
            env = dict(command.env if command.env is not None else os.environ)
            env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
            env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
            _log_call("Run", **details, python=command.argv[0])
            try:
                # stdout/stderr are inherited: the engine streams ours into its diagnostics.
                proc = children.start(Command(command.argv, env, command.cwd))
            except OSError as exc:
                return language_pb2.RunResponse(
                    error=f"problem executing program (could not run language executor): {exc}")
            context.add_callback(lambda: Children.stop(proc))
            code = children.wait(proc)
            if code == 0:
                return language_pb2.RunResponse()
            if code == BAIL_EXIT_CODE:
                return language_pb2.RunResponse(bail=True)
            if code < 0:
                return language_pb2.RunResponse(error=f"program exited unexpectedly: signal {-code}")
            return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")

        def RunPlugin(self, request: Any, context: Any) -> Iterator[Any]:
            """Run a Python plugin directory: a policy pack (``kind == "analyzer"``) or a provider
            with PulumiPlugin.yaml, in the interpreter its own runtime options choose.

            Like upstream: a directory with ``__main__.py`` (or an SDK without
            ``pulumi.run.plugin``) runs as ``python -u -m pulumi.policy <args> <dir>`` for a
            policy pack and ``python <dir> <args>`` otherwise; else a buildable pyproject.toml runs
            as ``python -m pulumi.run.plugin <project name> <args>``. Only plugins other than
            policy packs default to a ``venv`` folder; a policy pack without the ``virtualenv``
            option runs in the ambient Python (``PULUMI_PYTHON_CMD``, ``python3``).
            """
            info = request.info
            analyzer = request.kind == "analyzer"
            try:
                opts = options_of(info, is_plugin=not analyzer,
                                  source="PulumiPolicy.yaml" if analyzer else "PulumiPlugin.yaml")
                toolchain = resolve_toolchain(opts, os.environ)
                toolchain.validate_venv()
                has_main = (opts.root / "__main__.py").is_file()
                check = toolchain.command("-c", "import pulumi.run.plugin")
                probe = subprocess.run(check.argv, env=check.env, cwd=check.cwd, capture_output=True, text=True,
                                       stdin=subprocess.DEVNULL, check=False)
                has_run_plugin = not (probe.returncode != 0 and "ModuleNotFoundError" in probe.stdout + probe.stderr)
                if has_run_plugin and not has_main:
                    project = buildable_project_name(opts.root)
                    if project is None:
                        raise ToolchainError(
                            "plugin is not runnable, it provides neither __main__.py nor a buildable pyproject.toml")
                    command = toolchain.command("-m", "pulumi.run.plugin", project, *request.args)
                elif analyzer:
                    command = toolchain.command("-u", "-m", "pulumi.policy", *request.args, info.program_directory)
                else:
                    command = toolchain.command(info.program_directory, *request.args)
            except ToolchainError as exc:
                _log_call("RunPlugin", kind=request.kind, program_directory=info.program_directory, error=str(exc))
                fail(context, exc)
            _log_call("RunPlugin", kind=request.kind, program_directory=info.program_directory,
                      args=list(request.args), python=command.argv[0])
            # The toolchain's environment, then the engine's (``env``), which wins (upstream
            # appends it); without a toolchain environment, only the engine's.
            env = dict(command.env or {})
            env.update(item.split("=", 1) for item in request.env if "=" in item)
            if not env:
                env = dict(os.environ)
            # pulumi_policy writes its port with sys.stdout.buffer.write and never flushes.
            env["PYTHONUNBUFFERED"] = "1"
            cwd = info.program_directory if analyzer else (request.pwd or None)
            proc = children.start(Command(command.argv, env, cwd), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            context.add_callback(lambda: Children.stop(proc))
            for kind, data in _streamed(proc):
                if kind == "stdout":
                    yield language_pb2.RunPluginResponse(stdout=data)
                else:
                    yield language_pb2.RunPluginResponse(stderr=data)
            code = children.wait(proc)
            if code != 0:
                yield language_pb2.RunPluginResponse(exitcode=code)

        def InstallDependencies(self, request: Any, context: Any) -> Iterator[Any]:
            """``pulumi install``: the toolchain's install (pip: create the ``virtualenv`` and
            ``pip install -r requirements.txt``; uv: ``uv sync``; poetry: ``poetry install``)."""
            info = request.info
            _log_call("InstallDependencies", directory=info.program_directory, is_plugin=request.is_plugin)
            chunks: queue.Queue[bytes | ToolchainError | None] = queue.Queue()

            def out(text: str) -> None:
                chunks.put(text.encode())

            def install() -> None:
                try:
                    toolchain = resolve_toolchain(options_of(info, is_plugin=request.is_plugin), os.environ)
                    out("Installing dependencies...\n\n")
                    cwd = Path(info.program_directory)
                    toolchain.install_dependencies(cwd, out)
                    if request.is_plugin and toolchain.name == "pip" and buildable_project_name(cwd):
                        # pip installs only requirements.txt; a plugin package is installed itself.
                        run_step(toolchain.command("-m", "pip", "install", str(cwd)), out, "installing package")
                    out("Finished installing dependencies\n\n")
                except ToolchainError as exc:
                    chunks.put(exc)
                finally:
                    chunks.put(None)

            threading.Thread(target=install, daemon=True).start()
            while (item := chunks.get()) is not None:
                if isinstance(item, ToolchainError):
                    fail(context, item)
                yield language_pb2.InstallDependenciesResponse(stdout=item)

        def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:
            """``pulumi new``: ask for a toolchain (pip, poetry, uv); for pip, a virtualenv."""
            _log_call("RuntimeOptionsPrompts")
            options = json_format.MessageToDict(request.info.options) if request.info.HasField("options") else {}
            prompt = language_pb2.RuntimeOptionPrompt
            string = prompt.STRING
            prompts = []
            if "toolchain" not in options:
                pip = prompt.RuntimeOptionValue(promptType=string, stringValue="pip", displayName="pip")
                choices = [pip]
                for tool in ("poetry", "uv"):
                    found = shutil.which(tool)
                    choices.append(prompt.RuntimeOptionValue(
                        promptType=string, stringValue=tool, displayName=tool if found else f"{tool} [not found]"))
                prompts.append(prompt(key="toolchain", promptType=string, choices=choices, default=pip,
                                      description="The toolchain to use for installing dependencies and running "
                                                  "the program"))
            elif options["toolchain"] == "pip" and "virtualenv" not in options:
                venv = prompt.RuntimeOptionValue(promptType=string, stringValue="venv")
                prompts.append(prompt(key="virtualenv", description="The virtualenv to use", promptType=string,
                                      choices=[venv], default=venv))
            return language_pb2.RuntimeOptionsResponse(prompts=prompts)

        def About(self, request: Any, context: Any) -> Any:
            _log_call("About")
            try:
                opts = (options_of(request.info) if request.HasField("info")
                        else PythonOptions(Path("."), Path("."), toolchain="pip"))
                toolchain = resolve_toolchain(opts, os.environ)
                command = toolchain.command("-c", "import platform, sys; print(sys.executable); "
                                                  "print(platform.python_version())")
                if runs_here(command):
                    import platform

                    executable, python_version = os.path.abspath(sys.executable), platform.python_version()
                else:
                    proc = subprocess.run(command.argv, env=command.env, cwd=command.cwd, capture_output=True,
                                          text=True, check=True)
                    executable, python_version = proc.stdout.split()
                version = toolchain.version()
            except (ToolchainError, subprocess.CalledProcessError) as exc:
                fail(context, exc)
            return language_pb2.AboutResponse(
                executable=executable, version=python_version,
                # Upstream names the option's toolchain ("Auto" when detected from a lock file).
                metadata={"toolchain": opts.toolchain.capitalize(), "toolchainVersion": version,
                          "typechecker": opts.typechecker.capitalize() or "None"},
            )

        def GetProgramDependencies(self, request: Any, context: Any) -> Any:
            _log_call("GetProgramDependencies", transitive=request.transitiveDependencies)
            try:
                packages = probe_packages(resolve_toolchain(options_of(request.info), os.environ))
            except ToolchainError as exc:
                fail(context, exc)
            if not request.transitiveDependencies:  # like `pip list --not-required`
                required_by_others = {r for pkg in packages for r in pkg["requires"]}
                packages = [p for p in packages if p["name"] not in required_by_others]
            return language_pb2.GetProgramDependenciesResponse(dependencies=[
                language_pb2.DependencyInfo(name=p["name"], version=p["version"])
                for p in sorted(packages, key=lambda p: p["name"])
            ])

        def Cancel(self, request: Any, context: Any) -> Any:
            _log_call("Cancel")
            children.stop_all()
            return empty_pb2.Empty()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # The engine reads exactly one line from stdout: our port.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()

    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    parent = os.getppid()
    # The official host health-checks the engine; we watch for our parent going away instead,
    # and for the end of stdin: the engine keeps the only writing end of that pipe, so it ends
    # with the engine also when we were forked by warm_python.py (whose server is our parent).
    watch_stdin = stat.S_ISFIFO(os.fstat(0).st_mode)
    while not done.wait(1.0):
        if os.getppid() != parent or (watch_stdin and _at_end(0)):
            break
    children.end_all()
    server.stop(grace=1)
    return 0


def _at_end(fd: int) -> bool:
    """Whether pipe ``fd`` has ended, without reading from it: readable with nothing to read."""
    import fcntl
    import select
    import struct
    import termios

    readable, _, _ = select.select([fd], [], [], 0)
    if not readable:
        return False
    waiting = fcntl.ioctl(fd, termios.FIONREAD, struct.pack("i", 0))
    return struct.unpack("i", waiting)[0] == 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
