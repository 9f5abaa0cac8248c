"""Start Python programs from a warm interpreter: a fork server for the engine's Python processes.

Why: every engine operation of the test suite starts a Pulumi program and a dynamic-provider
process, and each spends about 0.55 s of CPU importing ``pulumi``, gRPC, pydantic and
``pulumi_fireworks`` before doing anything: with hundreds of operations, most of the suite's
CPU. A *warm* interpreter imports those modules once and forks a child for each start; the
child then runs the requested ``python [-u] -m MODULE ARGS`` or ``python [-u] SCRIPT ARGS``
exactly as a fresh interpreter would (the same ``argv``, environment, working directory,
standard streams and exit status), only without paying for the imports again.

Two roles, one file:

* ``python -u warm_python.py serve SOCKET [--preload MOD[:FUNCTION] ...]`` is the server. It
  imports the modules (and calls the functions, to fill caches the children then share), listens on the Unix socket, prints ``ready`` and serves until its stdin ends (the
  test session that started it has gone). It stays single-threaded (one ``select`` loop over
  the socket, the clients and the children's pidfds), so forking is safe.
* ``python -S -I warm_python.py run PYTHON ARGS...`` is the client, which the launchers in
  this directory run in place of ``PYTHON ARGS...`` when ``PULUMI_FIREWORKS_WARM_PYTHON``
  names a server's socket. It hands the server its argv, environment, working directory and
  its stdin/stdout/stderr (the descriptors themselves), forwards the signals it gets to the
  child, and ends with the child's exit status (killing itself with the child's signal, if
  one ended it). If the client dies, the server kills the child. When the server cannot
  serve the request as a fresh interpreter would, it says why and the client ``exec``s the
  command itself: another interpreter, other ``PYTHON*`` variables, options other than
  ``-u``, no server.

Only the development engine in ``scripts/engine`` uses it, and only when asked (the test
suite does); the official launchers users run are unchanged. What a child shares with its
siblings: the modules the server imported (not their later state: each child is a copy) and
the hash seed; ``random`` is reseeded in each child.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

ENV_VAR = "PULUMI_FIREWORKS_WARM_PYTHON"
"""The server's socket; set in the environment of the processes that should use it."""

_HEADER = struct.Struct("!I")
_IGNORED_PYTHON_VARS = frozenset({"PYTHONUNBUFFERED"})
"""``PYTHON*`` variables a child may differ in: the server runs unbuffered, and so does every child."""
_FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


# -- the wire: a 4-byte length, then JSON -----------------------------------------------


def _send(conn: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    payload = _HEADER.pack(len(data)) + data
    sent = socket.send_fds(conn, [payload], fds) if fds else 0
    if sent < len(payload):  # what one sendmsg did not take (a large environment); nothing more
        conn.sendall(payload[sent:])  # once all is sent: the server may have answered and closed


def _recv_exactly(conn: socket.socket, size: int, into: bytearray) -> None:
    while len(into) < size:
        chunk = conn.recv(size - len(into))
        if not chunk:
            raise EOFError("connection closed")
        into += chunk


def _recv(conn: socket.socket, *, max_fds: int = 0) -> tuple[dict, list[int]]:
    data = bytearray()
    fds: list[int] = []
    if max_fds:
        chunk, fds, _flags, _addr = socket.recv_fds(conn, 65536, max_fds)
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    _recv_exactly(conn, _HEADER.size, data)
    (size,) = _HEADER.unpack_from(data)
    _recv_exactly(conn, _HEADER.size + size, data)
    return json.loads(bytes(data[_HEADER.size:])), fds


# -- the client -------------------------------------------------------------------------


def run(argv: list[str]) -> None:
    """Run ``argv`` (a Python command line) through the server, or ``exec`` it."""
    child: list[int] = []  # the child's pid, once the server has said it
    pending: list[int] = []  # signals that came before it

    def forward(signum: int, _frame: object) -> None:
        if not child:
            pending.append(signum)
            return
        try:
            os.kill(child[0], signum)
        except ProcessLookupError:
            pass

    # Installed first: a signal between the fork and the server's answer is kept, not lost
    # (nor the death of this client, which would kill the child instead).
    for signum in _FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    path = os.environ.get(ENV_VAR, "")
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        answer: dict = {"refused": "no warm interpreter listens"}
    else:
        try:
            _send(conn, {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}, [0, 1, 2])
            answer, _ = _recv(conn)
        except (OSError, EOFError, ValueError) as exc:
            # The server may have forked the program already: starting it again could run it twice.
            sys.exit(f"warm_python: the warm interpreter stopped answering ({exc!r}); {argv[0]} was not run here")
    if "pid" not in answer:
        conn.close()
        _default_signals()
        for signum in pending:
            os.kill(os.getpid(), signum)
        os.execvp(argv[0], argv)
    child.append(int(answer["pid"]))
    for signum in pending:
        forward(signum, None)
    try:
        ended, _ = _recv(conn)
    except (OSError, EOFError):
        ended = {"status": 1}  # the server is gone; so is the child
    status = int(ended["status"])
    if status < 0:  # ended by a signal: end the same way
        _default_signals()
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    sys.exit(status)


def _default_signals() -> None:
    """The dispositions a fresh interpreter starts with, for the signals the client forwards."""
    for signum in _FORWARDED_SIGNALS:
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)


# -- the server -------------------------------------------------------------------------


def _resolve(program: str, env: dict[str, str], cwd: str) -> str | None:
    if os.sep in program:
        return os.path.normpath(os.path.join(cwd, program))
    import shutil

    found = shutil.which(program, path=env.get("PATH", ""))
    return os.path.normpath(os.path.abspath(found)) if found else None


def _python_vars(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith("PYTHON") and k not in _IGNORED_PYTHON_VARS}


class _Target:
    """What a command line asks to run: ``-m module`` or a script, with its ``sys.argv``."""

    def __init__(self, module: str | None, script: str | None, argv: list[str]) -> None:
        self.module, self.script, self.argv = module, script, argv


def _parse(args: list[str]) -> _Target | str:
    """The interpreter's arguments (after the program name), or why they are not served."""
    rest = list(args)
    while rest and rest[0] == "-u":
        rest.pop(0)
    if not rest:
        return "no module or script to run"
    if rest[0] == "-m":
        if len(rest) < 2:
            return "-m without a module"
        return _Target(rest[1], None, [rest[1], *rest[2:]])  # sys.argv[0] is fixed up by runpy
    if rest[0].startswith("-"):
        return f"interpreter option {rest[0]} is not served warm"
    return _Target(None, rest[0], rest)


def _child(target: _Target, env: dict[str, str], cwd: str, fds: list[int]) -> None:
    """In the forked child: become the requested program, then end like an interpreter."""
    import atexit
    import random
    import runpy
    import threading
    import traceback

    for index, fd in enumerate(fds):
        os.dup2(fd, index)
        os.close(fd)
    _default_signals()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    random.seed()
    code: int = 0
    try:
        if target.module is not None:
            sys.argv = list(target.argv)
            sys.path[0] = cwd
            runpy.run_module(target.module, run_name="__main__", alter_sys=True)
        else:
            script = target.script or ""
            sys.argv = list(target.argv)
            sys.path[0] = os.path.dirname(os.path.abspath(script))
            runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        traceback.print_exc()
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 130
    except BaseException:  # noqa: BLE001 - reported as an interpreter would
        traceback.print_exc()
        code = 1
    # As at interpreter exit: wait for non-daemon threads, run atexit functions, flush.
    try:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    _flush()
    os._exit(code & 0xFF)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def serve(path: str, preload: list[str]) -> None:
    import importlib
    import selectors

    import gc

    for name in preload:  # "module", or "module:function" to call it once (to fill its caches)
        module_name, _, function = name.partition(":")
        module = importlib.import_module(module_name)
        if function:
            getattr(module, function)()
    # Objects made so far are never collected in a child: a collection would touch (and so
    # copy) every page of the warm heap the children share.
    gc.collect()
    gc.freeze()
    try:  # children are watched through pidfds (Linux 5.3+): without them, serve nothing
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError) as exc:
        print(f"unsupported: no pidfd_open ({exc})", flush=True)
        sys.exit(3)
    own_python = os.path.normpath(os.path.abspath(sys.executable))
    own_vars = _python_vars(dict(os.environ))
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, ("accept", None))
    selector.register(sys.stdin, selectors.EVENT_READ, ("stdin", None))
    print("ready", flush=True)

    children: dict[int, tuple[socket.socket, int]] = {}  # pid -> (client connection, pidfd)

    def refuse(conn: socket.socket, why: str) -> None:
        try:
            _send(conn, {"refused": why})
        except OSError:
            pass
        conn.close()

    def start(conn: socket.socket) -> None:
        conn.settimeout(5.0)
        try:
            request, fds = _recv(conn, max_fds=3)
        except (OSError, EOFError, ValueError):
            conn.close()
            return
        try:
            argv, env, cwd = list(request["argv"]), dict(request["env"]), str(request["cwd"])
            why = ""
            if len(fds) != 3:
                why = "the standard streams did not arrive"
            elif _resolve(argv[0], env, cwd) != own_python:
                why = f"{argv[0]} is not {own_python}"
            elif _python_vars(env) != own_vars:
                why = "its PYTHON* environment differs from the warm interpreter's"
            target = _parse(argv[1:])
            if isinstance(target, str):
                why = why or target
            if why:
                refuse(conn, why)
                return
            assert isinstance(target, _Target)
            pid = os.fork()
            if pid == 0:
                try:
                    selector.close()
                    listener.close()
                    conn.close()
                    for other, pidfd in children.values():
                        other.close()
                        os.close(pidfd)
                    _child(target, env, cwd, fds)
                finally:
                    os._exit(1)
            pidfd = os.pidfd_open(pid)
            children[pid] = (conn, pidfd)
            conn.settimeout(None)
            _send(conn, {"pid": pid})
            selector.register(conn, selectors.EVENT_READ, ("client", pid))
            selector.register(pidfd, selectors.EVENT_READ, ("child", pid))
        finally:
            for fd in fds:
                os.close(fd)

    while True:
        for key, _events in selector.select():
            kind, pid = key.data
            if kind == "accept":
                conn, _ = listener.accept()
                start(conn)
            elif kind == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    for child in list(children):
                        try:
                            os.kill(child, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    os.unlink(path)
                    return
            elif kind == "client":  # the client wrote or closed; it only ever closes: it died
                conn, _ = children[pid]
                selector.unregister(conn)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            elif kind == "child":
                conn, pidfd = children.pop(pid)
                selector.unregister(pidfd)
                os.close(pidfd)
                _, status = os.waitpid(pid, 0)
                try:
                    _send(conn, {"status": os.waitstatus_to_exitcode(status)})
                except OSError:
                    pass
                try:
                    selector.unregister(conn)
                except KeyError:
                    pass
                conn.close()


def main(argv: list[str]) -> None:
    if len(argv) >= 2 and argv[0] == "run":
        run(argv[1:])
    elif len(argv) >= 2 and argv[0] == "serve":
        preload = argv[argv.index("--preload") + 1:] if "--preload" in argv else []
        serve(argv[1], preload)
    else:
        sys.exit("usage: warm_python.py serve SOCKET [--preload MODULE[:FUNCTION] ...] | run PYTHON ARGS...")


if __name__ == "__main__":
    main(sys.argv[1:])
