"""Golden timelines: each routine compiles to exactly its committed timeline.

Regenerate after an intended change with ``python scripts/regen_golden.py`` and
review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.routines.library import builtin_routine_ids
from scripts.regen_golden import GOLDEN, golden_timelines

NAMES = sorted(set(builtin_routine_ids()) | {p.stem for p in GOLDEN.glob("*.yaml")})


@pytest.fixture(scope="module")
def compiled() -> dict[str, dict]:
    return golden_timelines()


@pytest.mark.parametrize("name", NAMES)
def test_routine_matches_its_golden_timeline(name, compiled):
    path = Path(GOLDEN / f"{name}.timeline.json")
    assert path.exists(), f"missing golden {path}: run python scripts/regen_golden.py"
    assert compiled[name] == json.loads(path.read_text("utf-8"))


def test_every_golden_has_a_routine():
    for path in GOLDEN.glob("*.timeline.json"):
        assert path.name.removesuffix(".timeline.json") in NAMES, f"stale golden {path}"
