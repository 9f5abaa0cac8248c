"""Describe the Python environment this file runs in (standard library only).

Why a separate file: the language host runs in its own interpreter (one that has ``pulumi`` and
``grpc``), but must answer questions about the *program's* interpreter, which may be another
virtualenv, a uv or poetry environment, or a bare Python without ``pip``. The host runs this file
there: ``<program python> langhost_probe.py packages`` prints a JSON list of the installed
distributions, each with the ``pulumi-plugin.json`` it ships (if any), so the host can tell the
engine which resource plugins the program needs (``GetRequiredPackages``) and list dependencies
(``GetProgramDependencies``, the typechecker check). The official host gets the same facts from
``pip list`` plus a small inline script; this needs neither ``pip`` nor a third-party import.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any


def canonical(name: str) -> str:
    """PEP 503 normalisation, so ``pulumi_policy`` and ``pulumi-policy`` compare equal."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _plugin_marker(dist: Any, name: str) -> tuple[dict[str, Any] | None, str | None]:
    """The ``pulumi-plugin.json`` next to the distribution's top-level module, if any.

    Besides the distribution's own location we ask the import system, because an editable
    install (``pip install -e``) keeps the module in the source tree, not in site-packages, and
    the marker would otherwise be missed (and the package wrongly reported as a plugin).
    """
    import importlib.util

    modules = [name.replace("-", "_")]
    top_level = dist.read_text("top_level.txt") or ""
    modules += [m.strip() for m in top_level.splitlines() if m.strip() and m.strip() not in modules]
    for module in modules:
        candidates = [Path(str(dist.locate_file(module)))]
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
                    return json.loads(path.read_text()), str(path)
    return None, None


_listed: dict[tuple[tuple[str, int | None], ...], list[dict[str, Any]]] = {}


def list_packages() -> list[dict[str, Any]]:
    """The installed distributions: name, version, plugin marker and direct requirements.

    Remembered for as long as no directory on ``sys.path`` changes (installing or removing a
    distribution changes its directory): reading ~150 distributions' metadata costs ~0.1 s of
    CPU, and the engine asks before every operation (a host forked from a warm interpreter that
    has asked once answers at once)."""
    key = tuple((entry, _modified(entry)) for entry in sys.path)
    if key not in _listed:
        _listed[key] = _read_packages()
    return json.loads(json.dumps(_listed[key]))  # a copy: callers may change theirs


def _modified(entry: str) -> int | None:
    try:
        return Path(entry or ".").stat().st_mtime_ns
    except OSError:
        return None


def _read_packages() -> list[dict[str, Any]]:
    import importlib.metadata as md

    seen: set[str] = set()
    result: list[dict[str, Any]] = []
    for dist in md.distributions():
        raw_name = dist.metadata["Name"]
        if not raw_name:
            continue
        name = canonical(raw_name)
        if name in seen:  # the first one on sys.path is the one that imports
            continue
        seen.add(name)
        marker, marker_path = _plugin_marker(dist, name)
        requires = []
        for req in dist.requires or []:
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
            if match and "extra ==" not in req:
                requires.append(canonical(match.group(1)))
        result.append(
            {
                "name": name,
                "version": dist.version,
                "plugin_json": marker,
                "plugin_json_path": marker_path,
                "requires": requires,
            }
        )
    return result


def main(argv: list[str]) -> int:
    if argv == ["packages"]:
        json.dump(list_packages(), sys.stdout)
        return 0
    print("usage: langhost_probe.py packages", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
