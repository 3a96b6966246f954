"""The public API re-exported from coach/__init__.py resolves, lazily."""

import subprocess
import sys

import coach


def test_every_export_resolves():
    for name in coach.__all__:
        assert getattr(coach, name) is not None


def test_import_coach_stays_light():
    code = "import coach, sys; print(sorted(m for m in ('numpy', 'yaml', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_documented_example_works():
    timeline = coach.compile_with_library(coach.resolve_routine("figure-8"))
    assert timeline.routine == "figure-8" and timeline.cues
