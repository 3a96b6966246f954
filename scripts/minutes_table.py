"""Walking minutes against session minutes for every session of a programme's first
weeks (issue 11.5): the plan's walking minutes, the walking and whole-session minutes
of the compiled session (speech timed by words per minute, or by the real voice with
--measured), then `coach progress` for a walker who walked every session to the end as
planned.

Its stretches too (issue 11.4): the holds said, in order ("Lunge L R" = left then
right), whether every one-sided stretch comes as a left/right pair, the shortest time
to move between two holds (from the end of one "And release." to the end of the next
instruction, where the next hold starts) and the compiler's warnings other than a cue
moved a little (what the user would see and cannot act on).

    .venv/bin/python scripts/minutes_table.py [--minutes 5] [--days 3] [--weeks 4]
        [--figure-8] [--measured]

Uses a temporary COACH_HOME; prints only.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from coach.compiler.timeline import Timeline
    from coach.programme.history import History
    from coach.programme.plan import PlannedSession
    from coach.routines.model import Technique


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
    parser.add_argument("--measured", action="store_true",
                        help="time speech with the real voice (slower) instead of words/min")
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


@dataclass(frozen=True)
class Hold:
    """One stretch hold as said: its name, its side (L, R, or "" for both) and when its
    instruction ends (the hold starts) and its release ends."""

    name: str
    side: str
    said_end_s: float
    release_end_s: float


def stretch_holds(timeline: Timeline, techniques: Mapping[str, Technique]) -> list[Hold]:
    """Every hold of the stretch sections of ``timeline``, in order."""
    from coach.routines.library import load_lines

    release = load_lines(timeline.language).release
    stretching = {i: techniques[s.technique] for i, s in enumerate(timeline.sections)
                  if s.technique in techniques and techniques[s.technique].stretches}
    cues = [c for c in timeline.cues if c.section in stretching]
    out: list[Hold] = []
    for i, cue in enumerate(cues):
        for stretch in stretching[cue.section].stretches:
            for k, text in enumerate(stretch.say):
                if not cue.text.endswith(text):
                    continue
                side = ("LR"[k] if getattr(stretch, "sided", False) and k < 2
                        else _side_named(text))
                end = next((c.at_s + c.speech_s for c in cues[i:] if c.text == release), 0.0)
                out.append(Hold(stretch.name, side, cue.at_s + cue.speech_s, end))
    return out


def _side_named(text: str) -> str:
    """L or R: the side a one-sided instruction names first ("" when it names none)."""
    words = [w.strip(".,:;").lower() for w in text.split()]
    sides = [w for w in words if w in ("left", "right")]
    return "" if not sides else sides[0][0].upper()


def in_pairs(holds: Sequence[Hold]) -> bool:
    """Every one-sided hold is followed at once by the other side of the same stretch."""
    sided = [h for h in holds if h.side]
    return len(sided) % 2 == 0 and all(
        a.name == b.name and (a.side, b.side) in (("L", "R"), ("R", "L"))
        for a, b in zip(sided[::2], sided[1::2], strict=True))


def _grouped(holds: Sequence[Hold]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for h in holds:
        if out and out[-1][0] == h.name:
            out[-1][1].append(h.side or "both")
        else:
            out.append((h.name, [h.side or "both"]))
    return out


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
          "session min | holds | pairs | shortest move s | warnings |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    sessions = upcoming_sessions(state, [], start, args.weeks)
    techniques = load_techniques()
    with History(home / "history.sqlite3") as hist:
        for s in sessions:
            assert s.day is not None
            timeline, _ = session_timeline(s.routine, estimate=not args.measured)
            holds = stretch_holds(timeline, techniques)
            said = "; ".join(f"{name} {' '.join(sides)}" for name, sides in _grouped(holds))
            moves = [b.said_end_s - a.release_end_s
                     for a, b in zip(holds, holds[1:], strict=False)]
            warned = [str(w) for w in timeline.warnings if w.action != "moved"]
            shortest = f"{min(moves):.1f}" if moves else "-"
            print(f"| {s.week} | {s.day:%a %d %b} | {s.routine.title} | {s.walk_min:g} | "
                  f"{walking_s(timeline.sections, still) / 60:g} | "
                  f"{timeline.duration_s / 60:.2f} | {said or '-'} | "
                  f"{'yes' if in_pairs(holds) else 'NO'} | {shortest} | "
                  f"{'; '.join(warned) or 'none'} |")
        walk_as_planned(sessions, hist)
        records = hist.sessions()
    print("\n`coach progress` for a walker who walked each session above to the end:\n")
    print(format_table(weekly_progress(state, records, start + timedelta(days=7 * args.weeks
                                                                          - 1))))


if __name__ == "__main__":
    main()
