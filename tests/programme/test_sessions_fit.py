"""Programme sessions fit the plan (issue 11.6), checked on the compiled sessions of
weeks 1-8: real intervals with an easing-off in "with pace changes" walks, the walking
minutes the plan says, no hill cues on the programme's flat ground, nothing mid-walk
that changes the dose, a different variant each session and the red flags said in
the first session and on the flare-up track."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from coach.compiler.timeline import Timeline
from coach.programme.history import WalkRecord
from coach.programme.minutes import still_techniques, walking_s
from coach.programme.plan import (
    MAX_BOUTS,
    MIN_BOUTS,
    PlannedSession,
    make_state,
    next_session,
    upcoming_sessions,
    weekly_walk_routine,
)
from coach.routines.library import load_lines, load_techniques, resolve_routine
from coach.routines.model import Repeat, Segment

MONDAY = date(2026, 3, 2)
LINES = load_lines()
STILL = still_techniques(load_techniques())
#: (comfortable minutes, days a week, figure-8 twice daily): a slow and a quick start
INTAKES = [(5, 3, False), (10, 5, False), (8, 4, True)]
HILLS = re.compile(r"\b(hills?|uphill|downhill|slopes?|inclines?|climb)", re.IGNORECASE)
DOSE_TALK = re.compile(r"\b(add|another|extra) (a|one|two|\w+) minutes?\b|next time",
                       re.IGNORECASE)


def eight_weeks() -> list[tuple[PlannedSession, Timeline]]:
    from coach.session import session_timeline

    out = []
    for minutes, days, fig in INTAKES:
        state = make_state(minutes, days, fig, MONDAY)
        for s in upcoming_sessions(state, [], MONDAY, 8):
            out.append((s, session_timeline(s.routine, estimate=True)[0]))
    return out


@pytest.fixture(scope="module")
def compiled() -> list[tuple[PlannedSession, Timeline]]:
    return eight_weeks()


def intervals(timeline: Timeline) -> list[tuple[str | None, float]]:
    return [(s.pace, s.end_s - s.start_s) for s in timeline.sections
            if s.technique == "pace-change"]


def test_pace_change_walks_have_several_brisk_and_easy_bouts_and_ease_off(compiled) -> None:
    paced = [(s, tl) for s, tl in compiled if "with pace changes" in s.routine.title]
    assert len(paced) >= 4 and {s.walk_min for s, _ in paced} >= {16, 20}
    for session, tl in paced:
        bouts = intervals(tl)
        assert [p for p, _ in bouts] == ["brisk", "easy"] * (len(bouts) // 2)
        assert MIN_BOUTS <= len(bouts) // 2 <= MAX_BOUTS
        brisk = {d for p, d in bouts if p == "brisk"}
        assert len(brisk) == 1 and brisk <= {60, 90, 120}
        lengths = [d for _, d in bouts]
        assert all(easy >= fast for fast, easy in zip(lengths[::2], lengths[1::2]))
        # the easing-off walk comes after the last easy bout, right before the stretches
        names = [(s.title, s.pace) for s in tl.sections]
        assert names[-2] == ("Easing off", "slow") and names[-1][0] == "Cool-down stretches"
        # every bout is announced with its pace, and counted down into the next
        for sec in (s for s in tl.sections if s.technique == "pace-change"):
            said = [c.text for c in tl.cues if sec.start_s <= c.at_s < sec.end_s]
            assert LINES.pace[sec.pace or ""] in said, sec
            assert said[-3:] == list(LINES.numbers[:3][::-1]), sec
        assert walking_s(tl.sections, STILL) == pytest.approx(session.walk_min * 60)


@pytest.mark.parametrize("minutes", range(15, 31))
def test_longer_walks_get_longer_bouts_within_the_dose(minutes: int) -> None:
    routine = weekly_walk_routine(minutes, 0, 4)
    repeat = next(s for s in routine.segments if isinstance(s, Repeat))
    brisk, easy = repeat.segments
    assert isinstance(brisk, Segment) and isinstance(easy, Segment)
    assert (brisk.pace, easy.pace) == ("brisk", "easy") and easy.duration_s >= brisk.duration_s
    assert brisk.duration_s == (60 if minutes < 20 else 90 if minutes < 25 else 120)
    assert MIN_BOUTS <= repeat.times <= MAX_BOUTS
    walking = routine.duration_s - routine.segments[-1].duration_s
    assert walking == minutes * 60  # the bouts replace steady walking, the dose stays
    steady = next(s for s in routine.segments
                  if isinstance(s, Segment) and s.technique == "heel-toe")
    assert steady.duration_s >= 120


def test_no_hill_cues_and_no_mid_walk_dose_changes(compiled) -> None:
    said = {c.text for _, tl in compiled for c in tl.cues}
    assert not [t for t in said if HILLS.search(t)]
    assert not [t for t in said if DOSE_TALK.search(t)]
    assert not {s.technique for _, tl in compiled for s in tl.sections} & {
        "incline-up", "incline-down"}


def test_each_session_has_its_own_variant_the_same_every_time(compiled) -> None:
    for minutes, days, fig in INTAKES:
        state = make_state(minutes, days, fig, MONDAY)
        plan = upcoming_sessions(state, [], MONDAY, 8)
        again = upcoming_sessions(state, [], MONDAY, 8)
        assert [s.routine.variant for s in plan] == [s.routine.variant for s in again]
        mains = [s.routine.variant for s in plan if s.kind != "figure-8"]
        assert mains == list(range(len(mains)))  # one more each walk: never the same twice
        figs = [s.routine.variant for s in plan if s.kind == "figure-8"]
        assert len(set(figs)) == len(figs)


def test_the_first_session_and_the_flare_up_track_say_the_red_flags(compiled) -> None:
    briefing = [LINES.doctor_check, *LINES.red_flags_spoken]
    for session, tl in compiled:
        texts = [c.text for c in tl.cues]
        first = session.kind == "walk" and session.routine.variant == 0
        assert session.routine.briefing is first
        assert all(line in texts for line in briefing) is first, session.routine.title
    state = make_state(8, 3, False, MONDAY)
    hurt = WalkRecord("week-1-walk", datetime(2026, 3, 2, 9, tzinfo=timezone.utc), 8, 8, True,
                      pain_before=2, pain_after=8)
    flare = next_session(state, [hurt], MONDAY + timedelta(days=1))
    assert flare.kind == "flare-up" and flare.routine.briefing and flare.routine.variant == 1
    from coach.session import session_timeline

    texts = [c.text for c in session_timeline(flare.routine, estimate=True)[0].cues]
    assert all(line in texts for line in briefing)
    walk_on = weekly_walk_routine(8, 1, 1, variant=1)
    assert not walk_on.briefing


def test_the_briefing_and_the_bouts_leave_no_cue_dropped(compiled) -> None:
    """The first session's warm-up has room for the briefing and its own lines; no
    main walk drops a cue (the figure-8 walk's last form cue against the closing and
    the cool-down's stretches are the compiler's: tests/compiler)."""
    for session, tl in compiled:
        if session.kind == "figure-8":
            continue
        dropped = [str(w) for w in tl.warnings if w.action == "dropped"]
        assert not dropped, (session.routine.title, dropped)
        if session.routine.briefing:
            assert tl.sections[0].end_s >= 120


QUICK = re.compile(r"\b(quick|quickly|fast|faster|brisk)\b", re.IGNORECASE)


def test_a_slow_walk_never_asks_for_a_quick_step_and_a_flare_walk_says_what_the_day_is_for(
        compiled) -> None:
    """At a slow pace (walks under 10 minutes, the flare-up track) no line asks for speed:
    heel-toe's own intro ("smooth and fairly quick") is replaced; the flare-up walk says
    it is a gentle day, to walk only as far as is comfortable."""
    slow = [(s, t) for s, t in compiled if {sec.pace for sec in t.sections} <= {"slow", None}]
    assert len(slow) > 20
    quick = [(s.routine.title, c.text) for s, t in slow for c in t.cues if QUICK.search(c.text)]
    assert not quick
    flare = next(t for s, t in compiled_flare())
    assert any("gentle day" in c.text and "comfortable" in c.text for c in flare.cues)


def compiled_flare() -> list[tuple[PlannedSession, Timeline]]:
    from coach.programme.plan import flare_routine
    from coach.session import session_timeline

    routine = flare_routine()
    return [(PlannedSession(routine, "", 1), session_timeline(routine, estimate=True)[0])]


def test_five_minutes_left_is_said_only_while_most_of_them_are_walking(compiled) -> None:
    """Not at the end of the walk when the last five minutes are the cool-down
    stretches ("Keep it smooth and steady", then "Slow to a stop")."""
    from coach.session import session_timeline

    said, skipped = 0, 0
    from coach.routines.model import Routine

    builtins = [session_timeline(resolve_routine(rid), estimate=True)[0]
                for rid in ("brisk-30", "heel-toe", "backward")]
    builtins.append(session_timeline(Routine("plain", "Plain", (Segment("walk", 1200),)),
                                     estimate=True)[0])  # no stretches: said
    for timeline in [t for _, t in compiled] + builtins:
        if timeline.duration_s < 15 * 60:
            continue
        last_walk_s = sum(max(0.0, s.end_s - max(s.start_s, timeline.duration_s - 300))
                          for s in timeline.sections if s.technique not in STILL)
        five = [c for c in timeline.cues if c.text == LINES.five_left]
        if last_walk_s >= 150:
            said += 1
            assert len(five) == 1, timeline.title
            assert timeline.sections[five[0].section].technique not in STILL
        else:
            skipped += 1
            assert not five, timeline.title
    assert said and skipped
