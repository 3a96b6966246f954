"""Fakes for the live walk's tests: only the clock, the sound device and the keys.

Imported by tests/test_player.py and tests/test_text_player.py (kept out of
conftest.py to avoid merge conflicts with other areas).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ, Clip

SR = SAMPLE_RATE_HZ


class FakeClock:
    """Time moves only when someone sleeps; listeners follow it (the fake sink)."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.t = start_s
        self.listeners: list[Callable[[float], None]] = []
        self.sleeps = 0

    def now(self) -> float:
        return self.t

    def sleep_until(self, at_s: float) -> None:
        self.sleeps += 1
        if at_s > self.t:
            self.t = at_s
            for listener in self.listeners:
                listener(self.t)


class RecordingSink:
    """A sound device that pulls exactly as many samples as the clock has run."""

    description = "recording fake sink"
    latency_s = 0.05

    def __init__(self, clock: FakeClock, sample_rate_hz: int = SR, block: int = 4096) -> None:
        self.clock = clock
        self.sample_rate_hz = sample_rate_hz
        self.block = block
        self.blocks: list[np.ndarray] = []
        self.pulled = 0
        self.opened = self.closed = False
        self._pull: Callable[[int], np.ndarray] | None = None
        self._t0 = 0.0

    def open(self) -> None:
        self.opened = True

    def start(self, pull: Callable[[int], np.ndarray]) -> None:
        self._pull = pull
        self._t0 = self.clock.now()
        self.clock.listeners.append(self._advance)

    def _advance(self, t: float) -> None:
        target = round((t - self._t0) * self.sample_rate_hz)
        while self._pull is not None and self.pulled < target:
            n = min(self.block, target - self.pulled)
            block = self._pull(n)
            assert len(block) == n and block.dtype == np.float32
            self.blocks.append(block)
            self.pulled += n

    def raise_if_failed(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True
        self._pull = None

    @property
    def stream(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)


class ScriptedKeys:
    """Key presses at given clock times (seconds after ``origin_s``)."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]],
                 origin_s: float | None = None) -> None:
        self.clock = clock
        self.origin_s = clock.now() if origin_s is None else origin_s
        self.script = sorted(script)

    def poll(self) -> list[str]:
        due = [k for at, k in self.script if self.origin_s + at <= self.clock.now()]
        self.script = [(at, k) for at, k in self.script if self.origin_s + at > self.clock.now()]
        return due


@functools.cache
def tone_clip(text: str) -> Clip:
    """A stand-in for speech: a tone as long as the text would take to say."""
    n = round(0.06 * len(text) * SR) + 200
    freq = 200 + (sum(map(ord, text)) % 600)
    t = np.arange(n) / SR
    samples = (0.4 * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)
    samples[0] = 12000  # a clear first sample, so onsets are exact
    return Clip(samples, SR)


def tone_speech_s(text: str) -> float:
    return len(tone_clip(text).samples) / SR

