"""The mix options shared by `coach export` and `coach walk` (coach/cli/mix.py)."""

from __future__ import annotations

import pytest

from tests.audiotest import RATE_HZ, decode


def test_export_metronome_level_is_refused_without_cadence(run, tmp_path):
    result = run("export", "flare-up", "-o", str(tmp_path / "x.mp3"), "--metronome-level",
                 "-6", code=2)
    assert "--metronome-level goes with --cadence" in result.output
    assert not (tmp_path / "x.mp3").exists()


def test_walk_metronome_level_is_refused_without_cadence(run):
    result = run("walk", "flare-up", "--text", "--metronome-level", "-6", code=2)
    assert "--metronome-level goes with --cadence" in result.output


def test_metronome_level_out_of_range_is_a_usage_error(run, tmp_path):
    result = run("export", "flare-up", "-o", str(tmp_path / "x.mp3"), "--cadence",
                 "--metronome-level", "5", code=2)
    assert "--metronome-level" in result.output


@pytest.mark.slow
def test_metronome_level_changes_the_export(run, tmp_path):
    """Away from speech and chimes only the metronome sounds: 6 LU more is 6 dB more there."""
    import json

    import numpy as np

    timeline = json.loads(run("compile", "flare-up", "--format", "json").output)
    files = {}
    for level in ("-16", "-10"):
        out = tmp_path / f"m{level}.mp3"
        run("export", "flare-up", "-o", str(out), "--cadence", "--metronome-level", level)
        files[level] = decode(out)
    quiet, loud = files["-16"], files["-10"]
    alone = np.ones(len(quiet), bool)
    for cue in timeline["cues"]:
        alone[round((cue["at_s"] - 0.5) * RATE_HZ):round((cue["at_s"] + cue["speech_s"] + 0.5)
                                                         * RATE_HZ)] = False
    for section in timeline["sections"]:
        alone[round(section["start_s"] * RATE_HZ):round((section["start_s"] + 1) * RATE_HZ)] = False
    assert alone.sum() > 30 * RATE_HZ
    ratio_db = 10 * np.log10(np.sum(loud[alone].astype(np.float64) ** 2)
                             / np.sum(quiet[alone].astype(np.float64) ** 2))
    assert ratio_db == pytest.approx(6.0, abs=0.5)
