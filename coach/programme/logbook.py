"""The walk log: a walk the walker reports (from `coach log`, later the phone page),
checked and written to the history as one row, and next-morning pain added to a walk.

One library call per action, so every way of logging writes exactly the same row.
Error messages name the `coach log` options the values come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.programme.history import History, WalkRecord

MAX_LOG_AGE_DAYS = 366  # a walk log is for recent walks, not a diary from years ago


@dataclass(frozen=True)
class LoggedWalk:
    """A walk as the walker reports it (every field as `coach log`'s option gives it)."""

    minutes: float | None
    planned: float | None
    when: str | None
    pain_before: int | None
    pain_after: int | None
    effort: str | None
    stopped: str | None
    flare: bool
    note: str


def parse_when(text: str, option: str, now: datetime, max_age_days: int | None = None
               ) -> datetime:
    """A date or date and time given to ``option``, read in ``now``'s time zone (the
    walker's); never later than ``now``.

    With ``max_age_days``, also never further back than that many days.
    """
    try:
        when = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise UsageError(f"{option} must look like 2026-03-02 or 2026-03-02 07:30, got {text!r}"
                         ) from None
    try:
        when = when if when.tzinfo is not None else when.replace(tzinfo=now.tzinfo)
        when.astimezone(timezone.utc)  # the history compares in UTC: it must exist there
        (when - timedelta(days=1)).astimezone(timezone.utc)  # and so must the day before
    except (ValueError, OverflowError):
        raise UsageError(f"{option} {text} is outside the dates coach can store") from None
    if when > now:
        raise UsageError(f"{option} {text} is in the future (now is {now:%Y-%m-%d %H:%M}); "
                         "log walks you have done")
    if max_age_days is not None and now - when > timedelta(days=max_age_days):
        raise UsageError(f"{option} {text} is more than a year ago (now is {now:%Y-%m-%d}); "
                         "log recent walks")
    return when


def check_minutes(value: float | None, option: str) -> None:
    from coach.programme.history import MAX_WALK_MIN

    if value is not None and not 0 <= value <= MAX_WALK_MIN:
        raise UsageError(f"{option} must be from 0 to {MAX_WALK_MIN} minutes, got {value:g}")


def check_routine_id(routine: str) -> None:
    """A routine coach knows, or one the programme made; else suggest the closest id."""
    from coach.programme.plan import is_programme_id
    from coach.routines.library import routine_ids
    from coach.routines.yamlsrc import suggest

    known = routine_ids()
    if routine in known or is_programme_id(routine):
        return
    hint = suggest(routine, known) or f"; known routines: {', '.join(sorted(known))}"
    raise UsageError(f"unknown routine {routine!r}{hint} "
                     "(programme walks are week-N-walk, flare-up, figure-8)")


def log_walk(hist: History, routine: str, logged: LoggedWalk, now: datetime,
             morning_pain: int | None = None) -> tuple[int, WalkRecord]:
    """Check a reported walk and write it to ``hist``; returns its id and the row.

    ``now`` is the walker's local time (the default start, and the limit: no
    walks in the future, none over a year ago).
    """
    from coach.programme.history import WalkRecord

    if logged.minutes is None:
        raise UsageError("give the minutes walked, e.g. `coach log gentle-start --minutes 8`")
    check_minutes(logged.minutes, "--minutes")
    check_minutes(logged.planned, "--planned")
    check_routine_id(routine)
    started_at = now if logged.when is None else parse_when(logged.when, "--when", now,
                                                              MAX_LOG_AGE_DAYS)
    stopped = logged.stopped
    rec = WalkRecord(routine=routine, started_at=started_at,
                     planned_min=logged.minutes if logged.planned is None else logged.planned,
                     walked_min=logged.minutes, completed=stopped is None,
                     ended_reason="flare-up" if logged.flare and not stopped else stopped,
                     pain_before=logged.pain_before, pain_after=logged.pain_after,
                     pain_next_morning=morning_pain, effort=logged.effort, note=logged.note)
    return hist.record(rec), rec


def add_morning_pain(hist: History, pain: int, walk_id: int | None = None) -> WalkRecord:
    """Add next-morning ``pain`` to walk ``walk_id`` (default: the last walk); the walk."""
    if walk_id is None:
        last = hist.last()
        if last is None or last.id is None:
            raise UsageError("no walks logged yet: log a walk first")
        walk_id = last.id
    hist.set_next_morning_pain(walk_id, pain)
    return hist.get(walk_id)
