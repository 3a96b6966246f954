"""A clip: mono int16 PCM in memory, with its sample rate.

Pure numpy, no engine: what the speech engines produce, the phrase cache
stores and the renderer mixes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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

    def trimmed(self, level: int = SILENCE_LEVEL) -> Clip:
        """The clip from its first to its last sample louder than ``level``."""
        loud = np.flatnonzero(np.abs(self.samples.astype(np.int32)) > level)
        if len(loud) == 0:
            return Clip(self.samples[:0], self.sample_rate_hz)
        return Clip(self.samples[loud[0]:loud[-1] + 1], self.sample_rate_hz)

    def resampled(self, sample_rate_hz: int) -> Clip:
        """The clip at another sample rate (band-limited, through the FFT)."""
        if sample_rate_hz == self.sample_rate_hz or len(self.samples) == 0:
            return Clip(self.samples, sample_rate_hz)
        n_in = len(self.samples)
        n_out = max(1, round(n_in * sample_rate_hz / self.sample_rate_hz))
        spectrum = np.fft.rfft(self.samples.astype(np.float64))
        keep = min(len(spectrum), n_out // 2 + 1)
        out = np.fft.irfft(spectrum[:keep], n=n_out) * (n_out / n_in)
        pcm = np.clip(np.rint(out), -32768, 32767).astype(np.int16)
        return Clip(pcm, sample_rate_hz)
