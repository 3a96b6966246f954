"""The pain reaction: advice on high, rising, stopped or worse-morning pain, and the
programme's decision, from one function."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from coach.programme.history import WalkRecord
from coach.programme.plan import make_state
from coach.programme.reaction import react
from coach.routines.library import load_lines

DAY = date(2026, 3, 2)
LINES = load_lines()
STATE = make_state(10, 3, False, DAY)


def walk(day: int = 0, **kw: object) -> WalkRecord:
    fields: dict[str, object] = dict(
        routine="week-1-walk", started_at=datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
        + timedelta(days=day), planned_min=10.0, walked_min=10.0, completed=True,
        pain_before=2, pain_after=2)
    fields.update(kw)
    return WalkRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("rec", "why", "decision"), [
    (walk(pain_after=8), "8 out of 10", "switch to the gentle flare-up track"),
    (walk(pain_before=2, pain_after=5), "went up from 2 to 5", "stays the same length"),
    (walk(completed=False, ended_reason="pain", walked_min=4, pain_after=3),
     "stopped this walk because of pain", "stays the same length"),
    (walk(pain_next_morning=5), "worse the next morning: 5, against 2",
     "stays the same length"),
    (walk(ended_reason="flare-up"), "flare-up", "switch to the gentle flare-up track"),
])
def test_each_pain_reaction_gives_advice_and_the_decision(rec: WalkRecord, why: str,
                                                           decision: str) -> None:
    reaction = react(rec, [], STATE, DAY, LINES)
    assert why in reaction.advice[0]
    assert LINES.red_flags in reaction.advice and LINES.pain_advice[0] in reaction.advice
    assert decision in reaction.next and decision in reaction.spoken[-1]
    assert reaction.spoken[:-1] == reaction.advice


def test_a_calm_walk_has_no_advice_but_a_decision() -> None:
    reaction = react(walk(), [], STATE, DAY, LINES)
    assert reaction.advice == ()
    assert reaction.next.startswith("Your next walk stays the same length: 10 minutes.")
    assert "1 good walk" in reaction.next


def test_the_third_good_walk_makes_the_next_longer() -> None:
    earlier = [walk(0, id=1), walk(2, id=2)]
    reaction = react(walk(4, id=3), earlier, STATE, DAY + timedelta(days=4), LINES)
    assert reaction.next.startswith("Your next walk is a little longer: 12 minutes.")


def test_a_second_rise_in_a_row_makes_the_next_shorter() -> None:
    state = make_state(10, 3, False, DAY)
    good = [walk(d, id=d + 1) for d in (0, 2, 4)]  # up to 12 minutes
    rise = walk(7, id=10, pain_after=5)
    reaction = react(replace(rise, id=11, started_at=rise.started_at + timedelta(days=2)),
                     [*good, rise], state, DAY + timedelta(days=9), LINES)
    assert reaction.next.startswith("Your next walk is shorter: 10 minutes.")


def test_a_sub_minute_walk_with_high_pain_advises_but_does_not_move_the_plan() -> None:
    reaction = react(walk(walked_min=0.3, completed=False, ended_reason="pain",
                          pain_after=9), [], STATE, DAY, LINES)
    assert "9 out of 10" in reaction.advice[0]
    assert reaction.next.startswith(LINES.next_uncounted)
    assert "flare-up" not in reaction.next and "stays the same length" in reaction.next


def test_without_a_programme_the_decision_says_so() -> None:
    reaction = react(walk(pain_after=9), [], None, DAY, LINES)
    assert reaction.advice and reaction.next == LINES.next_no_programme


def test_the_walk_itself_in_others_is_not_counted_twice() -> None:
    rec = walk(id=5, pain_after=8)
    assert react(rec, [rec], STATE, DAY, LINES) == react(rec, [], STATE, DAY, LINES)
