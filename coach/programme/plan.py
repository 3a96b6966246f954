"""The multi-week walking programme: intake, plan state and the next session.

Pure: no clock, no files inside; the programme state, the logged walks and the
day are passed in (:mod:`coach.programme.store` loads and saves the state,
:mod:`coach.programme.today` loads both for today's session). The dose comes from
:mod:`coach.programme.progression` (the rules); this module turns a dose into a
:class:`coach.routines.model.Routine` built from the technique ids, and projects
the coming weeks for export.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from coach.errors import UsageError, shorten
from coach.programme.history import WalkRecord
from coach.programme.progression import EXTRA_WALK_IDS, Standing, counts, replay
from coach.routines.generated import in_every_language
from coach.routines.lines import CoachLines, Why
from coach.routines.model import Repeat, Routine, Segment, total_duration_s

START_MIN, START_MAX = 5, 10
MAX_COMFORTABLE_MIN = 180  # the intake's answer: more than this is no "comfortable today"
TARGET_DAYS = 5
#: Which weekdays (Monday = 0) to walk for a number of days a week: spread out.
WALK_DAYS = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4),
             6: (0, 1, 2, 3, 4, 5), 7: (0, 1, 2, 3, 4, 5, 6)}
FIGURE8_MIN, FIGURE8_MAX = 3, 10
FLARE_WALK_MIN = 5
WALK_ID, FLARE_ID, FIGURE8_ID = "week-{week}-walk", "flare-up", "figure-8"
#: Stretching after a walk: two of the three standing stretches (both sides each:
#: hips, lower back), or all three (and the hamstrings), with about 20 s to spare
#: for a slower voice; 180 and 270 s left a pair out and 70-80 s of silence.
COOL_DOWN_SHORT_S, COOL_DOWN_LONG_S = 210, 300
FLARE_COOL_DOWN_S = 220  # cool-down-gentle: its two pairs, twice, as the built-in flare-up
#: "With pace changes" walks (:func:`pace_changes`): from this length, this many bouts,
#: after at least this much steady walking.
PACE_CHANGES_FROM_MIN = 15
MIN_BOUTS, MAX_BOUTS = 3, 6
STEADY_MIN_S = 120


@dataclass(frozen=True)
class Intake:
    """What the walker told us on the first day."""

    comfortable_min: float  # minutes of walking comfortable today
    days_per_week: int
    figure8_twice_daily: bool = False


@dataclass(frozen=True)
class ProgrammeState:
    intake: Intake
    started_on: date

    @property
    def start_min(self) -> int:
        """Begin with 5-10 minutes: what is comfortable, within that range."""
        return max(START_MIN, min(START_MAX, int(self.intake.comfortable_min)))


@dataclass(frozen=True)
class PlannedSession:
    routine: Routine
    why: Why  # why this length, in any language (CoachLines.say_why)
    week: int
    day: date | None = None
    kind: str = "walk"  # walk | flare-up | figure-8
    walk_min: float = 0.0  # minutes of walking (the dose), without the stretches
    slot: str = ""  # morning | evening for a figure-8 walk, else ""

    @property
    def reason(self) -> str:
        """Why this length, in English (other languages: ``lines.say_why(session.why)``)."""
        from coach.routines.library import load_lines

        return load_lines("en").say_why(self.why)


def check_minutes(comfortable_min: float) -> float:
    """The intake's comfortable minutes, checked: more than 0, at most
    :data:`MAX_COMFORTABLE_MIN` (``nan`` and ``inf`` are no minutes)."""
    if not (math.isfinite(comfortable_min) and 0 < comfortable_min <= MAX_COMFORTABLE_MIN):
        raise UsageError("comfortable minutes must be a number above 0 and at most "
                         f"{MAX_COMFORTABLE_MIN}, got {shorten(comfortable_min, 24)}")
    return float(comfortable_min)


def check_days(days_per_week: int) -> int:
    """The intake's days a week, checked: a whole number from 1 to 7."""
    if isinstance(days_per_week, bool) or not isinstance(days_per_week, int) \
            or not 1 <= days_per_week <= 7:
        raise UsageError(f"days per week must be a whole number from 1 to 7, got "
                         f"{shorten(days_per_week, 24)}")
    return days_per_week


def make_state(comfortable_min: float, days_per_week: int, figure8_twice_daily: bool,
               today: date) -> ProgrammeState:
    """Check the intake answers and start a programme on ``today``."""
    return ProgrammeState(Intake(check_minutes(comfortable_min), check_days(days_per_week),
                                 bool(figure8_twice_daily)), today)


def start_note(state: ProgrammeState, lines: CoachLines | None = None) -> str | None:
    """Why the first walk is not the minutes the walker gave (None: it is), in the
    language of ``lines`` (default English)."""
    from coach.routines.library import load_lines

    said = state.intake.comfortable_min
    start = state.start_min
    if said == start:
        return None
    lines = lines or load_lines()
    head = lines.said("start_said", said=f"{said:g}".replace(".", lines.decimal_mark),
                      start=start)
    if said < START_MIN:
        return lines.said("start_low", said=head)
    if said > START_MAX:
        return lines.said("start_high", said=head, low=START_MIN, high=START_MAX)
    return lines.said("start_whole", said=head)


def is_programme_id(routine_id: str) -> bool:
    """An id this module gives its routines: week-N-walk, flare-up or figure-8."""
    return (routine_id in (FLARE_ID, FIGURE8_ID)
            or re.fullmatch(r"week-[1-9][0-9]{0,3}-walk", routine_id) is not None)


def week_of(state: ProgrammeState, day: date) -> int:
    return max(0, (day - state.started_on).days) // 7 + 1


def days_per_week(state: ProgrammeState, standing: Standing) -> int:
    """Walking days a week: the intake's, plus one every second step up, toward five."""
    days = state.intake.days_per_week
    if days >= TARGET_DAYS:
        return days
    return min(TARGET_DAYS, days + standing.step // 2)


def is_main_walk(rec: WalkRecord) -> bool:
    """A walk that stands for the day's main walk: the programme's own main walk
    (week-N-walk or flare-up, matched exactly), or another routine walked to its end;
    never the short extra walks (:data:`EXTRA_WALK_IDS`, the twice-daily figure-8), and
    never a walk under a minute (:func:`coach.programme.progression.counts`). Two
    half-minute quits of some other routine do not make today's walk done."""
    if rec.routine in EXTRA_WALK_IDS or not counts(rec):
        return False
    return is_programme_id(rec.routine) or rec.completed


def next_session(state: ProgrammeState, history_records: Sequence[WalkRecord],
                 today: date, standing: Standing | None = None) -> PlannedSession:
    """Today's main walk: its dose follows the progression rules.

    Its routine's ``variant`` is the walk's number in the programme (the main walks
    logged before it, counting from 0), so consecutive sessions differ by one and the
    compiler starts its pools of lines at a different place each time; the same history
    on the same day always gives the same routine. The programme's first walk (no main
    walk logged yet) and every flare-up walk have ``briefing``: the doctor check and the
    red flags are said before the walk.

    ``standing`` is ``replay(history_records, state.start_min, today)`` when the
    caller already has it.
    """
    st = standing or replay(history_records, state.start_min, today)
    week = week_of(state, today)
    done_today = any(is_main_walk(r) and r.started_at.date() == today for r in history_records)
    why = ("logged_today", (("why", st.why),)) if done_today else st.why
    rotation = sum(1 for r in history_records if is_main_walk(r))
    if st.track == "flare":
        return PlannedSession(flare_routine(variant=rotation), why, week,
                              today, "flare-up", FLARE_WALK_MIN)
    routine = weekly_walk_routine(st.minutes, rotation, week, variant=rotation,
                                  briefing=rotation == 0)
    return PlannedSession(routine, why, week, today, "walk", st.minutes)


def figure8_session(state: ProgrammeState, history_records: Sequence[WalkRecord],
                    today: date, slot: str, standing: Standing | None = None) -> PlannedSession:
    """A figure-8 walk (morning or evening ``slot``), a minute longer per step of the plan."""
    st = standing or replay(history_records, state.start_min, today)
    minutes = FIGURE8_MIN if st.track == "flare" else min(FIGURE8_MAX, FIGURE8_MIN + st.step)
    why: Why = ("figure8_gentle" if st.track == "flare" else "figure8_grows",
                (("minutes", minutes),))
    variant = 2 * max(0, (today - state.started_on).days) + (slot == "evening")
    return PlannedSession(figure8_routine(minutes, slot, variant), why,
                          week_of(state, today), today, "figure-8", minutes + 1, slot)


def upcoming_sessions(state: ProgrammeState, history: Sequence[WalkRecord], today: date,
                      weeks: int) -> list[PlannedSession]:
    """The sessions of the next ``weeks`` weeks, if every walk goes as planned.

    Each projected walk is assumed done with low, steady pain, so the doses show
    the fastest the rules allow; real pain logs will slow it down.
    """
    if weeks < 1:
        raise UsageError(f"weeks must be 1 or more, got {weeks}")
    walks = list(history)
    out: list[PlannedSession] = []
    for offset in range(weeks * 7):
        day = today + timedelta(days=offset)
        st = replay(walks, state.start_min, day)
        if state.intake.figure8_twice_daily:
            out.append(figure8_session(state, walks, day, "morning", st))
        done = any(is_main_walk(r) and r.started_at.date() == day for r in walks)
        if not done and day.weekday() in WALK_DAYS[days_per_week(state, st)]:
            session = next_session(state, walks, day, st)
            if offset:
                session = replace(session, why=("projected", (("why", session.why),)))
            out.append(session)
            walks.append(_assumed_walk(session, day))
            st = replay(walks, state.start_min, day)
        if state.intake.figure8_twice_daily:
            out.append(figure8_session(state, walks, day, "evening", st))
    return out


def _assumed_walk(session: PlannedSession, day: date) -> WalkRecord:
    minutes = session.walk_min
    return WalkRecord(routine=session.routine.id,
                      started_at=datetime.combine(day, time(12), timezone.utc),
                      planned_min=minutes, walked_min=minutes, completed=True,
                      pain_before=2, pain_after=2, note="projected",
                      session_min=session.routine.duration_s / 60)


# -- routines built from the technique ids -----------------------------------------

def cool_down_s(walk_min: float) -> int:
    """Stretching time after a walk: one round and a bit for short walks, two for longer."""
    return COOL_DOWN_SHORT_S if walk_min < 15 else COOL_DOWN_LONG_S


def _said(key: str) -> tuple[str, ...]:
    """A line of the programme's catalogue (``programme:`` in the lines), in English: the
    other languages get theirs from :func:`in_every_language`."""
    from coach.routines.library import load_lines

    return (load_lines("en").programme[key],)


def weekly_walk_routine(minutes: int, rotation: int, week: int, *, variant: int = 0,
                        briefing: bool = False) -> Routine:
    """``minutes`` of walking (warm-up, form, one technique of the day), then stretches.

    The technique rotates walk by walk: plain heel-toe walking (with pace
    changes from 15 minutes: :func:`pace_changes`), backward walking (from
    10-minute walks, up to 10 minutes of it), side-steps (from 8-minute walks).
    The cool-down stretches come after the walking minutes (:func:`cool_down_s`).
    ``variant`` and ``briefing`` are the routine's (see :func:`next_session`).
    """
    # a briefing (doctor check, red flags: about a minute) is said at the start of the
    # warm-up: give it three minutes, so its moves still come
    warm_s = max(180 if briefing else 60, min(300, round(minutes * 60 * 0.2 / 60) * 60))
    main_s = minutes * 60 - warm_s
    pace = "slow" if minutes < 10 else "easy" if minutes < 20 else "moderate"
    segs: list[Segment | Repeat] = [Segment("warm-up", warm_s, title="Warm-up", pace="slow")]
    if minutes >= 8:
        segs.append(Segment("posture-check", 60, title="Posture check", pace="easy"))
        main_s -= 60
    tail: tuple[Segment | Repeat, ...] = ()  # the day's technique, after the steady walking
    kind = rotation % 3
    label = ""
    if kind == 1 and minutes >= 10:
        tail = (Segment("backward", min(600, max(120, round(main_s * 0.3 / 60) * 60)),
                        title="Backward walking", pace="slow"),)
        label = "with_backward"
    elif kind == 2 and minutes >= 8:
        tail = (Segment("side-step", min(300, max(120, round(main_s * 0.2 / 60) * 60)),
                        title="Side-steps", pace="slow"),)
        label = "with_side_steps"
    elif kind == 0 and minutes >= PACE_CHANGES_FROM_MIN:
        tail = pace_changes(minutes, main_s)
        label = "with_pace_changes"
    steady_s = main_s - round(total_duration_s(tail))
    # the technique's own intro asks for a "fairly quick" step: not at a slow pace
    intro = _said("slow_heel_toe_intro") if pace == "slow" else None
    segs += [Segment("heel-toe", steady_s, title="Heel-toe walking", pace=pace, intro=intro),
             *tail]
    segs.append(Segment("cool-down", cool_down_s(minutes), title="Cool-down stretches"))
    return in_every_language(Routine(id=WALK_ID.format(week=week), title="", segments=tuple(segs),
                                     source="<programme>", briefing=briefing, variant=variant),
                             "week_walk", {"week": week, "minutes": minutes, "label": label},
                             "walk_description")


def interval_bouts_s(minutes: int) -> tuple[int, int]:
    """The (brisk, easy) bout lengths of a walk's pace changes: longer bouts for
    longer walks, an easy bout never shorter than the brisk one before it."""
    if minutes < 20:
        return 60, 90
    if minutes < 25:
        return 90, 90
    return 120, 120


def pace_changes(minutes: int, main_s: int) -> tuple[Repeat, Segment]:
    """Real intervals for a ``minutes`` walk whose main part (after the warm-up and the
    posture check) lasts ``main_s``: :data:`MIN_BOUTS` to :data:`MAX_BOUTS` rounds of
    a brisk bout then an easy one (:func:`interval_bouts_s`), as many as fit while at
    least :data:`STEADY_MIN_S` of steady walking comes before them, then an easing-off
    at a slow pace before the cool-down stretches. The walking minutes stay ``minutes``:
    the bouts replace steady walking."""
    brisk_s, easy_s = interval_bouts_s(minutes)
    easing_s = 60 if minutes < 20 else 120
    room = main_s - easing_s - STEADY_MIN_S
    bouts = max(MIN_BOUTS, min(MAX_BOUTS, room // (brisk_s + easy_s)))
    repeat = Repeat(bouts, (Segment("pace-change", brisk_s, title="Brisk", pace="brisk"),
                            Segment("pace-change", easy_s, title="Easy", pace="easy")))
    return repeat, Segment("walk", easing_s, title="Easing off", pace="slow")


def flare_routine(variant: int = 0) -> Routine:
    """Five gentle minutes on flat ground while a flare-up settles (plain walking, not
    the quicker heel-toe step), then the gentle standing stretches (no toe touch, no
    forward bending: cool-down-gentle); the red flags are said before it (``briefing``)."""
    segs = (Segment("warm-up", 180, title="Very easy start", pace="slow"),  # with the briefing
            Segment("posture-check", 60, title="Relaxed posture", pace="slow"),
            Segment("walk", 60, title="Gentle walking", pace="slow", say=_said("flare_say")),
            Segment("cool-down-gentle", FLARE_COOL_DOWN_S, title="Gentle stretches"))
    return in_every_language(Routine(id=FLARE_ID, title="", segments=segs, source="<programme>",
                                     briefing=True, variant=variant),
                             "flare_title", {}, "flare_description")


def figure8_routine(minutes: int, slot: str, variant: int = 0) -> Routine:
    """A short figure-8 walk; ``variant``: one more for each figure-8 walk of the programme."""
    segs = (Segment("warm-up", 60, title="Warm-up", pace="slow"),
            Segment("figure-8", minutes * 60, title="Figure-8 walking", pace="slow"))
    return in_every_language(Routine(id=FIGURE8_ID, title="", segments=segs,
                                     source="<programme>", variant=variant),
                             "figure8_title", {"slot": slot}, "figure8_description")
