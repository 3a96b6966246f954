"""Walking minutes against session minutes for every session of a programme's first
weeks (issue 11.5): the plan's walking minutes, the walking and whole-session minutes
of the compiled session (speech timed by words per minute), then `coach progress` for a
walker who walked every session to the end as planned.

    .venv/bin/python scripts/minutes_table.py [--minutes 5] [--days 3] [--weeks 4]

Uses a temporary COACH_HOME; prints only.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.programme.history import History
    from coach.programme.plan import PlannedSession


class InstantClock:
    """A clock whose waits take no time: the walks run in milliseconds."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep_until(self, at_s: float) -> None:
        self.t = max(self.t, at_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--figure-8", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        table(args, Path(home))


def walk_as_planned(sessions: Sequence[PlannedSession], hist: History) -> None:
    """Walk each session to the end (as text, at noon of its day, pain 2 before and
    after) through :func:`coach.live.walk.walk_routine`, recorded in ``hist``."""
    from coach.live.walk import WalkIO, WalkOptions, walk_routine

    for s in sessions:
        assert s.day is not None
        when = datetime.combine(s.day, time(12), timezone.utc)
        walk_routine(s.routine, WalkOptions(text=True, estimate=True, pain_before=2,
                                            pain_after=2),
                     WalkIO(clock=InstantClock(), out=io.StringIO(), history=hist,
                            now=lambda when=when: when))


def table(args: argparse.Namespace, home: Path) -> None:
    from coach.programme.history import History
    from coach.programme.minutes import still_techniques, walking_s
    from coach.programme.plan import make_state, upcoming_sessions
    from coach.programme.progress import format_table, weekly_progress
    from coach.routines.library import load_techniques
    from coach.session import session_timeline

    start = date(2026, 3, 2)
    state = make_state(args.minutes, args.days, args.figure_8, start)
    still = still_techniques(load_techniques())
    print("| week | date | session | plan walking min | compiled walking min | "
          "session min |")
    print("|---|---|---|---|---|---|")
    sessions = upcoming_sessions(state, [], start, args.weeks)
    with History(home / "history.sqlite3") as hist:
        for s in sessions:
            assert s.day is not None
            timeline, _ = session_timeline(s.routine, estimate=True)
            print(f"| {s.week} | {s.day:%a %d %b} | {s.routine.title} | {s.walk_min:g} | "
                  f"{walking_s(timeline.sections, still) / 60:g} | "
                  f"{timeline.duration_s / 60:.2f} |")
        walk_as_planned(sessions, hist)
        records = hist.sessions()
    print("\n`coach progress` for a walker who walked each session above to the end:\n")
    print(format_table(weekly_progress(state, records, start + timedelta(days=7 * args.weeks
                                                                          - 1))))


if __name__ == "__main__":
    main()
