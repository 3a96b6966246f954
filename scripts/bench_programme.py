"""Print how fast the programme side is: history writes/reads, scheduler, plan, progress,
and `coach export --program --weeks N` serial vs parallel vs a second identical run.

Run: python scripts/bench_programme.py [--export-weeks N] [--engine espeak|piper]
(numbers only; nothing fails on timing). The export part runs the real CLI in
subprocesses on a scratch COACH_HOME (a 10-minute, 5-day plan), after one run that
warms the phrase cache; CPU is the children's user+sys from getrusage.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from coach.programme.history import History, WalkRecord
from coach.programme.plan import make_state, upcoming_sessions
from coach.programme.progress import weekly_progress
from coach.scheduling.scheduler import make_scheduler
from coach.scheduling.schedules import WalkSchedule, parse_days


def timed(label: str, fn, n: int = 1) -> float:
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    print(f"{label:<48} {took * 1000:9.1f} ms   ({took / n * 1e6:9.1f} us each, n={n})")
    return took


class Clock:
    def __init__(self, instant: datetime):
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def zone(self) -> ZoneInfo:
        return ZoneInfo("Europe/London")


def export_runs(weeks: int, engine: str) -> None:
    """Serial (--jobs 1), parallel (default: one per core), then the parallel run again
    (nothing changed: every file skipped); wall, CPU (user+sys)/wall, speed-up."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, COACH_HOME=str(Path(tmp) / "home"), COACH_ENGINE=engine)
        coach = [sys.executable, "-m", "coach"]

        def run(*args: str) -> tuple[float, float]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([*coach, *args], env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return wall, cpu

        run("plan", "--minutes", "10", "--days", "5", "--no-figure-8", "--no-red-flags")
        out = Path(tmp) / "out"
        export = ("export", "--program", "--weeks", str(weeks), "-o")
        warm = run(*export, str(out / "warm"))  # synthesises every phrase once
        shutil.rmtree(out / "warm")
        cores = len(os.sched_getaffinity(0))
        print(f"export --program --weeks {weeks}, {engine}, {cores} cores, load "
              f"{os.getloadavg()[0]:.1f} at start; cache-warming run {warm[0]:.1f} s")
        rows = [("serial (--jobs 1)", run(*export, str(out / "serial"), "--jobs", "1")),
                ("parallel (one per core)", run(*export, str(out / "parallel"))),
                ("second identical run", run(*export, str(out / "parallel")))]
        files = sum(1 for p in (out / "parallel").iterdir() if p.suffix == ".mp3")
        serial = rows[0][1][0]
        for label, (wall, cpu) in rows:
            print(f"{label:<26} {wall:8.1f} s wall  {cpu / wall:5.2f} CPU (user+sys)/wall"
                  f"  {serial / wall:6.2f}x vs serial")
        print(f"{files} files; load {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--export-weeks", type=int, default=8,
                        help="weeks of the programme export (0: skip it)")
    parser.add_argument("--engine", default="espeak", help="speech engine (COACH_ENGINE)")
    parser.add_argument("--only-export", action="store_true")
    args = parser.parse_args()
    if not args.only_export:
        programme_side()
    if args.export_weeks:
        export_runs(args.export_weeks, args.engine)


def programme_side() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
        records = [WalkRecord("week-1-walk", base + timedelta(days=i), 20, 20, True,
                              pain_before=2, pain_after=2) for i in range(365)]
        with History(Path(tmp) / "h.sqlite3") as hist:
            timed("history: 365 writes (one transaction each)",
                  lambda: [hist.record(r) for r in records], 365)
            timed("history: read 365 walks", hist.sessions, 1)
            stored = hist.sessions()
    state = make_state(6, 3, True, date(2026, 1, 1))
    timed("programme: upcoming_sessions, 16 weeks, empty", lambda: upcoming_sessions(
        state, [], date(2026, 1, 1), 16), 1)
    timed("programme: upcoming_sessions, 4 weeks, 365 walks", lambda: upcoming_sessions(
        state, stored, date(2027, 1, 1), 4), 1)
    timed("progress: weekly_progress over a year of walks", lambda: weekly_progress(
        state, stored, date(2026, 12, 31)), 1)

    entries = [WalkSchedule("m", "figure-8", datetime(2026, 1, 1, 7, 30).time()),
               WalkSchedule("e", "figure-8", datetime(2026, 1, 1, 19).time()),
               WalkSchedule("b", "brisk-30", datetime(2026, 1, 1, 18, 15).time(),
                            parse_days("mon,wed,fri"))]
    clock = Clock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    fired: list[object] = []
    sched = make_scheduler(entries, clock, fired.append, fired.append)
    ticks = 0

    def year() -> None:
        nonlocal ticks
        end = clock.instant + timedelta(days=30)
        while clock.instant < end:
            sched.run_pending()
            idle = sched.idle_seconds or 30.0
            clock.instant += timedelta(seconds=max(0.5, min(30.0, idle)))
            ticks += 1

    took = timed("scheduler: 30 simulated days, 30 s polling", year, 1)
    print(f"{'':<48} {ticks} ticks, {len(fired)} walks, {took / ticks * 1e6:.1f} us per tick")


if __name__ == "__main__":
    main()
