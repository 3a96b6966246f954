"""Random and mutated YAML never escapes as a traceback: only RoutineError with a position."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from coach.compiler.compile import compile_routine
from coach.errors import RoutineError
from coach.routines.library import load_lines
from coach.routines.loader import load_routine
from tests.routines.test_loader import GOOD, TECHS

LINES = load_lines()

SEEDS = [GOOD, b"title: x\nsegments:\n  - technique: walk\n    duration: 1m\n"]
YAML_BITS = [b":", b"-", b" ", b"\n", b"'", b'"', b"&a", b"*a", b"!!", b"[", b"]", b"{", b"}",
             b"#", b"|", b">", b"\t", b"repeat: 3", b"duration: 0s", b"technique: x",
             b"\xff", b"%YAML 1.1", b"---", b"...", b"\x00", b"999999999999999999999"]


def assert_only_routine_errors(data: bytes, small_techniques) -> None:
    try:
        routine = load_routine(data, "fuzz.yaml", "fuzz", TECHS)
    except RoutineError as err:
        for p in err.problems:
            assert p.file == "fuzz.yaml" and p.line >= 1 and p.col >= 1 and p.message
        return
    techs = dict(small_techniques)
    techs.setdefault("heel-toe", techs["walk"])
    compile_routine(routine, techniques=techs, lines=LINES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes(small_techniques, data):
    assert_only_routine_errors(data, small_techniques)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 6),
                                                  st.sampled_from(YAML_BITS)), max_size=5))
def test_mutated_routines(small_techniques, seed, edits):
    data = bytearray(seed)
    for pos, cut, bit in edits:
        pos = min(pos, len(data))
        data[pos:pos + cut] = bit
    assert_only_routine_errors(bytes(data), small_techniques)
