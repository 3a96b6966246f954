"""Loudness: pyloudnorm's BS.1770 measure, true peaks, the limiter, levels, real exports.

True peaks are checked with scipy's polyphase resampler at 8x, independent of the
module's own 4x filter; exports are decoded by miniaudio.
"""

from __future__ import annotations

import dataclasses
import math

import miniaudio
import numpy as np
import pytest
from scipy.signal import resample_poly

from coach.audio import loudness
from coach.audio.cuesounds import CueSounds
from coach.audio.encoder import to_pcm16
from coach.audio.loudness import (
    CEILING_DBTP,
    SPEECH_LUFS,
    TRUE_PEAK_DBTP,
    Levels,
    db_gain,
    limit,
    limiter_reach,
    loudness_lufs,
    normalise,
    normalised_pcm,
)
from tests.audiotest import RATE_HZ


def independent_true_peak_dbtp(x: np.ndarray) -> float:
    return 20 * math.log10(float(np.max(np.abs(resample_poly(x.astype(np.float64), 8, 1)))))


def peaky(seconds: float = 2.0, seed: int = 3) -> np.ndarray:
    """A speech-like test signal: a buzzy tone in syllables with sharp clicks on top."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
    voice = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    syllables = np.clip(np.sin(2 * np.pi * 3 * t), 0, None)
    x = 0.05 * voice * syllables
    x[rng.integers(0, len(x), 30)] += 0.6
    return x.astype(np.float32)


def test_a_sine_measures_as_bs1770_says():
    t = np.arange(30 * RATE_HZ) / RATE_HZ  # long: the blocks at its edges hardly count
    sine = 0.5 * np.sin(2 * np.pi * 997 * t)  # a 0 dBFS sine is -3.01 LUFS
    assert loudness_lufs(sine, RATE_HZ) == pytest.approx(-3.01 + 20 * math.log10(0.5), abs=0.1)
    assert loudness_lufs(np.zeros(100), RATE_HZ) == -math.inf


@pytest.mark.parametrize("target", [SPEECH_LUFS, -22.0])
def test_normalise_reaches_the_target_under_the_ceiling(target):
    x = peaky()
    assert independent_true_peak_dbtp(x * db_gain(target - loudness_lufs(x, RATE_HZ))) > 0
    out = normalise(x, RATE_HZ, target)
    assert loudness_lufs(out, RATE_HZ) == pytest.approx(target, abs=0.1)
    assert independent_true_peak_dbtp(out) <= CEILING_DBTP + 0.3
    assert len(out) == len(x)


def test_phrases_of_different_levels_come_out_alike():
    quiet, loud = peaky(1.0, 1) * 0.05, peaky(3.0, 2) * 1.5
    levels = [loudness_lufs(normalise(x, RATE_HZ, SPEECH_LUFS), RATE_HZ) for x in (quiet, loud)]
    assert levels == pytest.approx([SPEECH_LUFS] * 2, abs=0.1)


def test_the_limiter_keeps_the_ceiling_and_the_same_gain_in_any_cut():
    x = peaky(3.0) * 3
    attack, hold, reach = limiter_reach(RATE_HZ)
    whole = limit(x, np.abs(x), 0.5, attack, hold)
    assert np.max(np.abs(whole)) <= 0.5 + 1e-6
    assert np.all(np.abs(whole) <= np.abs(x) + 1e-6)  # only ever turned down
    for a, b in ((0, 5000), (12_345, 30_000), (40_000, len(x))):
        lo, hi = max(0, a - reach), min(len(x), b + reach)
        part = limit(x[lo:hi], np.abs(x[lo:hi]), 0.5, attack, hold)[a - lo:b - lo]
        np.testing.assert_allclose(part, whole[a:b], atol=1e-6)
    quiet = x * 0.01
    assert limit(quiet, np.abs(quiet), 0.5, attack, hold) is quiet  # nothing to do


def test_one_measured_gain_is_kept_for_every_level_and_remade_when_damaged(tmp_path):
    x = peaky()
    first = normalised_pcm(x, RATE_HZ, SPEECH_LUFS, tmp_path)
    files = list(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".gain"] and first.dtype == np.int16
    np.testing.assert_array_equal(first, to_pcm16(normalise(x, RATE_HZ, SPEECH_LUFS)))
    np.testing.assert_array_equal(normalised_pcm(x, RATE_HZ, SPEECH_LUFS, tmp_path), first)
    files[0].write_bytes(b"not a number")
    np.testing.assert_array_equal(normalised_pcm(x, RATE_HZ, SPEECH_LUFS, tmp_path), first)
    quieter = normalised_pcm(x, RATE_HZ, SPEECH_LUFS - 6, tmp_path)
    assert len(list(tmp_path.iterdir())) == 1  # another level, the same measurement
    assert loudness_lufs(quieter / 32768, RATE_HZ) == pytest.approx(SPEECH_LUFS - 6, abs=0.02)
    files[0].write_text("-40.0")  # the stored gain is what is used: no measuring again
    assert np.max(np.abs(normalised_pcm(x, RATE_HZ, SPEECH_LUFS, tmp_path))) < 0.3 * np.max(
        np.abs(first))


def test_a_stored_gain_levels_without_pyloudnorm(tmp_path):
    """Once measured, levelling a phrase and the cue sounds needs no pyloudnorm or scipy."""
    import subprocess
    import sys

    x = peaky()
    normalised_pcm(x, RATE_HZ, SPEECH_LUFS, tmp_path)
    loudness.level_gain(x, RATE_HZ, SPEECH_LUFS, tmp_path)
    np.save(tmp_path / "x.npy", x)
    code = (
        "import sys, numpy as np\n"
        "from coach.audio import loudness\n"
        f"folder = __import__('pathlib').Path({str(tmp_path)!r})\n"
        "x = np.load(folder / 'x.npy')\n"
        f"loudness.normalised_pcm(x, {RATE_HZ}, -22.0, folder)\n"
        f"loudness.level_gain(x, {RATE_HZ}, -20.0, folder)\n"
        "print(sorted(m for m in ('pyloudnorm', 'scipy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_cue_sounds_sit_at_their_levels_relative_to_the_speech():
    from coach.audio.render import _levelled

    sounds = CueSounds.load(RATE_HZ)
    for levels in (Levels(), Levels(volume=0.5, metronome_lu=-4.0)):
        set_ = _levelled(sounds, levels)
        assert loudness_lufs(set_.chime, RATE_HZ) == pytest.approx(
            levels.speech_lufs + levels.chime_lu, abs=0.1)
        assert loudness_lufs(set_.tick, RATE_HZ) == pytest.approx(
            levels.speech_lufs + levels.tick_lu, abs=0.1)
        period = round(60 * RATE_HZ / loudness.METRONOME_REFERENCE_SPM)
        track = np.zeros(20 * RATE_HZ, np.float32)
        for at in range(0, len(track) - len(set_.step), period):
            track[at:at + len(set_.step)] += set_.step
        assert loudness_lufs(track, RATE_HZ) == pytest.approx(
            levels.speech_lufs + levels.metronome, abs=0.3)
        assert independent_true_peak_dbtp(set_.step) < CEILING_DBTP  # no limiting needed


def decode(path) -> np.ndarray:
    decoded = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                    nchannels=1, sample_rate=RATE_HZ)
    return np.frombuffer(decoded.samples, np.float32)


@pytest.mark.slow
def test_an_export_is_at_minus_16_lufs_under_minus_1_dbtp_and_volume_moves_it(tmp_path):
    """The real engine, the real encoder, miniaudio decoding; --volume 0.5 is 6 dB down."""
    from coach.export.batch import ExportOptions, export_routines, export_target
    from coach.routines.library import resolve_routine

    routine = resolve_routine("flare-up")
    measured = {}
    for volume in (1.0, 0.5, 0.05):
        out = tmp_path / f"v{volume}.mp3"
        options = ExportOptions(speech=lambda s, v=volume: dataclasses.replace(s, volume=v))
        export_routines([routine], export_target(str(out), None, 64, None), options)
        x = decode(out)
        measured[volume] = loudness_lufs(x, RATE_HZ)
        if volume == 1.0:
            assert independent_true_peak_dbtp(x) <= TRUE_PEAK_DBTP
    assert measured[1.0] == pytest.approx(SPEECH_LUFS, abs=0.5)
    assert measured[1.0] - measured[0.5] == pytest.approx(6.02, abs=0.3)
    assert measured[1.0] - measured[0.05] == pytest.approx(26.0, abs=0.5)  # not silent
