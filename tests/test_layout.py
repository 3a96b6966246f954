"""The layout rules of CONTRIBUTING.md, checked by reading coach/ with ``ast``.

Nothing here imports the code it checks: every ``import`` statement in every
module is read from the source, including imports inside functions (lazy
imports are still dependencies) and imports under ``if TYPE_CHECKING:``.

TYPE_CHECKING imports count, for cycles and for layers alike. A type-only
import is still a dependency of the design: a cycle through annotations makes
the modules impossible to understand (or split) one at a time, and an upward
type import means a lower stage knows about a higher one. If a lower layer
needs to speak about a higher one's objects, it declares a Protocol.

Edges point to the module named: ``import coach.audio.render`` is an edge to
``coach.audio.render`` only, not to ``coach`` and ``coach.audio`` whose
``__init__`` also run (counting those would make every package that re-exports
its submodules a cycle, which Python handles fine).

Run ``python -m tests.test_layout`` for a report (sizes, layers, violations).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COACH = ROOT / "coach"

#: Bottom to top. A module may import its own layer and the layers below it.
LAYERS: list[set[str]] = [
    {"coach.errors", "coach.paths", "coach.clock", "coach.files", "coach.config",
     "coach.env", "coach.version", "coach.yamlnest"},
    {"coach.routines"},
    {"coach.compiler"},
    {"coach.programme"},
    {"coach.audio"},
    {"coach.speech"},
    {"coach.session"},
    {"coach.export"},
    {"coach.live"},
    {"coach.scheduling"},
    {"coach.web"},
    {"coach.cli"},
    {"coach", "coach.__main__"},  # the lazy public API and ``python -m coach``: the top
]

#: ``from coach import __version__`` reaches the top package from below; allowed
#: until the version lives in a bottom-layer module of its own.
ALLOWED_FROM_TOP = {"__version__"}

#: The pure core: routine text -> model -> timeline. No I/O, no heavy libraries.
PURE = ("coach.routines", "coach.compiler")
PURE_EXEMPT = {"coach.routines.library"}  # finds and reads the built-in files
IO_MODULES = {
    "click", "numpy", "miniaudio", "lameenc", "mutagen", "pyttsx3", "sqlite3", "subprocess",
    "soundfile", "espeakng_loader", "schedule", "icalendar", "socket", "http", "urllib",
    "coach.speech", "coach.audio", "coach.files", "coach.export", "coach.live",
}

MAX_LINES = 400
MAX_TOP_LEVEL = 12


@dataclass(frozen=True)
class Import:
    importer: str
    target: str       # the coach module (or outside top-level name) imported
    names: tuple[str, ...]  # for ``from X import a, b`` when X itself is the target
    line: int
    type_only: bool

    def __str__(self) -> str:
        where = f"{module_path(self.importer)}:{self.line}"
        extra = f" ({', '.join(self.names)})" if self.names else ""
        tc = " [TYPE_CHECKING]" if self.type_only else ""
        return f"{where}: {self.importer} -> {self.target}{extra}{tc}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_path(name: str) -> str:
    base = ROOT.joinpath(*name.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return str(path.relative_to(ROOT))


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(COACH.rglob("*.py")) if ".venv" not in p.parts}


MODULES = all_modules()


def is_module(name: str) -> bool:
    return name in MODULES


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node, with whether it sits under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.body:
                yield sub, True
                yield from _walk(sub, True)
            for sub in child.orelse:
                yield sub, type_only
                yield from _walk(sub, type_only)
        else:
            yield child, type_only
            yield from _walk(child, type_only)


def imports_of(name: str) -> list[Import]:
    path = MODULES[name]
    return imports_in(path.read_bytes(), name, path.name == "__init__.py")


def imports_in(source: bytes | str, name: str, is_package: bool = False) -> list[Import]:
    tree = ast.parse(source, name)
    package = name if is_package else name.rpartition(".")[0]
    out: list[Import] = []
    for node, type_only in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(Import(name, _deepest(alias.name), (), node.lineno, type_only))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            plain: list[str] = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if is_module(sub):
                    out.append(Import(name, sub, (), node.lineno, type_only))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Import(name, _deepest(base), tuple(plain), node.lineno, type_only))
    return out


def _deepest(dotted: str) -> str:
    """The deepest coach module along ``dotted``; outside names reduce to their top level."""
    if dotted.split(".")[0] != "coach":
        return dotted.split(".")[0]
    parts = dotted.split(".")
    while parts and not is_module(".".join(parts)):
        parts.pop()
    return ".".join(parts) or dotted


@functools.cache
def edges() -> list[Import]:
    return [imp for name in MODULES for imp in imports_of(name)]


@functools.cache
def coach_edges() -> list[Import]:
    return [e for e in edges() if e.target.split(".")[0] == "coach" and e.target != e.importer]


def layer_of(name: str) -> int:
    best, depth = -1, -1
    for i, group in enumerate(LAYERS):
        for prefix in group:
            if (name == prefix or name.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = i, prefix.count(".")
    if best < 0:
        raise AssertionError(f"{name} is in no layer: add its package to LAYERS and CONTRIBUTING.md")
    return best


def stage_of(name: str) -> str:
    return ".".join(name.split(".")[:2])


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def graph_of(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for e in imports:
        graph[e.importer].add(e.target)
    return graph


# -- (a) no cycles ------------------------------------------------------------
def test_the_cycle_finder_finds_cycles():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_lazy_relative_and_type_checking_imports():
    source = """
from typing import TYPE_CHECKING
import numpy.linalg
from coach.compiler.compile import compile_routine
from . import model
from .durations import parse_duration
from coach import __version__, routines
if TYPE_CHECKING:
    from coach.audio.clip import Clip
def later():
    import coach.speech.base
"""
    seen = {(e.target, e.names, e.type_only) for e in imports_in(source, "coach.routines.loader")}
    assert seen == {
        ("typing", ("TYPE_CHECKING",), False), ("numpy", (), False),
        ("coach.compiler.compile", ("compile_routine",), False), ("coach.routines.model", (), False),
        ("coach.routines.durations", ("parse_duration",), False),
        ("coach", ("__version__",), False), ("coach.routines", (), False),
        ("coach.audio.clip", ("Clip",), True), ("coach.speech.base", (), False),
    }
    package = imports_in("from . import model\nfrom .model import Routine",
                         "coach.routines", is_package=True)
    assert {e.target for e in package} == {"coach.routines.model"}
    assert _deepest("coach.nosuch.thing") == "coach"


def test_no_import_cycles():
    cycles = find_cycles(graph_of(coach_edges()))
    detail = []
    for cycle in cycles:
        members = set(cycle)
        detail += [str(e) for e in coach_edges() if e.importer in members and e.target in members]
    assert not cycles, "import cycles:\n  " + "\n  ".join(
        [" <-> ".join(c) for c in cycles] + detail)


# -- (b) nothing imports upward ------------------------------------------------
def upward_imports() -> list[Import]:
    bad = []
    for e in coach_edges():
        if e.importer == "coach":
            continue  # the public API re-exports everything: it is the top
        if e.target == "coach" and e.names and set(e.names) <= ALLOWED_FROM_TOP:
            continue
        if layer_of(e.target) > layer_of(e.importer):
            bad.append(e)
    return bad


def test_every_module_is_in_a_layer():
    for name in MODULES:
        layer_of(name)


def test_nothing_imports_upward():
    bad = upward_imports()
    assert not bad, "upward imports (layer order in tests/test_layout.py LAYERS):\n  " + \
        "\n  ".join(f"{e}  [{layer_of(e.importer)} -> {layer_of(e.target)}]" for e in bad)


# -- (c) the pure core imports no I/O ------------------------------------------
def impure_imports() -> list[Import]:
    bad = []
    for e in edges():
        if not e.importer.startswith(PURE) or e.importer in PURE_EXEMPT:
            continue
        top = e.target if e.target.startswith("coach") else e.target.split(".")[0]
        if any(top == m or top.startswith(m + ".") for m in IO_MODULES):
            bad.append(e)
    return bad


def test_pure_core_imports_no_io():
    bad = impure_imports()
    assert not bad, "the pure core (routines, compiler) imports I/O:\n  " + \
        "\n  ".join(map(str, bad))


# -- (d) module size, (e) top-level count -------------------------------------
@functools.cache
def line_counts() -> dict[str, int]:
    return {name: len(path.read_text("utf-8").splitlines()) for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines(name):
    n = line_counts()[name]
    assert n <= MAX_LINES, f"{module_path(name)} has {n} lines (max {MAX_LINES}): split it"


def top_level_modules() -> list[str]:
    return sorted(p.name for p in COACH.glob("*.py"))


def test_at_most_12_top_level_modules():
    top = top_level_modules()
    assert len(top) <= MAX_TOP_LEVEL, f"{len(top)} modules directly in coach/: {top}"


def report() -> str:
    counts = line_counts()
    biggest = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    lines = [f"top-level modules: {len(top_level_modules())} (max {MAX_TOP_LEVEL}): "
             f"{' '.join(top_level_modules())}",
             "biggest modules: " + ", ".join(f"{module_path(n)} {c}" for n, c in biggest)]
    lines += [f"cycle: {' <-> '.join(c)}" for c in find_cycles(graph_of(coach_edges()))]
    lines += [f"upward: {e}" for e in upward_imports()]
    lines += [f"impure: {e}" for e in impure_imports()]
    lines += [f"too long: {module_path(n)} {c}" for n, c in counts.items() if c > MAX_LINES]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
