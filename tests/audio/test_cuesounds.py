"""The packaged cue sounds: present, tiny, what the script makes, resampled on load."""

from __future__ import annotations

import wave
from importlib import resources

import numpy as np
import pytest

from coach.audio.clip import resample
from coach.audio.cuesounds import SOUND_NAMES, CueSounds, read_wav
from scripts import make_cue_sounds


def test_committed_sounds_are_what_the_script_makes(tmp_path):
    make_cue_sounds.main(tmp_path)
    for name in SOUND_NAMES:
        packaged, _ = read_wav(resources.files("audio_cues").joinpath(f"{name}.wav").read_bytes())
        made, _ = read_wav((tmp_path / f"{name}.wav").read_bytes())
        assert len(made) == len(packaged), name
        np.testing.assert_allclose(made, packaged, atol=1.5 / 32768)  # libm may differ by 1 LSB


def test_sounds_are_tiny_mono_16_bit_and_short():
    for name in SOUND_NAMES:
        with resources.as_file(resources.files("audio_cues").joinpath(f"{name}.wav")) as path:
            assert path.stat().st_size < 40_000
            with wave.open(str(path)) as w:
                assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
                assert w.getnframes() / w.getframerate() <= 0.6


def test_load_resamples_to_the_renderer_rate():
    base = CueSounds.load(22050)
    double = CueSounds.load(44100)
    for name in SOUND_NAMES:
        a, b = getattr(base, name), getattr(double, name)
        assert a.dtype == np.float32 and 0.1 < float(np.max(np.abs(a))) <= 0.5
        assert len(b) == pytest.approx(2 * len(a), abs=1)


def test_chime_fits_before_the_first_words_of_a_section():
    from coach.compiler.compile import CHIME_MS

    assert len(CueSounds.load(22050).chime) / 22050 < CHIME_MS / 1000


def test_resample_keeps_a_tone_a_tone():
    t = np.arange(1000) / 8000
    x = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    y = resample(x, 8000, 16000)
    assert len(y) == 2000
    np.testing.assert_allclose(y[::2], x, atol=1e-6)
    assert len(resample(x, 8000, 8000)) == 1000 and len(resample(x[:0], 8000, 16000)) == 0
