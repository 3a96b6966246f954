"""Clip: trimming to the speech and band-limited resampling."""

from __future__ import annotations

import numpy as np
import pytest

from coach.audio.clip import SILENCE_LEVEL, Clip


def tone(freq_hz: float, seconds: float, rate_hz: int, amplitude: int = 10000) -> np.ndarray:
    t = np.arange(round(seconds * rate_hz)) / rate_hz
    return np.rint(amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.int16)


def test_trimmed_starts_and_ends_at_the_first_and_last_loud_sample():
    body = tone(440, 0.5, 22050)
    body[0], body[-1] = 2000, -2000
    padded = np.concatenate([np.zeros(300, np.int16), np.full(20, SILENCE_LEVEL, np.int16),
                             body, np.full(50, -SILENCE_LEVEL, np.int16)])
    trimmed = Clip(padded, 22050).trimmed()
    assert np.array_equal(trimmed.samples, body)
    assert trimmed.sample_rate_hz == 22050


def test_trimming_silence_leaves_nothing():
    assert len(Clip(np.zeros(1000, np.int16), 22050).trimmed().samples) == 0


@pytest.mark.parametrize(("src_hz", "dst_hz"), [(22050, 44100), (22050, 48000), (48000, 22050),
                                                (22050, 16000)])
def test_resampled_keeps_length_pitch_and_level(src_hz, dst_hz):
    clip = Clip(tone(440, 1.0, src_hz), src_hz)
    out = clip.resampled(dst_hz)
    assert out.sample_rate_hz == dst_hz
    assert out.samples.dtype == np.int16
    assert abs(out.duration_s - clip.duration_s) <= 1 / dst_hz
    spectrum = np.abs(np.fft.rfft(out.samples.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * dst_hz / len(out.samples)
    assert abs(peak_hz - 440) < 2
    rms_in = np.sqrt(np.mean(clip.samples.astype(np.float64) ** 2))
    rms_out = np.sqrt(np.mean(out.samples.astype(np.float64) ** 2))
    assert rms_out == pytest.approx(rms_in, rel=0.02)


def test_downsampling_drops_what_the_new_rate_cannot_hold():
    high = Clip(tone(10000, 0.5, 22050), 22050).resampled(16000)  # above 8 kHz Nyquist
    assert np.abs(high.samples.astype(np.int32)).max() < 200  # gone, not aliased to 6 kHz


def test_same_rate_is_the_same_clip():
    clip = Clip(tone(300, 0.1, 22050), 22050)
    assert clip.resampled(22050).samples is clip.samples
    assert clip.duration_s == pytest.approx(0.1)
