"""The package type-checks under ``mypy --strict`` and pyright's standard mode (both configured
in pyproject.toml), and pyright tells a user program which required input it left out.

pyright is the npm package pinned in package-lock.json, installed by ``scripts/env.sh`` into
``node_modules/`` (nothing is downloaded when it runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "pulumi_fireworks"
PYRIGHT = REPO / "node_modules" / ".bin" / "pyright"
MISSING_BASE_MODEL = Path(__file__).resolve().parent / "data" / "deployment_missing_base_model.py"


def test_package_is_strictly_typed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _pyright(*paths: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """pyright's summary and its errors and warnings on ``paths``, with the project's settings
    (``[tool.pyright]``: standard mode, the .venv's packages)."""
    if not PYRIGHT.exists():
        pytest.fail(
            f"pyright is not installed ({PYRIGHT.relative_to(REPO)} is missing): `source scripts/env.sh` "
            "installs the version package-lock.json pins (`npm ci`; needs Node.js and npm)"
        )
    result = subprocess.run(
        [str(PYRIGHT), "--outputjson", *(str(p.relative_to(REPO)) for p in paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    # 0: no errors, 1: errors; anything else is a bad configuration or a crash.
    if result.returncode not in (0, 1):
        pytest.fail(f"pyright exited {result.returncode}:\n{result.stdout}{result.stderr}")
    report = json.loads(result.stdout)
    found = [d for d in report["generalDiagnostics"] if d["severity"] in ("error", "warning")]
    return report["summary"], found


def _describe(diagnostic: dict[str, Any]) -> str:
    start = diagnostic["range"]["start"]
    where = f"{Path(diagnostic['file']).relative_to(REPO)}:{start['line'] + 1}:{start['character'] + 1}"
    rule = f" ({diagnostic['rule']})" if diagnostic.get("rule") else ""
    return f"{where} - {diagnostic['severity']}: {diagnostic['message']}{rule}"


def test_package_passes_pyright_standard_mode() -> None:
    summary, found = _pyright(PACKAGE)
    # A run that checked nothing (a wrong path, an include that matches nothing) is no pass.
    assert summary["filesAnalyzed"] >= len(list(PACKAGE.rglob("*.py"))), summary
    counts = f"{summary['errorCount']} errors, {summary['warningCount']} warnings"
    assert not found, f"pyright (standard mode) reports {counts}:\n" + "\n".join(map(_describe, found))


def test_pyright_flags_a_missing_required_input() -> None:
    """A program leaving out ``base_model`` is an error in the user's editor, at the call.
    (Both calling styles are typed, ``Deployment(name, args)`` and keyword arguments, so
    pyright reports that no form of the call matches rather than naming the field.)"""
    _, found = _pyright(MISSING_BASE_MODEL)
    errors = [d for d in found if d["severity"] == "error"]
    call_line = MISSING_BASE_MODEL.read_text().splitlines().index('pulumi_fireworks.Deployment("x", min_replica_count=0)')
    assert [d["range"]["start"]["line"] for d in errors] == [call_line], (
        f"pyright should report the call in {MISSING_BASE_MODEL.relative_to(REPO)}; it reports: "
        f"{[_describe(d) for d in found] or 'nothing'}"
    )
    _, clean = _pyright(MISSING_BASE_MODEL.with_name("deployment_with_base_model.py"))
    assert clean == [], [_describe(d) for d in clean]
