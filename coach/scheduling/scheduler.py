"""Walks at set wall-clock times: schedules, a Scheduler, missed runs.

A :class:`coach.scheduling.schedules.WalkSchedule` says "routine R at 07:30 on
these weekdays" in local wall-clock time. :class:`WalkScheduler` is a
``schedule.Scheduler`` holding one :class:`WalkJob` per schedule, but it never asks
the system clock: an injected :class:`coach.clock.WallClock` (``wall``) gives the
instant and the current time zone, and every due time is worked out in that zone
with :mod:`zoneinfo`. So a walk set for 07:30 stays at 07:30 across daylight-saving
changes and when the computer moves to another time zone.

The caller owns the loop: :meth:`WalkScheduler.run_pending` never sleeps and
:attr:`WalkScheduler.idle_seconds` says how long to wait. Each job remembers the
instant up to which it has been handled, so a due time is acted on at most once.
When :meth:`run_pending` finds a due time later than the grace window (the
computer slept through it), it reports it as missed instead of starting it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import schedule

from coach.clock import Clock, WallClock
from coach.scheduling.schedules import WalkSchedule

GRACE_S = 15 * 60.0
MAX_WAIT_S = 30.0  # a sleeping computer stops the waiting clock: look again often
#: A walk this late is on time whatever the grace: the loop's own wake-up takes a moment
#: (``--grace 0`` reported walks a fraction of a second late as missed).
ON_TIME_S = 5.0


@dataclass(frozen=True)
class Firing:
    """One due time, acted on: ``fired`` (start it now) or ``missed`` (too late)."""

    schedule: WalkSchedule
    due: datetime  # in the local zone at the time it was handled
    status: str
    late_s: float


# -- due times in wall-clock time ------------------------------------------------------

def local_due(day: date, at: time, zone: tzinfo) -> datetime:
    """``at`` on ``day`` in ``zone``. A time skipped by a DST change falls after the gap;
    a time that happens twice is taken the first time (fold 0)."""
    return datetime.combine(day, at, zone)  # zoneinfo reads a skipped time with the old offset


def due_times(entry: WalkSchedule, after: datetime, until: datetime,
              zone: tzinfo) -> Iterator[datetime]:
    """Every due time in ``(after, until]``, in order, as local datetimes."""
    after, until = after.astimezone(timezone.utc), until.astimezone(timezone.utc)
    day = after.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        if day.weekday() in entry.days:
            due = local_due(day, entry.at, zone)
            if after < due <= until:
                yield due
        day += timedelta(days=1)


def next_due(entry: WalkSchedule, after: datetime, zone: tzinfo) -> datetime:
    return next(due_times(entry, after, after + timedelta(days=8), zone))


class WalkJob(schedule.Job):
    """A schedule.Job whose due time comes from :func:`next_due`, never from the OS clock."""

    def __init__(self, entry: WalkSchedule, scheduler: WalkScheduler):
        super().__init__(1, scheduler)
        self.unit = "days"
        self.at_time = entry.at
        self.entry = entry
        self.tags.add(entry.id)
        self.handled_until = scheduler.wall.now()
        self.job_func = None  # the scheduler's callbacks act; see WalkScheduler
        self._wall = scheduler.wall
        self._schedule_next_run()

    def _schedule_next_run(self) -> None:
        due = next_due(self.entry, self.handled_until, self._wall.zone())
        self.next_run = due.astimezone(timezone.utc)

    @property
    def should_run(self) -> bool:
        assert self.next_run is not None
        return self._wall.now() >= self.next_run

    def __repr__(self) -> str:
        return f"WalkJob({self.entry.describe()}, next {self.next_run})"


class WalkScheduler(schedule.Scheduler):
    """Holds one :class:`WalkJob` per schedule; see the module docstring."""

    def __init__(self, wall: WallClock, on_fire: Callable[[Firing], None],
                 on_missed: Callable[[Firing], None], grace_s: float = GRACE_S):
        super().__init__()
        self.wall = wall
        self.on_fire = on_fire
        self.on_missed = on_missed
        self.grace_s = grace_s

    def add(self, entry: WalkSchedule) -> WalkJob:
        job = WalkJob(entry, self)
        self.jobs.append(job)
        return job

    def run_pending(self) -> list[Firing]:  # type: ignore[override]
        """Act on every due time since the last call; returns what was done."""
        now = self.wall.now()
        zone = self.wall.zone()
        done: list[Firing] = []
        for job in sorted(self.walk_jobs()):
            dues = list(due_times(job.entry, job.handled_until, now, zone))
            job.handled_until = max(job.handled_until, now)
            for i, due in enumerate(dues):
                late_s = (now - due).total_seconds()
                last = i == len(dues) - 1
                on_time = late_s <= max(self.grace_s, ON_TIME_S)
                firing = Firing(job.entry, due, "fired" if last and on_time else "missed",
                                late_s)
                done.append(firing)
            job._schedule_next_run()
        for firing in sorted(done, key=lambda f: f.due.astimezone(timezone.utc)):
            if firing.status == "fired":
                for job in self.walk_jobs():
                    if job.entry == firing.schedule:
                        job.last_run = now
                self.on_fire(firing)
            else:
                self.on_missed(firing)
        return done

    def walk_jobs(self) -> list[WalkJob]:
        return [job for job in self.jobs if isinstance(job, WalkJob)]

    @property
    def idle_seconds(self) -> float | None:
        nxt = self.next_run
        return None if nxt is None else (nxt - self.wall.now()).total_seconds()


def make_scheduler(entries: Sequence[WalkSchedule], wall: WallClock,
                   on_fire: Callable[[Firing], None], on_missed: Callable[[Firing], None],
                   grace_s: float = GRACE_S) -> WalkScheduler:
    scheduler = WalkScheduler(wall, on_fire, on_missed, grace_s)
    for entry in entries:
        scheduler.add(entry)
    return scheduler


def wait_s(scheduler: WalkScheduler, max_wait_s: float = MAX_WAIT_S) -> float:
    """How long to wait before the next look: until the next due time, but at most
    ``max_wait_s`` (a sleeping computer stops the waiting clock) and at least 0.5 s."""
    idle = scheduler.idle_seconds
    return max(0.5, max_wait_s if idle is None else min(max_wait_s, idle))


def serve(scheduler: WalkScheduler, clock: Clock, keep_going: Callable[[], bool],
          max_wait_s: float = MAX_WAIT_S) -> None:
    """The foreground loop: act on what is due, then wait on the monotonic ``clock``
    until an absolute point (at most ``max_wait_s`` ahead)."""
    while keep_going():
        woke_s = clock.now()
        scheduler.run_pending()
        clock.sleep_until(woke_s + wait_s(scheduler, max_wait_s))
