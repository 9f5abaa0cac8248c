"""A Python ``LanguageRuntime`` plugin for the Pulumi engine (dev tooling, not the product).

Why this exists: the engine we build from source (scripts/engine/install.sh) needs a
``pulumi-language-python`` plugin to run Python programs, dynamic providers and Python policy
packs. The official one is its own Go module
(``github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3``) and the Go module proxy
this machine can reach refuses to serve it (HTTP 403 "This module version is not available").
So this file implements the same gRPC service with the stubs that the ``pulumi`` PyPI package
ships (``pulumi.runtime.proto.language_pb2[_grpc]``, ``plugin_pb2``).

How the engine (v3.274.1, ``pkg/v3/resource/plugin``) uses a language plugin:

* It execs the plugin (found next to the ``pulumi`` binary, or on ``$PATH``) with
  ``[--logtostderr] [-v=N] [--tracing URL] <engine address>`` in its own process group, reads one
  line from stdout that must hold the gRPC port, then streams the rest of stdout/stderr into its
  diagnostics. It does *not* call ``Handshake`` for a launched plugin (only when attaching via
  ``PULUMI_DEBUG_LANGUAGES``); we implement it anyway.
* ``preview``/``up``/``refresh``/``destroy``: ``GetRequiredPackages`` (falling back to
  ``GetRequiredPlugins`` only on UNIMPLEMENTED) to decide which resource plugins to load or
  download, then ``Run`` with the monitor address, config and options.
* ``--policy-pack <dir>``: the engine loads ``<dir>/PulumiPolicy.yaml`` and, because the plugin
  "binary" is a directory, asks the language host named by its ``runtime`` to ``RunPlugin`` it
  (``Info.program_directory = <dir>``, ``args = [flags..., <engine address>]``, ``env`` = the
  engine's full environment, ``kind = "analyzer"``); the plugin's streamed stdout must again start
  with its port. There is no ``pulumi-analyzer-policy-python`` fallback at this version.
* ``pulumi about``: ``GetPluginInfo``, ``About``, ``GetProgramDependencies``.
* ``pulumi install`` / ``pulumi new``: ``InstallDependencies`` (a reporting no-op here).

Run this file directly with ``--list-packages`` to print the distributions of the running
interpreter as JSON: the host does that in the *program's* interpreter, which may be a different
virtualenv than the host's own. That mode only needs the standard library.

Set ``PULUMI_FIREWORKS_LANGHOST_LOG=<file>`` to append one JSON line per RPC the engine makes.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

# Version we report to the engine: this host is shipped with (and tested against) that engine.
HOST_VERSION = "3.274.1"
EXEC_SCRIPT = Path(__file__).resolve().parent / "pulumi-language-python-exec"
# The executor writes a one-line summary of an unhandled program error here; it becomes the
# RunResponse.error (the full traceback goes to the engine as a log message).
RUN_ERROR_FILE_ENV = "PULUMI_FIREWORKS_RUN_ERROR_FILE"
# Exit code meaning "the program already reported a user-actionable error; just fail".
BAIL_EXIT_CODE = 32
# Distributions that are Pulumi packages without a resource plugin (the real host's list).
PACKAGES_WITHOUT_PLUGINS = frozenset({"pulumi", "pulumi-policy", "pulumi-esc-sdk"})


# --------------------------------------------------------------------------------------------
# Package listing: runs inside the *program's* interpreter (standard library only).
# --------------------------------------------------------------------------------------------


def _canonical(name: str) -> str:
    """PEP 503 normalisation, so ``pulumi_policy`` and ``pulumi-policy`` compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def list_packages() -> list[dict[str, Any]]:
    """Describe the installed distributions, including any ``pulumi-plugin.json`` they ship.

    The plugin marker is looked up next to the distribution's top-level module. Besides the
    distribution's own location we ask the import system, because an editable install
    (``pip install -e``) keeps the module in the source tree, not in site-packages, and the marker
    would otherwise be missed (and the package wrongly reported as needing a resource plugin).
    """
    import importlib.metadata as md
    import importlib.util

    seen: set[str] = set()
    result: list[dict[str, Any]] = []
    for dist in md.distributions():
        raw_name = dist.metadata["Name"]
        if not raw_name:
            continue
        name = _canonical(raw_name)
        if name in seen:  # the first one on sys.path is the one that imports
            continue
        seen.add(name)
        modules = [name.replace("-", "_")]
        top_level = dist.read_text("top_level.txt") or ""
        modules += [m.strip() for m in top_level.splitlines() if m.strip() and m.strip() not in modules]
        plugin_json: dict[str, Any] | None = None
        plugin_json_path: str | None = None
        for module in modules:
            candidates: list[Path] = [Path(str(dist.locate_file(module)))]
            try:
                spec = importlib.util.find_spec(module)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.submodule_search_locations:
                candidates += [Path(p) for p in spec.submodule_search_locations]
            for directory in candidates:
                for marker in ("pulumi-plugin.json", "pulumiplugin.json"):
                    path = directory / marker
                    if path.is_file():
                        plugin_json = json.loads(path.read_text())
                        plugin_json_path = str(path)
                        break
                if plugin_json is not None:
                    break
            if plugin_json is not None:
                break
        requires = []
        for req in dist.requires or []:
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
            if match and "extra ==" not in req:
                requires.append(_canonical(match.group(1)))
        result.append(
            {
                "name": name,
                "version": dist.version,
                "plugin_json": plugin_json,
                "plugin_json_path": plugin_json_path,
                "requires": requires,
            }
        )
    return result


# --------------------------------------------------------------------------------------------
# Interpreter selection and package -> plugin mapping (host side).
# --------------------------------------------------------------------------------------------


class PythonSelection:
    """Which interpreter runs a program or plugin, and the environment that activates it."""

    def __init__(self, executable: str, virtualenv: Path | None) -> None:
        self.executable = executable
        self.virtualenv = virtualenv

    def activate(self, env: dict[str, str]) -> dict[str, str]:
        """Return ``env`` with the virtualenv (if any) activated, like ``source bin/activate``."""
        env = dict(env)
        if self.virtualenv is not None:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
            env["PATH"] = str(self.virtualenv / "bin") + os.pathsep + env.get("PATH", "")
            env.pop("PYTHONHOME", None)
        return env


def select_python(root_directory: str, options: Mapping[str, Any], env: Mapping[str, str]) -> PythonSelection:
    """Pick the interpreter the way the official host's pip toolchain does.

    Order: the ``virtualenv`` runtime option (relative paths are relative to the project root),
    then ``PULUMI_PYTHON_CMD``, then an active ``VIRTUAL_ENV``, then ``python3``/``python`` on PATH.
    """
    virtualenv = options.get("virtualenv")
    if virtualenv:
        if not isinstance(virtualenv, str):
            raise ValueError("the 'virtualenv' runtime option must be a string")
        venv = Path(virtualenv)
        if not venv.is_absolute():
            venv = Path(root_directory or ".") / venv
        python = venv / "bin" / "python"
        if not python.exists():
            raise FileNotFoundError(
                f"The 'virtualenv' runtime option (Pulumi.yaml; PulumiPolicy.yaml for a policy pack) is set "
                f"to {virtualenv!r}, but {venv} is not a virtual environment. Create it with: python3 -m venv {venv} && "
                f"{python} -m pip install -r requirements.txt"
            )
        return PythonSelection(str(python), venv)
    if env.get("PULUMI_PYTHON_CMD"):
        return PythonSelection(env["PULUMI_PYTHON_CMD"], None)
    active = env.get("VIRTUAL_ENV")
    if active and (Path(active) / "bin" / "python").exists():
        return PythonSelection(str(Path(active) / "bin" / "python"), None)
    import shutil

    for candidate in ("python3", "python"):
        found = shutil.which(candidate, path=env.get("PATH"))
        if found:
            return PythonSelection(found, None)
    raise FileNotFoundError("no Python interpreter found (looked for python3 and python on PATH)")


def plugin_version_from_pep440(version: str) -> str | None:
    """Translate a PEP 440 package version into the plugin's semver, or None if impossible.

    ``1.2`` -> ``1.2.0``, ``1.2.3a4`` -> ``1.2.3-alpha.4``, ``1.2.3rc1`` -> ``1.2.3-rc.1``,
    ``1.2.3.post4`` -> ``1.2.3+post4``, ``1.2.3.dev5`` -> ``1.2.3+dev5``. Epochs and local
    versions are not translatable (the real host skips such packages too).
    """
    match = re.fullmatch(
        r"(?P<release>\d+(?:\.\d+)*)"
        r"(?:(?P<pre>a|b|rc)(?P<pre_n>\d+))?"
        r"(?:\.post(?P<post>\d+))?"
        r"(?:\.dev(?P<dev>\d+))?",
        version,
    )
    if match is None:
        return None
    segments = match.group("release").split(".")
    segments += ["0"] * (3 - len(segments))
    result = ".".join(segments)
    if match.group("pre"):
        label = {"a": "alpha", "b": "beta", "rc": "rc"}[match.group("pre")]
        result += f"-{label}.{match.group('pre_n')}"
    build = ""
    if match.group("post") is not None:
        build += f"post{match.group('post')}"
    if match.group("dev") is not None:
        build += f"dev{match.group('dev')}"
    if build:
        result += "+" + build
    return result


def required_packages(packages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Map installed distributions to the resource plugins the engine must load.

    Mirrors the official host: a distribution counts if it ships ``pulumi-plugin.json`` or its
    name starts with ``pulumi-``; known plugin-less ones are skipped, as is any whose marker says
    ``"resource": false`` (pulumi-fireworks ships exactly that: it is a dynamic-provider library
    whose resources run in the ``pulumi-python`` dynamic provider, not a plugin of its own).
    """
    required: list[dict[str, Any]] = []
    for pkg in packages:
        name = str(pkg["name"])
        marker = pkg.get("plugin_json")
        if marker is None and not name.startswith("pulumi-"):
            continue
        if name in PACKAGES_WITHOUT_PLUGINS:
            continue
        if marker is not None and not marker.get("resource", False):
            continue
        marker = marker or {}
        plugin_name = marker.get("name") or name.removeprefix("pulumi-")
        version = marker.get("version") or plugin_version_from_pep440(str(pkg["version"]))
        if not version:
            continue
        if not version.startswith("v"):
            version = "v" + version
        dep: dict[str, Any] = {
            "name": plugin_name,
            "kind": "resource",
            "version": version,
            "server": marker.get("server", ""),
        }
        if marker.get("parameterization"):
            dep["parameterization"] = marker["parameterization"]
        required.append(dep)
    return required


def query_packages(python: PythonSelection, cwd: str, env: Mapping[str, str]) -> list[dict[str, Any]]:
    """Run ``--list-packages`` in the given interpreter and return its JSON."""
    import subprocess

    proc = subprocess.run(
        [python.executable, str(Path(__file__).resolve()), "--list-packages"],
        cwd=cwd or None,
        env=python.activate(dict(env)),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"listing Python packages with {python.executable} failed "
            f"(exit {proc.returncode}):\n{proc.stderr.strip()}"
        )
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------------------------
# The gRPC service.
# --------------------------------------------------------------------------------------------


def _log_call(method: str, **details: Any) -> None:
    """Append a line to $PULUMI_FIREWORKS_LANGHOST_LOG so tests can see what the engine called."""
    path = os.environ.get("PULUMI_FIREWORKS_LANGHOST_LOG")
    if not path:
        return
    line = json.dumps({"method": method, "pid": os.getpid(), **details}, default=str)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def serve(argv: Sequence[str]) -> int:
    """Start the gRPC server, print its port, and block until the engine stops us."""
    import signal
    import subprocess
    import tempfile
    from concurrent import futures

    import grpc
    from google.protobuf import empty_pb2, json_format
    from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

    # The engine passes `[--logtostderr] [-v=N] [--tracing URL] <engine address>`.
    engine_address = ""
    tracing = ""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--tracing" and i + 1 < len(argv):
            tracing = argv[i + 1]
            i += 2
            continue
        if not arg.startswith("-"):
            engine_address = arg
        i += 1

    children: set[subprocess.Popen[bytes]] = set()
    children_lock = threading.Lock()

    def track(proc: subprocess.Popen[bytes]) -> None:
        with children_lock:
            children.add(proc)

    def untrack(proc: subprocess.Popen[bytes]) -> None:
        with children_lock:
            children.discard(proc)

    def terminate_if_running(proc: subprocess.Popen[bytes]) -> None:
        # Called when an RPC ends or is cancelled by the engine (e.g. it closes a policy pack).
        if proc.poll() is None:
            proc.terminate()

    def stop_children() -> None:
        with children_lock:
            procs = list(children)
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    def options_of(info: Any) -> dict[str, Any]:
        return json_format.MessageToDict(info.options) if info.HasField("options") else {}

    def package_dependency(dep: Mapping[str, Any]) -> Any:
        msg = plugin_pb2.PackageDependency(
            name=dep["name"], kind=dep["kind"], version=dep["version"], server=dep["server"]
        )
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

    class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
        """LanguageRuntime implementation; every method logs itself via ``_log_call``."""

        def __init__(self) -> None:
            self.engine_address = engine_address

        def Handshake(self, request: Any, context: Any) -> Any:
            _log_call("Handshake", engine_address=request.engine_address)
            if request.engine_address:
                self.engine_address = request.engine_address
            return language_pb2.LanguageHandshakeResponse()

        def GetPluginInfo(self, request: Any, context: Any) -> Any:
            _log_call("GetPluginInfo")
            return plugin_pb2.PluginInfo(version=HOST_VERSION)

        def _required(self, info: Any) -> list[dict[str, Any]]:
            python = select_python(info.root_directory, options_of(info), os.environ)
            packages = query_packages(python, info.program_directory, os.environ)
            return required_packages(packages)

        def GetRequiredPackages(self, request: Any, context: Any) -> Any:
            required = self._required(request.info)
            _log_call("GetRequiredPackages", program_directory=request.info.program_directory,
                      packages=[d["name"] for d in required])
            return language_pb2.GetRequiredPackagesResponse(
                packages=[package_dependency(d) for d in required]
            )

        def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
            required = self._required(request.info)
            _log_call("GetRequiredPlugins", plugins=[d["name"] for d in required])
            return language_pb2.GetRequiredPluginsResponse(
                plugins=[
                    plugin_pb2.PluginDependency(
                        name=d["name"], kind=d["kind"], version=d["version"], server=d["server"]
                    )
                    for d in required
                ]
            )

        def Run(self, request: Any, context: Any) -> Any:
            info = request.info
            _log_call("Run", project=request.project, stack=request.stack, dry_run=request.dryRun,
                      program_directory=info.program_directory, entry_point=info.entry_point)
            try:
                python = select_python(info.root_directory, options_of(info), os.environ)
            except (FileNotFoundError, ValueError) as exc:
                return language_pb2.RunResponse(error=str(exc))
            args: list[str] = [python.executable, "-u", str(EXEC_SCRIPT)]

            def opt(flag: str, value: str) -> None:
                if value:
                    args.extend([f"--{flag}", value])

            opt("monitor", request.monitor_address)
            opt("engine", self.engine_address)
            opt("project", request.project)
            opt("root_directory", info.root_directory)
            opt("stack", request.stack)
            opt("pwd", request.pwd)
            opt("dry_run", "true" if request.dryRun else "false")
            opt("parallel", str(request.parallel))
            opt("tracing", tracing)
            opt("organization", request.organization)
            # The engine always sends an entry point ("." means the program directory).
            args.append(info.entry_point or request.program or ".")
            args.extend(request.args)

            env = python.activate(dict(os.environ))
            env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
            env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
            with tempfile.NamedTemporaryFile(prefix="pulumi-run-error-", delete=False) as handle:
                error_file = handle.name
            env[RUN_ERROR_FILE_ENV] = error_file
            try:
                # stdout/stderr are inherited: the engine streams ours into its diagnostics.
                proc = subprocess.Popen(args, env=env, cwd=request.pwd or None)
                track(proc)
                context.add_callback(lambda: terminate_if_running(proc))
                code = proc.wait()
                untrack(proc)
                summary = Path(error_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                return language_pb2.RunResponse(
                    error=f"problem executing program (could not run language executor): {exc}"
                )
            finally:
                Path(error_file).unlink(missing_ok=True)
            if code == 0:
                return language_pb2.RunResponse()
            if code == BAIL_EXIT_CODE:
                return language_pb2.RunResponse(bail=True)
            return language_pb2.RunResponse(
                error=summary or f"program exited with non-zero exit code: {code}"
            )

        def RunPlugin(self, request: Any, context: Any) -> Iterator[Any]:
            """Run a Python plugin directory (a policy pack, or a provider with PulumiPlugin.yaml).

            Like the official host: ``python <dir> <args...>`` when the directory has a
            ``__main__.py``, else ``python -m pulumi.run.plugin <project name> <args...>`` for a
            buildable package, with the interpreter of the plugin's own virtualenv (the
            ``virtualenv`` option of PulumiPolicy.yaml / PulumiPlugin.yaml, relative to the plugin
            directory; without the option, ``<dir>/venv`` as upstream defaults to). Unlike it, a
            plugin with neither falls back to the same interpreter chain as programs, so a small
            in-repo policy pack runs in the repo's environment.
            """
            info = request.info
            options = options_of(info)
            if not options.get("virtualenv") and (Path(info.root_directory) / "venv" / "bin" / "python").exists():
                options["virtualenv"] = "venv"  # upstream's default for plugins
            try:
                python = select_python(info.root_directory, options, os.environ)
            except (FileNotFoundError, ValueError) as exc:
                _log_call("RunPlugin", kind=request.kind, program_directory=info.program_directory, error=str(exc))
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"cannot run plugin {info.program_directory}: {exc}")
            _log_call("RunPlugin", kind=request.kind, program_directory=info.program_directory,
                      args=list(request.args), python=python.executable)
            plugin_dir = Path(info.program_directory)
            if (plugin_dir / "__main__.py").is_file():
                args = [python.executable, "-u", str(plugin_dir), *request.args]
            elif (plugin_dir / "pyproject.toml").is_file():
                import tomllib

                project = tomllib.loads((plugin_dir / "pyproject.toml").read_text())["project"]["name"]
                args = [python.executable, "-u", "-m", "pulumi.run.plugin", project, *request.args]
            else:
                context.abort(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"plugin {plugin_dir} is not runnable: it has neither __main__.py nor pyproject.toml",
                )
            env = dict(item.split("=", 1) for item in request.env if "=" in item) or dict(os.environ)
            env = python.activate(env)
            # pulumi_policy writes its port with sys.stdout.buffer.write and never flushes.
            env["PYTHONUNBUFFERED"] = "1"
            proc = subprocess.Popen(
                args, cwd=request.pwd or None, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            )
            track(proc)
            context.add_callback(lambda: terminate_if_running(proc))

            import queue

            chunks: queue.Queue[tuple[str, bytes]] = queue.Queue()

            def pump(stream: Any, kind: str) -> None:
                # os.read returns as soon as anything is available: the port must not wait.
                fd = stream.fileno()
                while True:
                    data = os.read(fd, 65536)
                    if not data:
                        break
                    chunks.put((kind, data))
                chunks.put((kind, b""))

            for stream, kind in ((proc.stdout, "stdout"), (proc.stderr, "stderr")):
                threading.Thread(target=pump, args=(stream, kind), daemon=True).start()
            open_streams = 2
            while open_streams:
                kind, data = chunks.get()
                if not data:
                    open_streams -= 1
                elif kind == "stdout":
                    yield language_pb2.RunPluginResponse(stdout=data)
                else:
                    yield language_pb2.RunPluginResponse(stderr=data)
            code = proc.wait()
            untrack(proc)
            if code != 0:
                yield language_pb2.RunPluginResponse(exitcode=code)

        def InstallDependencies(self, request: Any, context: Any) -> Iterator[Any]:
            _log_call("InstallDependencies", directory=request.info.program_directory)
            try:
                python = select_python(request.info.root_directory, options_of(request.info), os.environ)
                where = python.executable
            except (FileNotFoundError, ValueError) as exc:
                where = f"(no usable interpreter: {exc})"
            message = (
                "pulumi-fireworks dev language host: dependencies are not installed automatically; "
                f"install them into {where} yourself (e.g. pip install -r requirements.txt).\n"
            )
            yield language_pb2.InstallDependenciesResponse(stdout=message.encode())

        def RuntimeOptionsPrompts(self, request: Any, context: Any) -> Any:
            _log_call("RuntimeOptionsPrompts")
            return language_pb2.RuntimeOptionsResponse()

        def About(self, request: Any, context: Any) -> Any:
            _log_call("About")
            info = request.info if request.HasField("info") else None
            python = select_python(
                info.root_directory if info else "", options_of(info) if info else {}, os.environ
            )
            probe = "import platform, sys; print(sys.executable); print(platform.python_version())"
            proc = subprocess.run(
                [python.executable, "-c", probe],
                env=python.activate(dict(os.environ)), capture_output=True, text=True, check=True,
            )
            executable, version = proc.stdout.split()
            return language_pb2.AboutResponse(
                executable=executable, version=version,
                metadata={"host": "pulumi-fireworks dev language host (scripts/engine/language_host.py)"},
            )

        def GetProgramDependencies(self, request: Any, context: Any) -> Any:
            _log_call("GetProgramDependencies", transitive=request.transitiveDependencies)
            info = request.info
            python = select_python(info.root_directory, options_of(info), os.environ)
            packages = query_packages(python, info.program_directory, os.environ)
            if not request.transitiveDependencies:  # like `pip list --not-required`
                required_by_others = {r for pkg in packages for r in pkg["requires"]}
                packages = [p for p in packages if p["name"] not in required_by_others]
            return language_pb2.GetProgramDependenciesResponse(
                dependencies=[
                    language_pb2.DependencyInfo(name=p["name"], version=p["version"])
                    for p in sorted(packages, key=lambda p: p["name"])
                ]
            )

        def Cancel(self, request: Any, context: Any) -> Any:
            _log_call("Cancel")
            stop_children()
            return empty_pb2.Empty()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # The engine reads exactly one line from stdout: our port.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()

    done = threading.Event()

    def shutdown(*_: Any) -> None:
        done.set()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    parent = os.getppid()
    # The official host health-checks the engine; we watch for our parent going away instead.
    while not done.wait(1.0):
        if os.getppid() != parent:
            break
    stop_children()
    server.stop(grace=1)
    return 0


def main(argv: Sequence[str]) -> int:
    """Entry point: ``--list-packages`` (program interpreter) or serve (host interpreter)."""
    if list(argv[:1]) == ["--list-packages"]:
        json.dump(list_packages(), sys.stdout)
        return 0
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
