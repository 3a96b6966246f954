"""Exports voiced by the real Piper "joe" voice (the `voice` extra; skipped without it).

The MP3 is decoded by miniaudio (dr_mp3, not our encoder) and measured with
pyloudnorm: its length, every cue's onset against its ``at_s``, -16 LUFS integrated
and a true peak under -1 dBTP (checked at 8x with scipy's resampler, not our filter).
A broken or missing voice file (model or config gone, a dangling link) is one line
naming the file and exit 1; a voice name with no file at all (a typo) exit 2.
"""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from coach.audio.render import SessionRenderer
from coach.export.writer import write_session
from coach.speech.piper_engine import piper_installed, piper_voices, user_voices_dir
from tests.audiotest import RATE_HZ, SHORT_ROUTINE, decode
from tests.export.test_writer import onset_errors_s

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not piper_installed(),
                                 reason="the `voice` extra (piper-tts) is not installed")]


@pytest.fixture(scope="module")
def piper_export(tmp_path_factory):
    """A short routine in Piper's voice, exported as `coach export` does by default: with
    chimes and ticks, no metronome (a steady click track 10 LU under the speech would
    pull a mostly quiet session's integrated loudness down towards its own)."""
    from coach.routines.library import resolve_routine
    from coach.session import prepare_session

    folder = tmp_path_factory.mktemp("piper")
    source = folder / "short.yaml"
    source.write_bytes(SHORT_ROUTINE)
    routine = resolve_routine(str(source))
    piper = dataclasses.replace(routine.speech, engine="piper")
    r = prepare_session(routine, piper).renderer
    return r, write_session(r, folder / "short.mp3")


def true_peak_dbtp(x: np.ndarray) -> float:
    return 20 * math.log10(float(np.max(np.abs(resample_poly(x.astype(np.float64), 8, 1)))))


def test_a_piper_export_has_the_timeline_length_and_every_cue_on_time(piper_export):
    r, path = piper_export
    audio = decode(path)
    assert abs(len(audio) / RATE_HZ - r.timeline.duration_s) <= 0.05
    speech_only = SessionRenderer(r.timeline, r._clip_for, RATE_HZ, cue_sounds=False)
    bare = write_session(speech_only, path.with_name("speech-only.mp3"))
    errors = onset_errors_s(decode(bare), speech_only)
    assert len(errors) == len(r.timeline.cues) >= 5
    assert max(abs(e) for e in errors) <= 0.030, errors
    assert all(cue.speech_s > 0.3 for cue in r.timeline.cues)  # Piper's measured lengths


def test_a_piper_export_is_at_minus_16_lufs_with_the_true_peak_under_minus_1(piper_export):
    _r, path = piper_export
    audio = decode(path)
    lufs = pyloudnorm.Meter(RATE_HZ).integrated_loudness(audio.astype(np.float64))
    assert lufs == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(audio) <= -1.0


def _voice_pair(name: str) -> None:
    folder = user_voices_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx.json").write_text(piper_voices()[0].config.read_text())


@pytest.mark.parametrize(("damage", "code", "says"), [
    ("truncated", 1, "coach: broken Piper voice 'hurt': cannot load {model}"),
    ("dangling link", 1, "coach: broken Piper voice 'hurt': its model file {model} is a "
                         "link to {gone}, which is not there"),
    ("model gone", 1, "coach: broken Piper voice 'hurt': its model file {model} is missing"),
    ("config gone", 1, "coach: broken Piper voice 'hurt': its config file {model}.json "
                       "is missing"),
    # a name with no file at all is a typo: a usage error that suggests the nearest
    ("typo", 2, "coach: unknown Piper voice 'hurtt' (see `coach voices --engine piper`; "
                "espeak voices need --engine espeak); did you mean 'hurt'?")])
def test_a_missing_or_broken_voice_file_is_one_line_and_no_file(tmp_path, damage, code, says):
    _voice_pair("hurt")
    model = user_voices_dir() / "hurt.onnx"
    gone = tmp_path / "gone.onnx"
    if damage == "dangling link":
        model.symlink_to(gone)  # listed beside its config, but not there
    elif damage == "truncated":
        model.write_bytes(piper_voices()[0].model.read_bytes()[:4096])
    elif damage == "config gone":
        model.symlink_to(piper_voices()[0].model)
        model.with_name("hurt.onnx.json").unlink()
    elif damage == "typo":
        model.symlink_to(piper_voices()[0].model)
    env = dict(os.environ, COACH_ENGINE="piper")
    voice = "hurtt" if damage == "typo" else "hurt"
    done = subprocess.run([sys.executable, "-m", "coach", "export", "flare-up", "--voice",
                           voice, "-o", str(tmp_path / "out.mp3")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.strip().splitlines() if ln.startswith("coach:")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(says.format(model=model, gone=gone)), done.stderr
    assert not (tmp_path / "out.mp3").exists()
