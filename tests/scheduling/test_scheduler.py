"""Scheduling with an injected clock: DST, sleep gaps, zone changes, storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import schedule

from coach.errors import UsageError
from coach.scheduling.scheduler import Firing, WalkScheduler, make_scheduler, serve
from coach.scheduling.schedules import (
    WalkSchedule,
    add_schedule,
    load_schedules,
    parse_days,
    parse_time,
    remove_schedule,
    save_schedules,
    schedules_path,
)
from tests.fakes import LONDON
from tests.fakes import FakeWall as FakeClock

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class Log:
    fired: list[tuple[str, datetime, datetime]] = field(default_factory=list)  # id, due, now
    missed: list[tuple[str, datetime, float]] = field(default_factory=list)

    def scheduler(self, clock: FakeClock, *entries: WalkSchedule) -> WalkScheduler:
        return make_scheduler(
            entries, clock,
            lambda f: self.fired.append((f.schedule.id, f.due.astimezone(UTC), clock.now())),
            lambda f: self.missed.append((f.schedule.id, f.due.astimezone(UTC), f.late_s)))


def run(clock: FakeClock, sched: WalkScheduler, until: datetime) -> None:
    serve(sched, clock.monotonic, lambda: clock.now() < until)


DAILY = tuple(range(7))
MORNING = WalkSchedule("morning", "figure-8", time(7, 30), DAILY)
EVENING = WalkSchedule("evening", "figure-8", time(19, 0), DAILY)
NIGHT = WalkSchedule("night", "gentle-start", time(1, 30), DAILY)  # happens twice on 25 Oct
MONDAY = WalkSchedule("monday", "brisk-30", time(10, 0), (0,))
SATURDAY = WalkSchedule("saturday", "heel-toe", time(13, 0), (5,))


@pytest.mark.slow
def test_48_hours_over_the_end_of_summer_time_with_a_6_hour_sleep() -> None:
    # Sat 24 Oct 2026 12:00 BST (11:00 UTC) to Mon 26 Oct 11:00 GMT; clocks go back at
    # 02:00 BST on Sunday 25 Oct. The computer sleeps 03:00-09:00 UTC on Monday and
    # for ten minutes over Saturday's 19:00 walk.
    start = utc(2026, 10, 24, 11)
    clock = FakeClock(start, gaps=[(utc(2026, 10, 26, 3), utc(2026, 10, 26, 9)),
                                   (utc(2026, 10, 24, 17, 55), utc(2026, 10, 24, 18, 5))])
    log = Log()
    sched = log.scheduler(clock, MORNING, EVENING, NIGHT, MONDAY, SATURDAY)
    assert isinstance(sched, schedule.Scheduler) and schedule.jobs == []
    run(clock, sched, start + timedelta(hours=48))

    # Worked out by hand: BST is UTC+1 until 25 Oct 01:00 UTC, then GMT = UTC.
    expected_fired = [
        ("saturday", utc(2026, 10, 24, 12, 0)),    # 13:00 BST
        ("evening", utc(2026, 10, 24, 18, 0)),     # 19:00 BST, 5 minutes late (asleep)
        ("night", utc(2026, 10, 25, 0, 30)),       # 01:30 BST, the first 01:30 only
        ("morning", utc(2026, 10, 25, 7, 30)),     # 07:30 GMT
        ("evening", utc(2026, 10, 25, 19, 0)),
        ("night", utc(2026, 10, 26, 1, 30)),
        ("monday", utc(2026, 10, 26, 10, 0)),
    ]
    assert [(i, due) for i, due, _ in log.fired] == expected_fired
    assert [(i, due) for i, due, _ in log.missed] == [("morning", utc(2026, 10, 26, 7, 30))]
    assert log.missed[0][2] == 90 * 60  # reported on waking, 1.5 hours late
    lateness = {(i, due): (now - due).total_seconds() for i, due, now in log.fired}
    assert lateness.pop(("evening", utc(2026, 10, 24, 18, 0))) == 300
    assert set(lateness.values()) == {0.0}  # everything else on the dot
    # each local wall-clock time is kept: all at HH:MM in London
    for i, due, _ in log.fired:
        entry = {e.id: e for e in (MORNING, EVENING, NIGHT, MONDAY, SATURDAY)}[i]
        assert due.astimezone(LONDON).time() == entry.at
    assert max(clock.slept_s) <= 30  # the loop looks again at least every 30 s


def test_spring_forward_gap_fires_once_after_the_gap() -> None:
    # 29 Mar 2026: 01:00 GMT jumps to 02:00 BST, so 01:30 never happens.
    clock = FakeClock(utc(2026, 3, 28, 12))
    log = Log()
    sched = log.scheduler(clock, NIGHT, MORNING)
    run(clock, sched, utc(2026, 3, 30, 12))
    assert [(i, due) for i, due, _ in log.fired] == [
        ("night", utc(2026, 3, 29, 1, 30)),   # 02:30 BST, just after the gap
        ("morning", utc(2026, 3, 29, 6, 30)),  # 07:30 BST
        ("night", utc(2026, 3, 30, 0, 30)),
        ("morning", utc(2026, 3, 30, 6, 30)),
    ]
    assert log.missed == []


@pytest.mark.parametrize("zone, expected", [
    # flying west: 07:30 in New York the same day is a new wall-clock morning
    ("America/New_York", [utc(2026, 6, 1, 6, 30), utc(2026, 6, 1, 11, 30),
                          utc(2026, 6, 2, 11, 30)]),
    # flying east: 07:30 in Tokyo on 1 June has already passed; never fired twice
    ("Asia/Tokyo", [utc(2026, 6, 1, 6, 30), utc(2026, 6, 1, 22, 30)]),
])
def test_a_time_zone_change_keeps_the_wall_clock_time(zone: str,
                                                      expected: list[datetime]) -> None:
    clock = FakeClock(utc(2026, 6, 1, 0), zone_changes=[(utc(2026, 6, 1, 8), ZoneInfo(zone))])
    log = Log()
    run(clock, log.scheduler(clock, MORNING), utc(2026, 6, 2, 12))
    assert [due for _, due, _ in log.fired] == expected
    assert all(now == due for _, due, now in log.fired)
    assert log.missed == []


def test_a_three_day_sleep_reports_each_missed_walk_and_fires_nothing_late() -> None:
    clock = FakeClock(utc(2026, 6, 1, 0), gaps=[(utc(2026, 6, 1, 1), utc(2026, 6, 4, 9))])
    log = Log()
    run(clock, log.scheduler(clock, MORNING), utc(2026, 6, 4, 10))
    assert [due.day for _, due, _ in log.missed] == [1, 2, 3, 4]
    assert log.fired == []


def test_within_the_grace_window_only_the_latest_fires() -> None:
    clock = FakeClock(utc(2026, 6, 1, 0), gaps=[(utc(2026, 6, 1, 1), utc(2026, 6, 2, 6, 40))])
    log = Log()
    run(clock, log.scheduler(clock, MORNING), utc(2026, 6, 2, 7))
    assert [due.day for _, due, _ in log.missed] == [1]
    assert [(due.day, (now - due).total_seconds()) for _, due, now in log.fired] == [(2, 600.0)]


def test_run_pending_acts_once_and_idle_seconds_counts_down() -> None:
    clock = FakeClock(utc(2026, 6, 1, 6))  # 07:00 BST
    log = Log()
    sched = log.scheduler(clock, MORNING)
    assert sched.idle_seconds == 30 * 60
    assert sched.run_pending() == []
    clock.instant = utc(2026, 6, 1, 6, 31)
    done = sched.run_pending()
    assert [(f.status, f.late_s) for f in done] == [("fired", 60.0)]
    assert sched.run_pending() == [] and len(log.fired) == 1  # never twice
    assert sched.idle_seconds == pytest.approx(24 * 3600 - 60)
    assert isinstance(done[0], Firing) and sched.jobs[0].last_run == clock.instant


def test_no_jobs_means_no_idle_time() -> None:
    clock = FakeClock(utc(2026, 6, 1, 6))
    assert Log().scheduler(clock).idle_seconds is None


def test_schedules_round_trip_through_yaml(coach_home: Path) -> None:
    assert load_schedules() == []
    entries = add_schedule([], "figure-8", time(7, 30))
    entries = add_schedule(entries, "figure-8", time(12, 0), parse_days("mon,wed,fri"))
    entries = add_schedule(entries, "routines/mine.yaml", time(18, 0), parse_days("weekends"))
    assert [e.id for e in entries] == ["figure-8-0730", "figure-8-1200", "mine-1800"]
    path = save_schedules(entries)
    assert path == schedules_path() == coach_home / "config" / "schedules.yaml"
    assert load_schedules() == entries
    assert "days: mon,wed,fri" in path.read_text()
    entries = remove_schedule(entries, "figure-8-0730")
    assert [e.id for e in entries] == ["figure-8-1200", "mine-1800"]
    with pytest.raises(UsageError, match="no schedule called 'nope'"):
        remove_schedule(entries, "nope")
    with pytest.raises(UsageError, match="already"):
        add_schedule(entries, "x", time(1, 0), schedule_id="mine-1800")


@pytest.mark.parametrize("text, days", [("daily", (0, 1, 2, 3, 4, 5, 6)), ("Weekdays", (0, 1, 2, 3, 4)),
                                        ("sun,mon", (0, 6)), ("tuesday, thu", (1, 3))])
def test_parse_days(text: str, days: tuple[int, ...]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "mo", "funday", "mon,xyz"])
def test_bad_days_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_days(text)


@pytest.mark.parametrize("text, ok", [("07:30", time(7, 30)), ("7:05", time(7, 5)),
                                      ("24:00", None), ("7.30", None), ("12:60", None)])
def test_parse_time(text: str, ok: time | None) -> None:
    if ok is None:
        with pytest.raises(UsageError, match="HH:MM"):
            parse_time(text)
    else:
        assert parse_time(text) == ok


def test_a_damaged_schedules_file_gives_a_clear_error(coach_home: Path) -> None:
    schedules_path().parent.mkdir(parents=True)
    schedules_path().write_text("schedules:\n  - id: x\n    at: 7\n")
    with pytest.raises(UsageError, match="cannot read the schedules"):
        load_schedules()
