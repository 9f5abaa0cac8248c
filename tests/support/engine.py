"""Drive the real Pulumi engine from tests: isolated environments, local projects, stacks.

Why: resources of pulumi-fireworks are dynamic providers, so the only faithful test of a
deployment is the real engine running a real program through the Python language host, with a
local file backend. Everything here is generic (no Fireworks specifics) so any test can:

* ``env = make_engine_env(tmp_path)`` - private PULUMI_HOME, file backend, passphrase, the engine
  dir first on PATH, ``PULUMI_PYTHON_CMD`` = this interpreter and the repo on ``PYTHONPATH`` (so
  test modules that define dynamic resources are importable by the program *and* the provider
  process, which unpickles providers by reference).
* ``write_python_project(dir, name, program_source)`` - a ``runtime: python`` project.
* ``stack = env.stack(project_dir, env_vars={...}, config={...})`` - an Automation API stack for
  that local program (not an inline program: it runs through the language host).
* ``stack.preview() / up() / refresh() / destroy()`` -> :class:`OperationResult` with the change
  summary, each resource's step op as the engine reported it, outputs and the CLI output;
  ``stack.export_state()``, ``stack.resources(type_)``, ``env.run_cli([...])`` for anything else.
* ``with language_host(env) as stub:`` - this checkout's language host alone, as a gRPC
  ``LanguageRuntime`` stub, for what the engine does not expose (About, InstallDependencies).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pulumi import automation as auto

REPO_ROOT = Path(__file__).resolve().parents[2]
# The engine version scripts/engine/install.sh builds when no user pulumi is present.
BUILT_ENGINE_VERSION = "v3.274.1"
# A fixed passphrase for the throw-away file backends of tests.
TEST_PASSPHRASE = "pulumi-fireworks-test"


@lru_cache(maxsize=1)
def engine_bin_dir() -> Path:
    """Directory holding ``pulumi`` and our helper executables.

    ``PULUMI_FIREWORKS_ENGINE_DIR`` is exported by scripts/env.sh; without it (e.g. pytest run by
    hand) we ask scripts/engine/install.sh, which is fast once the engine is cached.
    """
    configured = os.environ.get("PULUMI_FIREWORKS_ENGINE_DIR")
    if configured:
        return Path(configured)
    out = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "engine" / "install.sh")],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return Path(out.strip().splitlines()[-1])


def engine_is_ours(bin_dir: Path) -> bool:
    """True when ``bin_dir`` is the engine install.sh built (and so runs our language host)."""
    return (bin_dir / "language_host.py").is_file()


class OperationResult:
    """What the engine reported for one preview/up/refresh/destroy.

    ``change_summary`` is the engine's count of step ops ("create", "same", ...), from its
    summary event; ``resource_ops`` the step op per resource URN, from the event stream.
    ``outputs`` (stack outputs as plain values; up only) and ``secret_outputs`` (which of
    them are secret) are read from the stack when first asked for: the Automation API reads
    them after every up, two CLI runs of which one decrypts secrets, and most tests never look
    (asking after the stack's next operation raises, rather than answer with newer outputs).
    """

    def __init__(
        self,
        kind: str,
        stdout: str,
        stderr: str,
        change_summary: dict[str, int],
        resource_ops: dict[str, str],
        read_outputs: Callable[[], dict[str, auto.OutputValue]] | None = None,
    ) -> None:
        self.kind, self.stdout, self.stderr = kind, stdout, stderr
        self.change_summary, self.resource_ops = change_summary, resource_ops
        self._read_outputs = read_outputs
        self._outputs: dict[str, auto.OutputValue] | None = None

    def _output_values(self) -> dict[str, auto.OutputValue]:
        if self._outputs is None:
            self._outputs = self._read_outputs() if self._read_outputs is not None else {}
        return self._outputs

    @property
    def outputs(self) -> dict[str, Any]:
        return {k: v.value for k, v in self._output_values().items()}

    @property
    def secret_outputs(self) -> set[str]:
        return {k for k, v in self._output_values().items() if v.secret}

    def ops_for_type(self, type_: str) -> list[str]:
        """Step ops of the resources of ``type_`` (URNs end in ``::<type>::<name>``)."""
        return [op for urn, op in self.resource_ops.items() if urn.split("::")[-2].endswith(type_)]


@dataclass
class EngineEnv:
    """An isolated engine environment rooted in a temporary directory."""

    root: Path
    bin_dir: Path
    pulumi_home: Path
    backend_dir: Path
    env: dict[str, str]
    secrets_provider: str = ""
    """What stacks made by :meth:`stack` encrypt secrets with ("": the passphrase)."""

    def env_with(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment variables for a pulumi invocation, plus ``extra``."""
        merged = dict(self.env)
        merged.update(extra or {})
        return merged

    def pulumi_command(self) -> auto.PulumiCommand:
        """A PulumiCommand bound to our engine binary (no reliance on the caller's PATH)."""
        if self.bin_dir.name == "bin":
            return auto.PulumiCommand(root=str(self.bin_dir.parent))
        return auto.PulumiCommand()

    def run_cli(
        self,
        args: Sequence[str],
        cwd: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>`` with this environment (on top of ``os.environ``)."""
        env = {**os.environ, **self.env_with(extra_env)}
        return subprocess.run(
            [str(self.bin_dir / "pulumi"), *args],
            cwd=str(cwd) if cwd else None,
            env=env,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def stack(
        self,
        project_dir: Path,
        stack_name: str = "dev",
        env_vars: Mapping[str, str] | None = None,
        config: Mapping[str, str] | None = None,
        secret_config: Mapping[str, str] | None = None,
    ) -> EngineStack:
        """Create or select ``stack_name`` for the local program in ``project_dir``."""
        stack = auto.create_or_select_stack(
            stack_name=stack_name,
            work_dir=str(project_dir),
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(project_dir),
                pulumi_home=str(self.pulumi_home),
                env_vars=self.env_with(env_vars),
                pulumi_command=self.pulumi_command(),
                secrets_provider=self.secrets_provider or None,
            ),
        )
        result = EngineStack(stack, self)
        for key, value in (config or {}).items():
            result.set_config(key, value)
        for key, value in (secret_config or {}).items():
            result.set_config(key, value, secret=True)
        return result

    def langhost_calls(self) -> list[dict[str, Any]]:
        """RPCs the engine made on our language host so far (needs ``log_langhost=True``)."""
        path = self.env.get("PULUMI_FIREWORKS_LANGHOST_LOG")
        if not path or not Path(path).exists():
            return []
        return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


WARM_PRELOAD = (
    "pulumi", "pulumi.runtime", "pulumi.dynamic", "pulumi.runtime.proto.provider_pb2_grpc", "dill", "grpc",
    "pulumi_policy", "pulumi_fireworks", "pulumi_fireworks._engine", "pulumi_fireworks.policy",
    "pulumi.runtime.proto.language_pb2_grpc", "langhost_toolchain", "langhost_probe:list_packages",
)
"""What the warm interpreter imports before forking: what the language host, the programs, the
dynamic providers and the policy packs of the tests import first."""


_warm: dict[str, Any] = {}


def warm_python(pythonpath: str) -> str | None:
    """The socket of this process's warm interpreter (``scripts/engine/warm_python.py``) for
    ``pythonpath``, started on first use; None when the engine is not ours or
    ``PULUMI_FIREWORKS_WARM_PYTHON=0``. It ends with this process (its stdin is our pipe).

    Why: each engine operation starts a program and a dynamic provider, each about 0.55 s of
    CPU in imports; forked from a warm interpreter they start in a few milliseconds, and
    otherwise run exactly as the fresh interpreters the launchers would start."""
    script = engine_bin_dir() / "warm_python.py"
    if os.environ.get("PULUMI_FIREWORKS_WARM_PYTHON") == "0" or not script.is_file():
        return None
    if pythonpath in _warm:
        return str(_warm[pythonpath][1]) if _warm[pythonpath] else None
    import tempfile

    socket_path = Path(tempfile.mkdtemp(prefix="warm-python-")) / "socket"
    env = {k: v for k, v in os.environ.items() if k != "PULUMI_FIREWORKS_WARM_PYTHON"}
    env["PYTHONPATH"] = pythonpath
    proc = subprocess.Popen(
        [sys.executable, "-u", str(script), "serve", str(socket_path), "--preload", *WARM_PRELOAD],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    )
    assert proc.stdout is not None
    answer = proc.stdout.readline().strip()
    if answer != "ready":  # e.g. no pidfd_open here: fresh interpreters, as without it
        proc.kill()
        import warnings

        warnings.warn(f"the warm interpreter did not start ({answer or 'no answer'}); starting fresh ones")
        _warm[pythonpath] = None
        return None
    _warm[pythonpath] = (proc, socket_path)
    return str(socket_path)


_kms: dict[str, Any] = {}
KMS_ALIAS = "alias/pulumi-fireworks-tests"


def loopback_kms() -> dict[str, str] | None:
    """The environment that points a ``pulumi`` process at this worker's AWS KMS, served by
    moto on loopback (started on first use), or None with ``PULUMI_FIREWORKS_TEST_SECRETS=passphrase``.

    Why: the passphrase secrets provider derives its key with 1,000,000 rounds of PBKDF2 in
    every CLI run that touches a secret (~0.19 s of CPU, half of what the CLI spends on a
    preview), and the engine tests make hundreds. A KMS key encrypts the same way once the
    data key is unwrapped (one local HTTP call). Secrets in state are just as encrypted; the
    passphrase stays set for stacks made by ``pulumi stack init`` (the README's commands,
    the packaging tests)."""
    if os.environ.get("PULUMI_FIREWORKS_TEST_SECRETS") == "passphrase":
        return None
    if not _kms:
        import boto3

        from tests.support.s3 import moto_server

        server, endpoint = moto_server()
        credentials = {"aws_access_key_id": "test-kms", "aws_secret_access_key": "test-kms-secret"}
        kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", **credentials)
        key = kms.create_key(Description="pulumi-fireworks test stacks")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key)
        _kms.update(server=server, env={
            "AWS_ENDPOINT_URL_KMS": endpoint, "AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"], "AWS_REGION": "us-east-1",
        })
    return dict(_kms["env"])


def make_engine_env(
    root: Path,
    extra_env: Mapping[str, str] | None = None,
    *,
    acquire_plugins: bool = False,
    log_langhost: bool = True,
) -> EngineEnv:
    """Prepare an isolated engine environment under ``root``.

    PULUMI_HOME is private (the bundled language host and ``pulumi-python`` dynamic provider are
    found next to the binary, so nothing needs to be in it). ``acquire_plugins=False`` sets
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION; with True the variable is *not* set by us (the
    caller must also remove it from ``os.environ`` to test the engine's default).
    """
    bin_dir = engine_bin_dir()
    home = root / "pulumi-home"
    backend = root / "state"
    home.mkdir(parents=True, exist_ok=True)
    backend.mkdir(parents=True, exist_ok=True)
    pythonpath = [str(REPO_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {
        "PULUMI_HOME": str(home),
        "PULUMI_BACKEND_URL": f"file://{backend}",
        "PULUMI_CONFIG_PASSPHRASE": TEST_PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PATH": str(bin_dir) + os.pathsep + os.environ.get("PATH", ""),
        "PULUMI_PYTHON_CMD": sys.executable,
        "PYTHONPATH": os.pathsep.join(pythonpath),
    }
    env["PULUMI_FIREWORKS_WARM_PYTHON"] = warm_python(env["PYTHONPATH"]) or ""  # "": start fresh interpreters
    kms = loopback_kms()
    env.update(kms or {})
    if not acquire_plugins:
        env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true"
    if log_langhost:
        env["PULUMI_FIREWORKS_LANGHOST_LOG"] = str(root / "langhost-calls.jsonl")
    env.update(extra_env or {})
    secrets_provider = f"awskms://{KMS_ALIAS}?region=us-east-1" if kms else ""
    return EngineEnv(root=root, bin_dir=bin_dir, pulumi_home=home, backend_dir=backend, env=env,
                     secrets_provider=secrets_provider)


@contextmanager
def language_host(env: Mapping[str, str] | None = None) -> Iterator[Any]:
    """This checkout's language host (scripts/engine), started the way the engine starts it,
    with ``env`` on top of ``os.environ``; yields a ``LanguageRuntimeStub``. The engine address
    it is given is unused by the calls tests make here."""
    import grpc
    from pulumi.runtime.proto import language_pb2_grpc

    proc = subprocess.Popen(
        [str(REPO_ROOT / "scripts" / "engine" / "pulumi-language-python"), "127.0.0.1:1"],
        stdout=subprocess.PIPE, env={**os.environ, **(env or {})}, text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield language_pb2_grpc.LanguageRuntimeStub(channel)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def write_python_project(
    directory: Path,
    name: str,
    program: str,
    *,
    runtime_options: Mapping[str, Any] | None = None,
    main: str | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> Path:
    """Write a ``runtime: python`` project whose ``__main__.py`` is ``program`` (dedented).

    With ``main`` (a directory relative to the project, e.g. ``"src"``) the program goes there and
    Pulumi.yaml gets ``main: <dir>/``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    runtime: dict[str, Any] = {"name": "python"}
    if runtime_options:
        runtime["options"] = dict(runtime_options)
    # JSON is valid YAML; it keeps this free of a YAML dependency.
    project: dict[str, Any] = {"name": name, "runtime": runtime, "description": f"test project {name}"}
    program_dir = directory
    if main:
        project["main"] = main.rstrip("/") + "/"
        program_dir = directory / main
        program_dir.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(json.dumps(project, indent=2) + "\n")
    (program_dir / "__main__.py").write_text(textwrap.dedent(program).lstrip())
    for relative, content in (extra_files or {}).items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip())
    return directory


def write_python_policy_pack(directory: Path, program: str) -> Path:
    """Write a Python policy pack (``PulumiPolicy.yaml`` + ``__main__.py``)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "PulumiPolicy.yaml").write_text('runtime: python\ndescription: "test policy pack"\n')
    (directory / "__main__.py").write_text(textwrap.dedent(program).lstrip())
    return directory


class EngineStack:
    """A stack of a local program, driven through the Automation API."""

    def __init__(self, stack: auto.Stack, engine_env: EngineEnv) -> None:
        self.stack = stack
        self.engine_env = engine_env
        self._operations = 0

    @property
    def name(self) -> str:
        return self.stack.name

    def set_config(self, key: str, value: str, secret: bool = False) -> None:
        self.stack.set_config(key, auto.ConfigValue(value=value, secret=secret))

    def _collect(self) -> tuple[dict[str, str], dict[str, int], Callable[[auto.EngineEvent], None]]:
        ops: dict[str, str] = {}
        summary: dict[str, int] = {}

        def on_event(event: auto.EngineEvent) -> None:
            pre = event.resource_pre_event
            if pre is not None:
                ops[pre.metadata.urn] = _op_name(pre.metadata.op)
            if event.summary_event is not None:
                summary.update(_summary(event.summary_event.resource_changes))

        return ops, summary, on_event

    @contextmanager
    def _without_follow_up_reads(self) -> Iterator[None]:
        """Automation's up/refresh/destroy end by reading the stack's outputs and its last
        update (three more CLI runs, two decrypting secrets: ~0.75 s of CPU each time). The
        event stream has the summary; outputs are read when a test asks for them."""
        stack: Any = self.stack
        stack.outputs, stack.info = (lambda: {}), (lambda *_args, **_kwargs: object())
        try:
            yield
        finally:
            del stack.outputs, stack.info

    def _run(self, kind: str, **kwargs: Any) -> OperationResult:
        ops, summary, on_event = self._collect()
        with self._without_follow_up_reads():
            res = getattr(self.stack, kind)(on_event=on_event, color="never", **kwargs)
        if kind == "preview":
            summary = _summary(res.change_summary)
        self._operations += 1
        return OperationResult(kind, res.stdout, res.stderr, summary, ops,
                               self._outputs_reader(self._operations) if kind == "up" else None)

    def _outputs_reader(self, operation: int) -> Callable[[], dict[str, auto.OutputValue]]:
        def read() -> dict[str, auto.OutputValue]:
            if operation != self._operations:
                raise RuntimeError("the outputs of an up are read when first asked for: ask before the next operation")
            return dict(self.stack.outputs())

        return read

    def preview(self, **kwargs: Any) -> OperationResult:
        return self._run("preview", **kwargs)

    def up(self, **kwargs: Any) -> OperationResult:
        return self._run("up", **kwargs)

    def refresh(self, **kwargs: Any) -> OperationResult:
        return self._run("refresh", **kwargs)

    def destroy(self, **kwargs: Any) -> OperationResult:
        return self._run("destroy", **kwargs)

    def export_state(self) -> dict[str, Any]:
        """The stack's deployment (``pulumi stack export``) as a dict."""
        return dict(self.stack.export_stack().deployment or {})

    def resources(self, type_: str | None = None) -> list[dict[str, Any]]:
        """Resources in the exported state, optionally only those of ``type_``."""
        resources = self.export_state().get("resources") or []
        return [r for r in resources if type_ is None or r.get("type") == type_]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``pulumi <args> --stack <this>`` in the project, with the stack's environment."""
        return self.engine_env.run_cli(
            [*args, "--stack", self.name],
            cwd=Path(self.stack.workspace.work_dir),
            extra_env=self.stack.workspace.env_vars,
            check=check,
        )

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        """``pulumi <args> --stack <this>`` started in the background (stdout and stderr
        merged, line-buffered text), for tests that interrupt it."""
        return subprocess.Popen(
            [str(self.engine_env.bin_dir / "pulumi"), *args, "--stack", self.name],
            cwd=self.stack.workspace.work_dir,
            env={**os.environ, **self.engine_env.env_with(self.stack.workspace.env_vars)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )

    def export_text(self, *, show_secrets: bool = False) -> str:
        """``pulumi stack export`` as the CLI prints it."""
        return self.cli("stack", "export", *(["--show-secrets"] if show_secrets else [])).stdout

    def outputs(self) -> dict[str, Any]:
        return {k: v.value for k, v in self.stack.outputs().items()}

    def remove(self) -> None:
        """Delete the stack (and its config) from the backend; it must be empty."""
        self.stack.workspace.remove_stack(self.stack.name)


def _op_name(op: Any) -> str:
    """``OpType.CREATE`` or ``"create"`` → ``"create"``."""
    return op.value if hasattr(op, "value") else str(op)


def _summary(changes: Mapping[Any, int] | None) -> dict[str, int]:
    """An update's resource_changes with plain string keys ("create", "same", ...)."""
    return {_op_name(k): v for k, v in (changes or {}).items()}
