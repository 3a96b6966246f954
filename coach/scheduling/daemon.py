"""The walk daemon: start each scheduled walk at its time, in the foreground.

:class:`WalkDaemon` owns the loop that ``coach schedule run`` runs. Everything
outside comes in: the wall clock (due times, today), the monotonic clock the
loop waits on (``sleep_until`` an absolute point, never a sum of sleeps), the
function that starts a walk, where lines go, and who to ask about a missed
walk (``ask`` is None when there is nobody at a terminal). A test swaps fakes
for all of them and runs a day in milliseconds.

With ``export_to`` it plays nothing: each new day it writes that day's sessions
into the folder (:mod:`coach.scheduling.day_export`) and only announces the
times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coach.clock import Clock, WallClock, local_now, local_today
from coach.errors import CoachError
from coach.scheduling.scheduler import GRACE_S, MAX_WAIT_S, Firing, make_scheduler, serve
from coach.scheduling.schedules import WalkSchedule, scheduled_session

if TYPE_CHECKING:
    from coach.routines.model import Routine

OFFER_MISSED_H = 12.0  # a missed walk is offered again only this many hours after its time
#: The longest the missed-walk question waits for an answer (no answer: not started).
ASK_MAX_S = 300.0
#: How long before the next walk the question gives up, so that walk starts on time.
ASK_MARGIN_S = 10.0


@dataclass(frozen=True)
class DaemonIO:
    """Where the daemon's lines go, and who answers its question (None: nobody).

    ``ask(question, timeout_s)`` must give up after ``timeout_s`` (False): the
    loop waits on it, and the next walk is due after that."""

    say: Callable[[str], None]
    warn: Callable[[str], None]
    ask: Callable[[str, float], bool] | None = None


class WalkDaemon:
    """Acts on each schedule's due times; :meth:`run` loops until interrupted."""

    def __init__(self, entries: Sequence[WalkSchedule], wall: WallClock, clock: Clock, *,
                 start_walk: Callable[[Routine], object], io: DaemonIO,
                 export_to: Path | None = None, grace_s: float = GRACE_S,
                 max_wait_s: float = MAX_WAIT_S) -> None:
        self.entries = list(entries)
        self.wall = wall
        self.clock = clock
        self.start_walk = start_walk
        self.say = io.say
        self.warn = io.warn
        self.ask = io.ask
        self.export_to = export_to
        self.max_wait_s = max_wait_s
        self.exported_days: set[date] = set()
        self.scheduler = make_scheduler(self.entries, wall, self.on_fire, self.on_missed,
                                        grace_s)

    def run(self) -> None:
        """Loop until KeyboardInterrupt (which propagates to the caller)."""
        serve(self.scheduler, self.clock, self.keep_going, self.max_wait_s)

    def keep_going(self) -> bool:
        """Before each look: export a new day's sessions when exporting."""
        today = local_today(self.wall)
        if self.export_to is not None and today not in self.exported_days:
            self.exported_days.add(today)
            from coach.scheduling.day_export import export_day

            for path in export_day(self.entries, today, self.export_to, self.warn):
                self.say(f"Wrote {path}")
        return True

    def on_fire(self, firing: Firing) -> None:
        line = f"{local_now(self.wall):%H:%M} Time for {firing.schedule.routine} " \
               f"({firing.schedule.id})"
        if self.export_to is not None:
            self.say(f"{line}.")
            return
        self.start_safely(firing.schedule, line)

    def on_missed(self, firing: Firing) -> None:
        hours = firing.late_s / 3600
        self.say(f"{local_now(self.wall):%H:%M} Missed {firing.schedule.routine} due "
                 f"{firing.due:%a %H:%M} ({_ago(firing.late_s)}; the computer was probably "
                 "asleep).")
        if (self.export_to is None and self.ask is not None and hours < OFFER_MISSED_H
                and self.ask("Start it now?", self.answer_within_s())):
            self.start_safely(firing.schedule, f"{local_now(self.wall):%H:%M} Starting "
                              f"{firing.schedule.routine} ({firing.schedule.id})")

    def answer_within_s(self) -> float:
        """How long the missed-walk question may wait: until shortly before the next
        walk is due, at most :data:`ASK_MAX_S` (it blocked the loop without a limit)."""
        idle = self.scheduler.idle_seconds
        until_next = ASK_MAX_S if idle is None else idle - ASK_MARGIN_S
        return max(1.0, min(ASK_MAX_S, until_next))

    def start_safely(self, entry: WalkSchedule, line: str) -> None:
        """Say ``line`` with which session ``entry`` plays today
        (:func:`scheduled_session`), then start it; one failing session never stops
        the daemon."""
        try:
            chosen = scheduled_session(entry, self.entries, local_today(self.wall))
        except CoachError as err:
            self.say(f"{line}.")
            self.warn(f"coach: {err}")
            return
        self.say(f"{line}: {chosen.what}.")
        try:
            outcome = self.start_walk(chosen.routine)
            if getattr(outcome, "ended_reason", None) == "interrupted":  # the first Ctrl-C
                self.say("Back to waiting for the next walk; Ctrl-C again to quit.")
        except CoachError as err:
            self.warn(f"coach: {err}")
        except Exception as err:  # noqa: BLE001 - a bug in one session must not stop the daemon
            self.warn(f"coach: the {entry.routine} session failed: {type(err).__name__}: "
                      f"{err}")


def _ago(late_s: float) -> str:
    """``40 min ago`` under two hours (``0.0 h`` said nothing), else ``3.5 h ago``."""
    if late_s < 2 * 3600:
        return f"{max(1, round(late_s / 60))} min ago"
    return f"{late_s / 3600:.1f} h ago"
