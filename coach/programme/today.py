"""Today's session: the one place the saved programme and history are loaded for it.

``today`` is always passed in (the caller reads it from its environment).
:func:`todays_routine` is what ``coach walk`` plays when no routine is named;
:func:`routine_for_ref` is what a schedule's routine reference means on a day
(``plan``: the programme's session of that day). The programme's routines loaded
here speak the walker's language (:func:`walkers_language`): walks, exports,
schedules and the daemon alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
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
FIGURE8_REF = "figure-8"  # the built-in, and the id of the programme's figure-8 walks
#: When the programme's figure-8 walks are meant; a schedule of ``figure-8`` takes the
#: slot nearest to it, as the phone feed matches them (coach.web.episodes.SLOT_HOURS).
SLOT_TIMES = {"morning": time(8), "evening": time(18)}


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


@dataclass(frozen=True)
class Scheduled:
    """What a schedule plays on a day, and a few words saying which session it is."""

    routine: Routine
    what: str


def scheduled_routine(ref: str, today: date, at: time, times: Sequence[time] = ()
                      ) -> Scheduled:
    """The session a schedule of ``ref`` at ``at`` plays on ``today``; ``times``: when
    every schedule of ``ref`` is due that day (``at`` among them).

    ``plan``: the programme's session. ``figure-8`` while the programme has figure-8
    walks: the programme's figure-8 walk of the slot this schedule takes (its dose, the
    one the phone feed offers; :func:`figure8_slot_for`), else the built-in. Anything
    else: the routine ``ref`` names. UsageError as :func:`routine_for_ref`.
    """
    if ref == PLAN_REF:
        session = todays_session(today)
        if session is None:
            raise UsageError("no programme yet: run `coach plan` first")
        return Scheduled(session.routine, f"today's programme session, {session.routine.title}")
    why = ""
    if ref == FIGURE8_REF:
        state, records = load_programme()
        programme = programme_figure8(state, records, today, at, times)
        if programme is not None:
            return Scheduled(programme.routine, f"your programme's {programme.slot} figure-8 "
                             f"walk, {programme.walk_min:g} minutes")
        if state is not None:
            why = (" (your other figure-8 schedules take the programme's two walks)"
                   if state.intake.figure8_twice_daily
                   else " (your programme has no figure-8 walks)")
    routine = routine_for_ref(ref, today)
    return Scheduled(routine, f"{routine.title}, {routine.duration_s / 60:.0f} minutes{why}")


def programme_figure8(state: ProgrammeState | None, records: Sequence[WalkRecord],
                      today: date, at: time, times: Sequence[time] = ()
                      ) -> PlannedSession | None:
    """The programme's figure-8 walk that a ``figure-8`` schedule at ``at`` plays on
    ``today`` (as the phone feed lists it: :func:`coach.programme.plan.upcoming_sessions`);
    None without a programme, without figure-8 walks in it, or when the other
    schedules (``times``) take both slots."""
    from coach.programme.plan import upcoming_sessions

    if state is None or not state.intake.figure8_twice_daily:
        return None
    walks = {s.slot: s for s in upcoming_sessions(state, records, today, 1)
             if s.kind == "figure-8" and s.day == today}
    slot = figure8_slot_for(at, [*times] if at in times else [*times, at])
    return None if slot is None else walks.get(slot)


def figure8_slot_for(at: time, times: Sequence[time]) -> str | None:
    """Which figure-8 slot the schedule at ``at`` takes among schedules at ``times``: the
    closest pair of a slot (:data:`SLOT_TIMES`) and a time goes first, then the next
    closest of what is left, so 07:30 and 19:00 are morning and evening, a lone 19:00
    is evening, and of three schedules one gets none (None: it plays the built-in)."""
    def minutes(t: time) -> int:
        return t.hour * 60 + t.minute

    pairs = sorted((abs(minutes(t) - minutes(meant)), k, n, slot) for n, t in enumerate(times)
                   for k, (slot, meant) in enumerate(SLOT_TIMES.items()))
    taken_slots: set[str] = set()
    taken_times: set[int] = set()
    for _distance, _k, n, slot in pairs:
        if slot in taken_slots or n in taken_times:
            continue
        taken_slots.add(slot)
        taken_times.add(n)
        if times[n] == at:
            return slot
    return None


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
