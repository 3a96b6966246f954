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
        depth = np.zeros(max(0, b - a), np.float64)
        lo = int(np.searchsorted(self._to, a, side="right"))
        hi = int(np.searchsorted(self._from, b, side="left"))
        t = np.arange(a, b, dtype=np.int64)
        for j in range(lo, hi):
            s, e = int(self.spans[j, 0]), int(self.spans[j, 1])
            i0, i1 = max(0, int(self._from[j]) - a), min(b - a, int(self._to[j]) - a)
            if i1 <= i0:
                continue
            x = t[i0:i1]
            up = np.clip((x - (s - self._lead)) / self._attack, 0.0, 1.0)
            down = np.clip((e + self._hold + self._release - x) / self._release, 0.0, 1.0)
            shape = np.minimum(_smooth(up), _smooth(down))
            np.maximum(depth[i0:i1], shape, out=depth[i0:i1])
        return (10.0 ** (-self.duck_db * depth / 20.0)).astype(np.float32)


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
