"""The programme: intake, saved state, routines built for a dose, projection."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.errors import UsageError
from coach.programme.history import WalkRecord
from coach.programme.plan import (
    cool_down_s,
    figure8_routine,
    flare_routine,
    is_main_walk,
    make_state,
    next_session,
    upcoming_sessions,
    weekly_walk_routine,
)
from coach.programme.store import load_state, save_state, state_path
from coach.routines.model import Repeat, Routine, Segment

TECHNIQUES = {"warm-up", "posture-check", "heel-toe", "walk", "backward", "side-step", "figure-8",
              "incline", "pace-change", "rest", "cool-down", "cool-down-gentle"}
MONDAY = date(2026, 3, 2)


def flat(segments: tuple[Segment | Repeat, ...]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        out.extend(flat(seg.segments) if isinstance(seg, Repeat) else [seg])
    return out


def check_routine(routine: Routine) -> list[Segment]:
    segs = flat(routine.segments)
    assert {s.technique for s in segs} <= TECHNIQUES
    assert all(s.duration_s >= 60 and s.duration_s == int(s.duration_s) for s in segs)
    assert "incline" not in {s.technique for s in segs}  # avoided while healing
    return segs


@pytest.mark.parametrize("minutes", range(5, 31))
@pytest.mark.parametrize("rotation", range(3))
def test_walk_routines_last_exactly_their_dose(minutes: int, rotation: int) -> None:
    routine = weekly_walk_routine(minutes, rotation, week=2)
    segs = check_routine(routine)
    assert segs[0].technique == "warm-up" and segs[-1].technique == "cool-down"
    assert routine.duration_s - segs[-1].duration_s == minutes * 60
    assert segs[-1].duration_s == cool_down_s(minutes) >= 180
    backward = sum(s.duration_s for s in segs if s.technique == "backward")
    assert backward <= 600  # about 10 minutes a day at most
    assert f"{minutes}-minute" in routine.title


def test_the_rotation_mixes_the_techniques() -> None:
    used = {s.technique for r in range(3) for s in flat(weekly_walk_routine(20, r, 3).segments)}
    assert {"backward", "side-step", "pace-change", "heel-toe", "posture-check"} <= used
    # beginners walk plainly: no backward walking in a 6-minute walk
    assert "backward" not in {s.technique for s in flat(weekly_walk_routine(6, 1, 1).segments)}


def test_flare_and_figure8_routines() -> None:
    flare = flare_routine()
    assert {s.pace for s in check_routine(flare) if s.pace} == {"slow"}
    # the gentle standing stretches (no toe touch), and no quicker heel-toe step
    assert [s.technique for s in flat(flare.segments)][-1] == "cool-down-gentle"
    assert "heel-toe" not in {s.technique for s in flat(flare.segments)}
    assert flare.duration_s - flat(flare.segments)[-1].duration_s <= 5 * 60
    f8 = figure8_routine(5, "morning")
    assert [s.technique for s in check_routine(f8)] == ["warm-up", "figure-8"]
    assert f8.duration_s == 6 * 60 and "morning" in f8.title


@pytest.mark.parametrize("comfortable, start", [(2, 5), (5, 5), (7.5, 7), (10, 10), (40, 10)])
def test_the_start_is_what_is_comfortable_within_5_to_10(comfortable: float, start: int) -> None:
    state = make_state(comfortable, 3, False, MONDAY)
    assert state.start_min == start
    routine = next_session(state, [], MONDAY).routine
    assert routine.duration_s == start * 60 + cool_down_s(start)


@pytest.mark.parametrize("args, message", [
    ((0, 3), "comfortable"), ((10, 0), "days"), ((10, 8), "days"), ((-5, 3), "comfortable"),
    ((float("nan"), 3), "comfortable"), ((float("inf"), 3), "comfortable"),
    ((181, 3), "comfortable"), ((10, 3.5), "days"), ((10, True), "days"),
    ((10, 10 ** 400), "days")])
def test_bad_intake_is_refused(args: tuple[float, int], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make_state(*args, False, MONDAY)


def test_state_round_trips_through_yaml(coach_home: Path) -> None:
    assert load_state() is None
    state = make_state(8, 4, True, MONDAY)
    path = save_state(state)
    assert path == state_path() == coach_home / "config" / "programme.yaml"
    assert load_state() == state
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("text", ["days_per_week: [", "started_on: 2026-03-02\n",
                                  "started_on: nope\ncomfortable_min: 5\ndays_per_week: 3\n"])
def test_a_damaged_state_file_gives_a_clear_error(coach_home: Path, text: str) -> None:
    state_path().parent.mkdir(parents=True)
    state_path().write_text(text)
    with pytest.raises(UsageError, match="programme"):
        load_state()


def test_next_session_follows_the_flare_track() -> None:
    state = make_state(6, 3, False, MONDAY)
    rec = WalkRecord("week-1-walk", datetime(2026, 3, 3, 8, tzinfo=timezone.utc), 6, 6, True,
                     pain_before=4, pain_after=8)
    session = next_session(state, [rec], date(2026, 3, 4))
    assert session.kind == "flare-up" and session.routine.id == "flare-up"
    assert "Flare-up" in session.reason


def test_next_session_says_when_todays_walk_is_logged() -> None:
    state = make_state(6, 3, False, MONDAY)
    rec = WalkRecord("week-1-walk", datetime(2026, 3, 2, 8, tzinfo=timezone.utc), 6, 6, True,
                     pain_before=2, pain_after=2)
    assert "already logged" in next_session(state, [rec], MONDAY).reason
    assert next_session(state, [rec], MONDAY).week == 1
    assert next_session(state, [rec], MONDAY + timedelta(days=15)).week == 3


@pytest.mark.parametrize(("routine", "walked", "completed", "done"), [
    ("week-1-walk", 6, False, True),  # the programme's walk, even ended early
    ("flare-up", 5, True, True),
    ("gentle-start", 10, True, True),  # another routine walked to its end
    ("gentle-start", 0.5, False, False),  # a half-minute quit of another routine
    ("week-1-walk", 0.5, True, False),  # under a minute never counts
    ("heel-toe", 4, False, False),  # another routine, ended early
    ("figure-8", 10, True, False),  # the extra walk
    ("week-1-walkabout", 10, False, False),  # no substring matches
])
def test_what_counts_as_todays_walk(routine: str, walked: float, completed: bool,
                                    done: bool) -> None:
    rec = WalkRecord(routine, datetime(2026, 3, 2, 8, tzinfo=timezone.utc), 6, walked,
                     completed)
    assert is_main_walk(rec) is done
    state = make_state(6, 3, False, MONDAY)
    twice = [rec, WalkRecord(routine, datetime(2026, 3, 2, 9, tzinfo=timezone.utc), 6, walked,
                             completed)]
    assert ("already logged" in next_session(state, twice, MONDAY).reason) is done


def test_upcoming_sessions_reach_30_minutes_five_days_a_week() -> None:
    state = make_state(5, 3, False, MONDAY)
    plan = upcoming_sessions(state, [], MONDAY, weeks=16)
    assert plan[0].day == MONDAY and "(projected)" not in plan[0].reason
    assert all("(projected)" in s.reason for s in plan[1:])
    by_week: dict[int, list[float]] = {}
    for s in plan:
        by_week.setdefault(s.week, []).append(s.walk_min)
    assert by_week[1] == [5, 5, 5]
    assert len(by_week[16]) == 5 and set(by_week[16]) == {30}
    lengths = [s.walk_min for s in plan]
    assert lengths == sorted(lengths)  # never down without a pain reason
    weekly = [max(v) for _, v in sorted(by_week.items())]
    assert all(b - a <= 6 for a, b in zip(weekly, weekly[1:]))  # gradual


def test_upcoming_sessions_add_figure8_morning_and_evening() -> None:
    state = make_state(6, 2, True, MONDAY)
    plan = upcoming_sessions(state, [], MONDAY, weeks=1)
    fig = [s for s in plan if s.kind == "figure-8"]
    assert len(fig) == 14
    assert [s.routine.title for s in fig[:2]] == ["Figure-8 walk (morning)",
                                                  "Figure-8 walk (evening)"]
    assert len([s for s in plan if s.kind == "walk"]) == 2
    with pytest.raises(UsageError):
        upcoming_sessions(state, [], MONDAY, weeks=0)


def test_every_programme_routine_compiles_with_the_builtin_techniques() -> None:
    from coach.session import compile_with_library

    routines = [weekly_walk_routine(m, r, 1) for m in range(5, 31) for r in range(3)]
    routines += [flare_routine(), figure8_routine(3, "morning"), figure8_routine(10, "evening")]
    for routine in routines:
        timeline = compile_with_library(routine)
        assert timeline.duration_s == routine.duration_s
        assert not [w for w in timeline.warnings if "too short for every stretch: kept 0" in str(w)]
        assert [s.technique for s in timeline.sections][0] == "warm-up"
