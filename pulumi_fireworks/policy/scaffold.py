"""The ready-made pack folder shipped in this package, and writing a copy users can run.

Why a copy: the official Python language host runs a policy pack with the interpreter of the
pack's own virtualenv (``virtualenv`` runtime option, default ``venv`` inside the pack), so a
pack must live in a folder where that virtualenv can be made - not inside site-packages.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Union

from .origin import Origin, installed_origin

__all__ = ["PACK_NAME", "PACK_FILES", "pack_directory", "write_pack", "next_steps"]

PACK_NAME = "fireworks-guardrails"
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")


def pack_directory() -> Path:
    """The pack folder inside the installed package (``PulumiPolicy.yaml``, ``__main__.py``, ...)."""
    return Path(__file__).resolve().parent / "pack"


def write_pack(target: Path, *, requirement: Union[str, Origin, None] = None, force: bool = False) -> Path:
    """Write the pack into ``target`` (created if needed) and return it.

    requirements.txt installs pulumi-fireworks the way the running package was installed
    (``origin.installed_origin``: the same wheel, folder, checkout or commit, or the version from
    an index) and pulumi-policy in the range this package requires. ``requirement`` replaces the
    pulumi-fireworks line (a requirements.txt line: a version pin, a path or a URL). Existing pack
    files are only overwritten with ``force``.
    """
    target.mkdir(parents=True, exist_ok=True)
    existing = [name for name in PACK_FILES if (target / name).exists()]
    if existing and not force:
        raise FileExistsError(
            f"{target} already has {', '.join(existing)}; choose an empty folder or pass force=True (--force)"
        )
    origin, policy_sdk = installed_origin()
    if isinstance(requirement, Origin):
        origin = requirement
    elif requirement:
        origin = Origin(requirement, "the requirement given to `new` (--requirement)")
    source = pack_directory()
    for name in ("PulumiPolicy.yaml", "__main__.py"):
        (target / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines: list[str] = []
    for line in (source / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() == "pulumi-fireworks":
            lines += origin.lines()
        elif line.startswith("pulumi-policy"):
            lines.append(policy_sdk)
        else:
            lines.append(line)
    (target / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def next_steps(directory: str) -> list[str]:
    """The commands that make the pack's virtualenv and run it, for the folder as the user
    wrote it (``./fireworks-policy``), to be run where ``new`` ran (the project folder)."""
    folder = directory.rstrip("/") or "/"
    venv = f"{folder}/venv"
    return [
        f"python3 -m venv {shlex.quote(venv)}",
        f"{shlex.quote(venv + '/bin/pip')} install -r {shlex.quote(folder + '/requirements.txt')}",
        f"pulumi preview --policy-pack {shlex.quote(folder)}",
    ]
