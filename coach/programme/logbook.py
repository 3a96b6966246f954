"""The walk log: a walk the walker reports (from `coach log`, later the phone page),
checked and written to the history as one row, and next-morning pain added to a walk;
each answered with the pain reaction and the programme's next decision
(:class:`LogResult`, from :func:`coach.programme.reaction.react`).

One library call per action, so every way of logging writes exactly the same row.
Error messages name the `coach log` options the values come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.programme.history import History, WalkRecord
    from coach.routines.lines import CoachLines

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


@dataclass(frozen=True)
class LogResult:
    """A saved walk and the programme's answer to it.

    ``id``: the history row's id (``coach history`` shows it; ``--id`` takes it).
    ``record``: the row as stored. ``advice``: the pain-reaction lines to show the
    walker (empty when the pain needs none). ``next``: one sentence on what the
    programme decides for the next walk, and why. ``spoken``: advice and decision in
    the coach's lines, to say aloud. All from :func:`coach.programme.reaction.react`.
    """

    id: int
    record: WalkRecord
    advice: tuple[str, ...]
    next: str
    spoken: tuple[str, ...] = ()


def log_walk(hist: History, routine: str, logged: LoggedWalk, now: datetime,
             morning_pain: int | None = None, lines: CoachLines | None = None) -> LogResult:
    """Check a reported walk, write it to ``hist`` as one row, and react to it.

    ``routine`` is a routine id, or a session id from ``coach plan``
    (``2026-03-02-walk``, ``2026-03-02-figure-8-morning``: see
    :mod:`coach.programme.upcoming`), which stands for that day's programme routine,
    starts the walk on that day unless ``logged.when`` is given, and plans its
    walking minutes unless ``logged.planned`` is. ``now`` is the walker's local time
    (the default start, and the limit: no walks in the future, none over a year
    ago). ``lines`` are the coach's lines for the advice (default: English).
    Returns a :class:`LogResult`; bad input is a UsageError and writes nothing.
    """
    from coach.programme.history import WalkRecord

    if logged.minutes is None:
        raise UsageError("give the minutes walked, e.g. `coach log gentle-start --minutes 8`")
    check_minutes(logged.minutes, "--minutes")
    check_minutes(logged.planned, "--planned")
    from coach.programme.today import PLAN_REF

    if routine == PLAN_REF:  # `plan`: today's main walk of the programme
        routine = f"{now.date().isoformat()}-walk"
    target = _session_target(hist, routine, now)
    if target is None:
        check_routine_id(routine)
        planned, default_start = logged.planned, now
    else:
        routine, default_start, walking = target
        planned = walking if logged.planned is None else logged.planned
    started_at = default_start if logged.when is None else parse_when(logged.when, "--when",
                                                                        now, MAX_LOG_AGE_DAYS)
    stopped = logged.stopped
    rec = WalkRecord(routine=routine, started_at=started_at,
                     planned_min=logged.minutes if planned is None else planned,
                     walked_min=logged.minutes, completed=stopped is None,
                     ended_reason="flare-up" if logged.flare and not stopped else stopped,
                     pain_before=logged.pain_before, pain_after=logged.pain_after,
                     pain_next_morning=morning_pain, effort=logged.effort, note=logged.note)
    new_id = hist.record(rec)
    return reaction_to(hist, hist.get(new_id), now, lines)


def add_morning_pain(hist: History, pain: int, walk_id: int | None = None,
                     now: datetime | None = None, lines: CoachLines | None = None
                     ) -> LogResult:
    """Add next-morning ``pain`` to walk ``walk_id`` (default: the last walk) and react
    to it as to a finished walk (a morning worse than before the walk, or pain of 7
    or more, gets the advice). ``now`` (default: the walk's own start) is the day the
    programme's decision is made for. Returns a :class:`LogResult` for that walk."""
    if walk_id is None:
        last = hist.last()
        if last is None or last.id is None:
            raise UsageError("no walks logged yet: log a walk first")
        walk_id = last.id
    hist.set_next_morning_pain(walk_id, pain)
    rec = hist.get(walk_id)
    return reaction_to(hist, rec, now or rec.started_at, lines)


def reaction_to(hist: History, rec: WalkRecord, now: datetime,
                lines: CoachLines | None = None) -> LogResult:
    """The :class:`LogResult` for ``rec`` (a row of ``hist``) against the rest of the
    history and the saved programme, decided for ``now``'s day."""
    from coach.programme.reaction import react
    from coach.programme.store import load_state
    from coach.routines.library import load_lines

    assert rec.id is not None
    others = [r for r in hist.sessions() if r.id != rec.id]
    reaction = react(rec, others, load_state(), max(now.date(), rec.started_at.date()),
                     lines or load_lines())
    return LogResult(rec.id, rec, reaction.advice, reaction.next, reaction.spoken)


def _session_target(hist: History, ref: str, now: datetime
                    ) -> tuple[str, datetime, float] | None:
    """For a session id: the programme routine of that session, its default start
    (that day, capped at ``now``) and its walking minutes; None for a routine id."""
    from coach.programme.plan import figure8_session, next_session
    from coach.programme.store import load_state
    from coach.programme.upcoming import parse_session_id

    parsed = parse_session_id(ref)
    if parsed is None:
        return None
    day, slot = parsed
    if day > now.date():
        raise UsageError(f"session {ref} is in the future (today is {now:%Y-%m-%d}); "
                         "log walks you have done")
    state = load_state()
    if state is None:
        raise UsageError(f"{ref} is a programme session, but there is no programme yet: "
                         "run `coach plan` first")
    before = [r for r in hist.sessions() if r.started_at.date() < day]
    if slot == "walk":
        session, hour = next_session(state, before, day), 12
    else:
        part = slot.rsplit("-", 1)[1]
        session, hour = figure8_session(state, before, day, part), 8 if part == "morning" else 18
    start = datetime.combine(day, time(hour), now.tzinfo)
    return session.routine.id, min(start, now), float(session.walk_min)
