"""The ready-made pack folder shipped in this package, and writing a copy users can run.

Why a copy: the official Python language host runs a policy pack with the interpreter of the
pack's own virtualenv (``virtualenv`` runtime option, default ``venv`` inside the pack), so a
pack must live in a folder where that virtualenv can be made - not inside site-packages.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Optional

__all__ = ["PACK_NAME", "PACK_FILES", "pack_directory", "write_pack", "default_requirement"]

PACK_NAME = "fireworks-guardrails"
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")


def pack_directory() -> Path:
    """The pack folder inside the installed package (``PulumiPolicy.yaml``, ``__main__.py``, ...)."""
    return Path(__file__).resolve().parent / "pack"


def default_requirement() -> str:
    """``pulumi-fireworks==<installed version>``: the pack runs the rules of this version."""
    try:
        return f"pulumi-fireworks=={importlib.metadata.version('pulumi-fireworks')}"
    except importlib.metadata.PackageNotFoundError:
        return "pulumi-fireworks"


def write_pack(target: Path, *, requirement: Optional[str] = None, force: bool = False) -> Path:
    """Write the pack into ``target`` (created if needed) and return it.

    ``requirement`` replaces the ``pulumi-fireworks`` line of requirements.txt (a version pin,
    a path or a URL); by default the installed version is pinned. Existing pack files are
    only overwritten with ``force``.
    """
    target.mkdir(parents=True, exist_ok=True)
    existing = [name for name in PACK_FILES if (target / name).exists()]
    if existing and not force:
        raise FileExistsError(
            f"{target} already has {', '.join(existing)}; choose an empty folder or pass force=True (--force)"
        )
    source = pack_directory()
    for name in ("PulumiPolicy.yaml", "__main__.py"):
        (target / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines = (source / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pin = requirement or default_requirement()
    lines = [pin if line.strip() == "pulumi-fireworks" else line for line in lines]
    (target / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
