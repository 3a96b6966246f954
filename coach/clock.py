"""Time, passed in. Two kinds, one protocol each:

- :class:`Clock`: monotonic seconds and a wait *until an absolute point* on that
  scale (``sleep_until``), never a sum of sleeps, so a late wake-up does not push
  every later cue back. The live walk, the text player and the daemon's loop wait
  on it; tests pass :class:`FakeClock`-like objects whose ``sleep_until`` just
  moves time forward.
- :class:`WallClock`: the current instant (timezone-aware) and the local time
  zone walks are set in. Dates ("today"), pubDates and schedules come from it.

The real ones are :class:`MonotonicClock` and :class:`SystemWallClock`; the
environment (:mod:`coach.env`) carries one of each.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timezone, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds and a wait until a given point on that scale."""

    def now(self) -> float: ...

    def sleep_until(self, at_s: float) -> None: ...


class WallClock(Protocol):
    """The current instant and the local time zone (which may change while running)."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    def zone(self) -> tzinfo:
        """The local time zone walks are set in."""
        ...


class MonotonicClock:
    """The real clock: ``time.monotonic`` seconds."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, at_s: float) -> None:
        while (left_s := at_s - time.monotonic()) > 0:
            time.sleep(left_s)


class SystemWallClock:
    """The computer's clock and time zone (a ZoneInfo when the system names one)."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def zone(self) -> tzinfo:
        fixed = datetime.now().astimezone().tzinfo
        assert fixed is not None
        return local_zoneinfo() or fixed


def local_now(wall: WallClock) -> datetime:
    """The wall clock's instant in its local zone."""
    return wall.now().astimezone(wall.zone())


def local_today(wall: WallClock) -> date:
    """Today's date where the walker is."""
    return local_now(wall).date()


def local_zoneinfo() -> tzinfo | None:
    """The system zone as a ZoneInfo (knows future DST changes), when it can be found."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ")
    if not name:
        try:
            link = os.readlink("/etc/localtime")
            name = link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else ""
        except OSError:
            name = ""
    try:
        return ZoneInfo(name.lstrip(":")) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None
