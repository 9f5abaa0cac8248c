"""``scripts/new-resource`` writes a resource that keeps the contract from the start.

Run in a copy of the checkout's tracked files: the scaffold writes every piece, both
generators accept the result, and the new resource's rows of the contract, bad-input,
lifecycle (against the emulator) and emulator-structure tests pass there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _copy_of_the_checkout(to: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    return to


def test_a_scaffolded_resource_has_every_piece_and_passes_its_rows(tmp_path: Path) -> None:
    copy = _copy_of_the_checkout(tmp_path / "checkout")
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True)

    made = run("scripts/new-resource", "Widget", "--collection", "widgets")
    assert made.returncode == 0, made.stderr
    for piece in ("pulumi_fireworks/_wire/widget.py", "pulumi_fireworks/widget.py",
                  "pulumi_fireworks/emulator/handlers/widgets.py", "pulumi_fireworks/emulator/rules/widgets.py",
                  "pulumi_fireworks/_generated/widget.py", "docs/resources/widget.md", "examples/widget/__main__.py"):
        assert (copy / piece).is_file(), f"scripts/new-resource did not write {piece}"
    for generator in ("pulumi_fireworks._schema", "pulumi_fireworks._codegen"):
        fresh = run("-m", generator)
        assert fresh.returncode == 0, f"{generator} finds the scaffold's output stale:\n{fresh.stdout}{fresh.stderr}"
    rows = run("-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/unit/test_contract.py", "tests/unit/test_bad_inputs.py",
               "tests/provider/test_lifecycles.py", "tests/emulator/test_structure.py", "-k", "Widget or widget")
    assert rows.returncode == 0, rows.stdout[-4000:] + rows.stderr[-2000:]
    ran = [line for line in rows.stdout.splitlines() if " passed" in line]
    assert ran and int(ran[-1].split(" passed")[0].split()[-1]) >= 8, rows.stdout[-2000:]  # the Widget rows ran
