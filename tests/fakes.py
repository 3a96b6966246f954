"""The fakes tests share: only the clocks, the sound device, the keys, and a tone
standing in for speech. (Fixtures wrapping them are in tests/conftest.py.)

- :class:`FakeClock`: monotonic time that moves only when someone waits on it
  (``sleep_until``); listeners (the recording sink, a wall clock) follow it.
- :class:`FakeWall`: a wall clock (instant + zone) that jumps over suspended
  spans, changes zone, and can raise Ctrl-C at a set instant; ``.monotonic`` is
  the FakeClock beside it.
- :class:`RecordingSink`, :class:`ScriptedKeys`: the sound device and the keys.
- :func:`tone_clip`: a clip that depends only on its text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ, Clip

SR = SAMPLE_RATE_HZ
LONDON = ZoneInfo("Europe/London")


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


@dataclass
class FakeWall:
    """An instant that moves when the loop waits, and a zone (a WallClock)."""

    instant: datetime
    tz: tzinfo = LONDON
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)  # suspended spans
    zone_changes: list[tuple[datetime, tzinfo]] = field(default_factory=list)
    slept_s: list[float] = field(default_factory=list)
    stop_at: datetime | None = None  # Ctrl-C once the instant reaches this

    def now(self) -> datetime:
        return self.instant

    def zone(self) -> tzinfo:
        return self.tz

    def sleep(self, seconds: float) -> None:
        self.slept_s.append(seconds)
        end = self.instant + timedelta(seconds=seconds)
        for start, wake in self.gaps:
            if self.instant <= start < end:  # the lid closed during this wait
                end = wake
        for at, zone in self.zone_changes:
            if self.instant < at <= end:
                self.tz = zone
        self.instant = end
        if self.stop_at is not None and self.instant >= self.stop_at:
            raise KeyboardInterrupt

    @property
    def monotonic(self) -> FakeClock:
        """The monotonic clock beside this wall clock (a Clock): waiting until a
        point moves both; a suspended span moves only the wall clock, as on a
        real computer."""
        clock = FakeClock(start_s=0.0)
        last = [clock.now()]

        def follow(t: float) -> None:
            wait_s, last[0] = t - last[0], t
            self.sleep(wait_s)

        clock.listeners.append(follow)
        return clock


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
        self.starts: list[int] = []  # samples pulled before each start (it may start again)
        self._pull: Callable[[int], np.ndarray] | None = None
        self._t0 = 0.0

    def open(self) -> None:
        self.opened = True

    def start(self, pull: Callable[[int], np.ndarray]) -> None:
        self._pull = pull
        self._t0 = self.clock.now()
        self.starts.append(self.pulled)
        if self._advance not in self.clock.listeners:
            self.clock.listeners.append(self._advance)

    def _advance(self, t: float) -> None:
        target = self.starts[-1] + round((t - self._t0) * self.sample_rate_hz)
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
def tone_clip(text: str, sample_rate_hz: int = SR) -> Clip:
    """A stand-in for speech that depends only on ``text``: its length, pitch and
    level vary with it (uneven levels: the renderer evens them out), and its
    first sample is clearly non-zero, so an onset is exact to the sample."""
    n = round(sample_rate_hz * (0.3 + 0.03 * len(text)))
    t = np.arange(n) / sample_rate_hz
    freq = 180.0 + 7.0 * (sum(text.encode()) % 60)
    fade_out = np.minimum(1.0, (t[-1] - t) / 0.01)
    amp = 3000 + 250 * (len(text) % 20)
    samples = (np.cos(2 * np.pi * freq * t) * fade_out * amp).astype(np.int16)
    return Clip(samples, sample_rate_hz)


def tone_speech_s(text: str) -> float:
    """How long :func:`tone_clip` says ``text``: the compiler's timer for tone sessions."""
    return len(tone_clip(text).samples) / SR
