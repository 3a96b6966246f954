"""Golden timelines: each routine compiles to exactly its committed timeline.

Byte for byte: the text scripts/regen_golden.py would write is compared to the
committed file's bytes, so regenerating on an unchanged tree changes no file
(key order, float formatting, escaping and the final newline included).

Regenerate after an intended change with ``python scripts/regen_golden.py`` and
review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.routines.library import builtin_routine_ids
from scripts.regen_golden import GOLDEN, golden_bytes, golden_timelines

NAMES = sorted(set(builtin_routine_ids()) | {p.stem for p in GOLDEN.glob("*.yaml")})


@pytest.fixture(scope="module")
def compiled() -> dict[str, dict]:
    return golden_timelines()


@pytest.mark.parametrize("name", NAMES)
def test_routine_matches_its_golden_timeline(name, compiled):
    path = Path(GOLDEN / f"{name}.timeline.json")
    assert path.exists(), f"missing golden {path}: run python scripts/regen_golden.py"
    committed = path.read_bytes()
    # the parsed comparison first: its diff says which field changed
    assert compiled[name] == json.loads(committed)
    assert golden_bytes(compiled[name]) == committed, \
        f"{path.name} parses equal but its bytes differ: run python scripts/regen_golden.py"


def test_every_golden_has_a_routine():
    for path in GOLDEN.glob("*.timeline.json"):
        assert path.name.removesuffix(".timeline.json") in NAMES, f"stale golden {path}"
