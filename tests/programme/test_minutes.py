"""Walking minutes and session minutes mean one thing: the plan's walking minutes are
what a compiled session walks, a walk records both, and a walker who did every session
as planned is at 100% in `coach progress`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.compiler.timeline import Section
from coach.programme.minutes import still_techniques, walking_s
from coach.programme.plan import make_state, upcoming_sessions
from coach.routines.library import load_techniques

MONDAY = date(2026, 3, 2)
STILL = still_techniques(load_techniques())


def test_stretches_and_rests_are_not_walking_and_the_warm_up_is() -> None:
    assert {"cool-down", "rest"} <= STILL
    assert not STILL & {"warm-up", "walk", "heel-toe", "figure-8", "backward", "side-step"}


def test_walking_seconds_of_a_walk_ended_early() -> None:
    sections = [Section("Warm-up", "warm-up", 0, 120), Section("Walk", "walk", 120, 600),
                Section("Stretches", "cool-down", 600, 780), Section("Walk", "walk", 780, 840)]
    assert walking_s(sections, STILL) == 660
    assert walking_s(sections, STILL, 300) == 300
    assert walking_s(sections, STILL, 700) == 600  # in the stretches
    assert walking_s(sections, STILL, 800) == 620
    assert walking_s(sections, STILL, -5) == 0


def test_each_programme_session_walks_its_walking_minutes() -> None:
    from coach.session import session_timeline

    state = make_state(5, 3, True, MONDAY)
    for s in upcoming_sessions(state, [], MONDAY, 4):
        timeline, _ = session_timeline(s.routine, estimate=True)
        assert walking_s(timeline.sections, STILL) == pytest.approx(s.walk_min * 60), s.routine
        assert timeline.duration_s >= s.walk_min * 60


def test_a_walker_who_walks_every_session_as_planned_is_at_100_percent(tmp_path) -> None:
    from coach.programme.history import History
    from coach.programme.progress import format_table, weekly_progress
    from scripts.minutes_table import walk_as_planned

    state = make_state(5, 3, False, MONDAY)
    with History(tmp_path / "h.sqlite3") as hist:
        walk_as_planned(upcoming_sessions(state, [], MONDAY, 4), hist)
        records = hist.sessions()
    assert all(r.walked_min == r.planned_min < (r.session_min or 0) for r in records)
    rows = weekly_progress(state, records, MONDAY + timedelta(days=27))
    assert [r.week for r in rows] == [1, 2, 3, 4]
    assert all(r.walked_min == r.planned_min for r in rows)
    assert [line.split()[5] for line in format_table(rows).splitlines()[2:6]] == ["100"] * 4


def test_the_report_finds_left_right_pairs_and_one_sided_holds() -> None:
    from coach.programme.plan import weekly_walk_routine
    from coach.session import session_timeline
    from scripts.minutes_table import Hold, in_pairs, stretch_holds

    def hold(name: str, side: str) -> Hold:
        return Hold(name, side, 0.0, 0.0)

    assert in_pairs([hold("Toe", ""), hold("Lunge", "L"), hold("Lunge", "R")])
    assert not in_pairs([hold("Lunge", "L"), hold("Twist", "R")])
    assert not in_pairs([hold("Lunge", "L"), hold("Lunge", "R"), hold("Lunge", "L")])
    timeline, _ = session_timeline(weekly_walk_routine(20, 1, 3), estimate=True)
    holds = stretch_holds(timeline, load_techniques())
    assert holds and all(h.release_end_s > h.said_end_s for h in holds)
    assert {h.side for h in holds} <= {"", "L", "R"}


def test_the_welcome_says_the_plans_walking_minutes_then_the_stretches() -> None:
    """The first words of every session say the two numbers `coach plan` prints (its
    walking column, then the session column less the walking) in words, once each."""
    from coach.programme.upcoming import to_upcoming
    from coach.routines.library import load_lines
    from coach.session import compile_with_library

    say = load_lines().say_minutes
    state = make_state(5, 3, True, MONDAY)
    said = set()
    for s in upcoming_sessions(state, [], MONDAY, 4):
        row = to_upcoming(s)
        welcome = compile_with_library(s.routine).cues[0].text
        walking = round(row.walking_minutes)
        if s.routine.id.startswith("figure-8"):  # no stretches
            assert welcome == f"Welcome. Today: {say(walking)} of walking.", s.routine.title
        else:
            stretching = round(row.session_minutes) - walking
            assert welcome == (f"Welcome. Today: {say(walking)} of walking, then about "
                               f"{say(stretching)} of stretches."), s.routine.title
            assert s.routine.title not in welcome and str(walking) not in welcome
        said.add(welcome)
    assert len(said) >= 5  # the numbers follow the plan as it builds up
