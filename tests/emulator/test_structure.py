"""The emulator's modules form no import circle (the app aside from its admin API):
handlers work on a small backend object, never on the ASGI app."""

from __future__ import annotations

import ast
from pathlib import Path

import pulumi_fireworks.emulator as emulator_package

ROOT = Path(emulator_package.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "(package)"


def imports_of(path: Path) -> set[str]:
    """Emulator modules ``path`` imports (TYPE_CHECKING imports count too)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" and "." in module_name(path) else (
        module_name(path) if path.name == "__init__.py" else ""
    )
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package and package != "(package)" else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:
                found |= {".".join([*base, alias.name]) for alias in node.names}
            elif target:
                found.add(target)
    return {name for name in found if (ROOT / (name.replace(".", "/") + ".py")).exists() or (ROOT / name.replace(".", "/")).is_dir()}


def test_no_import_cycles_but_app_and_its_admin_api() -> None:
    graph = {module_name(p): imports_of(p) for p in ROOT.rglob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                if reaches(nxt, goal, seen):
                    return True
        return False

    circular = sorted(m for m in graph if m not in ("app", "admin") and reaches(m, m, set()))
    assert circular == []
    users_of_app = sorted(m for m, deps in graph.items() if "app" in deps)
    assert set(users_of_app) <= {"(package)", "admin", "testing", "__main__"}, users_of_app
