"""scripts/engine/warm_python.py: a program started through the warm interpreter behaves as
if a fresh interpreter had run it (argv, working directory, environment, streams, exit
status, signals), and whatever it cannot run that way is run by a fresh interpreter.

The engine tests run every program and dynamic provider through it; these show the
promises one by one, without the engine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.engine import REPO_ROOT

WARM = REPO_ROOT / "scripts" / "engine" / "warm_python.py"

PROGRAM = textwrap.dedent("""
    import json, os, sys
    print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "pid": os.getpid(), "ppid": os.getppid(),
                      "color": os.environ.get("COLOR"), "stdin": sys.stdin.readline().strip(),
                      "path0": sys.path[0]}), flush=True)
    print("to stderr", file=sys.stderr)
    sys.exit(int(os.environ.get("EXIT", "0")))
""")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[str], str]]:
    socket_path = str(tmp_path_factory.mktemp("warm") / "socket")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_FIREWORKS_WARM")}
    proc = subprocess.Popen([sys.executable, "-u", str(WARM), "serve", socket_path, "--preload", "json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc, socket_path
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def start(server: tuple[subprocess.Popen[str], str], cwd: Path, *args: str, python: str = sys.executable,
          **env: str) -> subprocess.Popen[str]:
    """``python args...`` through the client, as the launchers start it."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_FIREWORKS_WARM")}
    environ.update(env, PULUMI_FIREWORKS_WARM_PYTHON=server[1])
    return subprocess.Popen([sys.executable, "-S", "-I", str(WARM), "run", python, *args], cwd=cwd, env=environ,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_script_sees_its_argv_cwd_environment_and_streams_and_its_exit_status_comes_back(
    server: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    proc = start(server, tmp_path, "-u", "prog.py", "one", "--two", COLOR="teal", EXIT="3")
    out, err = proc.communicate("hello from stdin\n", timeout=30)
    seen = json.loads(out)
    assert seen["pid"] != proc.pid and seen["ppid"] == server[0].pid  # forked by the warm server
    assert seen["argv"] == ["prog.py", "one", "--two"] and seen["cwd"] == str(tmp_path)
    assert seen["color"] == "teal" and seen["stdin"] == "hello from stdin" and seen["path0"] == str(tmp_path)
    assert err == "to stderr\n" and proc.returncode == 3


def test_a_module_runs_as_with_dash_m(server: tuple[subprocess.Popen[str], str], tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(PROGRAM)
    proc = start(server, tmp_path, "-u", "-m", "mod", "x")
    out, _ = proc.communicate("\n", timeout=30)
    seen = json.loads(out)
    assert seen["ppid"] == server[0].pid
    assert seen["argv"] == [str(tmp_path / "mod.py"), "x"] and seen["path0"] == str(tmp_path)
    assert proc.returncode == 0


def test_an_unhandled_exception_prints_its_traceback_and_exits_1(
    server: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    (tmp_path / "boom.py").write_text("raise ValueError('boom')\n")
    proc = start(server, tmp_path, "boom.py")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "ValueError: boom" in err and "Traceback" in err


@pytest.mark.parametrize("why", ["another interpreter option", "other PYTHON* variables"])
def test_what_it_cannot_run_exactly_a_fresh_interpreter_runs(
    why: str, server: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    if why == "another interpreter option":
        proc = start(server, tmp_path, "-X", "utf8", "prog.py")
    else:
        proc = start(server, tmp_path, "prog.py", PYTHONPATH=str(tmp_path / "elsewhere"))
    out, _ = proc.communicate("\n", timeout=30)
    assert json.loads(out)["pid"] == proc.pid  # the client exec'd the interpreter itself
    assert proc.returncode == 0


def test_a_signal_to_the_client_reaches_the_program_and_ends_the_client_the_same_way(
    server: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    (tmp_path / "wait.py").write_text("import sys\nprint('waiting', flush=True)\nsys.stdin.read()\n")
    proc = start(server, tmp_path, "-u", "wait.py")
    assert proc.stdout is not None and proc.stdout.readline() == "waiting\n"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == -signal.SIGINT  # stdin stays open: only the signal can end it
    assert proc.stderr is not None and "KeyboardInterrupt" in proc.stderr.read()


def test_a_killed_client_takes_its_program_with_it(server: tuple[subprocess.Popen[str], str], tmp_path: Path) -> None:
    (tmp_path / "wait.py").write_text("import sys\nprint('waiting', flush=True)\nsys.stdin.read()\n")
    proc = start(server, tmp_path, "-u", "wait.py")
    assert proc.stdout is not None and proc.stdout.readline() == "waiting\n"
    proc.kill()
    proc.wait(timeout=30)
    # The program holds the only other writing end of our stdout pipe: EOF means it has ended.
    assert proc.stdout.read() == ""


def test_the_package_list_is_remembered_until_a_directory_on_the_path_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language host's answer to "which packages" (asked before every operation) is read
    once per environment, and read again once a distribution is installed."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("probe", REPO_ROOT / "scripts" / "engine" / "langhost_probe.py")
    assert spec is not None and spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = {p["name"] for p in probe.list_packages()}
    assert "tiny-dist" not in before
    info = site / "tiny_dist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-dist\nVersion: 1.0\n")
    os.utime(site, ns=(1, 1))  # a directory's mtime can stay within one tick: make the change certain
    after = {p["name"]: p["version"] for p in probe.list_packages()}
    assert after.get("tiny-dist") == "1.0" and set(after) - {"tiny-dist"} == before
