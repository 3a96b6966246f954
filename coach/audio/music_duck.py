"""The music's ducking envelope: down by ``duck_db`` under every cue, smoothly.

The cues' spans are known before any sound is made (the timeline and the
clips' lengths), so the envelope looks ahead: the music starts going down
:data:`LEAD_S` before a cue's first sound and is fully down
:data:`LEAD_S` - :data:`ATTACK_S` before it, so the first syllable is heard
over ducked music; it stays down :data:`HOLD_S` after the cue's last sound,
then comes back over :data:`RELEASE_S`. Two cues closer than that (the next
one's attack would start before the release ends) are one ducked stretch: no
pumping between close cues. The ramps are raised cosines in dB.

:class:`DuckEnvelope` is a pure function of the sample index, so any cut into
blocks gives the same gains.
"""

from __future__ import annotations

import numpy as np

LEAD_S = 0.3
ATTACK_S = 0.25
HOLD_S = 0.15
RELEASE_S = 0.8


class DuckEnvelope:
    """The gain of the music at each sample, from the cues' (start, end) samples."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, duck_db: float, rate_hz: int):
        self.duck_db = duck_db
        self._lead = round(LEAD_S * rate_hz)
        self._attack = max(1, round(ATTACK_S * rate_hz))
        self._hold = round(HOLD_S * rate_hz)
        self._release = max(1, round(RELEASE_S * rate_hz))
        self.spans = merge_spans(starts, ends, self._lead + self._hold + self._release)
        # each ducked stretch, ramps included: [start - lead, end + hold + release)
        self._from = self.spans[:, 0] - self._lead
        self._to = self.spans[:, 1] + self._hold + self._release

    def gain(self, a: int, b: int) -> np.ndarray:
        """The music's gain over ``[a, b)`` (float32, 1 where nothing is said)."""
        out = np.ones((max(0, b - a), 1), np.float32)
        self.apply(out, a)
        return out[:, 0]

    def apply(self, music: np.ndarray, a: int) -> None:
        """Duck ``music`` (float32 ``(n, channels)``, starting at sample ``a``) in place.

        Only the ducked stretches are touched; inside one, only its two ramps are
        computed (the stretches never overlap: :func:`merge_spans` joined the close ones).
        """
        b = a + len(music)
        lo = int(np.searchsorted(self._to, a, side="right"))
        hi = int(np.searchsorted(self._from, b, side="left"))
        down = np.float32(10.0 ** (-self.duck_db / 20.0))
        for j in range(lo, hi):
            start, stop = int(self._from[j]), int(self._to[j])
            full_from, full_to = start + self._attack, int(self.spans[j, 1]) + self._hold
            if full_from > full_to:  # no flat stretch: the whole of it is ramps
                self._ramp(music, a, j, start, stop)
                continue
            self._ramp(music, a, j, start, full_from)
            i0, i1 = max(0, full_from - a), min(b - a, full_to - a)
            if i1 > i0:
                music[i0:i1] *= down
            self._ramp(music, a, j, full_to, stop)

    def _ramp(self, music: np.ndarray, a: int, j: int, lo: int, hi: int) -> None:
        """Multiply samples ``[lo, hi)`` (of stretch ``j``) of ``music`` by their gain."""
        lo, hi = max(lo, a), min(hi, a + len(music))
        if hi <= lo:
            return
        s, e = int(self.spans[j, 0]), int(self.spans[j, 1])
        x = np.arange(lo, hi, dtype=np.int64)
        up = np.clip((x - (s - self._lead)) / self._attack, 0.0, 1.0)
        down = np.clip((e + self._hold + self._release - x) / self._release, 0.0, 1.0)
        depth = np.minimum(_smooth(up), _smooth(down))
        gain = (10.0 ** (-self.duck_db * depth / 20.0)).astype(np.float32)
        music[lo - a:hi - a] *= gain[:, None]


def _smooth(x: np.ndarray) -> np.ndarray:
    """A raised-cosine ramp: 0 at 0, 1 at 1, flat at both ends."""
    out: np.ndarray = 0.5 - 0.5 * np.cos(np.pi * x)
    return out


def merge_spans(starts: np.ndarray, ends: np.ndarray, gap: int) -> np.ndarray:
    """``(start, end)`` rows of the sorted-by-start spans, with spans closer than ``gap``
    (or overlapping) joined: an int64 array of shape (n, 2)."""
    merged: list[list[int]] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if merged and s - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return np.array(merged, np.int64).reshape(-1, 2)
