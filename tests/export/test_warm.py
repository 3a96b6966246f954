"""A warm export loads nothing heavy: no speech engine model, no loudness measurement.

Each phrase's loudness gain is measured when it is synthesised (and the cue sounds'
at the first export), so an export from a warm cache imports none of piper,
onnxruntime, pyloudnorm or scipy: checked in fresh processes through the real CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.audiotest import SHORT_ROUTINE

HEAVY = ("piper", "onnxruntime", "pyloudnorm", "scipy")
RUN_CLI = f"""
import sys
from coach.cli import main
try:
    main(sys.argv[1:])
finally:
    print("heavy:", sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)
"""


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN_CLI, *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_warm_export_imports_no_engine_model_and_no_loudness_library(tmp_path, coach_home):
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_bytes(SHORT_ROUTINE)
    second.write_bytes(SHORT_ROUTINE.replace(b"Short test walk", b"Second test walk")
                       .replace(b"duration: 35s", b"duration: 40s"))
    env = dict(os.environ, COACH_HOME=str(coach_home))  # espeak: see conftest
    cold = run(env, "export", str(first), "-o", str(tmp_path / "first.mp3"))
    assert cold.returncode == 0, cold.stderr
    assert "'pyloudnorm'" in cold.stderr  # the cold export measured (the test can fail)
    # `prepare` synthesises the second routine's new phrases and measures them there
    prepared = run(env, "prepare", str(second))
    assert prepared.returncode == 0, prepared.stderr
    assert "(0 synthesised" not in prepared.stdout
    for routine, name in ((second, "second.mp3"), (first, "again.mp3")):
        warm = run(env, "export", str(routine), "--cadence", "-o", str(tmp_path / name))
        assert warm.returncode == 0, warm.stderr
        assert "heavy: []" in warm.stderr, warm.stderr
        assert (tmp_path / name).stat().st_size > 50_000


def test_after_prepare_alone_the_first_export_imports_nothing_heavy(tmp_path, coach_home):
    """`coach prepare` (what the background pre-warm runs) also keeps the cue sounds'
    loudness, so the first walk or export after it does not load the meter."""
    routine = tmp_path / "walk.yaml"
    routine.write_bytes(SHORT_ROUTINE)
    env = dict(os.environ, COACH_HOME=str(coach_home))
    prepared = run(env, "prepare", str(routine))
    assert prepared.returncode == 0 and "'pyloudnorm'" in prepared.stderr, prepared.stderr
    first = run(env, "export", str(routine), "--cadence", "-o", str(tmp_path / "walk.mp3"))
    assert first.returncode == 0, first.stderr
    assert "heavy: []" in first.stderr, first.stderr
