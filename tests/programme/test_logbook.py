"""The walk log: one library call writes the row `coach log` writes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from coach.errors import UsageError
from coach.programme.history import History
from coach.programme.logbook import LoggedWalk, add_morning_pain, log_walk

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=ZoneInfo("Europe/London"))


def report(**kw: object) -> LoggedWalk:
    fields: dict[str, object] = dict(minutes=8.0, planned=None, when=None, pain_before=3,
                                     pain_after=4, effort="easy", stopped=None, flare=False,
                                     note="windy")
    fields.update(kw)
    return LoggedWalk(**fields)  # type: ignore[arg-type]


def test_a_logged_walk_is_one_row_as_reported() -> None:
    with History() as hist:
        result = log_walk(hist, "gentle-start", report(when="2026-03-02 07:30"), NOW)
        walk_id, rec = result.id, result.record
        stored = hist.get(walk_id)
    assert stored.id == walk_id and stored.routine == "gentle-start"
    assert stored.started_at == datetime(2026, 3, 2, 7, 30, tzinfo=ZoneInfo("Europe/London"))
    assert (stored.walked_min, stored.planned_min, stored.completed) == (8.0, 8.0, True)
    assert (stored.pain_before, stored.pain_after, stored.effort, stored.note) == (
        3, 4, "easy", "windy")
    assert rec.routine == stored.routine and rec.walked_min == stored.walked_min


def test_a_stop_and_a_flare_are_the_reason_the_walk_ended() -> None:
    with History() as hist:
        stopped = log_walk(hist, "heel-toe", report(minutes=4.0, planned=10.0,
                                                    stopped="pain"), NOW).record
        flared = log_walk(hist, "flare-up", report(flare=True), NOW).record
    assert (stopped.completed, stopped.ended_reason, stopped.planned_min) == (False, "pain", 10)
    assert (flared.completed, flared.ended_reason) == (True, "flare-up")


def test_morning_pain_goes_to_the_last_walk_unless_one_is_named() -> None:
    with History() as hist:
        first = log_walk(hist, "gentle-start", report(), NOW).id
        second = log_walk(hist, "figure-8", report(), NOW).id
        assert add_morning_pain(hist, 2).id == second
        assert add_morning_pain(hist, 5, first).record.pain_next_morning == 5
        assert hist.get(second).pain_next_morning == 2


@pytest.mark.parametrize(("routine", "walk", "message"), [
    ("gentle-start", report(when="2026-03-03 07:00"), "in the future"),
    ("gentle-start", report(minutes=500.0), "--minutes must be from 0"),
    ("gentel-start", report(), "did you mean"),
])
def test_bad_reports_are_refused_and_nothing_is_written(routine: str, walk: LoggedWalk,
                                                        message: str) -> None:
    with History() as hist:
        with pytest.raises(UsageError, match=message):
            log_walk(hist, routine, walk, NOW)
        assert hist.sessions() == []


def test_morning_pain_without_any_walk_says_so() -> None:
    with History() as hist, pytest.raises(UsageError, match="no walks logged yet"):
        add_morning_pain(hist, 3)


def test_a_logged_walk_answers_with_advice_and_the_next_decision() -> None:
    from coach.programme.plan import make_state
    from coach.programme.store import save_state

    save_state(make_state(10, 3, False, NOW.date()))
    with History() as hist:
        calm = log_walk(hist, "week-1-walk", report(minutes=10.0, pain_before=2,
                                                    pain_after=2), NOW)
        assert calm.advice == () and "stays the same length" in calm.next
        rise = log_walk(hist, "week-1-walk", report(minutes=10.0, pain_before=2,
                                                    pain_after=9), NOW)
        assert "9 out of 10" in rise.advice[0] and "went up from 2 to 9" in rise.advice[1]
        assert "switch to the gentle flare-up track" in rise.next
        morning = add_morning_pain(hist, 6, calm.id, NOW)
        assert "worse the next morning: 6, against 2" in morning.advice[0]
        assert morning.id == calm.id and morning.record.pain_next_morning == 6


def test_a_session_id_logs_that_days_programme_routine_and_minutes() -> None:
    from coach.programme.plan import make_state
    from coach.programme.store import save_state

    save_state(make_state(8, 3, True, NOW.date()))
    with History() as hist:
        main = log_walk(hist, "2026-03-02-walk", report(planned=None, when=None), NOW).record
        fig = log_walk(hist, "2026-03-02-figure-8-morning", report(minutes=4.0), NOW).record
    assert (main.routine, main.planned_min, main.walked_min) == ("week-1-walk", 8.0, 8.0)
    assert main.started_at.hour == 12 and fig.started_at.hour == 8
    assert fig.routine == "figure-8" and fig.planned_min == 4.0
    with History() as hist, pytest.raises(UsageError, match="in the future"):
        log_walk(hist, "2026-03-03-walk", report(), NOW)
