"""Upcoming sessions: the ids coach log takes, walking and session minutes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.errors import UsageError
from coach.programme.plan import make_state
from coach.programme.store import save_state
from coach.programme.today import load_upcoming
from coach.programme.upcoming import parse_session_id, upcoming

DAY = date(2026, 3, 2)  # a Monday


def test_a_week_of_sessions_with_ids_dates_and_both_minutes() -> None:
    state = make_state(10, 3, False, DAY)
    week = upcoming(state, [], DAY, 7)
    assert [s.date.weekday() for s in week] == [0, 2, 4]
    first = week[0]
    assert first.id == "2026-03-02-walk" and first.routine == "week-1-walk"
    assert first.walking_minutes == 10 and first.session_minutes > first.walking_minutes
    assert first.as_json() == {"id": "2026-03-02-walk", "date": "2026-03-02",
                               "title": first.title, "routine": "week-1-walk",
                               "walking_minutes": 10.0,
                               "session_minutes": first.session_minutes}
    assert all(DAY <= s.date < DAY + timedelta(days=7) for s in week)


def test_figure_8_walks_morning_and_evening_around_the_main_walk() -> None:
    state = make_state(10, 3, True, DAY)
    today = upcoming(state, [], DAY, 1)
    assert [s.id for s in today] == ["2026-03-02-figure-8-morning", "2026-03-02-walk",
                                     "2026-03-02-figure-8-evening"]
    assert [parse_session_id(s.id) for s in today] == [
        (DAY, "figure-8-morning"), (DAY, "walk"), (DAY, "figure-8-evening")]


@pytest.mark.parametrize("text", ["week-1-walk", "2026-02-30-walk", "2026-03-02-run",
                                  "2026-03-02-walk\n"])
def test_other_text_is_no_session_id(text: str) -> None:
    assert parse_session_id(text) is None


def test_saved_programme_and_limits() -> None:
    with pytest.raises(UsageError, match="coach plan"):
        load_upcoming(DAY)
    save_state(make_state(8, 2, False, DAY))
    assert [s.id for s in load_upcoming(DAY, 14)] == [
        "2026-03-02-walk", "2026-03-05-walk", "2026-03-09-walk", "2026-03-12-walk"]
    with pytest.raises(UsageError, match="days must be from 1"):
        load_upcoming(DAY, 0)


def test_programme_sessions_carry_week_day_date_numbers_and_stem() -> None:
    from coach.programme.today import load_programme_sessions, upcoming_programme_routines
    from coach.programme.upcoming import programme_sessions

    state = make_state(10, 3, True, DAY)
    later = DAY + timedelta(days=9)  # a Wednesday of week 2
    sessions = programme_sessions(state, [], later, 2)
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
    assert {s.week for s in sessions} == {2, 3, 4}
    first = sessions[0]
    assert (first.week, first.day, first.date, first.number_in_week) == (2, 3, later, 1)
    assert first.id == "2026-03-11-figure-8-morning" and first.routine.id == "figure-8"
    assert first.stem == "01-2026-03-11-figure-8"
    for s in sessions:
        assert s.week == (s.date - DAY).days // 7 + 1 and s.day == (s.date - DAY).days % 7 + 1
        assert s.stem == f"{s.number:02d}-{s.date.isoformat()}-{s.routine.id}"
        assert parse_session_id(s.id) is not None and s.id.startswith(s.date.isoformat())
    for week in (2, 3):
        numbers = [s.number_in_week for s in sessions if s.week == week]
        assert numbers == list(range(1, len(numbers) + 1))
    save_state(state)  # the loading helpers give the same, the old one its (routine, stem)
    assert load_programme_sessions(2, later) == sessions
    assert upcoming_programme_routines(2, later) == [(s.routine, s.stem) for s in sessions]
