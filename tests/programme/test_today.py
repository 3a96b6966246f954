"""Today's session: the programme's when there is one, else gentle-start; 'plan' refs."""

from __future__ import annotations

from datetime import date

import pytest

from coach.errors import UsageError
from coach.programme.plan import make_state
from coach.programme.store import save_state
from coach.programme.today import PLAN_REF, load_programme, routine_for_ref, todays_routine

DAY = date(2026, 3, 20)


def test_without_a_programme_today_is_gentle_start_and_plan_is_an_error() -> None:
    assert load_programme() == (None, [])
    routine, why = todays_routine(DAY)
    assert routine.id == "gentle-start" and "coach plan" in why
    with pytest.raises(UsageError, match="run `coach plan` first"):
        routine_for_ref(PLAN_REF, DAY)


def test_with_a_programme_today_and_plan_are_the_same_session() -> None:
    save_state(make_state(7, 3, False, DAY))
    routine, why = todays_routine(DAY)
    assert routine.title.endswith("7-minute walk, then stretches")
    assert why.startswith(f"Today's session: {routine.title}.")
    assert routine_for_ref(PLAN_REF, DAY) == routine


def test_other_refs_are_routines() -> None:
    assert routine_for_ref("figure-8", DAY).id == "figure-8"
