"""Correcting the history: a fix or a delete changes the programme's next decision, and
says so."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from coach.errors import UsageError
from coach.programme.corrections import delete_walk, describe_fix, fix_walk, fixed_record
from coach.programme.history import History
from coach.programme.logbook import LoggedWalk
from coach.programme.plan import make_state, next_session
from coach.programme.store import save_state
from tests.programme.test_reaction import walk

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 9, 12, tzinfo=timezone.utc)


def fix(**kw: object) -> LoggedWalk:
    fields: dict[str, object] = dict(minutes=None, planned=None, when=None, pain_before=None,
                                     pain_after=None, effort=None, stopped=None, flare=False,
                                     note="")
    fields.update(kw)
    return LoggedWalk(**fields)  # type: ignore[arg-type]


@pytest.fixture
def hist(tmp_path):
    state = make_state(10, 3, False, DAY)
    save_state(state)
    with History(tmp_path / "h.sqlite3") as history:
        yield history


def next_minutes(hist: History) -> float:
    state = make_state(10, 3, False, DAY)
    return next_session(state, hist.sessions(), NOW.date()).walk_min


def test_deleting_a_good_walk_undoes_the_step_up(hist: History) -> None:
    ids = [hist.record(walk(d)) for d in (0, 2, 4)]
    assert next_minutes(hist) == 12
    result = delete_walk(hist, ids[1], NOW)
    assert next_minutes(hist) == 10 and result.after is None and result.before.id == ids[1]
    assert result.next.startswith("The programme now decides: 10-minute walks "
                                  "(before: 12-minute walks).")
    with pytest.raises(UsageError, match="no walk with id"):
        delete_walk(hist, ids[1], NOW)


def test_fixing_a_mistyped_pain_takes_the_plan_off_the_flare_up_track(hist: History) -> None:
    wid = hist.record(walk(0, pain_after=9))
    assert next_session(make_state(10, 3, False, DAY), hist.sessions(), NOW.date()).kind == \
        "flare-up"
    rec = hist.get(wid)
    fixed = fixed_record(rec, fix(pain_after=3), None, NOW)
    assert describe_fix(rec, fixed) == ["pain after: 9 -> 3"]
    result = fix_walk(hist, fixed, NOW)
    assert hist.get(wid).pain_after == 3 and result.after == hist.get(wid)
    assert result.advice == ()
    assert result.next.startswith("The programme now decides: 10-minute walks (before: the "
                                  "gentle flare-up track (5-minute walks)).")
    assert next_minutes(hist) == 10


def test_fixing_pain_upward_gives_the_advice_and_the_new_decision(hist: History) -> None:
    wid = hist.record(walk(0))
    result = fix_walk(hist, fixed_record(hist.get(wid), fix(pain_after=8), 6, NOW), NOW)
    assert "8 out of 10" in result.advice[0]
    assert "now decides: the gentle flare-up track" in result.next


def test_fixing_the_minutes_and_a_stop(hist: History) -> None:
    ids = [hist.record(walk(d)) for d in (0, 2, 4)]
    rec = hist.get(ids[2])
    fixed = fixed_record(rec, fix(minutes=4, stopped="pain"), None, NOW)
    assert describe_fix(rec, fixed) == ["minutes walked: 10 -> 4", "completed: yes -> no",
                                        "ended: - -> pain"]
    result = fix_walk(hist, fixed, NOW)
    assert "before: 12-minute walks" in result.next and next_minutes(hist) == 10
    assert "stopped this walk because of pain" in result.advice[0]


def test_a_fix_with_nothing_to_change_or_bad_values_is_refused(hist: History) -> None:
    wid = hist.record(walk(0))
    rec = hist.get(wid)
    with pytest.raises(UsageError, match="say what to correct"):
        fixed_record(rec, fix(), None, NOW)
    with pytest.raises(UsageError, match="--minutes must be from 0 to 240"):
        fixed_record(rec, fix(minutes=-3), None, NOW)
    with pytest.raises(UsageError, match="pain after must be a whole number"):
        fix_walk(hist, fixed_record(rec, fix(pain_after=11), None, NOW), NOW)
    assert hist.get(wid) == rec  # nothing written


def test_an_unchanged_decision_is_said_to_be_unchanged(hist: History) -> None:
    wid = hist.record(walk(0))
    result = fix_walk(hist, fixed_record(hist.get(wid), fix(note="sunny"), None, NOW), NOW)
    assert result.next.startswith("The programme's decision is unchanged: 10-minute walks.")
