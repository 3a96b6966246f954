"""The fake clocks the scheduling tests share: a wall clock that jumps over suspended
spans and changes zone, and the monotonic view of it the loops wait on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


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
    def monotonic(self) -> FakeMonotonic:
        return FakeMonotonic(self)


@dataclass
class FakeMonotonic:
    """The monotonic clock beside a :class:`FakeWall` (a Clock): waiting until a point
    moves both; a suspended span moves only the wall clock, as on a real computer."""

    wall: FakeWall
    at_s: float = 0.0

    def now(self) -> float:
        return self.at_s

    def sleep_until(self, at_s: float) -> None:
        if at_s > self.at_s:
            self.at_s, wait_s = at_s, at_s - self.at_s
            self.wall.sleep(wait_s)
