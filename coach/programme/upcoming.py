"""The programme's upcoming sessions, each with the id to log it with (pure).

An :class:`UpcomingSession` is what ``coach plan --json`` prints and what the
phone page lists. Its ``id`` names one session of one day:

* ``2026-03-02-walk``: that day's main walk (a weekly walk or the flare-up walk);
* ``2026-03-02-figure-8-morning`` / ``2026-03-02-figure-8-evening``: the
  twice-daily figure-8 walks, when the programme has them.

``coach log ID ...`` and :func:`coach.programme.logbook.log_walk` take the id in
place of a routine id (:func:`parse_session_id` reads it back).

Walking minutes and session minutes: ``walking_minutes`` is the programme's dose,
the minutes spent walking (the warm-up walk counts, stretches do not);
``session_minutes`` is the whole session as played, stretches included.

A :class:`ProgrammeSession` is what exporting the programme needs of each session
(:func:`programme_sessions`): the routine, its programme week, its day in that week,
its date, its number overall and within its week (track numbers, one playlist per
week) and its file stem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from coach.errors import UsageError
from coach.programme.history import WalkRecord
from coach.programme.plan import PlannedSession, ProgrammeState, upcoming_sessions
from coach.routines.model import Routine

MAX_DAYS = 366
SLOTS = ("walk", "figure-8-morning", "figure-8-evening")
_ID = re.compile(r"(\d{4}-\d{2}-\d{2})-(walk|figure-8-morning|figure-8-evening)")


@dataclass(frozen=True)
class UpcomingSession:
    """One planned session: ``id`` is what ``coach log`` takes; minutes as in the module doc."""

    id: str
    date: date
    title: str
    routine: str  # the routine id: week-N-walk, flare-up or figure-8
    walking_minutes: float
    session_minutes: float

    def as_json(self) -> dict[str, object]:
        """``{"id", "date", "title", "routine", "walking_minutes", "session_minutes"}``."""
        return {"id": self.id, "date": self.date.isoformat(), "title": self.title,
                "routine": self.routine, "walking_minutes": self.walking_minutes,
                "session_minutes": self.session_minutes}


def session_id(day: date, session: PlannedSession) -> str:
    slot = f"figure-8-{session.slot}" if session.kind == "figure-8" else "walk"
    return f"{day.isoformat()}-{slot}"


def parse_session_id(text: str) -> tuple[date, str] | None:
    """``(day, slot)`` for a session id (slot: one of :data:`SLOTS`); None for anything else."""
    match = _ID.fullmatch(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match[1]), match[2]
    except ValueError:
        return None


def to_upcoming(session: PlannedSession, language: str = "en") -> UpcomingSession:
    from coach.routines.texts import routine_in

    assert session.day is not None
    return UpcomingSession(
        id=session_id(session.day, session), date=session.day,
        title=routine_in(session.routine, language).title,
        routine=session.routine.id, walking_minutes=round(float(session.walk_min), 2),
        session_minutes=round(session.routine.duration_s / 60, 2))


def upcoming(state: ProgrammeState, records: Sequence[WalkRecord], today: date,
             days: int = 7, language: str = "en") -> list[UpcomingSession]:
    """The sessions from ``today`` for ``days`` days (today included), in order, if every
    walk goes as planned: each day's main walk where the programme walks that day,
    with the morning and evening figure-8 walks around it when the programme has them.
    A day whose main walk is already logged lists only its figure-8 walks. Titles in
    ``language``."""
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"days must be from 1 to {MAX_DAYS}, got {days}")
    end = today + timedelta(days=days)
    sessions = upcoming_sessions(state, records, today, (days + 6) // 7)
    return [to_upcoming(s, language) for s in sessions if s.day is not None and s.day < end]


@dataclass(frozen=True)
class ProgrammeSession:
    """One session of the programme as exported: a file of its own.

    ``week`` is the programme's week (week 1 begins the day ``coach plan`` started
    the programme, so an export made in week 3 begins at 3); ``day`` is the day of
    that week (1-7, day 1 being the programme's first weekday); ``number`` counts the
    exported sessions from 1 and ``number_in_week`` the sessions of its week from 1
    (figure-8 walks included, in order); ``stem`` is the file name without its
    suffix, ``NN-YYYY-MM-DD-ROUTINE`` (``NN`` is ``number``); ``id`` is the session id
    ``coach log`` takes.
    """

    routine: Routine
    week: int
    day: int
    date: date
    number: int
    number_in_week: int
    stem: str
    id: str


def programme_sessions(state: ProgrammeState, records: Sequence[WalkRecord], today: date,
                       weeks: int) -> list[ProgrammeSession]:
    """The programme's sessions of the next ``weeks`` weeks from ``today``, in order, if
    every walk goes as planned (:func:`coach.programme.plan.upcoming_sessions`)."""
    out: list[ProgrammeSession] = []
    in_week: dict[int, int] = {}
    for number, session in enumerate(upcoming_sessions(state, records, today, weeks), 1):
        assert session.day is not None
        in_week[session.week] = in_week.get(session.week, 0) + 1
        out.append(ProgrammeSession(
            routine=session.routine, week=session.week,
            day=max(0, (session.day - state.started_on).days) % 7 + 1, date=session.day,
            number=number, number_in_week=in_week[session.week],
            stem=f"{number:02d}-{session.day.isoformat()}-{session.routine.id}",
            id=session_id(session.day, session)))
    return out
