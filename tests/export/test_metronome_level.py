"""`metronome_level:` in a routine: validated like its other keys, used by the export
unless `--metronome-level` is given, and part of each file's content key."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from coach.audio.loudness import Levels
from coach.export.many import ExportOptions, levels_for
from coach.routines.library import resolve_routine
from tests.audiotest import RATE_HZ, SHORT_ROUTINE, decode


def routine_file(tmp_path, extra: bytes, name: str = "level.yaml"):
    path = tmp_path / name
    path.write_bytes(SHORT_ROUTINE.replace(b"cadence: 100\n", b"cadence: 100\n" + extra))
    return path


def test_the_routine_key_is_read_and_the_option_wins(tmp_path):
    routine = resolve_routine(str(routine_file(tmp_path, b"metronome_level: -4\n")))
    assert routine.metronome_lu == -4.0
    assert levels_for(routine, ExportOptions()) == Levels(metronome_lu=-4.0)
    given = ExportOptions(levels=Levels(metronome_lu=-20.0))
    assert levels_for(routine, given) == Levels(metronome_lu=-20.0)
    plain = resolve_routine(str(routine_file(tmp_path, b"", "plain.yaml")))
    assert plain.metronome_lu is None and levels_for(plain, ExportOptions()) is None


@pytest.mark.parametrize(("value", "says"), [
    (b"-31", "metronome_level (LU relative to the speech) must be"),
    (b"3", "metronome_level (LU relative to the speech) must be"),
    (b"loud", "metronome_level (LU relative to the speech) must be a number"),
    (b".nan", "metronome_level (LU relative to the speech)")])
def test_a_bad_level_is_file_line_col_and_exit_2(cli, tmp_path, value, says):
    path = routine_file(tmp_path, b"metronome_level: " + value + b"\n")
    result = cli("check", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:4:18: " in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_the_schema_has_the_key_with_the_loaders_range():
    schema = json.loads(resources.files("coach.data").joinpath("routine.schema.json")
                        .read_text(encoding="utf-8"))
    key = schema["properties"]["metronome_level"]
    assert (key["type"], key["minimum"], key["maximum"]) == ("number", -30, 0)


def test_an_export_uses_the_routines_level_and_rewrites_the_file_when_it_changes(
        cli, tmp_path):
    path = routine_file(tmp_path, b"metronome_level: -30\n")
    out = tmp_path / "walk.mp3"
    assert cli("export", str(path), "--cadence", "-o", str(out)).exit_code == 0
    quiet = decode(out)
    path.write_bytes(path.read_bytes().replace(b"metronome_level: -30", b"metronome_level: -4"))
    again = cli("export", str(path), "--cadence", "-o", str(out))
    assert again.exit_code == 0 and "unchanged" not in again.stderr
    loud = decode(out)
    # the quietest second has no speech, only clicks: 26 LU apart is about 20x
    rms = [min(float(np.sqrt(np.mean(x[at:at + RATE_HZ] ** 2)))
               for at in range(5 * RATE_HZ, len(x) - 6 * RATE_HZ, RATE_HZ // 2))
           for x in (quiet, loud)]
    assert rms[1] > 5 * rms[0] > 0, rms
