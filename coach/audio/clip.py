"""A clip: mono int16 PCM in memory, with its sample rate; and the one resampler.

Pure numpy, no engine: what the speech engines produce, the phrase cache
stores and the renderer mixes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The one sample rate of every session: speech, cue sounds, renderer, device and files.
SAMPLE_RATE_HZ = 22050
#: Samples at or below this magnitude (about -54 dBFS) count as silence when trimming.
SILENCE_LEVEL = 64


@dataclass(frozen=True)
class Clip:
    """Mono int16 PCM in memory."""

    samples: np.ndarray
    sample_rate_hz: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate_hz

    def as_float(self) -> np.ndarray:
        """The samples as float32 in [-1, 1): the one int16 -> float conversion."""
        return np.asarray(self.samples, np.float32) / 32768.0

    def trimmed(self, level: int = SILENCE_LEVEL) -> Clip:
        """The clip from its first to its last sample louder than ``level``."""
        loud = np.flatnonzero(np.abs(self.samples.astype(np.int32)) > level)
        if len(loud) == 0:
            return Clip(self.samples[:0], self.sample_rate_hz)
        return Clip(self.samples[loud[0]:loud[-1] + 1], self.sample_rate_hz)

    def resampled(self, sample_rate_hz: int) -> Clip:
        """The clip at another sample rate (see :func:`resample`)."""
        return Clip(resample(self.samples, self.sample_rate_hz, sample_rate_hz), sample_rate_hz)


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """``samples`` at another rate: band-limited, through the FFT; the same dtype back.

    int16 in, int16 out (rounded and clipped); anything else comes back as
    float32. The same array when nothing needs doing.
    """
    samples = np.asarray(samples)
    is_pcm = samples.dtype == np.int16
    if not is_pcm and samples.dtype != np.float32:
        samples = samples.astype(np.float32)
    if from_hz == to_hz or len(samples) == 0:
        return samples
    n_in = len(samples)
    n_out = max(1, round(n_in * to_hz / from_hz))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(len(spectrum), n_out // 2 + 1)
    out = np.fft.irfft(spectrum[:keep], n=n_out) * (n_out / n_in)
    if is_pcm:
        return np.clip(np.rint(out), -32768, 32767).astype(np.int16)
    return out.astype(np.float32)
