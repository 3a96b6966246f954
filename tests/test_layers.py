"""Nothing imports upward (even lazily), for the layers these modules sit in:
errors/paths/clock/files/config/env -> routines -> compiler -> programme -> audio ->
speech -> session -> export -> live -> scheduling -> cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import coach

ROOT = Path(coach.__file__).parent
LAYERS = [{"errors", "paths", "clock", "files", "config", "env"}, {"routines"}, {"compiler"},
          {"programme"}, {"audio"}, {"speech"}, {"session"}, {"export"}, {"live"},
          {"scheduling"}, {"cli"}]
CHECKED = ["clock.py", "env.py", "config.py", "paths.py", "programme", "scheduling"]


def layer(top: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top in names)


def imported_tops(path: Path) -> set[str]:
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "coach" and len(parts) > 1:
                tops.add(parts[1])
    return tops


@pytest.mark.parametrize("path", [p for c in CHECKED for p in sorted(
    [ROOT / c] if c.endswith(".py") else (ROOT / c).glob("*.py"))], ids=str)
def test_no_upward_imports(path: Path) -> None:
    top = path.stem if path.parent == ROOT else path.parent.name
    upward = {t for t in imported_tops(path) if layer(t) > layer(top)}
    assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"
