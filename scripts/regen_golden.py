"""Regenerate the golden timelines the tests compare against.

    python scripts/regen_golden.py

For every built-in routine (coach/data/routines/NAME.yaml) and every routine in
tests/golden/NAME.yaml, writes tests/golden/NAME.timeline.json: the compiled
timeline with the words-per-minute speech estimate (so it does not depend on
the speech engine). Review the diff before committing: a changed golden is a
changed session.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from coach.routines.library import load_lines
from coach.session import compile_with_library

LINES = load_lines()

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def golden_timelines() -> dict[str, dict]:
    """NAME -> timeline JSON (with warnings), compiled the way the goldens are."""
    sys.path.insert(0, str(ROOT))
    from coach.compiler.compile import compile_routine
    from coach.routines.library import builtin_routine_ids, load_techniques, resolve_routine
    from coach.routines.loader import load_routine

    out: dict[str, dict] = {}
    for rid in builtin_routine_ids():
        out[rid] = _golden(compile_with_library(resolve_routine(rid)))
    techniques = load_techniques()
    for path in sorted(GOLDEN.glob("*.yaml")):
        routine = load_routine(path.read_bytes(), path.name, path.stem, techniques)
        out[path.stem] = _golden(compile_routine(routine, techniques=techniques, lines=LINES))
    return out


def _golden(timeline) -> dict:  # type: ignore[no-untyped-def]
    data = timeline.to_json()
    data["warnings"] = [str(w) for w in timeline.warnings]
    return data


def golden_bytes(data: dict) -> bytes:
    """The exact bytes of a golden file (what the tests compare byte for byte)."""
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main() -> None:
    for name, data in golden_timelines().items():
        path = GOLDEN / f"{name}.timeline.json"
        path.write_bytes(golden_bytes(data))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
