"""Today's session: the one place the saved programme and history are loaded for it.

``today`` is always passed in (the caller reads it from its environment).
:func:`todays_routine` is what ``coach walk`` plays when no routine is named;
:func:`routine_for_ref` is what a schedule's routine reference means on a day
(``plan``: the programme's session of that day). The programme's routines loaded
here speak the walker's language (:func:`walkers_language`): walks, exports,
schedules and the daemon alike.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.programme.history import WalkRecord
    from coach.programme.plan import PlannedSession, ProgrammeState
    from coach.programme.upcoming import ProgrammeSession, UpcomingSession
    from coach.routines.lines import CoachLines
    from coach.routines.model import Routine

PLAN_REF = "plan"  # a schedule for "whatever the programme says today"
DEFAULT_ROUTINE = "gentle-start"  # walked when there is no programme yet


def load_programme() -> tuple[ProgrammeState | None, list[WalkRecord]]:
    """The saved programme (None when there is none) and every logged walk."""
    from coach.programme.history import History
    from coach.programme.store import load_state

    state = load_state()
    if state is None:
        return None, []
    with History() as hist:
        return state, hist.sessions()


def todays_session(today: date) -> PlannedSession | None:
    """Today's session from the saved programme and history; None without a programme.
    Its routine speaks the walker's language (:func:`walkers_language`)."""
    from dataclasses import replace

    from coach.programme.plan import next_session

    state, records = load_programme()
    if state is None:
        return None
    session = next_session(state, records, today)
    return replace(session, routine=walkers_language(session.routine))


def walkers_language(routine: Routine) -> Routine:
    """A programme routine in the walker's language: the settings' ``language:``
    (:func:`coach.config.user_language`; unset: as it is). ``--language`` still wins."""
    from dataclasses import replace

    from coach.config import user_language
    from coach.routines.language import TEXT_LANGUAGES

    code = user_language(TEXT_LANGUAGES)
    return routine if code is None else replace(routine, speech=replace(routine.speech,
                                                                        language=code))


def todays_routine(today: date, lines: CoachLines | None = None) -> tuple[Routine, str]:
    """The routine to walk when none is named, and a line saying why (in the language
    of ``lines``, default English).

    Today's session from the programme when one is set up (``coach plan``),
    else the gentlest built-in routine.
    """
    from coach.routines.library import load_lines, resolve_routine
    from coach.routines.texts import routine_in

    lines = lines or load_lines()
    session = todays_session(today)
    if session is None:
        return resolve_routine(DEFAULT_ROUTINE), lines.said("no_programme_walk",
                                                            routine=DEFAULT_ROUTINE)
    return session.routine, lines.said(
        "today", title=routine_in(session.routine, lines.language).title,
        reason=lines.say_why(session.why))


def routine_for_ref(ref: str, today: date) -> Routine:
    """A schedule's routine on ``today``: the programme's session for ``plan``, else the
    routine ``ref`` names (an id or a path). No programme for ``plan`` is a UsageError."""
    from coach.routines.library import resolve_routine

    if ref != PLAN_REF:
        return resolve_routine(ref)
    session = todays_session(today)
    if session is None:
        raise UsageError("no programme yet: run `coach plan` first")
    return session.routine


def load_programme_sessions(weeks: int, today: date) -> list[ProgrammeSession]:
    """The saved programme's sessions for the next ``weeks`` weeks, each with its week,
    day, date, numbers and file stem (:class:`coach.programme.upcoming.ProgrammeSession`);
    UsageError when there is no programme yet."""
    from dataclasses import replace

    from coach.programme.upcoming import programme_sessions

    state, records = load_programme()
    if state is None:
        raise UsageError("you have no programme yet: run `coach plan` first")
    return [replace(s, routine=walkers_language(s.routine))
            for s in programme_sessions(state, records, today, weeks)]


def upcoming_programme_routines(weeks: int, today: date) -> list[tuple[Routine, str]]:
    """The programme's sessions for the next ``weeks`` weeks, each with a file stem
    (``NN-DAY-ROUTINE``); UsageError when there is no programme yet. (The routines and
    stems of :func:`load_programme_sessions`.)"""
    return [(s.routine, s.stem) for s in load_programme_sessions(weeks, today)]


def load_upcoming(today: date, days: int = 7) -> list[UpcomingSession]:
    """The saved programme's :func:`coach.programme.upcoming.upcoming` sessions from
    ``today`` for ``days`` days; UsageError when there is no programme yet."""
    from coach.programme.upcoming import upcoming

    state, records = load_programme()
    if state is None:
        raise UsageError("you have no programme yet: run `coach plan` first")
    return upcoming(state, records, today, days)
