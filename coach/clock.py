"""Time, passed in: the live walk and the text player wait on a :class:`Clock`.

Waits are always *until an absolute time* (``sleep_until``), never a sum of
sleeps, so a late wake-up does not push every later cue back. Tests pass a fake
clock whose ``sleep_until`` just moves time forward.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds and a wait until a given point on that scale."""

    def now(self) -> float: ...

    def sleep_until(self, at_s: float) -> None: ...


class MonotonicClock:
    """The real clock: ``time.monotonic`` seconds."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, at_s: float) -> None:
        while (left_s := at_s - time.monotonic()) > 0:
            time.sleep(left_s)
